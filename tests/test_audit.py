"""The hash-chained audit log: append-only triggers, verify (changed, removed, reordered, inserted, cut), export."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, timedelta

import pytest

from app.store import Patient, Store, audit

KEY = bytes(range(32))


@pytest.fixture
def store(tmp_path):
    """A store with eight audit entries: record, transcribe, generate, 3 edits, sign, export."""
    with Store.open(tmp_path / "tingji.db", key=KEY, user="alice") as s:
        visit_id = s.create_visit(doctor="王医生", patient=Patient("李四"), template_id="general",
                                  template_version="3")
        s.save_transcript(visit_id, [], {"models": {"asr": "whisper-small", "diarization": "pyannote-3.1"}})
        s.save_record_version(visit_id, {}, "王医生", "generate", {"backend": "ctranslate2", "model": "qwen2.5-7b"})
        for n in range(3):
            s.save_record_version(visit_id, {"n": n}, "王医生", "edit")
        s.sign(visit_id, "王医生")
        s.log("export", visit_id, {"format": "fhir"})
        yield s


def attacker(store: Store) -> sqlite3.Connection:
    """A raw connection with the append-only triggers dropped, as someone editing the file would have."""
    conn = sqlite3.connect(store.path, isolation_level=None)
    for name in ("audit_no_update", "audit_no_delete", "audit_extends_chain"):
        conn.execute(f"DROP TRIGGER {name}")
    return conn


def forged_entry(conn: sqlite3.Connection, seq: int, prev_hash: str) -> None:
    fields = {"seq": seq, "time": "2026-01-01T00:00:00.000+00:00", "os_user": "mallory", "doctor": "王医生",
              "action": "edit", "visit_id": None, "details": "{}", "prev_hash": prev_hash}
    fields["hash"] = audit.entry_hash(fields)
    conn.execute(f"INSERT INTO audit ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
                 list(fields.values()))


def hash_of(conn, seq: int) -> str:
    return conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()[0]


def test_fresh_log_verifies_and_chains(store):
    check = store.verify_audit()
    assert check.ok and check.sealed and check.entries == 8 and check.broken_seq is None
    rows = audit.entries(store.conn)
    assert [r.action for r in rows] == ["record", "transcribe", "generate", "edit", "edit", "edit", "sign", "export"]
    assert rows[0].prev_hash == audit.GENESIS and all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:]))
    assert check.head_hash == rows[-1].hash and {r.os_user for r in rows} == {"alice"}
    assert json.loads(rows[2].details) == {"backend": "ctranslate2", "model": "qwen2.5-7b", "version": 1}


def test_triggers_refuse_update_delete_and_out_of_chain_inserts(store):
    for sql in ("UPDATE audit SET action = 'copy' WHERE seq = 3", "DELETE FROM audit WHERE seq = 8",
                "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.conn.execute(sql)
    with pytest.raises(sqlite3.DatabaseError, match="extend the chain"):
        forged_entry(store.conn, 9, "f" * 64)
    with pytest.raises(sqlite3.DatabaseError, match="extend the chain"):
        forged_entry(store.conn, 12, hash_of(store.conn, 8))
    assert store.verify_audit().ok


def test_details_never_take_patient_fields_or_unknown_actions(store):
    with pytest.raises(ValueError, match="patient_name"):
        store.log("copy", details={"patient_name": "李四"})
    with pytest.raises(ValueError, match="unknown audit action"):
        store.log("peek")
    assert store.verify_audit().entries == 8


def test_a_changed_field_is_found(store):
    conn = attacker(store)
    conn.execute("UPDATE audit SET doctor = '赵医生' WHERE seq = 5")
    check = store.verify_audit()
    assert (check.ok, check.broken_seq, check.problem) == (False, 5, "changed")
    assert "edit" in check.detail


def test_a_removed_entry_is_found(store):
    attacker(store).execute("DELETE FROM audit WHERE seq = 4")
    check = store.verify_audit()
    assert (check.broken_seq, check.problem) == (4, "removed")


def test_a_removed_and_renumbered_entry_is_found(store):
    conn = attacker(store)
    conn.execute("DELETE FROM audit WHERE seq = 4")
    conn.execute("UPDATE audit SET seq = seq - 1 WHERE seq > 4")
    check = store.verify_audit()
    assert (check.broken_seq, check.problem) == (4, "removed")


def test_reordered_entries_are_found(store):
    conn = attacker(store)
    conn.execute("UPDATE audit SET seq = -1 WHERE seq = 5")
    conn.execute("UPDATE audit SET seq = 5 WHERE seq = 6")
    conn.execute("UPDATE audit SET seq = 6 WHERE seq = -1")
    check = store.verify_audit()
    assert (check.broken_seq, check.problem) == (5, "reordered")
    assert "written as seq 6" in check.detail


def test_an_inserted_entry_is_found(store):
    conn = attacker(store)
    conn.execute("UPDATE audit SET seq = seq + 100 WHERE seq >= 3")
    conn.execute("UPDATE audit SET seq = seq - 99 WHERE seq >= 103")
    forged_entry(conn, 3, hash_of(conn, 2))  # a self-consistent entry chained to seq 2
    check = store.verify_audit()
    assert (check.broken_seq, check.problem) == (3, "inserted")


def test_a_cut_or_forged_tail_is_found_by_the_seal(store):
    conn = attacker(store)
    conn.execute("DELETE FROM audit WHERE seq >= 7")
    assert audit.verify(store.conn).ok  # the chain alone cannot see a cut tail...
    check = store.verify_audit()  # ...the keyed head seal can
    assert (check.ok, check.broken_seq, check.problem) == (False, 7, "removed")
    forged_entry(conn, 7, hash_of(conn, 6))
    forged_entry(conn, 8, hash_of(conn, 7))
    forged_entry(conn, 9, hash_of(conn, 8))
    assert audit.verify(store.conn).ok
    check = store.verify_audit()
    assert (check.broken_seq, check.problem) == (9, "inserted")
    conn.execute("DELETE FROM meta WHERE key = 'audit_head'")
    assert store.verify_audit().problem == "removed"
    assert not audit.verify(store.conn, bytes(32)).ok


def test_export_csv_and_json_since_a_day(store):
    rows = list(csv.DictReader(io.StringIO(store.export_audit(date.today() - timedelta(days=1), "csv"))))
    assert [r["action"] for r in rows][:3] == ["record", "transcribe", "generate"] and len(rows) == 8
    assert rows[-1]["hash"] == store.verify_audit().head_hash and rows[0]["doctor"] == "王医生"
    data = json.loads(store.export_audit(date.today() - timedelta(days=1), "json"))
    assert data[1]["details"] == {"models": {"asr": "whisper-small", "diarization": "pyannote-3.1"}}
    assert json.loads(store.export_audit(date.today() + timedelta(days=2), "json")) == []
    with pytest.raises(ValueError):
        store.export_audit(date.today(), "xml")
