"""The lockbox draw (hingecheck.scoring.lockbox): whole sources, a quarter of the clips, an oblique one, fixed."""

from __future__ import annotations

from assets import require_clips
from hypothesis import given, settings
from hypothesis import strategies as st

from hingecheck.scoring.lockbox import LOCKBOX_MIN_SHARE, draw_lockbox, lockbox_for_folder, split


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.sampled_from(["side", "oblique", "front"])),
                min_size=4, max_size=60), st.integers(0, 2**32 - 1))
def test_draw_takes_whole_sources_until_a_quarter_and_an_oblique_clip(rows, seed):
    sources = {f"c{i}.mp4": f"s{src}" for i, (src, _) in enumerate(rows)}
    views = {f"c{i}.mp4": view for i, (_, view) in enumerate(rows)}
    box = draw_lockbox(sources, views, seed)
    assert box == draw_lockbox(sources, views, seed)          # repeatable
    design, locked = split(sources, box)
    assert sorted(design + locked) == sorted(sources)
    assert not {sources[c] for c in design} & {sources[c] for c in locked}  # whole sources
    if len(box) < len(set(sources.values())):                 # it stopped early: both conditions met
        assert len(locked) >= LOCKBOX_MIN_SHARE * len(sources)
        assert any(views[c] == "oblique" for c in locked)
        # and not one source more than it needed
        without_last = [c for c in locked if sources[c] != box[-1]]
        assert len(without_last) < LOCKBOX_MIN_SHARE * len(sources) or \
            not any(views[c] == "oblique" for c in without_last)


def test_the_shared_clips_lockbox_holds_a_quarter_and_oblique_clips():
    folder = require_clips()
    box, design, locked = lockbox_for_folder(folder)
    assert len(locked) >= LOCKBOX_MIN_SHARE * (len(design) + len(locked))
    from hingecheck.scoring.lockbox import read_views
    views = read_views(folder / "labels.csv", folder / "labels-more.csv")
    assert any(views[c] == "oblique" for c in locked)
    assert any(views[c] == "oblique" for c in design)   # and some left to design on
    assert len(design) >= 10
