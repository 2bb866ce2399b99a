"""hingecheck: rep-by-rep hip-hinge form feedback from video."""

__version__ = "0.1.0"
