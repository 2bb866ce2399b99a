"""Every threshold that decides a verdict, in words: its value per exercise, unit, range and origin.

Pure text from :mod:`hingecheck.core.config` (the values, ``RANGES`` and
``THRESHOLD_INFO``) and the fault registry (which fault's tuning knob moves a
fitted threshold). ``hingecheck thresholds`` prints it; ``docs/thresholds.md``
is its Markdown form, checked against it by a test so it cannot go stale.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from hingecheck.core.config import EXERCISES, RANGES, THRESHOLD_INFO, Config, Thresholds, range_text
from hingecheck.core.faults import FAULTS

__all__ = ["ThresholdRow", "threshold_rows", "threshold_markdown", "threshold_text", "threshold_toml"]


@dataclass(frozen=True)
class ThresholdRow:
    """One threshold: its default value, the exercises that differ from it, unit, range, origin."""

    key: str
    value: float
    by_exercise: tuple[tuple[str, float], ...]   # (exercise, value) where it differs from ``value``
    unit: str
    valid: str                                    # the range a config file must respect
    origin: str                                   # "fitted", "measured" or "hand-set"
    tuned_by: str = ""                            # the fault whose tuning knob moves it, if any


def _knob_faults() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fault, spec in FAULTS.items():
        for knob in spec.knobs:
            out.setdefault(knob.key, []).append(str(fault))
    return out


def threshold_rows(config: Config | None = None) -> list[ThresholdRow]:
    """Every :class:`~hingecheck.core.config.Thresholds` field, in its declared order."""
    config = config or Config()
    knobs = _knob_faults()
    per_ex = {ex: config.for_exercise(ex) for ex in EXERCISES}
    rows = []
    for f in fields(Thresholds):
        value = float(getattr(config.default, f.name))
        differ = tuple((str(ex), float(getattr(th, f.name))) for ex, th in per_ex.items()
                       if getattr(th, f.name) != value)
        unit, origin = THRESHOLD_INFO[f.name]
        rows.append(ThresholdRow(f.name, value, differ, unit, range_text(f.name) if f.name in RANGES else "",
                                 origin, ", ".join(knobs.get(f.name, ()))))
    return rows


def _value(row: ThresholdRow) -> str:
    s = f"{row.value:g}"
    if row.by_exercise:
        s += " (" + ", ".join(f"{ex} {v:g}" for ex, v in row.by_exercise) + ")"
    return s


def _origin(row: ThresholdRow) -> str:
    return f"{row.origin} (tune: {row.tuned_by})" if row.tuned_by else row.origin


def threshold_text(config: Config | None = None) -> str:
    """A plain-text table for a terminal."""
    rows = threshold_rows(config)
    head = ("threshold", "unit", "origin", "value (exercises that differ)")
    table = [head] + [(r.key, r.unit, _origin(r), _value(r)) for r in rows]
    width = [max(len(line[i]) for line in table) for i in range(3)]
    out = ["  ".join(c.ljust(width[i]) if i < 3 else c for i, c in enumerate(line)).rstrip() for line in table]
    n_fit = sum(r.origin == "fitted" for r in rows)
    n_meas = sum(r.origin == "measured" for r in rows)
    out.append("")
    out.append(f"{len(rows)} thresholds: {n_fit} fitted by `hingecheck tune`, {n_meas} measured, "
               f"{len(rows) - n_fit - n_meas} hand-set. Change any of them with --config FILE "
               f"(see `hingecheck thresholds --toml`).")
    return "\n".join(out) + "\n"


def threshold_markdown(config: Config | None = None) -> str:
    """The Markdown table of ``docs/thresholds.md`` (below its introduction)."""
    lines = ["| threshold | value (exercises that differ) | unit | valid range | origin |",
             "|---|---|---|---|---|"]
    for r in threshold_rows(config):
        lines.append(f"| `{r.key}` | {_value(r)} | {r.unit} | `{r.valid}` | {_origin(r)} |")
    return "\n".join(lines) + "\n"


def threshold_toml(config: Config | None = None) -> str:
    """A complete ``--config`` file: every threshold with its unit, range and origin as a comment,
    and each exercise's own values, ready to edit."""
    rows = threshold_rows(config)
    out = ["# hingecheck thresholds: every number that decides a verdict.",
           "# Edit any value and pass this file with --config; delete the lines you keep as built in.",
           "", "[default]"]
    for r in rows:
        out.append(f"# {r.unit}; {r.valid}; {_origin(r)}")
        out.append(f"{r.key} = {r.value!r}")
    by_ex: dict[str, list[tuple[str, float]]] = {}
    for r in rows:
        for ex, v in r.by_exercise:
            by_ex.setdefault(ex, []).append((r.key, v))
    for ex in sorted(by_ex):
        out += ["", f"[profiles.{ex}]"] + [f"{k} = {v!r}" for k, v in by_ex[ex]]
    return "\n".join(out) + "\n"
