"""Fault injection for `hingecheck score`: a worker that dies costs only its clip;
failures are cached; killing the batch leaves no worker and keeps what finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from assets import REPO_ROOT, require_clips, require_model_dir
from clikit import assert_one_line_error, no_person_video, run_cli

HEADER = "clip,exercise,view,reps,faults,optional_faults\n"
TESTS = Path(__file__).resolve().parents[1]  # the helpers (faultkit) live at the tests root


def _assets():
    return require_clips(), require_model_dir("pose_landmarker_lite.task")


def _labels(tmp_path: Path, clips: list[Path]) -> Path:
    p = tmp_path / "labels.csv"
    p.write_text(HEADER + "".join(f"{c},deadlift,side,,?,\n" for c in clips))
    return p


def _env(**extra) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(TESTS)])}
    env.pop("HINGECHECK_DEBUG", None)
    env.update(extra)
    return env


def _faultkit_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys, faultkit; sys.exit(faultkit.main())", *args]


def _score_args(labels: Path, out: Path, workers: int = 1) -> list[str]:
    return ["score", str(labels), "--out", str(out), "--model", "lite", "--workers", str(workers), "--quiet"]


def _by_clip(out: Path) -> dict:
    return {Path(c["clip"]).name: c for c in json.loads((out / "scores.json").read_text())["clips"]}


def test_crashing_worker_costs_only_its_clip_and_is_cached_as_failed(tmp_path):
    clips, _ = _assets()
    labels = _labels(tmp_path, [clips / "clip12.mp4", clips / "clip11.mp4"])
    out = tmp_path / "out"
    cmd = _faultkit_cmd(*_score_args(labels, out))
    r = subprocess.run(cmd, env=_env(FAULTKIT_CRASH="clip12"), capture_output=True, text=True, timeout=300)
    assert r.returncode == 3, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    by = _by_clip(out)
    assert "worker died (killed by SIGSEGV)" in by["clip12.mp4"]["error"]
    assert by["clip11.mp4"]["error"] is None and by["clip11.mp4"]["result"]["reps_found"] >= 1
    entries = [json.loads(f.read_text()) for f in (out / "cache").glob("*.json")]
    failed = [e for e in entries if e.get("failed")]
    assert len(entries) == 2 and len(failed) == 1 and failed[0]["key"] == by["clip12.mp4"]["key"]

    # a rerun keeps the failure (no worker crashes: none runs) ...
    r = subprocess.run(cmd, env=_env(FAULTKIT_CRASH="clip12"), capture_output=True, text=True, timeout=120)
    assert r.returncode == 3, r.stderr[-2000:]
    by2 = _by_clip(out)
    assert by2["clip12.mp4"]["cached"] is True and by2["clip12.mp4"]["error"] == by["clip12.mp4"]["error"]
    # ... until asked to retry it
    r = subprocess.run([*cmd, "--retry-failed"], env=_env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    by3 = _by_clip(out)
    assert by3["clip12.mp4"]["error"] is None and by3["clip12.mp4"]["cached"] is False
    assert by3["clip11.mp4"]["cached"] is True


def test_worker_that_dies_once_is_retried_in_a_fresh_worker(tmp_path):
    clips, _ = _assets()
    labels = _labels(tmp_path, [clips / "clip12.mp4"])
    out = tmp_path / "out"
    marker = tmp_path / "crashed-once"
    r = subprocess.run(_faultkit_cmd(*_score_args(labels, out)),
                       env=_env(FAULTKIT_CRASH="clip12", FAULTKIT_ONCE=str(marker)),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert marker.exists()  # it did crash, the first time
    assert _by_clip(out)["clip12.mp4"]["error"] is None


def _children(pid: int) -> set[int]:
    """The child processes of ``pid``, whichever of its threads started them (the workers are
    started by the executor's dispatcher thread, not the main one)."""
    kids: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids |= {int(x) for x in (task / "children").read_text().split()}
        except OSError:
            continue
    return kids


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _wait_for(cond, proc, timeout=120.0, what="") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert proc.poll() is None, f"ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _start_batch(tmp_path: Path):
    """A batch of two clips on two workers: clip12 finishes, clip11 hangs for a minute."""
    clips, _ = _assets()
    labels = _labels(tmp_path, [clips / "clip12.mp4", clips / "clip11.mp4"])
    out = tmp_path / "out"
    proc = subprocess.Popen(_faultkit_cmd(*_score_args(labels, out, workers=2)), env=_env(FAULTKIT_SLOW="clip11"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    cache = out / "cache"
    # the worker's last write is the cache entry (a temporary ".NAME.*.tmp.json" until it is whole)
    _wait_for(lambda: cache.is_dir() and any(p for p in cache.glob("*.json") if not p.name.startswith(".")), proc,
              what="the first clip's cache entry")
    _wait_for(lambda: len(_children(proc.pid)) >= 2, proc, what="two workers")
    return proc, out


def _gone(pids: set[int], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_score_at_once_and_writes_what_finished(tmp_path, sig):
    proc, out = _start_batch(tmp_path)
    try:
        workers = _children(proc.pid)
        proc.send_signal(sig)  # the parent only: it must stop its workers itself
        _, err = proc.communicate(timeout=30)  # the slow clip would take 60 s
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err and f"interrupted ({sig.name}): 1 of 2 clips finished" in err
    assert _gone(workers)
    doc = json.loads((out / "scores.json").read_text())
    assert doc["interrupted"] == sig.name and doc["clips_listed"] == 2
    assert [Path(c["clip"]).name for c in doc["clips"]] == ["clip12.mp4"]
    assert (out / "metrics.json").is_file() and (out / "report.html").is_file()
    assert not [f for f in out.rglob("*") if ".tmp" in f.name]
    # the interrupted clip is not cached as a failure: the next run does it
    assert len(list((out / "cache").glob("*.json"))) == 1


def test_killed_score_leaves_no_worker_running(tmp_path):
    proc, out = _start_batch(tmp_path)
    workers = _children(proc.pid)
    try:
        os.kill(proc.pid, signal.SIGKILL)  # the parent only
        proc.communicate(timeout=30)
        assert _gone(workers), "workers outlived their killed parent"
    finally:
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
    assert not (out / "scores.json").exists()


def test_score_exit_status_and_model_checked_first(tmp_path):
    video = no_person_video(tmp_path / "empty.mp4", frames=10)
    labels = _labels(tmp_path, [video])
    # no such model: exit 2, one line, and nothing created (no empty cache folder)
    r = run_cli("score", str(labels), "--out", str(tmp_path / "o1"), "--model", str(tmp_path / "none.task"),
                cwd=tmp_path)
    assert_one_line_error(r, "none.task")
    assert r.returncode == 2 and not (tmp_path / "o1").exists()
    # a file that is not a model: refused before any worker starts
    bad = tmp_path / "bad.task"
    bad.write_bytes(b"not a model")
    r = run_cli("score", str(labels), "--out", str(tmp_path / "o2"), "--model", str(bad), cwd=tmp_path)
    assert_one_line_error(r, "bad.task")
    assert r.returncode == 2 and not (tmp_path / "o2" / "scores.json").exists()


def test_score_all_clips_failed_is_a_distinct_status(tmp_path):
    require_model_dir("pose_landmarker_lite.task")
    video = no_person_video(tmp_path / "empty.mp4", frames=10)
    (tmp_path / "adir.mp4").mkdir()
    labels = _labels(tmp_path, [video, tmp_path / "adir.mp4"])
    r = run_cli(*_score_args(labels, tmp_path / "out"), cwd=tmp_path)
    assert r.returncode == 3, r.stderr
    by = _by_clip(tmp_path / "out")
    assert "no person" in by["empty.mp4"]["error"]
    assert "is a folder, not a video file" in by["adir.mp4"]["error"]


def test_malformed_cache_entries_are_misses(tmp_path):
    from hingecheck.scoring.cache import read_cache
    bad = [{"format": 1}, {"format": 1, "result": {"x": 1}}, {"format": 1, "result": None},
           {"format": 1, "failed": True}, [], {"format": 1, "result": {"clip_faults": "squatting"}}]
    for i, data in enumerate(bad):
        p = tmp_path / f"{i}.json"
        p.write_text(json.dumps(data))
        assert read_cache(p) is None, data
    (tmp_path / "cut.json").write_text('{"format": 1, "resu')
    assert read_cache(tmp_path / "cut.json") is None


# --------------------------------------------- the crash-isolating executor on its own

def test_crash_isolating_executor_is_an_executor():
    """Futures for results and exceptions; a call that kills its worker fails alone, with the signal,
    after one retry in a fresh worker; the executor goes on."""
    import concurrent.futures as cf

    from hingecheck.scoring.workers import CrashIsolatingExecutor, WorkerDied
    with CrashIsolatingExecutor(max_workers=2) as ex:
        assert isinstance(ex, cf.Executor)
        squares = [ex.submit(pow, n, 2) for n in range(5)]
        zero = ex.submit(divmod, 1, 0)
        dies = ex.submit(os.abort)  # SIGABRT, in the worker, every time
        assert [f.result() for f in cf.as_completed(squares)] and [f.result() for f in squares] == [0, 1, 4, 9, 16]
        assert isinstance(zero.exception(), ZeroDivisionError)
        with pytest.raises(WorkerDied) as died:
            dies.result()
        assert str(died.value) == "worker died (killed by SIGABRT), twice"
        assert ex.submit(os.getpid).result() != os.getpid()  # still working, in another process
    with pytest.raises(RuntimeError, match="after shutdown"):
        ex.submit(os.getpid)


def _running_sleeper(ex, marker: Path):
    """Submit a call that writes its worker's pid to ``marker``, then sleeps for ten minutes;
    return ``(future, worker pid)`` once it runs."""
    code = f"import os, pathlib, time; pathlib.Path({str(marker)!r}).write_text(str(os.getpid())); time.sleep(600)"
    fut = ex.submit(exec, code)
    deadline = time.monotonic() + 120
    while not (marker.exists() and marker.read_text()):
        assert not fut.done() and time.monotonic() < deadline, "the call never started"
        time.sleep(0.05)
    return fut, int(marker.read_text())


def test_cancelling_a_running_call_stops_its_worker(tmp_path):
    from hingecheck.scoring.workers import CrashIsolatingExecutor
    with CrashIsolatingExecutor(max_workers=1) as ex:
        sleeper, pid = _running_sleeper(ex, tmp_path / "started")
        assert pid != os.getpid()
        assert sleeper.cancel() and sleeper.cancelled()
        assert _gone({pid}), "the worker of a cancelled call kept running"
        assert ex.submit(os.getpid).result() not in (pid, os.getpid())  # a fresh worker takes the next call


def test_shutdown_cancelling_futures_stops_every_worker(tmp_path):
    from hingecheck.scoring.workers import CrashIsolatingExecutor
    ex = CrashIsolatingExecutor(max_workers=2)
    running = [_running_sleeper(ex, tmp_path / f"started{i}") for i in range(2)]
    queued = [ex.submit(exec, "import time; time.sleep(600)") for _ in range(3)]
    ex.shutdown(wait=True, cancel_futures=True)  # returns at once, not in ten minutes
    assert all(f.cancelled() for f, _ in running) and all(f.cancelled() for f in queued)
    assert not any(_alive(pid) for _, pid in running)
