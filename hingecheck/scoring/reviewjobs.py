"""The clips of ``hingecheck review DIR``: every video under a folder, with its exercise and athlete.

The exercise of a clip comes from, in this order: its entry in a manifest,
its folder's manifest, its file name (:data:`NAME_PATTERNS`: ``*rdl*``,
``*swing*``...), the name of a folder it is in (the nearest first), else the default (``--exercise``, ``hip_hinge`` unless
given). The athlete: its manifest entry, its folder's manifest, ``--athlete``,
else none.

A manifest is a ``hingecheck.toml`` or a ``hingecheck.csv`` (header
``clip,exercise,athlete``) in the folder or any folder under it; the
nearest one to a clip applies::

    athlete = "Anna"            # every clip in this folder and below
    exercise = "rdl"

    [clips."monday.mp4"]        # one clip, by its path from the manifest's folder
    exercise = "good_morning"
    athlete = "Ben"

The review's own outputs (its output folder, ``*.annotated.*`` videos that
``analyze`` writes) and hidden files are never clips.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from hingecheck.core.config import EXERCISES
from hingecheck.core.errors import HingecheckError
from hingecheck.outputs.history import check_athlete
from hingecheck.scoring.labels import VIDEO_EXTS, ClipJob, is_own_output

#: manifest file names: the TOML form, and a ``clip,exercise,athlete`` CSV (its rows win over the TOML's)
MANIFESTS = ("hingecheck.toml", "hingecheck.csv")

#: file-name patterns (searched in the lower-cased name, ``-``, space and ``.`` read as ``_``), first match wins
NAME_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"single_?leg_?rdl|sl_?rdl", "single_leg_rdl"),
    (r"rdl|romanian", "rdl"),
    (r"good_?morning", "good_morning"),
    (r"(kb|kettlebell)_?(deadlift|dl)", "kettlebell_deadlift"),
    (r"swing", "kettlebell_swing"),
    (r"deadlift", "deadlift"),
    (r"hinge", "hip_hinge"),
)


@dataclass
class ReviewJob(ClipJob):
    """A clip to review: where its exercise came from (manifest, file name, default) and its athlete."""
    exercise_from: str = "default"
    athlete: str | None = None


def exercise_from_name(name: str) -> str | None:
    """The exercise a file name says (:data:`NAME_PATTERNS`), or None."""
    plain = re.sub(r"[^a-z0-9]+", "_", name.lower())
    return next((ex for pattern, ex in NAME_PATTERNS if re.search(pattern, plain)), None)


def named_exercise(rel: Path, default: str) -> tuple[str, str]:
    """(exercise, where it came from): the file name's, else the nearest folder name's, else ``default``."""
    if named := exercise_from_name(rel.stem):
        return named, "file name"
    for folder in reversed(rel.parts[:-1]):
        if named := exercise_from_name(folder):
            return named, "folder name"
    return default, "default"


def list_videos(folder: Path, skip: Path | None = None) -> list[Path]:
    """Every video file under ``folder`` (sorted), except hidden ones, own outputs and ``skip``'s tree."""
    skip = skip.resolve() if skip is not None else None
    found = []
    for f in sorted(folder.rglob("*")):
        rel = f.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not f.is_file():
            continue
        if f.suffix.lower() not in VIDEO_EXTS or is_own_output(f):
            continue
        if skip is not None and f.resolve().is_relative_to(skip):
            continue
        found.append(f)
    return found


def _load_csv(text: str) -> dict:
    """A ``clip,exercise,athlete`` table (exercise and athlete may be empty) as the TOML form."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "clip" not in rows[0]:
        raise ValueError("expected a header clip,exercise,athlete and one row per clip")
    return {"clips": {(r["clip"] or "").strip(): {k: (r.get(k) or "").strip() for k in ("exercise", "athlete")
                                                  if (r.get(k) or "").strip()} for r in rows}}


def _read_manifest(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = _load_csv(text) if path.suffix == ".csv" else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # TOMLDecodeError is a ValueError
        raise HingecheckError(f"manifest {path}: {' '.join(str(exc).split())}") from None
    entries = [("", data)] + [(f"[clips.{k!r}]", v) for k, v in (data.get("clips") or {}).items()]
    for where, table in entries:
        if not isinstance(table, dict):
            raise HingecheckError(f"manifest {path} {where}: expected a table")
        ex = table.get("exercise")
        if ex is not None and ex not in EXERCISES:
            raise HingecheckError(f"manifest {path} {where}: unknown exercise {ex!r}; "
                                  f"choose one of: {', '.join(EXERCISES)}")
        try:
            check_athlete(table.get("athlete"))
        except HingecheckError as exc:
            raise HingecheckError(f"manifest {path} {where}: {exc}") from None
    return data


def _manifests(root: Path) -> dict[Path, dict]:
    """folder -> its manifest (TOML and CSV merged), for every folder under ``root`` that has one."""
    out: dict[Path, dict] = {}
    for name in MANIFESTS:
        for m in sorted(root.rglob(name)):
            if any(p.startswith(".") for p in m.relative_to(root).parts):
                continue
            data = _read_manifest(m)
            merged = out.setdefault(m.parent, {})
            clips = {**merged.get("clips", {}), **data.pop("clips", {})}
            merged.update(data)
            merged["clips"] = clips
    return out


def _nearest_manifest(clip: Path, root: Path, manifests: dict[Path, dict]) -> tuple[Path, dict] | None:
    for folder in [clip.parent, *clip.parent.parents]:
        if folder in manifests:
            return folder, manifests[folder]
        if folder == root:
            return None
    return None


def review_jobs(folder: str | Path, *, default_exercise: str = "hip_hinge", athlete: str | None = None,
                skip: Path | None = None) -> list[ReviewJob]:
    """The clips under ``folder`` with their exercise and athlete (see the module doc)."""
    root = Path(folder)
    if not root.is_dir():
        raise HingecheckError(f"not a folder: {root}")
    athlete = check_athlete(athlete)
    manifests = _manifests(root)
    jobs = []
    for f in list_videos(root, skip):
        near = _nearest_manifest(f, root, manifests)
        base, entry = ({}, {}) if near is None else (near[1], (near[1].get("clips") or {}).get(
            f.relative_to(near[0]).as_posix(), {}))
        if entry.get("exercise") or base.get("exercise"):
            ex, how = entry.get("exercise") or base["exercise"], "manifest"
        else:
            ex, how = named_exercise(f.relative_to(root), default_exercise)
        who = check_athlete(entry.get("athlete")) or check_athlete(base.get("athlete")) or athlete
        jobs.append(ReviewJob(f.relative_to(root).as_posix(), f, ex, None, how, who))
    if not jobs:
        raise HingecheckError(f"no video files under {root} (looked for {', '.join(VIDEO_EXTS)})")
    return jobs
