"""A Dask worker killed (SIGKILL) in the middle of a clip, on a real LocalCluster:
a worker lost once costs nothing (Dask reruns the clip on another worker); a clip that
kills every worker it lands on is recorded as failed with the reason, the other clips
are scored, and every output is whole."""

from __future__ import annotations

import importlib.util
import os
import signal
from pathlib import Path

import pytest
from assets import _missing, require_model_dir
from iofaults import tiny_clip
from killkit import broken_outputs

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # the test skips below
    WorkerPlugin = object


class KillMidClip(WorkerPlugin):
    """On every worker (restarted ones too): a clip whose name holds ``always`` SIGKILLs its
    worker at its 10th analysed frame (the pose model running); one holding ``once`` does so
    the first time only (``marker`` remembers it)."""

    name = "kill-mid-clip"
    KILL_AT_FRAME = 10

    def __init__(self, marker: str):
        self.marker = marker

    def setup(self, worker):
        import hingecheck.scoring.clipworker as batch  # the worker score_on_dask submits, looked up by name here
        from hingecheck.io.pose import PoseEstimator
        real_clip = getattr(batch.process_clip, "__wrapped__", batch.process_clip)
        real_detect = getattr(PoseEstimator.detect, "__wrapped__", PoseEstimator.detect)
        marker, doomed = Path(self.marker), {"frames": -1}

        def killing_clip(path, *args):
            name = Path(path).name
            first = "once" in name and not marker.exists()
            if first:
                marker.write_text("killed")
            doomed["frames"] = 0 if first or "always" in name else -1
            return real_clip(path, *args)

        def killing_detect(est, *args, **kwargs):
            if doomed["frames"] >= 0:
                doomed["frames"] += 1
                if doomed["frames"] == self.KILL_AT_FRAME:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real_detect(est, *args, **kwargs)

        killing_clip.__wrapped__, killing_detect.__wrapped__ = real_clip, real_detect
        batch.process_clip = killing_clip
        PoseEstimator.detect = killing_detect


@pytest.mark.slow
@pytest.mark.model
def test_dask_worker_killed_mid_clip(tmp_path):
    if importlib.util.find_spec("distributed") is None:
        _missing("dask is not installed: pip install 'hingecheck[dask]'")
    import dask
    import distributed

    from hingecheck.scoring.daskrun import score_on_dask
    from hingecheck.scoring.labels import find_videos

    model = require_model_dir("pose_landmarker_lite.task") / "pose_landmarker_lite.task"
    clips = tmp_path / "clips"
    clips.mkdir()
    for name, frames in (("a_once.mp4", 60), ("b_always.mp4", 75), ("c.mp4", 45)):
        tiny_clip(clips / name, frames=frames)
    # one task on a worker at a time (none queued behind it, which its death would also count
    # against); a task whose worker died twice is given up
    with dask.config.set({"distributed.scheduler.allowed-failures": 1,
                          "distributed.scheduler.worker-saturation": 1.0}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
        try:
            with distributed.Client(cluster) as client:
                client.register_plugin(KillMidClip(str(tmp_path / "killed-once")))
                doc = score_on_dask(find_videos(clips, "hip_hinge"), tmp_path / "out", client_or_address=client,
                                    model=str(model), progress=False, labelled=False, source=str(clips))
        finally:
            cluster.close()
    by = {Path(c["clip"]).name: c for c in doc["clips"]}
    assert (tmp_path / "killed-once").exists(), "the first worker was never killed"
    assert by["a_once.mp4"].get("result") and not by["a_once.mp4"].get("error"), by["a_once.mp4"]
    assert by["c.mp4"].get("result") and not by["c.mp4"].get("error"), by["c.mp4"]
    err = by["b_always.mp4"].get("error") or ""
    assert "worker" in err.lower(), by["b_always.mp4"]
    assert doc["clips_failed"] == 1
    assert broken_outputs(tmp_path / "out") == []
    print(f"\nthe clip that kills every worker: {err}")
