"""``live --source URL``: a phone camera app's stream over the network (127.0.0.1 here)."""

from __future__ import annotations

import json

import pytest
from assets import REPO_ROOT, require_model_dir
from mjpeg import MjpegServer, clip_jpegs, free_port
from clikit import assert_one_line_error, run_cli

LITE = "pose_landmarker_lite.task"
SAMPLE = REPO_ROOT / "sample_videos" / "good_rdl.mp4"


@pytest.mark.network
@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}/video", "rtsp://127.0.0.1:{port}/live"])
def test_unreachable_phone_is_a_one_line_error(tmp_path, url):
    url = url.format(port=free_port())
    p = run_cli("live", "--source", url, "--no-window", "--model", "lite", cwd=tmp_path,
                env_extra={"HINGECHECK_MODEL_DIR": str(require_model_dir(LITE))})
    assert_one_line_error(p, "cannot connect to", url, "same network")


@pytest.mark.network
@pytest.mark.model
def test_a_dropped_stream_reconnects_and_the_set_goes_on():
    """The Wi-Fi drops between rep 2 and rep 3: the stream is reopened and the
    count goes on from the reps already done, to the clip's four."""
    from hingecheck.apps.live import FrameSource, run_live
    from hingecheck.core.config import load_config

    model = require_model_dir(LITE) / LITE
    truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text())
    jpegs = clip_jpegs(SAMPLE, step=2)                       # 15 frames/s, at real time
    gap = (truth["reps"][1]["end"] + truth["reps"][2]["start"]) // 2 // 2
    events: list[tuple[str, object]] = []
    with MjpegServer(jpegs, fps=15, drop_after=gap) as server:
        source = FrameSource(source=server.url, on_event=lambda m: events.append(("event", m)),
                             reconnect_waits=(0.2, 0.4, 0.8))
        result = run_live(source, model, truth["exercise"], load_config().for_exercise(truth["exercise"]),
                          window=False, on_rep=lambda v: events.append(("rep", v.rep.index)))
        assert server.dropped.is_set() and server.connections == 2
    assert result.reconnects == 1 and result.stats()["reconnects"] == 1
    reps = [x for kind, x in events if kind == "rep"]
    assert reps == [1, 2, 3, 4] and result.analysis.rep_count == len(truth["reps"])
    first_drop = next(i for i, (kind, x) in enumerate(events) if kind == "event" and "dropped" in x)
    assert ("rep", 1) in events[:first_drop]                 # counted before the drop, kept after it
    assert "reconnected" in events[first_drop + 1][1]
    # the clip over, the app stops serving: bounded retries, then a clear message
    assert result.source_error and "reconnects" in result.source_error


@pytest.mark.network
@pytest.mark.model
def test_rtsp_phone_stream_survives_a_server_restart():
    """An RTSP camera app is stopped after rep 1 and started again: the stream
    is reopened and the next rep is counted as rep 2."""
    import threading

    from rtsp import RtspServer, require_rtsp_server

    from hingecheck.apps.live import FrameSource, run_live
    from hingecheck.core.config import load_config

    require_rtsp_server()
    model = require_model_dir(LITE) / LITE
    server = RtspServer(SAMPLE, free_port()).start()
    stop = threading.Event()
    reps: list[int] = []
    events: list[str] = []

    def on_rep(v):
        reps.append(v.rep.index)
        if len(reps) == 1:           # the app restarts: the connection drops, the port answers again
            server.stop()
            server.start()
        elif len(reps) == 2:
            stop.set()

    try:
        source = FrameSource(source=server.url, on_event=events.append, reconnect_waits=(0.2, 0.5, 1.0, 2.0))
        result = run_live(source, model, "rdl", load_config().for_exercise("rdl"), window=False,
                          on_rep=on_rep, stop=stop, max_seconds=120)
    finally:
        server.stop()
    assert reps == [1, 2]                       # rep 2 cued as rep 2 after the reconnection
    # the set's report analyses every frame the loop took in before it stopped: with the
    # machine busy, frames already queued when rep 2 was cued can hold the sample's next rep
    # too, so the report counts 2 or 3. The restarted server plays the sample again from its
    # start, so the frames after the gap jump back in the clip: the set's report may then read
    # rep 1's lockout across that jump and judge it otherwise than the live cue did (seen once
    # in four runs: live "can't judge", the set "incomplete lockout"). That is named as a
    # revision of rep 1, never of the rep cued after the reconnection, and no rep is lost.
    assert result.analysis.rep_count in (2, 3)
    assert all(r.index == 1 and r.live is not None and r.final is not None for r in result.revisions), \
        result.revisions
    assert result.reconnects >= 1 and any("reconnected" in e for e in events)
