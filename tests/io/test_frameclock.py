"""One frame rate range and one timestamp repair for every video source (analyze's reader, live's source)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from hingecheck.io.framerate import FALLBACK_FPS, SOURCE_FPS_RANGE, FrameClock, source_fps


@pytest.mark.parametrize("reported", [2.0, 24.0, 25.0, 29.97, 60.0, 120.0, SOURCE_FPS_RANGE[1]])
def test_a_plausible_rate_is_believed(reported):
    assert source_fps(reported) == reported


@pytest.mark.parametrize("reported", [float("nan"), float("inf"), -30.0, 0.0, SOURCE_FPS_RANGE[0],
                                      SOURCE_FPS_RANGE[1] + 1, 1000.0, 90000.0])
def test_an_implausible_rate_falls_back(reported):
    assert source_fps(reported) == FALLBACK_FPS


def test_clock_keeps_increasing_times_and_repairs_the_rest():
    clock = FrameClock(25.0)
    reported = [0.0, 0.04, 0.04, float("nan"), 0.02, 0.5, 0.54]
    got = [clock.next(t) for t in reported]
    assert got[:2] == [0.0, 0.04]
    assert got[2:5] == pytest.approx([0.08, 0.12, 0.16])    # repeated, missing, going back: one period on
    assert got[5:] == [0.5, 0.54]                           # a real gap is kept
    assert all(b > a for a, b in zip(got, got[1:]))


def test_clock_without_any_time_counts_periods_from_zero():
    clock = FrameClock(float("nan"))                         # no rate either: the fallback's period
    got = [clock.next(float("nan")) for _ in range(4)]
    assert got == pytest.approx(np.arange(4) / FALLBACK_FPS)
    assert math.isfinite(clock.period)


def _video(path, fps: float, n: int = 12):
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (64, 48))
    for i in range(n):
        w.write(np.full((48, 64, 3), (i * 20) % 255, np.uint8))
    w.release()
    return path


@pytest.mark.parametrize("written, expected", [(25.0, 25.0), (240.0, 240.0), (500.0, FALLBACK_FPS)])
def test_file_reader_and_live_source_agree_on_the_rate(tmp_path, written, expected):
    """analyze's probe and live's source read one rate for the same file (they once had
    different ranges: 500 fps was believed by one and replaced by 30 by the other)."""
    from hingecheck.io.livesource import FrameSource
    from hingecheck.io.video import FrameReader, probe

    video = _video(tmp_path / "v.mp4", written)
    assert probe(video).fps == expected
    source = FrameSource(source=str(video), realtime=False)
    try:
        assert source.fps == expected
    finally:
        source.close()
    with FrameReader(video) as reader:
        times = [f.timestamp for f in reader]
    assert len(times) == 12 and times[0] == 0.0 and np.all(np.diff(times) > 0)
