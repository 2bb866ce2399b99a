"""``hingecheck score LABELS.csv|DIR``: many clips, here or on Dask, and their scores and metrics."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from hingecheck.apps.rateargs import analysis_options
from hingecheck.core.config import load_config
from hingecheck.core.errors import HingecheckError
from hingecheck.io.signals import Interrupted
from hingecheck.outputs.outcome import EXIT_CLIPS_FAILED, EXIT_OUTPUT_FAILED
from hingecheck.outputs.wording import plural
from hingecheck.scoring.batch import score_batch
from hingecheck.scoring.daskrun import score_on_dask
from hingecheck.scoring.labels import find_videos, read_label_files, read_sources
from hingecheck.scoring.metrics import metrics_table, summary_line
from hingecheck.scoring.results import clip_line


def cmd_score(args: argparse.Namespace) -> int:
    analysis = analysis_options(args)
    config = load_config(args.config)
    srcs = [Path(x) for x in args.source]
    if len(srcs) == 1 and srcs[0].is_dir():
        jobs, labelled = find_videos(srcs[0], args.exercise), False
    elif len(srcs) == 1 and not srcs[0].is_file():
        raise HingecheckError(f"{srcs[0]} is neither a labels CSV nor a folder of videos")
    else:
        jobs, labelled = read_label_files(srcs), True
    src = ", ".join(str(x) for x in srcs)
    sources = read_sources(args.sources, jobs) if args.sources else None
    out = Path(args.out)
    try:
        if args.dask:
            doc = score_on_dask(jobs, out, client_or_address=args.dask, model=args.model, config=config,
                                workers=args.workers, progress=not args.quiet, labelled=labelled, source=src,
                                sources=sources, retry_failed=args.retry_failed, analysis=analysis)
        else:
            doc = score_batch(jobs, out, model=args.model, config=config, workers=args.workers,
                              progress=not args.quiet, labelled=labelled, source=src, sources=sources,
                              retry_failed=args.retry_failed, analysis=analysis)
    except Interrupted as exc:
        if exc.doc is None:
            raise
        doc = exc.doc
    return print_scores(args, doc, out)


def print_scores(args: argparse.Namespace, doc: dict, out: Path) -> int:
    if not args.quiet:
        for c in doc["clips"]:
            print(clip_line(c))
        print()
    if "metrics" in doc:
        print(metrics_table(doc["metrics"]))
        for name, m in doc["metrics"].get("by_source", {}).items():
            print(summary_line(name, m))
        print()
    print(f"{plural(doc['clips_total'], 'clip')} ({doc['clips_cached']} from cache, {doc['clips_failed']} failed) "
          f"in {doc['wall_s']:.1f} s; results in {out}/ (scores.json, scores.csv"
          + (", metrics.json" if "metrics" in doc else "") + ", report.html)")
    if doc.get("interrupted"):
        sig = signal.Signals[doc["interrupted"]]
        print(f"hingecheck: interrupted ({sig.name}): {doc['clips_total']} of {doc['clips_listed']} clips "
              f"finished; their results are in {out}/", file=sys.stderr)
        return 128 + sig.value
    if doc.get("outputs_not_written"):
        print(f"hingecheck: {doc['outputs_summary']}", file=sys.stderr)
        return EXIT_OUTPUT_FAILED
    return EXIT_CLIPS_FAILED if doc["clips_failed"] else 0
