"""``hingecheck live``: coach a set at the webcam (or a video paced as if live), then save it as ``analyze`` does."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from hingecheck.apps.live import FrameSource, Voice, run_live
from hingecheck.apps.livetext import print_to, rep_printer
from hingecheck.apps.parsing import chosen_exercise
from hingecheck.apps.rateargs import analysis_options
from hingecheck.apps.setargs import human_output, set_outputs
from hingecheck.core.config import load_config
from hingecheck.io.atomic import check_distinct, check_writable, is_stdout
from hingecheck.io.bundles import resolve_model
from hingecheck.io.signals import end_set_on_signal
from hingecheck.io.video import check_encodable
from hingecheck.outputs.outcome import Outcome
from hingecheck.outputs.report import rep_table, report_dict, summary_text, write_json
from hingecheck.outputs.serialize import thresholds_block
from hingecheck.outputs.setoutputs import SetOutputs
from hingecheck.outputs.wording import said_text


def _has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _plan_live_outputs(args: argparse.Namespace) -> tuple[Path, Path | None, SetOutputs]:
    """The outputs of ``live``, checked before the set starts (as for ``analyze``)."""
    stem = time.strftime("live-%Y%m%d-%H%M%S")
    json_out = Path(args.json) if args.json else Path(f"{stem}.hingecheck.json")
    record = Path(args.record) if args.record else None
    for out in (json_out, record):
        if out is not None:
            check_writable(out)
    outs = set_outputs(args, json_out, stem if is_stdout(json_out) else None)
    check_distinct({"--json": json_out, "--record": record, "--html": outs.html})
    if record is not None:
        check_encodable(record)
    return json_out, record, outs


def cmd_live(args: argparse.Namespace) -> int:
    th = load_config(args.config).for_exercise(chosen_exercise(args))
    rate, _ = analysis_options(args)
    json_out, record, outs = _plan_live_outputs(args)
    model = resolve_model(args.model)
    window = not args.no_window and _has_display()
    if not args.no_window and not window:
        print("no display: running without a window (results are printed and saved)", file=sys.stderr)
    source = FrameSource(camera=args.camera if args.source is None else None, source=args.source,
                         realtime=not args.as_fast_as_possible, on_event=print_to(sys.stderr),
                         analysis_fps=rate if args.source else 0)  # a camera: every frame it delivers
    if window:
        print("keys: q quit, space pause, r reset the set, m mute, f full screen", file=sys.stderr)
    with end_set_on_signal() as stop:  # Ctrl-C, SIGTERM: the set ends as with q
        result = run_live(source, model, args.exercise, th, window=window, voice=Voice(muted=args.mute),
                          record=record, segmentation=not args.no_segmentation, stills=outs.stills, stop=stop,
                          fullscreen=args.fullscreen, on_rep=None if window else rep_printer(json_out))
    a = result.analysis
    outcome = Outcome({"annotated video": record} if record and not result.record_error else {})
    if result.record_error:
        outcome.fail("annotated video", result.record_error)
    outcome.attempt("report", json_out, lambda: write_json(json_out, report_dict(
        a, source.name, str(model), {"live": result.stats(), **thresholds_block(th)})))
    saved = outs.save(a, source=source.name, model=str(model), kind="live", reports={}, outcome=outcome)
    with human_output(json_out):
        _print_live(args, source, result, json_out, record, saved)
    status = outcome.finish()
    if result.source_error and not (source.is_file and source.ended and a.timestamps.size):
        print(f"hingecheck: error: {result.source_error}; the set so far is saved in {json_out}", file=sys.stderr)
        return 3
    return status


def _print_live(args, source, result, json_out: Path, record: Path | None, saved: list[str]) -> None:
    a, st = result.analysis, result.stats()
    print(f"{source.name}: {args.exercise_said}, {result.frames} frames processed, {result.dropped} dropped")
    print(rep_table(a))
    print()
    print(summary_text(a))
    for r in result.revisions:
        said, now = said_text(r.live, "nothing"), said_text(r.final, "no rep")
        print(f"revised after the set: rep {r.index} was {said} live, is {now} with the whole set seen")
    print()
    print(f"set report: {json_out}" + (f"   video: {record}" if record and not result.record_error else "")
          + f"   ({st['processing_fps']} frames/s, latency median {st['latency_ms_median']} ms,"
            f" 95th percentile {st['latency_ms_p95']} ms)")
    for line in saved:
        print(line)
