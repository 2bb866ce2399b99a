"""No module of the package is over 400 lines: a longer one is split by what its parts do."""

from __future__ import annotations

from assets import REPO_ROOT

PACKAGE = REPO_ROOT / "hingecheck"
MAX_LINES = 400


def test_no_module_over_400_lines():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50  # the package, found
    long = {str(p.relative_to(REPO_ROOT)): n for p in modules
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long
