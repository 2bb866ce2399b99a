"""Make and judge a synthetic corpus (see :mod:`tools.synth.corpus`): the parts that touch files.

:func:`make_clip` renders one clip, runs the pose model over it as
``hingecheck analyze`` does (30 frames a second, 640 px, the full model) and
keeps the parameters, the truth and the landmarks; the video is thrown
away. :func:`judge_clip` re-judges a kept clip from its landmarks alone.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hingecheck.core.faults import FAULTS

from .corpus import CLEAR_SHARE, RepOutcome, dialled_faults, draw_params, match_reps

#: what analyze uses by default (see hingecheck.apps.rateargs)
ANALYSIS_FPS, LONG_SIDE = 30.0, 640


def clip_name(index: int) -> str:
    return f"c{index:05d}"


def done(folder: Path, index: int) -> bool:
    return (folder / f"{clip_name(index)}.pose.npz").is_file()


def make_clip(folder: str, seed: int, index: int, model: str,
              yaw_range: tuple[float, float] = (0.0, 75.0)) -> str:
    """Render, extract and keep clip ``index`` of corpus ``seed`` in ``folder`` (run in a worker)."""
    for var in ("LP_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    import cv2

    from hingecheck.io.extract import extract_pose, save_pose_run
    from hingecheck.io.atomic import write_text_atomic

    from .clip import ClipSpec, render_clip

    cv2.setNumThreads(1)
    out = Path(folder)
    name = clip_name(index)
    params = draw_params(seed, index, yaw_range)
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / f"{name}.mp4"
        truth = render_clip(ClipSpec.from_dict(params), video, seed=index)
        run = extract_pose(video, model, segmentation=True, progress=False,
                           analysis_fps=ANALYSIS_FPS, long_side=LONG_SIDE)
    write_text_atomic(out / f"{name}.params.json", json.dumps(params))
    write_text_atomic(out / f"{name}.truth.json", json.dumps(truth, separators=(",", ":")))
    save_pose_run(out / f"{name}.pose.npz", run)  # last: its presence means the clip is whole
    return name


def judge_clip(folder: Path, name: str, config) -> list[RepOutcome]:
    """The outcome of every true rep of one kept clip, judged with ``config``."""
    clip = prepared_clip(folder, name, config)
    return [] if clip is None else clip.outcomes(config)


@dataclass
class PreparedClip:
    """A kept clip prepared once (features, signals, reps), to be judged again and again
    with other thresholds (only the rules run)."""

    name: str
    params: dict
    truth: dict
    prepared: object  # hingecheck.core.analysis.Prepared

    def outcomes(self, config, faults: tuple[str, ...] | None = None) -> list[RepOutcome]:
        """Every true rep's outcome with ``config`` (only ``faults``' rules run, if given)."""
        from hingecheck.core.analysis import judge_all

        truth, params = self.truth, self.params
        verdicts = judge_all(self.prepared, config.for_exercise(truth["exercise"]), faults)
        t = self.prepared.pose.timestamps
        reps = [v for v in verdicts if v.rep.complete]
        found_bottoms = [float(t[v.rep.bottom]) for v in reps]
        true_bottoms = [r["bottom"] / truth["fps"] for r in truth["reps"]]
        dialled = dialled_faults(params)
        yaw = float(params["camera"]["yaw"])
        every = frozenset(dialled) | frozenset(FAULTS)
        out = []
        for j in match_reps(true_bottoms, found_bottoms):
            if j is None:
                out.append(RepOutcome(self.name, truth["variant"], yaw, float("nan"), dialled, frozenset(), every,
                                      False, "occluder" in params))
                continue
            v = reps[j]
            cant = frozenset(FAULTS) if not v.judged else frozenset(v.cant_judge)
            out.append(RepOutcome(self.name, truth["variant"], yaw, float(v.metrics.get("yaw_deg", np.nan)),
                                  dialled, frozenset(v.faults), cant, True, "occluder" in params))
        return out


def prepared_clip(folder: Path, name: str, config) -> PreparedClip | None:
    """Clip ``name`` of ``folder`` prepared with ``config``'s thresholds for its exercise."""
    from hingecheck.core.analysis import prepare
    from hingecheck.io.extract import load_pose_run

    params = json.loads((folder / f"{name}.params.json").read_text())
    truth = json.loads((folder / f"{name}.truth.json").read_text())
    th = config.for_exercise(truth["exercise"])
    run = load_pose_run(folder / f"{name}.pose.npz", th)
    if run is None:
        return None
    return PreparedClip(name, params, truth, prepare(run.pose, truth["exercise"], th))


#: faults whose measures the rendered lifter does not reproduce: a clean synthetic rep's neck reads
#: about 15 degrees more flexed at the bottom than a real good lifter's (about 5 of them MediaPipe
#: reading the mesh, 10 the rendered posture; docs/synth-corpus.md, "Does the rendered lifter read
#: like a real one?"), so a synthetic clip says nothing of these two when thresholds are fitted
NOT_FITTED_ON_SYNTHETIC = ("rounded_back", "dropped_head")


def tune_cases(folder: Path, config, source: str = "synthetic",
               skip: tuple[str, ...] = NOT_FITTED_ON_SYNTHETIC) -> list:
    """Every kept clip of a corpus as a labelled :class:`hingecheck.scoring.tune.TuneCase`:
    a fault dialled in at :data:`~tools.synth.corpus.CLEAR_SHARE` of its visible size or more
    is in the label, one dialled in below that is optional (the label says nothing of it),
    and a clip with none is good form. The ``skip`` faults are optional on every clip."""
    from hingecheck.io.extract import load_pose_run
    from hingecheck.scoring.metrics import Label
    from hingecheck.scoring.tune import TuneCase

    out = []
    for name in clip_names(folder):
        params = json.loads((folder / f"{name}.params.json").read_text())
        truth = json.loads((folder / f"{name}.truth.json").read_text())
        run = load_pose_run(folder / f"{name}.pose.npz", config.for_exercise(truth["exercise"]))
        if run is None:
            continue
        dialled = dialled_faults(params)
        label = Label(clip=f"{folder.name}/{name}", exercise=truth["exercise"],
                      view="side" if float(params["camera"]["yaw"]) < 30.0 else "oblique",
                      faults=frozenset(f for f, s in dialled.items() if s >= CLEAR_SHARE),
                      optional=frozenset(f for f, s in dialled.items() if s < CLEAR_SHARE) | frozenset(skip))
        out.append(TuneCase.from_pose(label.clip, source, label, run.pose, config))
    return out


def clip_yaw_estimate(folder: Path, name: str) -> tuple[float, float]:
    """(true yaw, the clip's median estimated yaw), degrees."""
    from hingecheck.core.view import frame_yaw, median_yaw
    from hingecheck.io.extract import load_pose_run

    params = json.loads((folder / f"{name}.params.json").read_text())
    run = load_pose_run(folder / f"{name}.pose.npz")
    est = float("nan")
    if run is not None and run.pose.world is not None:
        est = median_yaw(frame_yaw(run.pose.world))
    return float(params["camera"]["yaw"]), est


#: the landmarks :func:`landmark_offsets` compares with the truth (both sides averaged)
OFFSET_LANDMARKS = ("ear", "shoulder", "hip")


def trunk_frame_offsets(measured: dict[str, np.ndarray], truth: dict[str, np.ndarray],
                        forward: np.ndarray) -> dict[str, np.ndarray]:
    """Where each measured landmark sits against the truth's, in the true trunk's frame: per
    name of :data:`OFFSET_LANDMARKS`, ``(F, 2)`` (along the trunk, hip to shoulder: + toward the
    shoulder; across it: + the way the lifter faces), in true trunk lengths (hip to shoulder).

    ``measured``, ``truth``: ``(F, 2)`` image pixels per name; ``forward``: ``(F, 2)`` an image
    direction the lifter faces (its sign alone is used). NaN where either point is."""
    along = truth["shoulder"] - truth["hip"]
    length = np.linalg.norm(along, axis=-1, keepdims=True)
    along = along / length
    across = np.stack([-along[:, 1], along[:, 0]], axis=-1)
    across *= np.sign(np.sum(across * forward, axis=-1, keepdims=True))
    out = {}
    for name in OFFSET_LANDMARKS:
        d = (measured[name] - truth[name]) / length
        out[name] = np.stack([np.sum(d * along, axis=-1), np.sum(d * across, axis=-1)], axis=-1)
    return out


def landmark_offsets(folder: Path, name: str, every: int = 3) -> tuple[float, dict[str, np.ndarray]] | None:
    """(true yaw, :func:`trunk_frame_offsets` of every ``every``-th analysed frame) of one kept
    clip: MediaPipe's image ear, shoulder and hip (both sides averaged) against the posed
    skeleton's (the truth's points, projected through the clip's camera). None without landmarks."""
    from hingecheck.core.landmarks import Landmark
    from hingecheck.io.extract import load_pose_run

    from .clip import CHANNELS, ClipSpec, body_for, pose_frame
    from .kinematics import timeline
    from .pose import Poser
    from .scene import hands_for

    params = json.loads((folder / f"{name}.params.json").read_text())
    run = load_pose_run(folder / f"{name}.pose.npz")
    if run is None:
        return None
    spec = ClipSpec.from_dict(params)
    poser = Poser(body_for(spec))
    channels, _ = timeline(spec.motion, spec.camera.fps)
    hands = hands_for(spec.motion.variant, poser)
    pose = run.pose
    rows = np.arange(0, len(pose), every)
    frames = np.clip(np.round(pose.timestamps[rows] * spec.camera.fps).astype(int), 0, len(channels["hip"]) - 1)
    scale = spec.camera.width / pose.frame_size[0]   # analysed pixels -> rendered pixels
    truth = {n: [] for n in OFFSET_LANDMARKS}
    forward = []
    for i in frames:
        pts = pose_frame(poser, {c: float(channels[c][i]) for c in CHANNELS}, hands, spec.motion.variant,
                         spec.motion.free_leg).points
        for n in OFFSET_LANDMARKS:
            truth[n].append(np.mean([spec.camera.project(np.asarray(pts[f"{n}.{s}"], float)) for s in ("L", "R")], 0))
        hip = np.mean([np.asarray(pts[f"hip.{s}"], float) for s in ("L", "R")], 0)
        forward.append(spec.camera.project(hip + [0.3, 0.0, 0.0]) - spec.camera.project(hip))  # the lifter faces +x
    with warnings.catch_warnings():  # frames with no person: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        measured = {n: np.nanmean(pose.image[rows][:, [getattr(Landmark, f"LEFT_{n.upper()}"),
                                                          getattr(Landmark, f"RIGHT_{n.upper()}")]], axis=1) * scale
                    for n in OFFSET_LANDMARKS}
    return float(params["camera"]["yaw"]), trunk_frame_offsets(
        measured, {n: np.array(v) for n, v in truth.items()}, np.array(forward))


def clip_names(folder: Path) -> list[str]:
    return sorted(p.name[: -len(".pose.npz")] for p in folder.glob("c*.pose.npz"))


def angle_errors(folder: Path, name: str) -> tuple[float, dict[str, dict[str, np.ndarray]]] | None:
    """(true yaw, {method: {angle: per-frame signed error, measured - true}}) of one kept clip, for the
    image landmarks (``image``) and the world landmarks turned side-on (``world``,
    :func:`hingecheck.core.view.sagittal_points`); None without truth per frame."""
    from hingecheck.core import geometry
    from hingecheck.core.kinds import SINGLE_LEG
    from hingecheck.core.view import sagittal_points
    from hingecheck.io.extract import load_pose_run

    from .angles import ANGLE_NAMES, feature_angles
    from .clip import FRAME_SIZE_ANY

    params = json.loads((folder / f"{name}.params.json").read_text())
    truth = json.loads((folder / f"{name}.truth.json").read_text())
    run = load_pose_run(folder / f"{name}.pose.npz")
    if run is None or run.pose.world is None or "per_frame" not in truth:
        return None
    pose = run.pose
    idx = np.clip(np.round(pose.timestamps * truth["fps"]).astype(int), 0, truth["frames"] - 1)
    # read as the analysis reads it: a single-leg RDL on its standing leg
    chain, facing = geometry.lifter_chain(pose.image, pose.visibility, truth["exercise"])
    feats = {"image": geometry.hinge_features_arrays(pose.image, pose.visibility, chain, facing, pose.frame_size,
                                                     world=pose.world)}
    legs = chain if truth["exercise"] in SINGLE_LEG else None
    virtual = sagittal_points(pose.world, legs=legs)
    feats["world"] = geometry.hinge_features_arrays(virtual, pose.visibility, geometry.LEFT, 1.0, FRAME_SIZE_ANY)
    out = {}
    for method, feat in feats.items():
        got = feature_angles(feat)
        out[method] = {k: np.asarray(got[k]) - np.asarray(truth["per_frame"][k])[idx] for k in ANGLE_NAMES}
    return float(params["camera"]["yaw"]), out
