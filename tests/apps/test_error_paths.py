"""Errors are caught for what they mean and said, never swallowed: a by-product that
cannot be read or written is a warning (the ``hingecheck`` logger), and a bug raises."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest

from hingecheck.io.extract import POSE_CACHE_FORMAT, load_pose_run


def _warned(caplog) -> str:
    return " | ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


def test_unreadable_pose_cache_is_a_miss_with_a_warning(tmp_path, caplog):
    bad = tmp_path / "k.npz"
    bad.write_bytes(b"not a zip at all" * 10)
    with caplog.at_level(logging.WARNING, logger="hingecheck"):
        assert load_pose_run(bad) is None
    assert f"pose cache {bad} cannot be read" in _warned(caplog)
    assert load_pose_run(tmp_path / "absent.npz") is None


def test_pose_cache_of_another_format_is_a_quiet_miss(tmp_path, caplog):
    np.savez(tmp_path / "old.npz", format=np.asarray(POSE_CACHE_FORMAT - 1))
    with caplog.at_level(logging.WARNING, logger="hingecheck"):
        assert load_pose_run(tmp_path / "old.npz") is None
    assert _warned(caplog) == ""


def test_pose_cache_of_this_format_missing_a_field_is_a_bug(tmp_path):
    """Not a cache miss (which would silently re-run the model on every clip): it raises."""
    np.savez(tmp_path / "cur.npz", format=np.asarray(POSE_CACHE_FORMAT), image=np.zeros((2, 33, 2)))
    with pytest.raises(KeyError):
        load_pose_run(tmp_path / "cur.npz")


def test_plot_that_cannot_be_written_is_a_warning(tmp_path, caplog):
    from hingecheck.outputs.plots import write_plot
    target = tmp_path / "no_such_folder" / "p.png"
    from hingecheck.outputs.records import ClipResult
    empty = ClipResult(rep_count=0, reps_found=0, judged_reps=0, cant_judge=True, clip_faults=[], view="side")
    with caplog.at_level(logging.WARNING, logger="hingecheck"):
        assert write_plot(target, empty, "t") is None
    assert f"plot {target} not written" in _warned(caplog)
    png = write_plot(tmp_path / "p.png", empty, "t")
    assert png[:4] == b"\x89PNG" and (tmp_path / "p.png").read_bytes() == png


def test_plot_drawing_bug_raises(tmp_path):
    from hingecheck.outputs.plots import write_plot
    from hingecheck.outputs.records import ClipResult, RepRecord
    rep = RepRecord(index=1, complete=True, t_start=None, t_end=None, faults=[], cant_judge={}, judged=False)
    broken = ClipResult(rep_count=1, reps_found=1, judged_reps=0, cant_judge=True, clip_faults=[], view="side",
                        reps=[rep])
    with pytest.raises(TypeError):
        write_plot(tmp_path / "p.png", broken, "t")


def test_presented_duration_of_a_non_video_warns(tmp_path, caplog):
    from hingecheck.io.video import presented_duration
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 100)
    with caplog.at_level(logging.WARNING, logger="hingecheck"):
        assert presented_duration(junk) is None
    assert "cannot read the presented duration" in _warned(caplog)


def test_workers_silence_only_the_expected_numpy_warnings():
    from hingecheck.scoring.clipworker import quiet_expected_warnings
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with quiet_expected_warnings():
            np.nanmean(np.array([np.nan]))             # expected on frames without a person: silent
            warnings.warn("something else", UserWarning)  # anything else: shown
        np.nanmean(np.array([np.nan]))                 # outside it: the filter is gone
    assert [str(w.message) for w in seen] == ["something else", "Mean of empty slice"]
