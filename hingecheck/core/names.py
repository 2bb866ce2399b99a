"""Exercise names as people type them: aliases, any case, and "did you mean".

The exercises themselves are :data:`hingecheck.core.config.EXERCISES`; this
module only maps what a user types onto them (one home for the aliases, used
by the command line and by :func:`hingecheck.analyze`).
"""

from __future__ import annotations

import difflib
import re

from hingecheck.core.config import EXERCISES
from hingecheck.core.errors import HingecheckError

#: the exercise used when none is named
DEFAULT_EXERCISE = "hip_hinge"

#: other names for each exercise (normalised: lower case, words joined by "_").
#: A bare "kettlebell" means the swing, the commonest kettlebell hinge.
EXERCISE_ALIASES: dict[str, tuple[str, ...]] = {
    "hip_hinge": ("hinge", "hiphinge", "bodyweight_hinge", "bw_hinge"),
    "rdl": ("romanian_deadlift", "romanian", "romanian_dl", "rdls"),
    "single_leg_rdl": ("sl_rdl", "slrdl", "single_leg_deadlift", "single_leg_romanian_deadlift",
                       "one_leg_rdl", "single_rdl"),
    "good_morning": ("goodmorning", "good_mornings", "gm"),
    "kettlebell_deadlift": ("kb_deadlift", "kbdl", "kb_dl", "kettlebell_dl", "kb_deadlifts"),
    "deadlift": ("dl", "barbell_deadlift", "conventional_deadlift", "deadlifts"),
    "kettlebell_swing": ("kettlebell", "swing", "kb_swing", "kbs", "russian_swing", "swings"),
}

_LOOKUP: dict[str, str] = {**{e: e for e in EXERCISES},
                           **{a: e for e, names in EXERCISE_ALIASES.items() for a in names}}


def normalise(name: str) -> str:
    """Lower case, spaces and hyphens as underscores: ``"Romanian-Deadlift"`` -> ``"romanian_deadlift"``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def did_you_mean(word: str, choices, n: int = 1) -> list[str]:
    """The closest of ``choices`` to ``word`` (difflib), at most ``n``."""
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)


def resolve_exercise(name: str | None) -> str:
    """The exercise ``name`` means (an exercise, an alias, any case); None: the default.

    Raises :class:`HingecheckError` with one line (a suggestion when one is close)."""
    if name is None:
        return DEFAULT_EXERCISE
    key = normalise(name)
    if key in _LOOKUP:
        return _LOOKUP[key]
    close = did_you_mean(key, _LOOKUP)
    hint = f"did you mean '{_LOOKUP[close[0]]}'? " if close else ""
    raise HingecheckError(f"unknown exercise {name!r}: {hint}choose one of: {', '.join(EXERCISES)} "
                          "(aliases such as rdl, sl_rdl, kb_deadlift, swing work too)")


__all__ = ["DEFAULT_EXERCISE", "EXERCISE_ALIASES", "normalise", "did_you_mean", "resolve_exercise"]
