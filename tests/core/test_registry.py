"""The fault registry: every fault complete in one entry, and a fault added by
one entry plus its rule reaches every output without another table."""

from __future__ import annotations

import dataclasses
import re

import pytest
from synthetic import make_hinge

from hingecheck.core import faults as registry
from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import Thresholds, load_config, yaw_key
from hingecheck.core.faults import FAULTS, in_run_order
from hingecheck.core.faultspec import BodyParts, FaultSpec, ShowAt
from hingecheck.core.kinds import Comparison, FaultId, Reason, Unit
from hingecheck.core.landmarks import LEFT
from hingecheck.core.signals import CantJudge, Evidence, Finding
from hingecheck.core.states import rep_state, state_of_analysis
from hingecheck.outputs.htmlreport import peak_frame, verdict_line
from hingecheck.outputs.plots import angle_plot_png, fault_colour, span_legend
from hingecheck.outputs.report import summary_text
from hingecheck.outputs.serialize import analysis_dict, clip_result, result_record
from hingecheck.outputs.skeleton import fault_highlights
from hingecheck.outputs.wording import REASON_TEXT, fault_names, plain_reason, reason_text
from hingecheck.scoring.tune import grid, prior_config

THRESHOLD_FIELDS = {f.name for f in dataclasses.fields(Thresholds)}


def test_the_registry_holds_every_built_in_fault_once():
    assert list(FAULTS) == list(FaultId)
    assert all(spec.id == fid for fid, spec in FAULTS.items())
    assert sorted(s.run_rank for s in FAULTS.values()) == list(range(len(FAULTS)))


@pytest.mark.parametrize("fid", list(FAULTS))
def test_every_fault_is_complete(fid):
    spec = FAULTS[fid]
    assert spec.title and spec.meaning and spec.cue and spec.drill               # catalogue text
    assert callable(spec.rule)                                                 # its rule
    assert spec.knobs and all(k.key in THRESHOLD_FIELDS for k in spec.knobs)   # tuning knobs
    assert all(0.0 in k.moves and k.fitted in k.moves for k in spec.knobs)
    assert spec.parts.joints or spec.parts.bones                               # body parts
    for name in spec.parts.joints + tuple(j for bone in spec.parts.bones for j in bone):
        assert hasattr(LEFT, name), name
    assert re.fullmatch(r"#[0-9a-f]{6}", spec.colour)                         # colour
    assert isinstance(spec.show_at, ShowAt)                                    # display policy
    assert yaw_key(fid) in THRESHOLD_FIELDS                                    # its own yaw limit


def test_colours_are_distinct():
    assert len({s.colour for s in FAULTS.values()}) == len(FAULTS)


def test_every_reason_code_has_words():
    assert set(REASON_TEXT) == set(Reason)


# --------------------------------------------------------------------------- a toy fault

TOY = "deep_hinge"
TOY_LIMIT_DEG = 60.0


def deep_hinge(s, rep, th, calib):
    """A toy rule: the hips bent past :data:`TOY_LIMIT_DEG` at the rep's bottom."""
    depth = float(s.hip_flexion[rep.bottom])
    if not depth > TOY_LIMIT_DEG:
        return None
    return Finding(TOY, (rep.bottom, rep.bottom), 0.5,
                   [Evidence("hip flexion at the bottom", depth, TOY_LIMIT_DEG, Comparison.ABOVE, Unit.DEG)])


TOY_SPEC = FaultSpec(TOY, "Deep hinge", "the hips bend further than the toy allows", "stop higher",
                     "toy drill", side_view_only=False, rule=deep_hinge, knobs=(),
                     parts=BodyParts(("hip",), (("hip", "knee"),)), colour="#123456")


@pytest.fixture
def toy(monkeypatch):
    """The toy fault registered (one entry) for one test, then removed."""
    monkeypatch.setitem(registry.FAULTS, TOY, TOY_SPEC)
    yield TOY_SPEC


def _analysed():
    pose, _ = make_hinge(n_reps=3, frame_size=(360, 640), noise_px=0.5, seed=2)
    return analyze_pose(pose, "rdl", load_config().for_exercise("rdl"))


def test_a_toy_fault_reaches_every_output(toy):
    a = _analysed()
    assert a.rep_count == 3
    whole = [v for v in a.reps if v.rep.complete]
    assert all(TOY in v.faults for v in whole)                       # judged on every rep
    assert TOY in a.clip_faults()                                    # in the set's verdict
    assert in_run_order()[-1] is toy                                 # run after the built-in rules
    st = state_of_analysis(a)
    assert TOY in st.found and len(st.applicable) == len(FaultId) + 1
    assert TOY in rep_state(whole[0]).applicable
    assert "Deep hinge" in verdict_line(a)[0]                        # the verdict's words
    assert "Deep hinge" in summary_text(a) and fault_names([TOY]) == "Deep hinge"
    assert a.summary()["most_common"]["cue"] == "stop higher"
    doc = analysis_dict(a)
    assert any(f["fault"] == TOY and f["drill"] == "toy drill" for f in doc["reps"][0]["faults"])
    assert TOY in result_record(a)["clip_faults"]
    joints, bones = fault_highlights([TOY], "left")                  # the skeleton's highlights
    assert joints == {int(LEFT.hip)} and (LEFT.hip, LEFT.knee) in bones
    assert fault_colour(TOY) == "#123456"                            # the plot's colour and legend
    assert ("Deep hinge", "#123456") in span_legend({TOY, "squatting"})
    assert angle_plot_png(clip_result(a), "toy").startswith(b"\x89PNG")
    f = next(f for f in whole[0].findings if f.fault == TOY)
    assert peak_frame(f, whole[0].rep.bottom) == whole[0].rep.bottom
    assert grid(TOY) == [()] and prior_config() is not None          # tuning: nothing to move
    # no yaw limit of its own: judged up to the side view's
    assert Thresholds().yaw_max_deg(TOY) == Thresholds().yaw_side_max_deg == 20.0


def test_the_toy_fault_is_gone_once_removed(toy, monkeypatch):
    monkeypatch.delitem(registry.FAULTS, TOY)
    a = _analysed()
    assert all(TOY not in v.faults for v in a.reps) and TOY not in a.clip_faults()
    assert len(state_of_analysis(a).applicable) == len(FaultId)


def test_reason_words_are_rendered_only_from_codes():
    hidden = CantJudge(Reason.JOINTS_HIDDEN, {"joints": ("ear", "shoulder"), "phase": "bottom", "share": 0.25})
    assert reason_text(hidden) == "ear and shoulder hidden or mis-tracked at the bottom of the rep (25% of frames seen)"
    assert plain_reason(hidden).startswith("your ear and shoulder were hidden or lost at the bottom of the rep")
    off = CantJudge(Reason.CAMERA_OFF_SIDE, {"yaw_deg": 46.2, "limit_deg": 20.0})
    assert reason_text(off) == ("the camera is off side-on (about 46°; this check needs 20° or less): "
                                "film from the side, at hip height")
    assert CantJudge.from_dict(hidden.as_dict()) == hidden
    # the same cause with other numbers is one cause
    assert off.key() == CantJudge(Reason.CAMERA_OFF_SIDE, {"yaw_deg": 60.0, "limit_deg": 55.0}).key()
    assert hidden.key() != CantJudge(Reason.JOINTS_HIDDEN, {"joints": ("ear",), "phase": "bottom", "share": 0.25}).key()
