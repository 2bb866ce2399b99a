"""End-to-end tests on the real labelled clips (``$HINGECHECK_CLIPS``).

Landmarks are extracted once per session with the default (full) model and
the rules run on them; one test also runs the whole ``analyze`` command.
Nothing extracted from the clips is written outside pytest's tmp dirs.
"""

from __future__ import annotations

import csv
import json

import pytest

from assets import require_clips, require_model_dir

pytestmark = pytest.mark.clips

MODEL = "pose_landmarker_full.task"


def _labels() -> dict[str, dict]:
    folder = require_clips()
    with open(folder / "labels.csv", newline="") as fh:
        return {row["clip"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="session")
def labels():
    return _labels()


@pytest.fixture(scope="session")
def analyses(labels):
    """clip name -> Analysis, with the full model and the exercise's profile."""
    from hingecheck.analysis import analyze_pose
    from hingecheck.config import load_config
    from hingecheck.pipeline import check_complete, extract_pose

    folder = require_clips()
    model = require_model_dir(MODEL) / MODEL
    cfg = load_config()
    out = {}
    for clip, row in labels.items():
        run = extract_pose(folder / clip, model, progress=False)
        check_complete(run, clip)
        out[clip] = analyze_pose(run.pose, row["exercise"], cfg.for_exercise(row["exercise"]))
    return out


def _share(analysis, fault: str) -> float:
    whole = [r for r in analysis.reps if r.rep.complete and r.judged]
    return sum(fault in r.faults for r in whole) / max(len(whole), 1)


def test_rep_counts_exact_on_every_multi_rep_clip(labels, analyses):
    wrong = {}
    for clip, row in labels.items():
        if row["reps"] and int(row["reps"]) > 1:
            found = analyses[clip].rep_count
            if found != int(row["reps"]):
                wrong[clip] = (int(row["reps"]), found)
    assert not wrong, f"(labelled, found) rep counts: {wrong}"


def test_single_rep_clips_counted(labels, analyses):
    for clip, row in labels.items():
        if row["reps"] == "1":
            assert analyses[clip].rep_count == 1, clip


def test_good_side_view_kettlebell_deadlift_has_no_fault(analyses):
    a = analyses["clip01.mp4"]
    flagged = {r.rep.index: r.faults for r in a.reps if r.rep.complete and r.findings}
    assert a.view == "side"
    assert not flagged, f"false faults on the good clip: {flagged}"


def test_squatting_found_on_most_reps(analyses):
    a = analyses["clip02.mp4"]
    assert _share(a, "squatting") > 0.5
    assert "squatting" in a.clip_faults()


def test_rounded_back_found_on_most_reps(analyses):
    a = analyses["clip03.mp4"]
    assert _share(a, "rounded_back") > 0.5
    assert "rounded_back" in a.clip_faults()


def test_hips_rise_first_found_on_most_reps(analyses):
    assert "hips_rise_first" in analyses["clip04.mp4"].clip_faults()


@pytest.mark.parametrize("clip,expected", [("clip05.mp4", set()), ("clip06.mp4", {"squatting"})])
def test_oblique_view_counted_and_judged_right_or_marked(labels, analyses, clip, expected):
    a = analyses[clip]
    assert a.rep_count == int(labels[clip]["reps"])
    assert a.view in ("oblique", "front")
    found = set(a.clip_faults())
    assert found <= expected, f"{clip}: wrong faults {found - expected}"
    whole = [r for r in a.reps if r.rep.complete]
    for fault in expected - found:  # not found: then it must be marked as not judgeable
        assert all(not r.judged or fault in r.cant_judge for r in whole), f"{clip}: {fault} missed"


def test_clip_verdicts_never_contradict_a_clean_label_on_side_view(labels, analyses):
    for clip, row in labels.items():
        if row["view"] == "side" and row["faults"] == "none":
            optional = set(filter(None, row["optional_faults"].split(";")))
            extra = set(analyses[clip].clip_faults()) - optional
            assert not extra, f"{clip}: {extra}"


def test_analyze_command_end_to_end(tmp_path, monkeypatch, capsys):
    from hingecheck.cli import main

    folder = require_clips()
    model_dir = require_model_dir("pose_landmarker_lite.task")
    monkeypatch.setenv("HINGECHECK_MODEL_DIR", str(model_dir))
    out_json, out_video = tmp_path / "r.json", tmp_path / "r.mp4"
    rc = main(["analyze", str(folder / "clip02.mp4"), "--exercise", "kettlebell_deadlift", "--model", "lite",
               "--json", str(out_json), "--video", str(out_video), "--quiet"])
    assert rc == 0
    report = json.loads(out_json.read_text())
    assert report["summary"]["reps"] == 10
    assert "squatting" in report["summary"]["clip_faults"]
    rep = next(r for r in report["reps"] if r["complete"] and r["faults"])
    f = rep["faults"][0]
    assert f["cue"] and f["drill"] and f["evidence"] and f["frames"][0] <= f["frames"][1]
    import cv2
    cap = cv2.VideoCapture(str(out_video))
    assert cap.isOpened() and int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == report["frames"]
    cap.release()
    text = capsys.readouterr().out
    assert "squatting" in text and "drill" in text
    assert not list(tmp_path.glob(".*tmp*")), "temporary files left behind"
