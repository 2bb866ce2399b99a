"""``hingecheck review DIR``: the clips it finds, their exercise and athlete, and the index page."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from assets import REPO_ROOT, require_model_dir

from hingecheck.apps.cli import main
from hingecheck.core.errors import HingecheckError
from hingecheck.outputs import history
from hingecheck.scoring.reviewjobs import exercise_from_name, review_jobs

SAMPLES = REPO_ROOT / "sample_videos"
MODEL = "pose_landmarker_lite.task"


def test_exercise_from_the_file_name():
    assert exercise_from_name("anna_rdl_1") == "rdl"
    assert exercise_from_name("Ben Single-Leg RDL") == "single_leg_rdl"
    assert exercise_from_name("kb-swing-heavy") == "kettlebell_swing"
    assert exercise_from_name("KB_deadlift") == "kettlebell_deadlift"
    assert exercise_from_name("monday good morning") == "good_morning"
    assert exercise_from_name("IMG_0042") is None


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not decoded here")
    return path


def test_jobs_from_manifests_names_and_default(tmp_path):
    for name in ("anna/anna_rdl_1.mp4", "anna/IMG_1.mov", "anna/IMG_1.annotated.mp4", "ben/x.mp4", "cara/swings/a.mp4",
                 "ben/.hidden.mp4", "out/clips/y.mp4", "notes.txt"):
        _touch(tmp_path / name)
    (tmp_path / "ben" / "hingecheck.toml").write_text(
        'athlete = "Ben"\nexercise = "good_morning"\n[clips."x.mp4"]\nexercise = "deadlift"\n')
    jobs = {j.clip: j for j in review_jobs(tmp_path, default_exercise="rdl", athlete="Anna", skip=tmp_path / "out")}
    assert sorted(jobs) == ["anna/IMG_1.mov", "anna/anna_rdl_1.mp4", "ben/x.mp4", "cara/swings/a.mp4"]
    assert (jobs["cara/swings/a.mp4"].exercise, jobs["cara/swings/a.mp4"].exercise_from) == (
        "kettlebell_swing", "folder name")
    assert (jobs["anna/anna_rdl_1.mp4"].exercise, jobs["anna/anna_rdl_1.mp4"].exercise_from) == ("rdl", "file name")
    assert (jobs["anna/IMG_1.mov"].exercise, jobs["anna/IMG_1.mov"].exercise_from) == ("rdl", "default")
    (tmp_path / "anna" / "hingecheck.csv").write_text("clip,exercise,athlete\nIMG_1.mov,single_leg_rdl,\n")
    (j,) = [j for j in review_jobs(tmp_path, athlete="Anna") if j.clip == "anna/IMG_1.mov"]
    assert (j.exercise, j.exercise_from, j.athlete) == ("single_leg_rdl", "manifest", "Anna")
    assert (jobs["ben/x.mp4"].exercise, jobs["ben/x.mp4"].exercise_from) == ("deadlift", "manifest")
    assert [jobs[c].athlete for c in sorted(jobs)] == ["Anna", "Anna", "Ben", "Anna"]


def test_score_folder_skips_annotated_videos(tmp_path):
    from hingecheck.scoring.labels import find_videos
    for name in ("a.mp4", "a.annotated.mp4", "b.MOV"):
        _touch(tmp_path / name)
    assert [j.clip for j in find_videos(tmp_path)] == ["a.mp4", "b.MOV"]


def test_bad_manifest_and_empty_folder_are_one_line_errors(tmp_path, capsys):
    _touch(tmp_path / "a.mp4")
    (tmp_path / "hingecheck.toml").write_text('exercise = "squat"\n')
    with pytest.raises(HingecheckError, match="unknown exercise 'squat'"):
        review_jobs(tmp_path)
    (tmp_path / "hingecheck.toml").unlink()
    (tmp_path / "hingecheck.csv").write_text("file,exercise\na.mp4,rdl\n")
    with pytest.raises(HingecheckError, match="expected a header clip,exercise,athlete"):
        review_jobs(tmp_path)
    (tmp_path / "hingecheck.csv").unlink()
    (tmp_path / "hingecheck.toml").write_text('athlete = [\n')
    assert main(["review", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "manifest" in err and "hingecheck.toml" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["review", str(empty)]) == 2
    assert "no video files" in capsys.readouterr().err
    assert main(["review", str(tmp_path / "a.mp4")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a folder" in err


# ------------------------------------------------------------------- end to end

#: the folder a coach would have: (file, sample it is rendered from, exercise, athlete, state)
#: the states are the samples' rendered truth (rounded_back and squatting are dialled in)
CLIPS = [
    ("anna/anna_hinge_1.mp4", "rounded_back", "hip_hinge", "Anna", "faults"),
    ("anna/anna_good_morning.mp4", "good_morning", "good_morning", "Anna", "clean"),
    ("ben/ben_swing.mp4", "good_kettlebell_deadlift", "kettlebell_swing", "Ben", "clean"),
]
NEW_CLIP = ("ben/ben_hinge_2.mp4", "squatting", "hip_hinge", "Ben", "faults")

#: run in the page once loaded: filter to Ben, then sort by clip name descending; results on <body>
PAGE_PROBE = """<script>window.addEventListener('load',function(){
  var rows=function(){return [].slice.call(document.querySelectorAll('tr.clip'));};
  var imgs=[].slice.call(document.images);
  document.body.setAttribute('data-images-ok',imgs.filter(function(i){return i.complete&&i.naturalWidth>0}).length);
  var sel=document.getElementById('f-athlete');sel.value='Ben';sel.dispatchEvent(new Event('input'));
  document.body.setAttribute('data-ben',rows().filter(function(r){return !r.hidden}).length);
  sel.value='';sel.dispatchEvent(new Event('input'));
  var th=document.querySelectorAll('#clips th')[1];th.click();th.click();
  document.body.setAttribute('data-order',rows().map(function(r){return r.getAttribute('data-clip')}).join('|'));
});</script>"""


def _place(folder: Path, clip: tuple) -> None:
    dest = folder / clip[0]
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLES / f"{clip[1]}.mp4", dest)


def _review(folder: Path, model_dir: Path, capsys, *extra: str) -> tuple[int, str]:
    rc = main(["review", str(folder), *extra, "--model", str(model_dir / MODEL), "--workers", "2", "--no-video"])
    return rc, capsys.readouterr().out


def _rows(dom: str) -> dict[str, dict]:
    rows = {}
    for m in re.finditer(r"<tr class=\"clip\"([^>]*)>(.*?)</tr>", dom, re.S):
        attrs = dict(re.findall(r'data-(\w+)="([^"]*)"', m.group(1)))
        links = re.findall(r'(?:href|src)="([^"]+)"', m.group(2))
        rows[attrs["clip"]] = {**attrs, "links": links, "html": m.group(2)}
    return rows


@pytest.mark.slow
@pytest.mark.model
def test_review_a_folder_twice_and_read_its_index(tmp_path, monkeypatch, capsys):
    from browser import _run, require_chromium, screenshot
    model_dir = require_model_dir(MODEL)
    require_chromium()
    monkeypatch.setenv("HINGECHECK_HOME", str(tmp_path / "home"))
    folder = tmp_path / "clients"
    for clip in CLIPS:
        _place(folder, clip)
    (folder / "ben" / "hingecheck.toml").write_text('athlete = "Ben"\n')
    shutil.copyfile(SAMPLES / "good_hinge.mp4", folder / "anna" / "anna_hinge_1.annotated.mp4")  # an own output

    rc, out = _review(folder, model_dir, capsys, "--athlete", "Anna")
    assert rc == 0, out
    assert "3 clips (0 from cache, 0 failed)" in out
    index = folder / "hingecheck-review" / "index.html"
    shutil.copyfile(SAMPLES / "good_hinge.mp4", index.parent / "clips" / "stray.mp4")  # inside OUT: never a clip

    _place(folder, NEW_CLIP)
    rc, out = _review(folder, model_dir, capsys)  # --athlete Anna is remembered
    assert rc == 0, out
    assert "4 clips (3 from cache, 0 failed)" in out
    doc = json.loads((index.parent / "review.json").read_text())
    assert {c["clip"]: c["cached"] for c in doc["clips"]} == {**{c[0]: True for c in CLIPS}, NEW_CLIP[0]: False}

    # the history: one session per clip run (none again from the cache), with its athlete
    sessions = history.load_sessions(history.history_path())
    assert sorted((Path(s["source"]).name, s["athlete"], s["exercise"]) for s in sessions) == sorted(
        (Path(c[0]).name, c[3], c[2]) for c in [*CLIPS, NEW_CLIP])

    probe = index.with_name("index.probe.html")
    page = index.read_text(encoding="utf-8")
    probe.write_text(page.replace("</body>", PAGE_PROBE + "</body>"), encoding="utf-8")
    p = _run(["--dump-dom", probe.resolve().as_uri()])
    assert p.returncode == 0, p.stderr[-2000:]
    dom = p.stdout
    rows = _rows(dom)
    assert sorted(rows) == sorted(c[0] for c in [*CLIPS, NEW_CLIP])  # one row a clip, no own output
    for clip, _sample, exercise, athlete, state in [*CLIPS, NEW_CLIP]:
        row = rows[clip]
        assert (row["exercise"], row["athlete"], row["state"]) == (exercise, athlete, state), clip
        assert row["links"], clip
        for link in row["links"]:
            assert (index.parent / link).is_file(), (clip, link)
        report = [x for x in row["links"] if x.endswith(".hingecheck.html")]
        assert len(report) == 1 and Path(clip).name in (index.parent / report[0]).read_text(encoding="utf-8")
    assert "Rounded back" in rows["anna/anna_hinge_1.mp4"]["html"]
    assert "Squatting the hinge" in rows[NEW_CLIP[0]]["html"]
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert 'data-images-ok="4"' in body  # each row's worst-rep still decodes
    assert 'data-ben="2"' in body  # the athlete filter
    assert f'data-order="{"|".join(sorted(rows, reverse=True))}"' in body  # sorted by clip, descending
    screenshot(index, tmp_path / "review-index.png", (1300, 800))  # stays in tmp_path, to look at


def test_verdict_states_from_the_result_data():
    from dataclasses import replace

    from hingecheck.outputs.records import ClipResult, RepRecord
    from hingecheck.outputs.reviewed import fault_shares, verdict_state

    def rep(faults=(), judged=True, cant=None, complete=True):
        return RepRecord(index=1, complete=complete, t_start=0.0, t_end=1.0, faults=list(faults),
                         cant_judge=cant or {}, judged=judged)

    def result(reps, clip_faults=(), judged_reps=2):
        return ClipResult(rep_count=len(reps), reps_found=len(reps), judged_reps=judged_reps, cant_judge=not judged_reps,
                          clip_faults=list(clip_faults), view="side", reps=reps)
    clean = result([rep(), rep()])
    assert verdict_state(clean) == "clean"
    assert verdict_state(replace(clean, reps=[rep(), rep(cant={"dropped_head": "head not seen"})])) == "partly checked"
    assert verdict_state(replace(clean, reps=[rep(), rep(judged=False, cant={"*": "too dark"})])) == "partly checked"
    assert verdict_state(result([rep(["squatting"]), rep(["squatting"])], ["squatting"])) == "faults"
    assert verdict_state(result([rep(judged=False)], judged_reps=0)) == "not checked"
    assert verdict_state(None) == "not checked"
    shares = fault_shares(result([rep(["squatting", "dropped_head"]), rep(["squatting"]), rep(),
                                  rep(["rounded_back"], complete=False)], ["squatting"]))
    assert [(s["name"], s["reps"], s["of"], s["recurring"]) for s in shares] == [
        ("Squatting the hinge", 2, 3, True), ("Dropped head", 1, 3, False)]
