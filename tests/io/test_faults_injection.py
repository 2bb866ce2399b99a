"""Fault injection for `analyze` and `live`: bad inputs made at test time, special
outputs, bad configs, and signals sent to real subprocesses. Each case checks the
exit status, the one-line message (no traceback), and that no partial, temporary
or replaced file is left."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from assets import REPO_ROOT, require_clips, require_model_dir
from faultkit import one_frame_video, still_image
from clikit import assert_one_line_error, no_person_video, run_cli

LITE = ("--model", "lite")
QUIET = ("--no-html", "--no-history", "--quiet")


def _clip(name: str = "clip12.mp4") -> Path:
    require_model_dir("pose_landmarker_lite.task")
    return require_clips() / name


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _no_tmp(folder: Path) -> None:
    assert not [p for p in folder.rglob("*") if ".tmp" in p.name], _names(folder)


# ------------------------------------------------------------ still images

@pytest.mark.parametrize("make", [still_image, one_frame_video], ids=["png", "one-frame-mp4"])
def test_still_image_is_an_error(tmp_path, make):
    src = make(tmp_path / ("still.png" if make is still_image else "one.mp4"))
    p = run_cli("analyze", str(src), *LITE, cwd=tmp_path)
    assert_one_line_error(p, "still image")
    assert p.returncode == 2 and _names(tmp_path) == [src.name]
    p = run_cli("live", "--source", str(src), "--no-window", *LITE, cwd=tmp_path)
    assert_one_line_error(p, "still image")
    assert _names(tmp_path) == [src.name]


def test_still_image_in_score_is_a_failed_clip(tmp_path):
    require_model_dir("pose_landmarker_lite.task")
    img = still_image(tmp_path / "still.png")
    labels = tmp_path / "l.csv"
    labels.write_text(f"clip,exercise,view,reps,faults,optional_faults\n{img.name},rdl,side,,none,\n")
    p = run_cli("score", str(labels), "--out", str(tmp_path / "o"), *LITE, "--quiet", cwd=tmp_path)
    assert p.returncode == 3, p.stderr
    clip = json.loads((tmp_path / "o" / "scores.json").read_text())["clips"][0]
    assert "still image" in clip["error"]


# ------------------------------------------------------------ outputs

def test_output_checks_come_before_the_pose_pass(tmp_path):
    video = no_person_video(tmp_path / "v.mp4", frames=5)  # no person: a pose pass would say so
    for args, needle in [(("--video", "out.xyz"), "no encoder for .xyz"),
                         (("--json", "same.out", "--video", "same.out"), "name the same file"),
                         (("--json", "r.json", "--html", "r.json"), "name the same file")]:
        p = run_cli("analyze", str(video), *LITE, *args, cwd=tmp_path)
        assert_one_line_error(p, needle)
        assert _names(tmp_path) == ["v.mp4"]
    p = run_cli("live", "--source", str(video), "--no-window", *LITE, "--record", "r.xyz", cwd=tmp_path)
    assert_one_line_error(p, "no encoder for .xyz")


def test_json_to_standard_output(tmp_path):
    clip = _clip()
    p = run_cli("analyze", str(clip), *LITE, "--json", "-", "--no-video", *QUIET, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)  # only the report on stdout: the table went to stderr
    assert doc["frames"] == 29 and "rep" in p.stderr
    assert _names(tmp_path) == []


def test_special_outputs_are_written_not_replaced(tmp_path):
    clip = _clip()
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    link = tmp_path / "null-link"
    link.symlink_to("/dev/null")
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        p = run_cli("analyze", str(clip), *LITE, "--json", str(fifo), "--video", str(link), *QUIET, cwd=tmp_path)
        got, _ = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert p.returncode == 0, p.stderr
    assert json.loads(got)["frames"] == 29
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert _names(tmp_path) == ["null-link", "report.fifo"]


# ------------------------------------------------------------ config

@pytest.mark.parametrize("text, needle", [
    ("default = 5\n", "[default] must be a table"),
    ("profiles = 3\n", "profiles must be tables"),
    ("[profiles]\nrdl = 3\n", "[profiles.rdl] must be a table"),
    ("[default]\nsmooth_cutoff_hz = 0\n", "smooth_cutoff_hz = 0 is out of range (0 < smooth_cutoff_hz <= 30)"),
    ("[default]\nsmooth_cutoff_hz = -4\n", "smooth_cutoff_hz = -4 is out of range"),
    ("[default]\nsmooth_cutoff_hz = nan\n", "smooth_cutoff_hz = nan is out of range"),
    ("[default]\nlean_back_deg = inf\n", "lean_back_deg = inf is out of range (0 <= lean_back_deg <= 90)"),
    ("[profiles.rdl]\ndropped_head_deg = -1\n", "[profiles.rdl]: dropped_head_deg = -1"),
    ("[default]\nrep_up_deg = 50\nrep_down_deg = 40\n", "rep_up_deg = 50 must be below rep_down_deg = 40"),
])
def test_bad_config_is_one_line_before_any_work(tmp_path, text, needle):
    video = no_person_video(tmp_path / "v.mp4", frames=5)
    cfg = tmp_path / "c.toml"
    cfg.write_text(text)
    p = run_cli("analyze", str(video), "--config", str(cfg), *LITE, cwd=tmp_path)
    assert_one_line_error(p, needle, "c.toml")
    assert p.returncode == 2 and _names(tmp_path) == ["c.toml", "v.mp4"]


def test_every_built_in_threshold_is_in_its_range():
    from dataclasses import fields

    from hingecheck.core.config import (
        EXERCISES,
        RANGES,
        Config,
        Thresholds,
        check_thresholds,
    )
    assert set(RANGES) == {f.name for f in fields(Thresholds)}
    for ex in EXERCISES:
        check_thresholds(Config().for_exercise(ex), ex)


# ------------------------------------------------------------ labels

@pytest.mark.parametrize("body, needle", [
    ("a.mp4,rdl,side\n", "line 2 has 3 fields, expected 6"),
    ("a.mp4,rdl,side,1,none,,x,y\n", "line 2 has 8 fields, expected 6"),
])
def test_short_or_long_label_rows(tmp_path, body, needle):
    labels = tmp_path / "l.csv"
    labels.write_text("clip,exercise,view,reps,faults,optional_faults\n" + body)
    p = run_cli("score", str(labels), "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert_one_line_error(p, needle)
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------ signals

def _popen(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("HINGECHECK_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "hingecheck", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_tmp(proc: subprocess.Popen, folder: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not [p for p in folder.iterdir() if ".tmp" in p.name]:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no temporary output appeared"
        time.sleep(0.02)


def _finish(proc: subprocess.Popen, timeout: float = 60) -> str:
    try:
        _, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return err


def test_sigterm_during_the_annotated_video_leaves_no_temporary_file(tmp_path):
    clip = _clip("clip11.mp4")
    proc = _popen(["analyze", str(clip), *LITE, "--video", "out.mp4", *QUIET], tmp_path)
    _wait_for_tmp(proc, tmp_path)  # the annotated video is being written
    proc.send_signal(signal.SIGTERM)
    err = _finish(proc)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert [ln for ln in err.splitlines() if ln.strip()] == ["hingecheck: interrupted (SIGTERM)"]
    assert _names(tmp_path) == []  # no partial video, no report


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_ends_a_live_set_like_q(tmp_path, sig):
    clip = _clip("clip02.mp4")  # 10 reps, about 30 s at real time
    proc = _popen(["live", "--source", str(clip), "--no-window", "--mute", *LITE, "--json", "set.json",
                   "--record", "set.mp4", "--no-history"], tmp_path)
    _wait_for_tmp(proc, tmp_path)  # the recording started: frames are flowing
    time.sleep(1.0)
    proc.send_signal(sig)
    err = _finish(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert _names(tmp_path) == ["set.hingecheck.html", "set.json", "set.mp4"]
    doc = json.loads((tmp_path / "set.json").read_text())
    assert doc["live"]["frames_processed"] > 0
    import cv2
    cap = cv2.VideoCapture(str(tmp_path / "set.mp4"))
    assert cap.get(cv2.CAP_PROP_FRAME_COUNT) > 0
    cap.release()


def test_live_refuses_a_truncated_file_as_analyze_does(tmp_path):
    clip = _clip("clip11.mp4")
    cut = tmp_path / "cut.mp4"
    data = clip.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    p = run_cli("live", "--source", str(cut), "--no-window", "--as-fast-as-possible", *LITE,
                "--record", "r.mp4", "--no-history", cwd=tmp_path)
    assert_one_line_error(p, "truncated")
    assert p.returncode == 2 and _names(tmp_path) == ["cut.mp4"]


# ------------------------------------------------------------ timing of output videos

def test_writer_keeps_the_frames_own_timing(tmp_path):
    import cv2

    from hingecheck.io.video import VideoWriter
    frame = np.zeros((64, 64, 3), np.uint8)
    out = tmp_path / "t.mp4"
    with VideoWriter(out, 10.0, (64, 64)) as w:
        for t in (0.0, 0.1, 0.5, 0.6, 1.0):  # gaps: dropped frames
            w.write(frame, t)
    cap = cv2.VideoCapture(str(out))
    assert cap.get(cv2.CAP_PROP_FRAME_COUNT) == 11  # 0.0 .. 1.0 s at 10 fps
    cap.release()
    assert w.frames_written == 11


def test_annotated_video_of_a_variable_frame_rate_input_keeps_its_duration(tmp_path):
    av = pytest.importorskip("av")
    from fractions import Fraction

    import cv2
    src = _clip("clip11.mp4")
    vfr = tmp_path / "vfr.mp4"
    cap = cv2.VideoCapture(str(src))
    with av.open(str(vfr), "w") as out:
        st = out.add_stream("mpeg4", rate=30)
        st.width, st.height, st.pix_fmt = 600, 600, "yuv420p"
        st.time_base = Fraction(1, 1000)
        i = 0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            if i < 20 or i % 3 == 0:  # the second part keeps one frame in three
                f = av.VideoFrame.from_ndarray(bgr, format="bgr24")
                f.pts, f.time_base = int(i * 1000 / 30), Fraction(1, 1000)
                out.mux(st.encode(f))
            i += 1
        out.mux(st.encode())
    cap.release()
    p = run_cli("analyze", str(vfr), *LITE, "--video", "a.mp4", *QUIET, cwd=tmp_path)
    if p.returncode != 0:
        assert_one_line_error(p)  # e.g. judged truncated: still one line
        pytest.skip(p.stderr)
    out = cv2.VideoCapture(str(tmp_path / "a.mp4"))
    duration = out.get(cv2.CAP_PROP_FRAME_COUNT) / out.get(cv2.CAP_PROP_FPS)
    out.release()
    assert abs(duration - i / 30) < 0.2, (duration, i / 30)


# ------------------------------------------------------------ native log lines

def test_native_log_lines_are_kept_off_stderr(tmp_path):
    code = (
        "import os, sys\n"
        "from hingecheck.io.stderrfilter import filtered_stderr\n"
        "with filtered_stderr():\n"
        "    os.write(2, b'W0000 00:00:1796164004.674590   30685 landmark_projection_calculator.cc:81] Using NORM_RECT\\n')\n"
        "    os.write(2, b'INFO: [environment.cc:36] Creating LiteRT environment with options\\n')\n"
        "    print('hingecheck: error: ours', file=sys.stderr)\n"
        "    with filtered_stderr():\n"
        "        os.write(2, b'I1201 10:00:00.000001 1 x.cc:1] nested\\n')\n"
        "print('after', file=sys.stderr)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert p.returncode == 0 and p.stderr == "hingecheck: error: ours\nafter\n", p.stderr


def test_filtered_stderr_passes_a_progress_bar_at_once():
    code = (
        "import os, sys, time\n"
        "from hingecheck.io.stderrfilter import filtered_stderr\n"
        "with filtered_stderr():\n"
        "    sys.stderr.write('\\r 50%|#####'); sys.stderr.flush()\n"
        "    time.sleep(30)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    try:
        got = os.read(proc.stderr.fileno(), 100)  # arrives before the block ends (no newline)
        assert got == b"\r 50%|#####"
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()
