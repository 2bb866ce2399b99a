"""Every JSON report says which thresholds judged it (issue 17: reports say what produced them)."""

from __future__ import annotations

import json

from assets import REPO_ROOT, require_model_dir
from iofaults import tiny_clip

from hingecheck.core.config import Config, Thresholds
from hingecheck.outputs.serialize import thresholds_block


def test_thresholds_block_is_the_config_and_a_hash_of_it():
    a = thresholds_block(Thresholds())
    b = thresholds_block(Thresholds().replace(dropped_head_deg=30.0))
    assert a["thresholds"]["dropped_head_deg"] == 25.0 and b["thresholds"]["dropped_head_deg"] == 30.0
    assert a["thresholds_sha256"] != b["thresholds_sha256"]
    assert a == thresholds_block(Config().default)            # the same thresholds, the same hash
    assert len(a["thresholds_sha256"]) == 64


def test_analyze_report_carries_the_effective_thresholds(tmp_path, monkeypatch):
    from hingecheck.apps.cli import main

    monkeypatch.setenv("HINGECHECK_MODEL_DIR", str(require_model_dir("pose_landmarker_lite.task")))
    # the thresholds block does not depend on the clip: a tiny one (good_rdl's first 45 frames, 320x240)
    video = tiny_clip(tmp_path / "good_rdl_tiny.mp4", frames=45, source=REPO_ROOT / "sample_videos" / "good_rdl.mp4")
    cfg = tmp_path / "mine.toml"
    cfg.write_text("[profiles.rdl]\ndropped_head_deg = 31\n")
    out = tmp_path / "r.json"
    rc = main(["analyze", str(video), "--exercise", "rdl", "--model", "lite",
               "--config", str(cfg), "--json", str(out), "--no-video", "--no-html", "--no-history", "--quiet"])
    assert rc == 0
    doc = json.loads(out.read_text())
    want = thresholds_block(Config().for_exercise("rdl").replace(dropped_head_deg=31.0))
    assert doc["thresholds"] == want["thresholds"]
    assert doc["thresholds_sha256"] == want["thresholds_sha256"]
