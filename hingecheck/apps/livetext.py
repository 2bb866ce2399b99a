"""The words of a live set: a rep's state and one-line summary, the short cue
shown on the screen, and the end-of-set card (no cv2, no drawing), and the
printers of the per-rep lines.

Used by the live window (:mod:`hingecheck.outputs.livescreen`) and, without
a window, for the per-rep lines printed during the set.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hingecheck.core.analysis import Analysis
from hingecheck.core.faults import FAULTS
from hingecheck.core.judging import WHOLE_REP, RepVerdict
from hingecheck.core.kinds import StrEnum
from hingecheck.io.atomic import is_stdout
from hingecheck.outputs.wording import reason_text

__all__ = ["RepState", "SetCard", "print_to", "rep_line", "rep_printer", "rep_state", "screen_verdict", "set_card",
           "short_cue"]


# TODO: replace with hingecheck.core.states (the shared verdict states, issue 18)
class RepState(StrEnum):
    """What a rep's verdict amounts to."""

    CLEAN = "clean"
    FAULTS = "faults"
    PARTLY_CHECKED = "partly checked"
    NOT_CHECKED = "not checked"


# TODO: replace with hingecheck.core.states (the shared verdict states, issue 18)
def rep_state(v: RepVerdict) -> RepState:
    """Faults found; else nothing judged; else some faults not judged; else clean."""
    if v.findings:
        return RepState.FAULTS
    if WHOLE_REP in v.cant_judge:
        return RepState.NOT_CHECKED
    if v.cant_judge:
        return RepState.PARTLY_CHECKED
    return RepState.CLEAN


def short_cue(fault: str) -> str:
    """A fault's cue up to its first semicolon: short enough to read from 3 m."""
    return FAULTS[fault].cue.split(";")[0].strip()


def _worst(v: RepVerdict):
    """The rep's most severe finding (it has at least one)."""
    return max(v.findings, key=lambda f: f.severity)


def rep_line(v: RepVerdict) -> str:
    """One line for the terminal: ``rep 3: faults - Rounded back (moderate): brace, ...``."""
    name = f"rep {v.rep.index}" if v.rep.complete else "movement (not counted)"
    state = rep_state(v)
    if state is RepState.FAULTS:
        worst = _worst(v)
        titles = ", ".join(f"{FAULTS[f.fault].title} ({f.severity_label})" for f in v.findings)
        return f"{name}: {state.value} - {titles}; cue: {FAULTS[worst.fault].cue}"
    if state is RepState.NOT_CHECKED:
        return f"{name}: {state.value} - {reason_text(v.cant_judge[WHOLE_REP])}"
    if state is RepState.PARTLY_CHECKED:
        unchecked = ", ".join(FAULTS[f].title for f in v.cant_judge if f in FAULTS)
        return f"{name}: no fault found, {state.value} (not checked: {unchecked})"
    return f"{name}: {state.value}"


def screen_verdict(v: RepVerdict) -> tuple[str, str | None]:
    """(verdict, cue) for the live screen: short, e.g. ``("Rep 3: Rounded back", "brace, ...")``."""
    name = f"Rep {v.rep.index}" if v.rep.complete else "Movement"
    state = rep_state(v)
    if state is RepState.FAULTS:
        worst = _worst(v)
        more = f" (+{len(v.findings) - 1})" if len(v.findings) > 1 else ""
        return f"{name}: {FAULTS[worst.fault].title}{more}", short_cue(worst.fault)
    if state is RepState.NOT_CHECKED:
        return f"{name}: not checked", reason_text(v.cant_judge[WHOLE_REP])
    if state is RepState.PARTLY_CHECKED:
        return f"{name}: no fault seen", "(partly checked)"
    return f"{name}: clean", None


@dataclass(frozen=True)
class SetCard:
    """The end-of-set card: the count, the clean reps, the worst rep and the cue to work on."""

    reps: int
    clean: int
    worst: str | None       # e.g. "rep 4: Rounded back (severe)"
    cue: str | None         # the most frequent fault's cue

    def lines(self) -> list[str]:
        """The card's lines, title first."""
        out = ["Set done", f"{self.reps} reps, {self.clean} clean"]
        if self.worst:
            out.append(f"Worst: {self.worst}")
        out.append(f"Work on: {self.cue}" if self.cue else "Nothing to fix: well done")
        return out


def set_card(analysis: Analysis) -> SetCard:
    """The :class:`SetCard` of a finished set (whole reps only)."""
    whole = [v for v in analysis.reps if v.rep.complete]
    clean = sum(1 for v in whole if rep_state(v) is RepState.CLEAN)
    faulty = [v for v in whole if v.findings]
    if not faulty:
        return SetCard(len(whole), clean, None, None)
    worst_rep = max(faulty, key=lambda v: _worst(v).severity)
    f = _worst(worst_rep)
    counts = Counter(x.fault for v in faulty for x in v.findings)
    top = max(counts, key=lambda fid: (counts[fid], -list(FAULTS).index(fid)))
    return SetCard(len(whole), clean, f"rep {worst_rep.rep.index}: {FAULTS[f.fault].title} "
                   f"({f.severity_label})", FAULTS[top].cue)


def print_to(stream: TextIO) -> Callable[[str], None]:
    """A callback printing each message as one flushed line on ``stream``."""
    return lambda message: print(message, file=stream, flush=True)


def rep_printer(json_out: Path) -> Callable[[RepVerdict], None]:
    """Print each rep's :func:`rep_line` as it ends: on standard output, or on
    standard error when the JSON report goes to standard output (``-``)."""
    stream = sys.stderr if is_stdout(json_out) else sys.stdout
    say = print_to(stream)
    return lambda v: say(rep_line(v))
