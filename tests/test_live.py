"""``hingecheck live`` driven by a real clip paced at real time, headless."""

from __future__ import annotations

import json

import numpy as np
import pytest
from assets import require_clips, require_model_dir
from test_cli import assert_one_line_error, run_cli

LITE = "pose_landmarker_lite.task"


@pytest.fixture(scope="module")
def clip01_live_and_analyze(tmp_path_factory):
    from hingecheck.apps.cli import main
    from hingecheck.core.analysis import analyze_pose
    from hingecheck.core.config import load_config
    from hingecheck.io.extract import extract_pose

    clip = require_clips() / "clip01.mp4"
    model = require_model_dir(LITE) / LITE
    out = tmp_path_factory.mktemp("live")
    rc = main(["live", "--source", str(clip), "--exercise", "kettlebell_deadlift", "--model", str(model),
               "--no-window", "--mute", "--json", str(out / "live.json")])
    assert rc == 0
    live = json.loads((out / "live.json").read_text())
    # the set's visual report, its stills kept in the live loop
    page = (out / "live.hingecheck.html").read_text()
    assert page.count("<section class='rep") == len(live["reps"]) and page.count("data:image/jpeg") >= 10
    from hingecheck.io.framerate import DEFAULT_ANALYSIS_FPS
    run = extract_pose(clip, model, progress=False, analysis_fps=DEFAULT_ANALYSIS_FPS)  # as live --source picks
    offline = analyze_pose(run.pose, "kettlebell_deadlift", load_config().for_exercise("kettlebell_deadlift"))
    return live, offline


def test_live_counts_and_judges_like_analyze(clip01_live_and_analyze):
    live, offline = clip01_live_and_analyze
    assert live["summary"]["reps"] == offline.rep_count == 10
    live_faults = [[f["fault"] for f in r["faults"]] for r in live["reps"] if r["complete"]]
    offline_faults = [r.faults for r in offline.reps if r.rep.complete]
    assert live_faults == offline_faults
    assert live["summary"]["clip_faults"] == offline.clip_faults()


def test_live_accounts_for_every_frame(clip01_live_and_analyze):
    """Every frame is either processed or counted as dropped (the newest-frame
    policy drops stale ones under load). Latency is a speed figure and is
    measured in benchmarks/bench.py, not asserted here."""
    live, offline = clip01_live_and_analyze
    stats = live["live"]
    assert stats["frames_processed"] > 0
    assert stats["frames_processed"] + stats["frames_dropped"] >= 0.98 * offline.timestamps.size
    assert stats["latency_ms_median"] is not None and stats["latency_ms_median"] > 0


def test_camera_not_available(tmp_path):
    p = run_cli("live", "--camera", "57", "--no-window", "--model", "lite", cwd=tmp_path,
                env_extra={"HINGECHECK_MODEL_DIR": str(require_model_dir(LITE))})
    assert_one_line_error(p, "camera 57")


def test_missing_source_file(tmp_path):
    p = run_cli("live", "--source", str(tmp_path / "none.mp4"), "--no-window", "--model", "lite", cwd=tmp_path,
                env_extra={"HINGECHECK_MODEL_DIR": str(require_model_dir(LITE))})
    assert_one_line_error(p, "not found")


class _DyingCamera:
    """A stand-in source: frames of a real clip, then the camera 'unplugs'."""

    def __init__(self, clip, frames):
        import cv2
        cap = cv2.VideoCapture(str(clip))
        self.frames = []
        for _ in range(frames):
            ok, f = cap.read()
            self.frames.append(f)
        cap.release()
        self.fps, self.name, self.is_file = 60.0, "camera 0", False
        self.dropped, self.ended, self.error, self.i = 0, False, None, 0

    def get(self, timeout=1.0):
        import time

        from hingecheck.apps.live import SourceFrame
        if self.i >= len(self.frames):
            self.ended, self.error = True, "camera 0 stopped delivering frames (unplugged?)"
            return None
        item = SourceFrame(self.i, self.i / self.fps, self.frames[self.i], time.perf_counter())
        self.i += 1
        return item

    def close(self):
        pass


def test_camera_unplugged_mid_set_keeps_the_reps_done(tmp_path):
    from hingecheck.apps.live import run_live
    from hingecheck.core.config import load_config

    clip = require_clips() / "clip01.mp4"
    model = require_model_dir(LITE) / LITE
    src = _DyingCamera(clip, 480)  # 8 s: the first three reps
    result = run_live(src, model, "kettlebell_deadlift", load_config().for_exercise("kettlebell_deadlift"),
                      window=False)
    assert result.source_error and "unplugged" in result.source_error
    assert result.analysis.rep_count >= 2
    assert np.isfinite(result.stats()["latency_ms_median"])
