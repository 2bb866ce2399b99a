"""Scoring metrics: predicted clip verdicts against labels (pure: no cv2, no mediapipe).

A :class:`Label` is one row of a labels CSV; a :class:`Prediction` is what
the checker said about that clip (its clip verdict,
``Analysis.clip_faults()``, and its rep count). :func:`compute_metrics`
compares them:

* per fault (the ids in :data:`hingecheck.core.faults.FAULTS`): true/false
  positives and false negatives over clip verdicts, precision, recall, F1.
  A label's ``optional`` faults are right either way (neither FP nor FN).
  Clips whose faults are ``?`` (not scored) count for nothing here; clips
  labelled ``any`` (some fault, unknown which) count for no single fault
  but do count in the clip-level ``any_fault`` score;
* ``any_fault``: the same over "is this clip faulty at all";
* ``good_clips``: clips labelled ``none`` with no (non-optional) predicted fault
  and whose checks could run: a good clip whose state
  (:class:`~hingecheck.core.states.VerdictState`) is NOT_CHECKED is not
  counted clean but listed under ``not_checked_clips``; a PARTLY_CHECKED one
  counts as clean and is listed under ``partly_checked_clips`` too;
* ``states``: how many scored clips were in each state;
* ``rep_count``: exact matches and mean absolute error over clips with a
  labelled count;
* ``cant_judge``: clips where not a single rep could be judged.

A clip whose processing failed (``Prediction.error``) is left out of every
score and counted under ``errors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from hingecheck.core.errors import HingecheckError
from hingecheck.core.faults import FAULTS
from hingecheck.core.states import VerdictState

#: special values of the ``faults`` column
NO_FAULT, NOT_SCORED, ANY_FAULT = "none", "?", "any"


@dataclass(frozen=True)
class Label:
    clip: str
    exercise: str = "hip_hinge"
    view: str = ""
    reps: int | None = None                  # None: rep count not scored
    faults: frozenset[str] | None = frozenset()  # None: faults not scored ("?")
    any_fault: bool = False                  # "any": at least one fault, unknown which
    optional: frozenset[str] = frozenset()

    @property
    def faults_scored(self) -> bool:
        return self.faults is not None

    @property
    def faulty(self) -> bool | None:
        """Whether the clip is expected to show a fault; None if not scored."""
        if self.faults is None:
            return None
        return self.any_fault or bool(self.faults)


@dataclass(frozen=True)
class Prediction:
    clip: str
    faults: frozenset[str] = frozenset()     # the clip verdict
    rep_count: int = 0
    judged_reps: int = 0                     # reps (whole or partial) that could be judged
    reps_found: int = 0                      # movements found at all, judged or not
    error: str | None = None
    state: VerdictState | None = None        # None: not known (counted as before states existed)

    @property
    def cant_judge(self) -> bool:
        """No rep at all could be judged (including: no rep found)."""
        return self.error is None and self.judged_reps == 0


def parse_fault_list(text: str, where: str = "faults", *, allow_special: bool = True
                     ) -> tuple[frozenset[str] | None, bool]:
    """Parse a ``faults`` cell: ``(faults, any_fault)``; faults None for ``?``.

    ``none`` → empty set, ``any`` → (empty set, True), else ``;``-separated
    fault ids. With ``allow_special=False`` (the optional_faults column) only
    ids or an empty cell are accepted. Raises HingecheckError, one line.
    """
    t = (text or "").strip()
    low = t.lower()
    if allow_special:
        if low == NO_FAULT:
            return frozenset(), False
        if low == NOT_SCORED:
            return None, False
        if low == ANY_FAULT:
            return frozenset(), True
        if not t:
            raise HingecheckError(f"{where}: empty; write none, ?, any or fault ids separated by ';'")
    elif not t or low == NO_FAULT:
        return frozenset(), False
    ids = [p.strip() for p in t.split(";") if p.strip()]
    for fid in ids:
        if fid.lower() in (NO_FAULT, NOT_SCORED, ANY_FAULT):
            raise HingecheckError(f"{where}: {fid!r} cannot be combined with fault ids")
        if fid not in FAULTS:
            raise HingecheckError(f"{where}: unknown fault id {fid!r}; known: {', '.join(FAULTS)}")
    return frozenset(ids), False


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _pct(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def prf(tp: int, fp: int, fn: int) -> dict:
    """Counts with precision, recall and F1 (None where undefined)."""
    p = _ratio(tp, tp + fp)
    r = _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    return {"tp": tp, "fp": fp, "fn": fn, "support": tp + fn, "precision": p, "recall": r, "f1": f1}


@dataclass
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    clips_fp: list[str] = field(default_factory=list)
    clips_fn: list[str] = field(default_factory=list)

    def add(self, expected: bool, got: bool, clip: str) -> None:
        """Count one clip's outcome."""
        if expected and got:
            self.tp += 1
        elif expected:
            self.fn += 1
            self.clips_fn.append(clip)
        elif got:
            self.fp += 1
            self.clips_fp.append(clip)
        else:
            self.tn += 1


@dataclass
class _Tally:
    """What :func:`compute_metrics` counts over the labelled clips, one clip at a time."""
    per_fault: dict[str, _Counts] = field(default_factory=lambda: {fid: _Counts() for fid in FAULTS})
    clip_level: _Counts = field(default_factory=_Counts)   # faulty at all, or not
    good_n: int = 0                                       # clips labelled none
    good_flagged: list[str] = field(default_factory=list)  # ... with a (non-optional) predicted fault
    rep_n: int = 0                                        # clips with a labelled rep count
    rep_exact: int = 0
    rep_abs: float = 0.0
    rep_off: list[dict] = field(default_factory=list)
    cant: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    good_unchecked: list[str] = field(default_factory=list)
    good_partly: list[str] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=lambda: {str(s): 0 for s in VerdictState})

    def add(self, lab: Label, pred: Prediction | None) -> None:
        """Count one labelled clip and what was predicted for it (None: nothing)."""
        if pred is None:
            self.missing.append(lab.clip)
            return
        if pred.error is not None:
            self.errors.append({"clip": lab.clip, "error": pred.error})
            return
        if pred.cant_judge:
            self.cant.append(lab.clip)
        if pred.state is not None:
            self.states[str(pred.state)] += 1
        if lab.reps is not None:
            self._add_reps(lab, pred)
        if lab.faults is not None:
            self._add_faults(lab, pred)

    def _add_reps(self, lab: Label, pred: Prediction) -> None:
        self.rep_n += 1
        diff = pred.rep_count - lab.reps
        self.rep_abs += abs(diff)
        if diff == 0:
            self.rep_exact += 1
        else:
            self.rep_off.append({"clip": lab.clip, "label": lab.reps, "found": pred.rep_count})

    def _add_faults(self, lab: Label, pred: Prediction) -> None:
        strict = set(pred.faults) - set(lab.optional)
        expected_faulty = bool(lab.faulty)
        self.clip_level.add(expected_faulty, bool(strict), lab.clip)
        if not expected_faulty:
            self.good_n += 1
            if strict:
                self.good_flagged.append(lab.clip)
            elif pred.state == VerdictState.NOT_CHECKED:
                self.good_unchecked.append(lab.clip)
            elif pred.state == VerdictState.PARTLY_CHECKED:
                self.good_partly.append(lab.clip)
        if lab.any_fault:
            return  # no per-fault truth
        for fid, c in self.per_fault.items():
            if fid not in lab.optional:
                c.add(fid in lab.faults, fid in pred.faults, lab.clip)

    def scores(self, n_labels: int) -> dict:
        """The JSON-ready scores of what was counted (see the module docstring)."""
        faults = {fid: {**prf(c.tp, c.fp, c.fn), "fp_clips": c.clips_fp, "fn_clips": c.clips_fn}
                  for fid, c in self.per_fault.items()}
        tot = [sum(getattr(c, k) for c in self.per_fault.values()) for k in ("tp", "fp", "fn")]
        active = [v["f1"] for v in faults.values() if (v["support"] or v["fp"]) and v["f1"] is not None]
        cl, good_clean = self.clip_level, self.good_n - len(self.good_flagged) - len(self.good_unchecked)
        return {
            "clips": n_labels,
            "scored_clips": n_labels - len(self.errors) - len(self.missing),
            "errors": self.errors,
            "unpredicted": self.missing,
            "faults": faults,
            "micro": prf(*tot),
            "macro_f1": round(sum(active) / len(active), 4) if active else None,
            "any_fault": {**prf(cl.tp, cl.fp, cl.fn), "tn": cl.tn, "fp_clips": cl.clips_fp, "fn_clips": cl.clips_fn},
            "good_clips": {"n": self.good_n, "clean": good_clean, "clean_pct": _pct(good_clean, self.good_n),
                           "flagged_clips": self.good_flagged, "not_checked_clips": self.good_unchecked,
                           "partly_checked_clips": self.good_partly},
            "rep_count": {"n": self.rep_n, "exact": self.rep_exact, "exact_pct": _pct(self.rep_exact, self.rep_n),
                          "mae": round(self.rep_abs / self.rep_n, 3) if self.rep_n else None, "wrong": self.rep_off},
            "cant_judge": {"n": len(self.cant), "clips": self.cant},
            "states": dict(self.states),
        }


def compute_metrics(predictions: Mapping[str, Prediction] | Iterable[Prediction],
                    labels: Iterable[Label], *, by_view: bool = True) -> dict:
    """Every score of a labelled batch; see the module docstring. JSON-ready.

    With ``by_view``, ``result["by_view"][view]`` holds the same scores for
    the clips of each labelled camera view (``side``, ``oblique``, ...).
    """
    if not isinstance(predictions, Mapping):
        predictions = {p.clip: p for p in predictions}
    labels = list(labels)
    tally = _Tally()
    for lab in labels:
        tally.add(lab, predictions.get(lab.clip))
    result = tally.scores(len(labels))
    if by_view:
        result["by_view"] = {view: compute_metrics(predictions, [lab for lab in labels if lab.view == view],
                                                   by_view=False)
                             for view in sorted({lab.view for lab in labels if lab.view})}
    return result


def _f(v, pct: bool = False) -> str:
    if v is None:
        return "--"
    return f"{v:.1f}%" if pct else f"{v:.2f}"


def summary_line(name: str, m: dict) -> str:
    """One line of :func:`compute_metrics`' result: micro F1, its counts, good clips clean."""
    g = m["good_clips"]
    micro = m["micro"]["f1"]
    return (f"{name:<26} micro F1 {'--' if micro is None else f'{micro:.2f}'}  "
            f"tp {m['micro']['tp']:>2} fp {m['micro']['fp']:>2} fn {m['micro']['fn']:>2}  "
            f"good clips clean {g['clean']}/{g['n']}")


def _unchecked_note(g: dict) -> str:
    """How many good clips were not counted clean because their checks could not run,
    and how many of the clean ones were only partly checked."""
    parts = []
    if g.get("not_checked_clips"):
        parts.append(f"{len(g['not_checked_clips'])} not checked, not counted clean: "
                     + ", ".join(g["not_checked_clips"]))
    if g.get("partly_checked_clips"):
        parts.append(f"{len(g['partly_checked_clips'])} of the clean only partly checked: "
                     + ", ".join(g["partly_checked_clips"]))
    return f"; {'; '.join(parts)}" if parts else ""


def metrics_table(m: dict) -> str:
    """A fixed-width text rendering of :func:`compute_metrics`' result."""
    head = f"{'fault':<20} {'tp':>3} {'fp':>3} {'fn':>3} {'prec':>5} {'rec':>5} {'f1':>5}"
    lines = [head, "-" * len(head)]
    rows = list(m["faults"].items()) + [("(all faults, micro)", m["micro"]), ("(clip faulty at all)", m["any_fault"])]
    for name, v in rows:
        lines.append(f"{name:<20} {v['tp']:>3} {v['fp']:>3} {v['fn']:>3} "
                     f"{_f(v['precision']):>5} {_f(v['recall']):>5} {_f(v['f1']):>5}")
    lines.append("-" * len(head))
    g, r = m["good_clips"], m["rep_count"]
    lines.append(f"macro F1: {_f(m['macro_f1'])}")
    lines.append(f"good clips with no fault flagged: {g['clean']}/{g['n']} ({_f(g['clean_pct'], True)})"
                 + _unchecked_note(g))
    lines.append(f"rep count exact: {r['exact']}/{r['n']} ({_f(r['exact_pct'], True)}), "
                 f"mean abs error {_f(r['mae'])}")
    lines.append(f"clips with no judged rep (can't judge): {m['cant_judge']['n']}"
                 + (f" ({', '.join(m['cant_judge']['clips'])})" if m["cant_judge"]["clips"] else ""))
    lines.append(f"clips scored: {m['scored_clips']} of {m['clips']}, errors: {len(m['errors'])}")
    if any(m.get("states", {}).values()):
        lines.append("clips by state: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in m["states"].items()))
    return "\n".join(lines)
