"""One reviewed clip, as the review's index page and ``review.json`` show it.

:class:`ReviewedClip` is built from a clip's job and its batch record (a
result as :func:`hingecheck.outputs.serialize.result_record` keeps it, or an
error). :func:`verdict_state` is the one place that turns a result into a
verdict state; it reads only the result's data, so it can be replaced by a
shared states module later.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hingecheck.core.faults import FAULTS
from hingecheck.outputs.records import ClipRecord, ClipResult

#: verdict states, in the order the index sorts them (most to look at first)
STATES = ("faults", "partly checked", "not checked", "clean")


def clip_outputs(out: Path, clip: str) -> dict[str, Path]:
    """Where a reviewed clip's outputs go: ``OUT/clips/<clip's path>.*`` (the whole file name, so
    ``a.mp4`` and ``a.mov`` keep apart)."""
    stem = out / "clips" / Path(clip)
    return {"json": stem.with_name(stem.name + ".hingecheck.json"),
            "html": stem.with_name(stem.name + ".hingecheck.html"),
            "video": stem.with_name(stem.name + ".annotated.mp4"),
            "thumb": stem.with_name(stem.name + ".worst.jpg")}


def verdict_state(result: ClipResult | None) -> str:
    """``clean``, ``faults``, ``partly checked`` or ``not checked`` from a result (None: it failed)."""
    if result is None or not result.judged_reps:
        return "not checked"
    if result.clip_faults:
        return "faults"
    whole = [r for r in result.reps if r.complete]
    if any(not r.judged or r.cant_judge for r in whole):
        return "partly checked"
    return "clean"


def fault_shares(result: ClipResult) -> list[dict]:
    """Each fault flagged on a judged whole rep: its id, name, reps flagged, judged reps, recurring or not."""
    judged = [r for r in result.reps if r.complete and r.judged]
    counts = Counter(f for r in judged for f in r.faults)
    recurring = set(result.clip_faults)
    order = sorted(counts, key=lambda f: (f not in recurring, -counts[f], f))
    return [{"fault": f, "name": FAULTS[f].title if f in FAULTS else f.replace("_", " "), "reps": counts[f],
             "of": len(judged), "recurring": f in recurring} for f in order]


def _rel(path: Path, out: Path) -> str | None:
    return path.relative_to(out).as_posix() if path.is_file() else None


@dataclass
class ReviewedClip:
    """A row of the index: the clip, who, what, the verdict and the links (paths relative to OUT)."""
    clip: str
    athlete: str | None
    exercise: str
    exercise_from: str
    state: str
    faults: list[dict] = field(default_factory=list)
    reps: int = 0
    judged_reps: int = 0
    view: str = ""
    report: str | None = None
    json: str | None = None
    video: str | None = None
    thumb: str | None = None
    cached: bool = False
    error: str | None = None

    @classmethod
    def build(cls, job, rec: ClipRecord, out: Path) -> "ReviewedClip":
        r = None if rec.failed else rec.result
        if r is None:
            return cls(job.clip, job.athlete, job.exercise, job.exercise_from, "not checked", cached=rec.cached,
                       error=rec.error)
        links = {k: _rel(p, out) for k, p in clip_outputs(out, job.clip).items()}
        return cls(job.clip, job.athlete, job.exercise, job.exercise_from, verdict_state(r),
                   fault_shares(r), r.rep_count, r.judged_reps, r.view, links.get("html"),
                   links.get("json"), links.get("video"), links.get("thumb"), rec.cached, rec.error)

    def faults_text(self) -> str:
        """The faults in words with their share of reps: ``Rounded back 4 of 4 reps``."""
        if self.error:
            return f"error: {self.error}"
        return "; ".join(f"{f['name']} {f['reps']} of {f['of']} rep{'s' * (f['of'] != 1)}"
                         for f in self.faults) or "--"

    def as_dict(self) -> dict:
        return asdict(self)
