"""The visual HTML report: stills kept in the one pass, the page's content,
and the page opened in a real headless Chromium (synthetic set and clip02)."""

from __future__ import annotations

import json
import re

import cv2
import numpy as np
import pytest
from assets import require_clips, require_model_dir  # noqa: F401  (conftest.py: the tiers read the names)
from browser import dump_dom, require_chromium, screenshot
from synthetic import make_hinge

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import load_config
from hingecheck.core.kinds import Reason
from hingecheck.core.landmarks import SKELETON, Landmark, PoseSequence
from hingecheck.core.signals import CantJudge
from hingecheck.outputs.htmlreport import (
    build_html,
    peak_frame,
    plain_reason,
    write_html,
)
from hingecheck.outputs.stills import StillKeeper, crop_box, render_still

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*['"](?:https?:)?//|<link\b|@import|url\(\s*['"]?https?:""", re.I)


def _concat(parts: list[PoseSequence]) -> PoseSequence:
    """One clip from several synthetic ones (all start and end at the same top pose)."""
    t, off = [], 0.0
    for p in parts:
        t.append(p.timestamps + off)
        off = t[-1][-1] + (p.timestamps[1] - p.timestamps[0])
    cat = [np.concatenate([getattr(p, k) for p in parts]) for k in ("image", "visibility")]
    return PoseSequence(*cat, np.concatenate(t), parts[0].frame_size)


def mixed_set() -> PoseSequence:
    """Two good reps, two where the hips rise first, two squatted (portrait 360x640)."""
    kw = dict(n_reps=2, frame_size=(360, 640), facing=1, noise_px=0.6)
    return _concat([make_hinge(pause_s=1.3, seed=1, **kw)[0],
                    make_hinge(fault="hips_rise_first", seed=2, **kw)[0],
                    make_hinge(fault="squatting", seed=3, **kw)[0]])


def figure_frame(pose: PoseSequence, i: int) -> np.ndarray:
    """A plain generated frame: a wall, a floor, and the stick figure as a
    body of thick grey limbs (so the still shows something to draw on)."""
    w, h = pose.frame_size
    img = np.empty((h, w, 3), np.uint8)
    img[:] = np.linspace(235, 205, h, dtype=np.uint8)[:, None, None]
    floor = int(np.nanmax(pose.image[:, :, 1])) + 4
    img[floor:] = (150, 160, 170)
    pts = pose.image[i]
    for a, b in SKELETON:
        if np.isfinite(pts[[a, b]]).all():
            cv2.line(img, tuple(int(v) for v in pts[a]), tuple(int(v) for v in pts[b]), (90, 80, 70), 16, cv2.LINE_AA)
    nose = pts[Landmark.NOSE]
    cv2.circle(img, (int(nose[0]), int(nose[1])), 22, (120, 140, 180), -1, cv2.LINE_AA)
    return img


def analysed(pose: PoseSequence, exercise: str = "hip_hinge"):
    return analyze_pose(pose, exercise, load_config().for_exercise(exercise))


def keep_all(pose: PoseSequence, capacity: int = 1000) -> StillKeeper:
    keeper = StillKeeper(capacity=capacity)
    for i in range(len(pose)):
        keeper.offer(i, figure_frame(pose, i), pose.image[i], pose.visibility[i])
    return keeper


@pytest.fixture(scope="module")
def mixed():
    pose = mixed_set()
    return pose, analysed(pose), keep_all(pose)


def test_keeper_is_bounded_and_near_every_frame():
    pose, _ = make_hinge(n_reps=3, frame_size=(360, 640))
    keeper = keep_all(pose, capacity=40)
    assert len(keeper) <= 40 and keeper.stride > 1
    for i in range(len(pose)):
        s = keeper.nearest(i)
        assert abs(s.index - i) <= keeper.stride // 2
    s = keeper.nearest(len(pose) // 2)
    img = cv2.imdecode(np.frombuffer(s.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert max(img.shape[:2]) <= keeper.long_side
    pts = s.points()  # the landmarks land inside the cropped still
    assert (pts[:, 0] >= 0).all() and (pts[:, 0] <= img.shape[1]).all() and (pts[:, 1] <= img.shape[0]).all()
    keeper.reset()
    assert len(keeper) == 0 and keeper.nearest(3) is None


def test_crop_box_frames_the_lifter_or_the_whole_frame():
    pts = np.array([[100.0, 200.0], [140.0, 400.0], [120.0, 300.0], [110.0, 250.0]])
    x0, y0, x1, y1 = crop_box(pts, np.ones(4), 360, 640)
    assert x0 < 100 and x1 > 140 and y0 < 200 and 400 < y1 <= 640
    assert crop_box(np.full((33, 2), np.nan), np.zeros(33), 360, 640) == (0, 0, 360, 640)


def test_render_still_highlights_the_fault_in_red(mixed):
    pose, a, keeper = mixed
    v = next(v for v in a.reps if "squatting" in v.faults)
    s = keeper.nearest(v.rep.bottom)
    plain = cv2.imdecode(np.frombuffer(render_still(s, a.side, []), np.uint8), cv2.IMREAD_COLOR)
    red = cv2.imdecode(np.frombuffer(render_still(s, a.side, ["squatting"]), np.uint8), cv2.IMREAD_COLOR)

    def reddish(img):
        b, g, r = (img[..., k].astype(int) for k in range(3))
        return int(((r > 170) & (g < 90) & (b < 90)).sum())
    assert reddish(red) > reddish(plain) + 50


def test_page_content_cards_faults_and_no_network(mixed):
    pose, a, keeper = mixed
    page = build_html(a, "synthetic.mp4", "pose_landmarker_lite.task", keeper)
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    cards = re.findall(r"<section class='rep (\w+)' id='([\w-]+)' data-faults='([^']*)'", page)
    assert len(cards) == len(a.reps) == 6
    assert [c[2] for c in cards] == [" ".join(v.faults) for v in a.reps]
    assert [c[0] for c in cards][:2] == ["clean", "clean"]
    assert "verdict warn" in page and "2 of 6 reps clean" in page  # faulty reps, none recurring: not green
    assert page.count("Clean rep: good hinge") == 2
    assert "Squatting the hinge" in page and "Hips rise first" in page
    assert "id='verdict'" in page and "Worst rep" in page
    # a fault timed away from the bottom gets its own still, captioned with its name
    hrf = next(v for v in a.reps if "hips_rise_first" in v.faults)
    f = next(f for f in hrf.findings if f.fault == "hips_rise_first")
    assert peak_frame(f, hrf.rep.bottom) == f.frames[1] > hrf.rep.bottom
    card = page.split(f"id='rep-{hrf.rep.index}'")[1].split("</section>")[0]
    assert card.count("<figure>") == 2 and "Hips rise first at" in card
    assert page.count("data:image/jpeg;base64,") >= 6 and "data:image/png;base64," in page


def test_plain_reasons():
    assert "lost sight of you for 35%" in plain_reason(CantJudge(Reason.LANDMARKS_MISSING, {"share": 0.35}))
    assert "side-on" in plain_reason(CantJudge(Reason.FACING_CAMERA, {"side_on": 0.8}))
    assert "not a rep" in plain_reason(CantJudge(Reason.PARTIAL_MOVEMENT))
    assert plain_reason(CantJudge.recorded("something new")) == "something new"


def test_report_without_stills_or_reps_still_reads(tmp_path):
    pose, _ = make_hinge(n_reps=0, pause_s=2.0)
    a = analysed(pose)
    out = tmp_path / "none.hingecheck.html"
    write_html(out, a, "none.mp4")
    page = out.read_text()
    assert "No reps found" in page and "<section class='rep" not in page


def test_synthetic_report_in_chromium(mixed, tmp_path):
    """The synthetic set's report loaded in Chromium; its screenshot is the README's (docs/report.png)."""
    require_chromium()
    pose, a, keeper = mixed
    out = tmp_path / "synthetic.hingecheck.html"
    write_html(out, a, "synthetic-set.mp4", "pose_landmarker_lite.task", keeper)
    dom = dump_dom(out)
    assert len(re.findall(r'<section class="rep ', dom)) == 6
    n_img = int(re.search(r'data-images="(\d+)"', dom).group(1))
    assert n_img >= 7 and f'data-images-ok="{n_img}"' in dom
    assert "Squatting the hinge" in dom and "Hips rise first" in dom
    png = screenshot(out, tmp_path / "synthetic-report.png", (1100, 2200))
    assert cv2.imread(str(png)) is not None


def test_clip02_report_in_chromium(clip02_analyzed, tmp_path):
    """analyze clip02 (lite): the HTML report has one card per rep, the squatting
    fault on every whole rep, every image decoded; a screenshot stays in tmp_path.
    The session's one run of it (conftest's ``clip02_analyzed``, with its own history)."""
    from hingecheck.outputs.history import load_sessions

    require_chromium()
    rc, out, printed = clip02_analyzed
    assert rc == 0
    page = out / "clip02.hingecheck.html"
    assert page.is_file() and f"visual report: {page}" in printed
    report = json.loads((out / "clip02.json").read_text())
    dom = dump_dom(page)
    cards = re.findall(r'<section class="rep (\w+)" id="([\w-]+)" data-faults="([^"]*)"', dom)
    assert len(cards) == len(report["reps"])
    whole = [c for c, r in zip(cards, report["reps"]) if r["complete"]]
    assert len(whole) == 10 and all("squatting" in c[2].split() for c in whole)
    assert "Squatting the hinge on 10 of 10 reps" in dom
    n_img = int(re.search(r'data-images="(\d+)"', dom).group(1))
    assert n_img >= 11 and f'data-images-ok="{n_img}"' in dom
    shot = screenshot(page, tmp_path / "clip02-report.png")
    assert cv2.imread(str(shot)).shape[:2] == (3000, 1200)
    (session,) = load_sessions(out / "home" / "history.sqlite")
    assert session["reps"] == 10 and session["verdict"] == ["squatting"]
    assert session["reports"]["html"] == str(page.resolve())
