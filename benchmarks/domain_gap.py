"""Does the synthetic lifter read like a real one? Back and head measures at each rep's bottom.

The back and head rules (rounded back, dropped head) read the neck's flexion against the
trunk (degrees) and the shoulder's offset from the ear-hip line (fraction of its length)
at the bottom of each rep. This compares what MediaPipe gives for both on

* real good-form reps: the design clips (everything outside the lockbox, whose clips are
  never read here) labelled with no fault, filmed side-on (estimated yaw within the side
  view), and
* synthetic reps with neither a rounded back nor a dropped head dialled in, side-on,
  from one or more kept corpus folders (``synth_corpus.py make``).

Where the two differ, thresholds fitted on real clips cannot be checked on the corpus (and
the corpus cannot fit them). Needs the real clips' landmarks in a ``hingecheck score``
cache (see ``benchmarks/evaluate.py``)::

    python benchmarks/domain_gap.py $CLIPS --cache CACHE corpus-fit corpus-test
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
for p in (REPO, REPO / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

#: the per-rep metrics compared (see hingecheck.core.judging), and the faults that move them
MEASURES = ("neck_angle_bottom", "spine_alignment_bottom")
BACK_AND_HEAD = ("rounded_back", "dropped_head")


def bottoms(prepared, exercise: str, config) -> list[dict]:
    """The compared measures of every whole rep judged side-on (the estimated yaw within the side view)."""
    from hingecheck.core.analysis import judge_all

    th = config.for_exercise(exercise)
    out = []
    for v in judge_all(prepared, th):
        yaw = v.metrics.get("yaw_deg", float("nan"))
        if v.rep.complete and np.isfinite(yaw) and yaw < th.yaw_side_max_deg:
            out.append({m: float(v.metrics.get(m, float("nan"))) for m in MEASURES})
    return out


def real_reps(clips: Path, cache: Path, config) -> dict[str, list[dict]]:
    """Side-on good-form reps of each design clip labelled with no fault."""
    import evaluate

    from hingecheck.scoring.lockbox import lockbox_for_folder

    design = [Path(c).name for c in lockbox_for_folder(clips)[1]]
    out = {}
    for case in evaluate.load(clips, cache, "full", design, config=config):
        label = case.label
        if label.faults is None or label.any_fault or label.faults:
            continue
        reps = bottoms(case.prepared, label.exercise, config)
        if reps:
            out[case.clip] = reps
    return out


def synthetic_reps(folders: list[Path], config) -> list[dict]:
    from tools.synth.corpus_run import clip_names, prepared_clip

    out = []
    for folder in folders:
        for name in clip_names(folder):
            clip = prepared_clip(folder, name, config)
            if clip is None or any(f in clip.params["motion"]["faults"] for f in BACK_AND_HEAD):
                continue
            out += bottoms(clip.prepared, clip.truth["exercise"], config)
    return out


def describe(reps: list[dict], measure: str) -> str:
    v = np.array([r[measure] for r in reps], float)
    v = v[np.isfinite(v)]
    if not v.size:
        return "–"
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    fmt = "{:+.3f}" if "spine" in measure else "{:+.1f}"
    return f"{fmt.format(med)} ({fmt.format(q1)} to {fmt.format(q3)}), {v.size} reps"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clips", type=Path, help="the shared clips folder (labels, sources)")
    ap.add_argument("--cache", type=Path, required=True, help="a hingecheck score output folder holding the landmarks")
    ap.add_argument("corpus", type=Path, nargs="+", help="kept synthetic corpus folders")
    args = ap.parse_args(argv)
    from hingecheck.core.config import load_config

    config = load_config()
    real = real_reps(args.clips, args.cache, config)
    synth = synthetic_reps(args.corpus, config)
    pooled = [r for reps in real.values() for r in reps]
    print(f"real good-form design clips read side-on: {', '.join(sorted(real))}")
    print("| measure at the bottom | real good form: median (IQR) | synthetic, no back or head fault |")
    print("|---|---|---|")
    for m in MEASURES:
        print(f"| {m} | {describe(pooled, m)} | {describe(synth, m)} |")
    print()
    for clip, reps in sorted(real.items()):
        print(f"{clip}: " + "; ".join(f"{m} {describe(reps, m)}" for m in MEASURES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
