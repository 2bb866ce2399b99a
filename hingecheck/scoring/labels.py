"""Label and source CSVs, and the videos of a folder: the clips a batch scores."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from hingecheck.core.config import EXERCISES
from hingecheck.core.errors import HingecheckError
from hingecheck.scoring.metrics import (
    Label,
    parse_fault_list,
)

VIDEO_EXTS = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".gif")


REQUIRED_COLUMNS = ("clip", "exercise", "view", "reps", "faults")


OPTIONAL_COLUMNS = ("optional_faults",)


VIEWS = ("side", "oblique", "front", "")


@dataclass
class ClipJob:
    clip: str                 # as written in the CSV (or the file name)
    path: Path
    exercise: str
    label: Label | None = None


def read_labels(csv_path: str | os.PathLike) -> list[ClipJob]:
    """Parse and validate a labels CSV; clip paths are relative to the CSV.

    Raises HingecheckError (one line, with the line number) for a missing
    column, an unknown exercise, view or fault id, a bad rep count, or a
    duplicate clip. A clip file that does not exist is *not* an error here:
    it is reported as that clip's error in the results.
    """
    p = Path(csv_path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise HingecheckError(f"labels file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HingecheckError(f"cannot read labels {p}: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    cols = [c.strip() for c in (reader.fieldnames or [])]
    reader.fieldnames = cols
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise HingecheckError(f"labels {p}: missing column(s) {', '.join(missing)}; "
                              f"expected header: {','.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}")
    jobs: list[ClipJob] = []
    seen: set[str] = set()
    needed = max(cols.index(c) for c in REQUIRED_COLUMNS) + 1  # trailing optional columns may be left out
    for row in reader:
        line = reader.line_num
        where = f"labels {p} line {line}"
        n_fields = _field_count(row)
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(row.values()):
            continue
        if not needed <= n_fields <= len(cols):
            raise HingecheckError(f"{where} has {n_fields} fields, expected {len(cols)}")
        clip = row["clip"]
        if not clip:
            raise HingecheckError(f"{where}: empty clip")
        if clip in seen:
            raise HingecheckError(f"{where}: clip {clip!r} listed twice")
        seen.add(clip)
        ex = row["exercise"]
        if ex not in EXERCISES:
            raise HingecheckError(f"{where}: unknown exercise {ex!r}; choose one of: {', '.join(EXERCISES)}")
        view = row["view"]
        if view not in VIEWS:
            raise HingecheckError(f"{where}: unknown view {view!r}; use side, oblique or front")
        reps_txt = row["reps"]
        reps = int(reps_txt) if reps_txt.isdecimal() else None if not reps_txt else -1
        if reps is not None and reps < 0:
            raise HingecheckError(f"{where}: reps must be a whole number >= 0 or empty, got {reps_txt!r}")
        faults, any_fault = parse_fault_list(row["faults"], f"{where}: faults")
        optional, _ = parse_fault_list(row.get("optional_faults", ""), f"{where}: optional_faults",
                                       allow_special=False)
        label = Label(clip, ex, view, reps, faults, any_fault, optional)
        path = Path(clip) if Path(clip).is_absolute() else p.parent / clip
        jobs.append(ClipJob(clip, path, ex, label))
    if not jobs:
        raise HingecheckError(f"labels {p}: no clips listed")
    return jobs


def _field_count(row: dict) -> int:
    """How many fields a csv.DictReader row really had (missing ones are None, extra ones under None)."""
    return sum(1 for k, v in row.items() if k is not None and v is not None) + len(row.get(None) or [])


def read_label_files(paths: list[Path]) -> list[ClipJob]:
    """:func:`read_labels` of every file, in order; a clip listed in two files is an error."""
    jobs: list[ClipJob] = []
    seen: dict[Path, Path] = {}
    for p in paths:
        for job in read_labels(p):
            key = job.path.resolve()
            if key in seen:
                raise HingecheckError(f"clip {job.clip!r} is listed in both {seen[key]} and {p}")
            seen[key] = p
            jobs.append(job)
    return jobs


def read_sources(path: str | os.PathLike, jobs: list[ClipJob]) -> dict[str, str]:
    """clip -> source from a ``clip,source`` CSV; every job's clip must be listed."""
    p = Path(path)
    try:
        rows = list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig"))))
    except FileNotFoundError:
        raise HingecheckError(f"sources file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HingecheckError(f"cannot read sources {p}: {exc}") from None
    if not rows or not {"clip", "source"} <= set(rows[0]):
        raise HingecheckError(f"sources {p}: expected a header clip,source and one row per clip")
    table = {(r["clip"] or "").strip(): (r["source"] or "").strip() for r in rows}
    missing = [j.clip for j in jobs if not table.get(j.clip)]
    if missing:
        raise HingecheckError(f"sources {p}: no source for {', '.join(missing[:5])}"
                              + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
    return {j.clip: table[j.clip] for j in jobs}


def is_own_output(path: Path) -> bool:
    """A file a hingecheck run wrote (an annotated video), not a clip."""
    return ".annotated." in path.name


def find_videos(folder: str | os.PathLike, exercise: str = "hip_hinge") -> list[ClipJob]:
    """Every video file directly in ``folder`` (no labels), except annotated videos hingecheck wrote."""
    d = Path(folder)
    if not d.is_dir():
        raise HingecheckError(f"not a folder: {d}")
    files = sorted(f for f in d.iterdir() if f.is_file() and f.suffix.lower() in VIDEO_EXTS
                   and not f.name.startswith(".") and not is_own_output(f))
    if not files:
        raise HingecheckError(f"no video files in {d} (looked for {', '.join(VIDEO_EXTS)})")
    return [ClipJob(f.name, f, exercise) for f in files]
