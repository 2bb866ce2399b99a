"""The outputs a finished set gets besides its JSON report: the visual HTML
report and the entry in the training history (shared by ``analyze`` and
``live``)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from hingecheck.core.errors import HingecheckError


def add_set_output_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--html", metavar="OUT",
                   help="visual report path (default: <name>.hingecheck.html beside the JSON report)")
    p.add_argument("--no-html", action="store_true", help="do not write the visual HTML report")
    p.add_argument("--no-history", action="store_true",
                   help="do not add this set to the training history (see: hingecheck history)")
    p.add_argument("--athlete", metavar="NAME", help="who lifted: kept with the set in the history "
                                                     "(see: hingecheck history --athlete NAME)")


def default_html(json_out: Path, stem: str | None = None) -> Path:
    """``<stem>.hingecheck.html`` beside the JSON report (``stem`` defaults to the report's);
    here when the report is not a regular file (``-``, ``/dev/stdout``, a FIFO)."""
    from hingecheck.io.atomic import is_stdout
    if stem is None:
        name = json_out.name
        stem = name[:-len(".hingecheck.json")] if name.endswith(".hingecheck.json") else json_out.stem
    special = is_stdout(json_out) or (json_out.exists() and not json_out.is_file())
    folder = Path(".") if special else json_out.parent
    return folder / f"{stem}.hingecheck.html"


@dataclass
class SetOutputs:
    """Where a set's HTML report and history entry go (None: not wanted)."""

    html: Path | None
    history: Path | None
    stills: object | None = None  # a StillKeeper while the HTML report is wanted
    athlete: str | None = None    # who lifted, for the history

    @classmethod
    def plan(cls, args: argparse.Namespace, json_out: Path, stem: str | None = None,
             protect: Path | None = None) -> "SetOutputs":
        """Check the outputs before the long run (writable paths, a usable history)."""
        from hingecheck.io.atomic import check_writable
        from hingecheck.outputs.history import check_athlete

        athlete = check_athlete(getattr(args, "athlete", None))
        html = None if args.no_html else Path(args.html) if args.html else default_html(json_out, stem)
        if html is not None:
            check_writable(html)
            if protect is not None and html.resolve() == protect.resolve():
                raise HingecheckError(f"output {html} would overwrite the input video")
        hist = None
        if not args.no_history:
            from hingecheck.outputs.history import check, history_path
            hist = history_path()
            check(hist)
        stills = None
        if html is not None:
            from hingecheck.outputs.stills import StillKeeper
            stills = StillKeeper()
        return cls(html, hist, stills, athlete)

    def save(self, analysis, *, source: str, model: str | None, kind: str,
             reports: dict[str, Path | None]) -> list[str]:
        """Write the HTML report and the history entry; the lines to print about them."""
        lines = []
        if self.html is not None:
            from hingecheck.outputs.htmlreport import write_html
            write_html(self.html, analysis, source, model, self.stills, video=reports.get("video"))
            lines.append(f"visual report: {self.html}")
        if self.history is not None:
            from hingecheck.outputs.history import append, session_record
            rec = session_record(analysis, source=source, model=model, kind=kind, athlete=self.athlete,
                                 reports={**{k: str(v) for k, v in reports.items() if v},
                                          **({"html": str(self.html)} if self.html else {})})
            sid = append(self.history, rec)
            lines.append(f"history: session {sid} in {self.history} (see: hingecheck history)")
        return lines
