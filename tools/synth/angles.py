"""The angle names of the ground-truth files, from hingecheck's features.

The truth files (``*.truth.json``) give hip and knee as interior angles
(``hip_angle``, ``knee_angle``: 180 = straight), as people read them; the
hingecheck core keeps flexion only, so they are converted here, in one place.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.geometry import HingeFeatures, interior_angle

#: what a truth file holds per frame, and what measured angles are compared on
ANGLE_NAMES = ("hip_angle", "knee_angle", "shin_angle", "trunk_angle", "neck_angle", "spine_alignment")


def feature_angles(feat: HingeFeatures) -> dict[str, np.ndarray]:
    """Per-frame angles under :data:`ANGLE_NAMES` (degrees; spine alignment a fraction)."""
    return {"hip_angle": interior_angle(feat.hip_flexion), "knee_angle": interior_angle(feat.knee_flexion),
            "shin_angle": np.asarray(feat.shin_angle, float), "trunk_angle": np.asarray(feat.trunk_angle, float),
            "neck_angle": np.asarray(feat.neck_angle, float),
            "spine_alignment": np.asarray(feat.spine_alignment, float)}
