"""ClipRecord: a clip's batch record, typed, read from and written to the cache's JSON unchanged."""

from __future__ import annotations

import json

import pytest
from synthetic import make_hinge

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import load_config
from hingecheck.outputs.records import RECORD_FORMAT, ClipRecord, ClipResult, RecordError
from hingecheck.outputs.serialize import json_safe, result_record


@pytest.fixture(scope="module")
def result_json() -> dict:
    """What a worker keeps of a synthetic set with a fault, as JSON."""
    pose, _ = make_hinge(n_reps=3, fault="squatting", pause_s=1.2)
    analysis = analyze_pose(pose, "hip_hinge", load_config().for_exercise("hip_hinge"))
    return json.loads(json.dumps(json_safe(result_record(analysis))))


def test_a_result_reads_back_to_the_same_json(result_json):
    assert result_json["clip_faults"] == ["squatting"] and all(r["fault_spans"] for r in result_json["reps"])
    result = ClipResult.from_json(result_json)
    assert result.reps[0].fault_spans[0].fault == "squatting" and result.signals is not None and len(result.signals.t) > 5
    assert result.to_json() == result_json
    assert list(result.to_json()) == list(result_json)  # the same key order too
    assert "signals" not in result.to_json(signals=False)


def test_cache_entries_read_back_unchanged(result_json):
    entry = {"format": RECORD_FORMAT, "clip": "a.mp4", "exercise": "hip_hinge", "key": "k" * 64,
             "result": result_json, "timing": {"total_s": 1.5}}
    rec = ClipRecord.from_entry(entry)
    assert not rec.failed and rec.result.clip_faults == result_json["clip_faults"]
    assert rec.to_entry() == entry
    failure = {"format": RECORD_FORMAT, "clip": "b.mp4", "exercise": "rdl", "key": "j" * 64, "failed": True,
               "error": "no person in the video"}
    assert ClipRecord.from_entry(failure).error == "no person in the video"
    assert ClipRecord.from_entry(failure).to_entry() == failure


def test_scores_entry_is_what_scores_json_lists(result_json):
    rec = ClipRecord("a.mp4", "hip_hinge", result=ClipResult.from_json(result_json), timing={"total_s": 1.5})
    rec = rec.settled(path="/clips/a.mp4", key="k", cached=True)
    entry = rec.scores_entry()
    assert list(entry) == ["clip", "path", "exercise", "key", "cached", "timing", "error", "result"]
    assert entry["error"] is None and entry["cached"] is True and "signals" not in entry["result"]
    failed = ClipRecord("b.mp4", "rdl", path="b.mp4", error="clip file not found: b.mp4").scores_entry()
    assert failed == {"clip": "b.mp4", "path": "b.mp4", "exercise": "rdl", "cached": False,
                      "error": "clip file not found: b.mp4"}


def test_another_format_or_shape_is_a_one_line_error(result_json):
    with pytest.raises(RecordError, match=r"^cache entry of format 0; this version reads format 1") as err:
        ClipRecord.from_entry({"format": 0, "result": result_json})
    assert "\n" not in str(err.value)
    broken = {**result_json, "reps": [{**result_json["reps"][0], "t_start": "soon"}]}
    with pytest.raises(RecordError, match="'t_start' missing or not"):
        ClipRecord.from_entry({"format": RECORD_FORMAT, "result": broken})
    with pytest.raises(RecordError, match="'rep_count'"):
        ClipResult.from_json({**result_json, "rep_count": True})  # a bool is not a count


def test_an_older_result_without_spans_or_signals_is_read(result_json):
    old = {k: v for k, v in result_json.items() if k != "signals"}
    old["reps"] = [{k: v for k, v in r.items() if k not in ("fault_spans", "judged")} for r in old["reps"]]
    result = ClipResult.from_json(old)
    assert result.signals is None and all(r.judged and r.fault_spans == [] for r in result.reps)
