"""Warnings for the user: one line each, ``hingecheck: warning: ...`` on standard error.

A failure that costs only a by-product (the history entry, a plot, a cache
entry) is a warning, never silence and never the end of the run. Messages go
through the ``hingecheck`` logger, so tests read them with ``caplog`` and a
worker process without the command line's handler still prints them
(Python's last-resort handler).
"""

from __future__ import annotations

import logging
import sys

LOG = logging.getLogger("hingecheck")


def warn(message: str) -> None:
    """Tell the user, in one line, what was lost and why (the run goes on)."""
    LOG.warning(" ".join(str(message).split()))


def install_handler() -> logging.Handler:
    """Print the ``hingecheck`` logger's warnings as ``hingecheck: warning: ...`` on
    standard error (the command line calls this once); the handler, to remove."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("hingecheck: warning: %(message)s"))
    handler.setLevel(logging.WARNING)
    LOG.addHandler(handler)
    LOG.propagate = False
    return handler


def remove_handler(handler: logging.Handler) -> None:
    LOG.removeHandler(handler)
    LOG.propagate = True


__all__ = ["LOG", "install_handler", "remove_handler", "warn"]
