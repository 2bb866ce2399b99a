"""A kinematic stick-figure model of a hip hinge, for tests.

:func:`make_hinge` builds a :class:`~hingecheck.core.landmarks.PoseSequence` of a
planar lifter (sagittal plane) doing hinge reps, and returns with it the
ground-truth angles it used, so tests compare measured against known values.

The model, in the *lifter's frame* (``x`` forward, ``y`` up, body units; one
unit is roughly a metre): the ankle is fixed above the floor; the shank
(0.45) leans forward by the shin angle ``s``; the thigh (0.45) leans from
the knee at ``s - k`` (``k`` = knee flexion, so the hip goes back as the
knee bends); the trunk (0.55) leans forward from the hip by ``t``; the neck
(0.2) leans from the shoulder by ``t + n`` (``n`` = neck flexion against the
trunk). Hence hip flexion = ``t + k - s`` (trunk inclination plus the
thigh's forward angle from vertical below the hip). The arms hang straight
down from the shoulder; the face (nose, eyes, mouth) points forward,
perpendicular to the neck; the toe is forward of the heel.

With only ear, shoulder and hip on the back, the shoulder's offset from the
ear-hip line (``spine_alignment``) is fixed by the neck flexion and the
segment lengths: neck 20° gives ~0.068, 35° gives ~0.12. A "rounded back"
is therefore the neck/upper back flexed 20° plus, optionally, a hump in the
mask-based ``back_curvature`` (see ``back_curve``).

The truth angles are recomputed from the model's own lifter-frame points
(independently of :mod:`hingecheck.core.geometry`), so they stay exact for every
fault; they do not depend on facing, scale, origin, camera roll, view or noise.
"""

from __future__ import annotations

import assets  # noqa: F401  (puts this checkout on sys.path if hingecheck is not installed)
import numpy as np

from hingecheck.core.landmarks import NUM_LANDMARKS, Landmark, PoseSequence

SHANK, THIGH, TRUNK, NECK = 0.45, 0.45, 0.55, 0.20
UPPER_ARM, FOREARM = 0.28, 0.25
ANKLE_H = 0.07

#: Joint angles (degrees) of the good top and bottom poses.
GOOD_TOP = dict(shin=0.0, knee=0.0, trunk=0.0, neck=0.0)
GOOD_BOTTOM = dict(shin=8.0, knee=25.0, trunk=70.0, neck=0.0)
#: Per fault: (changes to the bottom pose, changes to the top pose), at severity 1.
FAULTS: dict[str, tuple[dict, dict]] = {
    "squatting": (dict(shin=40.0, knee=110.0, trunk=25.0), {}),
    "rounded_back": (dict(neck=20.0), {}),  # + a hump in back_curvature
    "dropped_head": (dict(neck=35.0), {}),
    "hyperextension": ({}, dict(trunk=-20.0)),
    "hips_rise_first": ({}, {}),  # timing only, see _timeline
    "excess_knee_bend": (dict(shin=25.0, knee=75.0, trunk=60.0), {}),
    "incomplete_lockout": ({}, dict(shin=3.0, knee=8.0, trunk=20.0)),
}

# Bilateral landmarks: (left, right, sagittal model point, lateral offset in
# body units from the midline; the lifter's left is +).
_L = Landmark
_BILATERAL = (
    (_L.LEFT_EYE_INNER, _L.RIGHT_EYE_INNER, "eye_inner", 0.015),
    (_L.LEFT_EYE, _L.RIGHT_EYE, "eye", 0.03),
    (_L.LEFT_EYE_OUTER, _L.RIGHT_EYE_OUTER, "eye_outer", 0.045),
    (_L.LEFT_EAR, _L.RIGHT_EAR, "ear", 0.075),
    (_L.MOUTH_LEFT, _L.MOUTH_RIGHT, "mouth", 0.025),
    (_L.LEFT_SHOULDER, _L.RIGHT_SHOULDER, "shoulder", 0.22),
    (_L.LEFT_ELBOW, _L.RIGHT_ELBOW, "elbow", 0.24),
    (_L.LEFT_WRIST, _L.RIGHT_WRIST, "wrist", 0.22),
    (_L.LEFT_PINKY, _L.RIGHT_PINKY, "pinky", 0.23),
    (_L.LEFT_INDEX, _L.RIGHT_INDEX, "index", 0.21),
    (_L.LEFT_THUMB, _L.RIGHT_THUMB, "thumb", 0.19),
    (_L.LEFT_HIP, _L.RIGHT_HIP, "hip", 0.15),
    (_L.LEFT_KNEE, _L.RIGHT_KNEE, "knee", 0.12),
    (_L.LEFT_ANKLE, _L.RIGHT_ANKLE, "ankle", 0.11),
    (_L.LEFT_HEEL, _L.RIGHT_HEEL, "heel", 0.11),
    (_L.LEFT_FOOT_INDEX, _L.RIGHT_FOOT_INDEX, "toe", 0.13),
)


def _ease(u):
    """Cosine ease 0→1 over u in [0, 1] (clipped outside)."""
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))


def _unit(deg):
    """(..., 2) unit vector at ``deg`` from vertical, forward positive (lifter frame)."""
    r = np.radians(deg)
    return np.stack([np.sin(r), np.cos(r)], axis=-1)


def _incl(v):
    """Inclination of lifter-frame vectors from vertical, forward positive (deg)."""
    return np.degrees(np.arctan2(v[..., 0], v[..., 1]))


def _wrap(deg):
    return (deg + 180.0) % 360.0 - 180.0


def _segments(n_reps, rep_s, pause_s, start, down_frac, walkout_s):
    """The clip's timeline as a list of (kind, seconds), kind in walk/top/bottom/down/up."""
    down, up = rep_s * down_frac, rep_s * (1.0 - down_frac)
    if start == "standing":
        segs = [("walk", walkout_s), ("top", pause_s)]
        for _ in range(n_reps):
            segs += [("down", down), ("up", up), ("top", pause_s)]
    elif start == "bottom":
        segs = [("bottom", pause_s)]
        for _ in range(n_reps):
            segs += [("up", up), ("top", pause_s), ("down", down), ("bottom", pause_s)]
    else:
        raise ValueError(f"start must be 'standing' or 'bottom', got {start!r}")
    return [(k, d) for k, d in segs if d > 0]


def _timeline(t, segs, start, fault, severity):
    """Per-frame progress (0 top → 1 bottom) of knee and trunk, and the reps.

    Returns (q_knee, q_trunk, trunk_extra_deg, kind, u, t_in_segment, reps).
    """
    bounds = np.concatenate([[0.0], np.cumsum([d for _, d in segs])])
    i = np.clip(np.searchsorted(bounds, t, side="right") - 1, 0, len(segs) - 1)
    kinds = np.array([k for k, _ in segs])[i]
    u = np.clip((t - bounds[i]) / np.array([d for _, d in segs])[i], 0.0, 1.0)
    qk = np.where(kinds == "bottom", 1.0, 0.0)
    qk = np.where(kinds == "down", _ease(u), qk)
    qk = np.where(kinds == "up", 1.0 - _ease(u), qk)
    qt, extra = qk.copy(), np.zeros_like(t)
    if fault == "hips_rise_first" and severity > 0:
        # knees straighten over [0, 1-0.6s] of the ascent; the trunk holds
        # (drifting up to 5s deg further forward) and rises over [0.4s, 1].
        s = min(severity, 1.0)
        is_up = kinds == "up"
        qk = np.where(is_up, 1.0 - _ease(u / (1.0 - 0.6 * s)), qk)
        qt = np.where(is_up, 1.0 - _ease((u - 0.4 * s) / (1.0 - 0.4 * s)), qt)
        extra = np.where(is_up, 5.0 * severity * _ease(u / (0.4 * s)), 0.0)
    reps = []

    def frame(x):
        return int(np.argmin(np.abs(t - x)))

    for j, (k, _) in enumerate(segs):
        if (start == "standing" and k == "down") or (start == "bottom" and k == "up"):
            a, b = bounds[j], bounds[j + 1]
            if start == "standing":
                bottom, top, end = b, bounds[j + 2], bounds[j + 2]
                d_s, u_s = b - a, bounds[j + 2] - b
            else:
                nxt = j + 1 if segs[j + 1][0] == "down" else j + 2  # skip the top hold
                bottom, top, end = a, b, bounds[nxt + 1]
                d_s, u_s = end - bounds[nxt], b - a
            reps.append(dict(start=frame(a), bottom=frame(bottom), top=frame(top), end=frame(end),
                             start_t=float(a), bottom_t=float(bottom), top_t=float(top), end_t=float(end),
                             down_s=float(d_s), up_s=float(u_s)))
    return qk, qt, extra, kinds, u, t - bounds[i], reps


def make_hinge(n_reps=5, fps=30.0, rep_s=2.5, pause_s=0.8, facing=1, scale_px=None,
               origin_px=None, camera_rotation_deg=0.0, fault=None, severity=1.0,
               noise_px=0.0, seed=0, start="standing", view="side", frame_size=(720, 1280),
               near_side=None, down_frac=0.5, wobble_deg=0.0, wobble_hz=2.0,
               walkout_s=0.0, walkout_flex_deg=15.0, walkout_dist=0.15, back_curve=False,
               world_yaw_deg=None, free_leg=None):
    """Generate hinge reps as a PoseSequence, and the ground truth.

    Timeline: ``start='standing'``: [walk-out ``walkout_s``], hold at the top
    ``pause_s``, then per rep: descent ``rep_s*down_frac``, ascent, hold at
    the top ``pause_s``. ``start='bottom'`` (deadlift from the floor): hold
    at the bottom, then per rep: ascent, top hold, descent, bottom hold.
    Every top pose (start, lockouts, end) is the same.

    ``fault`` (see :data:`FAULTS`) moves the bottom or top pose, blended
    with ``severity`` (0 = good hinge, 1 = the documented values).
    ``camera_rotation_deg`` rolls the image about the frame centre
    (positive = content turns counter-clockwise on screen). ``wobble_deg``
    sways the trunk by ± that many degrees at ``wobble_hz`` during top holds.
    The walk-out slides the lifter back by ``walkout_dist`` with a slow lean
    of ``walkout_flex_deg``. ``near_side`` ('left'/'right') defaults to the
    side a camera sees for that facing (right when facing image-right); it
    is drawn exactly, the far side 0.03 x scale behind it (``view='side'``).
    ``view='front'`` projects the lateral axis onto the image instead (the
    sagittal angles are then not measurable). ``back_curve=True`` fills
    ``pose.back_curvature`` as if the mask were measured: 0, except
    +0.10 x severity at the bottom for rounded_back and -0.18 x severity at
    lockout for hyperextension (both blended with the movement).
    ``world_yaw_deg`` fills ``pose.world`` (metres, camera axes: x right,
    y down, z away) as MediaPipe would for a camera that many degrees off
    side-on: the lifter's body turned about the vertical by that angle (the
    image landmarks are not changed). ``free_leg`` ('near'/'far') makes it a
    single-leg RDL: that side's leg swings back in line with the trunk as the
    hips flex (fully by 60 degrees), its knee bent 10 degrees; the truth is the
    standing leg's.

    Returns ``(pose, truth)``. ``truth`` holds per-frame ``(F,)`` arrays
    (see :func:`_truth_angles`), plus ``t``, ``progress`` (0 top .. 1
    bottom, of the trunk), ``back_curvature``, ``reps`` (a list of dicts:
    frames ``start``/``bottom``/``top``/``end``, their times ``*_t``, and
    ``down_s``/``up_s``; ``start``/``end`` are where the movement leaves and
    reaches a hold; from the floor ``bottom == start`` and ``top`` is where
    lockout is reached), ``n_reps``, ``facing``, ``side`` (the near side),
    ``fault``, ``severity``, ``bottom_pose``/``top_pose`` (the joint angles
    used) and ``scale_px``.
    """
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; expected one of {sorted(FAULTS)}")
    if view not in ("side", "front"):
        raise ValueError(f"view must be 'side' or 'front', got {view!r}")
    facing = 1.0 if facing >= 0 else -1.0
    w, h = frame_size
    scale = float(scale_px) if scale_px is not None else min(0.42 * h, 0.75 * w)
    if origin_px is None:
        ox = w / 2 - (facing * 0.27 * scale if view == "side" else 0.0)
        origin_px = (ox, 0.93 * h)
    near = near_side or ("right" if facing > 0 else "left")

    segs = _segments(n_reps, rep_s, pause_s, start, down_frac, walkout_s)
    t = np.arange(int(np.floor(sum(d for _, d in segs) * fps + 1e-9)) + 1) / fps
    qk, qt, extra, kinds, u, t_in_seg, reps = _timeline(t, segs, start, fault, severity)

    # --- joint parameters per frame -----------------------------------
    bot, top = dict(GOOD_BOTTOM), dict(GOOD_TOP)
    if fault is not None:
        for pose, change in zip((bot, top), FAULTS[fault]):
            for k, v in change.items():
                pose[k] += severity * (v - pose[k])
    s = top["shin"] + (bot["shin"] - top["shin"]) * qk
    k = top["knee"] + (bot["knee"] - top["knee"]) * qk
    tr = top["trunk"] + (bot["trunk"] - top["trunk"] + extra) * qt
    n = top["neck"] + (bot["neck"] - top["neck"]) * qt
    walk = kinds == "walk"
    tr = tr + np.where(walk, walkout_flex_deg * np.sin(np.pi * u) ** 2, 0.0)
    tr = tr + np.where(kinds == "top", wobble_deg * np.sin(2 * np.pi * wobble_hz * t_in_seg)
                       * np.sin(np.pi * u), 0.0)
    shift = np.where(walk, walkout_dist * (1.0 - _ease(u)), 0.0)

    # --- sagittal points (lifter frame, body units) ---------------------
    F = t.size
    P: dict[str, np.ndarray] = {}
    P["ankle"] = np.tile([0.0, ANKLE_H], (F, 1))
    P["heel"] = np.tile([-0.07, 0.02], (F, 1))
    P["toe"] = np.tile([0.17, 0.01], (F, 1))
    P["knee"] = P["ankle"] + SHANK * _unit(s)
    P["hip"] = P["knee"] + THIGH * _unit(s - k)
    P["shoulder"] = P["hip"] + TRUNK * _unit(tr)
    nd, fd = _unit(tr + n), _unit(tr + n + 90.0)  # neck direction, face direction
    P["ear"] = ear = P["shoulder"] + NECK * nd
    head = dict(nose=(0.10, 0.01), eye_inner=(0.085, 0.035), eye=(0.07, 0.035),
                eye_outer=(0.055, 0.035), mouth=(0.08, -0.03))
    for name, (a, b) in head.items():
        P[name] = ear + a * fd + b * nd
    P["elbow"] = P["shoulder"] - [0.0, UPPER_ARM]
    P["wrist"] = P["elbow"] - [0.0, FOREARM]
    for name, off in dict(pinky=(-0.01, -0.08), index=(0.01, -0.09), thumb=(0.03, -0.05)).items():
        P[name] = P["wrist"] + off
    for name in P:
        P[name] = P[name] + np.stack([shift, np.zeros(F)], axis=-1)

    # --- the free leg of a single-leg RDL: swings back in line with the trunk
    free_pts: dict[str, np.ndarray] = {}
    if free_leg is not None:
        hip_flex = _wrap(tr - (s - k))
        share = np.clip(hip_flex / 60.0, 0.0, 1.0)
        thigh_dir = (s - k) + share * (tr - (s - k))        # inclination of knee -> hip
        free_pts["knee"] = P["hip"] - THIGH * _unit(thigh_dir)
        free_pts["ankle"] = free_pts["knee"] - SHANK * _unit(thigh_dir - 10.0 * share)
        free_pts["heel"] = free_pts["ankle"] + (P["heel"] - P["ankle"])
        free_pts["toe"] = free_pts["ankle"] + (P["toe"] - P["ankle"])
    free_side = None if free_leg is None else (near if free_leg == "near" else
                                               ("left" if near == "right" else "right"))

    # --- landmarks: (F, 33) sagittal x, y and lateral z ------------------
    X, Y, Z = (np.zeros((F, NUM_LANDMARKS)) for _ in range(3))
    far = np.zeros(NUM_LANDMARKS, dtype=bool)
    X[:, Landmark.NOSE], Y[:, Landmark.NOSE] = P["nose"].T
    for left, right, name, z in _BILATERAL:
        for lm, sign, side_name in ((left, 1.0, "left"), (right, -1.0, "right")):
            X[:, lm], Y[:, lm] = (free_pts[name] if side_name == free_side and name in free_pts else P[name]).T
            Z[:, lm] = sign * z
        far[right if near == "left" else left] = True
    if view == "side":
        img_x = origin_px[0] + facing * scale * (X - 0.03 * far)
    else:
        img_x = origin_px[0] + scale * Z
    image = np.stack([img_x, origin_px[1] - scale * Y], axis=-1)
    if camera_rotation_deg:
        c = np.array([w / 2, h / 2])
        r = np.radians(camera_rotation_deg)
        d = image - c
        image = c + np.stack([d[..., 0] * np.cos(r) + d[..., 1] * np.sin(r),
                              -d[..., 0] * np.sin(r) + d[..., 1] * np.cos(r)], axis=-1)
    if image.min() < 0 or (image[..., 0].max() > w) or (image[..., 1].max() > h):
        raise ValueError("the figure leaves the frame; change scale_px/origin_px/frame_size")
    rng = np.random.default_rng(seed)
    if noise_px > 0:
        image = image + rng.normal(0.0, noise_px, image.shape)
    vis = np.full((F, NUM_LANDMARKS), 0.95)
    if view == "side":
        vis[:, far] = 0.6
    curve = np.zeros(F)
    if fault == "rounded_back":
        curve = 0.10 * severity * qt
    elif fault == "hyperextension":
        curve = -0.18 * severity * (1.0 - qt)
    world = None
    if world_yaw_deg is not None:
        a = np.radians(world_yaw_deg)
        # lifter frame (X forward, Y up, Z lateral) turned by the yaw about the vertical
        world = np.stack([facing * X * np.cos(a) + Z * np.sin(a), -Y,
                          -facing * X * np.sin(a) + Z * np.cos(a)], axis=-1)
    pose = PoseSequence(image=image, visibility=vis, timestamps=t,
                        frame_size=(w, h), back_curvature=curve if back_curve else None, world=world)
    truth = _truth_angles(P)
    truth.update(t=t, progress=qt, back_curvature=curve, reps=reps, n_reps=len(reps), facing=facing, side=near,
                 fault=fault, severity=severity, bottom_pose=bot, top_pose=top, scale_px=scale)
    return pose, truth


def _truth_angles(P):
    """Ground-truth per-frame measures from the model's lifter-frame points.

    Keys: trunk_angle, shin_angle, thigh_angle (knee→hip from vertical),
    hip_flexion (signed: negative = hyperextended), knee_flexion, neck_angle,
    spine_alignment.
    """
    trunk = _incl(P["shoulder"] - P["hip"])
    shin = _incl(P["knee"] - P["ankle"])
    thigh = _incl(P["hip"] - P["knee"])
    hip_flex = _wrap(trunk - thigh)
    knee_flex = _wrap(shin - thigh)
    neck = _wrap(_incl(P["ear"] - P["shoulder"]) - trunk)
    eh = P["hip"] - P["ear"]
    normal = np.stack([eh[:, 1], -eh[:, 0]], axis=-1)
    spine = np.sum((P["shoulder"] - P["ear"]) * normal, axis=-1) / np.sum(eh * eh, axis=-1)
    return dict(trunk_angle=trunk, shin_angle=shin, thigh_angle=thigh, hip_flexion=hip_flex,
                knee_flexion=knee_flex, neck_angle=neck, spine_alignment=spine)
