"""SIGKILL at random moments of ``analyze`` and ``score``: every output is whole or
absent after every kill, and the history stays valid (``PRAGMA integrity_check``).

50 kills in all (35 ``analyze`` of a 1.5-second clip with the lite model, every
output on; 15 ``score`` of two such clips from a warm cache, which is when its outputs
are written). ``benchmarks/killsweep.py`` runs many more, also of uncached ``score``.
"""

from __future__ import annotations

import random
import time

import pytest
from assets import require_model_dir
from iofaults import tiny_clip
from killkit import Zygote, broken_outputs, check_history, temporary_files

ANALYZE_KILLS = 35
SCORE_KILLS = 15
FRAMES = 45


def kill_times(rng: random.Random, full_s: float, n: int) -> list[float]:
    """``n`` moments (seconds): half anywhere in a run of ``full_s``, half in its last 40 %
    (where the outputs are written)."""
    return [rng.uniform(0.0, 1.05 * full_s) if i % 2 else rng.uniform(0.6 * full_s, 1.05 * full_s)
            for i in range(n)]


def full_run(z: Zygote, argv: list[str], cwd, repeat: int = 3) -> float:
    """The median duration (seconds) of ``repeat`` whole runs of ``argv``."""
    times = []
    for _ in range(repeat):
        rc, t = z.run(argv, cwd)
        assert rc == 0, f"{argv[0]} failed with {rc}"
        times.append(t)
    return sorted(times)[len(times) // 2]


def kill_round(z: Zygote, argv: list[str], cwd, full_s: float, n: int, rng, check) -> dict:
    """``n`` runs of ``argv``, each SIGKILLed at a random moment; what each left."""
    killed, partial = 0, []
    for t in kill_times(rng, full_s, n):
        rc, _ = z.run(argv, cwd, kill_after=t)
        killed += rc == -9
        assert rc in (0, -9), f"run ended with {rc}"
        partial += check()
    return {"runs": n, "killed": killed, "partial": partial}


@pytest.mark.model
@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_outputs_whole_or_absent(tmp_path):
    require_model_dir("pose_landmarker_lite.task")
    clips = tmp_path / "clips"
    clips.mkdir()
    clip = tiny_clip(clips / "a.mp4", frames=FRAMES)
    tiny_clip(clips / "b.mp4", frames=FRAMES + 15)
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    analyze = ["analyze", str(clip), "--model", "lite", "--quiet"]
    score = ["score", str(clips), "--out", str(tmp_path / "scores"), "--model", "lite", "--workers", "1", "--quiet"]
    rng = random.Random(20)
    t0 = time.perf_counter()
    with Zygote({"HINGECHECK_HOME": str(home)}) as z:
        full_a = full_run(z, analyze, work)
        assert broken_outputs(work, FRAMES) == [] and (work / "a.annotated.mp4").is_file()
        assert z.run(score, tmp_path)[0] == 0  # fills the cache
        full_s = full_run(z, score, tmp_path)
        a = kill_round(z, analyze, work, full_a, ANALYZE_KILLS, rng,
                       lambda: broken_outputs(work, FRAMES) + [x for x in [check_history(home / "history.sqlite")] if x])
        s = kill_round(z, score, tmp_path, full_s, SCORE_KILLS, rng, lambda: broken_outputs(tmp_path / "scores"))
    left = temporary_files(work) + temporary_files(tmp_path / "scores")
    print(f"\nSIGKILL: analyze {a['killed']}/{a['runs']} killed (full run {full_a:.2f} s), "
          f"score {s['killed']}/{s['runs']} killed (full run {full_s:.2f} s); partial outputs: "
          f"{len(a['partial']) + len(s['partial'])}; temporary files left: {left}; "
          f"{time.perf_counter() - t0:.0f} s in all")
    assert a["partial"] == [] and s["partial"] == []
    # the kills must land (a run that always finished first would test nothing)
    assert a["killed"] >= ANALYZE_KILLS // 3 and s["killed"] >= SCORE_KILLS // 3, (a, s)
    assert check_history(home / "history.sqlite") is None
