"""Joint angles of a hip hinge from 2-D landmarks: pure, vectorised numpy.

Every function works over ``(frames, ...)`` arrays and imports neither cv2
nor mediapipe. Pixels with ``y`` down, degrees, NaN in → NaN out, and signed
angles in the lifter's own frame: the conventions of the vector primitives
in :mod:`hingecheck.core.vectors`. Here: which side faces the camera and which
way the lifter faces, and the hinge's measures (:class:`HingeFeatures`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from hingecheck.core.kinds import SINGLE_LEG
from hingecheck.core.landmarks import (
    EDGE_VISIBILITY,
    LEFT,
    PLACED_VISIBILITY,
    RIGHT,
    SIDES,
    BodySide,
    Landmark,
    PoseSequence,
    with_legs,
)
from hingecheck.core.vectors import (
    inclination_from_vertical,
    joint_angle,
    landmark_points,
    point_line_offset,
    signed_angle_between,
)
from hingecheck.core.view import frame_yaw, sagittal_points

# ---------------------------------------------------------------------------
# side and view


def side_visibility(visibility: np.ndarray, side: BodySide) -> np.ndarray:
    """(F,) mean visibility of a side's shoulder, hip, knee and ankle (NaN-aware)."""
    v = landmark_points(visibility, (side.shoulder, side.hip, side.knee, side.ankle))
    n = np.sum(np.isfinite(v), axis=1)
    total = np.nansum(v, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def choose_side(visibility: np.ndarray) -> BodySide:
    """The body side facing the camera: the one with higher median visibility.

    Ties and all-NaN input choose the left side.
    """
    med = []
    for side in SIDES:
        s = side_visibility(visibility, side)
        med.append(np.nanmedian(s) if np.isfinite(s).any() else -1.0)
    return RIGHT if med[1] > med[0] else LEFT


def facing_direction(image: np.ndarray, side: BodySide) -> float:
    """+1 if the lifter faces image-right, -1 if image-left.

    Decided by the median over frames of toe-minus-heel and nose-minus-ear
    x offsets (pixels), so it holds for the whole clip. Returns +1 when
    nothing is known (all NaN).
    """
    x = landmark_points(image, (side.foot_index, side.heel, Landmark.NOSE, side.ear))[..., 0]
    foot = x[:, 0] - x[:, 1]
    head = x[:, 2] - x[:, 3]
    votes = np.concatenate([foot[np.isfinite(foot)], head[np.isfinite(head)]])
    if votes.size == 0:
        return 1.0
    return 1.0 if np.median(np.sign(votes)) >= 0 else -1.0


def lifter_side(image: np.ndarray, visibility: np.ndarray) -> tuple[BodySide, float]:
    """The side nearer the camera (:func:`choose_side`) and the way the lifter
    faces (:func:`facing_direction`, +1 image-right): the one decision every
    layer uses, from ``(F, 33, 2)`` pixels and ``(F, 33)`` visibility."""
    side = choose_side(visibility)
    return side, facing_direction(image, side)


#: the spreads of an ankle's image x and y that :func:`ankle_travel` reads, each between two
#: quantiles: the middle half (a leg the tracker swaps or collapses onto the other for up to a
#: quarter of the frames does not move it) and the 10th to the 90th percentile (a free leg that is
#: up only a fifth of the set, between long rests, still does)
ANKLE_SPREAD_QUANTILES = ((0.25, 0.75), (0.10, 0.90))
#: :func:`standing_leg` names a leg only where, on the more decisive spread, the other ankle travelled
#: at least this many times as far (below it, neither ankle clearly swung: the near legs are read)
STANDING_LEG_MARGIN = 2.0


def ankle_travel(image: np.ndarray, side: BodySide) -> tuple[float, ...]:
    """How far ``side``'s ankle moves over the frames, once per quantile pair of
    :data:`ANKLE_SPREAD_QUANTILES`: the spread between the two quantiles of its image x
    plus that of its image y (pixels; a free leg swings back and up), each over the
    frames where it is finite; NaN if under two are."""
    axes = []
    for axis in (0, 1):
        v = np.asarray(image, float)[:, side.ankle, axis]
        axes.append(v[np.isfinite(v)])
    if min(v.size for v in axes) < 2:
        return tuple(float("nan") for _ in ANKLE_SPREAD_QUANTILES)
    return tuple(float(sum(np.quantile(v, hi) - np.quantile(v, lo) for v in axes))
                 for lo, hi in ANKLE_SPREAD_QUANTILES)


def standing_leg(travel: dict[str, tuple[float, ...]]) -> BodySide | None:
    """The side whose ankle moved least (``travel``: :func:`ankle_travel` per side
    name): the leg a single-leg lift stands on, while the free leg swings back and
    up. Decided on the spread (quantile pair) on which the two ankles differ most;
    None when no spread of both is known, or on that one the other ankle did not
    travel :data:`STANDING_LEG_MARGIN` times as far (no leg clearly swung)."""
    left, right = travel.get(LEFT.name), travel.get(RIGHT.name)
    if left is None or right is None:
        return None
    best, best_ratio = None, 0.0
    for lt, rt in zip(left, right):
        if not (np.isfinite(lt) and np.isfinite(rt)) or lt == rt:
            continue
        least, most = min(lt, rt), max(lt, rt)
        ratio = most / least if least > 0.0 else np.inf
        if ratio > best_ratio:
            best, best_ratio = (LEFT if lt < rt else RIGHT), ratio
    return best if best_ratio >= STANDING_LEG_MARGIN else None


def reading_side(near: BodySide, exercise: str, travel: dict[str, float]) -> BodySide:
    """The chain the analysis reads: the ``near`` side (:func:`choose_side`), on the
    standing leg (:func:`standing_leg`) for a single-leg exercise (:data:`SINGLE_LEG`):
    seen from the free leg's side, the near hip, knee and ankle are the free leg's,
    which swings back in line with the trunk and never hinges."""
    if exercise not in SINGLE_LEG:
        return near
    return with_legs(near, standing_leg(travel) or near)


def lifter_chain(image: np.ndarray, visibility: np.ndarray, exercise: str) -> tuple[BodySide, float]:
    """:func:`lifter_side` with the legs of :func:`reading_side`: the chain every
    layer reads for ``exercise``, and the way the lifter faces."""
    near, facing = lifter_side(image, visibility)
    return reading_side(near, exercise, {s.name: ankle_travel(image, s) for s in SIDES}), facing


def in_frame(points: np.ndarray, visibility: np.ndarray, frame_size: tuple[int, int],
             min_visibility: float, margin: float = 0.0) -> np.ndarray:
    """Bool array of ``points.shape[:-1]``: each point lies inside the frame
    (``margin`` as a fraction of the frame's size beyond its edges counts as
    inside) and is seen with at least ``min_visibility``. NaN points are outside."""
    w, h = frame_size
    x, y = points[..., 0], points[..., 1]
    with np.errstate(invalid="ignore"):
        inside = (x >= -margin * w) & (x <= (1 + margin) * w) & (y >= -margin * h) & (y <= (1 + margin) * h)
        return inside & (visibility >= min_visibility)


def out_of_frame(image: np.ndarray, visibility: np.ndarray, side: BodySide,
                 frame_size: tuple[int, int]) -> np.ndarray:
    """(F,) 1.0 where the side's ear, ankle or hip is outside the frame or
    barely seen (< :data:`~hingecheck.core.landmarks.EDGE_VISIBILITY`), 0.0 where all three are in
    view, NaN where none of the three was found."""
    idx = (side.ear, side.ankle, side.hip)
    pts, vis = landmark_points(image, idx), landmark_points(visibility, idx)
    found = np.isfinite(pts[..., 0])
    # a found point with no visibility score is not counted as barely seen
    out = found & ~in_frame(pts, np.nan_to_num(vis, nan=1.0), frame_size, EDGE_VISIBILITY)
    return np.where(found.any(axis=1), out.any(axis=1).astype(float), np.nan)


def body_height_px(image: np.ndarray) -> np.ndarray:
    """(F,) vertical extent of the frame's landmarks in pixels; NaN where no person."""
    y = np.asarray(image, float)[..., 1]
    seen = np.isfinite(y).any(axis=1)
    out = np.full(y.shape[0], np.nan)
    if seen.any():
        out[seen] = np.nanmax(y[seen], axis=1) - np.nanmin(y[seen], axis=1)
    return out


def leg_axis_tilt(image: np.ndarray) -> float:
    """Median angle (degrees, 0-180) of the legs (mid-ankle to mid-hip) from
    the image's up direction over the frames where they are seen.

    Near 0 for a lifter standing or hinging upright in the frame; near 90
    when the lifter lies along the frame (a video turned sideways without
    rotation metadata). NaN when the legs are never seen.
    """
    la, ra, lh, rh = np.moveaxis(landmark_points(image, (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE,
                                                  Landmark.LEFT_HIP, Landmark.RIGHT_HIP)), 1, 0)
    d = 0.5 * (lh + rh) - 0.5 * (la + ra)
    ang = np.degrees(np.arctan2(np.abs(d[:, 0]), -d[:, 1]))
    ang = ang[np.isfinite(ang)]
    return float(np.median(ang)) if ang.size else float("nan")


def side_on_ratio(image: np.ndarray) -> np.ndarray:
    """(F,) shoulder width over torso length in the image, dimensionless.

    Near 0 when the camera sees the lifter side-on (the shoulders overlap),
    about 0.6-0.9 face-on. Torso length is the mean of both
    shoulder-to-hip distances. NaN where a point is missing.
    """
    ls, rs, lh, rh = np.moveaxis(landmark_points(image, (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER,
                                                  Landmark.LEFT_HIP, Landmark.RIGHT_HIP)), 1, 0)
    width = np.linalg.norm(ls - rs, axis=-1)
    hip_w = np.linalg.norm(lh - rh, axis=-1)
    torso = 0.5 * (np.linalg.norm(ls - lh, axis=-1) + np.linalg.norm(rs - rh, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(torso > 0, 0.5 * (width + hip_w) / torso, np.nan)


# ---------------------------------------------------------------------------
# the hinge's features


@dataclass(frozen=True)
class HingeFeatures:
    """Per-frame sagittal measures of one clip; every array is ``(F,)``.

    Angles in degrees; NaN where the landmarks needed were missing or too
    poorly seen (see :func:`hinge_features`). Joint angles are kept as
    flexion only (0 = straight).

    hip_flexion
        Signed angle from the thigh line (knee→hip) to the trunk
        (hip→shoulder): 0 standing straight, positive as the hips flex,
        negative when the hip extends past straight (the trunk leaning back
        over the thigh).
    knee_flexion
        180 minus the hip-knee-ankle interior angle; 0 straight.
    shin_angle
        Ankle→knee from vertical; positive when the knee is forward of the
        ankle.
    trunk_angle
        Hip→shoulder from vertical (trunk inclination); 0 upright, 90
        horizontal, negative leaning back.
    neck_angle
        Head (shoulder→ear) relative to the trunk line (hip→shoulder);
        positive = head flexed forward/down against the trunk.
    spine_alignment
        Offset of the shoulder from the ear-hip line, as a fraction of the
        ear-hip length: the three-point-contact (dowel) check. Positive =
        shoulders above/behind the line (upper back humped), negative =
        sagging below it.
    hip_drive
        How far the hip sits forward of the line from the ankle to the
        shoulder, as a fraction of that line's length (dimensionless):
        about 0 standing tall, positive when the hips are pushed forward
        and the shoulders left behind (leaning back at lockout), negative
        when the hips are back (a hinge). Made of the lifter's own points,
        so a tilted camera does not change it.
    leg_angle
        Ankle→hip from the image's vertical, from the raw landmarks (no
        visibility mask): at lockout it shows the camera's roll.
    side_on
        :func:`side_on_ratio` per frame.
    yaw
        The camera's yaw off side-on per frame, degrees (0 side-on, 90
        facing), from the world landmarks (:func:`hingecheck.core.view.frame_yaw`);
        NaN where they were not extracted or not seen.
    reliability
        Minimum visibility of the side's ear, shoulder, hip, knee, ankle.
    out_of_frame
        :func:`out_of_frame`: 1 where head, hip or feet leave the frame.
    height_px
        :func:`body_height_px`: the lifter's vertical extent in pixels.
    """

    hip_flexion: np.ndarray
    knee_flexion: np.ndarray
    shin_angle: np.ndarray
    trunk_angle: np.ndarray
    neck_angle: np.ndarray
    spine_alignment: np.ndarray
    hip_drive: np.ndarray
    leg_angle: np.ndarray
    side_on: np.ndarray
    yaw: np.ndarray
    reliability: np.ndarray
    out_of_frame: np.ndarray
    height_px: np.ndarray
    side: BodySide
    facing: float
    #: True where :func:`with_world_measures` took hip, trunk, neck and spine from the world
    #: landmarks (the camera past the side view): the rules then read their thresholds
    #: moved past the side view (:meth:`hingecheck.core.config.Thresholds.past_side_view`)
    world_measured: bool = False

    ARRAY_FIELDS = ("hip_flexion", "knee_flexion", "shin_angle", "trunk_angle", "neck_angle",
                    "spine_alignment", "hip_drive", "leg_angle", "side_on", "yaw", "reliability",
                    "out_of_frame", "height_px")

    def as_dict(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in self.ARRAY_FIELDS}

    def median_side_on(self, lo: int = 0, hi: int | None = None) -> float:
        """Median :attr:`side_on` over frames ``lo`` to ``hi - 1`` (NaN if never measured)."""
        return nan_median(self.side_on[lo:hi])

    def median_yaw(self, lo: int = 0, hi: int | None = None) -> float:
        """Median :attr:`yaw` (degrees) over frames ``lo`` to ``hi - 1`` (NaN if never measured)."""
        return nan_median(self.yaw[lo:hi])

    def __len__(self) -> int:
        return int(self.hip_flexion.shape[0])


def interior_angle(flexion):
    """A joint's interior angle (degrees, 180 = straight) from its flexion: how the
    overlay and the reports show hip and knee to a person. NaN stays NaN."""
    return 180.0 - np.asarray(flexion, dtype=float)


def nan_median(x: np.ndarray) -> float:
    """Median of the finite values of ``x``; NaN (no warning) if there are none."""
    x = np.asarray(x, float)
    return float(np.nanmedian(x)) if np.isfinite(x).any() else float("nan")


def hinge_features(pose: PoseSequence, min_visibility: float = PLACED_VISIBILITY) -> HingeFeatures:
    """Compute :class:`HingeFeatures` from a clip's landmarks.

    The side nearer the camera and the facing direction are chosen from the
    whole clip (:func:`lifter_side`). Landmarks whose visibility is below
    ``min_visibility`` (default :data:`~hingecheck.core.landmarks.PLACED_VISIBILITY`)
    are treated as NaN. Vectorised over frames.
    """
    side, facing = lifter_side(pose.image, pose.visibility)
    return hinge_features_arrays(pose.image, pose.visibility, side, facing, pose.frame_size, min_visibility,
                                 world=pose.world)


def hinge_features_arrays(image: np.ndarray, visibility: np.ndarray, side: BodySide, facing: float,
                          frame_size: tuple[int, int], min_visibility: float = PLACED_VISIBILITY,
                          world: np.ndarray | None = None) -> HingeFeatures:
    """:func:`hinge_features` on bare ``(F, 33, 2)`` pixel and ``(F, 33)``
    visibility arrays with the side and facing given, so a stream can
    compute frames one at a time with the values it fixed at the start.
    ``world`` (F, 33, 3) metres, if given, yields :attr:`HingeFeatures.yaw`.
    """
    idx = [side.ear, side.shoulder, side.hip, side.knee, side.ankle]
    img = landmark_points(image, idx)   # only the chain's points: (F, 5, 2), a copy
    vis = landmark_points(visibility, idx)
    # the legs' line from the raw points, before the visibility mask (see leg_angle)
    leg_angle = inclination_from_vertical(img[:, idx.index(side.ankle)], img[:, idx.index(side.hip)], facing)
    img[~(vis >= min_visibility)] = np.nan  # NaN visibility counts as low
    ear, sh, hip, knee, ankle = (img[:, k] for k in range(len(idx)))
    reliability = np.min(np.where(np.isnan(vis), 0.0, vis), axis=1)
    return HingeFeatures(
        hip_flexion=signed_angle_between(hip - knee, sh - hip, facing),
        knee_flexion=180.0 - joint_angle(hip, knee, ankle),
        shin_angle=inclination_from_vertical(ankle, knee, facing),
        trunk_angle=inclination_from_vertical(hip, sh, facing),
        neck_angle=signed_angle_between(sh - hip, ear - sh, facing),
        spine_alignment=point_line_offset(sh, ear, hip, facing),
        hip_drive=point_line_offset(hip, ankle, sh, facing),
        leg_angle=leg_angle,
        side_on=side_on_ratio(image),
        yaw=frame_yaw(world) if world is not None else np.full(len(image), np.nan),
        reliability=reliability,
        out_of_frame=out_of_frame(image, visibility, side, frame_size),
        height_px=body_height_px(image),
        side=side,
        facing=float(facing),
    )


#: the measures that :func:`with_world_measures` takes from the world landmarks
WORLD_MEASURES = ("hip_flexion", "trunk_angle", "neck_angle", "spine_alignment", "hip_drive")
#: a pseudo-frame so large that no world point counts as outside it
_ANY_FRAME = (10**6, 10**6)


def with_world_measures(feat: HingeFeatures, world: np.ndarray | None, min_yaw_deg: float,
                        legs: BodySide | None = None) -> HingeFeatures:
    """``feat`` with :data:`WORLD_MEASURES` measured on the world landmarks turned side-on
    (:func:`hingecheck.core.view.sagittal_points`) when the camera stands at least
    ``min_yaw_deg`` degrees off side-on (:meth:`HingeFeatures.median_yaw`).

    Off side-on the image foreshortens the trunk and the neck, and the image's
    hip, trunk, neck and spine read wrong; the world landmarks hold them in the
    lifter's own plane. Knee and shin stay from the image, which the synthetic
    corpus shows to read them better (docs/view.md). Unchanged without world
    landmarks, with an unknown yaw, or nearer side-on than ``min_yaw_deg``. ``legs``: a
    single-leg lift's standing leg, whose knee and ankle the hip angle is read on
    (see :func:`~hingecheck.core.view.sagittal_points`).
    """
    if world is None or not feat.median_yaw() >= min_yaw_deg:
        return feat
    virtual = sagittal_points(world, legs=legs)
    seen = np.isfinite(virtual[..., 0]).astype(float)
    wf = hinge_features_arrays(virtual, seen, LEFT, 1.0, _ANY_FRAME)
    return dataclasses.replace(feat, world_measured=True, **{k: getattr(wf, k) for k in WORLD_MEASURES})
