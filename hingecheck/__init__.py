"""hingecheck: rep-by-rep hip-hinge form feedback from video.

The names a library user needs; everything else lives in the subpackages
(``core`` pure analysis, ``io`` video and the pose model, ``outputs``,
``scoring``, ``apps``)::

    import hingecheck
    result = hingecheck.analyze("set.mp4", exercise="rdl", model="lite")
    print(result.state, result.faults)     # e.g. faults ['squatting']
    report = result.to_dict()              # what `hingecheck analyze --json` writes

(see ``docs/api.md``), or lower down, on landmarks you already have::

    from hingecheck import analyze_pose, load_config
    analysis = analyze_pose(pose_sequence, "rdl", load_config().for_exercise("rdl"))

Imported lazily, so ``import hingecheck`` (or ``hingecheck.__version__``) loads
no numpy or scipy until a name is used.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "analyze": "hingecheck.api",
    "Result": "hingecheck.api",
    "VerdictState": "hingecheck.core.states",
    "StateReport": "hingecheck.core.states",
    "resolve_exercise": "hingecheck.core.names",
    "resolve_model": "hingecheck.io.bundles",
    "report_dict": "hingecheck.outputs.report",
    "dump_json": "hingecheck.outputs.serialize",
    "analyze_pose": "hingecheck.core.analysis",
    "Analysis": "hingecheck.core.analysis",
    "StreamingAnalyzer": "hingecheck.core.stream",
    "PoseSequence": "hingecheck.core.landmarks",
    "Landmark": "hingecheck.core.landmarks",
    "load_config": "hingecheck.core.config",
    "Config": "hingecheck.core.config",
    "Thresholds": "hingecheck.core.config",
    "EXERCISES": "hingecheck.core.config",
    "FAULTS": "hingecheck.core.faults",
    "HingecheckError": "hingecheck.core.errors",
    "analyze_video": "hingecheck.io.videoanalysis",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hingecheck' has no attribute {name!r}")
