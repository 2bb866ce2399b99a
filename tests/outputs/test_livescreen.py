"""The live screen read from 3 m: text sizes, layout, set-up advice, the set's card, per-rep lines."""

from __future__ import annotations

import numpy as np
import pytest

from hingecheck.apps.livetext import RepState, rep_line, rep_state, screen_verdict, set_card
from hingecheck.core.judging import WHOLE_REP, RepVerdict
from hingecheck.core.kinds import Phase, Reason
from hingecheck.core.reps import Rep
from hingecheck.core.signals import CantJudge, Finding
from hingecheck.outputs.livescreen import (
    MIN_TEXT_SHARE,
    ScreenView,
    cap_height,
    live_layout,
    render_card,
    render_screen,
)
from hingecheck.outputs.state import BannerLevel


@pytest.mark.parametrize("screen", [(1280, 720), (1920, 1080), (1024, 768)])
@pytest.mark.parametrize("frame", [(640, 480), (1920, 1080), (1080, 1920)])
def test_text_is_at_least_a_fifteenth_of_the_screen_height(screen, frame):
    """The font the screen draws its verdict, cue and advice with, from the layout's own parameters."""
    sw, sh = screen
    lay = live_layout(sw, sh, *frame)
    assert lay.text_px == cap_height(lay.scale, lay.thickness) >= MIN_TEXT_SHARE * sh
    assert cap_height(*lay.counter_font) > lay.text_px
    assert lay.line_h > lay.text_px


def _ink_rows(canvas: np.ndarray, x0: int, x1: int, y0: int, y1: int) -> list[tuple[int, int]]:
    """Runs (first, last) of rows holding bright text pixels in a rectangle."""
    rows = np.flatnonzero((canvas[y0:y1, x0:x1].max(axis=2) > 200).any(axis=1)) + y0
    runs, start = [], None
    for i, r in enumerate(rows):
        if start is None:
            start = r
        if i + 1 == len(rows) or rows[i + 1] != r + 1:
            runs.append((start, r))
            start = None
    return runs


@pytest.mark.parametrize("height", [720, 1080])
def test_the_drawn_verdict_is_as_tall_as_the_rule(height):
    """Measured on the drawn pixels: a line of capitals in the panel is >= 1/15 of the screen."""
    size = (height * 16 // 9, height)
    frame = np.zeros((480, 640, 3), np.uint8)
    canvas = render_screen(frame, ScreenView(3, verdict="HHHH HHH", level=BannerLevel.INFO), size)
    lay = live_layout(*size, 640, 480)
    x, y, w, h = lay.panel
    assert not lay.beside and y >= lay.picture[1] + lay.picture[3]   # the text is below the picture
    text_x = x + w // 3                                  # right of the rep count
    runs = _ink_rows(canvas, text_x, x + w, y + lay.stripe + 1, y + h)
    assert runs, "no text drawn"
    first, last = runs[0]
    assert last - first + 1 >= MIN_TEXT_SHARE * height


def test_portrait_picture_gets_the_panel_beside_it():
    lay = live_layout(1280, 720, 1080, 1920)
    px, py, pw, ph = lay.picture
    x, y, w, h = lay.panel
    assert lay.beside and x >= px + pw and x + w <= 1280 and ph == 720
    assert pw / ph == pytest.approx(1080 / 1920, abs=0.01)


def test_setup_outline_is_drawn_only_when_asked():
    frame = np.zeros((480, 640, 3), np.uint8)
    plain = render_screen(frame, ScreenView(0, status="step into view"), (1280, 720))
    outlined = render_screen(frame, ScreenView(0, status="step into view", outline=True), (1280, 720))
    x, y, w, h = live_layout(1280, 720, 640, 480).picture
    assert plain[y:y + h, x:x + w].max() == 0
    assert (outlined[y:y + h, x:x + w] == 255).all(axis=2).sum() > 500   # white outline strokes


def _verdict(index=1, findings=(), cant=None, complete=True) -> RepVerdict:
    rep = Rep(index, 0, 30, 60, 60, 90.0, 1.0, 1.0, "up-down-up", complete)
    return RepVerdict(rep, list(findings), dict(cant or {}))


def _finding(fault, severity):
    return Finding(fault, (10, 20), severity, [])


def test_rep_states_and_lines():
    clean = _verdict(1)
    faulty = _verdict(2, [_finding("rounded_back", 0.8), _finding("squatting", 0.2)])
    blind = _verdict(3, cant={WHOLE_REP: CantJudge(Reason.CUT_OFF)})
    partly = _verdict(4, cant={"dropped_head": CantJudge(Reason.JOINTS_HIDDEN,
                                                         {"joints": ("ear",), "phase": Phase.BOTTOM, "share": 0.2})})
    assert [rep_state(v) for v in (clean, faulty, blind, partly)] == [
        RepState.CLEAN, RepState.FAULTS, RepState.NOT_CHECKED, RepState.PARTLY_CHECKED]
    assert rep_line(clean) == "rep 1: clean"
    line = rep_line(faulty)
    assert line.startswith("rep 2: faults - Rounded back (severe), Squatting the hinge (mild)")
    assert "brace" in line
    assert "body cut off at the frame's edge" in rep_line(blind)
    assert "Dropped head" in rep_line(partly)
    assert screen_verdict(faulty) == ("Rep 2: Rounded back (+1)", "brace, proud chest, long spine from head to tailbone")
    assert screen_verdict(_verdict(5, [_finding("squatting", 0.5)]))[1] == "push the hips back first"


def test_set_card_names_the_worst_rep_and_the_most_frequent_fault():
    from hingecheck.core.analysis import Analysis

    reps = [_verdict(1), _verdict(2, [_finding("squatting", 0.3)]), _verdict(3, [_finding("rounded_back", 0.9)]),
            _verdict(4, [_finding("squatting", 0.5)]), _verdict(5, [_finding("squatting", 0.9)], complete=False)]
    a = Analysis.__new__(Analysis)
    object.__setattr__(a, "reps", reps)
    card = set_card(a)
    assert (card.reps, card.clean) == (4, 1)
    assert card.worst == "rep 3: Rounded back (severe)"
    assert card.cue.startswith("push the hips back first")          # squatting: 2 of the 4 reps
    lines = card.lines()
    assert lines[0] == "Set done" and lines[1] == "4 reps, 1 clean"


@pytest.mark.parametrize("height", [720, 1080])
def test_card_text_is_as_tall_as_the_rule(height):
    size = (height * 16 // 9, height)
    canvas = render_card(["HHH", "HHHH HH"], size, hint="")
    runs = _ink_rows(canvas, 0, size[0], 0, height)
    assert len(runs) >= 2 and all(b - a + 1 >= MIN_TEXT_SHARE * height for a, b in runs)


# --- set-up advice ------------------------------------------------------------------------


def _standing_person(w=640, h=480) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks of a person standing in the middle of the frame, all seen."""
    from hingecheck.core.landmarks import NUM_LANDMARKS
    rng = np.random.default_rng(0)
    ys = np.linspace(0.15 * h, 0.9 * h, NUM_LANDMARKS)
    image = np.stack([w / 2 + rng.uniform(-30, 30, NUM_LANDMARKS), ys], axis=1)
    return image, np.ones(NUM_LANDMARKS)


def test_lit_lifter_against_a_dark_wall_is_not_told_to_turn_on_a_light():
    from hingecheck.apps.coach import brightness, person_box
    from hingecheck.core.guidance import DARK_LUMA, setup_guidance

    frame = np.full((480, 640, 3), 10, np.uint8)          # a dark room
    image, vis = _standing_person()
    box = person_box(image, (640, 480))
    frame[box[1]:box[3], box[0]:box[2]] = 170              # the lifter, lit
    assert brightness(frame) < DARK_LUMA < brightness(frame, box)
    assert setup_guidance(image, vis, (640, 480), brightness(frame, box), 0.1, 0.5, True) is None
    # oblique and in the dark: the camera angle comes first
    assert setup_guidance(image, vis, (640, 480), 5.0, 0.9, 0.5, True) == "turn side-on to the camera"
    assert "too dark" in setup_guidance(image, vis, (640, 480), 5.0, 0.1, 0.5, True)
    assert "too dark" in setup_guidance(None, None, (640, 480), 5.0, float("nan"), 0.5, False)


def test_no_setup_advice_once_a_rep_is_under_way():
    from hingecheck.apps.coach import LiveCoach
    from hingecheck.apps.voice import Voice
    from hingecheck.core.config import load_config
    from hingecheck.core.kinds import LivePhase
    from hingecheck.io.pose import FramePose

    coach = LiveCoach("hip_hinge", load_config().for_exercise("hip_hinge"), (640, 480), Voice(muted=True))
    image, vis = _standing_person()
    fp = FramePose(image, np.zeros((33, 3)), vis)
    frame = np.full((480, 640, 3), 120, np.uint8)
    assert coach.setup_status(frame, fp) == "stand still for a second"     # not calibrated yet
    assert coach.screen_view("stand still for a second").outline
    coach.analyzer.phase = LivePhase.DOWN                                   # rep 1 starts
    assert coach.setup_status(frame, fp) is None
    coach.analyzer.phase = LivePhase.STANDING                               # and stays off
    assert coach.setup_status(frame, fp) is None and not coach.screen_view(None).outline
    coach.reset()
    assert coach.setup_status(frame, fp) == "stand still for a second"


def test_a_long_cue_is_cut_at_a_clause_to_fit_the_panel():
    from hingecheck.outputs.livescreen import _lines
    lay = live_layout(1280, 720, 640, 480)
    view = ScreenView(2, verdict="Rep 2: Rounded back", cue="brace, proud chest, long spine from head to tailbone")
    lines = [t for t, _ in _lines(view, lay, 900, 3)]
    assert lines[0] == "Rep 2: Rounded back" and 2 <= len(lines) <= 3
    assert " ".join(lines[1:]) in ("brace, proud chest", "brace, proud chest, long spine from head to tailbone")
    assert [t for t, _ in _lines(view, lay, 900, 2)] == ["Rep 2: Rounded back", "brace, proud chest"]
