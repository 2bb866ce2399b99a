"""Start-up time: ``hingecheck --version`` and ``python -c "import hingecheck"``.

Each command runs ``--runs`` times (default 5) in a fresh process after one
warm-up run (so the file cache is warm); prints the median and every run's
wall time, and the target: ``--version`` under 0.3 s, the import under 0.5 s.
``python -c pass`` is timed the same way, as the floor the interpreter
itself sets on this machine. Exits 1 if a median misses its target.

    python benchmarks/startup.py [--runs 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: (name, argv after the interpreter, target median in seconds or None)
CASES = (
    ("python -c pass", ["-c", "pass"], None),
    ("hingecheck --version", ["-m", "hingecheck", "--version"], 0.3),
    ("python -c 'import hingecheck'", ["-c", "import hingecheck"], 0.5),
)


def wall_times(argv: list[str], runs: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    subprocess.run([sys.executable, *argv], env=env, capture_output=True, check=True)  # warm-up
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, *argv], env=env, capture_output=True, check=True)
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", help="also write the figures as JSON here")
    args = ap.parse_args()
    rows, ok = [], True
    for name, argv, target in CASES:
        times = wall_times(argv, args.runs)
        med = statistics.median(times)
        met = target is None or med < target
        ok &= met
        rows.append({"case": name, "median_s": round(med, 3), "runs_s": [round(t, 3) for t in times],
                     "target_s": target, "met": met})
        verdict = "" if target is None else f"  target < {target} s: {'met' if met else 'MISSED'}"
        print(f"{name:<32} median {med:.3f} s  runs {', '.join(f'{t:.3f}' for t in times)}{verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps({"python": sys.version.split()[0], "cases": rows}, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
