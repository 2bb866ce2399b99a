"""What ``hingecheck history`` shows, from :func:`hingecheck.outputs.history.load_sessions`.

The sessions table (date, exercise, reps, clean reps %, most common
fault), each fault's share of judged reps per ISO week, sets and training
days per week against the two-to-three-a-week guidance, and the plot
(clean-rep share and each fault's rate, one point per session).
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from hingecheck.core.faults import FAULTS
from hingecheck.outputs.plots import fault_colour

#: hinge practice: two to three training days a week
GUIDANCE_DAYS = (2, 3)


def _judged_whole(s: dict) -> list[dict]:
    return [r for r in s["rep_list"] if r["complete"] and r["judged"]]


def fault_rate(s: dict, fault: str) -> float | None:
    """Share of the session's judged whole reps flagged with ``fault``."""
    judged = _judged_whole(s)
    if not judged:
        return None
    return sum(any(f["fault"] == fault for f in r["faults"]) for r in judged) / len(judged)


def clean_share(s: dict) -> float | None:
    return s["clean_reps"] / s["judged_reps"] if s["judged_reps"] else None


def most_common(s: dict) -> tuple[str, int] | None:
    counts = Counter(f["fault"] for r in s["rep_list"] if r["complete"] for f in r["faults"])
    return counts.most_common(1)[0] if counts else None


def faults_seen(sessions: list[dict]) -> list[str]:
    """Fault ids flagged anywhere in ``sessions``, in catalogue order."""
    seen = {f["fault"] for s in sessions for r in s["rep_list"] for f in r["faults"]}
    return [f for f in FAULTS if f in seen]


def iso_week(created: str) -> str:
    y, w, _ = datetime.fromisoformat(created).isocalendar()
    return f"{y}-W{w:02d}"


def _monday(week: str) -> date:
    y, w = week.split("-W")
    return date.fromisocalendar(int(y), int(w), 1)


def guidance(days: int) -> str:
    lo, hi = GUIDANCE_DAYS
    return f"below (aim for {lo}-{hi})" if days < lo else "on target" if days <= hi else f"more than {hi}"


def weekly(sessions: list[dict]) -> list[dict]:
    """One entry per ISO week from the first session's to the last's (empty weeks included)."""
    if not sessions:
        return []
    by_week: dict[str, list[dict]] = {}
    for s in sessions:
        by_week.setdefault(iso_week(s["created"]), []).append(s)
    faults = faults_seen(sessions)
    this_week = iso_week(datetime.now().isoformat())
    first, last = _monday(min(by_week)), _monday(max(by_week))
    out = []
    for k in range((last - first).days // 7 + 1):
        y, w, _ = (first + timedelta(weeks=k)).isocalendar()
        week = f"{y}-W{w:02d}"
        group = by_week.get(week, [])
        judged = [r for s in group for r in _judged_whole(s)]
        rates = {f: (sum(any(x["fault"] == f for x in r["faults"]) for r in judged) / len(judged)
                     if judged else None) for f in faults}
        days = len({s["created"][:10] for s in group})
        out.append({"week": week, "sets": len(group), "training_days": days, "judged_reps": len(judged),
                    "fault_rates": rates, "guidance": guidance(days), "current": week == this_week})
    return out


def _pct(v: float | None) -> str:
    return "--" if v is None else f"{100 * v:.0f}%"


def video_name(s: dict) -> str:
    """The set's video file name (a camera index or stream as given)."""
    return Path(str(s["source"])).name or str(s["source"])


def athlete_name(s: dict) -> str:
    return s.get("athlete") or "--"


def sessions_table(sessions: list[dict]) -> str:
    head = (f"{'id':>4}  {'date':<16}  {'athlete':<12} {'exercise':<20} {'reps':>4} {'clean':>6}  "
            f"{'state':<14}  {'most common fault':<28} video")
    lines = [head, "-" * len(head)]
    for s in sessions:
        mc = most_common(s)
        fault = f"{FAULTS[mc[0]].title} ({mc[1]} rep{'s' * (mc[1] != 1)})" if mc and mc[0] in FAULTS else "--"
        when = s["created"][:16].replace("T", " ")
        lines.append(f"{s['id']:>4}  {when:<16}  {athlete_name(s)[:12]:<12} {s['exercise']:<20} {s['reps']:>4} "
                     f"{_pct(clean_share(s)):>6}  {s.get('state', '--'):<14}  {fault:<28} {video_name(s)}")
    return "\n".join(lines)


def groups(sessions: list[dict]) -> dict[tuple[str, str], list[dict]]:
    """The sessions per (athlete, exercise), in order of first appearance (athlete '--': not named)."""
    out: dict[tuple[str, str], list[dict]] = {}
    for s in sessions:
        out.setdefault((athlete_name(s), s["exercise"]), []).append(s)
    return out


def trend_table(weeks: list[dict]) -> str:
    """Per ISO week: judged reps and each fault's share of them."""
    faults = list(weeks[0]["fault_rates"]) if weeks else []
    cols = [FAULTS[f].title for f in faults]
    head = f"{'week':<9} {'reps':>4}  " + "  ".join(f"{c:>{max(len(c), 5)}}" for c in cols)
    lines = [head, "-" * len(head)]
    for w in weeks:
        cells = "  ".join(f"{_pct(w['fault_rates'][f]):>{max(len(c), 5)}}" for f, c in zip(faults, cols))
        lines.append(f"{w['week']:<9} {w['judged_reps']:>4}  {cells}")
    return "\n".join(lines)


def guidance_table(weeks: list[dict]) -> str:
    lo, hi = GUIDANCE_DAYS
    lines = [f"training days per week (guidance: {lo}-{hi} a week)"]
    for w in weeks:
        sets, days = w["sets"], w["training_days"]
        lines.append(f"  {w['week']}: {sets} set{'s' * (sets != 1)} on {days} day{'s' * (days != 1)}, "
                     f"{w['guidance']}" + (" (this week, so far)" if w["current"] else ""))
    return "\n".join(lines)


def history_text(path: Path, sessions: list[dict]) -> str:
    if not sessions:
        return f"no sessions in {path}" if path.exists() else f"no history yet ({path} does not exist)"
    n = len(sessions)
    parts = [f"history: {path} ({n} session{'s' * (n != 1)})", sessions_table(sessions)]
    for (athlete, exercise), group in groups(sessions).items():
        weeks = weekly(group)
        parts += ["", f"== athlete {athlete}, {exercise.replace('_', ' ')} =="]
        if faults_seen(group):
            parts += ["fault trend (share of judged reps flagged, per ISO week)", trend_table(weeks)]
        parts += [guidance_table(weeks)]
    return "\n".join(parts)


def history_doc(path: Path, sessions: list[dict]) -> dict:
    """The ``--json`` document."""
    out = []
    for s in sessions:
        mc = most_common(s)
        out.append({**s, "clean_share": clean_share(s),
                    "most_common": None if mc is None else {"fault": mc[0], "reps": mc[1]},
                    "fault_rates": {f: fault_rate(s, f) for f in faults_seen([s])}})
    return {"database": str(path), "guidance_days_per_week": list(GUIDANCE_DAYS),
            "sessions": out, "weeks": weekly(sessions)}


def plot_png(sessions: list[dict]) -> bytes:
    """Per athlete and exercise, one panel: clean-rep share and each fault's rate
    (% of judged reps), one point per session."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    parts = groups(sessions)
    fig = Figure(figsize=(9, 0.4 + 3.2 * len(parts)), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(parts), 1, sharex=True, squeeze=False)[:, 0]  # one time axis for all
    for ax, ((athlete, exercise), group) in zip(axes, parts.items()):
        _plot_group(ax, group)
        ax.set_title(f"{athlete} · {exercise.replace('_', ' ')}", fontsize=10, loc="left")
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _plot_group(ax, sessions: list[dict]) -> None:

    x = [datetime.fromisoformat(s["created"]) for s in sessions]

    def series(values, label, **style):
        pts = [(t, 100 * v) for t, v in zip(x, values) if v is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label, **style)

    series([clean_share(s) for s in sessions], "clean reps", color="#1a9641", lw=2.2)
    for f in faults_seen(sessions):
        series([fault_rate(s, f) for s in sessions], FAULTS[f].title, color=fault_colour(f), lw=1.2)
    ax.set_ylim(-5, 105)
    ax.set_ylabel("% of judged reps")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
