"""Typed thresholds with per-exercise profiles, overridable from TOML.

Every rule reads its thresholds from :class:`Thresholds`. The built-in
profiles below start from the defaults and change only what that exercise
does differently; a TOML file can override any field, for all exercises
(``[default]``) or for one (``[profiles.rdl]``)::

    [default]
    rounded_spine_offset = 0.05

    [profiles.deadlift]
    excess_knee_flexion_deg = 140
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from hingecheck.core.errors import HingecheckError
from hingecheck.core.kinds import Exercise, FaultId
from hingecheck.core.reps import RepParams

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: every exercise, in the order the help lists them
EXERCISES: tuple[Exercise, ...] = tuple(Exercise)


@dataclass(frozen=True)
class Thresholds:
    """Rule thresholds. Angles in degrees, offsets in body-segment fractions.

    The rule thresholds that :mod:`hingecheck.scoring.tune` fits are the prior
    (a coach's starting values, :func:`hingecheck.scoring.tune.prior_config`) plus
    the moves it picked on the labelled clips (each knob's ``fitted`` in
    :data:`hingecheck.core.faults.FAULTS`).
    """

    # --- squatting: the hinge turned into a squat (all at the bottom)
    squat_ratio_max: float = 1.15          # hip-flexion / knee-flexion change below this ...
    squat_trunk_max_deg: float = 35.0      # ... or trunk this upright ...
    squat_shin_min_deg: float = 30.0       # ... with the shins this far forward
    squat_start_knee_deg: float = 100.0    # from the floor: knees this bent, then hips rise first ...
    squat_start_trunk_min: float = 0.15    # ... (trunk rise done at the knees' progress below this)
    # --- excess knee bend (trunk still tipped over, not a squat)
    excess_knee_flexion_deg: float = 80.0
    # --- rounded back: shoulder off the ear-hip line (dowel check), or mask hump
    rounded_spine_offset: float = 0.04
    rounded_neck_min_deg: float = 12.0     # and the upper back/neck flexed this much
    rounded_mask_curvature: float = 0.03   # silhouette sagitta (chord fractions), if measured
    # --- dropped head: neck flexion against the trunk at the bottom
    dropped_head_deg: float = 25.0
    # --- hyperextension: leaning back at lockout, or a hollow lower back
    lean_back_deg: float = 10.0
    neutral_trunk_max_deg: float = 5.0  # a calibrated upright moves the lean-back limit at most this much
    hip_drive_max: float = 0.07    # or the hips held this far forward of the ankle-shoulder line
    # the hollow-back measure did not separate clips (good ones reached -0.14),
    # so by default it is set outside the range seen: effectively off
    hollow_mask_curvature: float = -0.25
    # --- hips rise first: share of the trunk's rise done when the knees are 60% straight
    hips_rise_knee_progress: float = 0.6
    hips_rise_trunk_min: float = 0.05
    # --- incomplete lockout: hip flexion left at the top
    lockout_hip_flexion_deg: float = 15.0
    # --- judging at all
    # the camera's yaw off side-on (degrees, from the world landmarks: hingecheck.core.view)
    # up to which each fault's rule is run; beyond, that fault is "can't judge". Measured:
    # `benchmarks/synth_corpus.py fit` on the fitting corpus (seed 1; docs/synth-corpus.md),
    # the largest yaw up to which the corpus *shows* sensitivity >= 0.9, false flags <= 5 %
    # and flags on other faults <= 5 % (docs/view.md); 20 (the side view) where it does not.
    # Never set from the real clips. One field per built-in fault (FaultId), named
    # yaw_max_<fault>_deg; a fault without one is judged up to yaw_side_max_deg.
    yaw_max_squatting_deg: float = 65.0
    yaw_max_rounded_back_deg: float = 20.0
    yaw_max_hyperextension_deg: float = 45.0
    yaw_max_dropped_head_deg: float = 20.0
    yaw_max_hips_rise_first_deg: float = 50.0
    yaw_max_excess_knee_bend_deg: float = 20.0
    yaw_max_incomplete_lockout_deg: float = 20.0
    yaw_front_min_deg: float = 70.0  # above: facing the camera, nothing can be judged
    yaw_side_max_deg: float = 20.0   # up to this: a side view (and the yaw limit of a fault without its own)
    # from this yaw on, hip, trunk, neck and spine are measured on the world landmarks
    # turned side-on (hingecheck.core.geometry.with_world_measures); 90 = never
    world_measures_min_yaw_deg: float = 20.0
    # --- past the side view (measured on the world landmarks, see world_measures_min_yaw_deg)
    # each fitted threshold moves by its shift, fitted on the synthetic corpus's reps filmed
    # 20-60 degrees off side-on (benchmarks/synth_corpus.py fit-shifts); see past_side_view
    oblique_shift_squat_ratio_max: float = 0.2
    oblique_shift_squat_shin_min_deg: float = -10.0
    oblique_shift_excess_knee_flexion_deg: float = 0.0
    oblique_shift_rounded_spine_offset: float = 0.0
    oblique_shift_rounded_mask_curvature: float = 0.0
    oblique_shift_dropped_head_deg: float = 0.0
    oblique_shift_lean_back_deg: float = -4.0
    oblique_shift_hip_drive_max: float = 0.0
    oblique_shift_hips_rise_trunk_min: float = 0.1
    oblique_shift_lockout_hip_flexion_deg: float = 0.0
    side_on_max: float = 0.3       # shoulder width / torso length; above: not side-on (when no yaw is known)
    front_on_min: float = 0.65     # above: facing the camera, nothing can be judged
    min_reliability: float = 0.5   # median landmark visibility over the rep
    max_missing_fraction: float = 0.3
    # a lifter shorter than this in the frame (pixels, standing) is too small to judge:
    # measured on clip01/clip03 scaled down, verdicts held at 55 px and false per-rep
    # faults appeared at 38 px
    min_lifter_px: float = 48.0
    max_cut_off_share: float = 0.2  # head or feet out of the frame in more of a rep's frames: cut off
    max_camera_tilt_deg: float = 8.0  # the camera's tilt is trusted up to this; beyond, it is the lifter
    # --- which frames a rule trusts (hingecheck.core.evidence)
    segment_max_ratio: float = 1.35  # a segment longer than this share of its clip median is mis-tracked ...
    # ... and so is one shorter than this (a thigh pointing at the camera of an
    # oblique view foreshortens to about 0.7, never this far)
    segment_min_ratio: float = 0.6
    max_speed_thighs_per_s: float = 10.0  # a joint faster than this is mis-tracked
    # a shin leaning further than this from vertical is not a shin on a standing
    # lifter: the knee was placed on a plate or a kettlebell
    max_shin_lean_deg: float = 60.0
    sustain_s: float = 0.2          # how long a measure must hold past its threshold
    min_trusted_share: float = 0.5  # a rule needs at least this share of its window's frames trusted
    # --- the frames a rule looks at (hingecheck.core.windows)
    lockout_hold_s: float = 0.5        # how long after reaching the top the lockout is still watched
    lockout_knee_max_deg: float = 20.0  # knees bent more than this are not locked out
    lockout_band_deg: float = 15.0     # the lockout window: frames within this of the top's hip flexion
    bottom_band: float = 0.2           # the bottom window: frames within this share of the rep's depth of the bottom
    # --- the standing calibration: how long the lifter stands still, and how still
    calibration_s: float = 1.0
    calibration_still_deg: float = 4.0
    # --- the silhouette back curve's fit (hingecheck.core.backline.curvatures): a contour
    # whose quadratic fit leaves more RMS residual (chord lengths) than this is not one
    # smooth curve (an arm, a bar or the background joined it) ...
    back_fit_max_rms: float = 0.025
    back_fit_max_step: float = 0.08  # ... nor is one stepping more than this (chord lengths) between samples
    # --- smoothing and reps
    smooth_cutoff_hz: float = 4.0
    max_gap_s: float = 0.3         # tracking lost for longer than this (s) is not bridged: no rep across it
    rep_up_deg: float = 25.0
    rep_down_deg: float = 45.0
    rep_min_depth_deg: float = 45.0
    rep_min_s: float = 0.6

    def rep_params(self) -> RepParams:
        return RepParams(up_deg=self.rep_up_deg, down_deg=self.rep_down_deg,
                         min_depth_deg=self.rep_min_depth_deg, min_rep_s=self.rep_min_s)

    def yaw_max_deg(self, fault: str) -> float:
        """The camera yaw off side-on (degrees) up to which ``fault`` is judged
        (``yaw_side_max_deg`` for a fault without its own threshold)."""
        return float(getattr(self, yaw_key(fault), self.yaw_side_max_deg))

    def past_side_view(self) -> "Thresholds":
        """These thresholds as the rules read them past the side view: each of
        :data:`OBLIQUE_SHIFTED` moved by its ``oblique_shift_<key>``."""
        return self.replace(**{k: getattr(self, k) + getattr(self, shift_key(k)) for k in OBLIQUE_SHIFTED})

    def replace(self, **kw) -> "Thresholds":
        return dataclasses.replace(self, **kw)


#: the thresholds that move past the side view (the rules' tuning knobs; a test checks they match)
OBLIQUE_SHIFTED: tuple[str, ...] = (
    "squat_ratio_max", "squat_shin_min_deg", "excess_knee_flexion_deg", "rounded_spine_offset",
    "rounded_mask_curvature", "dropped_head_deg", "lean_back_deg", "hip_drive_max", "hips_rise_trunk_min",
    "lockout_hip_flexion_deg")


def shift_key(key: str) -> str:
    """The :class:`Thresholds` field that moves ``key`` past the side view."""
    return f"oblique_shift_{key}"


def yaw_key(fault: str) -> str:
    """The :class:`Thresholds` field of ``fault``'s yaw limit."""
    return f"yaw_max_{fault}_deg"


#: what each exercise changes from the defaults
PROFILE_OVERRIDES: dict[Exercise, dict[str, float]] = {
    Exercise.HIP_HINGE: {},
    # RDLs keep soft knees and hinge deep: less knee bend allowed
    Exercise.RDL: {"excess_knee_flexion_deg": 50.0},
    Exercise.SINGLE_LEG_RDL: {"excess_knee_flexion_deg": 50.0, "side_on_max": 0.35},
    Exercise.GOOD_MORNING: {"excess_knee_flexion_deg": 80.0},
    # a kettlebell between the feet needs more knee bend than an RDL
    Exercise.KETTLEBELL_DEADLIFT: {"excess_knee_flexion_deg": 105.0},
    # from the floor the knees bend a lot and the back angle holds in the first pull
    Exercise.DEADLIFT: {"excess_knee_flexion_deg": 135.0, "squat_ratio_max": 0.9,
                 "squat_trunk_max_deg": 30.0, "hips_rise_trunk_min": -0.2,
                 "squat_start_trunk_min": -0.1},
    Exercise.KETTLEBELL_SWING: {"excess_knee_flexion_deg": 90.0, "lean_back_deg": 12.0},
}


@dataclass(frozen=True)
class Config:
    """Thresholds for every exercise."""

    default: Thresholds = field(default_factory=Thresholds)
    overrides: dict[str, dict[str, float]] = field(default_factory=lambda: dict(PROFILE_OVERRIDES))

    def for_exercise(self, exercise: str) -> Thresholds:
        if exercise not in EXERCISES:
            raise HingecheckError(f"unknown exercise {exercise!r}; choose one of: {', '.join(EXERCISES)}")
        return self.default.replace(**self.overrides.get(exercise, {}))


_FIELD_TYPES = {f.name: f.type for f in fields(Thresholds)}

#: the valid range of every threshold, ``(low, high, low_open)``: ``low <= v <= high``
#: (``low < v`` when ``low_open``); checked when a config file is loaded. Wide on
#: purpose: they keep out values that switch a rule off or on by accident (NaN,
#: infinite, negative angles), not values a tuning might want.
RANGES: dict[str, tuple[float, float, bool]] = {
    "squat_ratio_max": (0.0, 10.0, False), "squat_trunk_max_deg": (0.0, 90.0, False),
    "squat_shin_min_deg": (0.0, 90.0, False), "squat_start_knee_deg": (0.0, 180.0, False),
    "squat_start_trunk_min": (-1.0, 1.0, False), "excess_knee_flexion_deg": (0.0, 180.0, False),
    "rounded_spine_offset": (0.0, 1.0, False), "rounded_neck_min_deg": (0.0, 90.0, False),
    "rounded_mask_curvature": (0.0, 1.0, False), "dropped_head_deg": (0.0, 90.0, False),
    "lean_back_deg": (0.0, 90.0, False), "neutral_trunk_max_deg": (0.0, 45.0, False),
    "hip_drive_max": (0.0, 1.0, False), "hollow_mask_curvature": (-1.0, 1.0, False),
    "hips_rise_knee_progress": (0.0, 1.0, False), "hips_rise_trunk_min": (-1.0, 1.0, False),
    "lockout_hip_flexion_deg": (0.0, 90.0, False), "side_on_max": (0.0, 2.0, False),
    "front_on_min": (0.0, 2.0, False), "min_reliability": (0.0, 1.0, False),
    **{yaw_key(f): (0.0, 90.0, False) for f in FaultId},
    "yaw_front_min_deg": (0.0, 90.0, False), "world_measures_min_yaw_deg": (0.0, 90.0, False),
    "max_missing_fraction": (0.0, 1.0, False), "smooth_cutoff_hz": (0.0, 30.0, True), "max_gap_s": (0.0, 10.0, False),
    "rep_up_deg": (0.0, 180.0, False), "rep_down_deg": (0.0, 180.0, False),
    "rep_min_depth_deg": (0.0, 180.0, False), "rep_min_s": (0.0, 10.0, False),
    "yaw_side_max_deg": (0.0, 90.0, False), "min_lifter_px": (0.0, 10000.0, False),
    "max_cut_off_share": (0.0, 1.0, False),
    "max_camera_tilt_deg": (0.0, 90.0, False),
    # a segment's length ratio band must hold 1 (its own median), or every frame is mis-tracked
    "segment_max_ratio": (1.0, 10.0, False), "segment_min_ratio": (0.0, 1.0, False),
    "max_speed_thighs_per_s": (0.0, 1000.0, True), "max_shin_lean_deg": (0.0, 180.0, False),
    "sustain_s": (0.0, 10.0, False), "min_trusted_share": (0.0, 1.0, False),
    "lockout_hold_s": (0.0, 10.0, False), "lockout_knee_max_deg": (0.0, 180.0, False),
    "lockout_band_deg": (0.0, 180.0, False), "bottom_band": (0.0, 1.0, False),
    "calibration_s": (0.0, 10.0, True), "calibration_still_deg": (0.0, 90.0, False),
    "back_fit_max_rms": (0.0, 1.0, False), "back_fit_max_step": (0.0, 10.0, False),
}


#: the unit of every threshold and where its value came from: "fitted" (moved by
#: ``hingecheck tune`` on the design clips, see each knob's ``fitted`` in hingecheck.core.faults),
#: "measured" (read off a measurement: the synthetic corpus or a sweep), or
#: "hand-set" (a coach's starting value, not fitted to anything)
THRESHOLD_INFO: dict[str, tuple[str, str]] = {
    "squat_ratio_max": ("ratio", "fitted"), "squat_trunk_max_deg": ("deg", "hand-set"),
    "squat_shin_min_deg": ("deg", "fitted"), "squat_start_knee_deg": ("deg", "hand-set"),
    "squat_start_trunk_min": ("fraction", "hand-set"), "excess_knee_flexion_deg": ("deg", "fitted"),
    "rounded_spine_offset": ("fraction of ear-hip length", "fitted"), "rounded_neck_min_deg": ("deg", "hand-set"),
    "rounded_mask_curvature": ("fraction of chord", "fitted"), "dropped_head_deg": ("deg", "fitted"),
    "lean_back_deg": ("deg", "fitted"), "neutral_trunk_max_deg": ("deg", "hand-set"),
    "hip_drive_max": ("fraction of ankle-shoulder length", "fitted"),
    "hollow_mask_curvature": ("fraction of chord", "measured"),
    "hips_rise_knee_progress": ("fraction", "hand-set"), "hips_rise_trunk_min": ("fraction", "fitted"),
    "lockout_hip_flexion_deg": ("deg", "fitted"),
    **{yaw_key(f): ("deg", "measured") for f in FaultId},
    "yaw_front_min_deg": ("deg", "hand-set"), "world_measures_min_yaw_deg": ("deg", "measured"),
    "side_on_max": ("ratio", "hand-set"), "front_on_min": ("ratio", "hand-set"),
    "min_reliability": ("visibility 0-1", "hand-set"), "max_missing_fraction": ("fraction", "hand-set"),
    "smooth_cutoff_hz": ("Hz", "hand-set"), "max_gap_s": ("s", "hand-set"), "rep_up_deg": ("deg", "hand-set"), "rep_down_deg": ("deg", "hand-set"),
    "rep_min_depth_deg": ("deg", "hand-set"), "rep_min_s": ("s", "hand-set"),
    "yaw_side_max_deg": ("deg", "hand-set"), "min_lifter_px": ("px", "measured"),
    "max_cut_off_share": ("fraction of frames", "hand-set"),
    "max_camera_tilt_deg": ("deg", "hand-set"),
    "segment_max_ratio": ("ratio to segment median", "hand-set"),
    "segment_min_ratio": ("ratio to segment median", "hand-set"),
    "max_speed_thighs_per_s": ("thigh lengths/s", "hand-set"), "max_shin_lean_deg": ("deg", "hand-set"),
    "sustain_s": ("s", "hand-set"), "min_trusted_share": ("fraction of frames", "hand-set"),
    "lockout_hold_s": ("s", "hand-set"), "lockout_knee_max_deg": ("deg", "hand-set"),
    "lockout_band_deg": ("deg", "hand-set"), "bottom_band": ("fraction of rep depth", "hand-set"),
    "calibration_s": ("s", "hand-set"), "calibration_still_deg": ("deg", "hand-set"),
    "back_fit_max_rms": ("chord lengths", "hand-set"), "back_fit_max_step": ("chord lengths", "hand-set"),
}


def _shift_range(key: str) -> tuple[float, float, bool]:
    lo, hi, _ = RANGES[key]
    return (-(hi - lo), hi - lo, False)


RANGES.update({shift_key(k): _shift_range(k) for k in OBLIQUE_SHIFTED})
THRESHOLD_INFO.update({shift_key(k): (THRESHOLD_INFO[k][0], "measured") for k in OBLIQUE_SHIFTED})


def range_text(key: str) -> str:
    lo, hi, lo_open = RANGES[key]
    return f"{lo:g} {'<' if lo_open else '<='} {key} <= {hi:g}"


def check_thresholds(th: Thresholds, where: str) -> None:
    """Raise a one-line HingecheckError naming the key, the value and the range of the first
    threshold out of its range (NaN and infinite are out), also as moved past the side view
    (:meth:`Thresholds.past_side_view`), or of inverted rep thresholds."""
    def inside(key: str, v: float) -> bool:
        lo, hi, lo_open = RANGES[key]
        return (lo < v if lo_open else lo <= v) and v <= hi  # False for NaN
    for key in RANGES:
        v = getattr(th, key)
        if not inside(key, v):
            raise HingecheckError(f"config {where}: {key} = {v:g} is out of range ({range_text(key)})")
    moved = th.past_side_view()
    for key in OBLIQUE_SHIFTED:
        v = getattr(moved, key)
        if not inside(key, v):
            raise HingecheckError(f"config {where}: {key} moved by {shift_key(key)} past the side view is "
                                  f"{v:g}, out of range ({range_text(key)})")
    if th.rep_up_deg >= th.rep_down_deg:
        raise HingecheckError(f"config {where}: rep_up_deg = {th.rep_up_deg:g} must be below "
                              f"rep_down_deg = {th.rep_down_deg:g} (a rep goes down past one and back up past the other)")


def _check_table(table, where: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise HingecheckError(f"config {where} must be a table of thresholds (key = number), got {table!r}")
    out = {}
    for k, v in table.items():
        if k not in _FIELD_TYPES:
            raise HingecheckError(f"config {where}: unknown threshold {k!r}")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise HingecheckError(f"config {where}.{k}: expected a number, got {v!r}")
        out[k] = float(v)
    return out


def load_config(path: str | Path | None = None) -> Config:
    """The built-in config, with overrides from the TOML file at ``path``."""
    if path is None:
        return Config()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HingecheckError(f"config file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HingecheckError(f"cannot read config {p}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise HingecheckError(f"config {p} is not valid TOML: {exc}") from None
    unknown = set(data) - {"default", "profiles"}
    if unknown:
        raise HingecheckError(f"config {p}: unknown section(s) {sorted(unknown)}; use [default] or [profiles.<exercise>]")
    default = Thresholds().replace(**_check_table(data.get("default", {}), f"{p} [default]"))
    overrides = {k: dict(v) for k, v in PROFILE_OVERRIDES.items()}
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise HingecheckError(f"config {p}: profiles must be tables [profiles.<exercise>], got {profiles!r}")
    for ex, table in profiles.items():
        if ex not in EXERCISES:
            raise HingecheckError(f"config {p}: unknown exercise profile {ex!r}")
        overrides.setdefault(ex, {}).update(_check_table(table, f"{p} [profiles.{ex}]"))
    config = Config(default, overrides)
    check_thresholds(default, f"{p} [default]")
    for ex in EXERCISES:
        check_thresholds(config.for_exercise(ex), f"{p} [profiles.{ex}]")
    return config
