"""Does the synthetic lifter read like a real one? The neck and the back as MediaPipe reads them.

The back and head rules (rounded back, dropped head) read the neck's flexion against the
trunk (degrees) and the shoulder's offset from the ear-hip line (fraction of its length)
at the bottom of each rep. This compares what MediaPipe gives for them on real and on
synthetic reps filmed side-on (estimated yaw within the side view):

* at each rep's bottom: real good-form reps (the design clips, everything outside the
  lockbox, whose clips are never read here, labelled with no fault) against synthetic reps
  with neither a rounded back nor a dropped head dialled in;
* at the top a rep starts from, standing (not a lift from the floor): the same, and every
  labelled design clip, whatever its fault (people stand with the head neutral before they
  hinge). A difference there is MediaPipe reading the two bodies differently; a difference
  only at the bottom is a difference of posture.

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

#: the faults that move the compared measures on purpose
BACK_AND_HEAD = ("rounded_back", "dropped_head")
#: (name, what it is) of each measure, per rep
MEASURES = (("neck_top", "neck flexion at the top a rep starts from, standing (deg)"),
            ("neck_bottom", "neck flexion at the bottom (deg)"),
            ("spine_bottom", "shoulder off the ear-hip line at the bottom (fraction)"))


def rep_measures(prepared, exercise: str, config) -> list[dict]:
    """The measures of every whole rep of a clip filmed side-on (none otherwise); the top is
    NaN for a lift from the floor."""
    from hingecheck.core.analysis import judge_all

    th = config.for_exercise(exercise)
    if not (np.isfinite(prepared.yaw) and prepared.yaw < th.yaw_side_max_deg):
        return []
    neck = prepared.sig.neck_angle
    out = []
    for v in judge_all(prepared, th):
        if not v.rep.complete:
            continue
        standing = v.rep.start != v.rep.bottom
        out.append({"neck_top": float(neck[v.rep.start]) if standing else float("nan"),
                    "neck_bottom": float(v.metrics.get("neck_angle_bottom", float("nan"))),
                    "spine_bottom": float(v.metrics.get("spine_alignment_bottom", float("nan")))})
    return out


def real_reps(clips: Path, cache: Path, config) -> dict[str, tuple[bool, list[dict]]]:
    """{clip: (good form, its side-on reps)} of every design clip labelled with its faults."""
    import evaluate

    from hingecheck.scoring.lockbox import lockbox_for_folder

    design = [Path(c).name for c in lockbox_for_folder(clips)[1]]
    out = {}
    for case in evaluate.load(clips, cache, "full", design, config=config):
        label = case.label
        if label.faults is None or label.any_fault:
            continue
        reps = rep_measures(case.prepared, label.exercise, config)
        if reps:
            out[case.clip] = (not label.faults, reps)
    return out


def synthetic_reps(folders: list[Path], config) -> list[dict]:
    """Side-on reps of kept corpus clips with neither a rounded back nor a dropped head dialled in."""
    from tools.synth.corpus_run import clip_names, prepared_clip

    out = []
    for folder in folders:
        for name in clip_names(folder):
            clip = prepared_clip(folder, name, config)
            if clip is None or any(f in clip.params["motion"]["faults"] for f in BACK_AND_HEAD):
                continue
            out += rep_measures(clip.prepared, clip.truth["exercise"], config)
    return out


def describe(reps: list[dict], measure: str) -> str:
    """median (interquartile range), reps: of the finite values of ``measure``."""
    v = np.array([r[measure] for r in reps], float)
    v = v[np.isfinite(v)]
    if not v.size:
        return "–"
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    fmt = "{:+.3f}" if measure.startswith("spine") else "{:+.1f}"
    return f"{fmt.format(med)} ({fmt.format(q1)} to {fmt.format(q3)}), {v.size}"


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
    good = [r for is_good, reps in real.values() if is_good for r in reps]
    every = [r for _, reps in real.values() for r in reps]
    print("| measure, side-on reps | real good form | real, every labelled clip | synthetic, no back or head fault |")
    print("|---|---|---|---|")
    for key, what in MEASURES:
        print(f"| {what} | {describe(good, key)} | {describe(every, key) if key == 'neck_top' else '–'} "
              f"| {describe(synth, key)} |")
    print("\nmedian (interquartile range), reps. Real clips read side-on:")
    for clip, (is_good, reps) in sorted(real.items()):
        print(f"  {clip} ({'good form' if is_good else 'faulty'}): "
              + "; ".join(f"{key} {describe(reps, key)}" for key, _ in MEASURES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
