"""The lockbox: whole sources of real clips set aside before any design, scored once at the end.

Accuracy that only holds on the clips a rule was designed on does not count.
The lockbox is drawn here, by a fixed seed written in the code, from
``sources.csv`` and the labels' ``view`` column: sources are shuffled by
:data:`LOCKBOX_SEED` and taken in that order until they hold at least
:data:`LOCKBOX_MIN_SHARE` of the clips *and* at least one oblique clip. The
draw depends only on the source and view of each clip (never on a verdict),
so anyone can repeat it::

    python -m hingecheck.scoring.lockbox ../shared/clips

Everything outside the lockbox is what thresholds are fitted and rules are
designed on (with the synthetic corpus); the lockbox is scored once, by
``benchmarks/evaluate.py --lockbox``, and its figures are reported beside the
cross-validated ones.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

#: the seed of the draw (chosen before anything was scored; never to be re-drawn)
LOCKBOX_SEED = 20261207
#: the lockbox holds at least this share of the clips
LOCKBOX_MIN_SHARE = 0.25


def read_sources(path: str | Path) -> dict[str, str]:
    """clip file name → source, from ``sources.csv``."""
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["clip"].strip(): row["source"].strip() for row in csv.DictReader(fh)}


def read_views(*label_files: str | Path) -> dict[str, str]:
    """clip file name → labelled camera view (``side``, ``oblique``, ``front``)."""
    out: dict[str, str] = {}
    for path in label_files:
        with open(path, newline="", encoding="utf-8") as fh:
            out.update({row["clip"].strip(): row["view"].strip() for row in csv.DictReader(fh)})
    return out


def draw_lockbox(sources: dict[str, str], views: dict[str, str], seed: int = LOCKBOX_SEED,
                 min_share: float = LOCKBOX_MIN_SHARE) -> tuple[str, ...]:
    """The sources in the lockbox, in the order drawn (see the module docstring)."""
    names = sorted(set(sources.values()))
    order = [names[i] for i in np.random.default_rng(seed).permutation(len(names))]
    taken: list[str] = []
    for src in order:
        clips = [c for c, s in sources.items() if s in taken]
        enough = len(clips) >= min_share * len(sources)
        oblique = any(views.get(c) == "oblique" for c in clips)
        if enough and oblique:
            break
        taken.append(src)
    return tuple(taken)


def split(sources: dict[str, str], lockbox: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(design clips, lockbox clips), each sorted."""
    design = sorted(c for c, s in sources.items() if s not in lockbox)
    locked = sorted(c for c, s in sources.items() if s in lockbox)
    return design, locked


def lockbox_for_folder(folder: str | Path) -> tuple[tuple[str, ...], list[str], list[str]]:
    """The lockbox sources and the (design, lockbox) clips of a clips folder with
    ``sources.csv``, ``labels.csv`` and ``labels-more.csv``."""
    folder = Path(folder)
    sources = read_sources(folder / "sources.csv")
    labels = [p for p in (folder / "labels.csv", folder / "labels-more.csv") if p.is_file()]
    box = draw_lockbox(sources, read_views(*labels))
    return (box, *split(sources, box))


if __name__ == "__main__":  # pragma: no cover - a tiny report for people
    box, design, locked = lockbox_for_folder(sys.argv[1] if len(sys.argv) > 1 else ".")
    print(f"lockbox sources (seed {LOCKBOX_SEED}): {', '.join(box)}")
    print(f"lockbox clips ({len(locked)}): {' '.join(locked)}")
    print(f"design clips ({len(design)}): {' '.join(design)}")
