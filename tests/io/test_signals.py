"""Ctrl-C and SIGTERM as one Interrupted (hingecheck.io.signals), raised in the main thread
(a signal sent to this process runs its Python handler before the next statement)."""

from __future__ import annotations

import os
import signal

import pytest

from hingecheck.io.signals import Interrupted, catch_sigterm, end_set_on_signal, restore_signals, signum_of


def test_sigterm_unwinds_as_interrupted_and_the_handler_is_put_back():
    before = signal.getsignal(signal.SIGTERM)
    saved = catch_sigterm()
    try:
        with pytest.raises(Interrupted) as stop:
            os.kill(os.getpid(), signal.SIGTERM)
        assert stop.value.signum == signal.SIGTERM and signum_of(stop.value) == signal.SIGTERM
        assert isinstance(stop.value, KeyboardInterrupt) and stop.value.doc is None
    finally:
        restore_signals(saved)
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_plain_ctrl_c_is_sigint():
    assert signum_of(KeyboardInterrupt()) == signal.SIGINT
    assert Interrupted(signal.SIGINT, {"clips": []}).doc == {"clips": []}


def test_live_ends_the_set_on_the_first_signal_and_stops_on_the_second():
    with end_set_on_signal() as stop:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.is_set()
        with pytest.raises(Interrupted) as second:
            os.kill(os.getpid(), signal.SIGINT)
        assert second.value.signum == signal.SIGINT
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
