"""``tingji admin set-password``: the template admins' password, set by IT at installation (see app.admin_role)."""

from __future__ import annotations

import argparse
import sys

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("admin", help="template admin role: set the admin password (IT, at installation)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    password = actions.add_parser(
        "set-password", help="hash a new admin password for the hospital file (admin.password_hash)",
        description="Read the new template-admin password (twice, from the terminal) and print the line to put in "
                    "the hospital file, or write it there with --write (run as root / administrator). Only a "
                    "salted scrypt hash is stored.")
    password.add_argument("--stdin", action="store_true",
                          help="read the password from the first line of standard input (scripted installs)")
    password.add_argument("--write", action="store_true",
                          help="write admin.password_hash into the hospital file ($TINGJI_CONFIG or the system one)")
    password.set_defaults(handler=run_set_password)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("New template-admin password: ")
    if getpass.getpass("Again: ") != first:
        raise ValueError("the two passwords differ; nothing was changed")
    return first


def run_set_password(args: argparse.Namespace) -> int:
    from app.admin_role import hash_password, write_password_hash
    from app.config import hospital_config_path

    encoded = hash_password(_read_password(args.stdin))
    if args.write:
        path = write_password_hash(hospital_config_path(), encoded)
        print(f"tingji: admin.password_hash written to {path}; admins use this password to manage templates",
              file=sys.stderr)
        return 0
    print(f"tingji: put these lines in the hospital file ({hospital_config_path()}), or run again with --write:",
          file=sys.stderr)
    print(f'[admin]\npassword_hash = "{encoded}"')
    return 0
