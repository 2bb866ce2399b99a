"""One engine on every shared clip: the stream fed each clip's landmarks frame by frame
gives what ``analyze_pose`` gives (the session's pose cache, no pose model run again)."""

from __future__ import annotations

import pytest
from test_engine_equivalence import both, same_calibration

from hingecheck.core.landmarks import PoseSequence

pytestmark = pytest.mark.clips


#: a rep's start, bottom, top or end may move this many frames between the two paths: the
#: stream smooths each window with a second of context, the file the whole clip
BOUNDARY_TOLERANCE = 2


def verdicts_near(reps) -> list[tuple]:
    """What a verdict says, its frames left out (compared apart, within a tolerance)."""
    return [(v.rep.index, v.rep.kind, v.rep.complete, v.faults, sorted(v.cant_judge)) for v in reps]


def shared_clip_poses(cache_dir):
    """clip name -> (exercise, PoseSequence) for every labelled shared clip whose landmarks
    ``cache_dir`` holds (``hingecheck score``'s pose cache at the default rate and size)."""
    from assets import require_clips, require_model_dir

    from hingecheck.io.extract import load_pose_run
    from hingecheck.io.framerate import DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE
    from hingecheck.scoring.cache import file_sha256, pose_key
    from hingecheck.scoring.labels import read_label_files

    folder = require_clips()
    model = file_sha256(require_model_dir("pose_landmarker_full.task") / "pose_landmarker_full.task")
    out = {}
    for job in read_label_files([folder / "labels.csv", folder / "labels-more.csv"]):
        key = pose_key(file_sha256(job.path), model, analysis_fps=DEFAULT_ANALYSIS_FPS,
                       long_side=DEFAULT_ANALYSIS_LONG_SIDE)
        run = load_pose_run(cache_dir / "cache" / "pose" / f"{key}.npz")
        if run is not None:
            out[job.clip] = (job.label.exercise, run.pose)
    return out


def clip_differences(exercise: str, pose: PoseSequence) -> list[str]:
    """How the stream's final Analysis differs from the file's on one clip (empty: none)."""
    offline, (_, _, live) = both(pose, exercise)
    out = []
    if verdicts_near(live.reps) != verdicts_near(offline.reps):
        out.append(f"verdicts: file {verdicts_near(offline.reps)} live {verdicts_near(live.reps)}")
    else:
        for a, b in zip(offline.reps, live.reps):
            fa, fb = (a.rep.start, a.rep.bottom, a.rep.top, a.rep.end), (b.rep.start, b.rep.bottom, b.rep.top,
                                                                          b.rep.end)
            if max(abs(x - y) for x, y in zip(fa, fb)) > BOUNDARY_TOLERANCE:
                out.append(f"rep {a.rep.index} frames: file {fa} live {fb}")
    if (live.side, live.facing, live.view, live.camera_tilt) != (offline.side, offline.facing, offline.view,
                                                                  offline.camera_tilt):
        out.append("side, facing, view or tilt")
    if not same_calibration(live.calibration, offline.calibration):
        out.append(f"calibration: file {offline.calibration} live {live.calibration}")
    return out


#: shared clips on which the stream's final Analysis differs from the file's, and why: what the
#: stream cannot know when it judges a rep (the future) or measures over its window only
KNOWN_DIFFERENCES = {
    # calibrated on the first window, whose world landmarks are turned side-on by that
    # window's own left-right axis (the file: the whole clip's)
    "clip13.mp4": "calibration",
    # the trusted-joint test checks segment lengths against their median so far (the file: the
    # whole clip's): a rep's hips_rise_first (and hyperextension) cannot be judged live
    "clip14.mp4": "verdicts",
    "clip26.mp4": "verdicts",
    # from the floor or from standing, decided on the baseline seen so far (the file: the whole clip's)
    "clip31.mp4": "verdicts",
    # a rep ends where the lifter stops before the next extreme: the file sees the whole rest after it
    "clip32.mp4": "verdicts",
}


def test_every_shared_clip_streams_as_the_file_analyses_it(tuned, pose_cache):
    """Each clip's landmarks (the session's pose cache, filled by ``tuned``) fed frame by frame:
    the same reps (frames within :data:`BOUNDARY_TOLERANCE`), verdicts, can't-judge reasons,
    side, view, tilt and calibration as ``analyze_pose``, but for :data:`KNOWN_DIFFERENCES`."""
    poses = shared_clip_poses(pose_cache)
    assert len(poses) >= 30
    differ = {clip: clip_differences(ex, pose) for clip, (ex, pose) in poses.items()}
    differ = {clip: d for clip, d in differ.items() if d}
    assert sorted(differ) == sorted(KNOWN_DIFFERENCES), differ
    assert all(d[0].startswith(KNOWN_DIFFERENCES[c]) for c, d in differ.items()), differ
