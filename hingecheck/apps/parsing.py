"""Command-line parsing that speaks to people: one-line errors with a
suggestion, exercise aliases, and saying which exercise was assumed."""

from __future__ import annotations

import argparse
import re

from hingecheck.core.errors import HingecheckError

# hingecheck.core.names (and the exercise list in hingecheck.core.config, which
# loads numpy) is imported when an exercise is parsed or help is shown, so that
# `hingecheck --version` starts in a fraction of a second

_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


def with_suggestion(message: str) -> str:
    """An argparse "invalid choice" message with "did you mean ..." added when one is close."""
    m = _INVALID_CHOICE.search(message)
    if not m:
        return message
    from hingecheck.core.names import did_you_mean  # lazy: numpy (~0.1 s), kept out of --help
    choices = re.findall(r"'([^']*)'", m.group(2))
    close = did_you_mean(m.group(1).lower(), choices)
    return message + (f"; did you mean {close[0]!r}?" if close else "")


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on standard error (exit status 2),
    with a "did you mean" for a mistyped command or choice, instead of the usage block."""

    def error(self, message: str):
        self.exit(2, f"hingecheck: error: {with_suggestion(message)} (see: {self.prog} --help)\n")

    def format_help(self) -> str:
        for action in self._actions:
            if isinstance(action.help, _Deferred):
                action.help = exercise_help()
        return super().format_help()


def exercise_arg(value: str) -> str:
    """``type=`` for ``--exercise``: an exercise or an alias in any case, as the exercise."""
    from hingecheck.core.names import resolve_exercise  # lazy: numpy (~0.1 s), kept out of --help
    try:
        return resolve_exercise(value)
    except HingecheckError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_int(value: str) -> int:
    """``type=`` for a count such as ``--workers``: a whole number, at least 1."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


class _Deferred(str):
    """A help text spelled out only when help is shown (see :meth:`OneLineParser.format_help`)."""


#: the ``--exercise`` help, spelled out (with the exercise list) when help is shown
EXERCISE_HELP = _Deferred("the exercise")


def exercise_help() -> str:
    from hingecheck.core.config import EXERCISES  # lazy: numpy (~0.1 s), kept out of --help
    return ("the exercise (default hip_hinge; its thresholds change the verdicts): " + ", ".join(EXERCISES)
            + "; aliases such as RDL, romanian_deadlift, sl_rdl, kb_deadlift, swing work too")


def chosen_exercise(args: argparse.Namespace) -> str:
    """``args.exercise``, or the default when it was not given; either way
    ``args.exercise_said`` is how the report's first line names it (the
    default says it is one, and how to choose another)."""
    from hingecheck.core.config import EXERCISES  # lazy: numpy (~0.1 s), kept out of --help
    from hingecheck.core.names import DEFAULT_EXERCISE  # lazy: numpy (~0.1 s), kept out of --help
    if args.exercise is None:
        others = ", ".join(e for e in EXERCISES if e != DEFAULT_EXERCISE)
        args.exercise = DEFAULT_EXERCISE
        args.exercise_said = (f"exercise {DEFAULT_EXERCISE} (the default; pass --exercise with one of "
                              f"{others} to use that exercise's thresholds)")
    else:
        args.exercise_said = f"exercise {args.exercise}"
    return args.exercise


__all__ = ["OneLineParser", "exercise_arg", "positive_int", "chosen_exercise", "with_suggestion", "EXERCISE_HELP"]
