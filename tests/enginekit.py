"""Feeding one set to both paths: the file's ``analyze_pose`` and the stream frame by frame,
and comparing what they say (used by the engine tests on synthetic sets and shared clips)."""

from __future__ import annotations

import dataclasses

import numpy as np

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import load_config
from hingecheck.core.landmarks import PoseSequence
from hingecheck.core.stream import StreamingAnalyzer


def stream(pose: PoseSequence, exercise: str, th=None):
    """The analyzer after every frame was pushed, the verdicts it gave as they came, and its final Analysis."""
    th = th or load_config().for_exercise(exercise)
    s = StreamingAnalyzer(exercise, th, pose.frame_size)
    given = []
    for i in range(len(pose)):
        bc = np.nan if pose.back_curvature is None else pose.back_curvature[i]
        given += s.push(pose.timestamps[i], pose.image[i], pose.visibility[i], bc,
                        None if pose.world is None else pose.world[i])
    return s, given, s.finish()


def verdicts(reps) -> list[tuple]:
    """What a verdict says: the rep's frames, number and kind, counted or not, gap, faults, can't-judge reasons."""
    return [(v.rep.index, v.rep.start, v.rep.bottom, v.rep.top, v.rep.end, v.rep.kind, v.rep.complete,
             round(v.rep.gap_s, 2), v.faults, dict(v.cant_judge)) for v in reps]


def both(pose: PoseSequence, exercise: str = "rdl"):
    th = load_config().for_exercise(exercise)
    return analyze_pose(pose, exercise, th), stream(pose, exercise, th)


def assert_same(offline, live, s):
    """The set's report (``finish``) is the file's, and so was every cue given live:
    the same verdicts rep by rep as they came, the same count, tilt and calibration."""
    assert verdicts(live.reps) == verdicts(offline.reps)
    assert live.rep_count == offline.rep_count
    assert (live.side, live.facing, live.view) == (offline.side, offline.facing, offline.view)
    assert live.camera_tilt == offline.camera_tilt
    assert same_calibration(live.calibration, offline.calibration)
    np.testing.assert_array_equal(live.signals.trunk_angle, offline.signals.trunk_angle)
    # what the lifter was told during the set, before the set's end was known
    assert verdicts(s.verdicts) == verdicts(offline.reps)
    assert s.revisions() == []
    assert s.rep_count == offline.rep_count
    if s.rep_count:  # live levels by whole reps' lockouts; with none it has not levelled yet (0)
        assert abs(s.camera_tilt - offline.camera_tilt) < 1e-9
        assert same_calibration(s.calibration, offline.calibration)


#: degrees a calibration's angles may differ: the stream calibrates on the first window, smoothed
#: and levelled with what it had seen when its first rep ended
CALIBRATION_TOLERANCE_DEG = 0.1


def same_calibration(a, b) -> bool:
    """The same still second, and its angles within :data:`CALIBRATION_TOLERANCE_DEG`."""
    if a is None or b is None:
        return a is b
    angles = ("trunk_angle", "neck_angle", "hip_flexion")
    return a.frames == b.frames and all(abs(getattr(a, k) - getattr(b, k)) <= CALIBRATION_TOLERANCE_DEG or
                                        (np.isnan(getattr(a, k)) and np.isnan(getattr(b, k))) for k in angles)


def frames(pose: PoseSequence, keep: slice) -> PoseSequence:
    """Frames ``keep`` of ``pose``, timestamps from 0."""
    t = pose.timestamps[keep]
    return PoseSequence(pose.image[keep], pose.visibility[keep], t - t[0], pose.frame_size,
                        None if pose.back_curvature is None else pose.back_curvature[keep],
                        None if pose.world is None else pose.world[keep])


def lost(pose: PoseSequence, lo: int, hi: int) -> PoseSequence:
    """``pose`` with no person found in frames lo..hi-1."""
    image, vis = pose.image.copy(), pose.visibility.copy()
    image[lo:hi], vis[lo:hi] = np.nan, np.nan
    return dataclasses.replace(pose, image=image, visibility=vis)
