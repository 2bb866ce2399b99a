"""How much of a verdict can be trusted: clean, faults, partly checked, not checked.

A rep with no fault found is only *clean* when every check that applies to
the exercise actually ran on it; a set is only clean when its judged reps
are clean and every check ran on most of its reps. Otherwise it is
*partly checked* (at least :data:`MIN_CHECKED_SHARE` of the checks ran) or
*not checked* (fewer ran, or none), never clean: a green "good" over checks
that never ran is the one thing this module exists to prevent.

Pure: it reads what a verdict already holds (the faults found and the
``cant_judge`` map, where :data:`~hingecheck.core.judging.WHOLE_REP` means
nothing was judged), so it works on a :class:`~hingecheck.core.judging.RepVerdict`
or on a cached JSON record alike (:class:`RepFacts`). Wording for a lifter
lives in :mod:`hingecheck.outputs.wording`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

from hingecheck.core.faults import FAULTS
from hingecheck.core.judging import WHOLE_REP, RepVerdict
from hingecheck.core.kinds import Exercise, FaultId, Reason, StrEnum
from hingecheck.core.signals import CantJudge

__all__ = ["VerdictState", "Unchecked", "StateReport", "RepFacts", "applicable_faults", "rep_state",
           "clip_state", "state_of_analysis", "MIN_CHECKED_SHARE", "APPLICABLE_FAULTS", "NO_REPS"]

#: what a set with no rep at all could not check
NO_REPS = CantJudge(Reason.NO_REPS)


class VerdictState(StrEnum):
    """What a rep's or a set's verdict amounts to (each member is its JSON string)."""
    CLEAN = "clean"                     # every applicable check ran, none found a fault
    FAULTS = "faults"                   # at least one fault found
    PARTLY_CHECKED = "partly_checked"   # no fault found, but some checks could not run
    NOT_CHECKED = "not_checked"         # no fault found, and most (or all) checks could not run


#: below this share of the applicable checks run, "no fault found" says too
#: little to call a rep or set even partly checked: it is NOT_CHECKED
MIN_CHECKED_SHARE = 0.5

#: the faults each exercise is checked for. Every rule is written for a hinge
#: and every fault applies to every exercise listed in
#: :data:`hingecheck.core.config.EXERCISES` (the rules already read the
#: exercise's thresholds), so this is all seven for each; an exercise left
#: out here gets all seven too. One home: narrow an exercise here, never at a
#: call site.
APPLICABLE_FAULTS: dict[Exercise, tuple[FaultId, ...]] = {}


def applicable_faults(exercise: str | None = None) -> tuple[FaultId, ...]:
    """The fault ids a verdict on ``exercise`` must have checked to be clean."""
    return APPLICABLE_FAULTS.get(exercise or "", tuple(FAULTS))


@dataclass(frozen=True)
class RepFacts:
    """What the states read of one rep: whole or partial, faults found, checks not run."""
    complete: bool
    faults: tuple[FaultId, ...]
    cant_judge: Mapping[str, CantJudge]

    @classmethod
    def of(cls, v: RepVerdict) -> "RepFacts":
        return cls(v.rep.complete, tuple(v.faults), dict(v.cant_judge))

    @classmethod
    def from_record(cls, rec: Mapping) -> "RepFacts":
        """From a JSON rep (``analyze``'s report or a score-cache record): the
        reason codes where it has them, else its reasons as recorded words."""
        faults = [f["fault"] if isinstance(f, Mapping) else f for f in rec.get("faults", [])]
        codes = rec.get("cant_judge_codes")
        if codes is not None:
            cant = {k: CantJudge.from_dict(d) for k, d in codes.items()}
        else:
            cant = {k: CantJudge.recorded(text) for k, text in (rec.get("cant_judge") or {}).items()}
        return cls(bool(rec.get("complete", True)), tuple(faults), cant)

    def not_run(self, faults: Iterable[str]) -> dict[str, CantJudge]:
        """Fault id -> reason, for each of ``faults`` this rep could not check."""
        whole = self.cant_judge.get(WHOLE_REP)
        return {f: whole if whole is not None else self.cant_judge[f]
                for f in faults if whole is not None or f in self.cant_judge}


@dataclass(frozen=True)
class Unchecked:
    """One reason some checks could not run, and the checks it stopped."""
    reason: CantJudge
    faults: tuple[FaultId, ...]

    def as_dict(self, words: Callable[[CantJudge], str]) -> dict:
        """As JSON, the reason said by ``words`` (see :mod:`hingecheck.outputs.wording`) beside its code."""
        return {"reason": words(self.reason), "faults": [str(f) for f in self.faults],
                "reason_code": self.reason.as_dict()}


@dataclass(frozen=True)
class StateReport:
    """A rep's or set's state, with the checks that ran and those that did not (one reason each)."""
    state: VerdictState
    checked: tuple[FaultId, ...]              # applicable checks that ran (on most reps, for a set)
    unchecked: tuple[Unchecked, ...] = ()     # the rest, grouped by reason
    found: tuple[FaultId, ...] = ()           # faults found
    applicable: tuple[FaultId, ...] = field(default_factory=lambda: tuple(FAULTS))

    @property
    def not_run(self) -> tuple[FaultId, ...]:
        return tuple(f for u in self.unchecked for f in u.faults)

    def as_dict(self, words: Callable[[CantJudge], str]) -> dict:
        """As JSON, each reason said by ``words``."""
        return {"state": str(self.state), "checked": [str(f) for f in self.checked],
                "found": [str(f) for f in self.found],
                "not_checked": [u.as_dict(words) for u in self.unchecked],
                "checks_run": len(self.checked), "checks_applicable": len(self.applicable)}


def _group(reasons: Mapping[str, CantJudge], order: Sequence[str]) -> tuple[Unchecked, ...]:
    """fault -> reason grouped into one :class:`Unchecked` per cause (by :meth:`CantJudge.key`)."""
    by_key: dict[tuple, list[str]] = {}
    text: dict[tuple, CantJudge] = {}
    for f in order:
        if f in reasons:
            k = reasons[f].key()
            by_key.setdefault(k, []).append(f)
            text.setdefault(k, reasons[f])
    return tuple(Unchecked(text[k], tuple(fs)) for k, fs in by_key.items())


def _unfound_state(n_checked: int, n_applicable: int) -> VerdictState:
    if n_checked >= n_applicable:
        return VerdictState.CLEAN
    if n_checked == 0 or n_checked < MIN_CHECKED_SHARE * n_applicable:
        return VerdictState.NOT_CHECKED
    return VerdictState.PARTLY_CHECKED


def rep_state(rep: RepVerdict | RepFacts, exercise: str | None = None) -> StateReport:
    """The state of one rep: FAULTS if any fault was found; else CLEAN only when
    every applicable check ran; else PARTLY_CHECKED or NOT_CHECKED."""
    facts = rep if isinstance(rep, RepFacts) else RepFacts.of(rep)
    applicable = applicable_faults(exercise)
    missing = facts.not_run(applicable)
    checked = tuple(f for f in applicable if f not in missing)
    found = tuple(f for f in facts.faults if f in applicable)
    state = VerdictState.FAULTS if found else _unfound_state(len(checked), len(applicable))
    return StateReport(state, checked, _group(missing, applicable), found, applicable)


def clip_state(reps: Sequence[RepVerdict | RepFacts], clip_faults: Sequence[str] = (),
               exercise: str | None = None, no_reps_reason: CantJudge = NO_REPS) -> StateReport:
    """The state of a set from its reps (the whole ones if any, else every movement).

    FAULTS when a fault recurs (``clip_faults``) or any rep shows one; else
    CLEAN only when every applicable check ran on more than half of the reps;
    else PARTLY_CHECKED (at least :data:`MIN_CHECKED_SHARE` of the checks did)
    or NOT_CHECKED. A check that did not run on most reps is reported with the
    commonest reason it did not.
    """
    facts = [r if isinstance(r, RepFacts) else RepFacts.of(r) for r in reps]
    applicable = applicable_faults(exercise)
    pool = [r for r in facts if r.complete] or facts
    if not pool:
        return StateReport(VerdictState.NOT_CHECKED, (), (Unchecked(no_reps_reason, applicable),), (), applicable)
    reasons: dict[str, CantJudge] = {}
    checked = []
    for f in applicable:
        missed = [r.not_run((f,))[f] for r in pool if f in r.not_run((f,))]
        if len(pool) - len(missed) > len(pool) / 2:
            checked.append(f)
        else:
            key, _ = Counter(m.key() for m in missed).most_common(1)[0]
            reasons[f] = next(m for m in missed if m.key() == key)
    found = tuple(f for f in applicable if f in clip_faults or any(f in r.faults for r in pool))
    state = VerdictState.FAULTS if found else _unfound_state(len(checked), len(applicable))
    return StateReport(state, tuple(checked), _group(reasons, applicable), found, applicable)


def state_of_analysis(analysis) -> StateReport:
    """:func:`clip_state` of an :class:`~hingecheck.core.analysis.Analysis`."""
    return clip_state(analysis.reps, analysis.clip_faults(), analysis.exercise)
