"""An append-only numpy buffer for per-frame numbers (pure numpy)."""

from __future__ import annotations

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
