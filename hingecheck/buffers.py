"""An append-only numpy buffer for per-frame numbers (pure numpy)."""

from __future__ import annotations

import numpy as np


class GrowBuffer:
    """Rows of a fixed shape appended one at a time, amortised O(1).

    Keeps one contiguous array (doubling when full), so a long video costs a
    few bytes per number, not a Python object per frame.
    """

    def __init__(self, shape: tuple[int, ...] = (), dtype=np.float64, fill: float = np.nan,
                 capacity: int = 256):
        self._a = np.full((capacity, *shape), fill, dtype=dtype)
        self._fill = fill
        self.n = 0

    def append(self, row) -> None:
        if self.n == self._a.shape[0]:
            self._a = np.concatenate([self._a, np.full_like(self._a, self._fill)])
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
