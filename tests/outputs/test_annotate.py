"""Annotators draw in place, where the body is, and never crash on missing data."""

from __future__ import annotations

import dataclasses

import assets  # noqa: F401  (puts this checkout on sys.path if hingecheck is not installed)
import numpy as np
import pytest

from hingecheck.core.faults import FAULTS
from hingecheck.core.landmarks import LEFT, NUM_LANDMARKS, RIGHT, Landmark
from hingecheck.outputs.banner import BannerPlace, banner_place
from hingecheck.outputs.annotate import (
    DEFAULT_ANNOTATORS,
    BackCurveAnnotator,
    LEVEL_COLOURS,
    AngleLabelAnnotator,
    BannerAnnotator,
    BannerLevel,
    HudAnnotator,
    OverlayState,
    SkeletonAnnotator,
    draw_angle_labels,
    draw_banner,
    draw_hud,
    draw_overlay,
    draw_skeleton,
    fault_highlights,
)

SIZES = [(640, 360), (720, 1280)]  # (height, width): portrait 360x640 and landscape 1280x720

#: A standing lifter seen from the left, facing image-right, in units of leg
#: length (x right, y up from the ankle).
STANDING = {
    "EAR": (0.04, 1.62), "SHOULDER": (0.02, 1.45), "ELBOW": (0.02, 1.17), "WRIST": (0.04, 0.92),
    "HIP": (0.0, 0.9), "KNEE": (0.01, 0.45), "ANKLE": (0.0, 0.0), "HEEL": (-0.06, -0.04),
    "FOOT_INDEX": (0.16, -0.05),
}


def standing_figure(h: int, w: int) -> np.ndarray:
    """(33, 2) pixel landmarks of a standing figure filling most of the frame height."""
    lm = np.full((NUM_LANDMARKS, 2), np.nan)
    unit = h * 0.5
    cx, floor = w * 0.5, h * 0.9
    for side, dx in (("LEFT", 0.0), ("RIGHT", -0.04)):
        for part, (x, y) in STANDING.items():
            lm[Landmark[f"{side}_{part}"]] = (cx + (x + dx) * unit, floor - y * unit)
    lm[Landmark.NOSE] = lm[Landmark.LEFT_EAR] + (0.08 * unit, 0.02 * unit)
    return lm


def full_state(h: int, w: int, **kw) -> OverlayState:
    from hingecheck.core.backline import SAMPLES
    from hingecheck.outputs.backcurve import back_curve_points
    lm = standing_figure(h, w)
    hump = 0.02 + 0.06 * np.sin(np.pi * SAMPLES)           # a rounded back, in chord lengths
    d = dict(landmarks=lm, visibility=np.ones(NUM_LANDMARKS), side="left",
             back_curve=back_curve_points(lm, hump, 1.0),
             angles={"hip": 175.0, "knee": 178.0, "trunk": 3.0, "neck": float("nan")},
             rep_count=12, phase="standing", active_faults=["squatting", "rounded_back"],
             banner="Rep 12: Squatting the hinge - push the hips back first; keep the shins "
                    "near vertical", banner_level="bad", status="turn side-on to the camera")
    d.update(kw)
    return OverlayState(**d)


def _changed(frame: np.ndarray, y: float, x: float, r: int = 2) -> bool:
    yi, xi = int(round(y)), int(round(x))
    return bool(frame[max(0, yi - r):yi + r + 1, max(0, xi - r):xi + r + 1].any())


@pytest.mark.parametrize("h,w", SIZES)
def test_skeleton_draws_on_the_bones_in_place(h, w):
    frame = np.zeros((h, w, 3), np.uint8)
    lm = standing_figure(h, w)
    out = draw_skeleton(frame, lm, np.ones(NUM_LANDMARKS), side="left")
    assert out is frame and out.shape == (h, w, 3) and out.dtype == np.uint8
    for a, b in ((Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP),
                 (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
                 (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE)):
        mid = (lm[a] + lm[b]) / 2
        assert _changed(frame, mid[1], mid[0]), (a.name, b.name)
    for j in (Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE, Landmark.LEFT_EAR):
        assert _changed(frame, lm[j, 1], lm[j, 0], 0), j.name
    # far from the body (a top corner) nothing is drawn
    assert not frame[: h // 10, : w // 10].any()


def test_near_side_is_brighter_than_far_side():
    h, w = 720, 1280
    lm = standing_figure(h, w)
    lm[[s.hip for s in (LEFT, RIGHT)], 0] = (500.0, 800.0)  # pull the thighs apart
    lm[[s.knee for s in (LEFT, RIGHT)], 0] = (500.0, 800.0)
    frame = np.zeros((h, w, 3), np.uint8)
    draw_skeleton(frame, lm, None, side="left")
    y = int((lm[LEFT.hip, 1] + lm[LEFT.knee, 1]) / 2)
    near = frame[y - 3:y + 4, 490:511].max()
    far = frame[y - 3:y + 4, 790:811].max()
    near_w = (frame[y, 470:530].max(axis=1) > 100).sum()
    far_w = (frame[y, 770:830].max(axis=1) > 100).sum()
    assert near > far and near_w > far_w


def test_fault_highlights_the_matching_parts():
    joints, bones = fault_highlights(["squatting"], "left")
    assert Landmark.LEFT_KNEE in joints and (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE) in bones
    joints, bones = fault_highlights(["rounded_back", "dropped_head"], "right")
    assert (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP) in bones
    assert (Landmark.RIGHT_EAR, Landmark.RIGHT_SHOULDER) in bones and not joints
    assert fault_highlights(["hips_rise_first"], LEFT)[0] == {int(Landmark.LEFT_HIP)}
    assert fault_highlights(["incomplete_lockout"], "left")[0] == {int(Landmark.LEFT_HIP)}
    assert fault_highlights(["excess_knee_bend"], "left")[0] == {int(Landmark.LEFT_KNEE)}
    assert fault_highlights(["not_a_fault"], "left") == (set(), set())

    # drawn red: the trunk bone for a rounded back
    h, w = 720, 1280
    lm = standing_figure(h, w)
    frame = np.zeros((h, w, 3), np.uint8)
    draw_overlay(frame, OverlayState(lm, None, active_faults=["rounded_back"]))
    # (between the joints: the elbow dot sits on the trunk's midpoint)
    on = (0.3 * lm[LEFT.shoulder] + 0.7 * lm[LEFT.hip]).round().astype(int)
    px = frame[on[1], on[0]].astype(int)
    assert px[2] > 180 and px[0] < 100 and px[1] < 100  # red (BGR)


@pytest.mark.parametrize("h,w", SIZES)
@pytest.mark.parametrize("level", sorted(LEVEL_COLOURS))
def test_banner_has_the_level_colour(h, w, level):
    frame = np.zeros((h, w, 3), np.uint8)
    out = draw_banner(frame, "Rep 3: squatting - push the hips back first", level)
    assert out is frame
    colour = np.array(LEVEL_COLOURS[level], float)
    # the bottom rows, left edge (inside the band, outside the text margin)
    patch = frame[h - 4:h, 2:6].reshape(-1, 3).astype(float)
    pix = patch.mean(axis=0)
    # the band is the level colour blended over the (black) frame: same hue
    alpha = float(pix @ colour / (colour @ colour))
    assert alpha > 0.7 and np.abs(pix - alpha * colour).max() < 3
    # the band spans the width, and the top of the frame is untouched
    assert np.abs(frame[h - 3, w - 3].astype(float) - pix).max() < 3
    assert not frame[: h // 2].any()
    # text was written inside the band
    band = frame[int(h * 0.85):]
    assert len(np.unique(band.reshape(-1, 3), axis=0)) > 10


def test_banner_wraps_long_text_and_skips_empty():
    h, w = 640, 360
    short, long = np.zeros((h, w, 3), np.uint8), np.zeros((h, w, 3), np.uint8)
    draw_banner(short, "Rep 1: good hinge", "good")
    draw_banner(long, "Rep 4: Too much knee bend (+2 more) - soft knees, then send the hips "
                      "back; the knees stay where they are", "warn")

    def band_rows(f):
        return int(f.any(axis=(1, 2)).sum())

    assert band_rows(long) > band_rows(short) > 0
    assert band_rows(long) < h // 2
    empty = np.zeros((h, w, 3), np.uint8)
    for text in (None, "", "   "):
        assert draw_banner(empty, text, "bad") is empty
    assert not empty.any()


@pytest.mark.parametrize("h,w", SIZES)
def test_overlay_full_state_in_place(h, w):
    frame = np.zeros((h, w, 3), np.uint8)
    out = draw_overlay(frame, full_state(h, w))
    assert out is frame and frame.shape == (h, w, 3) and frame.dtype == np.uint8
    assert frame.any()
    # HUD panel in the top-left holds the (bright) rep counter
    assert frame[: h // 4, : w // 3].max() > 200
    # faults are listed in red somewhere in the top half
    top = frame[: h // 2].reshape(-1, 3).astype(int)
    assert ((top[:, 2] > 180) & (top[:, 0] < 120) & (top[:, 1] < 120)).any()


@pytest.mark.parametrize("h,w", SIZES)
def test_missing_data_never_crashes(h, w):
    lm = standing_figure(h, w)
    nan_rows = lm.copy()
    nan_rows[[LEFT.knee, LEFT.hip, RIGHT.shoulder]] = np.nan
    half_nan = lm.copy()
    half_nan[LEFT.ankle, 0] = np.nan
    wild = lm.copy()
    wild[LEFT.wrist] = (1e12, -1e12)
    wild[LEFT.foot_index] = (np.inf, 5.0)
    vis_nan = np.ones(NUM_LANDMARKS)
    vis_nan[LEFT.knee] = np.nan
    cases = [
        (None, None),
        (np.full((NUM_LANDMARKS, 2), np.nan), np.full(NUM_LANDMARKS, np.nan)),
        (nan_rows, np.ones(NUM_LANDMARKS)),
        (half_nan, None),
        (wild, np.ones(NUM_LANDMARKS)),
        (lm, vis_nan),
        (lm, np.zeros(NUM_LANDMARKS)),  # nothing visible enough
    ]
    with np.errstate(all="raise"):  # no NaN ever reaches an int conversion
        for landmarks, vis in cases:
            for side in ("left", "right"):
                frame = np.zeros((h, w, 3), np.uint8)
                state = full_state(h, w, landmarks=landmarks, visibility=vis, side=side,
                                   angles={"hip": float("nan"), "knee": float("inf")},
                                   active_faults=list(FAULTS), banner=None, status=None)
                assert draw_overlay(frame, state) is frame
                assert frame.shape == (h, w, 3) and frame.dtype == np.uint8
                assert draw_angle_labels(frame, landmarks, side, state.angles) is frame


@pytest.mark.parametrize("h,w", [(1, 1), (48, 64), (1080, 1920)])
def test_any_frame_size_works(h, w):
    frame = np.zeros((h, w, 3), np.uint8)
    state = full_state(h, w, banner="a very long banner " * 20)
    assert draw_overlay(frame, state) is frame and frame.shape == (h, w, 3)


def test_none_and_all_nan_landmarks_draw_no_skeleton():
    h, w = 720, 1280
    for lm in (None, np.full((NUM_LANDMARKS, 2), np.nan)):
        frame = np.zeros((h, w, 3), np.uint8)
        draw_skeleton(frame, lm, None)
        draw_angle_labels(frame, lm, "left", {"hip": 90.0, "knee": 120.0})
        assert not frame.any()


def test_skipped_landmark_drops_its_bones():
    h, w = 720, 1280
    lm = standing_figure(h, w)
    mid = (lm[LEFT.hip] + lm[LEFT.knee]) / 2  # the near thigh
    shin = (lm[LEFT.knee] + lm[LEFT.ankle]) / 2
    vis = np.ones(NUM_LANDMARKS)
    frame = np.zeros((h, w, 3), np.uint8)
    draw_skeleton(frame, lm, vis, side="left")
    assert _changed(frame, mid[1], mid[0], 0) and _changed(frame, shin[1], shin[0], 0)

    vis[LEFT.knee] = 0.1  # below min_visibility
    frame = np.zeros((h, w, 3), np.uint8)
    draw_skeleton(frame, lm, vis, side="left")
    # the near knee, thigh and shin are gone; the far leg is still drawn
    for p in (mid, shin, lm[LEFT.knee]):
        assert not _changed(frame, p[1], p[0], 0)
    assert _changed(frame, lm[RIGHT.knee, 1], lm[RIGHT.knee, 0], 0)


def test_angle_labels_next_to_near_joints():
    h, w = 720, 1280
    lm = standing_figure(h, w)
    frame = np.zeros((h, w, 3), np.uint8)
    out = draw_angle_labels(frame, lm, "left", {"hip": 95.0, "knee": 140.0, "trunk": 55.0})
    assert out is frame
    ys, xs = np.nonzero(frame.any(axis=2))
    assert ys.size
    # every drawn pixel is close to the near hip or knee
    d = np.minimum(np.hypot(xs - lm[LEFT.hip, 0], ys - lm[LEFT.hip, 1]),
                   np.hypot(xs - lm[LEFT.knee, 0], ys - lm[LEFT.knee, 1]))
    assert d.max() < 150


def test_hud_only_draws_hud():
    h, w = 640, 360
    frame = np.zeros((h, w, 3), np.uint8)
    out = draw_hud(frame, OverlayState(None, None, rep_count=7, phase="down",
                                       angles={"hip": 120.0}))
    assert out is frame and frame[: h // 3].any()
    assert not frame[h // 2:].any()


def test_bad_frame_is_rejected():
    with pytest.raises(ValueError):
        draw_banner(np.zeros((10, 10), np.uint8), "x", "info")
    with pytest.raises(ValueError):
        draw_overlay(np.zeros((10, 10, 3), np.float32), OverlayState(None, None))


def test_drawing_is_deterministic_across_cached_layouts():
    """The layout caches (banner, status, fault list) give the same pixels as a
    first, uncached draw; a different text at the same size is laid out anew."""
    for h, w in SIZES:
        first, again = np.zeros((h, w, 3), np.uint8), np.zeros((h, w, 3), np.uint8)
        draw_overlay(first, full_state(h, w))
        draw_overlay(again, full_state(h, w))
        assert np.array_equal(first, again)
        other = np.zeros((h, w, 3), np.uint8)
        draw_overlay(other, full_state(h, w, banner="Rep 1: good hinge", banner_level="good"))
        assert not np.array_equal(first, other)


# --- the annotator interface ---------------------------------------------------------


@pytest.mark.parametrize("annotator", DEFAULT_ANNOTATORS, ids=lambda a: type(a).__name__)
def test_each_annotator_draws_in_place_and_leaves_the_state(annotator):
    h, w = 720, 1280
    state = full_state(h, w)
    landmarks, angles, faults = state.landmarks.copy(), dict(state.angles), list(state.active_faults)
    frame = np.zeros((h, w, 3), np.uint8)
    assert annotator.annotate(frame, state) is frame and frame.any()
    assert np.array_equal(state.landmarks, landmarks, equal_nan=True)
    assert state.angles.keys() == angles.keys() and state.active_faults == faults
    assert np.array_equal(list(state.angles.values()), list(angles.values()), equal_nan=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.rep_count = 13  # annotators cannot update what they are shown


def test_overlay_is_its_annotators_in_order():
    h, w = 640, 360
    state = full_state(h, w)
    composed, by_hand = np.zeros((h, w, 3), np.uint8), np.zeros((h, w, 3), np.uint8)
    draw_overlay(composed, state)
    for annotator in (SkeletonAnnotator(), BackCurveAnnotator(), AngleLabelAnnotator(), HudAnnotator(),
                      BannerAnnotator()):
        annotator.annotate(by_hand, state)
    assert np.array_equal(composed, by_hand)
    # the order matters: the banner drawn first is covered in part by the skeleton's feet
    reversed_ = np.zeros((h, w, 3), np.uint8)
    draw_overlay(reversed_, state, annotators=DEFAULT_ANNOTATORS[::-1])
    assert not np.array_equal(composed, reversed_)


def test_overlay_with_chosen_annotators_draws_only_those():
    h, w = 640, 360
    state = full_state(h, w)
    banner_only = draw_overlay(np.zeros((h, w, 3), np.uint8), state, annotators=[BannerAnnotator()])
    # a portrait frame with the feet near the bottom: the banner goes to the top
    assert np.array_equal(banner_only, draw_banner(np.zeros((h, w, 3), np.uint8), state.banner, "bad",
                                                   BannerPlace.TOP))
    assert not banner_only[h // 2:].any()
    assert not draw_overlay(np.zeros((h, w, 3), np.uint8), state, annotators=[]).any()

    class Tint:
        """A caller's own annotator: anything with annotate(frame, state)."""

        def annotate(self, frame, state):
            frame[h - 1, 0] = (1, 2, 3)
            return frame

    out = draw_overlay(np.zeros((h, w, 3), np.uint8), state, annotators=[Tint(), BannerAnnotator()])
    assert tuple(out[h - 1, 0]) == (1, 2, 3) and out[0].any()


def test_skeleton_annotator_min_visibility():
    h, w = 720, 1280
    lm = standing_figure(h, w)
    vis = np.full(NUM_LANDMARKS, 0.5)
    state = OverlayState(lm, vis)
    assert SkeletonAnnotator().annotate(np.zeros((h, w, 3), np.uint8), state).any()
    assert not SkeletonAnnotator(min_visibility=0.6).annotate(np.zeros((h, w, 3), np.uint8), state).any()


def test_banner_level_enum_and_string_draw_alike():
    h, w = 640, 360
    assert BannerLevel.BAD == "bad" and f"{BannerLevel.WARN}" == "warn"
    assert BannerLevel.parse("nonsense") is BannerLevel.INFO and BannerLevel.parse("good") is BannerLevel.GOOD
    text = "Rep 2: Rounded back - brace"
    for level in BannerLevel:
        a = draw_banner(np.zeros((h, w, 3), np.uint8), text, level)
        b = draw_banner(np.zeros((h, w, 3), np.uint8), text, level.value)
        assert np.array_equal(a, b)
    unknown = draw_banner(np.zeros((h, w, 3), np.uint8), text, "nonsense")
    assert np.array_equal(unknown, draw_banner(np.zeros((h, w, 3), np.uint8), text, BannerLevel.INFO))


def test_the_phase_is_drawn_as_its_value():
    """The phase is a LivePhase (its value is taken too) and the HUD shows its word."""
    from hingecheck.core.kinds import LivePhase

    h, w = 640, 360
    state = OverlayState(None, None, phase="down")
    assert state.phase is LivePhase.DOWN and OverlayState(None, None, phase="").phase is None
    as_enum = draw_hud(np.zeros((h, w, 3), np.uint8), OverlayState(None, None, phase=LivePhase.DOWN))
    as_text = draw_hud(np.zeros((h, w, 3), np.uint8), state)
    other = draw_hud(np.zeros((h, w, 3), np.uint8), OverlayState(None, None, phase=LivePhase.UP))
    none = draw_hud(np.zeros((h, w, 3), np.uint8), OverlayState(None, None))
    assert np.array_equal(as_enum, as_text)
    assert not np.array_equal(as_enum, other) and not np.array_equal(as_enum, none)
    with pytest.raises(ValueError):
        OverlayState(None, None, phase="sideways")


def test_overlay_state_fields_are_typed():
    """side is a BodySide and banner_level a BannerLevel, whichever form they were given in."""
    assert OverlayState(None, None).side is LEFT
    assert OverlayState(None, None, side="Right").side is RIGHT and OverlayState(None, None, side=RIGHT).side is RIGHT
    assert OverlayState(None, None, banner_level="bad").banner_level is BannerLevel.BAD
    assert OverlayState(None, None, banner_level="nonsense").banner_level is BannerLevel.INFO
    with pytest.raises(ValueError, match="no body side"):
        OverlayState(None, None, side="middle")


def _banner_rows(frame: np.ndarray) -> np.ndarray:
    """Rows of a frame the banner (pure "bad" red, blended) covers."""
    return np.flatnonzero((frame[:, :, 2] > 150).all(axis=1) & (frame[:, :, 0] < 80).all(axis=1))


@pytest.mark.parametrize("h, w, feet_at, place", [
    (640, 360, 0.9, BannerPlace.TOP),       # a phone clip, feet near the bottom edge
    (720, 1280, 0.95, BannerPlace.TOP),     # landscape, feet in the bottom band
    (720, 1280, 0.6, BannerPlace.BOTTOM),   # landscape, room below the feet
    (640, 360, 0.5, BannerPlace.BOTTOM),    # portrait, lifter high in the frame
])
def test_banner_keeps_clear_of_the_lower_legs(h, w, feet_at, place):
    lm = standing_figure(h, w)
    lm[:, 1] += (feet_at - 0.9) * h                    # the figure's floor moved to feet_at
    state = full_state(h, w, landmarks=lm, status=None)
    frame = draw_overlay(np.zeros((h, w, 3), np.uint8), state, annotators=[BannerAnnotator()])
    rows = _banner_rows(frame)
    assert banner_place(frame, state) is place and rows.size
    legs = lm[[Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE, Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX], 1]
    legs = legs[np.isfinite(legs)]
    assert not ((rows.min() <= legs) & (legs <= rows.max())).any()     # no lower-leg point under it
    assert (rows.max() < h // 2) == (place is BannerPlace.TOP)


def test_hud_goes_under_a_top_banner():
    h, w = 640, 360
    state = full_state(h, w, status=None, active_faults=[])
    hud = draw_hud(np.zeros((h, w, 3), np.uint8), state)
    with_banner = draw_overlay(np.zeros((h, w, 3), np.uint8), state, annotators=[HudAnnotator(), BannerAnnotator()])
    band = _banner_rows(with_banner).max() + 1
    assert hud[band:].any()
    assert not hud[:band].any()        # the rep panel starts below the banner


def test_rounded_back_is_drawn_as_the_measured_curve_not_a_straight_line():
    """The back's edge the rule measured (the hump), in red; the straight shoulder-hip bone is not red."""
    from hingecheck.core.backline import SAMPLES
    from hingecheck.outputs.backcurve import back_curve_points
    h, w = 720, 1280
    lm = standing_figure(h, w)
    hump = 0.02 + 0.08 * np.sin(np.pi * SAMPLES)
    curve = back_curve_points(lm, hump, 1.0)
    sh = 0.5 * (lm[Landmark.LEFT_SHOULDER] + lm[Landmark.RIGHT_SHOULDER])
    hip = 0.5 * (lm[Landmark.LEFT_HIP] + lm[Landmark.RIGHT_HIP])
    chord = np.hypot(*(hip - sh))
    mid = curve[len(curve) // 2]
    assert np.hypot(*(mid - 0.5 * (sh + hip))) == pytest.approx(0.10 * chord, rel=0.02)   # off the chord
    assert mid[0] < 0.5 * (sh + hip)[0]                                  # behind: the lifter faces right

    def red(frame, p):
        x, y = int(round(p[0])), int(round(p[1]))
        b, g, r = frame[y, x]
        return r > 150 and g < 100 and b < 100

    state = OverlayState(lm, np.ones(NUM_LANDMARKS), side="left", active_faults=["rounded_back"], back_curve=curve)
    frame = draw_overlay(np.zeros((h, w, 3), np.uint8), state, annotators=[SkeletonAnnotator(), BackCurveAnnotator()])
    assert red(frame, mid)
    near_sh, near_hip = lm[Landmark.LEFT_SHOULDER], lm[Landmark.LEFT_HIP]
    on_bone = 0.75 * near_sh + 0.25 * near_hip                          # clear of the elbow's dot
    assert not red(frame, on_bone)                                      # the straight bone stays white
    # without the measured curve the bone itself turns red, as before
    plain = draw_overlay(np.zeros((h, w, 3), np.uint8), dataclasses.replace(state, back_curve=None),
                         annotators=[SkeletonAnnotator(), BackCurveAnnotator()])
    assert red(plain, on_bone) and not red(plain, mid)
    # no rounded back shown: no curve
    clean = draw_overlay(np.zeros((h, w, 3), np.uint8), dataclasses.replace(state, active_faults=[]),
                         annotators=[BackCurveAnnotator()])
    assert not clean.any()
    assert back_curve_points(lm, np.full(SAMPLES.size, np.nan), 1.0) is None


def test_a_chain_read_across_sides_draws_its_standing_leg_near_and_its_own_trunk():
    """A single-leg lift read on the left leg with the right side nearer the camera: the
    standing (left) thigh is drawn bright, the free (right) one grey, and a back fault's trunk
    bone (right shoulder to left hip, which SKELETON does not hold) red."""
    from hingecheck.core.landmarks import with_legs
    h, w = 720, 1280
    lm = standing_figure(h, w)
    lm[[s.hip for s in (LEFT, RIGHT)], 0] = (500.0, 800.0)  # pull the thighs apart
    lm[[s.knee for s in (LEFT, RIGHT)], 0] = (500.0, 800.0)
    chain = with_legs(RIGHT, LEFT)
    frame = np.zeros((h, w, 3), np.uint8)
    joints, bones = fault_highlights(["rounded_back"], chain)
    assert (Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP) in bones
    draw_skeleton(frame, lm, None, side=chain, highlight=joints, highlight_bones=bones)
    y = int((lm[LEFT.hip, 1] + lm[LEFT.knee, 1]) / 2)
    standing = (frame[y, 470:530].max(axis=1) > 100).sum()
    free = (frame[y, 770:830].max(axis=1) > 100).sum()
    assert standing > free
    mid = (lm[Landmark.RIGHT_SHOULDER] + lm[Landmark.LEFT_HIP]) / 2
    from hingecheck.outputs.draw import HIGHLIGHT
    red = np.array(HIGHLIGHT, np.uint8)
    patch = frame[int(mid[1]) - 2:int(mid[1]) + 3, int(mid[0]) - 2:int(mid[0]) + 3].reshape(-1, 3)
    assert (patch == red).all(axis=1).any()
