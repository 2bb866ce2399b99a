"""Verdict states: clean only when every check ran; partly / not checked otherwise,
on synthetic verdicts and on the rendered reports (text, JSON, HTML)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from synthetic import make_hinge

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import load_config
from hingecheck.core.faults import FAULTS
from hingecheck.core.judging import WHOLE_REP, RepVerdict
from hingecheck.core.kinds import Comparison, Phase, Reason, RepKind, Unit
from hingecheck.core.reps import Rep
from hingecheck.core.signals import CantJudge, Evidence, Finding
from hingecheck.core.states import (
    RepFacts,
    VerdictState,
    applicable_faults,
    clip_state,
    rep_state,
    state_of_analysis,
)
from hingecheck.outputs.htmlreport import build_html
from hingecheck.outputs.report import rep_table, summary_text
from hingecheck.outputs.serialize import analysis_dict, result_record
from hingecheck.outputs.wording import reason_text, reasons_in_words

SIDE = ("rounded_back", "hyperextension", "dropped_head")          # side-view-only checks
HIDDEN = ("squatting", "excess_knee_bend")                         # legs behind a plate


def _rep(i: int = 1, complete: bool = True) -> Rep:
    return Rep(i, 10 * i, 10 * i + 5, 10 * i + 9, 10 * i + 9, 60.0, 1.0, 1.0, RepKind.UP_DOWN_UP, complete)


def _not_side_on(ratio: float) -> dict[str, CantJudge]:
    return {f: CantJudge(Reason.CAMERA_NOT_SIDE_ON, {"side_on": ratio, "limit": 0.35}) for f in SIDE}


def _legs_hidden(share: float) -> dict[str, CantJudge]:
    legs = ("shoulder", "hip", "knee", "ankle")
    return {f: CantJudge(Reason.JOINTS_HIDDEN, {"joints": legs, "phase": Phase.BOTTOM, "share": share})
            for f in HIDDEN}


def _ear_hidden(share: float = 0.2) -> CantJudge:
    return CantJudge(Reason.JOINTS_HIDDEN, {"joints": ("ear",), "phase": Phase.BOTTOM, "share": share})


def _finding(fault: str = "squatting", severity: float = 0.5) -> Finding:
    return Finding(fault, (12, 14), severity,
                   [Evidence("hip/knee flexion ratio", 0.99, 1.15, Comparison.BELOW, Unit.RATIO)])


def _verdict(i=1, findings=(), cant=None, complete=True) -> RepVerdict:
    return RepVerdict(_rep(i, complete), list(findings), dict(cant or {}))


def test_every_fault_applies_to_every_exercise_by_default():
    assert applicable_faults("rdl") == tuple(FAULTS) == applicable_faults(None)
    assert len(applicable_faults("kettlebell_swing")) == 7


def test_rep_states():
    clean = rep_state(_verdict())
    assert clean.state == VerdictState.CLEAN and len(clean.checked) == 7 and not clean.unchecked

    whole = rep_state(_verdict(cant={WHOLE_REP: CantJudge(Reason.LANDMARKS_MISSING, {"share": 0.4})}))
    assert whole.state == VerdictState.NOT_CHECKED and whole.checked == ()
    assert len(whole.unchecked) == 1 and whole.unchecked[0].faults == tuple(FAULTS)

    oblique = rep_state(_verdict(cant=_not_side_on(0.41)))          # 4 of 7 ran, nothing found
    assert oblique.state == VerdictState.PARTLY_CHECKED
    assert len(oblique.unchecked) == 1 and oblique.unchecked[0].faults == SIDE   # one reason, three checks

    plates = rep_state(_verdict(cant={**_not_side_on(0.41), **_legs_hidden(0.3)}))  # 2 of 7 ran (clip15)
    assert plates.state == VerdictState.NOT_CHECKED and len(plates.checked) == 2
    assert [u.faults for u in plates.unchecked] == [HIDDEN, SIDE]      # one line per reason

    faulty = rep_state(_verdict(findings=[_finding("hips_rise_first")], cant=_not_side_on(0.41)))
    assert faulty.state == VerdictState.FAULTS and faulty.found == ("hips_rise_first",)
    assert faulty.not_run == SIDE


def test_clip_states():
    three_clean = [_verdict(i) for i in (1, 2, 3)]
    assert clip_state(three_clean).state == VerdictState.CLEAN
    # dropped head could not run on 2 of 3 reps: not clean, though nothing was found
    some = [_verdict(1), _verdict(2, cant={"dropped_head": _ear_hidden(0.2)}),
            _verdict(3, cant={"dropped_head": _ear_hidden(0.3)})]
    st = clip_state(some)
    assert st.state == VerdictState.PARTLY_CHECKED and st.not_run == ("dropped_head",)
    # the same reason with other numbers on every rep is one reason
    obl = [_verdict(i, cant=_not_side_on(0.36 + i / 100)) for i in (1, 2, 3)]
    st = clip_state(obl)
    assert st.state == VerdictState.PARTLY_CHECKED and len(st.unchecked) == 1 and st.unchecked[0].faults == SIDE
    # clip15: 5 of 7 checks never ran -> not checked, never clean
    plates = [_verdict(i, cant={**_not_side_on(0.5), **_legs_hidden(0.2)}) for i in (1, 2)]
    assert clip_state(plates).state == VerdictState.NOT_CHECKED
    # no rep at all, or no judged rep
    assert clip_state([]).state == VerdictState.NOT_CHECKED
    assert clip_state([_verdict(cant={WHOLE_REP: CantJudge(Reason.TOO_SMALL, {"height_px": 30.0})})]).state \
        == VerdictState.NOT_CHECKED
    # a fault found on one rep of three: faults (even if not recurring)
    assert clip_state([_verdict(1), _verdict(2, [_finding()]), _verdict(3)]).state == VerdictState.FAULTS
    # a partial movement beside whole reps does not count
    edge = [_verdict(1, cant={WHOLE_REP: CantJudge(Reason.PARTIAL_MOVEMENT)}, complete=False), _verdict(2), _verdict(3)]
    assert clip_state(edge).state == VerdictState.CLEAN


def test_states_from_json_records_match_the_verdicts():
    reps = [_verdict(1, cant=_not_side_on(0.4)), _verdict(2, [_finding()]),
            _verdict(3, cant={WHOLE_REP: CantJudge(Reason.CUT_OFF)})]
    recs = [{**v.as_dict(reason_text), "complete": v.rep.complete} for v in reps]
    for v, rec in zip(reps, recs):
        assert rep_state(RepFacts.from_record(rec)) == rep_state(v)
    assert clip_state([RepFacts.from_record(r) for r in recs], ["squatting"]) == clip_state(reps, ["squatting"])


# --------------------------------------------------------------------------- rendered


@pytest.fixture(scope="module")
def clean_analysis():
    pose, _ = make_hinge(n_reps=3, frame_size=(360, 640), facing=1, noise_px=0.6, seed=4)
    a = analyze_pose(pose, "rdl", load_config().for_exercise("rdl"))
    assert a.rep_count == 3 and not any(v.findings for v in a.reps)
    return a


def _with_cant(a, cant: dict[str, CantJudge]):
    return dataclasses.replace(a, reps=[dataclasses.replace(v, cant_judge={**v.cant_judge, **cant})
                                        for v in a.reps])


def _with_findings(a, findings):
    return dataclasses.replace(a, reps=[dataclasses.replace(v, findings=list(findings)) for v in a.reps])


def _page_classes(page: str) -> tuple[str, list[str]]:
    verdict = re.search(r"<div class='verdict (\w+)'", page).group(1)
    cards = re.findall(r"<section class='rep (\w+)'", page)
    return verdict, cards


def test_rendered_states_never_green_unless_clean(clean_analysis):
    a = clean_analysis
    cases = {
        VerdictState.CLEAN: a,
        VerdictState.FAULTS: _with_findings(a, [_finding()]),
        VerdictState.PARTLY_CHECKED: _with_cant(a, _not_side_on(0.42)),
        VerdictState.NOT_CHECKED: _with_cant(a, {**_not_side_on(0.42), **_legs_hidden(0.3)}),
    }
    for state, an in cases.items():
        assert state_of_analysis(an).state == state
        page = build_html(an, "x.mp4")
        verdict, cards = _page_classes(page)
        green = verdict == "good"
        assert green == (state == VerdictState.CLEAN), (state, verdict)
        assert ("clean" in cards) == (state == VerdictState.CLEAN), (state, cards)
        assert f"data-state='{state}'" in page
        doc = analysis_dict(an)
        assert doc["state"]["state"] == state and all(r["state"] == state for r in doc["reps"])
        assert result_record(an)["state"] == state
        text = summary_text(an)
        assert ("good hinging" in text) == (state == VerdictState.CLEAN)
    # partly checked: its own colour, the three checks named once with their one reason
    page = build_html(cases[VerdictState.PARTLY_CHECKED], "x.mp4")
    assert _page_classes(page) == ("partly", ["partly"] * 3)
    top = page.split("<section", 1)[0]
    assert top.count("not side-on") == 1
    assert "Rounded back, Over-extension and Dropped head were not checked" in top
    assert "4 of 7 checks ran" in top
    # not checked: grey, both reasons once each
    page = build_html(cases[VerdictState.NOT_CHECKED], "x.mp4")
    verdict, cards = _page_classes(page)
    assert verdict == "info" and cards == ["unjudged"] * 3 and "Not checked" in page
    top = page.split("<section", 1)[0]
    assert top.count("not side-on") == 1 and top.count("hidden or lost") == 1


def test_text_report_states(clean_analysis):
    partly = _with_cant(clean_analysis, _not_side_on(0.42))
    table = rep_table(partly)
    assert "partly checked: no fault in 4 of 7 checks" in table and " good" not in table
    assert "verdict: partly checked: 4 of 7 checks ran" in summary_text(partly)
    assert "1 rep," in summary_text(dataclasses.replace(clean_analysis, reps=clean_analysis.reps[:1]))
    assert json.loads(json.dumps(analysis_dict(partly)["state"]))["checks_run"] == 4


def test_metrics_count_not_checked_good_clips_apart():
    from hingecheck.scoring.metrics import Label, Prediction, compute_metrics, metrics_table
    from hingecheck.scoring.results import prediction
    from hingecheck.scoring.labels import ClipJob

    labels = [Label(c, "rdl", "side", None, frozenset()) for c in ("a", "b", "c", "d")]
    preds = [Prediction("a", state=VerdictState.CLEAN, judged_reps=3),
             Prediction("b", state=VerdictState.PARTLY_CHECKED, judged_reps=3),
             Prediction("c", state=VerdictState.NOT_CHECKED, judged_reps=3),
             Prediction("d", frozenset({"squatting"}), state=VerdictState.FAULTS, judged_reps=3)]
    m = compute_metrics(preds, labels, by_view=False)
    g = m["good_clips"]
    assert (g["n"], g["clean"]) == (4, 2) and g["flagged_clips"] == ["d"]
    assert g["not_checked_clips"] == ["c"] and g["partly_checked_clips"] == ["b"]
    assert m["states"] == {"clean": 1, "faults": 1, "partly_checked": 1, "not_checked": 1}
    text = metrics_table(m)
    assert "1 not checked, not counted clean: c" in text and "clips by state: clean 1, faults 1" in text
    # a cached clip record gets its state from its reps (records from before states existed too)
    from hingecheck.outputs.records import ClipRecord
    rep = {"index": 1, "complete": True, "t_start": 0.0, "t_end": 1.0, "faults": [], "cant_judge": reasons_in_words(_not_side_on(0.5))}
    rec = ClipRecord.from_entry({"format": 1, "result": {"clip_faults": [], "rep_count": 2, "judged_reps": 2,
                                                         "reps_found": 2, "cant_judge": False, "view": "side",
                                                         "reps": [rep] * 2}})
    assert prediction(ClipJob("e.mp4", Path("e.mp4"), "rdl"), rec).state == VerdictState.PARTLY_CHECKED


def test_video_banner_is_green_only_for_a_clean_rep():
    from hingecheck.outputs.state import BannerLevel
    from hingecheck.outputs.timeline import verdict_banner

    assert verdict_banner(_verdict()) == ("Rep 1: good hinge", BannerLevel.GOOD)
    text, level = verdict_banner(_verdict(cant={**_not_side_on(0.5), **_legs_hidden(0.2)}))
    assert level == BannerLevel.INFO and text == "Rep 1: no fault in 2 of 7 checks (5 could not run)"
