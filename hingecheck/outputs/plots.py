"""The angle-over-time plot of a clip (matplotlib, drawn off-screen)."""

from __future__ import annotations

import io
from pathlib import Path

from hingecheck.core.errors import HingecheckError
from hingecheck.core.faults import FAULTS
from hingecheck.io.atomic import atomic_path
from hingecheck.io.notice import warn
from hingecheck.outputs.angles import Joint, angle_label
from hingecheck.outputs.records import SIGNALS, ClipResult

#: the plotted signals, named in the lifter's convention (:mod:`hingecheck.outputs.angles`)
SIGNAL_JOINTS = {"hip_flexion": Joint.HIP, "knee_flexion": Joint.KNEE, "trunk_angle": Joint.TRUNK}


def fault_colour(fault: str, unknown: str = "k") -> str:
    """The fault's colour from its registry entry (``unknown`` for an id not in it)."""
    spec = FAULTS.get(fault)
    return spec.colour if spec else unknown


#: the legend's name and the shading of a rep that could not be judged
CANT_JUDGE, CANT_JUDGE_COLOUR = "can't judge", "#bbbbbb"


def span_legend(shaded: set[str]) -> list[tuple[str, str]]:
    """(label, colour) of each kind of shaded span: faults by their title in words, and
    :data:`CANT_JUDGE`, in the order of their ids."""
    return [(CANT_JUDGE, CANT_JUDGE_COLOUR) if k == CANT_JUDGE
            else (FAULTS[k].title if k in FAULTS else k, fault_colour(k)) for k in sorted(shaded)]


def angle_plot_png(result: ClipResult, title: str) -> bytes:
    """Hip bend, knee bend and trunk lean over time (degrees, 0 = straight / upright); fault spans shaded."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    sig = result.signals
    t = sig.t if sig is not None else []
    fig = Figure(figsize=(9.5, 2.6), dpi=90)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    nan = float("nan")
    for name, color in zip(SIGNALS, ("#1b9e77", "#d95f02", "#7570b3")):
        ys = [nan if v is None else v for v in (sig.series(name) if sig is not None else [])]
        if ys:
            ax.plot(t[:len(ys)], ys, color=color, lw=1.3, label=angle_label(SIGNAL_JOINTS[name]))
    seen = set()
    for rep in result.reps:
        if not rep.judged:
            ax.axvspan(rep.t_start, rep.t_end, color=CANT_JUDGE_COLOUR, alpha=0.25, lw=0)
            seen.add(CANT_JUDGE)
        for span in rep.fault_spans:
            ax.axvspan(span.t0, max(span.t1, span.t0 + 0.02), color=fault_colour(span.fault),
                       alpha=0.22, lw=0)
            seen.add(span.fault)
        ax.axvline(rep.t_start, color="#999999", lw=0.5, ls=":")
    handles, _ = ax.get_legend_handles_labels()
    handles += [Patch(color=colour, alpha=0.4, label=label) for label, colour in span_legend(seen)]
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.7)
    ax.set_xlabel("time (s)", fontsize=8)
    ax.set_ylabel("degrees (0 = straight)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def write_plot(path: Path, result: ClipResult, title: str) -> bytes | None:
    """Draw :func:`angle_plot_png` and keep it at ``path`` (atomically); None, with a
    warning, if it cannot be written (a plot never sinks a clip). A drawing error is a
    bug and raises."""
    png = angle_plot_png(result, title)
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(png)
    except (HingecheckError, OSError) as exc:
        warn(f"plot {path} not written ({exc}); the report shows it all the same")
        return None
    return png
