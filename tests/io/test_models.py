"""Model resolution and download (hingecheck.io.bundles), against a local HTTP server.

Every test runs with HOME, XDG_CACHE_HOME and HINGECHECK_CACHE_DIR inside
tmp_path, so the real ~/.cache is never read or written.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import socket
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest
from assets import require_model_dir  # also puts this checkout on sys.path if needed

from hingecheck.core.errors import HingecheckError
from hingecheck.io import bundles as models

# the tiers (conftest.py): only the tests marked ``model`` read the real bundles;
# the others serve fake ones from a local server or read none
EXPLICIT_TIERS = True

LITE = "pose_landmarker_lite.task"
FULL = "pose_landmarker_full.task"
# Read before the autouse fixture below removes it from the environment.
_REAL_MODEL_DIR = os.environ.get("HINGECHECK_MODEL_DIR")


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Point every cache location into tmp_path; no model dir or URL override."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HINGECHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HINGECHECK_MODEL_DIR", raising=False)
    monkeypatch.delenv("HINGECHECK_MODEL_URL", raising=False)
    monkeypatch.setattr(models, "TIMEOUT", 5.0)


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def real_model_dir(monkeypatch) -> Path:
    """The shared folder of real bundles (skips outside CI, fails in CI, if absent)."""
    with monkeypatch.context() as m:
        if _REAL_MODEL_DIR is None:
            m.delenv("HINGECHECK_MODEL_DIR", raising=False)
        else:
            m.setenv("HINGECHECK_MODEL_DIR", _REAL_MODEL_DIR)
        return require_model_dir(LITE)


class Server:
    """A 127.0.0.1 HTTP server over ``root`` that records the paths requested."""

    def __init__(self, root: Path):
        self.root = root
        self.requests: list[str] = []
        self.routes: dict[str, Callable[[SimpleHTTPRequestHandler], None]] = {}
        self.release = threading.Event()  # lets stalled handlers finish at teardown
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    state = Server(root)

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):  # keep test output quiet
            pass

        def do_GET(self):
            state.requests.append(self.path)
            route = state.routes.get(self.path)
            if route is not None:
                route(self)
            else:
                super().do_GET()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def closed_url() -> str:
    """A URL on a 127.0.0.1 port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def make_bundle(path: Path, members=models.REQUIRED_MEMBERS) -> Path:
    """A small zip shaped like a Pose Landmarker bundle (fake networks)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name in members:
            zf.writestr(name, b"\x1c\x00\x00\x00TFL3" + bytes(200))
    return path


def cache_files(cache: Path) -> list[str]:
    """Every file in the cache folder, temporaries included."""
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def assert_ways_out(exc: pytest.ExceptionInfo) -> None:
    msg = str(exc.value)
    assert "\n" not in msg
    assert "HINGECHECK_MODEL_DIR" in msg
    assert "--model" in msg


# --------------------------------------------------------------------------- download

@pytest.mark.model
@pytest.mark.network
def test_download_real_bundle_end_to_end(server, cache, real_model_dir, monkeypatch):
    source = real_model_dir / LITE
    shutil.copyfile(source, server.root / LITE)
    monkeypatch.setenv("HINGECHECK_MODEL_URL", server.url)

    path = models.resolve_model("lite", progress=True)

    assert path == cache / LITE
    assert cache_files(cache) == [LITE]
    assert filecmp.cmp(path, source, shallow=False)
    models.validate_bundle(path, thorough=True)
    assert server.requests == ["/" + LITE]

    assert models.resolve_model("lite") == path  # second time: from the cache
    assert server.requests == ["/" + LITE]


@pytest.mark.network
def test_url_template_and_default_model(server, cache, monkeypatch):
    make_bundle(server.root / "full" / "float16" / FULL)
    monkeypatch.setenv("HINGECHECK_MODEL_URL", server.url + "{name}/float16/{file}")

    path = models.resolve_model(progress=False)

    assert path == cache / FULL
    assert server.requests == [f"/full/float16/{FULL}"]
    assert models.resolve_model(None) == path
    assert len(server.requests) == 1


@pytest.mark.network
@pytest.mark.parametrize("content", [
    pytest.param(b"<html>captive portal</html>" * 50, id="garbage"),
    pytest.param(None, id="zip-without-tflite"),
])
def test_corrupt_download_is_rejected_and_not_cached(server, cache, monkeypatch, content):
    if content is None:
        make_bundle(server.root / LITE, members=("pose_detector.tflite", "readme.txt"))
    else:
        (server.root / LITE).write_bytes(content)
    monkeypatch.setenv("HINGECHECK_MODEL_URL", server.url)

    with pytest.raises(HingecheckError, match="not a Pose Landmarker bundle") as exc:
        models.resolve_model("lite", progress=False)

    assert_ways_out(exc)
    if content is None:
        assert "pose_landmarks_detector.tflite" in str(exc.value)
    assert cache_files(cache) == []


@pytest.mark.network
def test_http_404(server, cache, monkeypatch):
    monkeypatch.setenv("HINGECHECK_MODEL_URL", server.url)
    with pytest.raises(HingecheckError, match="cannot download the lite pose model") as exc:
        models.resolve_model("lite", progress=False)
    assert "404" in str(exc.value)
    assert_ways_out(exc)
    assert cache_files(cache) == []


def test_unreachable_server(closed_url, cache, monkeypatch):
    monkeypatch.setenv("HINGECHECK_MODEL_URL", closed_url)
    with pytest.raises(HingecheckError, match="cannot download the heavy pose model") as exc:
        models.resolve_model("heavy", progress=False)
    assert_ways_out(exc)
    assert "pose_landmarker_heavy.task" in str(exc.value)
    assert cache_files(cache) == []


@pytest.mark.network
def test_truncated_stream_leaves_no_partial_file(server, cache, monkeypatch):
    def truncated(h):
        h.send_response(200)
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(b"PK\x03\x04" + bytes(5000))
        h.wfile.flush()
        h.close_connection = True

    server.routes["/" + LITE] = truncated
    monkeypatch.setenv("HINGECHECK_MODEL_URL", server.url)

    with pytest.raises(HingecheckError, match="cannot download") as exc:
        models.resolve_model("lite", progress=False)
    assert_ways_out(exc)
    assert cache_files(cache) == []


@pytest.mark.network
def test_stalled_server_times_out(server, cache, monkeypatch):
    def stall(h):
        h.send_response(200)
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(bytes(1000))
        h.wfile.flush()
        server.release.wait(5)

    server.routes["/" + LITE] = stall
    monkeypatch.setenv("HINGECHECK_MODEL_URL", server.url)
    monkeypatch.setattr(models, "TIMEOUT", 0.3)

    with pytest.raises(HingecheckError, match="no answer within 0.3 s") as exc:
        models.resolve_model("lite", progress=False)
    assert_ways_out(exc)
    assert cache_files(cache) == []


@pytest.mark.network
def test_damaged_cache_entry_is_downloaded_again(server, cache, monkeypatch):
    cache.mkdir()
    (cache / LITE).write_bytes(b"not a zip")
    make_bundle(server.root / LITE)
    monkeypatch.setenv("HINGECHECK_MODEL_URL", server.url)

    path = models.resolve_model("lite", progress=False)

    assert path == cache / LITE
    models.validate_bundle(path, thorough=True)
    assert cache_files(cache) == [LITE]
    assert len(server.requests) == 1


# --------------------------------------------------------------------------- no network

def test_model_dir_hit_uses_no_network(tmp_path, closed_url, cache, monkeypatch):
    bundle = make_bundle(tmp_path / "offline" / FULL)
    monkeypatch.setenv("HINGECHECK_MODEL_DIR", str(bundle.parent))
    monkeypatch.setenv("HINGECHECK_MODEL_URL", closed_url)  # any download would fail

    assert models.resolve_model("full") == bundle
    assert not cache.exists()


@pytest.mark.network
def test_model_dir_hit_does_not_touch_server(tmp_path, server, monkeypatch):
    bundle = make_bundle(tmp_path / "offline" / LITE)
    make_bundle(server.root / LITE)
    monkeypatch.setenv("HINGECHECK_MODEL_DIR", str(bundle.parent))
    monkeypatch.setenv("HINGECHECK_MODEL_URL", server.url)

    assert models.resolve_model("lite") == bundle
    assert server.requests == []


@pytest.mark.model
def test_real_model_dir_bundles_validate(real_model_dir, monkeypatch):
    monkeypatch.setenv("HINGECHECK_MODEL_DIR", str(real_model_dir))
    assert models.resolve_model("lite") == real_model_dir / LITE
    for name in models.model_names():
        if (real_model_dir / f"pose_landmarker_{name}.task").is_file():
            models.validate_bundle(real_model_dir / f"pose_landmarker_{name}.task")


@pytest.mark.network
def test_model_dir_without_the_file_falls_through(tmp_path, server, cache, monkeypatch):
    empty = tmp_path / "empty_models"
    empty.mkdir()
    monkeypatch.setenv("HINGECHECK_MODEL_DIR", str(empty))
    monkeypatch.setenv("HINGECHECK_MODEL_URL", server.url)

    # Not served yet: the error names the model dir that was tried.
    with pytest.raises(HingecheckError) as exc:
        models.resolve_model("lite", progress=False)
    assert str(empty) in str(exc.value)
    assert_ways_out(exc)

    make_bundle(server.root / LITE)
    assert models.resolve_model("lite", progress=False) == cache / LITE


def test_cache_hit_uses_no_network(closed_url, cache, monkeypatch):
    bundle = make_bundle(cache / LITE)
    monkeypatch.setenv("HINGECHECK_MODEL_URL", closed_url)
    assert models.resolve_model("lite") == bundle


def test_download_off(closed_url, cache, monkeypatch):
    monkeypatch.setenv("HINGECHECK_MODEL_URL", closed_url)
    with pytest.raises(HingecheckError, match="downloading is off") as exc:
        models.resolve_model("full", download=False)
    assert_ways_out(exc)
    assert cache_files(cache) == []


# --------------------------------------------------------------------------- explicit paths

def test_explicit_path_is_used_as_is(tmp_path, closed_url, monkeypatch):
    monkeypatch.setenv("HINGECHECK_MODEL_URL", closed_url)
    bundle = make_bundle(tmp_path / "mine" / "custom.task")
    assert models.resolve_model(str(bundle)) == bundle
    assert models.resolve_model(bundle) == bundle  # a Path works too


def test_explicit_path_missing(tmp_path):
    with pytest.raises(HingecheckError, match="does not exist"):
        models.resolve_model(str(tmp_path / "nope.task"))


def test_explicit_path_not_a_bundle(tmp_path):
    bogus = tmp_path / "bogus.task"
    bogus.write_text("hello")
    with pytest.raises(HingecheckError, match=r"is not a Pose Landmarker bundle: not a zip file"):
        models.resolve_model(str(bogus))
    incomplete = make_bundle(tmp_path / "half.task", members=("pose_detector.tflite",))
    with pytest.raises(HingecheckError, match="lacks pose_landmarks_detector.tflite"):
        models.resolve_model(str(incomplete))


def test_explicit_path_directory(tmp_path):
    with pytest.raises(HingecheckError, match="is a directory"):
        models.resolve_model(str(tmp_path))


def test_unknown_name_lists_valid_names():
    with pytest.raises(HingecheckError) as exc:
        models.resolve_model("medium")
    msg = str(exc.value)
    assert "'medium'" in msg
    for name in ("lite", "full", "heavy"):
        assert name in msg


# --------------------------------------------------------------------------- manifest, env

def test_manifest():
    manifest = models.load_manifest()
    assert list(manifest) == ["lite", "full", "heavy"]
    approx_mb = {"lite": 5.8, "full": 9.4, "heavy": 30.7}
    for name, info in manifest.items():
        assert info.file == f"pose_landmarker_{name}.task"
        assert info.url == ("https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
                            f"pose_landmarker_{name}/float16/latest/pose_landmarker_{name}.task")
        assert abs(info.approx_size_bytes / 1e6 - approx_mb[name]) < 0.5
        assert info.description and "\n" not in info.description
        assert models.model_url(name) == info.url


def test_cache_dir_precedence(tmp_path, monkeypatch):
    assert models.cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("HINGECHECK_CACHE_DIR")
    assert models.cache_dir() == tmp_path / "xdg" / "hingecheck" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert models.cache_dir() == tmp_path / "home" / ".cache" / "hingecheck" / "models"


def test_model_url_override(monkeypatch):
    monkeypatch.setenv("HINGECHECK_MODEL_URL", "http://mirror.example/pose")
    assert models.model_url("lite") == "http://mirror.example/pose/" + LITE
    monkeypatch.setenv("HINGECHECK_MODEL_URL", "http://mirror.example/pose/")
    assert models.model_url("lite") == "http://mirror.example/pose/" + LITE
    monkeypatch.setenv("HINGECHECK_MODEL_URL", "http://m.example/{name}/x/{file}")
    assert models.model_url("heavy") == "http://m.example/heavy/x/pose_landmarker_heavy.task"
    monkeypatch.setenv("HINGECHECK_MODEL_URL", "http://m.example/{nam}")
    with pytest.raises(HingecheckError, match="HINGECHECK_MODEL_URL"):
        models.model_url("lite")
