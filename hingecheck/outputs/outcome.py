"""Independent outputs: each written whole or not at all, and one failing costs only itself.

A command's outputs (the JSON report, the visual report, the annotated
video, the history entry) are written one after another through
:meth:`Outcome.attempt`: a :class:`~hingecheck.core.errors.HingecheckError`
or an ``OSError`` while writing one is recorded, a warning names what was
not written and why, and the next output is still written. The exit status
then says what failed (:meth:`Outcome.exit_status`):

* 0 -- every output written;
* 4 -- a report (JSON, HTML, video) could not be written; the others were;
* 5 -- only the history entry could not be written; every report was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from hingecheck.core.errors import HingecheckError
from hingecheck.io.notice import warn

T = TypeVar("T")

#: ``score``, ``review``: outputs written, but at least one clip could not be run
EXIT_CLIPS_FAILED = 3
#: the analysis finished, but at least one report file could not be written
EXIT_OUTPUT_FAILED = 4
#: every report was written, but the set could not be added to the history
EXIT_HISTORY_FAILED = 5
HISTORY = "history entry"


@dataclass
class Outcome:
    """What a command wrote (label -> path) and what it could not (label -> reason)."""

    written: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def attempt(self, label: str, path: Path, write: Callable[[], T]) -> T | None:
        """Run ``write`` (which writes ``path`` atomically); its result, or None when it failed
        (recorded, and warned about with what is kept)."""
        try:
            out = write()
        except (HingecheckError, OSError) as exc:
            reason = str(exc) if isinstance(exc, HingecheckError) else f"cannot write {path}: {exc.strerror or exc}"
            self.failed[label] = reason
            warn(f"{label} not written: {reason}")
            return None
        self.written[label] = path
        return out

    def fail(self, label: str, reason: str) -> None:
        """Record an output given up before it was tried (e.g. a history that failed its check)."""
        self.failed[label] = reason

    def summary(self) -> str | None:
        """One line naming what was not written and what was kept; None if nothing failed."""
        if not self.failed:
            return None
        kept = ", ".join(f"{k} {v}" for k, v in self.written.items()) or "nothing"
        return f"not written: {', '.join(self.failed)}; kept: {kept}"

    def finish(self) -> int:
        """Print :meth:`summary` (if anything failed) on standard error; the exit status."""
        import sys
        line = self.summary()
        if line:
            print(f"hingecheck: {line}", file=sys.stderr)
        return self.exit_status()

    def exit_status(self) -> int:
        """0, or :data:`EXIT_OUTPUT_FAILED` / :data:`EXIT_HISTORY_FAILED` (see the module)."""
        if any(k != HISTORY for k in self.failed):
            return EXIT_OUTPUT_FAILED
        return EXIT_HISTORY_FAILED if self.failed else 0


__all__ = ["EXIT_CLIPS_FAILED", "EXIT_HISTORY_FAILED", "EXIT_OUTPUT_FAILED", "HISTORY", "Outcome"]
