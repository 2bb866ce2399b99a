"""One engine, end to end: ``hingecheck live --source`` says of a sample video what
``hingecheck analyze`` says.

Paced at real time, live keeps only the newest frame, so under load it
analyses fewer frames than ``analyze``; unpaced (``--as-fast-as-possible``)
a file hands every frame over, so the set's report is compared whole: the
same frames, reps with their frame indices, verdicts, summary, view, tilt
and calibration.
"""

from __future__ import annotations

import json

from assets import REPO_ROOT, require_model_dir

LITE = "pose_landmarker_lite.task"


def test_live_source_json_equals_analyze_json(tmp_path):
    from hingecheck.apps.cli import main

    video = REPO_ROOT / "sample_videos" / "squatting.mp4"
    model = str(require_model_dir(LITE) / LITE)
    assert main(["live", "--source", str(video), "--exercise", "rdl", "--model", model, "--no-window", "--mute",
                 "--as-fast-as-possible", "--json", str(tmp_path / "live.json")]) == 0
    assert main(["analyze", str(video), "--exercise", "rdl", "--model", model, "--quiet",
                 "--json", str(tmp_path / "analyze.json")]) == 0
    live = json.loads((tmp_path / "live.json").read_text())
    offline = json.loads((tmp_path / "analyze.json").read_text())
    assert live["live"]["frames_dropped"] == 0 and live["live"]["frames_processed"] == offline["frames"]
    assert live["live"]["reps_revised_after_set"] == []
    assert offline["summary"]["reps"] == 4
    # the whole report, but what only one of them measures (analyze's rate and timing, live's loop)
    only_analyze = {"analysis_rate", "timing"}
    assert {k: v for k, v in live.items() if k != "live"} == {k: v for k, v in offline.items()
                                                               if k not in only_analyze}
