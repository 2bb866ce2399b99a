"""Where the time goes: one run, the same decoded frames, ratios to the limit.

    python benchmarks/bench.py [CLIP] [--models lite full] [--workers 1 2]
                               [--long-minutes 10] [--skip-memory] [--json OUT]

CLIP defaults to clip01.mp4 in ``$HINGECHECK_CLIPS``; models come from
``$HINGECHECK_MODEL_DIR`` or the download cache. For each model it measures,
in one process and one run (the machine is noisy, so compare the ratios):

* inference only: PoseLandmarker (VIDEO mode, the same options as
  ``analyze``) on frames decoded beforehand — the limit;
* ``analyze`` end to end from the file: decode + pose + geometry + reps +
  rules, without and with the annotated video;
* geometry + rules alone, per frame;
* the live loop's latency per frame (the clip paced at real time);
* batch scoring of a few clips with 1..N workers.

Then the peak resident memory of ``analyze`` (lite, a subprocess) on a
1-minute and a ``--long-minutes`` video made by looping the clip, to show it
does not grow with the video's length.

Then the analysis rate and size (``benchmarks/ratebench.py``; ``--rate-only``
runs just these, ``--skip-rate`` leaves them out): the clip and a 1080p and
4K copy of it, every frame at full size (the reference), every frame at
640 px, 30 and 20 fps: where the time goes (decode, resize + colour, pose,
the rest), and ``analyze --no-video`` in a subprocess each (wall time, peak
memory, reps and verdict).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cv2  # noqa: E402

from hingecheck.core.analysis import analyze_pose  # noqa: E402
from hingecheck.core.config import load_config  # noqa: E402
from hingecheck.io import _quiet  # noqa: E402,F401
from hingecheck.io.bundles import resolve_model  # noqa: E402
from hingecheck.io.extract import extract_pose  # noqa: E402
from hingecheck.io.pose import PoseEstimator  # noqa: E402

BATCH_CLIPS = ("clip05.mp4", "clip06.mp4", "clip13.mp4", "clip14.mp4")


def decode_all(path: Path) -> tuple[list[np.ndarray], list[float], float]:
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames, ts = [], []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
        ts.append(len(ts) / fps)
    cap.release()
    return frames, ts, fps


def bench_inference(frames, ts, model, segmentation=True) -> float:
    """Seconds for PoseLandmarker alone over the decoded frames."""
    with PoseEstimator(model, segmentation=segmentation) as est:
        est.detect(frames[0], -1.0)  # warm-up (graph start) outside the timing
        t0 = time.perf_counter()
        for f, t in zip(frames, ts):
            est.detect(f, t)
        return time.perf_counter() - t0


def bench_analyze(clip: Path, model, exercise: str, video: bool) -> tuple[float, object, object]:
    from hingecheck.outputs.render import render_annotated
    th = load_config().for_exercise(exercise)
    t0 = time.perf_counter()
    run = extract_pose(clip, model, progress=False)
    analysis = analyze_pose(run.pose, exercise, th)
    if video:
        with tempfile.TemporaryDirectory() as d:
            render_annotated(clip, run.pose, analysis, Path(d) / "a.mp4", progress=False)
    return time.perf_counter() - t0, run.pose, analysis


def bench_rules(pose, exercise: str, repeat: int = 5) -> float:
    """Seconds per frame for geometry + smoothing + reps + rules (best of ``repeat``)."""
    th = load_config().for_exercise(exercise)
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        analyze_pose(pose, exercise, th)
        best = min(best, time.perf_counter() - t0)
    return best / len(pose)


def bench_stream(pose, exercise: str) -> float:
    """Seconds per frame of the live path's incremental analysis alone."""
    from hingecheck.core.stream import StreamingAnalyzer
    th = load_config().for_exercise(exercise)
    s = StreamingAnalyzer(exercise, th, pose.frame_size)
    bc = pose.back_curvature if pose.back_curvature is not None else np.full(len(pose), np.nan)
    t0 = time.perf_counter()
    for i in range(len(pose)):
        s.push(pose.timestamps[i], pose.image[i], pose.visibility[i], bc[i])
    return (time.perf_counter() - t0) / len(pose)


def bench_live(clip: Path, model, exercise: str) -> dict:
    from hingecheck.apps.live import FrameSource, run_live
    th = load_config().for_exercise(exercise)
    res = run_live(FrameSource(source=str(clip), realtime=True), model, exercise, th, window=False)
    return res.stats()


def bench_batch(clips: list[Path], model, workers: int) -> float:
    from hingecheck.scoring.batch import score_batch
    from hingecheck.scoring.labels import ClipJob
    jobs = [ClipJob(clip=c.name, path=c, exercise="kettlebell_deadlift") for c in clips]
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        score_batch(jobs, d, model=str(model), workers=workers, progress=False, labelled=False)
        return time.perf_counter() - t0


def loop_video(src: Path, out: Path, minutes: float, step: int) -> int:
    """Write ``minutes`` of ``src`` looped (every ``step``-th frame) to ``out``."""
    frames, _, fps = decode_all(src)
    frames = frames[::step]
    fps_out = fps / step
    w = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps_out,
                        (frames[0].shape[1], frames[0].shape[0]))
    n = int(minutes * 60 * fps_out)
    for i in range(n):
        w.write(frames[i % len(frames)])
    w.release()
    return n


def peak_rss_mb(cmd: list[str], env: dict) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of ``cmd``, measured by a wrapper
    process whose only child it is (``ru_maxrss`` of children is a maximum
    over every child ever waited for, so it must not be read here)."""
    wrapper = ("import resource, subprocess, sys\n"
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "sys.stderr.write(p.stderr)\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
               "sys.exit(p.returncode)\n")
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", wrapper, *cmd], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"analyze failed: {p.stderr.strip()}")
    return int(p.stdout.strip().splitlines()[-1]) / 1024.0, wall


def bench_memory(clip: Path, long_minutes: float) -> dict:
    out = {}
    env = dict(os.environ, PYTHONPATH=str(REPO))
    with tempfile.TemporaryDirectory() as d:
        for minutes in (1.0, long_minutes):
            video = Path(d) / f"loop{minutes:g}.mp4"
            n = loop_video(clip, video, minutes, step=2)
            cmd = [sys.executable, "-m", "hingecheck", "analyze", str(video), "--model", "lite",
                   "--no-video", "--quiet", "--json", str(Path(d) / "r.json"), "--analysis-fps", "0"]
            mb, wall = peak_rss_mb(cmd, env)
            out[f"{minutes:g} min"] = {"frames": n, "peak_rss_mb": round(mb, 1), "wall_s": round(wall, 1)}
            video.unlink()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clip", nargs="?")
    ap.add_argument("--exercise", default="kettlebell_deadlift")
    ap.add_argument("--models", nargs="+", default=["lite", "full"])
    ap.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--long-minutes", type=float, default=10.0)
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-live", action="store_true")
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--skip-rate", action="store_true", help="leave out the analysis rate and size cases")
    ap.add_argument("--rate-only", action="store_true", help="run only the analysis rate and size cases")
    ap.add_argument("--rate-model", default="full", help="model of the rate cases (default full, as analyze)")
    ap.add_argument("--rate-seconds", type=float, default=None,
                    help="make the 1080p and 4K copies of the clip's first S seconds only (default: all of it)")
    args = ap.parse_args()

    clips_dir = Path(os.environ.get("HINGECHECK_CLIPS", REPO.parent / "shared" / "clips"))
    clip = Path(args.clip) if args.clip else clips_dir / "clip01.mp4"
    if not clip.is_file():
        raise SystemExit(f"clip not found: {clip} (pass one, or set HINGECHECK_CLIPS)")
    results: dict = {"clip": clip.name, "models": {}}
    if not args.rate_only:
        bench_models(clip, clips_dir, args, results)
    if not args.skip_rate:
        from ratebench import print_rate_tables, rate_cases
        with tempfile.TemporaryDirectory() as d:
            results["rate"] = rate_cases(clip, args.rate_model, args.exercise, Path(d), args.rate_seconds)
        print_rate_tables(results["rate"], args.rate_model)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=float) + "\n")


def bench_models(clip: Path, clips_dir: Path, args, results: dict) -> None:
    """The per-model cases and the memory of long videos."""
    frames, ts, fps = decode_all(clip)
    h, w = frames[0].shape[:2]
    print(f"clip {clip.name}: {len(frames)} frames {w}x{h} at {fps:.0f} fps; {os.cpu_count()} CPUs")
    results.update({"frames": len(frames), "size": [w, h], "fps": fps})
    for name in args.models:
        model = resolve_model(name)
        r: dict = {}
        t_inf = bench_inference(frames, ts, model)
        r["inference_only_fps"] = len(frames) / t_inf
        r["inference_no_mask_fps"] = len(frames) / bench_inference(frames, ts, model, segmentation=False)
        t_an, pose, _ = bench_analyze(clip, model, args.exercise, video=False)
        r["analyze_fps"] = len(frames) / t_an
        t_av, _, _ = bench_analyze(clip, model, args.exercise, video=True)
        r["analyze_video_fps"] = len(frames) / t_av
        r["rules_us_per_frame"] = bench_rules(pose, args.exercise) * 1e6
        r["rules_share_of_frame"] = r["rules_us_per_frame"] * 1e-6 * r["inference_only_fps"]
        r["stream_us_per_frame"] = bench_stream(pose, args.exercise) * 1e6
        if not args.skip_live:
            r["live"] = bench_live(clip, model, args.exercise)
        batch_clips = [clips_dir / c for c in BATCH_CLIPS if (clips_dir / c).is_file()]
        if batch_clips:
            r["batch_clips"] = [c.name for c in batch_clips]
            r["batch_s"] = {str(k): bench_batch(batch_clips, model, k) for k in args.workers}
        results["models"][name] = r
        print_table(results, name)
    if not args.skip_memory:
        results["memory"] = bench_memory(clip, args.long_minutes)
        print("\npeak resident memory of `hingecheck analyze` (lite, looped clip at half its frame rate):")
        for k, v in results["memory"].items():
            print(f"  {k:>7}: {v['frames']:6d} frames  peak RSS {v['peak_rss_mb']:7.1f} MB  ({v['wall_s']} s)")


def print_table(results: dict, name: str) -> None:
    r = results["models"][name]
    lim = r["inference_only_fps"]
    rows = [
        ("inference only (the limit)", r["inference_only_fps"], 1.0),
        ("inference only, no mask", r["inference_no_mask_fps"], r["inference_no_mask_fps"] / lim),
        ("analyze, no video", r["analyze_fps"], r["analyze_fps"] / lim),
        ("analyze + annotated video", r["analyze_video_fps"], r["analyze_video_fps"] / lim),
    ]
    print(f"\n{name} model                          fps   ratio to inference-only")
    for label, fps_, ratio in rows:
        print(f"  {label:30s} {fps_:7.1f}   {ratio:5.2f}")
    print(f"  geometry + rules               {r['rules_us_per_frame']:7.1f} us/frame = "
          f"{100 * r['rules_share_of_frame']:.2f}% of a frame's inference")
    print(f"  live incremental analysis      {r['stream_us_per_frame']:7.1f} us/frame")
    if "live" in r:
        lv = r["live"]
        print(f"  live loop (real time)          {lv['processing_fps']:7.1f} fps, latency median "
              f"{lv['latency_ms_median']} ms, p95 {lv['latency_ms_p95']} ms, dropped {lv['frames_dropped']}")
    if "batch_s" in r:
        one = r["batch_s"].get("1")
        for k, s in r["batch_s"].items():
            speed = f"  speed-up {one / s:.2f}x" if one else ""
            print(f"  batch {len(r['batch_clips'])} clips, {k} worker(s)   {s:7.1f} s{speed}")


if __name__ == "__main__":
    main()
