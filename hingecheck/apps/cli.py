"""The ``hingecheck`` command line. Every user-facing failure is one line."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from hingecheck import __version__
from hingecheck.io import _quiet  # noqa: F401  (before anything imports cv2: OpenCV's own logs stay off stderr)
from hingecheck.apps.parsing import EXERCISE_HELP, OneLineParser, exercise_arg, positive_int
from hingecheck.apps.rateargs import add_analysis_args, add_rate_arg
from hingecheck.apps.reviewargs import add_review_parser
from hingecheck.apps.setargs import add_set_output_args
from hingecheck.core.errors import HingecheckError
from hingecheck.io.notice import install_handler, remove_handler
from hingecheck.io.signals import catch_sigterm, restore_signals, signum_of


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
    th = sub.add_parser("thresholds", help="every number that decides a verdict: value per exercise, "
                                           "unit, valid range, origin (fitted, measured, hand-set)")
    th.add_argument("--config", metavar="FILE", help="show these thresholds (a --config TOML file) instead of the built-in")
    out = th.add_mutually_exclusive_group()
    out.add_argument("--toml", action="store_true", help="print a complete --config file to edit")
    out.add_argument("--json", action="store_true", help="print them as JSON")
    out.add_argument("--markdown", action="store_true", help="print the table of docs/thresholds.md")
    return parser


# Each command's module imports what its run needs (numpy, OpenCV, the analysis and outputs: ~0.2 s);
# the parser, --help and argument errors never load it.

def cmd_analyze(args: argparse.Namespace) -> int:
    from hingecheck.apps.analyze_cmd import cmd_analyze as run  # lazy: numpy, cv2 (~0.2 s), kept out of --help
    return run(args)


def cmd_score(args: argparse.Namespace) -> int:
    from hingecheck.apps.score_cmd import cmd_score as run  # lazy: numpy, cv2 (~0.2 s), kept out of --help
    return run(args)


def cmd_live(args: argparse.Namespace) -> int:
    from hingecheck.apps.live_cmd import cmd_live as run  # lazy: numpy, cv2 (~0.2 s), kept out of --help
    return run(args)


def cmd_history(args: argparse.Namespace) -> int:
    from hingecheck.apps.history_cmd import cmd_history as run  # lazy: numpy (~0.1 s), kept out of --help
    return run(args)


def cmd_review(args: argparse.Namespace) -> int:
    from hingecheck.apps.review_cmd import cmd_review as run  # lazy: numpy, cv2 (~0.2 s), kept out of --help
    return run(args)


def cmd_tune(args: argparse.Namespace) -> int:
    from hingecheck.apps.tune_cmd import run_tune  # lazy: numpy, cv2 (~0.2 s), kept out of --help
    return run_tune(args)


def cmd_thresholds(args: argparse.Namespace) -> int:
    from hingecheck.apps.thresholds_cmd import cmd_thresholds as run  # lazy: numpy (~0.1 s), kept out of --help
    return run(args)


COMMANDS = {"analyze": cmd_analyze, "analyse": cmd_analyze, "history": cmd_history, "live": cmd_live,
            "score": cmd_score, "tune": cmd_tune, "review": cmd_review, "thresholds": cmd_thresholds}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    saved = catch_sigterm()  # SIGTERM unwinds like Ctrl-C: temporary files are removed
    handler = install_handler()  # warnings: one line each, "hingecheck: warning: ..."
    try:
        return COMMANDS[args.command](args)
    except HingecheckError as exc:
        print(f"hingecheck: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
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
