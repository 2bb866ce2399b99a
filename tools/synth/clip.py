"""Render a whole clip from a parameters dict, with its ground truth.

Parameters (JSON): ``motion`` (:class:`~tools.synth.kinematics.Motion`),
``camera`` (:class:`~tools.synth.render.Camera`), ``look``
(:class:`~tools.synth.scene.Look`), ``noise`` (``blur_px`` Gaussian sigma
in pixels, ``jpeg_quality`` 1-100 or 0 for none, ``grain`` pixel noise
std in 0-255 levels, ``crf`` H.264 quality), ``occluder`` (see
:func:`~tools.synth.scene.occluder_parts`), ``plate_radius`` (m) and
``body`` (:class:`~tools.synth.morph.BodyShape`: sex, weight, muscle,
proportions, height_m); without ``body`` the clip shows MakeHuman's base
mesh, as clips made before bodies were varied do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from hingecheck.core import geometry
from tools.synth.angles import ANGLE_NAMES, feature_angles

from .assets import Body, load_body
from .morph import BodyShape
from .kinematics import CHANNELS, EXERCISE_OF, Motion, timeline
from .pose import SIDES, Posed, Poser
from .render import Camera, Renderer
from .scene import Look, Scene, hands_for

DEFAULT_PLATES = {"rdl": 0.145, "good_morning": 0.0}   # m; 0 = an empty bar
GT_ANGLES = ANGLE_NAMES
#: the pseudo-image's size (pixels): large enough that no point counts as outside it
FRAME_SIZE_ANY = (10**6, 10**6)


@dataclass
class Noise:
    """Image degradations: blur sigma (px), JPEG quality (0 = off), grain std (levels), H.264 CRF."""

    blur_px: float = 0.0
    jpeg_quality: int = 0
    grain: float = 0.0
    crf: int = 30


@dataclass
class ClipSpec:
    """Everything that makes one clip."""

    motion: Motion = field(default_factory=Motion)
    camera: Camera = field(default_factory=Camera)
    look: Look = field(default_factory=Look)
    noise: Noise = field(default_factory=Noise)
    occluder: dict | None = None
    plate_radius: float | None = None
    body: BodyShape | None = None

    @classmethod
    def from_dict(cls, d: dict) -> "ClipSpec":
        """Build from a parameters dict; ValueError/TypeError for bad fields."""
        known = {"motion", "camera", "look", "noise", "occluder", "plate_radius", "body"}
        extra = set(d) - known
        if extra:
            raise ValueError(f"unknown parameter(s): {', '.join(sorted(extra))}")
        return cls(motion=Motion.from_dict(d.get("motion", {})), camera=Camera.from_dict(d.get("camera", {})),
                   look=Look(**{k: tuple(v) for k, v in d.get("look", {}).items()}),
                   noise=Noise(**d.get("noise", {})), occluder=d.get("occluder"),
                   plate_radius=d.get("plate_radius"),
                   body=BodyShape.from_dict(d["body"]) if d.get("body") is not None else None)

    def as_dict(self) -> dict:
        out = {"motion": self.motion.as_dict(), "camera": self.camera.as_dict(), "look": self.look.as_dict(),
               "noise": vars(self.noise).copy(), "occluder": self.occluder, "plate_radius": self.plate_radius}
        if self.body is not None:
            out["body"] = self.body.as_dict()
        return out


def body_for(spec: ClipSpec) -> Body:
    """The rigged body of ``spec``: its morphed shape, or the base mesh without one."""
    return _body(spec.body)


@lru_cache(maxsize=4)
def _body(shape: BodyShape | None) -> Body:
    return load_body(shape=shape)


def degrade(img: np.ndarray, noise: Noise, rng: np.random.Generator) -> np.ndarray:
    """Apply blur, grain and JPEG compression to an RGB uint8 image."""
    import cv2
    out = img
    if noise.blur_px > 0:
        out = cv2.GaussianBlur(out, (0, 0), noise.blur_px)
    if noise.grain > 0:
        out = np.clip(out + rng.normal(0, noise.grain, out.shape), 0, 255).astype(np.uint8)
    if noise.jpeg_quality:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(noise.jpeg_quality)])
        out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return out


def sagittal_angles(points: list[dict], legs: tuple[str, ...] = SIDES) -> dict[str, np.ndarray]:
    """True per-frame angles (deg) in hingecheck's conventions from posed world points.

    The points of both sides are averaged (hip, knee and ankle: of the ``legs``
    sides, the standing leg's alone in a single-leg RDL) and seen exactly side-on
    (the world x-y plane, the lifter facing +x), then measured with
    :func:`hingecheck.core.geometry.hinge_features_arrays` on a pseudo-image.
    """
    names = ("ear", "shoulder", "hip", "knee", "ankle")
    img = np.full((len(points), 33, 2), np.nan)
    side = geometry.LEFT
    for k, name in enumerate(names):
        sides = legs if name in ("hip", "knee", "ankle") else SIDES
        xy = np.array([np.mean([p[f"{name}.{s}"][:2] for s in sides], axis=0) for p in points])
        img[:, getattr(side, name)] = xy * [1.0, -1.0]   # y up → image y down
    feat = geometry.hinge_features_arrays(img, np.ones(img.shape[:2]), side, 1.0, FRAME_SIZE_ANY)
    return feature_angles(feat)


def ground_truth(spec: ClipSpec, channels: dict, reps: list, points: list[dict]) -> dict:
    """The ground-truth document of a clip (see the README in sample_videos)."""
    legs = SIDES
    if spec.motion.variant == "single_leg_rdl":  # the truth is the standing leg's
        legs = tuple(s for s in SIDES if s != RIG_SIDE[spec.motion.free_leg])
    per_frame = {k: np.round(v, 2).tolist() for k, v in sagittal_angles(points, legs).items()}
    per_frame["spine_flexion"] = np.round(channels["lumbar"] + channels["thoracic"], 2).tolist()
    for c in CHANNELS:
        per_frame[f"joint_{c}"] = np.round(channels[c], 2).tolist()
    return {"fps": spec.camera.fps, "frames": len(points), "variant": spec.motion.variant,
            "exercise": EXERCISE_OF[spec.motion.variant], "reps": reps,
            "faults": spec.motion.faults.active(), "per_frame": per_frame,
            "units": "degrees; frames 0-based; spine_flexion = lumbar + thoracic flexion"}


#: the rig's side suffix of each leg
RIG_SIDE = {"left": "L", "right": "R"}


def pose_frame(poser: Poser, ch: dict[str, float], hands, variant: str, free_leg: str = "left") -> Posed:
    """Pose one frame; in a single-leg RDL the ``free_leg`` swings back as the hips flex (full by 60 deg)."""
    free = float(np.clip(ch["hip"] / 60.0, 0.0, 1.0)) if variant == "single_leg_rdl" else 0.0
    return poser.pose(ch, hands, free_leg=free, free_side=RIG_SIDE[free_leg])


def render_clip(spec: ClipSpec, out: Path, body: Body | None = None, seed: int = 0) -> dict:
    """Render ``spec`` to the mp4 ``out`` and write ``out``'s ``.truth.json``; return the truth.

    ``body``: the rigged body to pose (default: :func:`body_for` ``spec``)."""
    body = body or body_for(spec)
    poser = Poser(body)
    channels, reps = timeline(spec.motion, spec.camera.fps)
    variant = spec.motion.variant
    plates = spec.plate_radius if spec.plate_radius is not None else DEFAULT_PLATES.get(variant, 0.225)
    renderer = Renderer(spec.camera)
    scene = Scene(body, renderer, spec.look, variant, plates, spec.occluder)
    hands = hands_for(variant, poser)
    rng = np.random.default_rng(seed)
    points = []
    n = len(channels["hip"])
    from .encode import VideoWriter
    with VideoWriter(out, spec.camera, spec.noise.crf) as writer:
        for i in range(n):
            posed = pose_frame(poser, {c: float(channels[c][i]) for c in CHANNELS}, hands, variant,
                               spec.motion.free_leg)
            points.append(posed.points)
            writer.write(degrade(scene.frame(posed), spec.noise, rng))
    renderer.release()
    truth = ground_truth(spec, channels, reps, points)
    truth_path(out).write_text(json.dumps(truth, indent=None, separators=(",", ":")))
    return truth


def truth_path(video: Path) -> Path:
    """Where a clip's ground truth lives: ``X.mp4`` → ``X.truth.json``."""
    return Path(video).with_suffix(".truth.json")


def still(spec: ClipSpec, time_s: float, body: Body | None = None) -> np.ndarray:
    """One rendered frame (H, W, 3 uint8 RGB) at ``time_s`` seconds into the clip."""
    body = body or body_for(spec)
    poser = Poser(body)
    channels, _ = timeline(spec.motion, spec.camera.fps)
    i = int(np.clip(round(time_s * spec.camera.fps), 0, len(channels["hip"]) - 1))
    variant = spec.motion.variant
    plates = spec.plate_radius if spec.plate_radius is not None else DEFAULT_PLATES.get(variant, 0.225)
    renderer = Renderer(spec.camera)
    try:
        scene = Scene(body, renderer, spec.look, variant, plates, spec.occluder)
        posed = pose_frame(poser, {c: float(channels[c][i]) for c in CHANNELS}, hands_for(variant, poser), variant,
                           spec.motion.free_leg)
        return degrade(scene.frame(posed), spec.noise, np.random.default_rng(0))
    finally:
        renderer.release()
