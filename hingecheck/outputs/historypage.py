"""``hingecheck history --plot OUT``: a PNG, or a page with one chart per athlete and exercise.

Each chart (inline SVG, no script, no server) shows per ISO week the sets
done as bars against the two-to-three-a-week guidance (the shaded band),
each fault's share of the week's judged reps as a line, and every set as a
point (its share of judged reps with a fault) linked to that set's report.
Below the charts, the sessions table links each set to its report and
names its video.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from hingecheck.core.errors import HingecheckError
from hingecheck.core.faults import FAULTS
from hingecheck.io.atomic import atomic_path, write_text_atomic
from hingecheck.outputs.historyview import (
    GUIDANCE_DAYS,
    athlete_name,
    clean_share,
    faults_seen,
    groups,
    iso_week,
    most_common,
    plot_png,
    video_name,
    weekly,
)
from hingecheck.outputs.plots import fault_colour

W, H, LEFT, RIGHT, TOP, BOTTOM = 760, 260, 48, 48, 14, 40

CSS = """
body{font-family:system-ui,sans-serif;margin:1.2em;max-width:1100px;color:#222}
.meta{color:#666;font-size:13px}section.chart{margin:1.2em 0 2em}
svg text{font-size:11px;fill:#444}.legend span{margin-right:1em;font-size:13px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 8px;font-size:14px;text-align:left}
th{background:#f0f0f0}
"""


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def report_link(s: dict) -> str | None:
    """The set's report as a file URL: its HTML report, else its JSON report."""
    path = s["reports"].get("html") or s["reports"].get("json")
    return Path(path).as_uri() if path and Path(path).is_absolute() else path


def _scales(n_weeks: int, max_sets: int):
    step = (W - LEFT - RIGHT) / max(n_weeks, 1)
    top_sets = max(max_sets, GUIDANCE_DAYS[1] + 1)

    def x(week_pos: float) -> float:
        return LEFT + step * week_pos

    def y_share(v: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - v)

    def y_sets(n: float) -> float:
        return y_share(n / top_sets)
    return step, top_sets, x, y_share, y_sets


def _axes(weeks: list[dict], step: float, top_sets: int, y_share, y_sets) -> list[str]:
    lo, hi = GUIDANCE_DAYS
    out = [f"<rect x='{LEFT}' y='{y_sets(hi):.1f}' width='{W - LEFT - RIGHT}' height='{y_sets(lo) - y_sets(hi):.1f}'"
           " fill='#e3f2e1'><title>guidance: 2-3 sessions a week</title></rect>"]
    for v in (0, 0.5, 1):
        out.append(f"<line x1='{LEFT}' x2='{W - RIGHT}' y1='{y_share(v):.1f}' y2='{y_share(v):.1f}' stroke='#ddd'/>"
                   f"<text x='{LEFT - 6}' y='{y_share(v) + 4:.1f}' text-anchor='end'>{100 * v:.0f}%</text>")
    for n in range(0, top_sets + 1):
        out.append(f"<text x='{W - RIGHT + 6}' y='{y_sets(n) + 4:.1f}'>{n}</text>")
    every = max(1, len(weeks) // 8)
    for i, w in enumerate(weeks):
        if i % every == 0:
            out.append(f"<text x='{LEFT + step * (i + 0.5):.1f}' y='{H - BOTTOM + 16}' text-anchor='middle'>"
                       f"{_e(w['week'])}</text>")
    out.append(f"<text x='{LEFT}' y='{H - 6}'>share of judged reps (left) · sets per week (right, bars)</text>")
    return out


def chart_svg(sessions: list[dict]) -> str:
    """One group's chart (see the module doc)."""
    weeks = weekly(sessions)
    index = {w["week"]: i for i, w in enumerate(weeks)}
    step, top_sets, x, y_share, y_sets = _scales(len(weeks), max(w["sets"] for w in weeks))
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{W}' height='{H}' viewBox='0 0 {W} {H}'>"]
    out += _axes(weeks, step, top_sets, y_share, y_sets)
    for i, w in enumerate(weeks):
        if w["sets"]:
            out.append(f"<rect class='sets' x='{x(i + 0.3):.1f}' y='{y_sets(w['sets']):.1f}' width='{0.4 * step:.1f}'"
                       f" height='{y_sets(0) - y_sets(w['sets']):.1f}' fill='#bbb'><title>{_e(w['week'])}: "
                       f"{w['sets']} set(s) on {w['training_days']} day(s), {_e(w['guidance'])}</title></rect>")
    for f in faults_seen(sessions):
        pts = [(x(i + 0.5), y_share(w["fault_rates"][f])) for i, w in enumerate(weeks)
               if w["fault_rates"].get(f) is not None]
        out.append(f"<polyline fill='none' stroke='{fault_colour(f, '#666')}' stroke-width='2' points='"
                   + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)
                   + f"'><title>{_e(FAULTS[f].title)}</title></polyline>")
    for s in sessions:
        share = clean_share(s)
        if share is None:
            continue
        pos = index[iso_week(s["created"])] + datetime.fromisoformat(s["created"]).weekday() / 7 + 1 / 14
        tip = (f"{s['created'][:16].replace('T', ' ')} {video_name(s)}: {100 * (1 - share):.0f}% of reps with a fault")
        dot = (f"<circle class='set' cx='{x(pos):.1f}' cy='{y_share(1 - share):.1f}' r='5' fill='#222'>"
               f"<title>{_e(tip)}</title></circle>")
        link = report_link(s)
        out.append(f"<a href='{_e(link)}'>{dot}</a>" if link else dot)
    return "".join(out) + "</svg>"


def _legend(sessions: list[dict]) -> str:
    items = [f"<span><i style='background:{fault_colour(f, '#666')}'></i>{_e(FAULTS[f].title)}</span>"
             for f in faults_seen(sessions)]
    items.append("<span><i style='background:#222;border-radius:6px'></i>a set (click: its report)</span>")
    items.append("<span><i style='background:#e3f2e1'></i>2-3 sets a week</span>")
    return f"<div class='legend'>{''.join(items)}</div>"


def _sessions_rows(sessions: list[dict]) -> str:
    rows = []
    for s in sessions:
        mc, share, link = most_common(s), clean_share(s), report_link(s)
        fault = f"{FAULTS[mc[0]].title} ({mc[1]})" if mc and mc[0] in FAULTS else "--"
        report = f"<a href='{_e(link)}'>report</a>" if link else ""
        rows.append(f"<tr><td>{s['id']}</td><td>{_e(s['created'][:16].replace('T', ' '))}</td>"
                    f"<td>{_e(athlete_name(s))}</td><td>{_e(s['exercise'].replace('_', ' '))}</td><td>{s['reps']}</td>"
                    f"<td>{'--' if share is None else f'{100 * share:.0f}%'}</td><td>{_e(fault)}</td>"
                    f"<td>{_e(video_name(s))}</td><td>{report}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("id", "date", "athlete", "exercise", "reps", "clean",
                                             "most common fault", "video", ""))
    return f"<table class='sessions'><tr>{head}</tr>{''.join(rows)}</table>"


def history_page(path: Path, sessions: list[dict]) -> str:
    charts = []
    for (athlete, exercise), group in groups(sessions).items():
        charts.append(f"<section class='chart' data-athlete='{_e(athlete)}' data-exercise='{_e(exercise)}'>"
                      f"<h2>{_e(athlete)} · {_e(exercise.replace('_', ' '))} "
                      f"<small class='meta'>{len(group)} set(s)</small></h2>"
                      f"{_legend(group)}{chart_svg(group)}</section>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>hingecheck history</title>"
            f"<style>{CSS}</style></head><body><h1>Training history</h1>"
            f"<div class='meta'>{_e(path)} · {len(sessions)} sessions · guidance: "
            f"{GUIDANCE_DAYS[0]}-{GUIDANCE_DAYS[1]} hinge sessions a week</div>"
            + "".join(charts) + "<h2>Sessions</h2>" + _sessions_rows(sessions) + "</body></html>\n")


def write_plot(out: Path, path: Path, sessions: list[dict]) -> None:
    """``out``: the plot as a PNG, or (``.html``) a page with a chart per athlete and exercise
    (:mod:`hingecheck.outputs.historypage`)."""
    suffix = out.suffix.lower()
    if suffix not in (".png", ".html", ".htm"):
        raise HingecheckError(f"--plot {out}: give a .png or .html file name")
    if not sessions:
        raise HingecheckError(f"nothing to plot: no sessions in {path} for this selection")
    if suffix == ".png":
        png = plot_png(sessions)
        with atomic_path(out) as tmp:
            tmp.write_bytes(png)
        return
    write_text_atomic(out, history_page(path, sessions))
