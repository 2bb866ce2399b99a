"""What a lifter reads: one angle convention with units, evidence in plain
words with its number, borderline faults not shown as red, severity named."""

from __future__ import annotations

import dataclasses
import re

import pytest
from synthetic import make_hinge

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import load_config
from hingecheck.core.kinds import Phase, Reason
from hingecheck.core.signals import CantJudge, Evidence, Finding
from hingecheck.outputs.angles import ANGLE_CONVENTION, Joint, angle_label, format_angle
from hingecheck.outputs.htmlreport import build_html, worst_rep, worst_reps
from hingecheck.outputs.report import rep_table
from hingecheck.outputs.wording import EVIDENCE_PHRASES, evidence_phrase, severity_name

RULES_SOURCE = "hingecheck/core/rules.py"


@pytest.fixture(scope="module")
def clean():
    pose, _ = make_hinge(n_reps=3, frame_size=(360, 640), facing=1, noise_px=0.6, seed=4)
    return analyze_pose(pose, "rdl", load_config().for_exercise("rdl"))


def test_format_angle_is_the_one_convention():
    assert format_angle(Joint.HIP, 104.4) == "hip 104°"
    assert format_angle("knee", 12.0, long=True) == "knee bend 12° (0° = straight leg)"
    assert format_angle(Joint.TRUNK, float("nan")) == "trunk --"
    assert angle_label(Joint.HIP) == "hip bend (0° = standing tall)"
    assert "0° = straight" in ANGLE_CONVENTION and "180" not in ANGLE_CONVENTION


def test_table_headers_have_units_and_say_what_zero_means(clean):
    lines = rep_table(clean).splitlines()
    legend, head = lines[0], lines[1]
    assert re.search(r"hip°\s+knee°\s+trunk°", head) and "down s" in head and "up s" in head
    assert "hip and knee bend (0° = straight)" in legend and "trunk lean from vertical (0° = upright)" in legend
    v = clean.reps[0]
    row = lines[3].split()
    hip, knee = v.metrics["hip_flexion_bottom"], v.metrics["knee_flexion_bottom"]
    assert row[5:7] == [f"{hip:.0f}", f"{knee:.0f}"]              # bend, not the interior angle
    page = build_html(clean, "x.mp4")
    card = page.split("id='rep-1'")[1].split("</section>")[0]
    assert f"hip bend</td><td><b>{hip:.0f}°</b>" in card and "180" not in card   # the card says the same


def test_every_rule_metric_has_a_phrase():
    from assets import REPO_ROOT
    src = (REPO_ROOT / RULES_SOURCE).read_text()
    metrics = set(re.findall(r'Evidence\(f?"([^"{]+)', src)) | set(re.findall(r'_over_at_bottom\([\w.]+, "([^"]+)"', src))
    assert len(metrics) >= 10
    for m in metrics:
        assert any(m.startswith(k) for k in EVIDENCE_PHRASES), m


@pytest.mark.parametrize("metric, value, limit, words", [
    ("hip/knee flexion ratio", 0.99, 1.15, "your hips bent 0.99 times as much as your knees (ratio 0.99); "
                                           "in a hinge the hips bend at least 1.15 times as much"),
    ("trunk rise done at 60% knee extension", -0.02, 0.15, "chest had not started to rise (-2% of its rise) "
                                                          "when your knees had done 60% of theirs"),
    ("neck flexion vs trunk at bottom", 31.0, 25.0, "your head dropped 31° below the line of your back; keep it within 25°"),
    ("hip flexion at lockout", 22.0, 15.0, "at the top your hips were still bent 22°"),
])
def test_evidence_in_plain_words_with_the_number(metric, value, limit, words):
    unit = "deg" if "°" in words else "ratio"
    text = evidence_phrase(Evidence(metric, value, limit, "<", unit))
    assert words in text
    assert "flexion" not in text and "(a fault when" not in text


def test_severity_is_named_and_borderline_is_not_red(clean):
    assert [severity_name(s) for s in (0.03, 0.2, 0.5, 0.9)] == ["borderline", "mild", "moderate", "severe"]
    head = Finding("dropped_head", (5, 8), 0.025, [Evidence("neck flexion vs trunk at bottom", 25.5, 25.0, ">", "deg")])
    a = dataclasses.replace(clean, reps=[dataclasses.replace(clean.reps[0], findings=[head]), *clean.reps[1:]])
    page = build_html(a, "x.mp4")
    card = page.split("id='rep-1'")[1].split("</section>")[0]
    assert re.search(r"<section class='rep borderline' id='rep-1'", page)
    assert "<span class='sev borderline'>borderline</span>" in card and "0.03" not in card and "0.02" not in card
    assert "your head dropped 25.5° below the line of your back; keep it within 25.0°" in card
    assert "borderline (within a tenth of the way to severe)" in page              # the legend
    assert "borderline" in rep_table(a).splitlines()[3]
    assert worst_reps(a) == []                                                    # a borderline rep is not "worst"


def test_worst_rep_only_when_it_stands_out(clean):
    def with_sev(*sevs):
        reps = [dataclasses.replace(v, findings=[Finding("squatting", (v.rep.start, v.rep.end), s, [])])
                for v, s in zip(clean.reps, sevs)]
        return dataclasses.replace(clean, reps=reps)
    a = with_sev(0.8, 0.3, 0.3)
    assert worst_rep(a) is a.reps[0] and "Worst rep: <a href='#rep-1'>" in build_html(a, "x.mp4")
    a = with_sev(0.5, 0.45, 0.2)
    assert worst_rep(a) is None and [v.rep.index for v in worst_reps(a)] == [1, 2]
    assert "Worst reps (about equally bad)" in build_html(a, "x.mp4")


def test_report_links_the_annotated_video(clean, tmp_path):
    from hingecheck.outputs.htmlreport import write_html
    out = tmp_path / "reports" / "set.hingecheck.html"
    out.parent.mkdir()
    write_html(out, clean, "set.mp4", video=tmp_path / "set.annotated.mp4")
    assert "<a id='video-link' href='../set.annotated.mp4'>" in out.read_text()
    write_html(out, clean, "set.mp4")
    assert "video-link" not in out.read_text()


def test_video_overlay_angles_use_the_same_convention(clean):
    from hingecheck.outputs.timeline import frame_views
    views = frame_views(clean)
    b = clean.reps[0].rep.bottom
    sig = clean.signals
    assert views[b].angles == {"hip": pytest.approx(sig.hip_flexion[b]), "knee": pytest.approx(sig.knee_flexion[b]),
                               "trunk": pytest.approx(sig.trunk_angle[b]), "neck": pytest.approx(sig.neck_angle[b])}
    standing = views[0].angles
    assert abs(standing["hip"]) < 20 and abs(standing["knee"]) < 20      # 0 = straight, not 180


def test_reasons_said_once_in_plain_words():
    from hingecheck.core.states import Unchecked
    from hingecheck.outputs.wording import unchecked_lines
    lines = unchecked_lines((Unchecked(CantJudge(Reason.FACING_CAMERA, {"side_on": 0.8}), ("squatting",)),
                             Unchecked(CantJudge(Reason.LANDMARKS_UNRELIABLE, {"visibility": 0.31}), ("rounded_back",)),
                             Unchecked(CantJudge(Reason.FACING_CAMERA, {"yaw_deg": 75.0}),
                                       ("dropped_head", "squatting"))))
    assert lines == ["Squatting the hinge and Dropped head were not checked: you were facing the camera: "
                     "turn side-on so it sees your hips, back and knees",
                     "Rounded back was not checked: the camera could not see your body clearly: "
                     "more light, nothing in the way"]


def test_joints_hidden_in_several_phases_are_one_cause():
    """clip15 (plates hide the knees): four reasons that differ only in the phase and joints."""
    from hingecheck.core.states import Unchecked
    from hingecheck.outputs.wording import unchecked_lines
    def hidden(joints, phase, share):
        return CantJudge(Reason.JOINTS_HIDDEN, {"joints": joints, "phase": phase, "share": share})
    legs = ("shoulder", "hip", "knee", "ankle")
    lines = unchecked_lines((
        Unchecked(hidden(legs, Phase.BOTTOM, 0.2), ("squatting", "excess_knee_bend")),
        Unchecked(hidden(legs, Phase.TOP, 0.1), ("hyperextension",)),
        Unchecked(hidden(legs, Phase.WAY_UP, 0.0), ("hips_rise_first",)),
        Unchecked(hidden(("shoulder", "hip", "knee"), Phase.TOP, 0.05), ("incomplete_lockout",)),
        Unchecked(CantJudge(Reason.CAMERA_NOT_SIDE_ON, {"side_on": 0.5, "limit": 0.35}),
                  ("rounded_back", "dropped_head"))))
    assert lines == [
        "Squatting the hinge, Too much knee bend, Over-extension, Hips rise first and Incomplete lockout were "
        "not checked: your shoulder, hip, knee and ankle were hidden or lost at the bottom of the rep, at the top "
        "of the rep and on the way up (a plate, a bell or the frame's edge?): film so nothing covers them",
        "Rounded back and Dropped head were not checked: the camera was not side-on: film from the side at hip height"]


def test_a_borderline_recurring_fault_is_not_red(clean):
    from hingecheck.outputs.htmlreport import Tone, verdict_line
    def every_rep(sev):
        f = Finding("dropped_head", (0, 1), sev, [Evidence("neck flexion vs trunk at bottom", 25.5, 25.0, ">", "deg")])
        return dataclasses.replace(clean, reps=[dataclasses.replace(v, findings=[f]) for v in clean.reps])
    assert verdict_line(every_rep(0.03))[1] is Tone.WARN
    assert verdict_line(every_rep(0.5))[1] is Tone.BAD


def test_a_revised_rep_in_words():
    """What live said and what the set's report says of a rep: typed, worded in one place."""
    from hingecheck.core.judging import WHOLE_REP
    from hingecheck.core.kinds import FaultId
    from hingecheck.core.stream import Said
    from hingecheck.outputs.wording import said_text

    assert said_text(None, "nothing") == "nothing"
    assert said_text(Said(), "nothing") == "clean"
    said = Said((FaultId.SQUATTING,), ("rounded_back",))
    assert said_text(said, "x") == "squatting, can't judge: rounded_back"
    assert said_text(Said((), (WHOLE_REP,)), "x") == "can't judge the rep"


def test_a_registered_fault_that_is_no_built_in_id_is_said_and_revised():
    """A fault added to the registry is a plain string id: what live said of it is kept as is."""
    from hingecheck.core.judging import RepVerdict
    from hingecheck.core.kinds import RepKind
    from hingecheck.core.reps import Rep
    from hingecheck.core.signals import Finding
    from hingecheck.core.stream import Said, revisions
    from hingecheck.outputs.wording import said_text

    rep = Rep(1, 10, 15, 19, 19, 60.0, 1.0, 1.0, RepKind.UP_DOWN_UP, True)
    live = RepVerdict(rep, [Finding("deep_hinge", (10, 19), 0.5, [])], {})
    final = RepVerdict(rep, [], {})
    assert Said.of(live).faults == ("deep_hinge",)
    (r,) = revisions([live], [final])
    assert said_text(r.live, "x") == "deep_hinge" and said_text(r.final, "x") == "clean"
