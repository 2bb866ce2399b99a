"""The record of one clip of a batch (``score``, ``review``): typed, to and from JSON.

A :class:`ClipRecord` is what a worker returns for a clip, what the score cache keeps
(``OUT/cache/<key>.json``, :meth:`ClipRecord.to_entry`), what the outputs read and what
``scores.json`` lists (:meth:`ClipRecord.scores_entry`). Its result is the compact form
of an analysis (:func:`hingecheck.outputs.serialize.result_record` writes it): the fields the
outputs read are typed attributes, the rest (``frames``, ``fps``, ``side``, a rep's frame
indices...) is carried as written in ``extra``, so a record read and written again is the
same JSON.

A leaf: it imports only the standard library (the batch runner, the cache, the outputs and
the plots all use it, and it uses none of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

#: the version of a record's JSON (a cache entry's ``"format"``; part of every cache key)
RECORD_FORMAT = 1

#: the angle signals a result keeps (degrees, every ``step`` th analysed frame)
SIGNALS = ("hip_flexion", "knee_flexion", "trunk_angle")

#: key order of a rep and of a result as :func:`~hingecheck.outputs.serialize.result_record` writes them
_REP_ORDER = ("index", "complete", "judged", "start", "end", "bottom", "t_start", "t_end", "depth_deg",
              "faults", "fault_spans", "cant_judge", "state")
_RESULT_ORDER = ("frames", "duration_s", "fps", "view", "side", "legs", "side_on_ratio", "camera_yaw_deg",
                 "person_detected_fraction", "rep_count", "reps_found", "judged_reps", "cant_judge",
                 "clip_faults", "state", "reps", "signals")


class RecordError(ValueError):
    """A record's JSON is not of the shape this version reads (one line: what is wrong)."""


def _get(data: dict, key: str, typ: type | tuple, where: str, default: Any = ...):
    """``data[key]`` if it is a ``typ`` (``bool`` is not taken for a number), else RecordError."""
    if key not in data and default is not ...:
        return default
    value = data.get(key)
    numeric = typ in (int, float) or (isinstance(typ, tuple) and int in typ)
    if not isinstance(value, typ) or (numeric and isinstance(value, bool)):
        kind = "a number" if isinstance(typ, tuple) else f"a {typ.__name__}"
        raise RecordError(f"{where}: {key!r} missing or not {kind}")
    return value


def _ordered(d: dict, order: tuple[str, ...]) -> dict:
    return {**{k: d[k] for k in order if k in d}, **{k: v for k, v in d.items() if k not in order}}


def _str_list(data: dict, key: str, where: str) -> list[str]:
    values = _get(data, key, list, where)
    if not all(isinstance(v, str) for v in values):
        raise RecordError(f"{where}: {key!r} holds a non-string")
    return list(values)


@dataclass(frozen=True)
class FaultSpan:
    """Where in the clip a fault was seen: ``t0``..``t1`` (seconds of the video), its severity (0..1)."""
    fault: str
    t0: float
    t1: float
    severity: float

    def to_json(self) -> dict:
        return {"fault": self.fault, "t0": self.t0, "t1": self.t1, "severity": self.severity}

    @classmethod
    def from_json(cls, data, where: str = "fault span") -> "FaultSpan":
        if not isinstance(data, dict):
            raise RecordError(f"{where}: not an object")
        return cls(_get(data, "fault", str, where), *(_get(data, k, (int, float), where)
                                                       for k in ("t0", "t1", "severity")))


@dataclass
class RepRecord:
    """One rep of a result: times in seconds of the video, faults as ids, and the checks it could
    not run (fault id, or ``*`` for the whole rep -> reason)."""
    index: int
    complete: bool
    t_start: float
    t_end: float
    faults: list[str]
    cant_judge: dict[str, str]
    judged: bool = True
    fault_spans: list[FaultSpan] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # start, end, bottom (frame indices), depth_deg (degrees), state

    def to_json(self) -> dict:
        return _ordered({**self.extra, "index": self.index, "complete": self.complete, "judged": self.judged,
                         "t_start": self.t_start, "t_end": self.t_end, "faults": list(self.faults),
                         "fault_spans": [s.to_json() for s in self.fault_spans],
                         "cant_judge": dict(self.cant_judge)}, _REP_ORDER)

    @classmethod
    def from_json(cls, data, where: str = "rep") -> "RepRecord":
        if not isinstance(data, dict):
            raise RecordError(f"{where}: not an object")
        cant = _get(data, "cant_judge", dict, where)
        spans = [FaultSpan.from_json(s, f"{where} fault span") for s in _get(data, "fault_spans", list, where, [])]
        typed = {"index", "complete", "judged", "t_start", "t_end", "faults", "fault_spans", "cant_judge"}
        return cls(_get(data, "index", int, where), _get(data, "complete", bool, where),
                   _get(data, "t_start", (int, float), where), _get(data, "t_end", (int, float), where),
                   _str_list(data, "faults", where), dict(cant), bool(data.get("judged", True)), spans,
                   {k: v for k, v in data.items() if k not in typed})


@dataclass
class Signals:
    """The angle signals of a clip (degrees; None where no person was seen) at times ``t``
    (seconds), every ``step`` th analysed frame."""
    step: int
    t: list[float]
    hip_flexion: list[float | None]
    knee_flexion: list[float | None]
    trunk_angle: list[float | None]

    def series(self, name: str) -> list[float | None]:
        """The signal ``name`` (one of :data:`SIGNALS`)."""
        return getattr(self, name)

    def to_json(self) -> dict:
        return {"step": self.step, "t": list(self.t), **{name: list(self.series(name)) for name in SIGNALS}}

    @classmethod
    def from_json(cls, data) -> "Signals | None":
        """The signals, or None when ``data`` holds none (an old or a hand-made record)."""
        if not isinstance(data, dict) or not isinstance(data.get("t"), list):
            return None
        return cls(int(data.get("step", 1)), list(data["t"]), *(list(data.get(name) or []) for name in SIGNALS))


@dataclass
class ClipResult:
    """What a clip's analysis found, in the compact form the cache keeps."""
    rep_count: int
    reps_found: int
    judged_reps: int
    cant_judge: bool          # no rep could be judged
    clip_faults: list[str]    # the recurring faults (ids)
    view: str
    reps: list[RepRecord] = field(default_factory=list)
    signals: Signals | None = None
    extra: dict = field(default_factory=dict)  # frames, duration_s, fps, side, side_on_ratio, state...

    def to_json(self, *, signals: bool = True) -> dict:
        """The result's JSON (``signals`` False: without the signals, as ``scores.json`` lists it)."""
        d = {**self.extra, "view": self.view, "rep_count": self.rep_count, "reps_found": self.reps_found,
             "judged_reps": self.judged_reps, "cant_judge": self.cant_judge, "clip_faults": list(self.clip_faults),
             "reps": [r.to_json() for r in self.reps]}
        if signals and self.signals is not None:
            d["signals"] = self.signals.to_json()
        return _ordered(d, _RESULT_ORDER)

    @classmethod
    def from_json(cls, data, where: str = "result") -> "ClipResult":
        if not isinstance(data, dict):
            raise RecordError(f"{where}: not an object")
        reps = [RepRecord.from_json(r, f"{where} rep {i}") for i, r in enumerate(_get(data, "reps", list, where))]
        typed = {"rep_count", "reps_found", "judged_reps", "cant_judge", "clip_faults", "view", "reps", "signals"}
        return cls(_get(data, "rep_count", int, where), _get(data, "reps_found", int, where),
                   _get(data, "judged_reps", int, where), _get(data, "cant_judge", bool, where),
                   _str_list(data, "clip_faults", where), _get(data, "view", str, where), reps,
                   Signals.from_json(data.get("signals")), {k: v for k, v in data.items() if k not in typed})


@dataclass
class ClipRecord:
    """One clip of a batch: its result (with ``timing``, seconds) or its one-line ``error``.

    ``key`` is its cache key (None for a clip that could not be read), ``cached`` says it
    came from the cache, ``history`` (``review`` only) is the set's history record."""
    clip: str
    exercise: str
    path: str | None = None
    key: str | None = None
    cached: bool = False
    result: ClipResult | None = None
    timing: dict = field(default_factory=dict)
    error: str | None = None
    history: dict | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def settled(self, *, path: str, key: str | None, cached: bool) -> "ClipRecord":
        """This record as the batch keeps it: with the clip's path, key and whether it was cached."""
        return replace(self, path=path, key=key, cached=cached)

    def to_entry(self) -> dict:
        """The cache entry's JSON: a result, or a failure (``"failed": true`` and the error)."""
        head = {"format": RECORD_FORMAT, "clip": self.clip, "exercise": self.exercise, "key": self.key}
        if self.error is not None:
            return {**head, "failed": True, "error": self.error}
        return {**head, "result": self.result.to_json() if self.result else None, "timing": dict(self.timing),
                **({"history": self.history} if self.history else {})}

    @classmethod
    def from_entry(cls, data) -> "ClipRecord":
        """A cache entry read back; RecordError (one line) if it is of another format or shape."""
        if not isinstance(data, dict):
            raise RecordError("cache entry: not an object")
        if data.get("format") != RECORD_FORMAT:
            raise RecordError(f"cache entry of format {data.get('format')!r}; this version reads "
                              f"format {RECORD_FORMAT} (the clip runs again)")
        clip, exercise = str(data.get("clip", "")), str(data.get("exercise", ""))
        key = data.get("key") if isinstance(data.get("key"), str) else None
        if data.get("failed") is True:
            error = _get(data, "error", str, "cache entry")
            if not error:
                raise RecordError("cache entry: a failure without its error")
            return cls(clip, exercise, key=key, error=error)
        timing = _get(data, "timing", dict, "cache entry", {})
        history = data.get("history") if isinstance(data.get("history"), dict) else None
        return cls(clip, exercise, key=key, result=ClipResult.from_json(data.get("result")), timing=dict(timing),
                   history=history)

    def scores_entry(self) -> dict:
        """The clip as ``scores.json`` lists it (its result without the signals; the caller adds the label)."""
        d: dict = {"clip": self.clip, "path": self.path, "exercise": self.exercise}
        if self.key is not None:
            d["key"] = self.key
        d["cached"] = self.cached
        if self.error is not None:
            return {**d, "error": self.error}
        return {**d, "timing": dict(self.timing), **({"history": self.history} if self.history else {}),
                "error": None, "result": self.result.to_json(signals=False) if self.result else None}


__all__ = ["ClipRecord", "ClipResult", "RepRecord", "FaultSpan", "Signals", "RecordError", "RECORD_FORMAT",
           "SIGNALS"]
