"""The ``score`` report page: misses first, a summary table, a row per clip, faults in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hingecheck.outputs.records import ClipRecord, ClipResult, RepRecord
from hingecheck.outputs.scorereport import build_report, clip_page, clip_page_name
from hingecheck.scoring.labels import ClipJob
from hingecheck.scoring.metrics import Label, compute_metrics, parse_fault_list
from hingecheck.scoring.results import prediction


def _job(clip, faults, optional="", view="side", reps=4):
    f, any_ = parse_fault_list(faults)
    opt, _ = parse_fault_list(optional, allow_special=False)
    return ClipJob(clip, Path(clip), "rdl", Label(clip, "rdl", view, reps, f, any_, opt))


def _rec(faults, reps=4, error=None):
    if error:
        return ClipRecord("x.mp4", "rdl", error=error)
    rep = RepRecord(index=1, complete=True, t_start=0.0, t_end=2.0, faults=list(faults), cant_judge={})
    return ClipRecord("x.mp4", "rdl", result=ClipResult(rep_count=reps, reps_found=1, judged_reps=1, cant_judge=False,
                                                        clip_faults=list(faults), view="side", reps=[rep]))


def build(cases):
    jobs = [_job(*c[0]) for c in cases]
    records = {i: _rec(*c[1]) for i, c in enumerate(cases)}
    preds = {j.clip: prediction(j, records[i]) for i, j in enumerate(jobs)}
    metrics = compute_metrics(preds, [j.label for j in jobs])
    return build_report(jobs, records, metrics, "labels.csv", "lite", lambda i: None)


def test_misses_are_listed_first_in_red_with_faults_in_words():
    page = build([
        (("good.mp4", "none"), ((),)),                                   # agrees
        (("round.mp4", "rounded_back"), (("rounded_back",),)),          # agrees
        (("missed.mp4", "squatting"), ((),)),                            # missed
        (("extra.mp4", "none"), (("dropped_head",),)),                   # flagged, not labelled
        (("optional.mp4", "rounded_back", "dropped_head"), (("rounded_back", "dropped_head"),)),  # agrees
        (("broken.mp4", "none", "", "oblique"), ((), 4, "clip file not found: broken.mp4")),  # failed
        (("reps.mp4", "none", "", "side", 4), ((), 1)),                  # rep count off: not a fault miss
    ])
    misses = page.index("id='misses'")
    assert misses < page.index("<h2>Summary</h2>") < page.index("<h2>Clips</h2>")
    section = page[misses:page.index("</section>", misses)]
    assert "3 misses" in section
    assert re.findall(r"<li><a href='#row-(\d+)'>([^<]+)</a>", section) == [
        ("2", "missed.mp4"), ("3", "extra.mp4"), ("5", "broken.mp4")]
    assert "missed Squatting the hinge" in section and "flagged Dropped head (not in the label)" in section
    rows = dict(re.findall(r"<tr id='row-(\d+)'( class='miss')?>", page))
    assert rows == {"0": "", "1": "", "2": " class='miss'", "3": " class='miss'", "4": "", "5": " class='miss'",
                    "6": ""}
    # the summary: per fault in words, per view
    summary = page[page.index("<h2>Summary</h2>"):page.index("<h2>Clips</h2>")]
    assert "<td>Rounded back</td>" in summary and "rounded_back" not in summary
    assert "<h3>Per view</h3>" in summary and "<td>oblique</td>" in summary
    # each row links to its clip's own page: label against verdict, the cue, the reps
    links = re.findall(r"<tr id='row-\d+'[^>]*><td></td><td><a href='([^']+)'>", page)
    assert len(links) == 7 and len(set(links)) == 7 and all(x.startswith("clips/") for x in links)
    job, rec = _job("missed.mp4", "squatting"), _rec(())
    assert links[2] == clip_page_name(job)
    detail = clip_page(job, rec, None)
    assert "label: Squatting the hinge" in detail and "missed Squatting the hinge" in detail
    assert "1 whole rep, 1 movement" not in detail and "4 whole reps, 1 movement" in detail
    shown = clip_page(_job("round.mp4", "rounded_back"), _rec(("rounded_back",), 1), None)
    assert "1 whole rep, 1 movement" in shown and "Cue:" in shown and "agrees with the label" in shown


def test_no_misses_says_so():
    page = build([(("good.mp4", "none"), ((),))])
    assert "No misses" in page and "class='miss'" not in page


#: the shortest clips of labels.csv (under 3 s each), enough to score for real in seconds
SHORT = ("clip08.mp4", "clip10.mp4", "clip11.mp4", "clip12.mp4")


@pytest.mark.clips
@pytest.mark.model
def test_score_report_on_labelled_clips_lists_its_misses_first(tmp_path, capsys):
    """``score`` on the short clips of labels.csv (lite model): the page's misses are exactly the
    clips whose verdict disagrees with the label, listed before the summary."""
    import csv

    from assets import require_clips, require_model_dir
    from scorekit import check_misses_on_top

    from hingecheck.apps.cli import main
    folder, models = require_clips(), require_model_dir("pose_landmarker_lite.task")
    with open(folder / "labels.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["clip"] in SHORT]
    labels = tmp_path / "labels.csv"
    with open(labels, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows({**r, "clip": str(folder / r["clip"])} for r in rows)
    out = tmp_path / "scores"
    assert main(["score", str(labels), "--out", str(out), "--workers", "2", "--quiet",
                 "--model", str(models / "pose_landmarker_lite.task")]) == 0
    capsys.readouterr()
    check_misses_on_top(out, {str(folder / r["clip"]): r for r in rows})
    page = (out / "report.html").read_text(encoding="utf-8")
    links = re.findall(r"<tr id='row-\d+'[^>]*><td>.*?</td><td><a href='([^']+)'>", page)
    assert len(links) == len(rows) and all((out / x).is_file() for x in links)
