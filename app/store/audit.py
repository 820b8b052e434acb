"""The tamper-evident audit trail: an append-only, hash-chained table in the store's database.

Each entry's ``hash`` is sha256 over the canonical JSON of all its fields including ``prev_hash``, the hash of the
entry before it (64 zeros for the first). SQLite triggers refuse UPDATE and DELETE; edits made to the raw file are
caught by :func:`verify`. A chain alone cannot show that entries were cut from its end or that a forged tail was
appended, so every append also records the head (last seq and hash) in ``meta`` under an HMAC keyed by the store
key; :func:`verify` checks that seal when given the key. Details hold models, template versions and backends only:
never patient names or transcript text (:data:`DETAIL_KEYS` is the whitelist).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone

from app.store.db import transaction

__all__ = ["GENESIS", "ACTIONS", "DETAIL_KEYS", "AuditEntry", "AuditCheck", "append", "entries", "verify", "export"]

GENESIS = "0" * 64
ACTIONS = frozenset({
    "record", "transcribe", "audio-attach", "generate", "edit", "regenerate-section", "sign", "qc-review",
    "status-change", "export", "copy", "delete", "template-change", "settings-change", "retention-delete",
    "restore",
})
DETAIL_KEYS = frozenset({
    "models", "model", "backend", "template_id", "template_version", "template_hash", "kind", "department",
    "section", "sections", "version", "reason", "record_hash", "format", "destination", "finding_id", "rule",
    "status", "setting", "old", "new", "days", "duration_s", "bytes", "backup", "language", "count",
})
_FIELDS = ("seq", "time", "os_user", "doctor", "action", "visit_id", "details", "prev_hash", "hash")
_SEAL_KEY = "audit_head"
_MOVE_WINDOW = 1000


@dataclass(frozen=True)
class AuditEntry:
    """One audit entry as stored (``details`` is its canonical JSON text)."""

    seq: int
    time: str
    os_user: str
    doctor: str
    action: str
    visit_id: str | None
    details: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditCheck:
    """What :func:`verify` found.

    Attributes:
        ok: The chain (and the sealed head, when checked) is intact.
        entries: How many entries were read.
        head_hash: The last entry's hash (write it down to anchor the log outside the machine).
        sealed: Whether the keyed head seal was checked.
        broken_seq: The first entry found broken, else ``None``.
        problem: ``changed``, ``removed``, ``reordered`` or ``inserted``.
        detail: One sentence for IT.
    """

    ok: bool
    entries: int
    head_hash: str
    sealed: bool
    broken_seq: int | None = None
    problem: str | None = None
    detail: str = ""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _canonical_details(details: dict | None) -> str:
    details = dict(details or {})
    unknown = sorted(set(details) - DETAIL_KEYS)
    if unknown:
        raise ValueError(f"audit details may not hold {unknown} (allowed: models, template, backend and similar; "
                         f"never patient data)")
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(fields: dict) -> str:
    """sha256 hex over the canonical JSON of every field but ``hash`` itself."""
    body = {name: fields[name] for name in _FIELDS if name != "hash"}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _seal_mac(key: bytes, seq: int, head: str) -> str:
    seal_key = hashlib.sha256(b"tingji-audit-seal\x00" + key).digest()
    return hmac.new(seal_key, f"{seq}:{head}".encode("ascii"), hashlib.sha256).hexdigest()


def append(conn: sqlite3.Connection, *, action: str, os_user: str, doctor: str = "", visit_id: str | None = None,
           details: dict | None = None, key: bytes | None = None) -> AuditEntry:
    """Add an entry at the end of the chain, inside the caller's transaction (or a new one).

    Args:
        conn: The store's connection.
        action: One of :data:`ACTIONS`.
        os_user: The OS user acting.
        doctor: The doctor's name as entered in TingJi.
        visit_id: The visit concerned, if any.
        details: Keys from :data:`DETAIL_KEYS` only.
        key: The store key; updates the sealed head.

    Raises:
        ValueError: Unknown action or a detail key outside the whitelist.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if not conn.in_transaction:
        with transaction(conn):
            return append(conn, action=action, os_user=os_user, doctor=doctor, visit_id=visit_id, details=details,
                          key=key)
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    fields = {"seq": last[0] + 1 if last else 1, "time": _now(), "os_user": os_user, "doctor": doctor or "",
              "action": action, "visit_id": visit_id, "details": _canonical_details(details),
              "prev_hash": last[1] if last else GENESIS}
    fields["hash"] = entry_hash(fields)
    conn.execute(f"INSERT INTO audit ({', '.join(_FIELDS)}) VALUES ({', '.join('?' * len(_FIELDS))})",
                 [fields[name] for name in _FIELDS])
    if key is not None:
        seal = {"seq": fields["seq"], "hash": fields["hash"], "mac": _seal_mac(key, fields["seq"], fields["hash"])}
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_SEAL_KEY, json.dumps(seal)))
    return AuditEntry(**fields)


def entries(conn: sqlite3.Connection, since: date | None = None) -> list[AuditEntry]:
    """Entries in seq order, from ``since`` (a UTC date) on when given."""
    query, args = "SELECT * FROM audit", ()
    if since is not None:
        query, args = query + " WHERE time >= ?", (since.isoformat(),)
    return [AuditEntry(**{name: row[name] for name in _FIELDS}) for row in conn.execute(query + " ORDER BY seq", args)]


def _moved(rows: list[AuditEntry], index: int, by_hash: dict[str, int]) -> tuple[int, str, str] | None:
    """An entry intact except its seq: where it was written, and what that says happened."""
    row = rows[index]
    fields = asdict(row)
    for original in range(max(1, row.seq - _MOVE_WINDOW), row.seq + _MOVE_WINDOW):
        if original != row.seq and entry_hash({**fields, "seq": original}) == row.hash:
            break
    else:
        return None
    linked = by_hash.get(row.prev_hash)
    where = f"entry written as seq {original} ({row.action}) now stands at seq {row.seq}"
    if linked is not None and linked > index:
        return row.seq, "reordered", f"{where}, before the entry it was chained after"
    if original > row.seq:
        return row.seq, "removed", f"{where}: {original - row.seq} entries before it were removed and the rest " \
                                   f"renumbered"
    return original, "inserted", f"{where}: {row.seq - original} entries were inserted before it"


def _check_chain(rows: list[AuditEntry]) -> tuple[int, str, str] | None:
    by_hash = {row.hash: index for index, row in enumerate(rows)}
    previous, expected = GENESIS, 1
    for index, row in enumerate(rows):
        if row.seq != expected:
            return expected, "removed", f"entries {expected}..{row.seq - 1} are missing (the log jumps from " \
                                        f"{expected - 1} to {row.seq})"
        if entry_hash(asdict(row)) != row.hash:
            return _moved(rows, index, by_hash) or (
                row.seq, "changed", f"entry {row.seq} ({row.action!r}, {row.time}) does not match its hash: "
                                    f"a field was edited")
        if row.prev_hash != previous:
            linked = by_hash.get(row.prev_hash)
            if linked is not None and linked > index:
                return row.seq, "reordered", f"entry {row.seq} was chained after entry {rows[linked].seq}, " \
                                             f"which now stands after it"
            culprit = rows[index - 1].seq if index else row.seq
            return culprit, "inserted", f"entry {culprit} is not the entry that entry {row.seq} was chained to: " \
                                        f"it was inserted or rewritten"
        previous, expected = row.hash, row.seq + 1
    return None


def _check_seal(conn: sqlite3.Connection, rows: list[AuditEntry], key: bytes) -> tuple[int, str, str] | None:
    found = conn.execute("SELECT value FROM meta WHERE key = ?", (_SEAL_KEY,)).fetchone()
    last_seq, last_hash = (rows[-1].seq, rows[-1].hash) if rows else (0, GENESIS)
    if found is None:
        return (last_seq, "removed", "the sealed head of the log is missing") if rows else None
    seal = json.loads(found[0])
    if not hmac.compare_digest(seal.get("mac", ""), _seal_mac(key, seal.get("seq", -1), seal.get("hash", ""))):
        return last_seq, "changed", "the sealed head of the log was edited (or sealed with another key)"
    if seal["seq"] > last_seq:
        return last_seq + 1, "removed", f"entries {last_seq + 1}..{seal['seq']} were cut from the end of the log"
    if seal["seq"] < last_seq:
        return seal["seq"] + 1, "inserted", f"entries {seal['seq'] + 1}..{last_seq} were appended outside TingJi"
    if seal["hash"] != last_hash:
        return last_seq, "changed", f"entry {last_seq} is not the entry that was sealed as the head"
    return None


def verify(conn: sqlite3.Connection, key: bytes | None = None) -> AuditCheck:
    """Walk the chain and report the first broken entry.

    Args:
        conn: A connection to the store's database (read-only is enough).
        key: The store key, to check the sealed head as well (cut or forged tail).

    Returns:
        An :class:`AuditCheck`; ``ok`` is False with ``broken_seq``, ``problem`` and ``detail`` set when broken.
    """
    rows = entries(conn)
    head = rows[-1].hash if rows else GENESIS
    broken = _check_chain(rows) or (_check_seal(conn, rows, key) if key is not None else None)
    if broken is None:
        return AuditCheck(True, len(rows), head, key is not None)
    seq, problem, detail = broken
    return AuditCheck(False, len(rows), head, key is not None, seq, problem, detail)


def export(conn: sqlite3.Connection, since: date, fmt: str = "csv") -> str:
    """The entries from ``since`` (UTC date) on, as CSV (one column per field) or a JSON list.

    Raises:
        ValueError: ``fmt`` is neither ``csv`` nor ``json``.
    """
    rows = entries(conn, since)
    if fmt == "json":
        return json.dumps([{**asdict(r), "details": json.loads(r.details)} for r in rows], ensure_ascii=False,
                          indent=2)
    if fmt != "csv":
        raise ValueError(f"export format must be csv or json, not {fmt!r}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_FIELDS)
    writer.writerows([getattr(r, name) for name in _FIELDS] for r in rows)
    return out.getvalue()
