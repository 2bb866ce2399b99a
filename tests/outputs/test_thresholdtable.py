"""`hingecheck thresholds`: every Thresholds field listed with its value per exercise, unit,
range and origin; the TOML it prints loads back as the same config; docs/thresholds.md is
its Markdown and cannot go stale."""

from __future__ import annotations

import json
from dataclasses import fields

from assets import REPO_ROOT

from hingecheck.apps.cli import main
from hingecheck.core.config import Config, Thresholds, load_config
from hingecheck.core.faults import FAULTS
from hingecheck.outputs.thresholdtable import threshold_markdown, threshold_rows, threshold_toml


def test_every_field_listed_once_with_its_values():
    rows = threshold_rows()
    assert [r.key for r in rows] == [f.name for f in fields(Thresholds)]
    knee = next(r for r in rows if r.key == "excess_knee_flexion_deg")
    assert knee.value == Thresholds().excess_knee_flexion_deg
    assert dict(knee.by_exercise)["rdl"] == Config().for_exercise("rdl").excess_knee_flexion_deg
    assert "hip_hinge" not in dict(knee.by_exercise)          # same as the default: not repeated
    assert all(r.unit and r.valid and r.origin in ("fitted", "measured", "hand-set") for r in rows)


def test_fitted_thresholds_name_the_fault_that_tunes_them():
    knobs = {k.key: str(f) for f, spec in FAULTS.items() for k in spec.knobs}
    rows = {r.key: r for r in threshold_rows()}
    for key, fault in knobs.items():
        assert fault in rows[key].tuned_by
    assert all(not r.tuned_by for k, r in rows.items() if k not in knobs)


def test_toml_loads_back_as_the_same_config(tmp_path):
    p = tmp_path / "all.toml"
    p.write_text(threshold_toml())
    cfg = load_config(p)
    for ex in ("rdl", "deadlift", "kettlebell_swing", "hip_hinge"):
        assert cfg.for_exercise(ex) == Config().for_exercise(ex)


def test_a_config_file_shows_its_own_values(tmp_path, capsys):
    p = tmp_path / "mine.toml"
    p.write_text("[default]\nsustain_s = 0.35\n\n[profiles.rdl]\nexcess_knee_flexion_deg = 60\n")
    assert main(["thresholds", "--config", str(p), "--json"]) == 0
    rows = {r["key"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["sustain_s"]["value"] == 0.35
    assert dict(map(tuple, rows["excess_knee_flexion_deg"]["by_exercise"]))["rdl"] == 60.0


def test_bad_config_is_one_line_error(tmp_path, capsys):
    p = tmp_path / "bad.toml"
    p.write_text("[default]\nsustain_s = -1\n")
    assert main(["thresholds", "--config", str(p)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "sustain_s" in err[0]


def test_text_table_counts_every_origin(capsys):
    assert main(["thresholds"]) == 0
    out = capsys.readouterr().out
    rows = threshold_rows()
    assert f"{len(rows)} thresholds: {sum(r.origin == 'fitted' for r in rows)} fitted" in out
    assert all(r.key in out for r in rows)


def test_docs_page_is_the_current_table():
    page = (REPO_ROOT / "docs" / "thresholds.md").read_text(encoding="utf-8")
    assert page[page.index("| threshold |"):] == threshold_markdown(), \
        "docs/thresholds.md is stale: regenerate its table with `hingecheck thresholds --markdown`"
