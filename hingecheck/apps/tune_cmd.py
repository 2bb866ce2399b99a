"""``hingecheck tune``: the I/O around :mod:`hingecheck.scoring.tune`.

Makes sure every labelled clip's landmarks are in the score cache
(``DIR/cache/pose``, running the pose model through :func:`score_batch`
for those missing), loads them, cross-validates, prints the held-out and
fitted-on-everything figures, and writes the fitted thresholds as a TOML
profile (atomically) that ``--config`` reads.

Tune fits on the landmarks a user's analysis sees: the default analysis rate
and size of ``analyze`` and ``score`` (:data:`TUNE_ANALYSIS`), so a score run
at the defaults fills the cache it reads.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hingecheck.core.config import load_config
from hingecheck.core.errors import HingecheckError
from hingecheck.io.atomic import check_writable, write_text_atomic
from hingecheck.io.bundles import resolve_model
from hingecheck.io.extract import check_complete, load_pose_run
from hingecheck.io.framerate import DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE
from hingecheck.scoring import layout
from hingecheck.scoring.batch import score_batch
from hingecheck.scoring.cache import file_sha256, pose_key
from hingecheck.scoring.labels import read_label_files, read_sources
from hingecheck.scoring.metrics import metrics_table, summary_line
from hingecheck.scoring.tune import TuneCase, cross_validate, prior_config, profile_toml

#: the analysis rate (frames per second) and long side (pixels) of the landmarks tune fits on
TUNE_ANALYSIS = (DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE)


def load_cases(jobs, sources: dict[str, str], cache_dir: Path, model_path: Path, config,
               analysis: tuple[float, int] = TUNE_ANALYSIS):
    """One :class:`~hingecheck.scoring.tune.TuneCase` per job whose landmarks are cached and whole
    (at ``analysis``: frames per second and long side, as the score run that cached them)."""
    model_hash = file_sha256(model_path)
    cases, skipped = [], []
    for job in jobs:
        key = pose_key(file_sha256(job.path), model_hash, analysis_fps=analysis[0], long_side=analysis[1])
        # the back curve is measured from the kept contour with this config's back_fit_* gates
        run = load_pose_run(layout.pose_file(layout.cache_dir(cache_dir), key), config.for_exercise(job.exercise))
        try:
            if run is None:
                raise HingecheckError("no landmarks cached")
            check_complete(run, job.path)
        except HingecheckError as exc:
            skipped.append(f"{job.clip}: {exc}")
            continue
        cases.append(TuneCase.from_pose(job.clip, sources[job.clip], job.label, run.pose, config))
    return cases, skipped


def run_tune(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise HingecheckError(f"--workers must be at least 1, got {args.workers}")
    out = check_writable(args.out)
    report = check_writable(args.report) if args.report else None
    jobs = read_label_files([Path(x) for x in args.labels])
    sources = read_sources(args.sources, jobs)
    excluded = {s.strip() for s in (args.exclude_sources or "").split(",") if s.strip()}
    unknown = excluded - set(sources.values())
    if unknown:
        raise HingecheckError(f"--exclude-sources: no clip has source {sorted(unknown)[0]!r}")
    jobs = [j for j in jobs if sources[j.clip] not in excluded]
    sources = {c: s for c, s in sources.items() if s not in excluded}
    base = load_config(args.config)
    cache = Path(args.cache)
    score_batch(jobs, cache, model=args.model, config=base, workers=args.workers, progress=not args.quiet,
                labelled=True, source=", ".join(args.labels), sources=sources, analysis=TUNE_ANALYSIS)
    model_path = resolve_model(args.model, download=False, progress=False)
    cases, skipped = load_cases(jobs, sources, cache, model_path, base)
    for s in skipped:
        print(f"left out: {s}")
    if len({c.source for c in cases}) < 2:
        raise HingecheckError("tune needs clips from at least two sources to hold one out")
    cv = cross_validate(cases, prior_config() if args.config is None else base)
    print("held out (leave-one-source-out):")
    print(metrics_table(cv.held_out))
    print()
    for s, m in cv.held_out["by_source"].items():
        print(summary_line(s, m))
    print()
    print(summary_line("held out, all sources", cv.held_out))
    print(summary_line("fitted on all (in-sample)", cv.fitted))
    write_text_atomic(out, profile_toml(cv.config, cv.moves, f"{len(cases)} clips, {len(set(sources.values()))} sources"))
    if report is not None:
        write_text_atomic(report, json.dumps(cv.as_dict(), indent=1, default=float) + "\n")
    print(f"\nfitted thresholds: {out} (use with --config)" + (f"; figures: {report}" if report else ""))
    return 0
