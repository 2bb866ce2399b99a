"""Fit rule thresholds to labelled clips by leave-one-source-out cross-validation.

Pure: it takes clips' landmarks (:class:`TuneCase`) and labels, never a
video or the pose model. Each fault's rule reads its own thresholds (its
``knobs`` in :data:`~hingecheck.core.faults.FAULTS`), so each fault is fitted on its own: every combination of
its knobs' steps is tried on every clip once (:func:`verdict_table`; only
the rules run, the features and reps are prepared once per clip), and a
fit is then a choice of a column of that table.

A knob moves a threshold by the same step for every exercise, so the
per-exercise profiles keep their differences from each other. A fit
minimises false positives plus false negatives over the clips it sees
(labels ``any`` and a clip's optional faults say nothing about a single
fault and are left out); among equal scores it keeps the smallest move
from the built-in value, so a threshold moves only when clips ask for it.

Leave-one-source-out: for every source (a lifter, a camera set-up or a
publisher, from ``sources.csv``), fit on the other sources and predict the
clips of that one. The predictions of all folds together give the
held-out figures; :func:`cross_validate` returns them beside the
fitted-on-everything figures, so the gap between the two is visible.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field

import numpy as np

from hingecheck.core.analysis import Prepared, judge_all, prepare
from hingecheck.core.config import Config
from hingecheck.core.faults import FAULTS
from hingecheck.core.judging import clip_faults
from hingecheck.scoring.metrics import Label, Prediction, compute_metrics


Moves = tuple[float, ...]  # one move per knob of a fault (see FaultSpec.knobs)


@dataclass
class TuneCase:
    """One labelled clip: its landmarks prepared once, its source and label."""

    clip: str
    source: str
    label: Label
    prepared: Prepared

    @classmethod
    def from_pose(cls, clip: str, source: str, label: Label, pose, config: Config) -> "TuneCase":
        return cls(clip, source, label, prepare(pose, label.exercise, config.for_exercise(label.exercise)))


def shifted(config: Config, fault_moves: dict[str, Moves]) -> Config:
    """``config`` with every knob of ``fault_moves`` moved, for all exercises alike."""
    delta: dict[str, float] = {}
    for fault, moves in fault_moves.items():
        for knob, move in zip(FAULTS[fault].knobs, moves):
            delta[knob.key] = delta.get(knob.key, 0.0) + move
    default = config.default.replace(**{k: getattr(config.default, k) + d for k, d in delta.items()})
    overrides = {ex: {k: v + delta.get(k, 0.0) for k, v in table.items()}
                 for ex, table in config.overrides.items()}
    return Config(default, overrides)


def prior_config() -> Config:
    """The thresholds before any fit: the built-in ones less each knob's ``fitted`` move
    (picked by ``hingecheck tune`` on the *design* clips, the shared clips outside the
    lockbox, see :mod:`hingecheck.scoring.lockbox`), so a cross-validation starts from
    the prior and never from values that saw its held-out clips."""
    return shifted(Config(), {f: tuple(-m for m in spec.fitted) for f, spec in FAULTS.items()})


def grid(fault: str) -> list[Moves]:
    """Every combination of a fault's knob moves."""
    return list(itertools.product(*(k.moves for k in FAULTS[fault].knobs)))


def verdict_table(cases: list[TuneCase], config: Config, fault: str) -> dict[Moves, np.ndarray]:
    """For each combination of ``fault``'s moves, (N,) bool: is ``fault`` in each clip's verdict."""
    out = {}
    for moves in grid(fault):
        cfg = shifted(config, {fault: moves})
        row = np.zeros(len(cases), bool)
        for i, case in enumerate(cases):
            th = cfg.for_exercise(case.label.exercise)
            row[i] = fault in clip_faults(judge_all(case.prepared, th, (fault,)))
        out[moves] = row
    return out


def truth(cases: list[TuneCase], fault: str) -> np.ndarray:
    """(N,) 1 where the clip shows ``fault``, 0 where it does not, -1 where the label cannot say."""
    out = np.full(len(cases), -1, int)
    for i, c in enumerate(cases):
        lab = c.label
        if lab.faults is None or lab.any_fault or fault in lab.optional:
            continue
        out[i] = int(fault in lab.faults)
    return out


def _distance(fault: str, moves: Moves) -> float:
    """How far ``moves`` is from the built-in thresholds, in steps of each knob's grid."""
    d = 0.0
    for knob, m in zip(FAULTS[fault].knobs, moves):
        steps = sorted(knob.moves)
        d += abs(steps.index(m) - steps.index(0.0))
    return d


def fit_fault(fault: str, table: dict[Moves, np.ndarray], y: np.ndarray, use: np.ndarray,
              weight: np.ndarray | None = None) -> Moves:
    """The moves with the fewest errors (false positives + negatives) on the ``use`` clips,
    each clip's error counted ``weight[i]`` times (default 1); ties go to the smallest move
    from the built-in thresholds."""
    known = use & (y >= 0)
    w = np.ones(len(y)) if weight is None else np.asarray(weight, float)

    def cost(moves: Moves) -> tuple[float, float]:
        wrong = table[moves][known] != (y[known] == 1)
        return round(float(np.sum(w[known][wrong])), 9), _distance(fault, moves)
    return min(table, key=cost)


@dataclass
class CrossValidation:
    """What :func:`cross_validate` found."""

    held_out: dict                 # metrics of the held-out predictions (totals, by view, by source)
    fitted: dict                   # metrics of the fitted-on-everything thresholds, on the same clips
    moves: dict[str, Moves]        # fitted on everything
    folds: dict[str, dict[str, Moves]] = field(default_factory=dict)  # source -> moves fitted without it
    config: Config | None = None   # the fitted-on-everything thresholds
    held_predictions: dict[str, Prediction] = field(default_factory=dict)  # clip -> its held-out prediction

    def as_dict(self) -> dict:
        def named(moves: dict[str, Moves]) -> dict:
            return {k.key: m for f, ms in moves.items() for k, m in zip(FAULTS[f].knobs, ms)}
        return {"held_out": self.held_out, "fitted_on_all": self.fitted, "moves": named(self.moves),
                "folds": {s: named(m) for s, m in self.folds.items()}}


def _predictions(cases: list[TuneCase], tables: dict, chosen: list[dict[str, Moves]]) -> dict[str, Prediction]:
    """Each clip's prediction with the moves ``chosen[i]`` picked for it."""
    out = {}
    for i, c in enumerate(cases):
        faults = {fault for fault, moves in chosen[i].items() if tables[fault][moves][i]}
        verdicts = judge_all(c.prepared, Config().for_exercise(c.label.exercise), ())
        whole = sum(1 for v in verdicts if v.rep.complete)
        out[c.clip] = Prediction(c.clip, frozenset(faults), whole, sum(1 for v in verdicts if v.judged),
                                 len(verdicts))
    return out


def metrics_for(cases: list[TuneCase], preds: dict[str, Prediction]) -> dict:
    """:func:`compute_metrics`, with a ``by_source`` breakdown."""
    labels = [dataclasses.replace(c.label, clip=c.clip) for c in cases]
    m = compute_metrics(preds, labels)
    m["by_source"] = {s: compute_metrics(preds, [lab for lab, c in zip(labels, cases) if c.source == s],
                                         by_view=False)
                      for s in sorted({c.source for c in cases})}
    return m


def cross_validate(cases: list[TuneCase], config: Config | None = None,
                   extra: list[TuneCase] = (), extra_weight: float | None = None) -> CrossValidation:
    """Leave-one-source-out fit and prediction of every fault's thresholds,
    moving from ``config`` (default: :func:`prior_config`).

    ``extra`` clips (a synthetic corpus with its ground truth) are fitted on in
    every fold and never predicted or counted in the figures; each counts
    ``extra_weight`` of a labelled clip (default: the labelled clips' number over
    theirs, so the two sets weigh the same)."""
    config = config or prior_config()
    extra = list(extra)
    every = list(cases) + extra
    if extra_weight is None:
        extra_weight = len(cases) / len(extra) if extra else 1.0
    weight = np.array([1.0] * len(cases) + [float(extra_weight)] * len(extra))
    tables = {f: verdict_table(every, config, f) for f in FAULTS}
    ys = {f: truth(every, f) for f in FAULTS}
    sources = np.array([c.source for c in cases] + [None] * len(extra), dtype=object)
    everyone = np.ones(len(every), bool)
    fitted = {f: fit_fault(f, tables[f], ys[f], everyone, weight) for f in FAULTS}
    folds = {}
    for s in sorted({c.source for c in cases}):
        folds[str(s)] = {f: fit_fault(f, tables[f], ys[f], sources != s, weight) for f in FAULTS}
    held = _predictions(cases, tables, [folds[c.source] for c in cases])
    fit_all = _predictions(cases, tables, [fitted for _ in cases])
    return CrossValidation(metrics_for(cases, held), metrics_for(cases, fit_all), fitted, folds,
                           shifted(config, fitted), held)


def profile_toml(config: Config, moves: dict[str, Moves], note: str = "") -> str:
    """A ``--config`` TOML file with the thresholds the moves changed (every exercise's value)."""
    keys = sorted({k.key for f, ms in moves.items() for k, m in zip(FAULTS[f].knobs, ms)})
    lines = ["# hingecheck thresholds fitted by `hingecheck tune`" + (f": {note}" if note else ""), "",
             "[default]"]
    lines += [f"{k} = {round(getattr(config.default, k), 4)!r}" for k in keys]
    for ex in sorted(config.overrides):
        table = {k: v for k, v in config.overrides[ex].items() if k in keys}
        if table:
            lines += ["", f"[profiles.{ex}]"] + [f"{k} = {round(v, 4)!r}" for k, v in sorted(table.items())]
    return "\n".join(lines) + "\n"
