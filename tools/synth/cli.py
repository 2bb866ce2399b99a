"""``python -m tools.synth``: render synthetic hinge clips with ground truth.

    python -m tools.synth render PARAMS.json OUT.mp4   # one clip + OUT.truth.json
    python -m tools.synth render PARAMS.json OUT.mp4 --body sex=1,weight=0.8,height_m=1.85
    python -m tools.synth samples [DIR]                # every DIR/*.params.json (default sample_videos)
    python -m tools.synth still PARAMS.json OUT.png --time 2.5 [--body ...]

``--body KEY=VALUE,...`` sets the lifter's body (sex, weight, muscle,
proportions 0-1, height_m; unnamed ones keep the parameters file's body or
the defaults; ``--body base`` is MakeHuman's base mesh).
    python -m tools.synth check sample_videos/*.mp4            # verdicts and angle errors vs truth

Bad input gives one line ``synth: error: …`` and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .assets import AssetError


def read_params(path: Path, body: str | None = None):
    """A :class:`~tools.synth.clip.ClipSpec` from a JSON parameters file, its body
    changed by a ``--body`` value (see the module docstring)."""
    from .clip import ClipSpec
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a JSON object")
    if body is not None:
        data["body"] = parse_body(body, data.get("body"))
    try:
        return ClipSpec.from_dict(data)
    except TypeError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def parse_body(text: str, base: dict | None = None) -> dict | None:
    """``KEY=VALUE,...`` over ``base`` (a parameters file's body); ``base`` gives None."""
    if text.strip() == "base":
        return None
    out = dict(base or {})
    for item in filter(None, (t.strip() for t in text.split(","))):
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--body wants KEY=NUMBER items separated by commas, not {item!r}") from None
    return out


def cmd_render(args) -> None:
    from .clip import render_clip
    spec = read_params(args.params, args.body)
    truth = render_clip(spec, Path(args.out), seed=args.seed)
    print(f"{args.out}: {truth['frames']} frames, {len(truth['reps'])} reps, faults {truth['faults'] or 'none'}")


def cmd_samples(args) -> None:
    from .clip import render_clip
    folder = Path(args.dir)
    params = sorted(folder.glob("*.params.json"))
    if not params:
        raise ValueError(f"no *.params.json in {folder}")
    for p in params:
        out = p.with_name(p.name.replace(".params.json", ".mp4"))
        truth = render_clip(read_params(p), out)
        print(f"{out}: {truth['frames']} frames, faults {truth['faults'] or 'none'}", flush=True)


def cmd_still(args) -> None:
    import cv2
    from .clip import still
    img = still(read_params(args.params, args.body), args.time)
    if not cv2.imwrite(str(args.out), img[..., ::-1]):
        raise ValueError(f"cannot write {args.out}")


def cmd_check(args) -> None:
    """hingecheck's verdicts on rendered clips, detection and angle errors against the truth."""
    from .clip import truth_path
    from .measure import analyze_cli, angle_errors, measured_angles, verdicts
    print("| clip | dialled in | flagged per rep | detected | hip med/p95 | knee med/p95 | trunk med/p95 |")
    print("|---|---|---|---|---|---|---|")
    for video in args.videos:
        tp = truth_path(video)
        if not tp.is_file():
            raise ValueError(f"no ground truth {tp} beside {video}")
        truth = json.loads(tp.read_text())
        flagged = verdicts(analyze_cli(video, truth["exercise"], args.model))
        measured, detected = measured_angles(video, args.model)
        err = angle_errors(measured, truth)
        cells = [f"{err[k]['median']:.1f}/{err[k]['p95']:.1f}" for k in ("hip_angle", "knee_angle", "trunk_angle")]
        shown = "; ".join(", ".join(sorted(f)) or "good" for f in flagged)
        print(f"| {video.name} | {', '.join(truth['faults']) or 'none'} | {shown} | {detected:.3f} | "
              f"{' | '.join(cells)} |", flush=True)


def _clip_command(sub, name: str, help_text: str, func) -> argparse.ArgumentParser:
    """A sub-command reading a parameters file and writing ``out``."""
    p = sub.add_parser(name, help=help_text)
    p.add_argument("params", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--body", metavar="KEY=VALUE,...",
                   help="the body: sex, weight, muscle, proportions (0-1), height_m; 'base' for the base mesh")
    p.set_defaults(func=func)
    return p


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="synth", description="Render synthetic hip-hinge clips with ground truth.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    _clip_command(sub, "render", "render one clip from a parameters file", cmd_render).add_argument(
        "--seed", type=int, default=0, help="noise seed")
    s = sub.add_parser("samples", help="re-render every *.params.json in a folder")
    s.add_argument("dir", nargs="?", default="sample_videos")
    s.set_defaults(func=cmd_samples)
    _clip_command(sub, "still", "one frame as a PNG", cmd_still).add_argument(
        "--time", type=float, default=0.0, help="seconds into the clip")
    c = sub.add_parser("check", help="verdicts and angle errors of rendered clips (needs HINGECHECK_MODEL_DIR)")
    c.add_argument("videos", nargs="+", type=Path)
    c.add_argument("--model", default="full", help="lite, full or heavy")
    c.set_defaults(func=cmd_check)
    return ap


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (ValueError, AssetError, FileNotFoundError, RuntimeError) as exc:
        print(f"synth: error: {exc}", file=sys.stderr)
        return 2
    return 0
