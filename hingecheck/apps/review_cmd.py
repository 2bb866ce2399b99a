"""``hingecheck review DIR``: a coach's folder of clips, each with its full outputs, and one index page."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from hingecheck.apps.rateargs import analysis_options
from hingecheck.apps.reviewargs import OUT_NAME
from hingecheck.core.config import load_config
from hingecheck.core.errors import HingecheckError
from hingecheck.io.atomic import write_text_atomic
from hingecheck.outputs.history import check, history_path
from hingecheck.outputs.outcome import EXIT_CLIPS_FAILED
from hingecheck.outputs.records import ClipRecord
from hingecheck.outputs.reviewed import STATES, ReviewedClip
from hingecheck.outputs.reviewindex import build_index
from hingecheck.outputs.serialize import dump_json
from hingecheck.scoring.daskrun import cluster_executor
from hingecheck.scoring.review import add_to_history, plan_review, review_clip
from hingecheck.scoring.reviewjobs import review_jobs
from hingecheck.scoring.runner import run_local, run_plan


def _run(plan, args) -> tuple[dict[int, ClipRecord], int | None]:
    if args.dask:
        return run_plan(plan, lambda: cluster_executor(args.dask, args.workers, plan.model_path), worker=review_clip,
                        progress=not args.quiet, desc="reviewing (dask)", worker_writes_cache=False)
    return run_local(plan, args.workers, not args.quiet, worker=review_clip, desc="reviewing")


def remembered_athlete(out: Path) -> str | None:
    """The ``--athlete`` of the last review into ``out``, if any."""
    try:
        return json.loads((out / "review.json").read_text(encoding="utf-8")).get("athlete")
    except (OSError, ValueError, AttributeError):
        return None


def write_index(jobs, records: dict[int, ClipRecord], out: Path, folder: Path, default_exercise: str,
                athlete: str | None = None) -> list:
    """index.html and review.json in ``out``, one row per clip that settled (worst verdicts first)."""
    clips = [ReviewedClip.build(jobs[i], rec, out) for i, rec in sorted(records.items())]
    clips.sort(key=lambda c: (STATES.index(c.state), c.athlete or "~", c.clip))
    page = build_index(clips, folder=folder.resolve().name, default_exercise=default_exercise)
    write_text_atomic(out / "index.html", page)
    write_text_atomic(out / "review.json", dump_json({"folder": str(folder.resolve()),
                                                      "default_exercise": default_exercise, "athlete": athlete,
                                                      "clips": [c.as_dict() for c in clips]}))
    return clips


def cmd_review(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    out = Path(args.out) if args.out else folder / OUT_NAME
    athlete = args.athlete if args.athlete is not None else remembered_athlete(out)
    jobs = review_jobs(folder, default_exercise=args.exercise, athlete=athlete, skip=out)
    if not args.no_history:
        check(history_path())
    plan = plan_review(jobs, out, model=args.model, config=load_config(args.config), progress=not args.quiet,
                       retry_failed=args.retry_failed, analysis=analysis_options(args), video=not args.no_video,
                       video_height=args.video_height)
    records, stopped = _run(plan, args)
    clips = write_index(jobs, records, out, folder, args.exercise, athlete)
    try:
        saved = [] if args.no_history else add_to_history(jobs, records)
    except HingecheckError as exc:  # the reviews are written: the history alone is not updated
        saved = []
        print(f"hingecheck: warning: history not updated: {exc}", file=sys.stderr)
    if not args.quiet:
        for c in clips:
            print(f"{c.clip}: {c.athlete or '--'}, {c.exercise} (from {c.exercise_from}), {c.state}: "
                  f"{c.faults_text()}" + (" (cached)" if c.cached else ""))
        for line in saved:
            print(line)
    failed = sum(1 for c in clips if c.error)
    print(f"{len(clips)} clip{'s' * (len(clips) != 1)} ({sum(c.cached for c in clips)} from cache, {failed} failed); "
          f"index: {out / 'index.html'}")
    if stopped is not None:
        print(f"hingecheck: interrupted ({signal.Signals(stopped).name}): {len(clips)} of {len(jobs)} clips "
              f"reviewed; the index lists them", file=sys.stderr)
        return 128 + stopped
    return EXIT_CLIPS_FAILED if failed else 0
