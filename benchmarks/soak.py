"""Soak: ``hingecheck analyze`` (lite model, every output: JSON, HTML, annotated
video, history) on a sample clip looped to 1, 10 and 60 minutes; peak resident
memory and time of each run, and the memory added per analysed frame.

    nice -n 15 python benchmarks/soak.py [--minutes 1 10 60] [--clip sample_videos/good_hinge.mp4]
                                          [--json OUT]

The looped video is made by remuxing the clip's packets (PyAV, no re-encoding),
so making it costs seconds. Peak RSS is measured by a wrapper process whose only
child is the run (see ``bench.peak_rss_mb``). "bytes per frame" is the growth of
the peak between two lengths divided by the extra frames analysed. Results are
in docs/failures.md (the soak table).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def loop_remux(src: Path, out: Path, minutes: float) -> int:
    """Write ``src``'s video stream repeated to last ``minutes`` (packets copied,
    timestamps shifted); the number of frames written."""
    import av
    with av.open(str(src)) as inp:
        s = inp.streams.video[0]
        packets = [(p.pts, p.dts, bytes(p), p.is_keyframe) for p in inp.demux(s) if p.size]
        tb, span = s.time_base, s.duration
        with av.open(str(out), "w") as dst:
            o = dst.add_stream_from_template(s) if hasattr(dst, "add_stream_from_template") else dst.add_stream(template=s)
            loops = max(1, int(round(minutes * 60 / float(span * tb))))
            n = 0
            for k in range(loops):
                for pts, dts, data, key in packets:
                    p = av.Packet(data)
                    p.pts, p.dts = pts + k * span, dts + k * span
                    p.is_keyframe = key
                    p.time_base, p.stream = tb, o
                    dst.mux(p)
                    n += 1
    return n


def measure(cmd: list[str], env: dict) -> dict:
    """Peak RSS (MB) and wall seconds of ``cmd`` (see ``bench.peak_rss_mb``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import peak_rss_mb
    mb, wall = peak_rss_mb(cmd, env)
    return {"peak_rss_mb": round(mb, 1), "wall_s": round(wall, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, nargs="+", default=[1, 10, 60])
    ap.add_argument("--clip", type=Path, default=REPO / "sample_videos" / "good_hinge.mp4")
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    ap.add_argument("--work", type=Path, help="folder for the looped video and outputs (default: a temporary one)")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    results = {}
    with tempfile.TemporaryDirectory(dir=args.work) as d:
        env["HINGECHECK_HOME"] = d
        for minutes in args.minutes:
            video = Path(d) / f"loop{minutes:g}.mp4"
            frames = loop_remux(args.clip, video, minutes)
            cmd = [sys.executable, "-m", "hingecheck", "analyze", str(video), "--model", "lite", "--quiet",
                   "--json", str(Path(d) / "r.json"), "--video", str(Path(d) / "r.mp4"),
                   "--html", str(Path(d) / "r.html")]
            r = {"frames": frames, **measure(cmd, env)}
            results[f"{minutes:g} min"] = r
            print(f"{minutes:g} min: {json.dumps(r)}", flush=True)
            video.unlink()
    keys = list(results)
    for a, b in zip(keys, keys[1:]):
        ra, rb = results[a], results[b]
        per = (rb["peak_rss_mb"] - ra["peak_rss_mb"]) * 2**20 / max(1, rb["frames"] - ra["frames"])
        results[f"growth {a} -> {b}"] = {"bytes_per_frame": round(per)}
        print(f"peak RSS growth {a} -> {b}: {per:.0f} bytes per analysed frame")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
