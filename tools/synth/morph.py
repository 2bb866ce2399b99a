"""Many bodies: MakeHuman's macro targets blended onto the base mesh.

A :class:`BodyShape` names a young adult (MakeHuman age 25): ``sex`` 0
(female) to 1 (male), ``weight`` and ``muscle`` 0 (min) to 1 (max) with
0.5 average, ``proportions`` 0 (uncommon) to 1 (ideal) with 0.5 neither,
and a standing height in metres (top of the head to the soles).

The blend follows MakeHuman's macro modifiers. Each macro value is split
into weights of its two nearest targets: sex into ``female`` = 1 - sex
and ``male`` = sex; muscle (and weight alike) below 0.5 into ``min`` =
1 - 2 m and ``average`` = 2 m, above it into ``average`` = 2 - 2 m and
``max`` = 2 m - 1; proportions into ``uncommon`` = 1 - 2 p below 0.5 and
``ideal`` = 2 p - 1 above it. The target files of
``targets/macrodetails`` (gzipped ``vertex dx dy dz`` lines in the OBJ's
own units, decimetres) are then added with the products of their parts'
weights:

* ``{race}-{sex}-young`` (the three races at a third each, MakeHuman's
  default): the adult female or male shape;
* ``universal-{sex}-young-{muscle}-{weight}``: build (the average-average
  ones are empty);
* ``proportions/{sex}-young-{muscle}-{weight}-{ideal|uncommon}proportions``;
* ``height/{sex}-young-{muscle}-{weight}-{min|max}height``, at the weight
  that gives roughly the asked height (solved on the blended mesh, the
  offsets being linear), after which the whole body is scaled about the
  floor to the asked height exactly.

The rig follows the morphed vertices: :func:`tools.synth.assets.load_body`
places the joints from them (joint cubes, vertices, vertex means) as the
rig file defines.
"""

from __future__ import annotations

import gzip
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path

import numpy as np

MACRO_DIR = "targets/macrodetails"
RACES = ("african", "asian", "caucasian")
#: the ranges a shape's fields may take (height in metres)
RANGES = {"sex": (0.0, 1.0), "weight": (0.0, 1.0), "muscle": (0.0, 1.0), "proportions": (0.0, 1.0),
          "height_m": (1.4, 2.1)}


@dataclass(frozen=True)
class BodyShape:
    """A young adult's MakeHuman macro values (see the module docstring)."""

    sex: float = 0.5
    weight: float = 0.5
    muscle: float = 0.5
    proportions: float = 0.5
    height_m: float = 1.70

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            lo, hi = RANGES[f.name]
            if not isinstance(value, (int, float)) or not lo <= float(value) <= hi:
                raise ValueError(f"body {f.name} must be a number in {lo}-{hi}, not {value!r}")

    @classmethod
    def from_dict(cls, d: dict) -> "BodyShape":
        """From a parameters dict; ValueError for unknown or out-of-range fields."""
        known = {f.name for f in fields(cls)}
        extra = set(d) - known
        if extra:
            raise ValueError(f"unknown body parameter(s): {', '.join(sorted(extra))}")
        return cls(**d)

    def as_dict(self) -> dict:
        return asdict(self)


def split_min_avg_max(value: float, prefix: str) -> dict[str, float]:
    """MakeHuman's min/average/max weights of a 0-1 macro value (0.5 = average)."""
    v = float(np.clip(value, 0.0, 1.0))
    if v < 0.5:
        return {f"min{prefix}": 1.0 - 2.0 * v, f"average{prefix}": 2.0 * v}
    return {f"average{prefix}": 2.0 - 2.0 * v, f"max{prefix}": 2.0 * v - 1.0}


def split_sex(value: float) -> dict[str, float]:
    return {"female": 1.0 - float(value), "male": float(value)}


def split_proportions(value: float) -> dict[str, float]:
    """The uncommon/ideal proportions weights (0.5 = neither)."""
    v = float(np.clip(value, 0.0, 1.0))
    return {"uncommonproportions": 1.0 - 2.0 * v} if v < 0.5 else {"idealproportions": 2.0 * v - 1.0}


def _nonzero(d: dict[str, float]) -> dict[str, float]:
    return {k: w for k, w in d.items() if w > 1e-9}


def macro_weights(shape: BodyShape) -> tuple[dict[str, float], dict[str, float]]:
    """(target file -> weight) of the shape without height, and of the full-height
    targets (``…-maxheight`` files; their ``minheight`` twins are the same names
    with ``min``) per unit of height weight, both relative to ``targets/macrodetails``."""
    sexes = _nonzero(split_sex(shape.sex))
    muscles = _nonzero(split_min_avg_max(shape.muscle, "muscle"))
    weights = _nonzero(split_min_avg_max(shape.weight, "weight"))
    props = _nonzero(split_proportions(shape.proportions))
    out: dict[str, float] = {}
    build: dict[str, float] = {}
    for s, ws in sexes.items():
        for race in RACES:
            out[f"{race}-{s}-young.target.gz"] = ws / len(RACES)
        for m, wm in muscles.items():
            for w, ww in weights.items():
                base = ws * wm * ww
                out[f"universal-{s}-young-{m}-{w}.target.gz"] = base
                for p, wp in props.items():
                    out[f"proportions/{s}-young-{m}-{w}-{p}.target.gz"] = base * wp
                build[f"height/{s}-young-{m}-{w}-maxheight.target.gz"] = base
    return out, build


@lru_cache(maxsize=256)
def read_target(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(indices (N,), offsets (N, 3)) of a ``.target.gz`` file (OBJ units); empty files give none."""
    rows = []
    with gzip.open(path, "rt") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 4 and not line.startswith("#"):
                rows.append(parts)
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 3))
    a = np.asarray(rows, dtype=float)
    return a[:, 0].astype(np.int64), a[:, 1:]


def blend(folder: Path, n_verts: int, weights: dict[str, float]) -> np.ndarray:
    """(n_verts, 3) sum of the weighted target offsets (OBJ units)."""
    out = np.zeros((n_verts, 3))
    for name, w in weights.items():
        idx, off = read_target(Path(folder) / MACRO_DIR / name)
        np.add.at(out, idx, w * off)
    return out


def _stature(raw: np.ndarray, body_ids: np.ndarray) -> float:
    """Soles to the top of the head (OBJ units, y up)."""
    y = raw[body_ids, 1]
    return float(y.max() - y.min())


def morph_vertices(raw: np.ndarray, body_ids: np.ndarray, shape: BodyShape, folder: Path) -> np.ndarray:
    """The base OBJ vertices ``raw`` (all of them, helpers included) morphed to ``shape``.

    ``body_ids``: the rendered vertices, whose extent is the stature. The
    height targets take the body most of the way (their weight solved
    linearly, limited to 0-1), then a uniform scale about the soles' level
    (and the mesh's x = z = 0) gives the asked height; OBJ units are
    decimetres.
    """
    macro, tall = macro_weights(shape)
    shaped = raw + blend(folder, len(raw), macro)
    want = 10.0 * shape.height_m
    now = _stature(shaped, body_ids)
    if abs(want - now) > 1e-6:
        which = tall if want > now else {k.replace("maxheight", "minheight"): w for k, w in tall.items()}
        unit = blend(folder, len(raw), which)
        gain = _stature(shaped + unit, body_ids) - now
        if abs(gain) > 1e-6:
            shaped = shaped + float(np.clip((want - now) / gain, 0.0, 1.0)) * unit
    floor = shaped[body_ids, 1].min()
    scale = want / _stature(shaped, body_ids)
    centre = np.array([0.0, floor, 0.0])
    return centre + (shaped - centre) * scale


__all__ = ["BodyShape", "macro_weights", "morph_vertices", "read_target", "split_min_avg_max"]
