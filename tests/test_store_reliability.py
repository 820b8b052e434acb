"""The store under stress: migrations with backups, a damaged file, a killed writer, and no patient data leaking."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from app.store import CorruptDatabaseError, Patient, Store, StoreError, crypto, db

ROOT = Path(__file__).resolve().parents[1]
KEY = bytes(range(32))


def old_store(path: Path, version: int) -> str:
    """A database left at schema ``version`` by an older TingJi, holding one visit; returns its id."""
    conn = db.connect(path)
    db.migrate(conn, path, target=version)
    visit_id = "0123456789abcdef0123456789abcdef"
    blob = crypto.encrypt_json(KEY, {"name": "李四", "patient_id": "", "sex": "", "age": ""},
                               crypto.context("visits", "patient", visit_id, visit_id))
    conn.execute("INSERT INTO visits VALUES (?, 'alice', '王医生', ?, '', '', '', '', '初诊', 'draft', ?, ?)",
                 (visit_id, blob, "2026-01-01T08:00:00+00:00", "2026-01-01T08:00:00+00:00"))
    conn.close()
    return visit_id


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_migrating_an_older_file_backs_it_up_first(tmp_path):
    path = tmp_path / "tingji.db"
    visit_id = old_store(path, 1)
    assert db.list_backups(path) == []
    with Store.open(path, key=KEY, user="alice") as store:
        assert store.load_visit(visit_id).visit.patient.name == "李四"
        indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "visits_by_owner_day" in indexes
    assert user_version(path) == db.LATEST_VERSION == 2
    backups = db.list_backups(path)
    assert backups and backups[0].name.endswith("-v1.bak") and user_version(backups[0]) == 1
    assert os.stat(backups[0]).st_mode & 0o777 == 0o600


def test_a_newer_schema_or_a_failing_step_leaves_the_file_alone(tmp_path, monkeypatch):
    path = tmp_path / "tingji.db"
    old_store(path, 1)
    monkeypatch.setattr(db, "MIGRATIONS", [db.MIGRATIONS[0], "CREATE TABLE broken (x); SELECT no_such_function();"])
    with pytest.raises(StoreError, match="unchanged at schema 1"):
        Store.open(path, key=KEY, user="alice")
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'broken'").fetchone() is None
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    monkeypatch.undo()
    with pytest.raises(StoreError, match="newer TingJi"):
        Store.open(path, key=KEY, user="alice")


def test_a_damaged_file_names_the_newest_backup_and_restores(tmp_path):
    path = tmp_path / "tingji.db"
    with Store.open(path, key=KEY, user="alice") as store:
        visit_id = store.create_visit(doctor="王医生", patient=Patient("李四"))
        store.save_record_version(visit_id, {"v": 1}, "王医生", "generate")
    Store.open(path, key=KEY, user="alice").close()  # the daily backup is taken on open
    (backup,) = db.list_backups(path)
    path.write_bytes(b"this is not an SQLite file at all" * 200)
    with pytest.raises(CorruptDatabaseError) as caught:
        Store.open(path, key=KEY, user="alice")
    message = str(caught.value)
    assert str(path) in message and str(backup) in message and "tingji store restore" in message
    assert caught.value.backup == backup
    with Store.restore(path, backup, key=KEY, user="alice") as store:
        assert store.load_visit(visit_id).record == {"v": 1}
        assert store.verify_audit().ok
        assert store.conn.execute("SELECT action FROM audit ORDER BY seq DESC").fetchone()[0] == "restore"
    assert list(tmp_path.glob("tingji.db.*.replaced"))  # the damaged file is kept for IT


def test_a_file_with_no_backup_says_so(tmp_path):
    path = tmp_path / "tingji.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(CorruptDatabaseError, match="no backup was found"):
        Store.open(path, key=KEY, user="alice")


WRITER = textwrap.dedent("""
    import sys
    from app.store import Patient, Store
    store = Store.open(sys.argv[1], key=bytes(range(32)), user="alice")
    visit_id = store.create_visit(doctor="王医生", patient=Patient("李四"))
    print(visit_id, flush=True)
    n = 0
    while True:
        n += 1
        store.save_record_version(visit_id, {"n": n, "text": "咳嗽" * 500}, "王医生", "edit")
        print(n, flush=True)
""")


def test_killing_a_writer_mid_write_loses_nothing_committed(tmp_path):
    path = tmp_path / "tingji.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TINGJI_HOME": str(tmp_path / "home")}
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        visit_id = child.stdout.readline().strip()
        committed = 0
        while committed < 40:
            committed = int(child.stdout.readline())
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Store.open(path, key=KEY, user="alice") as store:
        assert store.verify_audit().ok
        versions = store.load_visit(visit_id).versions
        assert len(versions) >= committed
        assert [v.record["n"] for v in versions] == list(range(1, len(versions) + 1))
        entries = store.conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'edit'").fetchone()[0]
        assert entries == len(versions)  # each version and its audit entry commit together


def test_no_patient_data_in_the_audit_log_the_logs_or_the_file(tmp_path):
    name, patient_id = "欧阳娜娜", "ZY20260042"
    log_file = tmp_path / "store.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    logger = logging.getLogger("app.store")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    path = tmp_path / "tingji.db"
    try:
        with Store.open(path, key=KEY, user="alice") as store:
            visit_id = store.create_visit(doctor="王医生", patient=Patient(name, patient_id, "女", "29"))
            store.save_transcript(visit_id, [{"role": "patient", "text": f"我叫{name}，住院号{patient_id}"}])
            store.save_record_version(visit_id, {"patient": name, "text": f"{name}咳嗽三天"}, "王医生", "generate")
            store.save_record_version(visit_id, {"patient": name, "text": f"{name}咳嗽三天，无发热"}, "王医生", "edit")
            audio = tmp_path / "a.flac"
            audio.write_bytes(name.encode("utf-8") * 1000)
            store.attach_audio(visit_id, audio)
            store.sign(visit_id, "王医生")
            store.log("copy", visit_id, {"destination": "clipboard"})
            store.delete_old_audio(0)
            audit_text = " ".join(" ".join(map(str, row)) for row in store.conn.execute("SELECT * FROM audit"))
            exported = store.export_audit(date(2000, 1, 1), "json")
            assert store.list_visits()[0].patient.name == name
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        handler.close()
    logged = log_file.read_text(encoding="utf-8")
    assert visit_id in logged and "created visit" in logged  # the store did log
    assert "王医生" in audit_text and "retention-delete" in audit_text
    on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p != audio)
    for secret in (name, patient_id):
        assert secret not in audit_text and secret not in exported and secret not in logged
        assert secret.encode("utf-8") not in on_disk
