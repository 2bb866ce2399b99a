"""One engine, end to end: ``hingecheck live --source`` says of a sample video what
``hingecheck analyze`` says.

Live paces the file at real time and keeps only the newest frame, so under
load it analyses fewer frames than ``analyze`` (``frames_dropped``): frame
indices and the calibration (the first frames go while the model warms up)
are not compared; reps, verdicts, the summary and the view are.
"""

from __future__ import annotations

import json

from assets import REPO_ROOT, require_model_dir

LITE = "pose_landmarker_lite.task"


def said(rep: dict) -> tuple:
    """What a rep's verdict says, without its frame indices."""
    return rep["index"], rep["complete"], rep["judged"], [f["fault"] for f in rep["faults"]], sorted(rep["cant_judge"])


def test_live_source_json_equals_analyze_json(tmp_path):
    from hingecheck.apps.cli import main

    video = REPO_ROOT / "sample_videos" / "squatting.mp4"
    model = str(require_model_dir(LITE) / LITE)
    assert main(["live", "--source", str(video), "--exercise", "rdl", "--model", model, "--no-window", "--mute",
                 "--json", str(tmp_path / "live.json")]) == 0
    assert main(["analyze", str(video), "--exercise", "rdl", "--model", model, "--quiet",
                 "--json", str(tmp_path / "analyze.json")]) == 0
    live = json.loads((tmp_path / "live.json").read_text())
    offline = json.loads((tmp_path / "analyze.json").read_text())
    assert live["live"]["frames_processed"] > 0.5 * offline["frames"]
    assert [said(r) for r in live["reps"]] == [said(r) for r in offline["reps"]]
    assert live["summary"] == offline["summary"] and offline["summary"]["reps"] == 4
    assert (live["view"], live["side"], live["facing"]) == (offline["view"], offline["side"], offline["facing"])
    assert abs(live["camera_tilt_deg"] - offline["camera_tilt_deg"]) <= 0.5
