"""Named MediaPipe Pose landmark indices and a validated keypoint container.

The core never uses bare landmark numbers: every index comes from
:class:`Landmark`. :class:`PoseSequence` holds one video's landmarks as
``(frames, keypoints, dims)`` arrays, in the style of
``neuroinformatics-unit/movement``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

NUM_LANDMARKS = 33

# MediaPipe gives each landmark a visibility in [0, 1]; a NaN visibility counts
# as below every threshold. One name per meaning (docs/design.md has the table):
#: placed: at least this visible, a landmark is measured from (the hinge's angles) and
#: drawn (the skeleton, and the banner keeps clear of the lower legs drawn)
PLACED_VISIBILITY = 0.3
#: seen: at least this visible, a body part counts as seen well enough to judge by (a
#: joint the rules trust, head and feet in frame for the set-up guidance)
SEEN_VISIBILITY = 0.5
#: edge: less visible than this, a landmark is as good as out of the frame (the edge check)
EDGE_VISIBILITY = 0.2


class Landmark(IntEnum):
    """The 33 BlazePose landmarks, in MediaPipe's order."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


@dataclass(frozen=True)
class BodySide:
    """Landmark indices of one side of the body (a sagittal chain)."""

    name: str
    ear: Landmark
    shoulder: Landmark
    elbow: Landmark
    wrist: Landmark
    hip: Landmark
    knee: Landmark
    ankle: Landmark
    heel: Landmark
    foot_index: Landmark


LEFT = BodySide(
    "left",
    Landmark.LEFT_EAR,
    Landmark.LEFT_SHOULDER,
    Landmark.LEFT_ELBOW,
    Landmark.LEFT_WRIST,
    Landmark.LEFT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.LEFT_HEEL,
    Landmark.LEFT_FOOT_INDEX,
)
RIGHT = BodySide(
    "right",
    Landmark.RIGHT_EAR,
    Landmark.RIGHT_SHOULDER,
    Landmark.RIGHT_ELBOW,
    Landmark.RIGHT_WRIST,
    Landmark.RIGHT_HIP,
    Landmark.RIGHT_KNEE,
    Landmark.RIGHT_ANKLE,
    Landmark.RIGHT_HEEL,
    Landmark.RIGHT_FOOT_INDEX,
)
SIDES = (LEFT, RIGHT)


def with_legs(upper: BodySide, legs: BodySide) -> BodySide:
    """``upper``'s ear, shoulder, elbow and wrist with ``legs``' hip, knee, ankle,
    heel and toe, named after ``upper`` (the side the camera sees best); ``upper``
    itself when both are the same side. A single-leg lift is read on the leg it
    stands on, whichever side the camera sees."""
    if upper.name == legs.name:
        return upper
    return BodySide(upper.name, upper.ear, upper.shoulder, upper.elbow, upper.wrist,
                    legs.hip, legs.knee, legs.ankle, legs.heel, legs.foot_index)


def legs_name(side: BodySide) -> str:
    """The name of the side whose legs ``side`` reads (``side.name`` unless :func:`with_legs` mixed them)."""
    return LEFT.name if side.knee == Landmark.LEFT_KNEE else RIGHT.name


#: every chain the analysis can read: each side's upper body on its own legs or on the other side's
CHAINS = tuple(with_legs(upper, legs) for upper in SIDES for legs in SIDES)

#: Bones drawn by the annotator, as pairs of named landmarks.
SKELETON: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.LEFT_EAR, Landmark.LEFT_SHOULDER),
    (Landmark.RIGHT_EAR, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW),
    (Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_ELBOW),
    (Landmark.RIGHT_ELBOW, Landmark.RIGHT_WRIST),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
    (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_HEEL),
    (Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_FOOT_INDEX),
    (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
    (Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_HEEL),
    (Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_FOOT_INDEX),
)


def _floats(a) -> np.ndarray:
    """``a`` as a float array, keeping float32 (long videos) as it is."""
    a = np.asarray(a)
    return a if a.dtype in (np.float32, np.float64) else a.astype(float)


def _check_shape(name: str, arr: np.ndarray, shape: tuple[int | None, ...]) -> None:
    if arr.ndim != len(shape) or any(
        want is not None and got != want for got, want in zip(arr.shape, shape)
    ):
        raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")


def fps_from_timestamps(timestamps: np.ndarray, default: float = float("nan")) -> float:
    """Frame rate in frames per second: 1 / the median frame interval.

    The one definition every layer uses (analysis, stream, video, live).
    ``default`` (NaN unless given) with fewer than two timestamps or a
    non-positive median interval.
    """
    t = np.asarray(timestamps, dtype=float)
    if t.size < 2:
        return default
    dt = float(np.median(np.diff(t)))
    return 1.0 / dt if dt > 0 else default


def person_detected(image: np.ndarray) -> np.ndarray:
    """``(F,)`` bool: a person was found in the frame (some landmark is not NaN)
    of an ``(F, 33, 2)`` pixel array."""
    return ~np.isnan(np.asarray(image)[..., 0]).all(axis=-1)


@dataclass(frozen=True)
class PoseSequence:
    """One video's pose landmarks, frame by frame (validated, immutable).

    Attributes
    ----------
    image : (F, 33, 2) float array (float64, or float32 as extracted from video)
        Image landmarks in **pixels** (x right, y down) of the upright frame.
        Pixels, not MediaPipe's normalised [0, 1] units, so angles are not
        distorted on non-square frames. A frame with no person is all NaN.
    visibility : (F, 33) float array
        MediaPipe per-landmark visibility in [0, 1]; NaN where no person.
    timestamps : (F,) float array
        Seconds from the start of the video, strictly increasing.
    frame_size : (width, height) in pixels.
    back_curvature : (F,) float array, optional
        Signed deviation of the back contour from the shoulder-hip chord,
        as a fraction of the chord length, from the segmentation mask
        (positive = convex hump, negative = concave); NaN where not measured.
    world : (F, 33, 3) float array, optional
        MediaPipe's world landmarks in **metres**, origin between the hips,
        axes those of the camera (x right, y down, z away from the camera);
        NaN where no person. Used to estimate the camera's yaw (see
        :mod:`hingecheck.core.view`); None when not extracted.
    """

    image: np.ndarray
    visibility: np.ndarray
    timestamps: np.ndarray
    frame_size: tuple[int, int]
    back_curvature: np.ndarray | None = field(default=None)
    world: np.ndarray | None = field(default=None)

    def __post_init__(self) -> None:
        def put(name, value):
            object.__setattr__(self, name, value)
        put("image", _floats(self.image))
        put("visibility", _floats(self.visibility))
        put("timestamps", np.asarray(self.timestamps, dtype=float))
        n = self.image.shape[0] if self.image.ndim else 0
        _check_shape("image", self.image, (n, NUM_LANDMARKS, 2))
        _check_shape("visibility", self.visibility, (n, NUM_LANDMARKS))
        _check_shape("timestamps", self.timestamps, (n,))
        if n > 1 and not np.all(np.diff(self.timestamps) > 0):
            raise ValueError("timestamps must be strictly increasing")
        if self.back_curvature is not None:
            put("back_curvature", _floats(self.back_curvature))
            _check_shape("back_curvature", self.back_curvature, (n,))
        if self.world is not None:
            put("world", _floats(self.world))
            _check_shape("world", self.world, (n, NUM_LANDMARKS, 3))
        w, h = self.frame_size
        if w <= 0 or h <= 0:
            raise ValueError(f"frame_size must be positive, got {self.frame_size}")
        put("frame_size", (int(w), int(h)))

    def __len__(self) -> int:
        return int(self.image.shape[0])

    @property
    def fps(self) -> float:
        """Median frame rate in frames per second (NaN with < 2 frames)."""
        return fps_from_timestamps(self.timestamps)

    @property
    def detected(self) -> np.ndarray:
        """(F,) bool: a person was found in the frame (see :func:`person_detected`)."""
        return person_detected(self.image)
