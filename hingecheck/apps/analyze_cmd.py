"""``hingecheck analyze VIDEO``: one recorded set, its JSON report, annotated video and set outputs."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hingecheck.apps.parsing import chosen_exercise
from hingecheck.apps.rateargs import analysis_options
from hingecheck.apps.setargs import human_output, set_outputs
from hingecheck.core.config import load_config
from hingecheck.core.errors import HingecheckError
from hingecheck.io.atomic import check_distinct, check_writable, in_place
from hingecheck.io.bundles import resolve_model
from hingecheck.io.video import check_encodable, probe
from hingecheck.io.videoanalysis import analyze_video
from hingecheck.outputs.outcome import Outcome
from hingecheck.outputs.preflight import check_analyze_space
from hingecheck.outputs.render import render_annotated
from hingecheck.outputs.report import rep_table, report_dict, summary_text, write_json
from hingecheck.outputs.serialize import thresholds_block
from hingecheck.outputs.setoutputs import SetOutputs


def plan_analyze_outputs(args: argparse.Namespace, video: Path) -> tuple[Path, Path | None, SetOutputs]:
    """The outputs of ``analyze``, checked before the long run: writable, distinct, not the input,
    and a video format that can be encoded."""
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
    check_analyze_space(video, video_out, [json_out, outs.html], args.video_height)
    return json_out, video_out, outs


def cmd_analyze(args: argparse.Namespace) -> int:
    video, exercise = Path(args.video), chosen_exercise(args)
    rate, long_side = analysis_options(args)
    th = load_config(args.config).for_exercise(exercise)
    probe(video)  # fail fast on a missing or unreadable file, or a still image
    json_out, video_out, outs = plan_analyze_outputs(args, video)
    model = resolve_model(args.model, progress=not args.quiet)


    t0 = time.perf_counter()
    va = analyze_video(video, args.exercise, th, model, segmentation=not args.no_segmentation,
                       progress=not args.quiet, on_pose=None if outs.stills is None else outs.stills.on_pose,
                       analysis_fps=rate, long_side=long_side)
    analysis, n = va.analysis, va.frames
    outcome = Outcome()  # each output on its own: one that fails costs only itself
    if video_out is not None:
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
    with human_output(json_out):
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
