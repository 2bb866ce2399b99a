"""What a score report must list as its misses (used by the score-report and clip tests)."""

from __future__ import annotations

import json


def expected_misses(labels: dict, scores: dict) -> list[str]:
    """The clips whose verdict disagrees with the label (optional faults either way), in CSV order."""
    verdicts = {c["clip"]: set(c["result"]["clip_faults"]) if c.get("result") else None for c in scores["clips"]}
    out = []
    for clip, row in labels.items():
        got = verdicts[clip]
        optional = set(filter(None, (row.get("optional_faults") or "").split(";")))
        if row["faults"] == "?":
            continue
        if row["faults"] == "any":
            missed = got is None or not got - optional
        else:
            want = set(filter(None, row["faults"].replace("none", "").split(";")))
            missed = got is None or bool(want - got) or bool(got - want - optional)
        if missed:
            out.append(clip)
    return out


def check_misses_on_top(out, labels: dict) -> list[str]:
    """The score report lists its misses before the summary and the clip rows, each row marked."""
    import re

    scores = json.loads((out / "scores.json").read_text())
    page = (out / "report.html").read_text(encoding="utf-8")
    start = page.index("id='misses'")
    assert start < page.index("<h2>Summary</h2>") < page.index("<h2>Clips</h2>")
    section = page[start:page.index("</section>", start)]
    listed = [clip for _, clip in re.findall(r"<li><a href='#row-(\d+)'>([^<]+)</a>", section)]
    want = expected_misses(labels, scores)
    assert listed == want
    marked = [scores["clips"][int(i)]["clip"] for i in re.findall(r"<tr id='row-(\d+)' class='miss'>", page)]
    assert marked == want
    return want
