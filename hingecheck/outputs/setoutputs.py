"""The outputs a finished set gets besides its JSON report: the visual HTML
report and the entry in the training history (shared by ``analyze`` and
``live``). Built from plain values; the flags that choose them are the apps'
(:mod:`hingecheck.apps.setargs`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hingecheck.core.errors import HingecheckError
from hingecheck.io.atomic import check_writable, is_stdout
from hingecheck.io.notice import warn
from hingecheck.outputs.history import HistoryUnavailable, append, check, check_athlete, history_path, session_record
from hingecheck.outputs.outcome import HISTORY, Outcome

#: ``html`` of :meth:`SetOutputs.plan`: the default path beside the JSON report
DEFAULT_HTML = "default"


def default_html(json_out: Path, stem: str | None = None) -> Path:
    """``<stem>.hingecheck.html`` beside the JSON report (``stem`` defaults to the report's);
    here when the report is not a regular file (``-``, ``/dev/stdout``, a FIFO)."""
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
    def plan(cls, json_out: Path, *, html: Path | str | None = DEFAULT_HTML, history: bool = True,
             athlete: str | None = None, stem: str | None = None, protect: Path | None = None) -> "SetOutputs":
        """Check the outputs before the long run (writable paths, a usable history).

        ``html``: the visual report's path, :data:`DEFAULT_HTML` (beside ``json_out``, named
        ``stem``), or None (none); ``history``: add the set to the training history;
        ``athlete``: who lifted; ``protect``: the input video, never overwritten.
        A history that cannot be written now (:class:`HistoryUnavailable`: its folder,
        a read-only or locked file) is a warning, and the set goes without its entry;
        a damaged or foreign history is an error (the user decides what to do with it)."""
        athlete = check_athlete(athlete)
        html_path = default_html(json_out, stem) if html == DEFAULT_HTML else None if html is None else Path(html)
        if html_path is not None:
            check_writable(html_path)
            if protect is not None and html_path.resolve() == protect.resolve():
                raise HingecheckError(f"output {html_path} would overwrite the input video")
        hist, hist_error = None, None
        if history:
            hist = history_path()
            try:
                check(hist)
            except HistoryUnavailable as exc:
                hist, hist_error = None, str(exc)
                warn(f"{exc}; this set will not be added to the history (the reports are still written)")
        stills = None
        if html_path is not None:
            from hingecheck.outputs.stills import StillKeeper  # lazy: numpy, cv2 (~0.2 s), kept out of --help
            stills = StillKeeper()
        return cls(html_path, hist, stills, hist_error, athlete)

    def save_html(self, analysis, outcome: Outcome, *, source: str, model: str | None) -> list[str]:
        """Write the HTML report (a failure is recorded in ``outcome``); the lines to print."""
        if self.html is None:
            return []
        from hingecheck.outputs.htmlreport import write_html  # lazy: numpy, cv2 (~0.2 s), kept out of --help
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
