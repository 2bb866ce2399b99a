"""A randomised synthetic corpus: clip parameters drawn from a seed, and reps scored against the truth.

A corpus is a folder of clips, each kept as its parameters, its ground truth
and its landmarks (``cNNNNN.params.json``, ``.truth.json``, ``.pose.npz``),
not its video: re-judging thousands of reps then takes seconds
(``benchmarks/synth_corpus.py judge``). Clip ``i`` of a corpus with seed
``s`` is drawn from ``numpy.random.default_rng([s, i])``, so a corpus grows
(or resumes) without changing the clips it already has, and a *fitting*
corpus and a *test* corpus are simply two seeds.

What is drawn (ranges in the issue's terms): the variant (bodyweight hinge,
RDL, kettlebell deadlift, good morning, single-leg RDL); none, one or two
faults, each at 0.5-1.6 times its *visible size* (:data:`VISIBLE_SIZE`:
the size the side-on sweep flags on every rep); the camera's yaw off
side-on 0-75 degrees, its elevation -10 to +25 degrees (the height that
gives it, aimed at the hips) with a little extra pitch, roll ±12 degrees,
distance, lens, resolution (landscape and portrait, 360-1080 px), frame rate
(24-60), tempo and depth, clothing and skin colours, compression and blur,
now and then a box that hides the knees (a plate or a bell), and the
lifter's body (:func:`draw_body`): MakeHuman's sex (half the clips near
female, 0-0.2, half near male, 0.8-1), weight and muscle (0.1-0.9 of
MakeHuman's 0-1 sliders, 0.5 average), proportions (0.3-1, uncommon to
ideal) and a standing height of 1.50-1.95 m (about 1.63 m for women and
1.77 m for men, 7 cm spread), and last how far the lifter looks ahead at the
bottom (:data:`GAZE_DEG`). The body, then the single-leg RDL's free leg, then
the gaze are drawn after everything else, so the other parameters of a clip
are those it had before each was added; a parameters file without ``body``
renders MakeHuman's base mesh, one without ``gaze`` the clean bottom's neck of
:data:`~tools.synth.kinematics.CLEAN_BOTTOM`.

Pure apart from JSON: nothing here renders (see :mod:`tools.synth.clip`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .kinematics import VARIANTS

#: synth fault parameter -> (hingecheck fault id, the size the side-on sweep flags on every rep)
VISIBLE_SIZE: dict[str, tuple[str, float]] = {
    "squat": ("squatting", 0.9), "rounded_back": ("rounded_back", 40.0),
    "hyperextension": ("hyperextension", 20.0), "dropped_head": ("dropped_head", 45.0),
    "hips_rise_first": ("hips_rise_first", 0.9), "excess_knee": ("excess_knee_bend", 85.0),
    "incomplete_lockout": ("incomplete_lockout", 22.0),
}
#: faults whose size is a 0-1 blend (never drawn above 1)
UNIT_FAULTS = ("squat", "hips_rise_first")
#: a fault drawn at this share of its visible size or more counts as clearly visible
CLEAR_SHARE = 0.9
#: yaw bands (degrees off side-on) the figures are given in
YAW_BANDS = ((0, 15), (15, 30), (30, 45), (45, 60), (60, 75))
#: pairs that make no sense together (both reshape the same moment the same way)
EXCLUSIVE = ({"squat", "excess_knee"}, {"squat", "hips_rise_first"})
#: the range the clean bottom's neck extension is drawn from (degrees added to CLEAN_BOTTOM's neck).
#: Set on the design clips' real good lifters, who read a neck flexion of -3 to -12 degrees at the
#: bottom (benchmarks/domain_gap.py). The rendered lifter reads +7 there with no gaze, 0.4 degrees
#: less per degree of gaze (stills), and 5 degrees more than a person standing; so 13 to 36
#: degrees of gaze, widened to 10-40. With it, 12 clean side-on clips read -2.5 (IQR -8.0 to
#: +0.5) against +6.6 (+4.8 to +8.7) without it; the real ones -5.9 (-9.3 to -3.0).
GAZE_DEG = (10.0, 40.0)
#: (width, height) pixels: landscape and portrait phones and webcams, 360-1080 px (rarer when dear to render)
RESOLUTIONS = ((640, 480), (480, 360), (854, 480), (640, 360), (480, 854), (360, 640), (1280, 720), (608, 1080))
RESOLUTION_WEIGHTS = (0.2, 0.15, 0.15, 0.15, 0.12, 0.13, 0.05, 0.05)
SKINS = ((0.93, 0.78, 0.66), (0.80, 0.62, 0.50), (0.63, 0.45, 0.33), (0.45, 0.31, 0.22), (0.30, 0.20, 0.14))


def _colour(rng: np.random.Generator) -> list[float]:
    return [round(float(v), 3) for v in rng.uniform(0.05, 0.9, 3)]


def draw_faults(rng: np.random.Generator) -> dict[str, float]:
    """None (a third of clips), one, or now and then two faults, with sizes."""
    r = rng.random()
    if r < 0.3:
        return {}
    names = list(VISIBLE_SIZE)
    picked = [names[rng.integers(len(names))]]
    if r > 0.88:
        other = names[rng.integers(len(names))]
        if other != picked[0] and not any({other, picked[0]} <= pair for pair in EXCLUSIVE):
            picked.append(other)
    out = {}
    for name in picked:
        size = VISIBLE_SIZE[name][1] * float(rng.uniform(0.5, 1.6))
        out[name] = round(min(size, 1.0) if name in UNIT_FAULTS else size, 3)
    return out


def draw_camera(rng: np.random.Generator, yaw_range: tuple[float, float] = (0.0, 75.0)) -> dict:
    """A camera somewhere a lifter would put a phone or a laptop (yaw drawn in ``yaw_range``, degrees)."""
    w, h = RESOLUTIONS[rng.choice(len(RESOLUTIONS), p=RESOLUTION_WEIGHTS)]
    portrait = h > w
    distance = float(rng.uniform(2.6, 4.2))
    elevation = float(rng.uniform(-10.0, 25.0))
    aim_height = 0.85
    return {"yaw": round(float(rng.uniform(*yaw_range)), 2),
            "pitch": round(float(rng.uniform(-3.0, 3.0)), 2),
            "roll": round(float(rng.uniform(-12.0, 12.0)), 2),
            "height": round(max(0.25, aim_height + distance * np.tan(np.radians(elevation))), 3),
            # the lens's 35 mm equivalent is for the long side (the renderer's is for the width)
            "distance": round(distance, 3),
            "focal_mm": round(float(rng.uniform(24.0, 32.0)) * (h / w if portrait else 1.0), 2),
            "width": w, "height_px": h, "fps": float(rng.choice([24.0, 25.0, 30.0, 30.0, 30.0, 60.0])),
            "aim_height": aim_height, "msaa": 0}


def draw_body(rng: np.random.Generator) -> dict:
    """A young adult's body (see :class:`tools.synth.morph.BodyShape` and the module docstring)."""
    male = rng.random() < 0.5
    sex = rng.uniform(0.8, 1.0) if male else rng.uniform(0.0, 0.2)
    weight, muscle = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
    proportions = rng.uniform(0.3, 1.0)
    height = np.clip(rng.normal(1.77 if male else 1.63, 0.07), 1.50, 1.95)
    return {"sex": round(float(sex), 3), "weight": round(float(weight), 3), "muscle": round(float(muscle), 3),
            "proportions": round(float(proportions), 3), "height_m": round(float(height), 3)}


def draw_params(seed: int, index: int, yaw_range: tuple[float, float] = (0.0, 75.0)) -> dict:
    """The tools.synth parameters of clip ``index`` of the corpus ``seed`` (camera yaw in ``yaw_range``)."""
    rng = np.random.default_rng([seed, index])
    variant = VARIANTS[rng.integers(len(VARIANTS))]
    motion = {"variant": variant, "reps": 2, "down_s": round(float(rng.uniform(0.9, 2.0)), 2),
              "bottom_s": round(float(rng.uniform(0.1, 0.6)), 2), "up_s": round(float(rng.uniform(0.7, 1.5)), 2),
              "top_s": round(float(rng.uniform(0.5, 1.0)), 2), "lead_s": 1.2, "tail_s": 1.0,
              "depth": round(float(rng.uniform(0.85, 1.1)), 3), "faults": draw_faults(rng)}
    look = {"shirt": _colour(rng), "trousers": _colour(rng), "shoes": _colour(rng),
            "skin": list(SKINS[rng.integers(len(SKINS))])}
    noise = {"crf": int(rng.integers(22, 33)), "blur_px": round(float(rng.choice([0.0, 0.0, 0.6, 1.2])), 2),
             "grain": round(float(rng.choice([0.0, 0.0, 3.0])), 1)}
    params = {"motion": motion, "camera": draw_camera(rng, yaw_range), "look": look, "noise": noise}
    if rng.random() < 0.1:
        # a plate or a bell in front of the knees, between them and the camera
        params["occluder"] = {"centre": [0.05, 0.45, 0.35], "size": [0.3, 0.4, 0.05],
                              "colour": [0.15, 0.15, 0.15]}
    params["body"] = draw_body(rng)   # drawn last: the draws above are those of clips made before
    if variant == "single_leg_rdl":
        # after the body, for the same reason: the free leg is the near one half the time (a single-leg
        # lift is filmed from either side); clips made before kept the far one
        params["motion"]["free_leg"] = "right" if rng.random() < 0.5 else "left"
    # last, for the same reason: how far the lifter looks ahead at the bottom (GAZE_DEG)
    params["motion"]["gaze"] = round(float(rng.uniform(*GAZE_DEG)), 1)
    return params


# ------------------------------------------------------------------ scoring reps


@dataclass(frozen=True)
class RepOutcome:
    """One true rep and what the checker said of it.

    ``dialled``: hingecheck fault id -> share of its visible size; ``flagged``:
    faults found; ``cant``: faults it could not judge (all of them when the
    rep was missed or not judged at all); ``yaw``: the camera's true yaw,
    ``yaw_est``: the estimate for the matched rep (NaN if none).
    """

    clip: str
    variant: str
    yaw: float
    yaw_est: float
    dialled: dict[str, float]
    flagged: frozenset[str]
    cant: frozenset[str]
    found: bool
    occluded: bool = False
    extra: dict = field(default_factory=dict)


def dialled_faults(params: dict) -> dict[str, float]:
    """hingecheck fault id -> share of its visible size, of a clip's parameters."""
    out = {}
    for name, size in params["motion"].get("faults", {}).items():
        fid, visible = VISIBLE_SIZE[name]
        out[fid] = float(size) / visible
    return out


def match_reps(true_bottoms_s: list[float], found_bottoms_s: list[float], tol_s: float = 1.0) -> list[int | None]:
    """For each true rep (its bottom time, s), the index of the found rep whose bottom is
    nearest within ``tol_s`` seconds, each found rep used once; None if none."""
    out: list[int | None] = []
    used: set[int] = set()
    for t in true_bottoms_s:
        best, gap = None, tol_s
        for j, u in enumerate(found_bottoms_s):
            if j not in used and abs(u - t) <= gap:
                best, gap = j, abs(u - t)
        if best is not None:
            used.add(best)
        out.append(best)
    return out


def band_of(yaw: float) -> tuple[int, int] | None:
    for lo, hi in YAW_BANDS:
        if lo <= yaw < hi or (hi == YAW_BANDS[-1][1] and yaw == hi):
            return (lo, hi)
    return None


def rates(outcomes: list[RepOutcome], fault: str, band: tuple[int, int] | None = None) -> dict:
    """For one fault (and yaw band): sensitivity on reps with it clearly dialled in,
    false flags on clean reps, can't-judge shares, off-diagonal flags.

    Counts are over reps where the fault was judged; ``cant_*`` are shares of
    all the reps in that group. A rep the checker missed counts as not judged.
    """
    pick = [o for o in outcomes if band is None or band_of(o.yaw) == band]
    pos = [o for o in pick if o.dialled.get(fault, 0.0) >= CLEAR_SHARE]
    clean = [o for o in pick if not o.dialled]
    other = [o for o in pick if o.dialled and fault not in o.dialled]

    def judged(group):
        return [o for o in group if o.found and fault not in o.cant]

    def share(hit, n):
        return hit / n if n else float("nan")
    jp, jc, jo = judged(pos), judged(clean), judged(other)
    return {"pos": len(pos), "pos_judged": len(jp), "sens": share(sum(fault in o.flagged for o in jp), len(jp)),
            "clean": len(clean), "clean_judged": len(jc),
            "false": share(sum(fault in o.flagged for o in jc), len(jc)),
            "other": len(other), "other_judged": len(jo),
            "confused": share(sum(fault in o.flagged for o in jo), len(jo)),
            "cant_pos": share(len(pos) - len(jp), len(pos)), "cant_clean": share(len(clean) - len(jc), len(clean))}


__all__ = ["VISIBLE_SIZE", "YAW_BANDS", "CLEAR_SHARE", "draw_params", "draw_body", "RepOutcome", "dialled_faults",
           "match_reps", "band_of", "rates"]
