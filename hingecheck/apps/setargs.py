"""The flags of a set's outputs besides its JSON report (``analyze``, ``live``): ``--html``,
``--no-html``, ``--no-history``, ``--athlete``, and the :class:`SetOutputs` they choose."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from hingecheck.io.atomic import is_stdout
from hingecheck.outputs.setoutputs import DEFAULT_HTML, SetOutputs


def add_set_output_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--html", metavar="OUT",
                   help="visual report path (default: <name>.hingecheck.html beside the JSON report)")
    p.add_argument("--no-html", action="store_true", help="do not write the visual HTML report")
    p.add_argument("--no-history", action="store_true",
                   help="do not add this set to the training history (see: hingecheck history)")
    p.add_argument("--athlete", metavar="NAME", help="who lifted: kept with the set in the history "
                                                     "(see: hingecheck history --athlete NAME)")


def set_outputs(args: argparse.Namespace, json_out: Path, stem: str | None = None,
                protect: Path | None = None) -> SetOutputs:
    """:meth:`SetOutputs.plan` with what the flags of :func:`add_set_output_args` chose."""
    html = None if args.no_html else args.html or DEFAULT_HTML
    return SetOutputs.plan(json_out, html=html, history=not args.no_history, athlete=args.athlete, stem=stem,
                           protect=protect)


def human_output(json_out: Path):
    """Where the tables go: standard output, or standard error when the JSON report goes there."""
    return contextlib.redirect_stdout(sys.stderr) if is_stdout(json_out) else contextlib.nullcontext()
