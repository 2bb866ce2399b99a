"""The outputs a finished set gets besides its JSON report: the visual HTML
report and the entry in the training history (shared by ``analyze`` and
``live``)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from hingecheck.core.errors import HingecheckError
from hingecheck.outputs.outcome import HISTORY, Outcome


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
    """Where a set's HTML report and history entry go (None: not wanted, or a history
    that failed its check: ``history_error`` then says why)."""

    html: Path | None
    history: Path | None
    stills: object | None = None  # a StillKeeper while the HTML report is wanted
    history_error: str | None = None
    athlete: str | None = None    # who lifted, for the history

    @classmethod
    def plan(cls, args: argparse.Namespace, json_out: Path, stem: str | None = None,
             protect: Path | None = None) -> "SetOutputs":
        """Check the outputs before the long run (writable paths, a usable history).

        A history that cannot be written now (:class:`HistoryUnavailable`: its folder,
        a read-only or locked file) is a warning, and the set goes without its entry;
        a damaged or foreign history is an error (the user decides what to do with it)."""
        from hingecheck.io.atomic import check_writable
        from hingecheck.outputs.history import check_athlete

        athlete = check_athlete(getattr(args, "athlete", None))
        html = None if args.no_html else Path(args.html) if args.html else default_html(json_out, stem)
        if html is not None:
            check_writable(html)
            if protect is not None and html.resolve() == protect.resolve():
                raise HingecheckError(f"output {html} would overwrite the input video")
        hist, hist_error = None, None
        if not args.no_history:
            from hingecheck.io.notice import warn
            from hingecheck.outputs.history import HistoryUnavailable, check, history_path
            hist = history_path()
            try:
                check(hist)
            except HistoryUnavailable as exc:
                hist, hist_error = None, str(exc)
                warn(f"{exc}; this set will not be added to the history (the reports are still written)")
        stills = None
        if html is not None:
            from hingecheck.outputs.stills import StillKeeper
            stills = StillKeeper()
        return cls(html, hist, stills, hist_error, athlete)

    def save_html(self, analysis, outcome: Outcome, *, source: str, model: str | None) -> list[str]:
        """Write the HTML report (a failure is recorded in ``outcome``); the lines to print."""
        if self.html is None:
            return []
        from hingecheck.outputs.htmlreport import write_html
        html = self.html
        done = outcome.attempt("visual report", html,
                               lambda: write_html(html, analysis, source, model, self.stills,
                                                  video=outcome.written.get("annotated video")) or True)
        return [f"visual report: {html}"] if done else []

    def save_history(self, analysis, outcome: Outcome, *, source: str, model: str | None, kind: str) -> list[str]:
        """Add the set to the history with the paths of the reports ``outcome`` wrote
        (a failure is recorded there, a warning); the lines to print."""
        if self.history_error is not None:
            outcome.fail(HISTORY, self.history_error)
        if self.history is None:
            return []
        from hingecheck.outputs.history import append, session_record
        path = self.history
        keys = {"report": "json", "annotated video": "video", "visual report": "html"}
        rec = session_record(analysis, source=source, model=model, kind=kind, athlete=self.athlete,
                             reports={keys[k]: str(v) for k, v in outcome.written.items() if k in keys})
        sid = outcome.attempt(HISTORY, path, lambda: append(path, rec))
        return [] if sid is None else [f"history: session {sid} in {path} (see: hingecheck history)"]

    def save(self, analysis, *, source: str, model: str | None, kind: str,
             reports: dict[str, Path | None], outcome: Outcome | None = None) -> list[str]:
        """Write the HTML report, then the history entry, each on its own (see
        :mod:`hingecheck.outputs.outcome`); the lines to print. ``outcome`` holds the
        command's other outputs (without one, ``reports``, kind -> path, are taken as written)."""
        if outcome is None:
            names = {"json": "report", "video": "annotated video"}
            outcome = Outcome({names.get(k, k): Path(v) for k, v in reports.items() if v})
        return (self.save_html(analysis, outcome, source=source, model=model)
                + self.save_history(analysis, outcome, source=source, model=model, kind=kind))
