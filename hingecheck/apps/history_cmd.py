"""``hingecheck history``: the sets kept over the weeks, as text, JSON or a plot; ``--forget`` one."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from hingecheck.core.errors import HingecheckError
from hingecheck.outputs.history import check_athlete, forget, history_path, load_sessions
from hingecheck.outputs.historypage import write_plot
from hingecheck.outputs.historyview import history_doc, history_text


def cmd_history(args: argparse.Namespace) -> int:
    path = history_path()
    if args.forget is not None:
        if not path.exists() or not forget(path, args.forget):
            raise HingecheckError(f"no session {args.forget} in the history {path} (see: hingecheck history)")
        print(f"forgot session {args.forget} in {path}")
        return 0
    if args.since:
        try:
            date.fromisoformat(args.since)
        except ValueError:
            raise HingecheckError(f"--since {args.since}: give a date as YYYY-MM-DD") from None
    sessions = load_sessions(path, args.exercise, args.since, check_athlete(args.athlete))
    if args.plot:
        write_plot(Path(args.plot), path, sessions)
    if args.json:
        print(json.dumps(history_doc(path, sessions), indent=2))
    else:
        print(history_text(path, sessions))
        if args.plot:
            print(f"plot: {args.plot}")
    return 0
