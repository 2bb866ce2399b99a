"""``hingecheck thresholds``: every number that decides a verdict, with its unit, range and origin."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from hingecheck.core.config import load_config
from hingecheck.outputs.thresholdtable import threshold_markdown, threshold_rows, threshold_text, threshold_toml


def cmd_thresholds(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if args.toml:
        print(threshold_toml(config), end="")
    elif args.markdown:
        print(threshold_markdown(config), end="")
    elif args.json:
        print(json.dumps([asdict(r) for r in threshold_rows(config)], indent=1))
    else:
        print(threshold_text(config), end="")
    return 0
