"""The landmark-offset measure of the synthetic corpus (``synth_corpus.py landmarks``): where a
measured point sits against the truth's, in the true trunk's frame and trunk lengths. No renderer."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.synth.corpus_run import OFFSET_LANDMARKS, trunk_frame_offsets  # noqa: E402


def _truth(angle_deg: float, length: float = 200.0, n: int = 4) -> dict[str, np.ndarray]:
    """An image trunk tipped ``angle_deg`` from vertical toward image right (y down)."""
    a = np.radians(angle_deg)
    hip = np.tile([400.0, 500.0], (n, 1))
    up = np.array([np.sin(a), -np.cos(a)])
    shoulder = hip + length * up
    return {"hip": hip, "shoulder": shoulder, "ear": shoulder + 0.4 * length * up}


@pytest.mark.parametrize("angle", [0.0, 35.0, 80.0])
@pytest.mark.parametrize("facing", [1.0, -1.0])
def test_known_offsets_come_back_in_trunk_lengths_along_and_forward(angle, facing):
    truth = _truth(angle)
    a = np.radians(angle)
    up = np.array([np.sin(a), -np.cos(a)])
    ahead = np.array([np.cos(a), np.sin(a)]) * facing   # across the trunk, the way the lifter faces
    want = {"ear": (0.0, 0.1), "shoulder": (0.08, 0.0), "hip": (-0.03, 0.05)}
    measured = {n: truth[n] + 200.0 * (want[n][0] * up + want[n][1] * ahead) for n in OFFSET_LANDMARKS}
    forward = np.tile([facing * 1.0, 0.0], (4, 1)) if angle < 80 else np.tile(ahead, (4, 1))
    got = trunk_frame_offsets(measured, truth, forward)
    for n in OFFSET_LANDMARKS:
        np.testing.assert_allclose(got[n], np.tile(want[n], (4, 1)), atol=1e-9)


def test_a_missing_point_is_nan_in_its_frame_only():
    truth = _truth(20.0)
    measured = {n: v.copy() for n, v in truth.items()}
    measured["ear"][2] = np.nan
    got = trunk_frame_offsets(measured, truth, np.tile([1.0, 0.0], (4, 1)))
    assert np.isnan(got["ear"][2]).all() and np.isfinite(np.delete(got["ear"], 2, axis=0)).all()
    np.testing.assert_allclose(got["hip"], 0.0, atol=1e-12)
