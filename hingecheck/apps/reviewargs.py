"""The flags of ``hingecheck review`` (light: the command line's parser imports this module)."""

from __future__ import annotations

from hingecheck.apps.parsing import exercise_arg, positive_int

#: the output folder's name inside the reviewed folder, unless ``--out`` names one
OUT_NAME = "hingecheck-review"


def add_review_parser(sub, add_model_args, add_analysis_args) -> None:
    r = sub.add_parser("review", help="review every clip under a folder: per-clip reports and one index page")
    r.add_argument("folder", metavar="DIR", help="folder of videos (subfolders included)")
    r.add_argument("--out", metavar="OUT", help=f"output folder (default: DIR/{OUT_NAME}; never reviewed itself)")
    r.add_argument("--exercise", default="hip_hinge", type=exercise_arg,
                   help="exercise of a clip that neither a hingecheck.toml manifest nor its file name "
                        "(*rdl*, *swing*, *good_morning*...) names (default: hip_hinge)")
    r.add_argument("--athlete", metavar="NAME",
                   help="athlete of the clips no hingecheck.toml manifest names (remembered in OUT for reruns)")
    r.add_argument("--no-video", action="store_true", help="no annotated videos (faster)")
    r.add_argument("--no-history", action="store_true", help="do not add the reviewed sets to the history")
    r.add_argument("--workers", type=positive_int, default=None, metavar="N",
                   help="parallel worker processes (default: the number of CPUs)")
    r.add_argument("--dask", metavar="ADDRESS|local", default=None,
                   help="run the clips on Dask ('local' or tcp://host:8786); the workers must see OUT")
    r.add_argument("--retry-failed", action="store_true", help="run again the clips that failed before")
    add_model_args(r)
    add_analysis_args(r, video_height=True)
    r.add_argument("--quiet", action="store_true", help="no progress bar, no per-clip lines")
