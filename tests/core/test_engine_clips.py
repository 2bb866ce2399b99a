"""One engine on every shared clip: the stream fed each clip's landmarks frame by frame
gives what ``analyze_pose`` gives (the session's pose cache, no pose model run again)."""

from __future__ import annotations

import pytest
from enginekit import both, same_calibration

from hingecheck.core.landmarks import PoseSequence

pytestmark = pytest.mark.clips


#: a rep's start, bottom, top or end may move this many frames between the two paths: the
#: stream smooths each window with a second of context, the file the whole clip
BOUNDARY_TOLERANCE = 2


def verdicts_exact(reps) -> list[tuple]:
    """What a verdict says, with its frames."""
    return [(v.rep.index, v.rep.kind, v.rep.complete, v.rep.start, v.rep.bottom, v.rep.top, v.rep.end,
             v.faults, sorted(v.cant_judge)) for v in reps]


def verdicts_near(reps) -> list[tuple]:
    """What a verdict says, its frames left out (compared apart, within a tolerance)."""
    return [(v.rep.index, v.rep.kind, v.rep.complete, v.faults, sorted(v.cant_judge)) for v in reps]


def shared_clip_poses(cache_dir):
    """clip name -> (exercise, PoseSequence) for every labelled shared clip whose landmarks
    ``cache_dir`` holds (``hingecheck score``'s pose cache at the default rate and size)."""
    from assets import require_clips, require_model_dir

    from hingecheck.io.extract import load_pose_run
    from hingecheck.io.framerate import DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE
    from hingecheck.scoring import layout
    from hingecheck.scoring.cache import file_sha256, pose_key
    from hingecheck.scoring.labels import read_label_files

    folder = require_clips()
    model = file_sha256(require_model_dir("pose_landmarker_full.task") / "pose_landmarker_full.task")
    out = {}
    for job in read_label_files([folder / "labels.csv", folder / "labels-more.csv"]):
        key = pose_key(file_sha256(job.path), model, analysis_fps=DEFAULT_ANALYSIS_FPS,
                       long_side=DEFAULT_ANALYSIS_LONG_SIDE)
        run = load_pose_run(layout.pose_file(layout.cache_dir(cache_dir), key))
        if run is not None:
            out[job.clip] = (job.label.exercise, run.pose)
    return out


def clip_differences(exercise: str, pose: PoseSequence) -> tuple[list[str], bool]:
    """(how what the stream said live differs from the file's analysis on one clip (empty:
    none), whether the set's report from ``finish`` equals the file's)."""
    offline, (s, _, live) = both(pose, exercise)
    report_equal = (verdicts_exact(live.reps) == verdicts_exact(offline.reps)
                    and (live.side, live.facing, live.view, live.camera_tilt) ==
                    (offline.side, offline.facing, offline.view, offline.camera_tilt)
                    and same_calibration(live.calibration, offline.calibration))
    out = []
    said = s.verdicts
    if verdicts_near(said) != verdicts_near(offline.reps):
        out.append(f"verdicts: file {verdicts_near(offline.reps)} live {verdicts_near(said)}")
    else:
        for a, b in zip(offline.reps, said):
            fa, fb = (a.rep.start, a.rep.bottom, a.rep.top, a.rep.end), (b.rep.start, b.rep.bottom, b.rep.top,
                                                                          b.rep.end)
            if max(abs(x - y) for x, y in zip(fa, fb)) > BOUNDARY_TOLERANCE:
                out.append(f"rep {a.rep.index} frames: file {fa} live {fb}")
    if s.rep_count and (s.side, s.facing) != (offline.side, offline.facing):
        out.append("side or facing")
    if s.rep_count and not same_calibration(s.calibration, offline.calibration):
        out.append(f"calibration: file {offline.calibration} live {s.calibration}")
    return out, report_equal


#: shared clips on which what the stream said live, rep by rep, differs from the file's analysis,
#: and why: what the stream cannot know when it judges a rep (the future) or measures over its
#: window only. The set's report (``finish``) is the file's on every clip; ``live`` lists these
#: reps as revised after the set.
KNOWN_DIFFERENCES = {
    # calibrated on the first window, whose world landmarks are turned side-on by that
    # window's own left-right axis (the file: the whole clip's); the lean-back check, judged
    # to 45 degrees off side-on, reads that calibration, so its verdicts differ first
    "clip13.mp4": "verdicts",
    # the trusted-joint test checks segment lengths against their median so far (the file: the
    # whole clip's): a rep's hips_rise_first (and hyperextension) cannot be judged live
    "clip14.mp4": "verdicts",
    "clip26.mp4": "verdicts",
    # from the floor or from standing, decided on the baseline seen so far (the file: the whole clip's)
    "clip31.mp4": "verdicts",
    # a rep ends where the lifter stops before the next extreme: the file sees the whole rest after it
    "clip32.mp4": "verdicts",
}


@pytest.fixture(scope="module")
def every_clip_cached(tuned, pose_cache):
    """The session's pose cache with every shared clip's landmarks at the default rate and
    size: ``tuned`` cached the design clips; the lockbox's are extracted here, for this
    comparison of the two paths only (``labelled=False``: no label is read, nothing scored)."""
    from assets import require_clips, require_model_dir

    from hingecheck.io.framerate import DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE
    from hingecheck.scoring.batch import score_batch
    from hingecheck.scoring.labels import read_label_files

    folder = require_clips()
    have = shared_clip_poses(pose_cache)
    rest = [j for j in read_label_files([folder / "labels.csv", folder / "labels-more.csv"]) if j.clip not in have]
    if rest:
        model = require_model_dir("pose_landmarker_full.task") / "pose_landmarker_full.task"
        score_batch(rest, pose_cache, model=str(model), workers=2, progress=False, labelled=False,
                    analysis=(DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE))
    return pose_cache


def test_every_shared_clip_streams_as_the_file_analyses_it(every_clip_cached):
    """Each clip's landmarks (the session's pose cache) fed frame by frame:
    the set's report equals ``analyze_pose`` on every clip, and what was said live rep by rep
    has the same reps (frames within :data:`BOUNDARY_TOLERANCE`), verdicts, can't-judge
    reasons, side and calibration, but for :data:`KNOWN_DIFFERENCES`."""
    from assets import require_clips

    from hingecheck.scoring.labels import read_label_files

    folder = require_clips()
    poses = shared_clip_poses(every_clip_cached)
    assert sorted(poses) == sorted(j.clip for j in read_label_files([folder / "labels.csv",
                                                                      folder / "labels-more.csv"]))
    found = {clip: clip_differences(ex, pose) for clip, (ex, pose) in poses.items()}
    assert [clip for clip, (_, equal) in found.items() if not equal] == []
    differ = {clip: d for clip, (d, _) in found.items() if d}
    assert sorted(differ) == sorted(KNOWN_DIFFERENCES), differ
    assert all(d[0].startswith(KNOWN_DIFFERENCES[c]) for c, d in differ.items()), differ
