"""SIGKILL at random moments of ``analyze`` and ``score``: every output is whole or
absent after every kill, and the history stays valid (``PRAGMA integrity_check``).

50 kills in all (35 ``analyze`` of a 1.5-second clip with the lite model, every
output on; 15 ``score`` of two such clips from a warm cache, which is when its outputs
are written); a run that finishes before its kill does not count, and another is run. ``benchmarks/killsweep.py`` runs many more, also of uncached ``score``.
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


def kill_time(rng: random.Random, full_s: float, i: int) -> float:
    """A moment (seconds) in a run of about ``full_s``: on odd ``i`` anywhere in it, on even
    ``i`` in its last 40 % (where the outputs are written)."""
    return rng.uniform(0.0, full_s) if i % 2 else rng.uniform(0.6 * full_s, full_s)


def full_run(z: Zygote, argv: list[str], cwd, repeat: int = 3) -> float:
    """The median of ``repeat`` whole runs of ``argv`` (seconds)."""
    times = []
    for _ in range(repeat):
        rc, t = z.run(argv, cwd)
        assert rc == 0, f"{argv[0]} failed with {rc}"
        times.append(t)
    return sorted(times)[len(times) // 2]


def kill_round(z: Zygote, argv: list[str], cwd, full_s: float, kills: int, rng, check) -> dict:
    """Runs of ``argv``, each SIGKILLed at a random moment, until ``kills`` of them were
    killed before they finished (at most ``4 * kills`` runs); what each run left. A run that
    finishes first moves the estimate of a whole run (``full_s``) halfway to its own time,
    so the kills keep landing as the machine's load changes."""
    runs, killed, partial = 0, 0, []
    while killed < kills and runs < 4 * kills:
        rc, t = z.run(argv, cwd, kill_after=kill_time(rng, full_s, runs))
        runs += 1
        killed += rc == -9
        assert rc in (0, -9), f"run ended with {rc}"
        if rc == 0:
            full_s = 0.5 * (full_s + t)
        partial += check()
    return {"runs": runs, "killed": killed, "partial": partial}


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
    print(f"\nSIGKILL: analyze {a['killed']} killed in {a['runs']} runs (whole run {full_a:.2f} s), "
          f"score {s['killed']} killed in {s['runs']} runs (whole run {full_s:.2f} s); partial outputs: "
          f"{len(a['partial']) + len(s['partial'])}; temporary files left: {left}; "
          f"{time.perf_counter() - t0:.0f} s in all")
    assert a["partial"] == [] and s["partial"] == []
    # the kills must land (a run that always finished first would test nothing)
    assert a["killed"] == ANALYZE_KILLS and s["killed"] == SCORE_KILLS, (a, s)
    assert check_history(home / "history.sqlite") is None
