"""``tingji config show|set|unset``: the effective configuration, where each value came from, and user settings."""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("config", help="configuration: hospital file → user settings → environment")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print every effective value and where it came from")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=run_show)
    put = actions.add_parser("set", help="store a per-user setting (e.g. default.department 内科)")
    put.add_argument("key")
    put.add_argument("value")
    put.set_defaults(handler=run_set)
    unset = actions.add_parser("unset", help="remove a per-user setting")
    unset.add_argument("key")
    unset.set_defaults(handler=run_unset)


def run_show(args: argparse.Namespace) -> int:
    """Exit 1 when any layer holds an invalid entry (it is listed with its file and key)."""
    from app.config import load_config

    config = load_config()
    if args.json:
        print(json.dumps(config.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"hospital file: {config.files['hospital']}")
        print(f"user settings: {config.files['user']}\n")
        shown = {k: "(not set)" if v is None else str(v) for k, v in config.values.items()}
        width, value_width = max(map(len, shown)), max(map(len, shown.values()))
        for key, value in shown.items():
            print(f"{key:<{width}}  {value:<{value_width}}  [{config.sources[key]}]")
    for problem in config.problems:
        print(f"tingji: invalid setting: {problem}", file=sys.stderr)
    return 1 if config.problems else 0


def run_set(args: argparse.Namespace) -> int:
    from app.config import save_user_setting

    path = save_user_setting(args.key, args.value)
    print(f"{args.key} saved in {path}")
    return 0


def run_unset(args: argparse.Namespace) -> int:
    from app.config import save_user_setting

    path = save_user_setting(args.key, None)
    print(f"{args.key} removed from {path}")
    return 0
