"""``tingji audit verify|export`` and ``tingji store restore``: the audit trail and backups, for hospital IT."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

__all__ = ["register"]

_VERIFY_EPILOG = """\
exit status:
  0  every entry matches its hash and chains to the one before (and the sealed head matches, when the key is here)
  1  the log was changed, entries were removed, reordered or inserted, or the database could not be read
"""


def register(subparsers) -> None:
    audit = subparsers.add_parser("audit", help="verify or export the tamper-evident audit trail")
    actions = audit.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check the hash chain; exit 1 naming the first broken entry",
                                epilog=_VERIFY_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    verify.add_argument("--db", type=Path, help="database file (default: the data folder's tingji.db)")
    verify.add_argument("--key-file", type=Path, help="key file to check the sealed head with (default: as the app)")
    verify.set_defaults(handler=run_verify)
    export = actions.add_parser("export", help="write the entries from a date on as CSV or JSON")
    export.add_argument("--since", required=True, type=_day, help="first UTC day to include, YYYY-MM-DD")
    export.add_argument("--format", default="csv", choices=("csv", "json"))
    export.add_argument("--out", type=Path, help="file to write (default: stdout)")
    export.add_argument("--db", type=Path, help="database file (default: the data folder's tingji.db)")
    export.set_defaults(handler=run_export)

    store = subparsers.add_parser("store", help="maintain the visit database (restore a backup)")
    store_actions = store.add_subparsers(dest="store_action", metavar="ACTION", required=True)
    restore = store_actions.add_parser("restore", help="replace the database with a backup (the old file is kept)")
    restore.add_argument("--from", dest="backup", required=True, type=Path, help="backup file (tingji.db.*.bak)")
    restore.add_argument("--db", type=Path, help="database file (default: the data folder's tingji.db)")
    restore.set_defaults(handler=run_restore)
    retention = store_actions.add_parser(
        "retention", help="delete audio older than retention.audio_days (records are kept; each deletion audited)")
    retention.add_argument("--days", type=int, help="override the configured number of days")
    retention.add_argument("--db", type=Path, help="database file (default: the data folder's tingji.db)")
    retention.set_defaults(handler=run_retention)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from error


def _db(args: argparse.Namespace) -> Path:
    from app.store.visits import default_db_path

    return args.db or default_db_path()


def run_verify(args: argparse.Namespace) -> int:
    from app.store import audit, db, keys
    from app.store.visits import key_matches

    path = _db(args)
    key = keys.find_key(key_file=args.key_file)
    conn = db.connect(path, readonly=True)
    try:
        foreign = key is not None and key_matches(conn, key) is False
        check = audit.verify(conn, None if foreign else key)
    finally:
        conn.close()
    if check.ok:
        sealed = "sealed head checked" if check.sealed else "sealed head NOT checked (" + (
            "the store key here belongs to another database)" if foreign else "no store key here)")
        print(f"audit log OK: {check.entries} entries, {sealed}; head hash {check.head_hash}")
        return 0
    print(f"audit log BROKEN at entry {check.broken_seq} ({check.problem}): {check.detail}", file=sys.stderr)
    return 1


def run_export(args: argparse.Namespace) -> int:
    from app.store import audit, db

    conn = db.connect(_db(args), readonly=True)
    try:
        text = audit.export(conn, args.since, args.format)
    finally:
        conn.close()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from app.store.visits import Store

    path = _db(args)
    with Store.restore(path, args.backup) as store:
        check = store.verify_audit()
    print(f"restored {path} from {args.backup}; audit log {'OK' if check.ok else 'BROKEN: ' + check.detail}")
    return 0 if check.ok else 1


def run_retention(args: argparse.Namespace) -> int:
    """What a daily schedule runs (the window also applies retention each time it starts)."""
    from app.ui.visit_archive import VisitArchive
    from app.store.visits import Store

    archive = VisitArchive(Store.open(_db(args)))
    try:
        days = args.days
        if days is None:
            from app.config import load_config

            days = load_config().get("retention.audio_days")
        if days is None:
            print("retention.audio_days is not set: audio is kept (set it in the hospital file, e.g. "
                  "[retention] audio_days = 30)")
            return 0
        if days < 0:
            print(f"--days must be 0 or more, not {days}", file=sys.stderr)
            return 2
        deleted = archive.apply_retention(days)
        if archive.problems:
            print("; ".join(archive.problems), file=sys.stderr)
            return 1
        print(f"deleted the audio of {len(deleted)} visit(s) older than {days} days; their records are kept")
        return 0
    finally:
        archive.close()
