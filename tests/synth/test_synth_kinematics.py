"""tools/synth without a renderer: the motion timeline, the true angles and the CLI's errors."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.synth.cli import main  # noqa: E402
from tools.synth.clip import sagittal_angles  # noqa: E402
from tools.synth.kinematics import Faults, Motion, bottom_pose, timeline  # noqa: E402

FPS = 30.0


def test_timeline_has_the_reps_asked_for_with_the_tempo():
    m = Motion(reps=3, down_s=1.5, up_s=1.0)
    ch, reps = timeline(m, FPS)
    assert [r["rep"] for r in reps] == [1, 2, 3]
    for r in reps:
        assert r["bottom"] - r["start"] == pytest.approx((m.down_s + m.bottom_s / 2) * FPS, abs=2)
        assert ch["hip"][r["bottom"]] == pytest.approx(bottom_pose(m)["hip"])
        assert r["faults"] == {}
    assert ch["hip"][0] == 0.0 and len(ch["hip"]) == reps[-1]["end"] + 1 + round(m.tail_s * FPS)


def test_faults_change_the_pose_the_way_their_names_say():
    clean = bottom_pose(Motion())
    assert bottom_pose(Motion(faults=Faults(excess_knee=40)))["knee"] == pytest.approx(clean["knee"] + 40)
    rounded = bottom_pose(Motion(faults=Faults(rounded_back=30)))
    assert rounded["lumbar"] + rounded["thoracic"] == pytest.approx(clean["lumbar"] + clean["thoracic"] + 30)
    squat = bottom_pose(Motion(faults=Faults(squat=1.0)))
    assert squat["shin"] > 30 and squat["shin"] - squat["knee"] + squat["hip"] < 30   # shins forward, trunk up
    ch, reps = timeline(Motion(faults=Faults(incomplete_lockout=20)), FPS)
    top = reps[0]["end"] + 5
    assert ch["hip"][top] == pytest.approx(20.0) and ch["hip"][0] == 0.0


def test_gaze_extends_the_clean_bottoms_neck_and_a_dropped_head_looks_down_instead():
    from tools.synth.kinematics import CLEAN_BOTTOM, CHANNELS
    for variant in CLEAN_BOTTOM:
        clean = bottom_pose(Motion(variant=variant))
        assert clean["neck"] == CLEAN_BOTTOM[variant][CHANNELS.index("neck")]  # no gaze: as before
        ahead = bottom_pose(Motion(variant=variant, gaze=25.0))
        assert ahead["neck"] == pytest.approx(clean["neck"] - 25.0)
        assert {k: v for k, v in ahead.items() if k != "neck"} == {k: v for k, v in clean.items() if k != "neck"}
        dropped = Faults(dropped_head=45.0)
        assert bottom_pose(Motion(variant=variant, gaze=25.0, faults=dropped)) == \
            bottom_pose(Motion(variant=variant, faults=dropped))
    # standing, the head is neutral whatever the gaze
    ch, reps = timeline(Motion(gaze=30.0, reps=1), FPS)
    assert ch["neck"][0] == 0.0 and ch["neck"][reps[0]["bottom"]] == pytest.approx(bottom_pose(Motion(gaze=30.0))["neck"])


def test_hips_rise_first_straightens_the_knees_before_the_trunk_rises():
    ch, reps = timeline(Motion(faults=Faults(hips_rise_first=1.0)), FPS)
    r = reps[0]
    up = np.arange(r["bottom"] + int(0.15 * FPS), r["end"] + 1)
    trunk = ch["shin"] - ch["knee"] + ch["hip"]
    knee_done = 1 - ch["knee"][up] / ch["knee"][r["bottom"]]
    trunk_done = 1 - trunk[up] / trunk[r["bottom"]]
    k60 = up[np.argmax(knee_done >= 0.6)] - up[0]
    assert trunk_done[k60] < 0.15
    _, clean = timeline(Motion(), FPS)
    assert clean == [dict(x, faults={}) for x in clean]


def test_true_angles_of_a_straight_stance_and_a_right_angle_hinge():
    def pts(shoulder):
        p = {"ear": [0.1, 1.7, 0], "shoulder": shoulder, "hip": [0, 1.0, 0], "knee": [0, 0.5, 0],
             "ankle": [0, 0.05, 0]}
        return {f"{k}.{s}": np.asarray(v, float) for k, v in p.items() for s in ("L", "R")}
    a = sagittal_angles([pts([0, 1.5, 0]), pts([0.5, 1.0, 0])])
    np.testing.assert_allclose(a["hip_angle"], [180.0, 90.0], atol=1e-9)
    np.testing.assert_allclose(a["trunk_angle"], [0.0, 90.0], atol=1e-9)
    np.testing.assert_allclose(a["knee_angle"], [180.0, 180.0], atol=1e-9)


@pytest.mark.parametrize("content,message", [("{", "not valid JSON"), ('{"motion": {"variant": "x"}}', "unknown variant"),
                                             ('{"camera": {"width": 63}}', "width"), ('{"colour": 1}', "unknown parameter")])
def test_cli_bad_parameters_give_one_line_errors(tmp_path, capsys, content, message):
    params = tmp_path / "p.json"
    params.write_text(content)
    assert main(["render", str(params), str(tmp_path / "out.mp4")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("synth: error:") and message in err and "\n" not in err
    assert not (tmp_path / "out.mp4").exists()
