"""``hingecheck live`` driven by a real clip paced at real time, headless."""

from __future__ import annotations

import json

import numpy as np
import pytest
from assets import require_clips, require_model_dir
from clikit import assert_one_line_error, run_cli

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
               "--no-window", "--mute", "--as-fast-as-possible", "--json", str(out / "live.json")])
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
    assert stats["frames_processed"] > 0 and stats["frames_dropped"] == 0  # unpaced file: none dropped
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


class _FakeClock:
    """A monotonic clock the test advances by hand (no wall-clock waits)."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


def test_voice_cooldown_and_mute(monkeypatch):
    from hingecheck.apps import voice as voice_mod

    clock = _FakeClock()
    monkeypatch.setattr(voice_mod.time, "monotonic", clock.monotonic)
    v = voice_mod.Voice(muted=False, cooldown_s=4.0)
    v.engine = None  # no speech program: beeps (on a terminal only)
    v.say("push the hips back")
    clock.now += 3.9
    v.say("too soon")
    clock.now += 0.2
    v.say("brace")
    v.muted = True
    clock.now += 10
    v.say("muted")
    assert v.spoken == ["push the hips back", "brace"]


class _Keys:
    """Stands in for the window's cv2 calls: scripted keys, shown frames counted."""

    def __init__(self, script):
        self.script = dict(script)   # call number -> key
        self.calls = []              # wait of each waitKey call, ms
        self.shown = 0

    def wait_key(self, ms):
        self.calls.append(ms)
        return self.script.get(len(self.calls), -1)

    def install(self, monkeypatch, size=(1280, 720)):
        from hingecheck.apps import live
        self.frames = []             # what was shown, newest last
        self.fullscreen = []         # each full-screen property set
        monkeypatch.setattr(live.cv2, "waitKey", self.wait_key)
        monkeypatch.setattr(live.cv2, "imshow", self.imshow)
        monkeypatch.setattr(live.cv2, "getWindowImageRect", lambda name: (0, 0, *size))
        monkeypatch.setattr(live.cv2, "getWindowProperty", lambda name, prop: 1.0)   # the window stays open
        monkeypatch.setattr(live.cv2, "setWindowProperty", lambda name, prop, v: self.fullscreen.append(v))
        for name in ("namedWindow", "resizeWindow", "destroyAllWindows"):
            monkeypatch.setattr(live.cv2, name, lambda *a, **k: None)

    def imshow(self, name, frame):
        self.shown += 1
        self.frames.append(frame)


def test_window_keys_mute_pause_reset_quit(monkeypatch):
    import cv2

    from hingecheck.apps.live import run_live
    from hingecheck.apps.voice import Voice
    from hingecheck.core.config import load_config

    clip = require_clips() / "clip01.mp4"
    model = require_model_dir(LITE) / LITE
    # m mutes on the 3rd frame and r resets on the 4th; space pauses on the 5th;
    # while paused r and m do nothing and space resumes; f goes full screen on the 10th;
    # q quits on the 20th; the set's card then waits (three calls) for a key
    keys = _Keys({3: ord("m"), 4: ord("r"), 5: ord(" "), 6: ord("r"), 7: ord("m"), 8: ord(" "),
                  10: ord("f"), 20: ord("q"), 24: ord("x")})
    keys.install(monkeypatch)
    src = _DyingCamera(clip, 60)
    voice = Voice(muted=False)
    result = run_live(src, model, "kettlebell_deadlift", load_config().for_exercise("kettlebell_deadlift"),
                      window=True, voice=voice)
    assert result.quit_by_user and voice.muted
    from hingecheck.apps.live import CARD_KEY_WAIT_MS, PAUSED_KEY_WAIT_MS
    set_calls = keys.calls[:20]
    running = [i for i, ms in enumerate(set_calls, 1) if ms != PAUSED_KEY_WAIT_MS]
    paused = [i for i, ms in enumerate(set_calls, 1) if ms == PAUSED_KEY_WAIT_MS]
    assert paused == [6, 7, 8]                    # the paused calls skip their frames
    assert result.frames == len(running) == 17
    assert src.i == 20                            # every frame taken was shown or skipped
    # the card stayed up until a key: calls 21-24, each showing it
    assert keys.calls[20:] == [CARD_KEY_WAIT_MS] * 4 and keys.shown == 17 + 4
    assert keys.fullscreen == [cv2.WINDOW_FULLSCREEN]
    # the screen is drawn at the window's size
    assert all(f.shape == (720, 1280, 3) for f in keys.frames)
    # the reset on the 4th dropped what came before (the paused r did not reset again)
    assert result.analysis.timestamps.size == len([i for i in running if i > 4]) == 13


def test_record_writes_the_annotated_video(tmp_path):
    import cv2

    from hingecheck.apps.live import run_live
    from hingecheck.core.config import load_config

    clip = require_clips() / "clip01.mp4"
    model = require_model_dir(LITE) / LITE
    src = _DyingCamera(clip, 45)
    out = tmp_path / "set.mp4"
    result = run_live(src, model, "kettlebell_deadlift", load_config().for_exercise("kettlebell_deadlift"),
                      window=False, record=out)
    assert result.frames == 45 and out.exists()
    cap = cv2.VideoCapture(str(out))
    ok, first = cap.read()
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()
    assert ok and first.shape == src.frames[0].shape and frames >= 44
    assert not np.array_equal(first, src.frames[0])   # the overlay is drawn on it


class _BrokenCamera(_DyingCamera):
    """Frames, then the driver raises (not a clean end of the source)."""

    closed = False

    def get(self, timeout=1.0):
        if self.i >= len(self.frames):
            raise RuntimeError("driver crashed")
        return super().get(timeout)

    def close(self):
        self.closed = True


def test_an_error_mid_set_leaves_no_recording_and_closes_the_source(tmp_path):
    from hingecheck.apps.live import run_live
    from hingecheck.core.config import load_config

    clip = require_clips() / "clip01.mp4"
    model = require_model_dir(LITE) / LITE
    src = _BrokenCamera(clip, 20)
    out = tmp_path / "set.mp4"
    with pytest.raises(RuntimeError, match="driver crashed"):
        run_live(src, model, "kettlebell_deadlift", load_config().for_exercise("kettlebell_deadlift"),
                 window=False, record=out)
    assert src.closed and not out.exists()
    assert list(tmp_path.iterdir()) == []          # no temporary file left behind


@pytest.mark.model
def test_headless_prints_each_rep_as_it_ends(tmp_path):
    """--no-window: one line per rep on standard output during the set, before the table."""
    import re

    from assets import REPO_ROOT
    clip = REPO_ROOT / "sample_videos" / "rounded_back.mp4"
    p = run_cli("live", "--source", str(clip), "--no-window", "--mute", "--no-history", "--model", "lite",
                "--json", str(tmp_path / "set.json"), cwd=tmp_path,
                env_extra={"HINGECHECK_MODEL_DIR": str(require_model_dir(LITE))})
    assert p.returncode == 0, p.stderr
    report = json.loads((tmp_path / "set.json").read_text())
    lines = p.stdout.splitlines()
    from hingecheck.core.faults import FAULTS
    rep_lines = [ln for ln in lines if re.match(r"rep \d+: ", ln)]
    whole = [r for r in report["reps"] if r["complete"]]
    assert len(rep_lines) == len(whole) == report["summary"]["reps"] >= 3
    for line, rep in zip(rep_lines, whole):          # each line says its rep's own verdict
        assert line.startswith(f"rep {rep['index']}: ")
        assert all(FAULTS[f["fault"]].title in line for f in rep["faults"])
        assert ("faults - " in line) == bool(rep["faults"])
    assert any("Rounded back" in ln for ln in rep_lines)
    table = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("rep ") and "verdict" in ln)
    assert lines.index(rep_lines[-1]) < table
