"""Accuracy on the real clips that cannot flatter itself: cross-validated by source, lockbox apart.

The clips are split once by :mod:`hingecheck.scoring.lockbox` (a fixed seed
in the code). On the *design* clips (everything outside the lockbox) the
thresholds are fitted leave-one-source-out (:func:`hingecheck.scoring.tune.cross_validate`)
and every clip is predicted by thresholds that never saw its source. The
*lockbox* clips are predicted by the thresholds fitted on all design clips,
and scored once (``--lockbox``): the run writes its figures to
``--lockbox-record`` and refuses to run again while that file exists.

Every figure comes with a 95 % bootstrap interval over sources (sources
drawn with replacement, ``--boot`` times), because clips of one source are
not independent. Needs the clips' landmarks in a ``hingecheck score`` cache
made at the default analysis rate and size (30 frames a second, 640 px)::

    hingecheck score $CLIPS/labels.csv $CLIPS/labels-more.csv --sources $CLIPS/sources.csv --out CACHE
    python benchmarks/evaluate.py $CLIPS --cache CACHE
    python benchmarks/evaluate.py $CLIPS --cache CACHE --lockbox     # once, at the end
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from hingecheck.core.faults import FAULTS  # noqa: E402

ANALYSIS = (30.0, 640)  # the default analysis rate and size of analyze/score


def clip_counts(label, pred) -> tuple[int, int, int]:
    """(tp, fp, fn) of one clip's verdict over the seven faults; optional faults and
    ``any``/unscored labels count for no single fault (as :func:`compute_metrics`)."""
    if label.faults is None or label.any_fault or pred.error:
        return 0, 0, 0
    tp = fp = fn = 0
    for f in FAULTS:
        if f in label.optional:
            continue
        want, got = f in label.faults, f in pred.faults
        tp += want and got
        fp += got and not want
        fn += want and not got
    return tp, fp, fn


def figures(rows: list[dict]) -> dict:
    """Micro F1 / precision / recall, good-form clips clean, not checked, errors, of per-clip rows."""
    tp = sum(r["tp"] for r in rows)
    fp = sum(r["fp"] for r in rows)
    fn = sum(r["fn"] for r in rows)
    good = [r for r in rows if r["good"]]
    good_checked = [r for r in good if not r["not_checked"]]
    return {"f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan"),
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan"),
            "tp": tp, "fp": fp, "fn": fn,
            "good_clean": (sum(r["clean"] for r in good_checked) / len(good_checked)) if good_checked else float("nan"),
            "good_n": len(good_checked), "good_not_checked": len(good) - len(good_checked),
            "errors": sum(r["error"] for r in rows), "clips": len(rows)}


def bootstrap(rows: list[dict], key: str, n: int, seed: int = 0) -> tuple[float, float]:
    """95 % interval of ``figures(rows)[key]`` over sources drawn with replacement."""
    by_src: dict[str, list[dict]] = {}
    for r in rows:
        by_src.setdefault(r["source"], []).append(r)
    names = sorted(by_src)
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n):
        pick = [r for i in rng.integers(len(names), size=len(names)) for r in by_src[names[i]]]
        v = figures(pick)[key]
        if np.isfinite(v):
            vals.append(v)
    if not vals:
        return float("nan"), float("nan")
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


def with_sets(config, sets: list[str]):
    """``config`` with each ``KEY=VALUE`` of ``sets`` (a Thresholds field, a number) set for
    every exercise: an experiment's one change, fitted and cross-validated like the rest."""
    from hingecheck.core.config import Config

    values = {}
    for item in sets:
        key, _, value = item.partition("=")
        values[key.strip()] = float(value)
    return Config(config.default.replace(**values),
                  {ex: {k: v for k, v in t.items() if k not in values} for ex, t in config.overrides.items()})


def coverage(case, config=None) -> tuple[set[str], str]:
    """(the faults no rep of the clip could judge, the clip's verdict state), judged with the
    built-in thresholds: where the camera's view and hidden joints say "can't judge"
    (:mod:`hingecheck.core.states`: a clip where most checks could not run is *not checked*)."""
    from hingecheck.core.analysis import judge_all
    from hingecheck.core.config import Config
    from hingecheck.core.faults import FAULTS as ALL
    from hingecheck.core.judging import clip_faults
    from hingecheck.core.states import clip_state

    every = judge_all(case.prepared, (config or Config()).for_exercise(case.label.exercise))
    verdicts = [v for v in every if v.rep.complete] or every  # as clip_faults: whole reps if any
    state = clip_state(every, clip_faults(every), case.label.exercise).state
    if not verdicts:
        return set(ALL), str(state)
    return {f for f in ALL if all((not v.judged) or f in v.cant_judge for v in verdicts)}, str(state)


def rows_of(cases, preds, config=None) -> list[dict]:
    out = []
    for c in cases:
        p = preds[c.clip]
        unjudged, state = coverage(c, config)
        tp, fp, fn = clip_counts(c.label, p)
        good = c.label.faults is not None and not c.label.faults and not c.label.any_fault
        extra = set(p.faults) - set(c.label.optional)
        out.append({"clip": c.clip, "source": c.source, "view": c.label.view, "tp": tp, "fp": fp, "fn": fn,
                    "good": good, "clean": good and not extra, "not_checked": p.judged_reps == 0 or state == "not_checked",
                    "state": state,
                    "error": bool(p.error), "missed_unjudged": sorted(set(c.label.faults or []) & unjudged),
                    "label": sorted(c.label.faults or []) or
                    (["any"] if c.label.any_fault else ["none"]), "verdict": sorted(p.faults)})
    return out


def report(title: str, rows: list[dict], boot: int) -> str:
    lines = [f"## {title}", "", "| clips | micro F1 [95% CI] | precision | recall | good-form clean [95% CI] | "
             "good, not checked | errors |", "|---|---|---|---|---|---|---|"]
    for name, sub in (("all", rows), ("side", [r for r in rows if r["view"] == "side"]),
                      ("oblique", [r for r in rows if r["view"] == "oblique"])):
        if not sub:
            continue
        f = figures(sub)
        lo, hi = bootstrap(sub, "f1", boot)
        glo, ghi = bootstrap(sub, "good_clean", boot)
        lines.append(f"| {name} ({f['clips']}) | {f['f1']:.2f} [{lo:.2f}, {hi:.2f}] (tp {f['tp']}, fp {f['fp']}, "
                     f"fn {f['fn']}) | {f['precision']:.2f} | {f['recall']:.2f} | {f['good_clean']:.2f} "
                     f"[{glo:.2f}, {ghi:.2f}] of {f['good_n']} | {f['good_not_checked']} | {f['errors']} |")
    said = sum(len(r["missed_unjudged"]) for r in rows)
    lines += ["", f"Of the {figures(rows)['fn']} labelled faults missed, {said} were said *can't judge* "
                  "on every whole rep (the camera's view or hidden joints), not passed as clean.", "",
              "| clip | source | view | label | verdict | labelled but can't judge | not checked |",
              "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['clip']} | {r['source']} | {r['view']} | {', '.join(r['label'])} | "
                     f"{', '.join(r['verdict']) or 'none'} | {', '.join(r['missed_unjudged'])} | "
                     f"{'yes' if r['not_checked'] else ''} |")
    return "\n".join(lines) + "\n"


def load(folder: Path, cache: Path, model: str, clips: list[str], no_yaw: bool = False, config=None):
    from hingecheck.apps.tune_cmd import load_cases
    from hingecheck.io.bundles import resolve_model
    from hingecheck.scoring.labels import read_label_files, read_sources
    from hingecheck.scoring.tune import prior_config

    labels = [p for p in (folder / "labels.csv", folder / "labels-more.csv") if p.is_file()]
    jobs = [j for j in read_label_files(labels) if Path(j.clip).name in clips]
    sources = read_sources(folder / "sources.csv", jobs)
    cases, skipped = load_cases(jobs, sources, cache, resolve_model(model, download=False, progress=False),
                                config or prior_config(), analysis=ANALYSIS)
    for s in skipped:
        print(f"left out: {s}", file=sys.stderr)
    if no_yaw:  # as before the camera's yaw was estimated: the side-on ratio gates alone
        from hingecheck.scoring.tune import TuneCase
        cases = [TuneCase.from_pose(c.clip, c.source, c.label, dataclasses.replace(c.prepared.pose, world=None),
                                    config or prior_config()) for c in cases]
    return cases


def main(argv=None) -> int:
    from hingecheck.core.analysis import judge_all
    from hingecheck.core.judging import clip_faults
    from hingecheck.scoring.lockbox import lockbox_for_folder
    from hingecheck.scoring.metrics import Prediction
    from hingecheck.scoring.tune import cross_validate

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clips", type=Path, help="the clips folder (labels.csv, labels-more.csv, sources.csv)")
    ap.add_argument("--cache", type=Path, required=True, help="a hingecheck score --out folder")
    ap.add_argument("--model", default="full")
    ap.add_argument("--boot", type=int, default=2000)
    ap.add_argument("--lockbox", action="store_true", help="also score the lockbox (once)")
    ap.add_argument("--lockbox-record", type=Path, default=REPO / "docs" / "lockbox-result.md")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-yaw", action="store_true", help="drop the world landmarks (no yaw gates): a baseline")
    ap.add_argument("--synthetic", type=Path, action="append", default=[], metavar="CORPUS",
                    help="also fit on this synthetic corpus (benchmarks/synth_corpus.py make; repeatable): "
                         "in every fold, never predicted, weighing as much as the labelled clips together")
    ap.add_argument("--synthetic-weight", type=float,
                    help="what one synthetic clip weighs against one labelled clip (default: balanced)")
    ap.add_argument("--write-config", type=Path, metavar="TOML",
                    help="write the thresholds fitted on every design clip (and the corpus) as a --config file")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="an experiment: set a threshold for every exercise before the fit (repeatable); "
                         "not with --lockbox")
    args = ap.parse_args(argv)
    if (args.set or args.synthetic) and args.lockbox:
        print("--set is for experiments on the design clips, not for the lockbox", file=sys.stderr)
        return 2
    if args.lockbox and args.lockbox_record.exists():
        print(f"the lockbox was scored already: {args.lockbox_record}", file=sys.stderr)
        return 2
    box, design, locked = lockbox_for_folder(args.clips)
    from hingecheck.core.config import Config
    from hingecheck.scoring.tune import prior_config

    prior = with_sets(prior_config(), args.set) if args.set else None
    cases = load(args.clips, args.cache, args.model, design, args.no_yaw, prior)
    extra = []
    if args.synthetic:
        from tools.synth.corpus_run import tune_cases
        for folder in args.synthetic:
            extra += tune_cases(folder, prior or prior_config())
        print(f"fitting on {len(extra)} synthetic clips too", file=sys.stderr)
    cv = cross_validate(cases, prior, extra, args.synthetic_weight)
    held = cv.held_predictions
    shown = with_sets(Config(), args.set) if args.set else Config()
    if args.write_config:
        from hingecheck.scoring.tune import profile_toml
        args.write_config.write_text(profile_toml(cv.config, cv.moves, "design clips"
                                                  + (" and a synthetic corpus" if extra else "")))
    rows = rows_of(cases, held, shown)
    out = [f"lockbox sources (kept apart): {', '.join(box)}", "",
           report(f"design clips, leave-one-source-out ({len({c.source for c in cases})} sources)", rows, args.boot)]
    result = {"design": rows}
    if args.lockbox:
        lcases = load(args.clips, args.cache, args.model, locked, args.no_yaw)
        preds = {}
        for c in lcases:
            th = cv.config.for_exercise(c.label.exercise)
            verdicts = judge_all(c.prepared, th)
            preds[c.clip] = Prediction(c.clip, frozenset(clip_faults(verdicts)),
                                       sum(v.rep.complete for v in verdicts), sum(v.judged for v in verdicts),
                                       len(verdicts))
        lrows = rows_of(lcases, preds)
        result["lockbox"] = lrows
        text = report("lockbox, scored once with thresholds fitted on every design clip", lrows, args.boot)
        out.append(text)
        args.lockbox_record.write_text("# Lockbox result (scored once)\n\n" + text)
    print("\n".join(out))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
