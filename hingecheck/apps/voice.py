"""Spoken cues for the live loop: a text-to-speech program when present, else a beep."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import time

__all__ = ["Voice"]

#: the least time between two cues, in seconds, so the voice does not nag
COOLDOWN_S = 4.0


class Voice:
    """Speaks a cue (espeak-ng/espeak/spd-say/say when present) or beeps,
    at most once per ``cooldown_s`` so it does not nag.

    :attr:`spoken` lists every cue said (or beeped), in order; :attr:`muted`
    can be toggled at any time.
    """

    ENGINES = ("espeak-ng", "espeak", "spd-say", "say")

    def __init__(self, muted: bool = False, cooldown_s: float = COOLDOWN_S):
        self.muted = muted
        self.cooldown_s = cooldown_s
        self._last = -math.inf
        self.engine = next(filter(None, map(shutil.which, self.ENGINES)), None)
        self.spoken: list[str] = []

    def say(self, text: str) -> None:
        """Say ``text`` now unless muted or a cue was said less than ``cooldown_s`` ago."""
        now = time.monotonic()
        if self.muted or now - self._last < self.cooldown_s:
            return
        self._last = now
        self.spoken.append(text)
        if self.engine:
            try:
                subprocess.Popen([self.engine, text], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
                return
            except OSError:
                pass
        if sys.stdout.isatty():
            sys.stdout.write("\a")
            sys.stdout.flush()
