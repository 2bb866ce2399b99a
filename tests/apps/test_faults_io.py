"""Whole or absent: every output under a full disk, a read-only folder, an encoder
that loses frames, a history that cannot be written; one failing output costs only
itself (exit 4 for a report, 5 for the history entry), and nothing existing is replaced
by a broken file. The harness is ``tests/iofaults.py``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from assets import require_model_dir
from iofaults import (
    LosingEncoder,
    enospc_on,
    history_locked,
    noise_frames,
    read_only_folder,
    seal,
    tiny_clip,
    tmp_files,
    tmpfs,
)

from hingecheck.core.errors import HingecheckError
from hingecheck.io.atomic import write_text_atomic
from hingecheck.io.video import VideoWriter
from hingecheck.io.videocheck import count_frames

OLD = b"an existing good file\n"
FRAMES = 45


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """A 1.5-second 320x240 clip cut from a committed sample (made once per module)."""
    return tiny_clip(tmp_path_factory.mktemp("clip") / "tiny.mp4", frames=FRAMES)


def _sessions(db: Path) -> int:
    c = sqlite3.connect(db)
    try:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return c.execute("SELECT count(*) FROM sessions").fetchone()[0]
    finally:
        c.close()


def _analyze_in_process(clip: Path, out: Path, monkeypatch, capsys, *extra: str,
                        outputs: tuple[str, ...] = ("--json", "a.json", "--video", "a.mp4", "--html", "a.html"),
                        ) -> tuple[int, str]:
    """``hingecheck analyze`` run in this process (no interpreter start-up): (exit status, stderr)."""
    from hingecheck.apps import cli
    require_model_dir("pose_landmarker_lite.task")
    monkeypatch.setenv("HINGECHECK_HOME", str(out / "home"))
    monkeypatch.chdir(out)
    rc = cli.main(["analyze", str(clip), "--model", "lite", "--quiet", *outputs, *extra])
    return rc, capsys.readouterr().err


def _one_line_error(err: str, *needles: str) -> None:
    assert err.startswith("hingecheck: error: ") and err.count("\n") == 1, err
    for n in needles:
        assert n in err, err


# ------------------------------------------------------- the writers themselves

def test_video_on_a_full_tmpfs_is_whole_or_absent(tmp_path):
    """A real full filesystem: FFmpeg only logs 'Failed to write frame'; the finished
    file is checked, so the broken video never replaces the existing one."""
    with tmpfs(tmp_path / "small", 600) as small:
        (small / "a.mp4").write_bytes(OLD)
        with pytest.raises(HingecheckError, match=r"cannot write video .*a\.mp4: .*is the disk full\?"):
            with VideoWriter(small / "a.mp4", 30.0, (320, 240)) as w:
                for f in noise_frames(120):
                    w.write(f)
        assert (small / "a.mp4").read_bytes() == OLD and tmp_files(small) == []
        with pytest.raises(HingecheckError, match="No space left on device"):
            write_text_atomic(small / "r.json", "x" * 2_000_000)
        assert sorted(p.name for p in small.iterdir()) == ["a.mp4"]


def test_video_whose_encoder_loses_frames_is_refused(tmp_path, monkeypatch):
    """The same failure injected, unprivileged: only 10 of 40 frames reach the file."""
    import hingecheck.io.video as video
    (tmp_path / "a.mp4").write_bytes(OLD)
    monkeypatch.setattr(video.cv2, "VideoWriter", LosingEncoder.factory(10))
    with pytest.raises(HingecheckError, match="a.mp4"):
        with VideoWriter(tmp_path / "a.mp4", 30.0, (320, 240)) as w:
            for f in noise_frames(40):
                w.write(f)
    assert (tmp_path / "a.mp4").read_bytes() == OLD and tmp_files(tmp_path) == []


def test_a_whole_video_passes_the_check(tmp_path):
    with VideoWriter(tmp_path / "a.mp4", 30.0, (320, 240)) as w:
        for f in noise_frames(40):
            w.write(f)
    assert count_frames(tmp_path / "a.mp4")[0] == 40


def test_text_write_hitting_enospc_leaves_the_old_file(tmp_path, monkeypatch):
    (tmp_path / "r.json").write_bytes(OLD)
    with enospc_on(monkeypatch, "r.json") as failed:
        with pytest.raises(HingecheckError, match="No space left on device"):
            write_text_atomic(tmp_path / "r.json", "{}" * 1000)
    assert failed and (tmp_path / "r.json").read_bytes() == OLD and tmp_files(tmp_path) == []


# ------------------------------------------------------- analyze, end to end

@pytest.mark.model
def test_too_small_a_folder_is_refused_before_the_model(tmp_path, clip, monkeypatch, capsys):
    with tmpfs(tmp_path / "small", 100) as small:
        (small / "a.mp4").write_bytes(OLD)
        rc, err = _analyze_in_process(clip, tmp_path, monkeypatch, capsys,
                                      outputs=("--video", str(small / "a.mp4"), "--json", str(small / "a.json")))
        assert rc == 2
        _one_line_error(err, "not enough space for the annotated video", "--no-video")
        assert sorted(x.name for x in small.iterdir()) == ["a.mp4"] and (small / "a.mp4").read_bytes() == OLD


@pytest.mark.model
def test_encoder_losing_frames_costs_only_the_video(tmp_path, clip, monkeypatch, capsys):
    import hingecheck.io.video as video
    (tmp_path / "a.mp4").write_bytes(OLD)
    monkeypatch.setattr(video.cv2, "VideoWriter", LosingEncoder.factory(30))
    rc, err = _analyze_in_process(clip, tmp_path, monkeypatch, capsys)
    assert rc == 4, err
    assert "hingecheck: warning: annotated video not written: cannot write video a.mp4" in err
    assert "hingecheck: not written: annotated video; kept: report a.json, visual report a.html, " \
           "history entry" in err
    assert (tmp_path / "a.mp4").read_bytes() == OLD
    assert json.loads((tmp_path / "a.json").read_text())["reps"] is not None
    assert (tmp_path / "a.html").read_text().rstrip().endswith("</html>")
    assert _sessions(tmp_path / "home" / "history.sqlite") == 1
    assert tmp_files(tmp_path) == []


@pytest.mark.model
def test_json_hitting_enospc_costs_only_the_json(tmp_path, clip, monkeypatch, capsys):
    (tmp_path / "a.json").write_bytes(OLD)
    with enospc_on(monkeypatch, "a.json"):
        rc, err = _analyze_in_process(clip, tmp_path, monkeypatch, capsys)
    assert rc == 4, err
    assert "report not written: cannot write a.json: No space left on device" in err
    assert (tmp_path / "a.json").read_bytes() == OLD
    assert count_frames(tmp_path / "a.mp4")[0] == FRAMES
    assert (tmp_path / "a.html").is_file() and tmp_files(tmp_path) == []
    c = sqlite3.connect(tmp_path / "home" / "history.sqlite")
    (reports,) = c.execute("SELECT reports FROM sessions").fetchone()
    c.close()
    assert set(json.loads(reports)) == {"video", "html"}  # the history names only what was written


@pytest.mark.model
def test_history_home_that_is_a_file_costs_only_the_history(tmp_path, clip, monkeypatch, capsys):
    (tmp_path / "home").write_text("not a folder")
    rc, err = _analyze_in_process(clip, tmp_path, monkeypatch, capsys, outputs=("--json", "a.json"))
    assert rc == 5, err
    assert err.startswith("hingecheck: warning: cannot create the history folder"), err
    assert "hingecheck: not written: history entry; kept: annotated video tiny.annotated.mp4, report a.json, " \
           "visual report tiny.hingecheck.html" in err
    assert json.loads((tmp_path / "a.json").read_text())["reps"] is not None
    assert count_frames(tmp_path / "tiny.annotated.mp4")[0] == FRAMES
    assert (tmp_path / "tiny.hingecheck.html").is_file()


@pytest.mark.model
def test_history_locked_by_another_process_costs_only_the_entry(tmp_path, clip, monkeypatch, capsys):
    import hingecheck.outputs.history as history
    db = tmp_path / "home" / "history.sqlite"
    history.check(db)  # an empty, valid history (WAL)
    monkeypatch.setattr(history, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(history, "RETRIES", 2)
    with history_locked(db):
        rc, err = _analyze_in_process(clip, tmp_path, monkeypatch, capsys)
    assert rc == 5, err
    assert f"history entry not written: history database {db} stayed locked by another process" in err
    assert (tmp_path / "a.json").is_file() and (tmp_path / "a.html").is_file() and (tmp_path / "a.mp4").is_file()
    assert _sessions(db) == 0  # and the database is intact


@pytest.mark.model
def test_read_only_history_costs_only_the_entry(tmp_path, clip, monkeypatch, capsys):
    import hingecheck.outputs.history as history
    with read_only_folder(tmp_path / "home") as home:
        history.check(home / "history.sqlite")
        c = sqlite3.connect(home / "history.sqlite")  # fold the WAL in: a read-only file stands alone
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        c.close()  # (an open file keeps the remount from going read-only)
        seal(home)
        rc, err = _analyze_in_process(clip, tmp_path, monkeypatch, capsys, outputs=("--json", "a.json", "--no-video"))
        assert rc == 5, err
        assert "history entry" in err and "Traceback" not in err
        assert (tmp_path / "a.json").is_file() and (tmp_path / "tiny.hingecheck.html").is_file()


@pytest.mark.model
def test_read_only_output_folder_is_refused_before_the_model(tmp_path, clip, monkeypatch, capsys):
    with read_only_folder(tmp_path / "ro") as ro:
        (ro / "a.json").write_bytes(OLD)
        seal(ro)
        rc, err = _analyze_in_process(clip, tmp_path, monkeypatch, capsys,
                                      outputs=("--json", str(ro / "a.json"), "--no-video"))
        assert rc == 2
        _one_line_error(err, f"directory {ro} is not writable")
        assert (ro / "a.json").read_bytes() == OLD and sorted(x.name for x in ro.iterdir()) == ["a.json"]


def test_locker_really_holds_the_lock(tmp_path):
    """The harness itself: while it runs, a writer cannot begin."""
    db = tmp_path / "h.sqlite"
    sqlite3.connect(db).close()
    with history_locked(db):
        c = sqlite3.connect(db, timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            c.execute("BEGIN IMMEDIATE")
        c.close()


def test_tmpfs_is_really_small(tmp_path):
    with tmpfs(tmp_path / "m", 100) as m:
        out = subprocess.run(["df", "-k", str(m)], capture_output=True, text=True).stdout
        assert int(out.splitlines()[1].split()[1]) <= 100


def test_score_output_that_cannot_be_written_costs_only_itself(tmp_path, monkeypatch, capsys):
    import argparse

    from hingecheck.apps.score_cmd import print_scores
    from hingecheck.scoring.results import write_outputs
    with enospc_on(monkeypatch, "report.html") as failed:
        doc = write_outputs([], {}, tmp_path, "m.task", "0" * 64, wall_s=0.0, labelled=False, source="x")
    assert failed and set(doc["outputs_not_written"]) == {"report.html"}
    assert json.loads((tmp_path / "scores.json").read_text())["outputs_not_written"]["report.html"].endswith(
        "No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.csv", "scores.json"]
    rc = print_scores(argparse.Namespace(quiet=True), doc, tmp_path)
    err = capsys.readouterr().err
    assert rc == 4 and "hingecheck: not written: report.html; kept: scores.csv" in err, err


@pytest.mark.model
def test_live_recording_that_fails_costs_only_the_recording(tmp_path, clip, monkeypatch, capsys):
    import hingecheck.io.video as video
    from hingecheck.apps import cli
    require_model_dir("pose_landmarker_lite.task")
    monkeypatch.setenv("HINGECHECK_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.mp4").write_bytes(OLD)
    monkeypatch.setattr(video.cv2, "VideoWriter", LosingEncoder.factory(10))
    rc = cli.main(["live", "--source", str(clip), "--as-fast-as-possible", "--no-window", "--mute", "--model", "lite",
                   "--record", "r.mp4", "--json", "s.json", "--html", "s.html"])
    err = capsys.readouterr().err
    assert rc == 4, err
    assert "hingecheck: warning: annotated video not written: cannot write video r.mp4" in err
    assert "hingecheck: not written: annotated video; kept: report s.json, visual report s.html, history entry" in err
    assert (tmp_path / "r.mp4").read_bytes() == OLD and json.loads((tmp_path / "s.json").read_text())
    assert _sessions(tmp_path / "home" / "history.sqlite") == 1 and tmp_files(tmp_path) == []


@pytest.mark.model
def test_score_cache_that_cannot_be_written_costs_only_the_cache(tmp_path, clip, caplog):
    """A worker whose cache folder is unusable (a full disk, here a path under a file)
    still returns the clip's result; the landmarks and the entry are not kept, with warnings."""
    import dataclasses
    import logging

    from hingecheck.core.config import load_config
    from hingecheck.scoring.clipworker import process_clip
    model = require_model_dir("pose_landmarker_lite.task") / "pose_landmarker_lite.task"
    (tmp_path / "blocker").write_text("a file where the cache folder should be")
    th = dataclasses.asdict(load_config(None).for_exercise("hip_hinge"))
    with caplog.at_level(logging.WARNING, logger="hingecheck"):
        rec = process_clip(str(clip), "hip_hinge", th, str(model), str(tmp_path / "blocker" / "k.json"),
                           {"clip": "tiny.mp4"}, str(tmp_path / "blocker" / "pose" / "k.npz"))
    assert rec.result is not None and not rec.failed, rec
    said = " | ".join(r.getMessage() for r in caplog.records)
    assert "pose cache" in said and "not kept" in said and "cache entry not kept: cannot write" in said, said


@pytest.mark.model
def test_preflight_refuses_when_the_free_space_is_short(tmp_path, clip, monkeypatch, capsys):
    """The same refusal unprivileged: the filesystem is said to have 0.2 MB free."""
    import hingecheck.outputs.preflight as preflight
    monkeypatch.setattr(preflight, "free_mb", lambda folder: 0.2)  # the free space preflight reads
    (tmp_path / "a.mp4").write_bytes(OLD)
    rc, err = _analyze_in_process(clip, tmp_path, monkeypatch, capsys)
    assert rc == 2
    _one_line_error(err, "not enough space for the annotated video a.mp4: about 0.6 MB needed, 0.2 MB free")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "home"]  # (the history checked first)
    assert (tmp_path / "a.mp4").read_bytes() == OLD
