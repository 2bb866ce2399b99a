"""Many SIGKILLs at random moments of ``analyze`` and ``score`` (beyond the 50 of
``tests/scoring/test_kill.py``): how many runs left an output that is not whole (must be 0),
how many temporary files were left, and how long it took.

    HINGECHECK_MODEL_DIR=... python benchmarks/killsweep.py [--analyze 200] [--score 100]
                                                           [--score-cold 20] [--seed 1]

Each number is of runs killed (a run that finished before its kill is not counted). ``--score-cold``
runs are killed with the cache emptied first, so the kill can land
while the spawned worker runs the pose model and writes the clip's cache entry.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from iofaults import tiny_clip  # noqa: E402
from killkit import Zygote, broken_outputs, check_history, temporary_files  # noqa: E402
from test_kill import FRAMES, full_run, kill_round  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--analyze", type=int, default=200)
    ap.add_argument("--score", type=int, default=100)
    ap.add_argument("--score-cold", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "clips").mkdir()
        clip = tiny_clip(tmp / "clips" / "a.mp4", frames=FRAMES)
        tiny_clip(tmp / "clips" / "b.mp4", frames=FRAMES + 15)
        work, home, out = tmp / "work", tmp / "home", tmp / "scores"
        work.mkdir()
        analyze = ["analyze", str(clip), "--model", "lite", "--quiet"]
        score = ["score", str(tmp / "clips"), "--out", str(out), "--model", "lite", "--workers", "1", "--quiet"]
        t0 = time.perf_counter()
        with Zygote({"HINGECHECK_HOME": str(home)}) as z:
            full_a = full_run(z, analyze, work)
            a = kill_round(z, analyze, work, full_a, args.analyze, rng,
                           lambda: broken_outputs(work, FRAMES) + [x for x in [check_history(home / "history.sqlite")]
                                                                   if x])
            z.run(score, tmp)
            full_s = full_run(z, score, tmp)
            s = kill_round(z, score, tmp, full_s, args.score, rng, lambda: broken_outputs(out))
            shutil.rmtree(out / "cache")
            full_c = full_run(z, score + ["--retry-failed"], tmp, repeat=1)

            def cold_check():
                problems = broken_outputs(out)
                shutil.rmtree(out / "cache", ignore_errors=True)
                return problems
            c = kill_round(z, score, tmp, full_c, args.score_cold, rng, cold_check)
        left = temporary_files(work) + temporary_files(out)
        for name, r, full in (("analyze", a, full_a), ("score (warm cache)", s, full_s), ("score (cold)", c, full_c)):
            print(f"{name:20s} {r['runs']:4d} runs, {r['killed']:4d} killed, full run {full:5.2f} s, "
                  f"partial outputs: {len(r['partial'])}")
            for p in r["partial"][:5]:
                print("    ", p)
        print(f"temporary files left by the kills: {left}; {time.perf_counter() - t0:.0f} s in all")


if __name__ == "__main__":
    main()
