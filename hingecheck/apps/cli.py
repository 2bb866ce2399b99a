"""The ``hingecheck`` command line. Every user-facing failure is one line."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from hingecheck import __version__
from hingecheck.io import _quiet  # noqa: F401  (before anything imports cv2: OpenCV's own logs stay off stderr)
from hingecheck.apps.parsing import EXERCISE_HELP, OneLineParser, chosen_exercise, exercise_arg, positive_int
from hingecheck.apps.rateargs import add_analysis_args, add_rate_arg, analysis_options
from hingecheck.apps.review_cmd import add_review_parser, cmd_review
from hingecheck.apps.setargs import add_set_output_args, set_outputs
from hingecheck.core.errors import HingecheckError
from hingecheck.io.signals import Interrupted, catch_sigterm, end_set_on_signal, restore_signals, signum_of
from hingecheck.outputs.outcome import Outcome
from hingecheck.outputs.setoutputs import SetOutputs


def _add_model_args(p: argparse.ArgumentParser, default: str = "full") -> None:
    p.add_argument("--model", default=default,
                   help=f"lite, full or heavy (downloaded once; default {default}), or a path to a .task bundle")
    p.add_argument("--config", help="TOML file overriding rule thresholds")


def _add_score_parser(sub) -> None:
    s = sub.add_parser("score", help="score many clips: against a labels CSV (metrics), or every video in a folder")
    s.add_argument("source", metavar="LABELS.csv|DIR", nargs="+",
                   help="labels CSV(s) (clip,exercise,view,reps,faults,optional_faults) or one folder of videos")
    s.add_argument("--sources", metavar="SOURCES.csv",
                   help="clip,source CSV grouping clips by lifter/camera/publisher: metrics per source too")
    s.add_argument("--out", default="hingecheck_scores", metavar="DIR",
                   help="output folder (default: ./hingecheck_scores); the per-clip cache lives in DIR/cache")
    s.add_argument("--workers", type=positive_int, default=None, metavar="N",
                   help="parallel worker processes (default: the number of CPUs; with --dask local: 2)")
    s.add_argument("--dask", metavar="ADDRESS|local", default=None,
                   help="run the clips on Dask: 'local' starts a local cluster of --workers processes, "
                        "tcp://host:8786 uses a running scheduler (needs: pip install 'hingecheck[dask]')")
    s.add_argument("--exercise", default="hip_hinge", type=exercise_arg,
                   help="exercise of every clip when scoring a folder (a labels CSV names its own)")
    _add_model_args(s)
    add_analysis_args(s)
    s.add_argument("--retry-failed", action="store_true",
                   help="run again the clips cached as failed (by default a rerun keeps their failure)")
    s.add_argument("--quiet", action="store_true", help="no progress bar, no per-clip lines")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="hingecheck", description="Rep-by-rep hip-hinge form feedback.")
    parser.add_argument("--version", action="version", version=f"hingecheck {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", aliases=["analyse"], help="analyse a recorded video: per-rep verdicts, JSON report, annotated video")
    a.add_argument("video")
    a.add_argument("--exercise", type=exercise_arg, help=EXERCISE_HELP)
    _add_model_args(a)
    a.add_argument("--json", metavar="OUT", help="JSON report path (default: <video name>.hingecheck.json here)")
    a.add_argument("--video", dest="video_out", metavar="OUT",
                   help="annotated video path (default: <video name>.annotated.mp4 here)")
    a.add_argument("--no-video", action="store_true", help="do not write an annotated video")
    add_analysis_args(a, video_height=True)
    add_set_output_args(a)
    a.add_argument("--no-segmentation", action="store_true",
                   help="skip the person mask (faster; back shape from landmarks only)")
    a.add_argument("--quiet", action="store_true", help="no progress bar")

    _add_score_parser(sub)
    add_review_parser(sub, _add_model_args, add_analysis_args)

    t = sub.add_parser("tune", help="fit the thresholds to labelled clips by leave-one-source-out "
                                    "cross-validation; write them as a --config profile")
    t.add_argument("labels", metavar="LABELS.csv", nargs="+", help="labels CSV(s), as for score")
    t.add_argument("--sources", metavar="SOURCES.csv", required=True,
                   help="clip,source CSV: the clips of one source are held out together")
    t.add_argument("--out", default="hingecheck_profile.toml", metavar="PROFILE.toml",
                   help="where the fitted thresholds go (default ./hingecheck_profile.toml)")
    t.add_argument("--cache", default="hingecheck_scores", metavar="DIR",
                   help="score's output folder whose DIR/cache/pose holds the clips' landmarks "
                        "(filled if missing; default ./hingecheck_scores)")
    t.add_argument("--report", metavar="OUT.json", help="also write the held-out and fitted metrics as JSON")
    t.add_argument("--exclude-sources", metavar="NAME[,NAME]", default="",
                   help="leave these sources out of the fit and the figures (a lockbox scored apart)")
    t.add_argument("--workers", type=int, default=None, metavar="N", help="worker processes for missing landmarks")
    _add_model_args(t)
    t.add_argument("--quiet", action="store_true", help="no progress bar")

    lv = sub.add_parser("live", help="coach a set live at the webcam (or a video paced as if live)")
    src = lv.add_mutually_exclusive_group()
    src.add_argument("--camera", type=int, default=0, metavar="N", help="camera index (default 0)")
    src.add_argument("--source", metavar="FILE_OR_URL", help="a video file (paced at real time) or stream URL")
    lv.add_argument("--exercise", type=exercise_arg, help=EXERCISE_HELP)
    _add_model_args(lv, default="full")
    lv.add_argument("--mute", action="store_true", help="no sound or spoken cues")
    lv.add_argument("--record", metavar="OUT.mp4", help="also save the annotated video")
    lv.add_argument("--json", metavar="OUT", help="set report path (default: live-<date-time>.hingecheck.json here)")
    lv.add_argument("--no-window", action="store_true", help="no window (automatic without a display); "
                    "each rep is printed as it ends")
    lv.add_argument("--fullscreen", action="store_true", help="start the window full screen (key f toggles it)")
    lv.add_argument("--as-fast-as-possible", action="store_true",
                    help="with --source FILE: do not pace the file at real time; "
                    "every frame is analysed, none dropped")
    lv.add_argument("--no-segmentation", action="store_true", help="skip the person mask (faster)")
    add_rate_arg(lv)
    add_set_output_args(lv)

    h = sub.add_parser("history", help="your sets over the weeks: sessions, fault trend, plot")
    h.add_argument("--exercise", type=exercise_arg, help="only this exercise")
    h.add_argument("--athlete", metavar="NAME", help="only this athlete's sets")
    h.add_argument("--since", metavar="YYYY-MM-DD", help="only sets on or after this date")
    h.add_argument("--plot", metavar="OUT.png|OUT.html", help="plot clean reps and fault rates over time")
    h.add_argument("--json", action="store_true", help="print the history as JSON")
    h.add_argument("--forget", type=int, metavar="ID", help="delete the session with this id")
    return parser


def _human_output(json_out: Path):
    """Where the tables go: standard output, or standard error when the JSON report goes there."""
    import contextlib

    from hingecheck.io.atomic import is_stdout
    return contextlib.redirect_stdout(sys.stderr) if is_stdout(json_out) else contextlib.nullcontext()


def _plan_analyze_outputs(args: argparse.Namespace, video: Path) -> tuple[Path, Path | None, SetOutputs]:
    """The outputs of ``analyze``, checked before the long run: writable, distinct, not the input,
    and a video format that can be encoded."""
    from hingecheck.io.atomic import check_distinct, check_writable, in_place
    from hingecheck.io.video import check_encodable

    stem = video.stem
    json_out = Path(args.json) if args.json else Path(f"{stem}.hingecheck.json")
    video_out = None if args.no_video else Path(args.video_out) if args.video_out else Path(f"{stem}.annotated.mp4")
    for out in (json_out, video_out):
        if out is not None:
            check_writable(out)
            if not in_place(out) and out.resolve() == video.resolve():
                raise HingecheckError(f"output {out} would overwrite the input video")
    outs = set_outputs(args, json_out, stem, protect=video)
    check_distinct({"--json": json_out, "--video": video_out, "--html": outs.html})
    if video_out is not None:
        check_encodable(video_out)
    from hingecheck.outputs.preflight import check_analyze_space
    check_analyze_space(video, video_out, [json_out, outs.html], args.video_height)
    return json_out, video_out, outs


def cmd_analyze(args: argparse.Namespace) -> int:
    from hingecheck.core.config import load_config
    from hingecheck.io.bundles import resolve_model
    from hingecheck.io.video import probe
    from hingecheck.outputs.report import (
        rep_table,
        report_dict,
        summary_text,
        write_json,
    )
    from hingecheck.outputs.serialize import thresholds_block

    video, exercise = Path(args.video), chosen_exercise(args)
    rate, long_side = analysis_options(args)
    th = load_config(args.config).for_exercise(exercise)
    probe(video)  # fail fast on a missing or unreadable file, or a still image
    json_out, video_out, outs = _plan_analyze_outputs(args, video)
    model = resolve_model(args.model, progress=not args.quiet)

    from hingecheck.io.videoanalysis import analyze_video

    t0 = time.perf_counter()
    va = analyze_video(video, args.exercise, th, model, segmentation=not args.no_segmentation,
                       progress=not args.quiet, on_pose=None if outs.stills is None else outs.stills.on_pose,
                       analysis_fps=rate, long_side=long_side)
    analysis, n = va.analysis, va.frames
    outcome = Outcome()  # each output on its own: one that fails costs only itself
    if video_out is not None:
        from hingecheck.outputs.render import render_annotated
        outcome.attempt("annotated video", video_out, lambda: render_annotated(
            video, va.run.pose, analysis, video_out, progress=not args.quiet, height=args.video_height,
            back_contour=va.run.back_contour))
    total = time.perf_counter() - t0
    timing = {"timing": {"frames": n, "pose_s": round(va.pose_s, 3), "analysis_s": round(va.analysis_s, 4),
                         "total_s": round(total, 3), "fps": round(n / total, 1) if total > 0 else None},
              "analysis_rate": {"fps": rate or None, "long_side_px": long_side or None, "frames_analysed": n,
                                "frames_decoded": va.run.frames_read}}  # frame indices count analysed frames
    outcome.attempt("report", json_out, lambda: write_json(json_out, report_dict(
        analysis, str(video), str(model), {**timing, **thresholds_block(th)})))
    saved = outs.save(analysis, source=str(video.resolve()), model=str(model), kind="analyze",
                      reports={}, outcome=outcome)
    with _human_output(json_out):
        print(f"{video.name}: {args.exercise_said}, {n} frames at {analysis.fps:.0f} fps")
        print(rep_table(analysis))
        print()
        print(summary_text(analysis))
        print()
        done = outcome.written
        print(f"report: {done.get('report', 'not written')}" + (
            f"   annotated video: {done.get('annotated video', 'not written')}" if video_out else "")
            + f"   ({n / total:.0f} frames/s)")
        for line in saved:
            print(line)
    return outcome.finish()


def cmd_score(args: argparse.Namespace) -> int:
    from hingecheck.core.config import load_config
    from hingecheck.scoring.batch import score_batch
    from hingecheck.scoring.labels import find_videos, read_label_files, read_sources

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
            from hingecheck.scoring.daskrun import score_on_dask
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
    return _print_scores(args, doc, out)


#: ``score``: outputs written, but at least one clip could not be scored
EXIT_CLIPS_FAILED = 3


def _print_scores(args: argparse.Namespace, doc: dict, out: Path) -> int:
    from hingecheck.scoring.metrics import metrics_table, summary_line
    from hingecheck.outputs.wording import plural
    from hingecheck.scoring.results import clip_line

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
        import signal
        sig = signal.Signals[doc["interrupted"]]
        print(f"hingecheck: interrupted ({sig.name}): {doc['clips_total']} of {doc['clips_listed']} clips "
              f"finished; their results are in {out}/", file=sys.stderr)
        return 128 + sig.value
    if doc.get("outputs_not_written"):
        from hingecheck.outputs.outcome import EXIT_OUTPUT_FAILED
        print(f"hingecheck: {doc['outputs_summary']}", file=sys.stderr)
        return EXIT_OUTPUT_FAILED
    return EXIT_CLIPS_FAILED if doc["clips_failed"] else 0


def _has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _plan_live_outputs(args: argparse.Namespace) -> tuple[Path, Path | None, SetOutputs]:
    """The outputs of ``live``, checked before the set starts (as for ``analyze``)."""
    from hingecheck.io.atomic import check_distinct, check_writable, is_stdout
    from hingecheck.io.video import check_encodable

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
    from hingecheck.apps.live import FrameSource, Voice, run_live
    from hingecheck.apps.livetext import print_to, rep_printer
    from hingecheck.core.config import load_config
    from hingecheck.io.bundles import resolve_model
    from hingecheck.outputs.report import report_dict, write_json
    from hingecheck.outputs.serialize import thresholds_block

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
    with _human_output(json_out):
        _print_live(args, source, result, json_out, record, saved)
    status = outcome.finish()
    if result.source_error and not (source.is_file and source.ended and a.timestamps.size):
        print(f"hingecheck: error: {result.source_error}; the set so far is saved in {json_out}", file=sys.stderr)
        return 3
    return status


def _print_live(args, source, result, json_out: Path, record: Path | None, saved: list[str]) -> None:
    from hingecheck.outputs.report import rep_table, summary_text

    a, st = result.analysis, result.stats()
    print(f"{source.name}: {args.exercise_said}, {result.frames} frames processed, {result.dropped} dropped")
    print(rep_table(a))
    print()
    print(summary_text(a))
    for r in result.revisions:
        said = ", ".join(r.live) if r.live else ("clean" if r.live is not None else "nothing")
        now = ", ".join(r.final) if r.final else ("clean" if r.final is not None else "no rep")
        print(f"rep {r.index}: said live: {said}; with the whole set seen: {now}")
    print()
    print(f"set report: {json_out}" + (f"   video: {record}" if record and not result.record_error else "")
          + f"   ({st['processing_fps']} frames/s, latency median {st['latency_ms_median']} ms,"
            f" 95th percentile {st['latency_ms_p95']} ms)")
    for line in saved:
        print(line)


def cmd_history(args: argparse.Namespace) -> int:
    import json
    from datetime import date

    from hingecheck.outputs.history import check_athlete, forget, history_path, load_sessions
    from hingecheck.outputs.historypage import write_plot
    from hingecheck.outputs.historyview import history_doc, history_text

    path = history_path()
    if args.forget is not None:
        if not path.exists() or not forget(path, args.forget):
            raise HingecheckError(f"no session {args.forget} in the history {path} (see: hingecheck history)")
        print(f"forgot session {args.forget} in {path}")
        return 0
    if args.since:
        try:
            date.fromisoformat(args.since)
        except ValueError:
            raise HingecheckError(f"--since {args.since}: give a date as YYYY-MM-DD") from None
    sessions = load_sessions(path, args.exercise, args.since, check_athlete(args.athlete))
    if args.plot:
        write_plot(Path(args.plot), path, sessions)
    if args.json:
        print(json.dumps(history_doc(path, sessions), indent=2))
    else:
        print(history_text(path, sessions))
        if args.plot:
            print(f"plot: {args.plot}")
    return 0


def cmd_tune(args: argparse.Namespace) -> int:
    from hingecheck.apps.tune_cmd import run_tune
    return run_tune(args)


COMMANDS = {"analyze": cmd_analyze, "analyse": cmd_analyze, "history": cmd_history, "live": cmd_live,
            "score": cmd_score, "tune": cmd_tune, "review": cmd_review}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    saved = catch_sigterm()  # SIGTERM unwinds like Ctrl-C: temporary files are removed
    from hingecheck.io.notice import install_handler, remove_handler
    handler = install_handler()  # warnings: one line each, "hingecheck: warning: ..."
    try:
        return COMMANDS[args.command](args)
    except HingecheckError as exc:
        print(f"hingecheck: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        import signal
        signum = signum_of(exc)
        print(f"hingecheck: interrupted ({signal.Signals(signum).name})", file=sys.stderr)
        return 128 + signum
    except Exception as exc:  # a bug: still one line, the trace only on request
        if os.environ.get("HINGECHECK_DEBUG"):
            raise
        print(f"hingecheck: internal error: {type(exc).__name__}: {exc} (set HINGECHECK_DEBUG=1 for details)",
              file=sys.stderr)
        return 1
    finally:
        remove_handler(handler)
        restore_signals(saved)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
