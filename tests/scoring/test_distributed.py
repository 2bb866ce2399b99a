"""`score_on_dask`: the same scores as `score_batch`, on a Dask LocalCluster of
worker processes, with the same per-clip cache."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest
from assets import _missing, require_clips, require_model_dir

from hingecheck.apps import cli
from hingecheck.outputs.outcome import EXIT_CLIPS_FAILED
from hingecheck.core.errors import HingecheckError
from hingecheck.scoring.batch import score_batch
from hingecheck.scoring.labels import read_labels

HEADER = "clip,exercise,view,reps,faults,optional_faults\n"
OUTPUTS = ("scores.json", "scores.csv", "metrics.json", "report.html")


def _require_dask():
    if importlib.util.find_spec("distributed") is None:
        _missing("dask is not installed: pip install 'hingecheck[dask]'")


@pytest.fixture(scope="module")
def client(request):
    """A LocalCluster of 2 single-threaded worker processes, closed when the module is done."""
    _require_dask()
    import distributed

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    request.addfinalizer(cluster.close)
    c = distributed.Client(cluster)
    request.addfinalizer(c.close)  # finalizers run last-in first-out: the client, then the cluster
    return c


@pytest.fixture(scope="module")
def assets():
    clips = require_clips()
    model = require_model_dir("pose_landmarker_lite.task") / "pose_landmarker_lite.task"
    return clips, model


@pytest.fixture(scope="module")
def labels(assets, tmp_path_factory):
    clips, _ = assets
    p = tmp_path_factory.mktemp("labels") / "labels.csv"
    p.write_text(HEADER + f"{clips / 'clip11.mp4'},deadlift,side,,none,\n"
                          f"{clips / 'clip12.mp4'},deadlift,side,,rounded_back;dropped_head,\n"
                          "missing.mp4,deadlift,side,1,none,\n")
    return p


@pytest.fixture(scope="module")
def dask_run(client, assets, labels, tmp_path_factory):
    """Score the labels once on the cluster: (out folder, scores document)."""
    _, model = assets
    out = tmp_path_factory.mktemp("dask_out")
    doc = score_on_dask_(read_labels(labels), out, client_or_address=client, model=str(model),
                         progress=False, source=str(labels))
    return out, doc


def score_on_dask_(*a, **k):
    from hingecheck.scoring.daskrun import score_on_dask
    return score_on_dask(*a, **k)


def _by_clip(doc):
    return {c["clip"]: c for c in doc["clips"]}


def _cache_names(out):
    return {f.name for f in (out / "cache").glob("*.json") if not f.name.startswith(".")}


@pytest.mark.clips
def test_dask_matches_score_batch(dask_run, assets, labels, tmp_path):
    out, doc = dask_run
    _, model = assets
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    local = score_batch(read_labels(labels), tmp_path / "local", model=str(model), workers=1, progress=False,
                        source=str(labels))
    by, by_local = _by_clip(doc), _by_clip(local)
    assert set(by) == set(by_local) and len(by) == 3
    assert "clip file not found" in by["missing.mp4"]["error"]
    scored = [c for c in by if c != "missing.mp4"]
    for clip in scored:
        d, s = by[clip], by_local[clip]
        assert d["error"] is None and d["cached"] is False, d
        assert d["key"] == s["key"]
        r, rl = d["result"], s["result"]
        assert r["reps_found"] >= 1
        assert r["rep_count"] == rl["rep_count"]
        assert r["clip_faults"] == rl["clip_faults"]
        assert [rep["faults"] for rep in r["reps"]] == [rep["faults"] for rep in rl["reps"]]
        assert d["timing"]["pose_s"] > 0
    assert doc["metrics"]["faults"] == local["metrics"]["faults"]
    assert (doc["clips_total"], doc["clips_cached"], doc["clips_failed"]) == (3, 0, 1)
    # each clip's cache entry was written by the client, under the same key as score_batch's
    assert _cache_names(out) == _cache_names(tmp_path / "local") and len(_cache_names(out)) == 2
    entry = json.loads((out / "cache" / f"{by[scored[0]]['key']}.json").read_text())
    assert entry["key"] == by[scored[0]]["key"] and len(entry["result"]["signals"]["t"]) > 5
    assert json.loads((out / "metrics.json").read_text())["faults"] == doc["metrics"]["faults"]
    assert (out / "report.html").read_text().count("data:image/png;base64,") == 2
    assert len((out / "scores.csv").read_text().splitlines()) == 4


@pytest.mark.clips
def test_dask_rerun_is_served_from_cache(dask_run, client, assets, labels, monkeypatch, capsys):
    out, doc = dask_run
    _, model = assets

    def no_submit(*a, **k):
        raise AssertionError("a task was submitted on a fully cached rerun")
    monkeypatch.setattr(client, "submit", no_submit)
    kept = {f.name: f.stat().st_mtime_ns for f in (out / "cache").iterdir() if f.is_file()}
    doc2 = score_on_dask_(read_labels(labels), out, client_or_address=client, model=str(model),
                          progress=False, source=str(labels))
    # served from the cache: no task, and every entry (and plot) read, none written
    assert {f.name: f.stat().st_mtime_ns for f in (out / "cache").iterdir() if f.is_file()} == kept
    assert doc2["clips_cached"] == 2
    by, by2 = _by_clip(doc), _by_clip(doc2)
    for clip, c in by.items():
        if c["error"] is None:
            assert by2[clip]["cached"] is True and by2[clip]["result"] == c["result"]

    # the CLI, both forms of --dask: a cached run needs no cluster, so neither is even contacted
    import hingecheck.scoring.daskrun as dist_mod

    def no_connect(*a, **k):
        raise AssertionError("a cluster was contacted on a fully cached rerun")
    monkeypatch.setattr(dist_mod, "_connect", no_connect)
    for target in ("local", client.scheduler_info()["address"]):
        args = ["score", str(labels), "--out", str(out), "--model", str(model), "--dask", target, "--quiet"]
        assert cli.main(args) == EXIT_CLIPS_FAILED  # missing.mp4
        assert "(2 from cache, 1 failed)" in capsys.readouterr().out
    assert _cache_names(out) == {c["key"] + ".json" for c in by.values() if c["error"] is None}


@pytest.mark.clips
def test_cli_dask_address_runs_uncached_clip(client, assets, tmp_path, capsys):
    clips, model = assets
    p = tmp_path / "labels.csv"
    p.write_text(HEADER + f"{clips / 'clip12.mp4'},deadlift,side,,rounded_back;dropped_head,\n")
    out = tmp_path / "out"
    args = ["score", str(p), "--out", str(out), "--model", str(model), "--dask", client.scheduler_info()["address"],
            "--quiet"]
    assert cli.main(args) == 0
    assert "(0 from cache, 0 failed)" in capsys.readouterr().out
    assert len(_cache_names(out)) == 1 and all((out / n).is_file() for n in OUTPUTS)
    assert client.status == "running"  # a client it was handed an address for is its own; ours stays open


@pytest.mark.clips
def test_cli_dask_local_starts_and_closes_a_cluster(assets, tmp_path, capsys):
    _require_dask()
    clips, model = assets
    p = tmp_path / "labels.csv"
    p.write_text(HEADER + f"{clips / 'clip11.mp4'},deadlift,side,,none,\n")
    out = tmp_path / "out"
    args = ["score", str(p), "--out", str(out), "--model", str(model), "--dask", "local", "--workers", "1",
            "--quiet"]
    assert cli.main(args) == 0
    assert "(0 from cache, 0 failed)" in capsys.readouterr().out
    assert len(_cache_names(out)) == 1 and all((out / n).is_file() for n in OUTPUTS)


@pytest.mark.clips
def test_dask_interrupted_run_cancels_what_is_left(client, assets, tmp_path):
    """The shared batch loop on ``Client.get_executor()``: stopped by Ctrl-C after the first clip,
    it keeps that clip (cached by the client) and cancels the Dask tasks of the others."""
    import signal

    from hingecheck.io.signals import Interrupted
    from hingecheck.scoring.clipworker import process_clip
    from hingecheck.scoring.labels import ClipJob
    from hingecheck.scoring.plan import plan_batch
    from hingecheck.scoring.runner import run_batch
    clips, model = assets
    jobs = [ClipJob(c, clips / c, "deadlift") for c in ("clip11.mp4", "clip12.mp4", "clip10.mp4")]
    plan = plan_batch(jobs, tmp_path / "out", str(model), None, False)

    class StopAtFirst:
        def update(self, _k):
            raise Interrupted(signal.SIGINT)
    executor, submitted = client.get_executor(pure=False), []
    real_submit = executor.submit

    def submit(*args):
        submitted.append(real_submit(*args))
        return submitted[-1]
    executor.submit = submit
    records = {}
    assert run_batch(plan, executor, records, StopAtFirst(), worker=process_clip,
                     worker_writes_cache=False) == signal.SIGINT
    assert len(records) == 1 and len(submitted) == 3
    # the clip the other worker ran may finish before the cancel reaches the scheduler; the third
    # clip waits behind the two workers, so at least it is cancelled, and nothing unfinished runs on
    finished = [f for f in submitted if f.done() and not f.cancelled()]
    assert 1 <= len(finished) <= 2 and all(f.cancelled() for f in submitted if f not in finished)
    assert _cache_names(tmp_path / "out") == {records[next(iter(records))].key + ".json"}


def test_dask_worker_without_the_model_fails_fast(client, tmp_path):
    from hingecheck.scoring.daskrun import _check_workers_see
    with pytest.raises(HingecheckError, match="cannot see the model"):
        _check_workers_see(client, str(tmp_path / "nowhere.task"))


def test_dask_missing_is_one_line_error(tmp_path, monkeypatch):
    from hingecheck.scoring.daskrun import DASK_MISSING, _connect
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(HingecheckError) as err:
        _connect("local", 2)
    assert str(err.value) == DASK_MISSING == "the dask extra is not installed: pip install 'hingecheck[dask]'"


def test_dask_bad_target_is_one_line_error():
    _require_dask()
    from hingecheck.scoring.daskrun import _connect
    with pytest.raises(HingecheckError, match="scheduler address"):
        _connect(42, None)
