"""Build ``tests/data/history_v1.sqlite``: a training history as hingecheck kept it
before athletes (schema version 1), for the migration test.

The schema below is a frozen copy of version 1 (``_V1`` in
``hingecheck/outputs/history.py`` when it was the newest), written here so
that later schema changes cannot change the old file. Rerun only to
rebuild the checked-in file: ``python tests/make_history_v1.py``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "history_v1.sqlite"

SCHEMA_V1 = (
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, exercise TEXT NOT NULL,
        model TEXT, reps INTEGER NOT NULL, judged_reps INTEGER NOT NULL, clean_reps INTEGER NOT NULL,
        verdict TEXT NOT NULL, view TEXT, reports TEXT NOT NULL, hingecheck_version TEXT NOT NULL)""",
    """CREATE TABLE reps (
        session_id INTEGER NOT NULL REFERENCES sessions(id), pos INTEGER NOT NULL,
        rep_index INTEGER NOT NULL, complete INTEGER NOT NULL, judged INTEGER NOT NULL,
        depth_deg REAL, down_s REAL, up_s REAL, cant_judge TEXT NOT NULL,
        PRIMARY KEY (session_id, pos))""",
    """CREATE TABLE rep_faults (
        session_id INTEGER NOT NULL REFERENCES sessions(id), pos INTEGER NOT NULL,
        fault TEXT NOT NULL, severity REAL NOT NULL, severity_label TEXT NOT NULL)""",
    "CREATE INDEX rep_faults_session ON rep_faults(session_id)",
    "CREATE INDEX sessions_created ON sessions(created)",
)

#: (created, kind, source, exercise, per-rep faults): three weeks of sets
SETS = (
    ("2024-05-06T18:00:00+02:00", "analyze", "/clips/mon_rdl.mp4", "rdl", [["rounded_back"]] * 3 + [[]]),
    ("2024-05-08T18:30:00+02:00", "analyze", "/clips/wed_rdl.mp4", "rdl", [["rounded_back"], [], [], []]),
    ("2024-05-15T07:10:00+02:00", "live", "camera 0", "hip_hinge", [[], [], ["squatting"], []]),
    ("2024-05-21T19:45:00+02:00", "analyze", "/clips/swing.mp4", "kettlebell_swing", [[], []]),
)


def build(path: Path) -> None:
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("BEGIN")
    for statement in SCHEMA_V1:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    for created, kind, source, exercise, faults in SETS:
        stem = Path(source).stem
        reports = {"json": f"/clips/{stem}.hingecheck.json", "html": f"/clips/{stem}.hingecheck.html"}
        clean = sum(1 for f in faults if not f)
        verdict = sorted({f for fs in faults for f in fs}) if clean < len(faults) / 2 else []
        sid = conn.execute(
            "INSERT INTO sessions (created, kind, source, exercise, model, reps, judged_reps, clean_reps,"
            " verdict, view, reports, hingecheck_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (created, kind, source, exercise, "pose_landmarker_full.task", len(faults), len(faults), clean,
             json.dumps(verdict), "side", json.dumps(reports), "0.1.0")).lastrowid
        for pos, fs in enumerate(faults):
            conn.execute("INSERT INTO reps VALUES (?,?,?,?,?,?,?,?,?)",
                         (sid, pos, pos + 1, 1, 1, 75.0 + pos, 1.2, 0.9, "{}"))
            conn.executemany("INSERT INTO rep_faults VALUES (?,?,?,?,?)",
                             [(sid, pos, f, 0.6, "moderate") for f in fs])
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    conn.close()


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(OUT)
