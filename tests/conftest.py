import os
import sys
from pathlib import Path

# tests import their helpers (assets, synthetic) as top-level modules
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Asset folders may be given relative to the repository (the README's
# command uses ../shared/...); make them absolute so that tests running the
# CLI in another working directory see the same folders.
_REPO = Path(__file__).resolve().parents[1]
for _var in ("HINGECHECK_MODEL_DIR", "HINGECHECK_CLIPS"):
    _value = os.environ.get(_var, "").strip()
    if _value and not Path(_value).is_absolute():
        for _base in (Path.cwd(), _REPO):
            if (_base / _value).is_dir():
                os.environ[_var] = str((_base / _value).resolve())
                break

# Every analyze/live run appends to the training history: keep the test
# run's history out of the user's data directory (tests that look at the
# history point HINGECHECK_HOME at their own tmp folder).
import atexit as _atexit
import shutil as _shutil
import tempfile as _tempfile

_HOME = _tempfile.mkdtemp(prefix="hingecheck-test-home-")
os.environ["HINGECHECK_HOME"] = _HOME
_atexit.register(_shutil.rmtree, _HOME, True)
