"""Pure analysis: landmarks in, reps and verdicts out.

Landmark names and the validated pose container, faults and their cues,
thresholds and exercise profiles, vector maths and hinge features, the
mask's back line, joint reliability and sustained evidence, smoothing and rep
segmentation, the rules, batch and streaming analysis, set-up guidance,
verdict states (clean / faults / partly checked / not checked) and exercise
names with their aliases.

May import: the standard library, numpy, scipy and other ``hingecheck.core``
modules only -- never cv2, mediapipe, a file format or another hingecheck
subpackage (``tests/core/test_core.py`` checks every module here).
"""
