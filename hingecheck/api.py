"""The Python API: one call from a video file to its verdicts, as ``analyze`` gives them.

    >>> import hingecheck
    >>> result = hingecheck.analyze("sample_videos/squatting.mp4", exercise="rdl", model="lite")
    >>> result.state, result.rep_count                          # doctest: +SKIP
    (<VerdictState.FAULTS: 'faults'>, 4)

Same defaults as the command line: the pose model ``full``, 30 analysed
frames a second, frames shrunk to a 640 px long side, exercise ``hip_hinge``;
exercise aliases (``RDL``, ``kb_deadlift``, ``swing``) and model names
(``lite``/``full``/``heavy``, or a ``.task`` path) are resolved as the
command line resolves them. See ``docs/api.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hingecheck.core.config import load_config
from hingecheck.core.names import resolve_exercise
from hingecheck.core.states import state_of_analysis
from hingecheck.io.bundles import resolve_model
from hingecheck.io.framerate import (
    DEFAULT_ANALYSIS_FPS,
    DEFAULT_ANALYSIS_LONG_SIDE,
    check_analysis_fps,
    check_long_side,
)
from hingecheck.io.video import probe
from hingecheck.io.videoanalysis import analyze_video
from hingecheck.outputs.report import report_dict
from hingecheck.outputs.serialize import dump_json, json_safe

__all__ = ["analyze", "Result"]


@dataclass(frozen=True)
class Result:
    """An analysed video: the :class:`~hingecheck.core.analysis.Analysis`, where it came from,
    and its JSON report (the document ``hingecheck analyze --json`` writes)."""

    analysis: object           # hingecheck.core.analysis.Analysis
    video: str
    model: str
    frames_decoded: int
    analysis_fps: float
    long_side: int

    @property
    def exercise(self) -> str:
        return self.analysis.exercise

    @property
    def reps(self) -> list:
        """Every movement's :class:`~hingecheck.core.judging.RepVerdict` (partial ones included)."""
        return self.analysis.reps

    @property
    def rep_count(self) -> int:
        return self.analysis.rep_count

    @property
    def states(self):
        """The set's :class:`~hingecheck.core.states.StateReport` (which checks ran, which did not and why)."""
        return state_of_analysis(self.analysis)

    @property
    def state(self):
        """The set's :class:`~hingecheck.core.states.VerdictState`."""
        return self.states.state

    @property
    def faults(self) -> list[str]:
        """The faults that recur in the set (its verdict)."""
        return self.analysis.clip_faults()

    def to_dict(self) -> dict:
        """The JSON report as plain Python values (NaN as None)."""
        n = len(self.analysis.timestamps)
        return json_safe(report_dict(self.analysis, self.video, self.model, {"analysis_rate": {
            "fps": self.analysis_fps or None, "long_side_px": self.long_side or None,
            "frames_analysed": n, "frames_decoded": self.frames_decoded}}))

    def to_json(self, indent: int = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return dump_json(self.to_dict(), indent=indent)


def analyze(path: str | Path, exercise: str | None = None, model: str | Path = "full", *,
            analysis_fps: float = DEFAULT_ANALYSIS_FPS, size: int = DEFAULT_ANALYSIS_LONG_SIDE,
            config: str | Path | None = None, segmentation: bool = True, progress: bool = False) -> Result:
    """Analyse the video at ``path`` as ``hingecheck analyze`` does (no files written).

    ``exercise``: an exercise or alias (None: ``hip_hinge``); ``model``:
    ``lite``, ``full``, ``heavy`` or a ``.task`` path (found in
    ``$HINGECHECK_MODEL_DIR`` or downloaded once); ``analysis_fps``: analysed
    frames a second (0: every frame); ``size``: long side in pixels the frames
    are shrunk to (0: the source's); ``config``: a TOML file of thresholds.
    Raises :class:`~hingecheck.core.errors.HingecheckError` (one line) for a
    bad input.
    """

    ex = resolve_exercise(exercise)
    rate, long_side = check_analysis_fps(analysis_fps), check_long_side(size)
    th = load_config(config).for_exercise(ex)
    probe(Path(path))
    bundle = resolve_model(model, progress=progress)
    va = analyze_video(path, ex, th, bundle, segmentation=segmentation, progress=progress,
                       analysis_fps=rate, long_side=long_side)
    return Result(va.analysis, str(path), str(bundle), va.run.frames_read, rate, long_side)
