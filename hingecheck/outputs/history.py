"""Training history: every analysed set in a local SQLite database.

Standard-library :mod:`sqlite3`, in the user's data directory
(:func:`history_path`). The history holds numbers and paths only, never
video: per set the date, source, exercise, model, reps, per-rep depth,
tempo and faults with severity, the set's verdict and the paths of its
reports.

Safety: the schema is versioned (``PRAGMA user_version``) and upgraded by
the steps in :data:`MIGRATIONS`; a set is written in one transaction
(``BEGIN IMMEDIATE`` ... ``COMMIT``), so a crash never leaves half a set;
WAL mode, a busy timeout and a retry let two processes write at once. A
corrupt file, a file that is not ours, or one from a newer hingecheck is a
:class:`~hingecheck.core.errors.HingecheckError` naming the file and the way
out; nothing is ever overwritten silently.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from hingecheck import __version__
from hingecheck.core.errors import HingecheckError

DB_NAME = "history.sqlite"
BUSY_TIMEOUT_S = 15.0
RETRIES = 5

_V1 = (
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created TEXT NOT NULL,           -- local time, ISO 8601 with its UTC offset
        kind TEXT NOT NULL,              -- 'analyze' or 'live'
        source TEXT NOT NULL,
        exercise TEXT NOT NULL,
        model TEXT,
        reps INTEGER NOT NULL,
        judged_reps INTEGER NOT NULL,
        clean_reps INTEGER NOT NULL,
        verdict TEXT NOT NULL,           -- JSON list of the set's recurring faults
        view TEXT,
        reports TEXT NOT NULL,           -- JSON object: report kind -> path
        hingecheck_version TEXT NOT NULL)""",
    """CREATE TABLE reps (
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        pos INTEGER NOT NULL,            -- order in the set (partial movements included)
        rep_index INTEGER NOT NULL,
        complete INTEGER NOT NULL,
        judged INTEGER NOT NULL,
        depth_deg REAL, down_s REAL, up_s REAL,
        cant_judge TEXT NOT NULL,        -- JSON object: fault (or '*') -> reason
        PRIMARY KEY (session_id, pos))""",
    """CREATE TABLE rep_faults (
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        pos INTEGER NOT NULL,
        fault TEXT NOT NULL,
        severity REAL NOT NULL,
        severity_label TEXT NOT NULL)""",
    "CREATE INDEX rep_faults_session ON rep_faults(session_id)",
    "CREATE INDEX sessions_created ON sessions(created)",
)
#: version 2: who lifted (NULL for the sets kept before athletes were known)
_V2 = (
    "ALTER TABLE sessions ADD COLUMN athlete TEXT",
    "CREATE INDEX sessions_athlete ON sessions(athlete)",
)
#: schema steps: MIGRATIONS[k] takes a database from user_version k to k + 1
MIGRATIONS: list[tuple[str, ...]] = [_V1, _V2]
#: the longest athlete name kept
ATHLETE_MAX = 60
T = TypeVar("T")


def schema_version() -> int:
    return len(MIGRATIONS)


def history_path() -> Path:
    """``$HINGECHECK_HOME/history.sqlite``, else the platform's user data directory."""
    home = os.environ.get("HINGECHECK_HOME", "").strip()
    if home:
        return Path(home).expanduser() / DB_NAME
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", "").strip() or Path.home() / ".local" / "share")
    return base / "hingecheck" / DB_NAME


class HistoryUnavailable(HingecheckError):
    """The history cannot be written just now (its folder cannot be made, the file is
    read-only or locked, the disk is full), though nothing says it is damaged: a set
    is still analysed and reported, without its history entry."""


def _broken(path: Path, what: str) -> HingecheckError:
    return HingecheckError(f"history database {path} {what}: move it aside (e.g. mv '{path}' '{path}.broken') "
                           "to start a new history, or run with --no-history")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to date, in one transaction, or refuse a file that is not ours."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == schema_version():
        return  # the usual case: no write lock needed
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > schema_version():
            raise HingecheckError(
                f"history database {path} has schema version {version}, newer than this hingecheck "
                f"({__version__}, version {schema_version()}) understands: upgrade hingecheck, "
                "or set HINGECHECK_HOME to keep another history, or run with --no-history")
        if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise _broken(path, "holds tables that are not a hingecheck history")
        for step in range(version, schema_version()):
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
        if version != schema_version():
            conn.execute(f"PRAGMA user_version = {schema_version():d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise _broken(path, "is damaged (integrity check failed)")
        _migrate(conn, path)  # first: a file we refuse is left as it was
        conn.execute("PRAGMA journal_mode=WAL")
    except BaseException:
        conn.close()
        raise
    return conn


def with_db(path: Path, work: Callable[[sqlite3.Connection], T]) -> T:
    """Open (creating and migrating as needed), run ``work``, close; retry
    when another process holds the lock past the busy timeout."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HistoryUnavailable(f"cannot create the history folder {path.parent}: {exc.strerror}") from None
    for attempt in range(RETRIES):
        try:
            conn = _open(path)
            try:
                return work(conn)
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:
            if _is_busy(exc) and attempt + 1 < RETRIES:
                time.sleep(0.2 * (attempt + 1))
                continue
            if _is_busy(exc):
                raise HistoryUnavailable(f"history database {path} stayed locked by another process; "
                                         "try again, or run with --no-history") from None
            raise HistoryUnavailable(f"history database {path} cannot be written ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise _broken(path, f"is corrupt or not a database ({exc})") from None
    raise AssertionError("unreachable")  # pragma: no cover


def check(path: Path) -> None:
    """Fail early (before a long analysis) if the history cannot be written."""
    with_db(path, lambda conn: None)


def check_athlete(name: str | None) -> str | None:
    """An athlete's name as kept (trimmed; None for none), or a one-line error."""
    if name is None:
        return None
    name = " ".join(str(name).split())
    if not name or len(name) > ATHLETE_MAX or not name.isprintable():
        raise HingecheckError(f"--athlete {name!r}: give a name of 1 to {ATHLETE_MAX} printable characters")
    return name


def session_record(analysis, *, source: str, model: str | None, kind: str,
                   reports: dict[str, str | None], when: datetime | None = None,
                   athlete: str | None = None) -> dict:
    """What the history keeps of one set: numbers and paths (no video)."""
    from hingecheck.core.states import state_of_analysis  # lazy: numpy (~0.1 s), kept out of --help
    from hingecheck.outputs.wording import reasons_in_words  # lazy: numpy (~0.1 s), kept out of --help
    s = analysis.summary()
    reps = [{"index": v.rep.index, "complete": v.rep.complete, "judged": v.judged,
             "depth_deg": float(v.rep.depth_deg), "down_s": float(v.rep.down_s), "up_s": float(v.rep.up_s),
             "cant_judge": reasons_in_words(v.cant_judge),
             "faults": [{"fault": str(f.fault), "severity": round(float(f.severity), 3),
                         "severity_label": str(f.severity_label)} for f in v.findings]}
            for v in analysis.reps]
    return {"created": (when or datetime.now()).astimezone().isoformat(timespec="seconds"),
            "kind": kind, "source": str(source), "exercise": analysis.exercise, "athlete": check_athlete(athlete),
            "model": None if model is None else str(model), "reps": s["reps"],
            "judged_reps": s["judged_reps"], "clean_reps": s["clean_reps"],
            "verdict": list(s["clip_faults"]), "view": analysis.view,
            "reports": {k: str(Path(v).resolve()) for k, v in reports.items() if v},
            "rep_list": reps, "state": str(state_of_analysis(analysis).state)}


def session_state(s: dict) -> str:
    """A kept set's :class:`~hingecheck.core.states.VerdictState`, from the reps' faults and
    can't-judge reasons the history stores (so older sessions get one too)."""
    from hingecheck.core.states import RepFacts, clip_state  # lazy: numpy (~0.1 s), kept out of --help
    return str(clip_state([RepFacts.from_record(r) for r in s["rep_list"]], s["verdict"], s["exercise"]).state)


def _finite(v: float) -> float | None:
    return v if v == v and abs(v) != float("inf") else None


def _insert_session(conn: sqlite3.Connection, rec: dict) -> int:
    cur = conn.execute(
        "INSERT INTO sessions (created, kind, source, exercise, model, reps, judged_reps, clean_reps, verdict,"
        " view, reports, hingecheck_version, athlete) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (rec["created"], rec["kind"], rec["source"], rec["exercise"], rec["model"], rec["reps"],
         rec["judged_reps"], rec["clean_reps"], json.dumps(rec["verdict"]), rec["view"],
         json.dumps(rec["reports"]), __version__, rec.get("athlete")))
    return int(cur.lastrowid)


def _insert_reps(conn: sqlite3.Connection, sid: int, reps: list[dict]) -> None:
    for pos, r in enumerate(reps):
        conn.execute("INSERT INTO reps VALUES (?,?,?,?,?,?,?,?,?)",
                     (sid, pos, r["index"], int(r["complete"]), int(r["judged"]), _finite(r["depth_deg"]),
                      _finite(r["down_s"]), _finite(r["up_s"]), json.dumps(r["cant_judge"])))
        conn.executemany("INSERT INTO rep_faults VALUES (?,?,?,?,?)",
                         [(sid, pos, f["fault"], f["severity"], f["severity_label"]) for f in r["faults"]])


def _in_transaction(conn: sqlite3.Connection, work: Callable[[], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        out = work()
        conn.execute("COMMIT")
        return out
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def append(path: Path, rec: dict) -> int:
    """Add one set (a :func:`session_record`) in one transaction; its id."""
    def work(conn):
        def write():
            sid = _insert_session(conn, rec)
            _insert_reps(conn, sid, rec["rep_list"])
            return sid
        return _in_transaction(conn, write)
    return with_db(path, work)


def forget(path: Path, session_id: int) -> bool:
    """Delete one set and its reps; False if there was no such set."""
    def work(conn):
        def delete():
            for table in ("rep_faults", "reps"):
                conn.execute(f"DELETE FROM {table} WHERE session_id = ?", (session_id,))
            return conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0
        return _in_transaction(conn, delete)
    return with_db(path, work)


def _rows(conn: sqlite3.Connection, sql: str, args: tuple = ()) -> list[dict]:
    cur = conn.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def load_sessions(path: Path, exercise: str | None = None, since: str | None = None,
                  athlete: str | None = None) -> list[dict]:
    """Every kept set, oldest first, with its reps (``rep_list``) and their
    faults; filtered by exercise, by date (``since``: YYYY-MM-DD, local) and
    by athlete (compared without regard to case)."""
    if not Path(path).exists():
        return []

    def work(conn):
        where, args = [], []
        if exercise:
            where.append("exercise = ?")
            args.append(exercise)
        if since:
            where.append("substr(created, 1, 10) >= ?")
            args.append(since)
        if athlete is not None:
            where.append("athlete = ? COLLATE NOCASE")
            args.append(check_athlete(athlete))
        sql = "SELECT * FROM sessions" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY created, id"
        sessions = _rows(conn, sql, tuple(args))
        for s in sessions:
            s["verdict"], s["reports"] = json.loads(s["verdict"]), json.loads(s["reports"])
            reps = _rows(conn, "SELECT * FROM reps WHERE session_id = ? ORDER BY pos", (s["id"],))
            faults = _rows(conn, "SELECT pos, fault, severity, severity_label FROM rep_faults WHERE session_id = ?",
                           (s["id"],))
            for r in reps:
                r["cant_judge"] = json.loads(r["cant_judge"])
                r["complete"], r["judged"] = bool(r["complete"]), bool(r["judged"])
                r["faults"] = [{k: f[k] for k in ("fault", "severity", "severity_label")}
                               for f in faults if f["pos"] == r["pos"]]
            s["rep_list"] = reps
            s["state"] = session_state(s)
        return sessions
    return with_db(path, work)
