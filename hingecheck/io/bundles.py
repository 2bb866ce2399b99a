"""Find the MediaPipe Pose Landmarker bundle to run: a file, a folder, the cache or a download.

``resolve_model("full")`` looks, in order, in

1. the path itself, when the spec names an existing file;
2. ``$HINGECHECK_MODEL_DIR/pose_landmarker_{name}.task`` (offline machines, CI);
3. the user cache: ``$HINGECHECK_CACHE_DIR``, else
   ``$XDG_CACHE_HOME/hingecheck/models``, else ``~/.cache/hingecheck/models``;
4. the official Google URL (from ``models/manifest.json``), downloaded once into
   the cache. ``$HINGECHECK_MODEL_URL`` overrides where bundles are fetched from:
   either a base URL (the file name ``pose_landmarker_{name}.task`` is appended
   after a ``/``) or a format string with ``{name}`` and/or ``{file}`` fields,
   e.g. ``http://mirror/pose/{name}/float16/{file}``.

A download streams into a temporary file beside the cached one, is checked to
be a complete Pose Landmarker bundle, and only then renamed into place, so the
cache never holds a partial or corrupt file.
"""

from __future__ import annotations

import http.client
import importlib.resources
import json
import os
import urllib.error
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from hingecheck import __version__
from hingecheck.core.errors import HingecheckError
from hingecheck.io.atomic import atomic_path
from hingecheck.io.notice import warn

ENV_MODEL_DIR = "HINGECHECK_MODEL_DIR"
ENV_CACHE_DIR = "HINGECHECK_CACHE_DIR"
ENV_MODEL_URL = "HINGECHECK_MODEL_URL"

DEFAULT_MODEL = "full"
#: Seconds to wait for the connection and for each read of a download.
TIMEOUT = 30.0
#: The two networks every Pose Landmarker ``.task`` bundle (a zip) holds.
REQUIRED_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")

_CHUNK = 1 << 16
_MANIFEST_PACKAGE = "hingecheck.models_data"  # models/ in a source checkout
_SOURCE_MANIFEST = Path(__file__).resolve().parents[2] / "models" / "manifest.json"


@dataclass(frozen=True)
class ModelInfo:
    """One entry of ``models/manifest.json``."""

    name: str
    file: str
    url: str
    approx_size_bytes: int
    description: str


def _read_manifest_text() -> str:
    # Installed (wheel or editable): the data-only package hingecheck.models_data.
    try:
        return (importlib.resources.files(_MANIFEST_PACKAGE)
                .joinpath("manifest.json").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError):
        pass  # a source checkout run in place, not installed: the manifest is read from models/ below
    # Source checkout run in place: <repo>/models/manifest.json.
    try:
        return _SOURCE_MANIFEST.read_text(encoding="utf-8")
    except OSError:
        raise HingecheckError(
            "the model manifest (models/manifest.json) is missing from this "
            "hingecheck installation; reinstall hingecheck, or pass --model PATH"
        ) from None


@lru_cache(maxsize=None)
def load_manifest() -> dict[str, ModelInfo]:
    """Return the known bundles by name (``lite``, ``full``, ``heavy``), in manifest order."""
    try:
        data = json.loads(_read_manifest_text())
        return {
            name: ModelInfo(name=name, file=str(entry["file"]), url=str(entry["url"]),
                            approx_size_bytes=int(entry["approx_size_bytes"]),
                            description=str(entry["description"]))
            for name, entry in data["models"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise HingecheckError(f"the model manifest is damaged ({exc!r}); reinstall hingecheck") from None


def model_names() -> tuple[str, ...]:
    """Return the valid model names, smallest first."""
    return tuple(load_manifest())


def _info(name: str) -> ModelInfo:
    manifest = load_manifest()
    try:
        return manifest[name]
    except KeyError:
        raise HingecheckError(
            f"unknown model {name!r}; choose one of {', '.join(manifest)}, "
            "or pass a path to a .task file"
        ) from None


def cache_dir() -> Path:
    """Return the folder downloaded bundles are kept in (not created here).

    ``$HINGECHECK_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/hingecheck/models``
    (when that is an absolute path, as the XDG spec requires), else
    ``~/.cache/hingecheck/models``.
    """
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "hingecheck" / "models"


def model_url(name: str) -> str:
    """Return the URL the bundle ``name`` is downloaded from.

    The manifest's official URL, unless ``$HINGECHECK_MODEL_URL`` is set: a
    value containing ``{`` is a format string filled with ``name`` (``full``)
    and ``file`` (``pose_landmarker_full.task``); any other value is a base
    URL the file name is appended to.
    """
    info = _info(name)
    override = os.environ.get(ENV_MODEL_URL, "").strip()
    if not override:
        return info.url
    if "{" in override:
        try:
            return override.format(name=info.name, file=info.file)
        except (KeyError, IndexError, ValueError) as exc:
            raise HingecheckError(
                f"{ENV_MODEL_URL}={override!r} is not a valid URL template ({exc!r}); "
                "use a base URL or the fields {name} and {file}"
            ) from None
    return override.rstrip("/") + "/" + info.file


class _NotABundle(HingecheckError):
    """validate_bundle's verdict; ``reason`` is the part after the colon."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"model {path} is not a Pose Landmarker bundle: {reason}")
        self.reason = reason


def validate_bundle(path: str | os.PathLike, *, thorough: bool = False) -> Path:
    """Check that ``path`` is a Pose Landmarker ``.task`` bundle; return it as a Path.

    A bundle is a zip holding ``pose_detector.tflite`` and
    ``pose_landmarks_detector.tflite``. ``thorough=True`` also checks every
    member's CRC (reads the whole file; used on fresh downloads). Raises
    HingecheckError("model ... is not a Pose Landmarker bundle: ...") otherwise.
    """
    p = Path(path)
    if not p.exists():
        raise HingecheckError(f"model file {p} does not exist")
    if p.is_dir():
        raise HingecheckError(f"model {p} is a directory, not a .task file")

    def bad(reason: str) -> HingecheckError:
        return _NotABundle(p, reason)

    try:
        with zipfile.ZipFile(p) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            missing = [m for m in REQUIRED_MEMBERS if m not in infos]
            if missing:
                raise bad(f"it lacks {' and '.join(missing)}")
            empty = [m for m in REQUIRED_MEMBERS if infos[m].file_size == 0]
            if empty:
                raise bad(f"{' and '.join(empty)} is empty")
            if thorough:
                broken = zf.testzip()
                if broken is not None:
                    raise bad(f"{broken} is corrupt (CRC mismatch)")
    except zipfile.BadZipFile as exc:
        raise bad("not a zip file" if "not a zip file" in str(exc) else f"damaged zip ({exc})") from None
    except PermissionError as exc:
        raise HingecheckError(f"cannot read model {p}: {exc.strerror}") from None
    except (OSError, EOFError, zlib.error, NotImplementedError, RuntimeError, ValueError) as exc:
        raise bad(f"unreadable zip ({exc})") from None
    return p


def _ways_out(info: ModelInfo, first: str = "connect to the internet once") -> str:
    folder = f"set {ENV_MODEL_DIR} to a folder holding {info.file}"
    env_dir = os.environ.get(ENV_MODEL_DIR)
    if env_dir:
        folder += f" (it is set to {env_dir}, which does not hold it)"
    return f"{first}, or {folder}, or pass --model PATH"


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


class _WriteFailed(Exception):
    """Writing the temporary file failed (disk full...), not the network."""


def _stream(url: str, out: BinaryIO, label: str, progress: bool, timeout: float) -> None:
    """Copy ``url`` into ``out``; raise network errors as-is, write errors as _WriteFailed."""
    from tqdm import tqdm

    req = urllib.request.Request(url, headers={"User-Agent": f"hingecheck/{__version__}"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        length = resp.headers.get("Content-Length", "").strip()
        total = int(length) if length.isdigit() else None
        got = 0
        # disable=None: tqdm shows the bar only when stderr is a terminal.
        with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                  desc=label, disable=None if progress else True, leave=False) as bar:
            while True:
                try:
                    chunk = resp.read(_CHUNK)
                except http.client.IncompleteRead as exc:
                    got += len(exc.partial)
                    chunk = b""
                if not chunk:
                    break
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise _WriteFailed(exc.strerror or str(exc)) from None
                got += len(chunk)
                bar.update(len(chunk))
        if total is not None and got < total:
            raise http.client.IncompleteRead(b"", total - got)
        if got == 0:
            raise ValueError("the server sent an empty file")


def _describe(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return f"no answer within {timeout:g} s"
        return _one_line(getattr(reason, "strerror", None) or reason)
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, http.client.IncompleteRead):
        return f"connection closed with {exc.expected} bytes still to come"
    return _one_line(exc) or type(exc).__name__


def download_model(name: str, *, progress: bool = True, timeout: float | None = None) -> Path:
    """Download the bundle ``name`` into :func:`cache_dir` and return its path.

    Streams to a temporary file in the cache folder (with a tqdm progress bar
    on a terminal when ``progress``), validates it as a complete bundle, then
    renames it into place atomically, replacing any older copy. On any failure
    nothing is left in the cache and a one-line HingecheckError names the ways
    out (internet, ``HINGECHECK_MODEL_DIR``, ``--model PATH``).
    """
    info = _info(name)
    url = model_url(name)
    timeout = TIMEOUT if timeout is None else timeout
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HingecheckError(
            f"cannot create the model cache {folder} ({exc.strerror}); "
            f"{_ways_out(info, f'set {ENV_CACHE_DIR} to a writable folder')}"
        ) from None
    target = folder / info.file
    with atomic_path(target, suffix=".part") as tmp:
        try:
            with open(tmp, "wb") as out:
                _stream(url, out, info.file, progress, timeout)
        except _WriteFailed as exc:
            raise HingecheckError(
                f"cannot write the model cache {folder} ({exc}); "
                f"{_ways_out(info, f'free some space or set {ENV_CACHE_DIR} to another folder')}"
            ) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            # OSError covers URLError, HTTPError, timeouts and refused connections;
            # ValueError an unusable URL or a wrong length.
            raise HingecheckError(
                f"cannot download the {name} pose model from {url} "
                f"({_describe(exc, timeout)}); {_ways_out(info)}"
            ) from None
        try:
            validate_bundle(tmp, thorough=True)
        except _NotABundle as exc:
            raise HingecheckError(
                f"the {name} pose model downloaded from {url} is not a Pose Landmarker "
                f"bundle ({exc.reason}); nothing was cached; "
                f"{_ways_out(info, f'check {ENV_MODEL_URL} or try again later')}"
            ) from None
    return target


def _looks_like_path(spec: str) -> bool:
    seps = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return any(s in spec for s in seps) or spec.endswith(".task") or spec.startswith(("~", "."))


def resolve_model(spec: str | os.PathLike | None = DEFAULT_MODEL, *, download: bool = True,
                  progress: bool = True) -> Path:
    """Return the path of a validated Pose Landmarker bundle for ``spec``.

    ``spec`` is a model name (``lite``, ``full``, ``heavy``; None means
    ``full``) or a path to a ``.task`` file. An existing file is used as is.
    A name is looked up in ``$HINGECHECK_MODEL_DIR``, then in the cache
    (:func:`cache_dir`), and otherwise downloaded there (unless
    ``download=False``). A cached copy that fails validation is downloaded
    again. Raises HingecheckError for an unknown name, a missing or invalid
    file, or a failed download.
    """
    text = DEFAULT_MODEL if spec is None else os.fspath(spec)
    path = Path(text).expanduser()
    if path.is_file():
        return validate_bundle(path)

    manifest = load_manifest()
    name = text.strip().lower()
    if name not in manifest:
        if path.is_dir():
            raise HingecheckError(f"model {path} is a directory; pass a .task file "
                                  f"or one of {', '.join(manifest)}")
        if _looks_like_path(text):
            raise HingecheckError(f"model file {text} does not exist; pass an existing "
                                  f".task file or one of {', '.join(manifest)}")
        _info(text)  # raises the "unknown model" error listing the names
    info = manifest[name]

    env_dir = os.environ.get(ENV_MODEL_DIR)
    if env_dir:
        candidate = Path(env_dir).expanduser() / info.file
        if candidate.is_file():
            return validate_bundle(candidate)

    cached = cache_dir() / info.file
    if cached.is_file():
        try:
            return validate_bundle(cached)
        except HingecheckError:
            if not download:
                raise HingecheckError(f"the cached {name} pose model {cached} is damaged; "
                                      "delete it and run again with downloads allowed, "
                                      "or pass --model PATH") from None
            warn(f"the cached {name} pose model {cached} is damaged: downloading a fresh copy")
            # a fresh copy atomically replaces the bad one
    if not download:
        raise HingecheckError(f"the {name} pose model is not in the cache {cache_dir()} "
                              f"and downloading is off; "
                              f"{_ways_out(info, 'run once with downloads allowed')}")
    return download_model(name, progress=progress)
