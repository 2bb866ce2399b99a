"""Append-only per-frame buffers and a running median (pure numpy)."""

from __future__ import annotations

import bisect
import heapq

import numpy as np


class GrowBuffer:
    """Rows of a fixed shape appended one at a time, amortised O(1).

    Keeps one contiguous array (doubling when full), so a long video costs a
    few bytes per number, not a Python object per frame. Only the rows
    appended are ever read.
    """

    def __init__(self, shape: tuple[int, ...] = (), dtype=np.float64, capacity: int = 256):
        self._a = np.empty((capacity, *shape), dtype=dtype)
        self.n = 0

    def append(self, row) -> None:
        if self.n == self._a.shape[0]:
            # np.empty: the spare half is not written, so it costs address space, not memory
            grown = np.empty((2 * self.n, *self._a.shape[1:]), dtype=self._a.dtype)
            grown[: self.n] = self._a
            self._a = grown
        self._a[self.n] = row
        self.n += 1

    def extend(self, rows) -> None:
        for row in rows:
            self.append(row)

    @property
    def data(self) -> np.ndarray:
        """A view of the rows appended so far."""
        return self._a[: self.n]

    def __len__(self) -> int:
        return self.n


class RunningMedian:
    """The median of every finite number added so far, as :func:`numpy.nanmedian`
    gives it (the mean of the two middle values for an even count; NaN with
    none), in O(log n) per number: two heaps, the lower half negated."""

    def __init__(self):
        self._low: list[float] = []    # max-heap (negated) of the lower half
        self._high: list[float] = []   # min-heap of the upper half

    def add(self, x: float) -> None:
        """Add ``x``; NaN is ignored."""
        if not np.isfinite(x):
            return
        if self._low and x > -self._low[0]:
            heapq.heappush(self._high, float(x))
        else:
            heapq.heappush(self._low, -float(x))
        if len(self._low) > len(self._high) + 1:
            heapq.heappush(self._high, -heapq.heappop(self._low))
        elif len(self._high) > len(self._low):
            heapq.heappush(self._low, -heapq.heappop(self._high))

    def __len__(self) -> int:
        return len(self._low) + len(self._high)

    @property
    def median(self) -> float:
        if not self._low:
            return float("nan")
        if len(self._low) > len(self._high):
            return -self._low[0]
        return (-self._low[0] + self._high[0]) / 2.0


class RunningSpread:
    """Every finite number added so far, kept sorted, to read the spread between any two
    of its quantiles as ``numpy.quantile(x, hi) - numpy.quantile(x, lo)`` gives it (NaN
    with fewer than two): an insertion moves the list's tail, a read is O(1) (numpy's
    linear interpolation between the two nearest ranks)."""

    def __init__(self):
        self._sorted: list[float] = []

    def add(self, x: float) -> None:
        """Add ``x``; NaN is ignored."""
        if np.isfinite(x):
            bisect.insort(self._sorted, float(x))

    def __len__(self) -> int:
        return len(self._sorted)

    def spread(self, lo: float, hi: float) -> float:
        """The ``hi`` quantile less the ``lo`` one (fractions, 0 <= lo < hi <= 1)."""
        if not 0.0 <= lo < hi <= 1.0:
            raise ValueError(f"quantiles must satisfy 0 <= lo < hi <= 1, got {lo}, {hi}")
        if len(self._sorted) < 2:
            return float("nan")
        return self._quantile(hi) - self._quantile(lo)

    def _quantile(self, q: float) -> float:
        """numpy's ``method="linear"`` quantile of the sorted numbers, as it computes it."""
        a = self._sorted
        rank = q * (len(a) - 1)
        lo = int(np.floor(rank))
        t = rank - lo
        below, above = a[lo], a[min(lo + 1, len(a) - 1)]
        diff = above - below
        return above - diff * (1.0 - t) if t >= 0.5 else below + diff * t
