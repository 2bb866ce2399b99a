"""The training history: sessions and trend, concurrent writers, a writer
killed mid-transaction, corrupt and newer databases (synthetic sets, no model)."""

from __future__ import annotations

import json
import re
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest
from assets import REPO_ROOT
from synthetic import make_hinge

from hingecheck.apps.cli import main
from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import load_config
from hingecheck.core.errors import HingecheckError
from hingecheck.outputs import history


def synthetic_set(fault: str | None, n_reps: int = 4):
    pose, _ = make_hinge(n_reps=n_reps, fault=fault, pause_s=1.2)
    return analyze_pose(pose, "hip_hinge", load_config().for_exercise("hip_hinge"))


def record(fault: str | None, when: datetime, source: str = "set.mp4") -> dict:
    return history.session_record(synthetic_set(fault), source=source, model="lite", kind="analyze",
                                  reports={"json": "set.hingecheck.json"}, when=when)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("HINGECHECK_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "history.sqlite"


def run_history(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(["history", *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_history_path(monkeypatch, tmp_path):
    monkeypatch.setenv("HINGECHECK_HOME", str(tmp_path / "h"))
    assert history.history_path() == tmp_path / "h" / "history.sqlite"
    monkeypatch.delenv("HINGECHECK_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert history.history_path() == tmp_path / "xdg" / "hingecheck" / "history.sqlite"


def test_three_sets_give_three_sessions_and_a_trend(home, capsys, tmp_path):
    # squatted twice in one week, clean the next week
    for fault, day in (("squatting", 6), ("squatting", 8), (None, 15)):
        history.append(home, record(fault, datetime(2024, 5, day, 18, 0)))
    rc, out, _ = run_history(capsys, "--json")
    assert rc == 0
    doc = json.loads(out)
    assert [s["id"] for s in doc["sessions"]] == [1, 2, 3]
    assert [s["clean_share"] for s in doc["sessions"]] == [0.0, 0.0, 1.0]
    assert [s["state"] for s in doc["sessions"]] == ["faults", "faults", "clean"]
    assert doc["sessions"][0]["most_common"] == {"fault": "squatting", "reps": 4}
    assert [len(s["rep_list"]) for s in doc["sessions"]] == [4, 4, 4]
    assert all(r["depth_deg"] > 60 and r["down_s"] > 0 for r in doc["sessions"][0]["rep_list"])
    weeks = doc["weeks"]
    assert [w["week"] for w in weeks] == ["2024-W19", "2024-W20"]
    assert [w["fault_rates"]["squatting"] for w in weeks] == [1.0, 0.0]
    assert [(w["sets"], w["training_days"], w["guidance"]) for w in weeks] == [
        (2, 2, "on target"), (1, 1, "below (aim for 2-3)")]
    rc, out, _ = run_history(capsys)
    assert "3 sessions" in out and "Squatting the hinge (4 reps)" in out and "100%" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.split()[:1] in (["1"], ["3"])}
    assert "faults" in rows["1"] and "clean" in rows["3"]
    assert "2024-W19" in out and "guidance: 2-3 a week" in out
    for name in ("trend.png", "trend.html"):
        assert run_history(capsys, "--plot", str(tmp_path / name))[0] == 0
    assert (tmp_path / "trend.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "trend.html").read_text()
    rc, out, _ = run_history(capsys, "--since", "2024-05-10", "--json")
    assert [s["id"] for s in json.loads(out)["sessions"]] == [3]
    assert json.loads(run_history(capsys, "--exercise", "good_morning", "--json")[1])["sessions"] == []


def test_forget_deletes_one_session(home, capsys):
    for day in (1, 2):
        history.append(home, record("squatting", datetime(2024, 6, day)))
    rc, out, _ = run_history(capsys, "--forget", "1")
    assert rc == 0 and "forgot session 1" in out
    (left,) = history.load_sessions(home)
    assert left["id"] == 2
    with sqlite3.connect(home) as c:
        assert c.execute("SELECT count(*) FROM reps WHERE session_id = 1").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM rep_faults WHERE session_id = 1").fetchone()[0] == 0
    rc, _, err = run_history(capsys, "--forget", "1")
    assert rc == 2 and "no session 1" in err


def test_bad_arguments_are_one_line_errors(home, capsys, tmp_path):
    assert run_history(capsys)[1].startswith("no history yet")
    rc, _, err = run_history(capsys, "--since", "last week")
    assert rc == 2 and err.count("\n") == 1 and "YYYY-MM-DD" in err
    history.append(home, record(None, datetime(2024, 6, 1)))
    rc, _, err = run_history(capsys, "--plot", str(tmp_path / "p.gif"))
    assert rc == 2 and ".png or .html" in err


WRITER = textwrap.dedent("""
    import sys
    from datetime import datetime
    sys.path[:0] = [{tests!r}, {root!r}]
    from test_history import record
    from hingecheck.outputs import history
    path, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rec = record("squatting", datetime(2024, 7, 1), source=tag)
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"  # start together: when every writer is ready
    for i in range(n):
        history.append(path, rec)
    print("done")
""")


def _python(code: str, *args: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def test_two_processes_appending_at_once_lose_nothing(home):
    history.check(home)
    code = WRITER.format(tests=str(Path(__file__).parent), root=str(Path(__file__).parents[1]))
    procs = [_python(code, str(home), "20", tag, stdin=subprocess.PIPE) for tag in ("a", "b")]
    for p in procs:  # a barrier: both have imported everything and wait for the word
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0 and out.strip() == "done", err[-2000:]
    sessions = history.load_sessions(home)
    assert len(sessions) == 40 and len({s["id"] for s in sessions}) == 40
    assert sorted(s["source"] for s in sessions) == ["a"] * 20 + ["b"] * 20
    assert all(len(s["rep_list"]) == 4 for s in sessions)


KILLED = textwrap.dedent("""
    import sys, time
    from datetime import datetime
    sys.path[:0] = [{tests!r}, {root!r}]
    from test_history import record
    from hingecheck.outputs import history
    insert_reps = history._insert_reps
    def slow(conn, sid, reps):  # inside the set's transaction, half written
        insert_reps(conn, sid, reps[:2])
        print("in transaction", flush=True)
        time.sleep(60)
    history._insert_reps = slow
    history.append(sys.argv[1], record("squatting", datetime(2024, 8, 1), source="killed"))
""")


def test_killed_mid_write_leaves_a_valid_database(home):
    history.append(home, record(None, datetime(2024, 8, 1), source="before"))
    p = _python(KILLED.format(tests=str(Path(__file__).parent), root=str(Path(__file__).parents[1])), str(home))
    try:
        assert p.stdout.readline().strip() == "in transaction", p.stderr.read()
        os.kill(p.pid, signal.SIGKILL)
    finally:
        p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL
    with sqlite3.connect(home) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [s["source"] for s in history.load_sessions(home)] == ["before"]
    with sqlite3.connect(home) as c:  # nothing of the killed set is left
        assert c.execute("SELECT count(*) FROM reps").fetchone()[0] == 4
    history.append(home, record("squatting", datetime(2024, 8, 2), source="after"))
    assert [s["source"] for s in history.load_sessions(home)] == ["before", "after"]


def _assert_refused(home: Path, capsys, *needles: str) -> None:
    before = home.read_bytes()
    rc, _, err = run_history(capsys)
    assert rc == 2 and err.count("\n") == 1 and err.startswith("hingecheck: error: history database")
    for n in (str(home), *needles):
        assert n in err, err
    with pytest.raises(HingecheckError):
        history.append(home, record(None, datetime(2024, 9, 1)))
    assert home.read_bytes() == before, "the database was changed"


def test_corrupt_file_is_an_error_never_overwritten(home, capsys):
    home.parent.mkdir(parents=True)
    home.write_bytes(b"this is not sqlite, just bytes\n" * 200)
    _assert_refused(home, capsys, "corrupt", "move it aside", "--no-history")


def test_newer_schema_is_an_error(home, capsys):
    history.append(home, record(None, datetime(2024, 9, 1)))
    with sqlite3.connect(home) as c:
        c.execute(f"PRAGMA user_version = {history.schema_version() + 1}")
    with sqlite3.connect(home) as c:  # fold the WAL in, so the bytes compared are the whole database
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _assert_refused(home, capsys, "newer", "upgrade hingecheck")


def test_foreign_database_is_an_error(home, capsys):
    home.parent.mkdir(parents=True)
    with sqlite3.connect(home) as c:
        c.execute("CREATE TABLE notes (text TEXT)")
    _assert_refused(home, capsys, "not a hingecheck history")


def test_migration_step_runs_once_and_keeps_the_data(home, monkeypatch):
    history.append(home, record("squatting", datetime(2024, 10, 1)))
    step = ("ALTER TABLE sessions ADD COLUMN note TEXT",)
    monkeypatch.setattr(history, "MIGRATIONS", [*history.MIGRATIONS, step])
    (s,) = history.load_sessions(home)
    assert s["note"] is None and len(s["rep_list"]) == 4
    with sqlite3.connect(home) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == history.schema_version()
    history.append(home, record(None, datetime(2024, 10, 2)))  # not run again
    assert len(history.load_sessions(home)) == 2


# ------------------------------------------------------------------ athletes

OLD_DB = Path(__file__).resolve().parents[1] / "data" / "history_v1.sqlite"


def _dump(path: Path) -> list:
    """Every row of the version 1 tables, in order."""
    with sqlite3.connect(path) as c:
        return [c.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("sessions", "reps", "rep_faults")]


def test_checked_in_old_database_is_what_its_script_builds(tmp_path):
    import make_history_v1
    make_history_v1.build(tmp_path / "v1.sqlite")
    assert _dump(tmp_path / "v1.sqlite") == _dump(OLD_DB)
    with sqlite3.connect(OLD_DB) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1


def test_old_database_migrates_keeping_every_session(home, capsys):
    import make_history_v1
    home.parent.mkdir(parents=True)
    home.write_bytes(OLD_DB.read_bytes())
    before = _dump(home)
    sessions = history.load_sessions(home)
    assert [s["source"] for s in sessions] == [x[2] for x in make_history_v1.SETS]
    assert [[r["faults"] and r["faults"][0]["fault"] for r in s["rep_list"]] for s in sessions] == [
        [fs[0] if fs else [] for fs in x[4]] for x in make_history_v1.SETS]
    assert all(s["athlete"] is None for s in sessions)
    with sqlite3.connect(home) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == history.schema_version() == 2
        assert [r[:13] for r in c.execute("SELECT * FROM sessions ORDER BY id")] == before[0]
    assert _dump(home)[1:] == before[1:]
    # a new set with an athlete, beside the old ones
    history.append(home, {**record("rounded_back", datetime(2024, 5, 22, 18, 0), "anna_rdl.mp4"), "athlete": "Anna"})
    assert len(history.load_sessions(home)) == 5
    (anna,) = history.load_sessions(home, athlete="anna")  # any case
    assert anna["athlete"] == "Anna" and anna["source"] == "anna_rdl.mp4"
    rc, out, _ = run_history(capsys, "--athlete", "Anna")
    assert rc == 0 and "1 session)" in out and "Anna" in out and "anna_rdl.mp4" in out
    rc, out, _ = run_history(capsys)
    assert "5 sessions" in out and "mon_rdl.mp4" in out
    assert "== athlete --, rdl ==" in out and "== athlete Anna, hip hinge ==" in out


def test_athlete_names_are_checked(home, capsys):
    assert history.check_athlete("  Anna   Lee ") == "Anna Lee"
    for bad in ("", "   ", "x" * 61, "a\tb\x00"):
        with pytest.raises(HingecheckError, match="--athlete"):
            history.check_athlete(bad)
    rc, _, err = run_history(capsys, "--athlete", "")
    assert rc == 2 and err.count("\n") == 1 and "--athlete" in err


def test_history_page_has_a_chart_per_athlete_and_exercise_linked_to_reports(home, capsys, tmp_path):
    from urllib.parse import unquote, urlparse

    plan = [("Anna", "rounded_back", 6), ("Anna", None, 8), ("Anna", None, 14), ("Ben", "squatting", 7),
            (None, None, 9)]
    for k, (who, fault, day) in enumerate(plan):
        report = tmp_path / "reports" / f"set{k}.hingecheck.html"
        report.parent.mkdir(exist_ok=True)
        report.write_text("<html>a set</html>")
        rec = history.session_record(synthetic_set(fault), source=f"/clips/set{k}.mp4", model="lite", kind="analyze",
                                     reports={"html": report}, when=datetime(2024, 5, day, 18, 0), athlete=who)
        history.append(home, rec)
    page = tmp_path / "history.html"
    assert run_history(capsys, "--plot", str(page))[0] == 0
    text = page.read_text()
    charts = re.findall(r"<section class='chart' data-athlete='([^']*)' data-exercise='([^']*)'>(.*?)</section>",
                        text, re.S)
    assert [(a, e) for a, e, _ in charts] == [("Anna", "hip_hinge"), ("Ben", "hip_hinge"), ("--", "hip_hinge")]
    anna = charts[0][2]
    assert anna.count("<circle class='set'") == 3 and anna.count("<rect class='sets'") == 2  # sets in 2 weeks
    assert "Rounded back" in anna and "Squatting" not in anna
    links = re.findall(r"<a href='([^']+)'><circle", text)
    assert len(links) == len(plan)
    assert sorted(Path(unquote(urlparse(u).path)).name for u in links) == sorted(
        f"set{k}.hingecheck.html" for k in range(len(plan)))
    assert all(Path(unquote(urlparse(u).path)).is_file() for u in links)
    rc, out, _ = run_history(capsys, "--athlete", "ben", "--plot", str(page))
    assert rc == 0 and page.read_text().count("<section class='chart'") == 1


def test_analyze_and_live_keep_the_athlete_in_the_history(home):
    import argparse

    from hingecheck.apps.setargs import add_set_output_args, set_outputs
    from hingecheck.outputs.setoutputs import SetOutputs
    parser = argparse.ArgumentParser()
    add_set_output_args(parser)
    args = parser.parse_args(["--no-html", "--athlete", " Anna "])
    outs = set_outputs(args, Path("set.hingecheck.json"))
    assert outs.html is None and outs.stills is None and outs.athlete == "Anna"
    lines = outs.save(synthetic_set(None), source="set.mp4", model="lite", kind="live", reports={})
    assert any("history: session 1" in line for line in lines)
    (s,) = history.load_sessions(home, athlete="Anna")
    assert s["athlete"] == "Anna" and s["kind"] == "live"
    with pytest.raises(HingecheckError, match="--athlete"):
        set_outputs(parser.parse_args(["--athlete", "\t"]), Path("x.hingecheck.json"))
    # built from plain values too: a report path, no history
    plain = SetOutputs.plan(Path("y.hingecheck.json"), html="y.html", history=False)
    assert plain.html == Path("y.html") and plain.history is None and plain.stills is not None
