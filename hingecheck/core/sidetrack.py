"""The near side, the facing and the segment lengths over every frame seen so far, one frame at a time.

:func:`hingecheck.core.geometry.lifter_side` decides both from a whole clip:
the side whose shoulder, hip, knee and ankle have the higher median
visibility, and the sign of the median toe-minus-heel and nose-minus-ear x
offset. :class:`SideTracker` keeps the same medians as running medians, so
after any number of frames its answer is ``lifter_side`` of those frames,
at O(log n) per frame (no pass over the set). It keeps the median length of
each chain's trunk, thigh and shank too (:data:`~hingecheck.core.landmarks.CHAINS`),
which the trusted-joint test (:func:`~hingecheck.core.evidence.chain_reliability`)
checks frames against, and, for a single-leg exercise, how far each ankle has
moved in x and y (:func:`~hingecheck.core.geometry.ankle_travel`), which picks
the standing leg (:func:`~hingecheck.core.geometry.reading_side`).
Pure numpy.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.buffers import RunningMedian, RunningSpread
from hingecheck.core.evidence import segment_lengths
from hingecheck.core.geometry import ANKLE_SPREAD_QUANTILES, reading_side, side_visibility
from hingecheck.core.kinds import SINGLE_LEG
from hingecheck.core.landmarks import CHAINS, LEFT, RIGHT, SIDES, BodySide, Landmark


def facing_votes(image: np.ndarray, side: BodySide) -> np.ndarray:
    """The signs (+1 image-right, -1 image-left, 0) of one ``(33, 2)`` frame's
    toe-minus-heel and nose-minus-ear x offsets (pixels) on ``side``: the
    votes :func:`~hingecheck.core.geometry.facing_direction` takes the median
    of. NaN offsets cast no vote."""
    x = np.asarray(image, float)[:, 0]
    d = np.array([x[side.foot_index] - x[side.heel], x[Landmark.NOSE] - x[side.ear]])
    return np.sign(d[np.isfinite(d)])


class SideTracker:
    """``lifter_chain`` of every frame added so far, updated one frame at a time.

    ``exercise``: the ankles' travel is kept only for a single-leg one (:data:`SINGLE_LEG`),
    the only kind it decides anything for; None keeps it (any exercise can be asked).
    The segment lengths are kept for the chains ``exercise`` can read."""

    def __init__(self, exercise: str | None = None):
        self._vis = {s.name: RunningMedian() for s in SIDES}
        self._votes = {s.name: RunningMedian() for s in SIDES}
        single = exercise is None or exercise in SINGLE_LEG
        chains = CHAINS if single else SIDES
        self._lengths: dict[BodySide, dict] = {c: {} for c in chains}
        self._ankle = {s.name: (RunningSpread(), RunningSpread()) for s in SIDES} if single else {}  # x, y

    def add(self, image: np.ndarray, visibility: np.ndarray) -> None:
        """Count one frame: ``image`` (33, 2) pixels, ``visibility`` (33,) (NaN: no person)."""
        image = np.asarray(image)
        for s in SIDES:
            self._vis[s.name].add(float(side_visibility(visibility[None], s)[0]))
            for v in facing_votes(image, s):
                self._votes[s.name].add(float(v))
            for axis, spread in enumerate(self._ankle.get(s.name, ())):
                spread.add(float(image[s.ankle, axis]))
        for c in self._lengths:
            for seg, length in segment_lengths(image[None], c).items():
                self._lengths[c].setdefault(seg, RunningMedian()).add(float(length[0]))

    def segment_px(self, side: BodySide) -> dict[tuple[str, str], float]:
        """The median image length (pixels; NaN: never seen) of each of ``side``'s segments
        (a chain of :data:`~hingecheck.core.landmarks.CHAINS`) over every frame so far, as
        :func:`~hingecheck.core.evidence.chain_reliability` reads them."""
        return {seg: m.median for seg, m in self._lengths[side].items()}

    def chain(self, exercise: str) -> tuple[BodySide, float]:
        """(the chain read, facing): :attr:`side` on the legs
        :func:`~hingecheck.core.geometry.reading_side` reads for ``exercise``, as
        :func:`~hingecheck.core.geometry.lifter_chain` of every frame so far."""
        near, facing = self.side
        if exercise not in SINGLE_LEG:  # the spread is read only when it decides something
            return near, facing
        if not self._ankle:
            raise ValueError(f"this tracker was made for another exercise than {exercise!r}")
        travel = {name: tuple(x.spread(lo, hi) + y.spread(lo, hi) for lo, hi in ANKLE_SPREAD_QUANTILES)
                  for name, (x, y) in self._ankle.items()}
        return reading_side(near, exercise, travel), facing

    @property
    def side(self) -> tuple[BodySide, float]:
        """(near side, facing): RIGHT if its median visibility is the higher (ties
        and no frame: LEFT); +1 if the median vote is at least 0 (no vote: +1)."""
        med = [self._vis[s.name].median if len(self._vis[s.name]) else -1.0 for s in SIDES]
        side = RIGHT if med[1] > med[0] else LEFT
        votes = self._votes[side.name]
        return side, (1.0 if not len(votes) or votes.median >= 0 else -1.0)
