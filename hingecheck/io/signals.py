"""Ctrl-C and SIGTERM for every command: :class:`Interrupted`, and the handlers that raise it.

SIGTERM (and SIGHUP) are turned into :class:`Interrupted` (:func:`catch_sigterm`), so every
command unwinds from them as from Ctrl-C: ``finally`` blocks run and temporary files are
removed. ``live`` ends its set on the first signal instead (:func:`end_set_on_signal`).
"""

from __future__ import annotations

import contextlib
import signal
import threading

#: the signals that stop a command as Ctrl-C does
TERM_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: ``signum`` says which (the exit status is 128 + signum);
    ``doc``, when set, is what was written of the work done before it."""

    def __init__(self, signum: int = signal.SIGINT, doc: dict | None = None):
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)
        self.doc = doc


def signum_of(exc: KeyboardInterrupt) -> int:
    """The signal an interruption came from (SIGINT for a plain KeyboardInterrupt)."""
    return getattr(exc, "signum", int(signal.SIGINT))


def _raise_interrupted(signum, _frame):
    raise Interrupted(signum)


def catch_sigterm() -> dict:
    """Turn SIGTERM (and SIGHUP) into :class:`Interrupted`. Main thread only; returns the
    handlers it replaced, for :func:`restore_signals`."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, _raise_interrupted) for sig in TERM_SIGNALS}


def restore_signals(saved: dict) -> None:
    """Put back the handlers :func:`catch_sigterm` replaced."""
    for sig, handler in saved.items():
        signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


@contextlib.contextmanager
def end_set_on_signal():
    """For ``live``: the first Ctrl-C or SIGTERM sets the yielded Event (the set ends as with q);
    a second one interrupts. Main thread only (elsewhere the Event is never set)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum, _frame):
        if stop.is_set():
            raise Interrupted(signum)
        stop.set()
    saved = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, *TERM_SIGNALS)}
    try:
        yield stop
    finally:
        restore_signals(saved)


__all__ = ["Interrupted", "catch_sigterm", "restore_signals", "end_set_on_signal", "signum_of", "TERM_SIGNALS"]
