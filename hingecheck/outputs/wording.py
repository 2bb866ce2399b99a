"""What the reports say to a lifter: reasons, evidence, severity and states in plain words.

The core keeps numbers and reason codes (:class:`~hingecheck.core.signals.CantJudge`);
every phrase a report shows is made here, so the text report, the HTML report (and the overlay, later) say
the same thing. One template per evidence metric (:data:`EVIDENCE_PHRASES`),
with the measured number beside the words.
"""

from __future__ import annotations

import math
import re
from typing import Callable, Mapping

from hingecheck.core.faults import FAULTS
from hingecheck.core.judging import WHOLE_REP
from hingecheck.core.kinds import Comparison, Phase, Reason, Unit
from hingecheck.core.signals import CantJudge, Evidence, Finding, severity_band
from hingecheck.core.states import StateReport, Unchecked, VerdictState

#: a fault past its limit by less than this share of the way to "severe"
#: (severity 1) is *borderline*: e.g. 2° on the head angle, 0.05 on the
#: hip/knee ratio. Shown as borderline (amber), not as a fault (red).
BORDERLINE_SEVERITY = 0.1

SEVERITY_LEGEND = ("how far past the limit: borderline (within a tenth of the way to severe), "
                   "mild (under a third), moderate (under two thirds), severe (further)")


def severity_name(severity: float) -> str:
    """borderline / mild / moderate / severe (see :data:`SEVERITY_LEGEND`)."""
    return "borderline" if severity < BORDERLINE_SEVERITY else str(severity_band(severity))


def is_borderline(f: Finding) -> bool:
    return f.severity < BORDERLINE_SEVERITY


def _names_and(words) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


#: where in the rep, as the terse reason says it
PHASE_WORDS = {Phase.BOTTOM: "bottom of the rep", Phase.TOP: "top of the rep", Phase.WAY_UP: "way up"}
#: where in the rep, as a lifter reads it beside other phases
_PHASE_PLAIN = {Phase.BOTTOM: "at the bottom of the rep", Phase.TOP: "at the top of the rep",
                Phase.WAY_UP: "on the way up"}

_Words = Callable[[Mapping], str]

#: each reason in the words the JSON, text and overlay reports give, from its parameters
REASON_TEXT: dict[Reason, _Words] = {
    Reason.TOO_SMALL: lambda p: (f"too small to judge: the lifter is {p['height_px']:.0f} px tall in the frame; "
                                 "move the camera closer or film at a higher resolution"),
    Reason.LANDMARKS_MISSING: lambda p: f"landmarks missing in {p['share']:.0%} of the rep's frames",
    Reason.LANDMARKS_UNRELIABLE: lambda p: f"landmarks unreliable (median visibility {p['visibility']:.2f})",
    Reason.CUT_OFF: lambda p: "body cut off at the frame's edge: step back so head and feet are in view",
    Reason.FACING_CAMERA: lambda p: (
        f"facing the camera (about {p['yaw_deg']:.0f}° off side-on): turn side-on to the camera" if "yaw_deg" in p
        else f"facing the camera (side-on ratio {p['side_on']:.2f}): turn side-on"),
    Reason.CAMERA_OFF_SIDE: lambda p: (
        f"the camera is off side-on (about {p['yaw_deg']:.0f}°; this check needs {p['limit_deg']:.0f}° "
        "or less): film from the side, at hip height"),
    Reason.CAMERA_NOT_SIDE_ON: lambda p: f"camera not side-on (side-on ratio {p['side_on']:.2f} > {p['limit']})",
    Reason.JOINTS_HIDDEN: lambda p: (f"{_names_and(p['joints'])} hidden or mis-tracked at the "
                                     f"{PHASE_WORDS[p['phase']]} ({p['share']:.0%} of frames seen)"),
    Reason.TRACKING_LOST: lambda p: f"tracking lost for {p['gap_s']:.1f} s during this movement: not counted or judged",
    Reason.PARTIAL_MOVEMENT: lambda p: "partial movement at the clip's edge (set-up or put-down)",
    Reason.NO_REPS: lambda p: "no reps found",
    Reason.RECORDED: lambda p: p["text"],
}


def _hidden_plain(joints, phases) -> str:
    return (f"your {_names_and(joints)} were hidden or lost {_names_and(_PHASE_PLAIN[w] for w in phases)} "
            "(a plate, a bell or the frame's edge?): film so nothing covers them")


#: each reason in words a lifter understands, with what to change (the rest: :data:`REASON_TEXT`)
PLAIN_REASON: dict[Reason, _Words] = {
    Reason.LANDMARKS_MISSING: lambda p: (f"the camera lost sight of you for {p['share']:.0%} of this rep: "
                                         "keep your whole body in view"),
    Reason.LANDMARKS_UNRELIABLE: lambda p: "the camera could not see your body clearly: more light, nothing in the way",
    Reason.FACING_CAMERA: lambda p: "you were facing the camera: turn side-on so it sees your hips, back and knees",
    Reason.CAMERA_NOT_SIDE_ON: lambda p: "the camera was not side-on: film from the side at hip height",
    Reason.JOINTS_HIDDEN: lambda p: _hidden_plain(p["joints"], (p["phase"],)),
    Reason.PARTIAL_MOVEMENT: lambda p: ("a partial movement at the start or end of the video "
                                        "(setting up or putting down), not a rep"),
}


def reason_text(reason: CantJudge) -> str:
    """A "can't judge" reason as the reports state it, with its numbers."""
    return REASON_TEXT[reason.code](reason.params)


def reasons_in_words(cant_judge: Mapping[str, CantJudge]) -> dict[str, str]:
    """A verdict's ``cant_judge`` (fault id or ``"*"`` -> reason) with each reason in words."""
    return {k: reason_text(r) for k, r in cant_judge.items()}


def plain_reason(reason: CantJudge) -> str:
    """A "can't judge" reason in words a lifter understands, with what to change."""
    words = PLAIN_REASON.get(reason.code)
    return words(reason.params) if words else reason_text(reason)


def fault_names(faults) -> str:
    """``"Rounded back, Over-extension and Dropped head"``."""
    names = [FAULTS[f].title if f in FAULTS else f for f in faults]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def unchecked_lines(unchecked: tuple[Unchecked, ...]) -> list[str]:
    """One line per cause, each naming every check it stopped: reasons that read
    the same in plain words are merged, and joints hidden in different phases of
    the rep are one cause (said once, with the joints and the phases)."""
    groups: dict[str, list[str]] = {}
    joints: list[str] = []
    phases: list[Phase] = []
    for u in unchecked:
        hidden = u.reason.code == Reason.JOINTS_HIDDEN
        if hidden:
            joints.extend(j for j in u.reason.params["joints"] if j not in joints)
            phases.extend([u.reason.params["phase"]] if u.reason.params["phase"] not in phases else [])
        faults = groups.setdefault("hidden" if hidden else plain_reason(u.reason), [])
        faults.extend(f for f in u.faults if f not in faults)
    return [f"{fault_names(fs)} {'was' if len(fs) == 1 else 'were'} not checked: "
            f"{_hidden_plain(joints, phases) if reason == 'hidden' else reason}" for reason, fs in groups.items()]


def said_text(said, missing: str) -> str:
    """A verdict on one rep (a :class:`~hingecheck.core.stream.Said`) in words: its faults, then
    "can't judge: <fault>" (or "can't judge the rep"); "clean" if neither; ``missing`` if None."""
    if said is None:
        return missing
    words = [str(f) for f in said.faults]
    words += ["can't judge the rep" if k == WHOLE_REP else f"can't judge: {k}" for k in said.cant_judge]
    return ", ".join(words) if words else "clean"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 rep"``, ``"2 reps"``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


STATE_TITLES = {VerdictState.CLEAN: "clean", VerdictState.FAULTS: "faults found",
                VerdictState.PARTLY_CHECKED: "partly checked", VerdictState.NOT_CHECKED: "not checked"}


def state_summary(s: StateReport) -> str:
    """The state with how many checks ran, e.g. ``"partly checked: 4 of 7 checks ran, no fault found"``."""
    ran = f"{len(s.checked)} of {len(s.applicable)} checks ran"
    if s.state == VerdictState.CLEAN:
        return f"clean: all {len(s.applicable)} checks ran, no fault found"
    if s.state == VerdictState.FAULTS:
        return f"faults found: {fault_names(s.found)} ({ran})"
    return f"{STATE_TITLES[s.state]}: {ran}, no fault found in those"


# --------------------------------------------------------------------------- evidence

def _deg(v: float, nd: int = 0) -> str:
    return f"{abs(v):.{nd}f}°"


def _side(v: float) -> str:
    return "behind" if v < 0 else "in front of"


def _pct(v: float) -> str:
    return f"{v:.0%}"


#: a template: (value, limit, how to write degrees) -> words with the numbers
Phrase = Callable[[float, float, Callable[[float], str]], str]

#: metric name (as the rules spell it, or its start) -> its template
EVIDENCE_PHRASES: dict[str, Phrase] = {
    "hip/knee flexion ratio": lambda v, t, d: (
        f"your hips bent {v:.2f} times as much as your knees (ratio {v:.2f}); "
        f"in a hinge the hips bend at least {t:.2f} times as much"),
    "trunk inclination at bottom": lambda v, t, d: (
        f"at the bottom your chest tipped only {d(v)} forward; a hinge tips it past {d(t)}"),
    "shin angle at bottom": lambda v, t, d: (
        f"your shins leaned {d(v)} forward at the bottom; in a hinge they stay under {d(t)}"),
    "knee flexion at the floor": lambda v, t, d: (
        f"at the floor your knees were bent {d(v)}; a hinge starts with them bent under {d(t)}"),
    "trunk rise done at": lambda v, t, d: (
        (f"on the way up your chest had not started to rise ({_pct(v)} of its rise)" if v <= 0 else
         f"on the way up your chest had done only {_pct(v)} of its rise") +
        f" when your knees had done {{knee}} of theirs; it should have done at least {_pct(t)}"),
    "knee flexion at bottom": lambda v, t, d: (
        f"your knees bent {d(v)} at the bottom; this hinge needs no more than {d(t)}"),
    "shoulder offset from ear-hip line": lambda v, t, d: (
        f"your shoulders sat {_pct(v)} of your back's length off the ear-to-hip line (upper back rounded); "
        f"a long spine stays within {_pct(t)}"),
    "back silhouette hump": lambda v, t, d: (
        f"your back's outline bulged by {_pct(v)} of its length; a flat back stays under {_pct(t)}"),
    "neck flexion vs trunk at bottom": lambda v, t, d: (
        f"your head dropped {d(v)} below the line of your back; keep it within {d(t)}"),
    "trunk lean back at lockout": lambda v, t, d: (
        f"at the top your trunk was {d(v)} {_side(v)} vertical; going past {d(t)} {_side(t)} vertical "
        "(set from your own upright stance) is leaning back"),
    "hips forward of the ankle-shoulder line at lockout": lambda v, t, d: (
        f"at the top your hips pushed {_pct(v)} (of your height from ankle to shoulder) in front of your "
        f"shoulders and ankles; stay within {_pct(t)}"),
    "back silhouette hollow": lambda v, t, d: (
        f"your lower back's outline arched by {_pct(abs(v))} of its length; past {_pct(abs(t))} is over-arching"),
    "hip flexion at lockout": lambda v, t, d: (
        f"at the top your hips were still bent {d(v)}; standing tall means under {d(t)}"),
}


def _generic(e: Evidence) -> str:
    unit = "°" if e.unit == Unit.DEG else ""
    word = "above" if e.comparison == Comparison.ABOVE else "below"
    return f"{e.metric}: {e.value:.2f}{unit} (a fault {word} {e.threshold:.2f}{unit})"


def evidence_phrase(e: Evidence) -> str:
    """One piece of evidence in plain words with the measured number beside them."""
    if not (math.isfinite(e.value) and math.isfinite(e.threshold)):
        return _generic(e)
    for key, phrase in EVIDENCE_PHRASES.items():
        if e.metric.startswith(key):
            share = re.search(r"\d+%", e.metric)   # "trunk rise done at 60% knee extension"
            nd = 1 if abs(e.value - e.threshold) < 1 else 0   # 25.5° against 25° is not "26° against 25°"
            return phrase(e.value, e.threshold, lambda x: _deg(x, nd)).replace("{knee}", share.group(0) if share else "most")
    return _generic(e)
