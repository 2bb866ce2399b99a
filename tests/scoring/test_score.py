"""`hingecheck score`: metrics on hand-made inputs, labels CSV validation,
end-to-end scoring with the cache, and resuming a killed batch."""

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

from hingecheck.core.faults import FAULTS
from hingecheck.apps import cli
from hingecheck.outputs.outcome import EXIT_CLIPS_FAILED
from hingecheck.core.config import Thresholds
from hingecheck.core.errors import HingecheckError
from hingecheck.scoring.cache import cache_key
from hingecheck.scoring.labels import read_labels
from hingecheck.scoring.metrics import (
    Label,
    Prediction,
    compute_metrics,
    metrics_table,
    parse_fault_list,
)

HEADER = "clip,exercise,view,reps,faults,optional_faults\n"


def L(clip, faults="none", reps=None, optional="", exercise="hip_hinge"):
    f, any_ = parse_fault_list(faults)
    opt, _ = parse_fault_list(optional, allow_special=False)
    return Label(clip, exercise, "side", reps, f, any_, opt)


def P(clip, faults=(), reps=0, judged=1, error=None):
    return Prediction(clip, frozenset(faults), reps, judged, max(judged, reps), error)


# ------------------------------------------------------------------ metrics

def test_metrics_per_fault_counts():
    labels = [L("a", "squatting"), L("b", "rounded_back;dropped_head"), L("c", "none"), L("d", "squatting")]
    preds = [P("a", ["squatting"]), P("b", ["rounded_back"]), P("c", ["squatting", "dropped_head"]), P("d")]
    m = compute_metrics(preds, labels)
    sq = m["faults"]["squatting"]
    assert (sq["tp"], sq["fp"], sq["fn"]) == (1, 1, 1)
    assert sq["precision"] == 0.5 and sq["recall"] == 0.5 and sq["f1"] == 0.5
    rb = m["faults"]["rounded_back"]
    assert (rb["tp"], rb["fp"], rb["fn"], rb["precision"], rb["recall"], rb["f1"]) == (1, 0, 0, 1.0, 1.0, 1.0)
    dh = m["faults"]["dropped_head"]
    assert (dh["tp"], dh["fp"], dh["fn"]) == (0, 1, 1) and dh["f1"] == 0.0
    assert dh["fp_clips"] == ["c"] and dh["fn_clips"] == ["b"]
    hy = m["faults"]["hyperextension"]
    assert (hy["tp"], hy["fp"], hy["fn"]) == (0, 0, 0)
    assert hy["precision"] is None and hy["recall"] is None and hy["f1"] is None
    assert (m["micro"]["tp"], m["micro"]["fp"], m["micro"]["fn"]) == (2, 2, 2)
    # clip level: a, b, d faulty (a, b found, d missed); c clean but flagged
    assert (m["any_fault"]["tp"], m["any_fault"]["fp"], m["any_fault"]["fn"], m["any_fault"]["tn"]) == (2, 1, 1, 0)
    assert m["good_clips"] == {"n": 1, "clean": 0, "clean_pct": 0.0, "flagged_clips": ["c"],
                              "not_checked_clips": [], "partly_checked_clips": []}
    assert set(m["faults"]) == set(FAULTS)
    assert "squatting" in metrics_table(m)


def test_metrics_optional_faults_are_right_either_way():
    labels = [L("a", "rounded_back", optional="dropped_head"), L("b", "rounded_back", optional="dropped_head"),
              L("c", "none", optional="hyperextension")]
    preds = [P("a", ["rounded_back", "dropped_head"]), P("b", ["rounded_back"]), P("c", ["hyperextension"])]
    m = compute_metrics(preds, labels)
    dh, hy = m["faults"]["dropped_head"], m["faults"]["hyperextension"]
    assert (dh["tp"], dh["fp"], dh["fn"]) == (0, 0, 0)
    assert (hy["tp"], hy["fp"], hy["fn"]) == (0, 0, 0)
    assert m["faults"]["rounded_back"]["tp"] == 2
    # a good clip flagged only with an optional fault still counts as clean
    assert m["good_clips"]["clean"] == 1 and m["good_clips"]["clean_pct"] == 100.0
    assert m["any_fault"]["fp"] == 0 and m["any_fault"]["tn"] == 1


def test_metrics_any_and_not_scored():
    labels = [L("a", "any"), L("b", "any"), L("c", "?", reps=3), L("d", "none")]
    preds = [P("a", ["hyperextension"]), P("b"), P("c", ["squatting"], reps=3), P("d")]
    m = compute_metrics(preds, labels)
    # `any` counts for no single fault; `?` for nothing at all
    for v in m["faults"].values():
        assert (v["tp"], v["fp"], v["fn"]) == (0, 0, 0)
    a = m["any_fault"]
    assert (a["tp"], a["fp"], a["fn"], a["tn"]) == (1, 0, 1, 1)
    assert a["fn_clips"] == ["b"]
    assert m["good_clips"]["n"] == 1 and m["good_clips"]["clean"] == 1
    assert m["rep_count"]["n"] == 1 and m["rep_count"]["exact"] == 1  # `?` still scores reps
    assert m["macro_f1"] is None


def test_metrics_reps_cant_judge_and_errors():
    labels = [L("a", reps=10), L("b", reps=5), L("c"), L("d", reps=1), L("e", reps=2)]
    preds = [P("a", reps=10, judged=10), P("b", reps=3, judged=0), P("c", judged=0),
             P("d", error="video d is corrupt"), P("e", reps=2, judged=2)]
    m = compute_metrics(preds, labels)
    r = m["rep_count"]
    assert r["n"] == 3 and r["exact"] == 2 and r["exact_pct"] == pytest.approx(66.7)
    assert r["mae"] == pytest.approx(2 / 3, abs=1e-3)
    assert r["wrong"] == [{"clip": "b", "label": 5, "found": 3}]
    assert m["cant_judge"] == {"n": 2, "clips": ["b", "c"]}
    assert m["errors"] == [{"clip": "d", "error": "video d is corrupt"}]
    assert m["scored_clips"] == 4 and m["clips"] == 5
    assert m["good_clips"]["n"] == 4  # the errored clip is left out


def test_metrics_empty_is_all_undefined():
    m = compute_metrics([], [])
    assert m["rep_count"]["mae"] is None and m["good_clips"]["clean_pct"] is None
    assert m["micro"]["f1"] is None
    metrics_table(m)


def test_parse_fault_list():
    assert parse_fault_list("none") == (frozenset(), False)
    assert parse_fault_list("?") == (None, False)
    assert parse_fault_list("any") == (frozenset(), True)
    assert parse_fault_list(" rounded_back ; dropped_head ") == (frozenset({"rounded_back", "dropped_head"}), False)
    assert parse_fault_list("", allow_special=False) == (frozenset(), False)
    for bad in ("", "rounding", "none;squatting"):
        with pytest.raises(HingecheckError):
            parse_fault_list(bad)
    with pytest.raises(HingecheckError):
        parse_fault_list("any", allow_special=False)


# ------------------------------------------------------------ CSV validation

def _csv(tmp_path, body, header=HEADER):
    p = tmp_path / "labels.csv"
    p.write_text(header + body, encoding="utf-8")
    return p


def test_read_labels_ok(tmp_path):
    p = _csv(tmp_path, "a.mp4,rdl,side,3,none,\nsub/b.mp4,deadlift,oblique,,rounded_back;dropped_head,hyperextension\n"
                       "/abs/c.mp4,hip_hinge,,,?,\nd.mp4,good_morning,front,2,any,\n")
    jobs = read_labels(p)
    assert [j.clip for j in jobs] == ["a.mp4", "sub/b.mp4", "/abs/c.mp4", "d.mp4"]
    assert jobs[0].path == tmp_path / "a.mp4" and jobs[2].path == Path("/abs/c.mp4")
    assert jobs[0].label.reps == 3 and jobs[1].label.reps is None
    assert jobs[1].label.faults == {"rounded_back", "dropped_head"} and jobs[1].label.optional == {"hyperextension"}
    assert jobs[2].label.faults is None and jobs[3].label.any_fault


def test_read_labels_optional_column_may_be_absent(tmp_path):
    p = _csv(tmp_path, "a.mp4,rdl,side,3,none\n", header="clip,exercise,view,reps,faults\n")
    assert read_labels(p)[0].label.optional == frozenset()


@pytest.mark.parametrize("header,body,needle", [
    ("clip,exercise,view,faults\n", "a.mp4,rdl,side,none\n", "missing column(s) reps"),
    (HEADER, "a.mp4,squat,side,1,none,\n", "line 2: unknown exercise 'squat'"),
    (HEADER, "a.mp4,rdl,side,1,rounding,\n", "unknown fault id 'rounding'"),
    (HEADER, "a.mp4,rdl,side,1,none,leaning\n", "optional_faults: unknown fault id 'leaning'"),
    (HEADER, "a.mp4,rdl,side,two,none,\n", "reps must be a whole number"),
    (HEADER, "a.mp4,rdl,top,1,none,\n", "unknown view 'top'"),
    (HEADER, "a.mp4,rdl,side,1,none,\na.mp4,rdl,side,1,none,\n", "listed twice"),
    (HEADER, "a.mp4,rdl,side,1,,\n", "faults: empty"),
    (HEADER, "", "no clips listed"),
])
def test_read_labels_errors(tmp_path, header, body, needle):
    p = _csv(tmp_path, body, header)
    with pytest.raises(HingecheckError) as exc:
        read_labels(p)
    msg = str(exc.value)
    assert needle in msg and "\n" not in msg


def test_score_cli_bad_input_is_one_line(tmp_path, capsys):
    p = _csv(tmp_path, "a.mp4,squat,side,1,none,\n")
    assert cli.main(["score", str(p), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("hingecheck: error:") and "unknown exercise" in err and "\n" not in err
    assert cli.main(["score", str(tmp_path / "nope.csv"), "--quiet"]) == 2
    assert "neither a labels CSV nor a folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert cli.main(["score", str(tmp_path / "empty"), "--quiet"]) == 2
    assert "no video files" in capsys.readouterr().err


def test_cache_key_changes_with_every_input():
    th = Thresholds()
    rate = {"analysis_fps": 30.0, "long_side": 640}

    def key(clip="c", model="m", thr=th, exercise="rdl", **kw):
        return cache_key(clip, model, thr, exercise, **{**rate, **kw})
    k = key()
    assert k == key(thr=Thresholds())
    keys = {k, key(clip="c2"), key(model="m2"), key(thr=th.replace(rep_min_s=0.7)), key(exercise="deadlift"),
            key(analysis_fps=0.0), key(analysis_fps=20.0), key(long_side=0), key(long_side=1280)}
    assert len(keys) == 9


def test_pose_key_changes_with_the_analysis_rate_and_size():
    from hingecheck.scoring.cache import pose_key
    keys = {pose_key("c", "m", analysis_fps=fps, long_side=px) for fps in (0.0, 20.0, 30.0) for px in (0, 640)}
    assert len(keys) == 6 and pose_key("c", "m", analysis_fps=30, long_side=640) in keys


# ------------------------------------------------------------- end to end

def _assets():
    clips = require_clips()
    model = require_model_dir("pose_landmarker_lite.task") / "pose_landmarker_lite.task"
    return clips, model


@pytest.mark.clips
def test_score_end_to_end_and_cache(tmp_path, monkeypatch, capsys):
    clips, model = _assets()
    rel11 = os.path.relpath(clips / "clip11.mp4", tmp_path)  # relative to the CSV
    p = _csv(tmp_path, f"{rel11},deadlift,side,,none,\n{clips / 'clip12.mp4'},deadlift,side,,rounded_back;dropped_head,\n"
                       "missing.mp4,deadlift,side,1,none,\n")
    out = tmp_path / "out"
    args = ["score", str(p), "--out", str(out), "--workers", "2", "--model", str(model), "--quiet"]
    assert cli.main(args) == EXIT_CLIPS_FAILED  # missing.mp4: outputs written, one clip failed
    printed = capsys.readouterr().out
    assert "squatting" in printed and "good clips" in printed  # the metrics table
    for name in ("scores.json", "scores.csv", "metrics.json", "report.html"):
        assert (out / name).is_file(), name
    doc = json.loads((out / "scores.json").read_text())
    by = {c["clip"]: c for c in doc["clips"]}
    assert len(by) == 3
    assert "clip file not found" in by["missing.mp4"]["error"]
    for clip in (rel11, str(clips / "clip12.mp4")):
        c = by[clip]
        assert c["error"] is None and c["cached"] is False
        r = c["result"]
        assert {"rep_count", "reps_found", "clip_faults", "reps", "judged_reps", "cant_judge"} <= set(r)
        assert "signals" not in r and r["reps_found"] >= 1
        assert {"faults", "cant_judge", "judged"} <= set(r["reps"][0])
        assert c["timing"]["pose_s"] > 0
    m = json.loads((out / "metrics.json").read_text())
    for key in ("faults", "micro", "macro_f1", "any_fault", "good_clips", "rep_count", "cant_judge", "errors"):
        assert key in m
    assert set(m["faults"]["rounded_back"]) >= {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert m["clips"] == 3 and m["scored_clips"] == 2 and len(m["errors"]) == 1
    assert "good_clips" in m and m["good_clips"]["n"] == 1
    csv_rows = (out / "scores.csv").read_text().splitlines()
    assert len(csv_rows) == 4 and csv_rows[0].startswith("clip,")
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 2
    cache_files = [f for f in (out / "cache").glob("*.json") if not f.name.startswith(".")]
    assert len(cache_files) == 2
    # each clip's plot is kept beside its cache entry
    assert sorted(f.with_suffix(".png").name for f in cache_files) == sorted(
        f.name for f in (out / "cache").glob("*.png"))
    cached = json.loads(cache_files[0].read_text())
    assert len(cached["result"]["signals"]["hip_flexion"]) == len(cached["result"]["signals"]["t"]) > 5

    # an unchanged rerun does no inference: no pose model is loaded, no worker pool is even started,
    # and the cache (entries and plots) is read, not written
    import hingecheck.io.pose as pose
    import hingecheck.scoring.runner as batchrun

    def no_pool(*a, **k):
        raise AssertionError("a worker pool was started on a fully cached rerun")

    def no_model(*a, **k):
        raise AssertionError("the pose model was loaded on a fully cached rerun")
    monkeypatch.setattr(batchrun, "CrashIsolatingExecutor", no_pool)
    monkeypatch.setattr(pose.PoseEstimator, "__init__", no_model)
    kept = {f.name: f.stat().st_mtime_ns for f in (out / "cache").iterdir() if f.is_file()}
    assert cli.main(args) == EXIT_CLIPS_FAILED
    assert {f.name: f.stat().st_mtime_ns for f in (out / "cache").iterdir() if f.is_file()} == kept
    doc2 = json.loads((out / "scores.json").read_text())
    by2 = {c["clip"]: c for c in doc2["clips"]}
    assert by2[rel11]["cached"] is True and by2[str(clips / "clip12.mp4")]["cached"] is True
    assert by2[rel11]["result"] == by[rel11]["result"]
    assert doc2["clips_cached"] == 2
    assert json.loads((out / "metrics.json").read_text())["faults"] == m["faults"]


@pytest.mark.clips
def test_score_resumes_after_kill(tmp_path):
    clips, model = _assets()
    p = _csv(tmp_path, "".join(f"{clips / c},deadlift,side,,?,\n" for c in ("clip11.mp4", "clip12.mp4", "clip10.mp4")))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "hingecheck", "score", str(p), "--out", str(out), "--workers", "1",
           "--model", str(model), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    cache = out / "cache"

    def done_files():
        return {f.name for f in cache.glob("*.json") if not f.name.startswith(".")} if cache.is_dir() else set()

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        while not done_files():  # until the first clip is cached (or the batch ended: a failure)
            assert proc.poll() is None, "the batch ended before any clip was cached"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = done_files()
    assert 1 <= len(before) < 3
    assert not (out / "scores.json").exists()

    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    doc = json.loads((out / "scores.json").read_text())
    assert len(doc["clips"]) == 3
    assert all(c["error"] is None for c in doc["clips"])
    cached = {c["key"] + ".json" for c in doc["clips"] if c["cached"]}
    assert cached == before  # finished before the kill: not recomputed; the rest were
    assert len(done_files()) == 3
    assert "metrics" in doc


@pytest.mark.clips
def test_score_folder_gives_verdicts_only(tmp_path, capsys):
    clips, model = _assets()
    folder = tmp_path / "videos"
    folder.mkdir()
    (folder / "a.mp4").symlink_to(clips / "clip12.mp4")  # a link, never a copy
    (folder / "notes.txt").write_text("not a video")
    out = tmp_path / "out"
    assert cli.main(["score", str(folder), "--out", str(out), "--exercise", "deadlift", "--workers", "1",
                     "--model", str(model), "--quiet"]) == 0
    doc = json.loads((out / "scores.json").read_text())
    assert [c["clip"] for c in doc["clips"]] == ["a.mp4"]
    assert doc["clips"][0]["exercise"] == "deadlift" and doc["clips"][0]["error"] is None
    assert "metrics" not in doc and not (out / "metrics.json").exists()
    assert (out / "scores.csv").is_file() and (out / "report.html").is_file()
    with pytest.raises(SystemExit) as stop:  # checked once, as the flags are parsed
        cli.main(["score", str(folder), "--out", str(out), "--workers", "0", "--quiet"])
    assert stop.value.code == 2 and "argument --workers: must be at least 1" in capsys.readouterr().err


def test_metrics_module_is_pure():
    code = "import sys, hingecheck.scoring.metrics; print(sorted(m for m in ('cv2', 'mediapipe') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert r.stdout.strip() == "[]", r.stderr


def test_plan_batch_and_write_outputs(tmp_path, capsys):
    """The shared steps of score_batch and score_on_dask: plan (cache scan), then write."""
    from hingecheck.core.config import Config
    from hingecheck.outputs.records import ClipRecord, ClipResult
    from hingecheck.scoring.cache import file_sha256, write_cache_entry
    from hingecheck.scoring.clipworker import process_clip
    from hingecheck.scoring.labels import ClipJob
    from hingecheck.scoring.plan import plan_batch
    from hingecheck.scoring.results import write_outputs
    model = require_model_dir("pose_landmarker_lite.task") / "pose_landmarker_lite.task"
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    a.write_bytes(b"not really a video a")
    b.write_bytes(b"not really a video b")
    jobs = [ClipJob("a.mp4", a, "deadlift"), ClipJob("gone.mp4", tmp_path / "gone.mp4", "deadlift"),
            ClipJob("b.mp4", b, "deadlift")]
    out = tmp_path / "out"
    plan = plan_batch(jobs, out, str(model), None, False, analysis=(20.0, 512))
    assert (out / "cache").is_dir() and plan.model_hash == file_sha256(model)
    assert set(plan.records) == {1} and "clip file not found" in plan.records[1].error
    assert [t.index for t in plan.todo] == [0, 2]
    th = Config().for_exercise("deadlift")
    for t in plan.todo:
        assert t.key == cache_key(file_sha256(t.job.path), plan.model_hash, th, "deadlift",
                                  analysis_fps=20.0, long_side=512)
        assert t.cache_file == str(out / "cache" / f"{t.key}.json")
    args = plan.task_args(plan.todo[0], None)
    assert args[0] == str(a) and args[3] == str(model) and args[4] is None
    assert args[5] == {"clip": "a.mp4", "exercise": "deadlift", "key": plan.todo[0].key}
    assert args[7] == (20.0, 512)  # the worker analyses at the plan's rate and size

    # a cache entry for b: the next plan serves it from the cache
    result = ClipResult(rep_count=0, reps_found=0, judged_reps=0, cant_judge=True, clip_faults=[], view="side")
    write_cache_entry(plan.todo[1].cache_file, ClipRecord("b.mp4", "deadlift", result=result, timing={"total_s": 0.5}))
    plan2 = plan_batch(jobs, out, str(model), None, False, analysis=(20.0, 512))
    assert [t.index for t in plan2.todo] == [0]
    # results at one analysis rate never pass for another's
    assert [t.index for t in plan_batch(jobs, out, str(model), None, False).todo] == [0, 2]
    assert plan2.records[2].cached is True and plan2.records[2].key == plan.todo[1].key
    assert plan2.records[2].result == result and plan2.records[2].path == str(b)

    # an unreadable clip is an error record, the same as process_clip's, and written as such
    rec = process_clip(str(a), "deadlift", {}, str(model), None)
    assert rec.failed and rec.result is None and rec.clip == "a.mp4"
    records = {**plan.records, **{t.index: t.settle(ClipRecord("x", "x", error="boom")) for t in plan.todo}}
    doc = write_outputs(plan.jobs, records, out, plan.model_path, plan.model_hash, wall_s=1.23456,
                        labelled=False, source="src")
    assert capsys.readouterr().out == ""
    assert doc["wall_s"] == 1.235 and doc["clips_failed"] == 3 and doc["model"] == str(model)
    assert [c["error"] for c in doc["clips"]][::2] == ["boom", "boom"]
    assert doc == json.loads((out / "scores.json").read_text())
    assert (out / "scores.csv").is_file() and (out / "report.html").is_file()
    assert not (out / "metrics.json").exists()
    assert write_outputs(plan.jobs, records, plan.out, plan.model_path, plan.model_hash, wall_s=1.23456, labelled=False, source="src") == doc


# ------------------------------------------------- the batch loop on any Executor

def _fake_result(clip: str):
    """What process_clip returns for a clip it scored (the fields the outputs read)."""
    from hingecheck.outputs.records import ClipRecord, ClipResult
    result = ClipResult(rep_count=2, reps_found=2, judged_reps=2, cant_judge=False, clip_faults=["squatting"],
                        view="side")
    return ClipRecord(clip, "deadlift", result=result, timing={"total_s": 0.25})


def _three_clip_plan(tmp_path):
    """A plan of three clips that all have to run (their bytes differ, so do their keys)."""
    from hingecheck.scoring.labels import ClipJob
    from hingecheck.scoring.plan import plan_batch
    model = require_model_dir("pose_landmarker_lite.task") / "pose_landmarker_lite.task"
    jobs = []
    for name in ("ok.mp4", "rejected.mp4", "raises.mp4"):
        (tmp_path / name).write_bytes(name.encode())
        jobs.append(ClipJob(name, tmp_path / name, "deadlift"))
    plan = plan_batch(jobs, tmp_path / "out", str(model), None, False)
    assert len(plan.todo) == 3
    return plan


class _Bar:
    """A progress bar that counts its updates."""

    def __init__(self):
        self.n = 0

    def update(self, k: int) -> None:
        self.n += k


@pytest.mark.parametrize("worker_writes_cache", [True, False])
def test_run_batch_on_a_thread_pool(tmp_path, worker_writes_cache):
    """The one batch loop settles every clip through a plain ThreadPoolExecutor: results, error
    records, a call that raised; the cache written by whoever the flag says."""
    import concurrent.futures as cf

    from hingecheck.outputs.records import ClipRecord
    from hingecheck.scoring.cache import read_cache
    from hingecheck.scoring.runner import run_batch
    plan = _three_clip_plan(tmp_path)
    cache_files = {}

    def fake_process_clip(path, exercise, thresholds, model, cache_file, meta=None, pose_file=None, analysis=None):
        name = Path(path).name
        cache_files[name] = cache_file
        if name == "raises.mp4":
            raise RuntimeError("lost  with\nits worker")
        if name == "rejected.mp4":
            return ClipRecord(name, exercise, error="no person in the video")
        return _fake_result(name)
    records, bar = dict(plan.records), _Bar()
    with cf.ThreadPoolExecutor(max_workers=2) as executor:
        assert run_batch(plan, executor, records, bar, worker=fake_process_clip,
                         worker_writes_cache=worker_writes_cache) is None
    assert bar.n == 3
    by = {plan.jobs[i].clip: rec for i, rec in records.items()}
    assert by["ok.mp4"].result.clip_faults == ["squatting"] and by["ok.mp4"].cached is False
    assert by["rejected.mp4"].error == "no person in the video"
    assert by["raises.mp4"].error == "worker died: RuntimeError: lost with its worker"
    assert all(r.key == t.key and r.path == str(t.job.path) for t in plan.todo for r in [records[t.index]])
    task_of = {t.job.clip: t for t in plan.todo}
    # the worker is told where to cache only when it is the one that writes the cache
    assert cache_files == {c: (t.cache_file if worker_writes_cache else None) for c, t in task_of.items()}
    # failures are cached by the loop either way; a result only when the worker could not write it
    for clip in ("rejected.mp4", "raises.mp4"):
        assert read_cache(Path(task_of[clip].cache_file)).error == by[clip].error
    ok_entry = read_cache(Path(task_of["ok.mp4"].cache_file))
    assert (ok_entry is None) if worker_writes_cache else (ok_entry.result == by["ok.mp4"].result)


def test_run_batch_interrupted_keeps_what_finished(tmp_path, monkeypatch):
    """Ctrl-C or SIGTERM while clips run: the signal is returned, the finished clip kept, the others
    cancelled and not cached as failures."""
    import concurrent.futures as cf
    import threading

    from hingecheck.io.signals import Interrupted
    from hingecheck.scoring.runner import run_batch
    plan = _three_clip_plan(tmp_path)
    release = threading.Event()

    def fake_process_clip(path, *args):
        if Path(path).name != "ok.mp4":
            release.wait()
        return _fake_result(Path(path).name)

    class StopAfterFirst(_Bar):
        def update(self, k: int) -> None:
            super().update(k)
            raise Interrupted(signal.SIGTERM)
    records, bar = dict(plan.records), StopAfterFirst()
    submitted = []
    with cf.ThreadPoolExecutor(max_workers=1) as executor:
        real_submit = executor.submit

        def submit(*args):
            submitted.append(real_submit(*args))
            return submitted[-1]
        monkeypatch.setattr(executor, "submit", submit)
        try:
            assert run_batch(plan, executor, records, bar, worker=fake_process_clip) == signal.SIGTERM
        finally:
            release.set()
    assert [plan.jobs[i].clip for i in records] == ["ok.mp4"] and bar.n == 1
    assert sum(f.cancelled() for f in submitted) >= 1  # what had not started was cancelled
    assert [f.name for f in (plan.out / "cache").glob("*.json")] == []


@pytest.mark.clips
def test_run_batch_on_a_process_pool_matches_score_batch(tmp_path):
    """The standard library's ProcessPoolExecutor runs the real process_clip through the same loop:
    the same record as score_batch, the cache entry written by the worker."""
    import concurrent.futures as cf
    import multiprocessing as mp

    from hingecheck.scoring.batch import score_batch
    from hingecheck.scoring.cache import read_cache
    from hingecheck.scoring.clipworker import process_clip
    from hingecheck.scoring.labels import ClipJob
    from hingecheck.scoring.plan import plan_batch
    from hingecheck.scoring.runner import run_batch
    clips, model = _assets()
    jobs = [ClipJob("clip12.mp4", clips / "clip12.mp4", "deadlift")]
    plan = plan_batch(jobs, tmp_path / "pool", str(model), None, False)
    records, bar = dict(plan.records), _Bar()
    with cf.ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as executor:
        assert run_batch(plan, executor, records, bar, worker=process_clip) is None
    rec = records[0]
    assert not rec.failed and rec.result.reps_found >= 1
    task = plan.todo[0]
    assert read_cache(Path(task.cache_file)).result == rec.result
    local = score_batch(jobs, tmp_path / "local", model=str(model), workers=1, progress=False, labelled=False)
    r = local["clips"][0]["result"]
    assert (r["rep_count"], r["clip_faults"]) == (rec.result.rep_count, rec.result.clip_faults)
