"""The analysis-rate and analysis-size cases of ``bench.py``.

For the clip (60 fps) and a 1080p and a 4K copy of it made here (upscaled
with OpenCV into a temporary folder, removed afterwards), at every frame
and full size, every frame at the analysis size, 30 fps and 20 fps:

* where the time goes, in one process: decode (grab, and retrieve for the
  kept frames), resize + colour conversion, the pose model, the rest (the
  back contour, the analysis, the loop) — the every-frame, full-size row
  is the reference every ratio is taken against;
* ``hingecheck analyze --no-video`` end to end, each in a subprocess of its
  own: wall time, peak resident memory, and the reps and verdict it gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np

#: (label, analysis fps, analysis long side in pixels); the first is the reference
SETTINGS = (("every frame, full size", 0.0, 0), ("every frame, 640 px", 0.0, 640),
            ("30 fps, 640 px", 30.0, 640), ("20 fps, 640 px", 20.0, 640))
#: the copies of the clip made for the benchmark: (name, height in pixels of a landscape frame)
UPSCALED = (("1080p", 1080), ("4K", 2160))


def upscale_clip(src: Path, dst: Path, short_side: int, seconds: float | None = None) -> Path:
    """Write ``src`` upscaled (bicubic) so that its short side is ``short_side`` pixels;
    only its first ``seconds`` when given."""
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    scale = short_side / min(w, h)
    size = (int(round(w * scale / 2)) * 2, int(round(h * scale / 2)) * 2)
    out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    n = int(seconds * fps) if seconds else None
    while n is None or n > 0:
        ok, frame = cap.read()
        n = None if n is None else n - 1
        if not ok:
            break
        out.write(cv2.resize(frame, size, interpolation=cv2.INTER_CUBIC))
    cap.release()
    out.release()
    return dst


def timed_loop(video: Path, model: Path, fps: float, long_side: int, exercise: str) -> dict:
    """CPU seconds (of every thread of this process: the machine is shared, so wall time is
    noisy) per stage of the analysis loop, run synchronously so that each stage is timed
    alone; ``wall`` is the loop's wall time."""
    from hingecheck.core.analysis import analyze_pose
    from hingecheck.core.config import load_config
    from hingecheck.io.extract import frame_back_contour
    from hingecheck.io.framerate import FramePicker, downscale
    from hingecheck.io.pose import PoseEstimator

    st = dict.fromkeys(("decode", "resize_colour", "pose"), 0.0)
    picker, cap = FramePicker(fps), cv2.VideoCapture(str(video))
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    rows, ts = [], []
    clock = time.process_time
    with PoseEstimator(model, segmentation=True) as est:
        t_start, wall0 = clock(), time.perf_counter()
        while True:
            t0 = clock()
            if not cap.grab():
                break
            t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            if not picker.keep(t):
                st["decode"] += clock() - t0
                continue
            _, frame = cap.retrieve()
            t1 = clock()
            image = est.to_image(downscale(frame, long_side)[0])
            t2 = clock()
            fp = est.detect_image(image, t, size)
            t3 = clock()
            frame_back_contour(fp, 1.0), frame_back_contour(fp, -1.0)
            rows.append(fp.image)
            ts.append(t)
            st["decode"] += t1 - t0
            st["resize_colour"] += t2 - t1
            st["pose"] += t3 - t2
        cap.release()
        _analyse(rows, ts, size, exercise, analyze_pose, load_config)
        total, wall = clock() - t_start, time.perf_counter() - wall0
    return {**st, "rest": total - sum(st.values()), "total": total, "wall": wall, "decoded": picker.seen,
            "analysed": picker.kept}


def _analyse(rows, ts, size, exercise, analyze_pose, load_config) -> None:
    from hingecheck.core.landmarks import PoseSequence
    n = len(rows)
    ones = np.ones((n, 33))
    pose = PoseSequence(np.asarray(rows), np.zeros((n, 33, 3)), ones, ones, np.asarray(ts), size)
    analyze_pose(pose, exercise, load_config().for_exercise(exercise))


#: runs ``argv[1:]`` as its only child; prints its peak RSS (KB) and CPU seconds (user + system)
WRAPPER = ("import resource, subprocess, sys\n"
           "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
           "sys.stderr.write(p.stderr)\n"
           "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "print(u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
           "sys.exit(p.returncode)\n")


def measure(cmd: list[str], env: dict) -> tuple[float, float, float]:
    """(peak RSS in MB, wall seconds, CPU seconds) of ``cmd``, in a wrapper process whose only child it is."""
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"analyze failed: {p.stderr.strip()}")
    kb, cpu = p.stdout.split()[-2:]
    return int(kb) / 1024.0, wall, float(cpu)


def run_analyze(video: Path, model: str, fps: float, long_side: int, exercise: str, tmp: Path) -> dict:
    """``hingecheck analyze --no-video`` in a subprocess: wall and CPU s, peak RSS MB, reps and verdict."""
    out = tmp / "r.json"
    cmd = [sys.executable, "-m", "hingecheck", "analyze", str(video), "--model", model, "--exercise", exercise,
           "--no-video", "--no-html", "--no-history", "--quiet", "--json", str(out),
           "--analysis-fps", f"{fps:g}", "--analysis-size", str(long_side)]
    mb, wall, cpu = measure(cmd, dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1])))
    rep = json.loads(out.read_text())
    s = rep["summary"]
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": mb, "inner_s": rep["timing"]["total_s"], "reps": s["reps"],
            "faults": sorted(s["clip_faults"]), "frames": rep["frames"]}


def rate_cases(clip: Path, model_name: str, exercise: str, tmp: Path, seconds: float | None = None) -> dict:
    """Every setting on the clip and on its upscaled copies (their first ``seconds`` when
    given): the loop's stages and ``analyze``, each printed as soon as it is measured."""
    from hingecheck.io.bundles import resolve_model
    model = resolve_model(model_name)
    out = {}
    for label, short in (("source", None), *UPSCALED):
        video = clip
        if short is not None:
            print(f"  making the {label} copy ...", flush=True)
            video = upscale_clip(clip, tmp / f"{clip.stem}-{label}.mp4", short, seconds)
        w, h = _size(video)
        cases: dict = {}
        out[f"{clip.stem} {label}"] = {"size": [w, h], "cases": cases}
        for name, fps, side in SETTINGS:
            if side and max(w, h) <= side and fps == 0.0:
                continue  # the same as full size
            cases[name] = {"loop": timed_loop(video, model, fps, side, exercise),
                           "analyze": run_analyze(video, model_name, fps, side, exercise, tmp)}
            print(f"  {label} {w}x{h} {name}: {json.dumps(cases[name], default=float)}", flush=True)
        if video != clip:
            video.unlink()
    return out


def _size(video: Path) -> tuple[int, int]:
    cap = cv2.VideoCapture(str(video))
    size = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    cap.release()
    return size


def print_rate_tables(results: dict, model: str) -> None:
    """Per video: the stages (CPU s) and ``analyze`` (wall and CPU s) of each setting, with
    ratios to the every-frame full-size loop (``ratio``, ``/loop``: CPU to CPU) and to
    every-frame full-size ``analyze`` (``/every``: wall to wall, then CPU to CPU)."""
    print(f"\nanalysis rate and size ({model} model, {os.cpu_count()} CPUs): loop stages in CPU seconds; "
          "ratio and /loop: CPU / the every-frame full-size loop's CPU; /every: wall, CPU / every-frame "
          "full-size analyze's")
    head = (f"  {'setting':24s} {'frames':>9s} {'decode':>7s} {'rsz+col':>7s} {'pose':>7s} {'rest':>6s} "
            f"{'loop':>6s} {'ratio':>5s} | {'wall s':>6s} {'CPU s':>6s} {'/loop':>5s} {'/every':>11s} "
            f"{'RSS MB':>6s} reps verdict")
    for label, v in results.items():
        print(f"\n{label} {v['size'][0]}x{v['size'][1]}")
        print(head)
        cases = v["cases"]
        ref = cases[SETTINGS[0][0]]
        for name, c in cases.items():
            lp, an = c["loop"], c["analyze"]
            rl, ra = ref["loop"]["total"], ref["analyze"]
            every = f"{an['wall_s'] / ra['wall_s']:.2f}, {an['cpu_s'] / ra['cpu_s']:.2f}"
            print(f"  {name:24s} {lp['analysed']:4d}/{lp['decoded']:4d} {lp['decode']:7.1f} "
                  f"{lp['resize_colour']:7.1f} {lp['pose']:7.1f} {lp['rest']:6.1f} {lp['total']:6.1f} "
                  f"{lp['total'] / rl:5.2f} | {an['wall_s']:6.1f} {an['cpu_s']:6.1f} {an['cpu_s'] / rl:5.2f} "
                  f"{every:>11s} {an['peak_rss_mb']:6.0f} {an['reps']:4d} {','.join(an['faults']) or 'none'}")
