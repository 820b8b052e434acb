"""The visit store: round trips, owners, kept versions, signing, encryption and tampering, keys, audio, retention."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import types
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.store import (KeyFilePermissionError, KeyMissingError, Patient, SignedVisitError, Store, StoreError,
                       TamperedError, VisitNotFoundError, WrongKeyError, crypto, keys)
from app.store.visits import record_hash

KEY = bytes(range(32))
PATIENT = Patient("李四", "MZ0001", "女", "38")
RECORD = {"sections": [{"id": "chief_complaint", "sentences": [{"text": "咳嗽3天"}]}]}


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TINGJI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TINGJI_KEYRING", "0")
    return tmp_path / "home"


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "db" / "tingji.db", key=KEY, user="alice") as s:
        yield s


def raw(store: Store) -> sqlite3.Connection:
    """A second connection that edits the file behind the store's back (what an attacker with the file can do)."""
    conn = sqlite3.connect(store.path, isolation_level=None)
    for name in ("record_versions_no_update", "audit_no_update"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    return conn


def test_visit_round_trip(store):
    visit_id = store.create_visit(doctor="王医生", patient=PATIENT, kind="复诊", department="呼吸内科",
                                  template_id="respiratory", template_version="1.2", template_hash="ab" * 32)
    transcript = [{"id": "u1", "speaker": "S1", "role": "doctor", "text": "哪里不舒服？"}]
    store.save_transcript(visit_id, transcript, {"models": {"asr": "whisper-small"}})
    assert store.save_record_version(visit_id, RECORD, "王医生", "generate", {"backend": "extractive"}) == 1
    store.review_finding(visit_id, "qc-allergy-1", "王医生")
    data = store.load_visit(visit_id)
    assert data.visit.patient == PATIENT
    assert (data.visit.kind, data.visit.department, data.visit.template_version) == ("复诊", "呼吸内科", "1.2")
    assert data.visit.status == "draft" and data.visit.owner == "alice"
    assert data.transcript == transcript and data.record == RECORD
    assert [r.finding_id for r in data.reviews] == ["qc-allergy-1"]
    assert [v.id for v in store.list_visits()] == [visit_id]
    assert store.list_visits(date.today() - timedelta(days=1)) == []


def test_every_edit_is_kept_and_signing_freezes_the_record(store):
    visit_id = store.create_visit(doctor="王医生", patient=PATIENT)
    with pytest.raises(StoreError, match="no record to sign"):
        store.sign(visit_id, "王医生")
    for n in range(1, 5):
        reason = "generate" if n == 1 else "edit"
        assert store.save_record_version(visit_id, {"n": n}, "王医生", reason) == n
    store.save_record_version(visit_id, {"n": 5}, "王医生", "regenerate-section", {"section": "现病史"})
    signoff = store.sign(visit_id, "王医生")
    data = store.load_visit(visit_id)
    assert [v.record["n"] for v in data.versions] == [1, 2, 3, 4, 5, 5]
    assert [v.reason for v in data.versions] == ["generate", "edit", "edit", "edit", "regenerate-section", "sign"]
    assert data.visit.status == "signed" and data.signoffs == (signoff,)
    assert signoff.version == 6 and signoff.record_hash == record_hash({"n": 5})
    with pytest.raises(SignedVisitError):
        store.save_record_version(visit_id, {"n": 6}, "王医生", "edit")
    with pytest.raises(SignedVisitError):
        store.sign(visit_id, "王医生")
    with pytest.raises(sqlite3.DatabaseError, match="kept as written"):
        store.conn.execute("UPDATE record_versions SET author = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="kept as written"):
        store.conn.execute("DELETE FROM record_versions")


def test_each_os_user_sees_only_their_own_visits(tmp_path):
    path = tmp_path / "shared.db"
    with Store.open(path, key=KEY, user="alice") as alice, Store.open(path, key=KEY, user="bob") as bob:
        mine = alice.create_visit(doctor="王医生", patient=PATIENT)
        theirs = bob.create_visit(doctor="赵医生", patient=Patient("周五"))
        audio = tmp_path / "a.flac"
        audio.write_bytes(b"fLaC" + os.urandom(100))
        alice.attach_audio(mine, audio)
        assert [v.id for v in alice.list_visits()] == [mine]
        assert [v.id for v in bob.list_visits()] == [theirs]
        for call in (lambda: bob.load_visit(mine), lambda: bob.read_audio(mine),
                     lambda: bob.save_record_version(mine, {}, "赵医生", "edit"), lambda: bob.sign(mine, "赵医生"),
                     lambda: bob.review_finding(mine, "f", "赵医生"), lambda: bob.save_transcript(mine, [])):
            with pytest.raises(VisitNotFoundError):
                call()
        assert alice.load_visit(mine).versions == ()


def test_audio_round_trip_streams_in_chunks(store, tmp_path):
    visit_id = store.create_visit(doctor="王医生", patient=PATIENT)
    flac = tmp_path / "visit.flac"
    # STREAMINFO: 16 kHz, mono, 16 bit, 960000 samples = 60 s; then 2.5 MiB of "frames".
    packed = (16000 << 44) | (0 << 41) | (15 << 36) | 960000
    streaminfo = bytes(10) + packed.to_bytes(8, "big") + bytes(16)
    flac.write_bytes(b"fLaC" + bytes([0x80, 0, 0, 34]) + streaminfo + os.urandom(5 << 19))
    target = store.attach_audio(visit_id, flac, remove_source=False)
    assert target.parent == store.audio_dir and os.stat(target).st_mode & 0o777 == 0o600
    assert flac.read_bytes() not in target.read_bytes()
    assert store.read_audio(visit_id) == flac.read_bytes()
    chunks = list(store.iter_audio(visit_id))
    assert len(chunks) == 3 and max(map(len, chunks)) == crypto.AUDIO_CHUNK
    assert store.load_visit(visit_id).audio.duration_s == pytest.approx(60.0)


def test_tampered_or_moved_audio_is_refused(store, tmp_path):
    first = store.create_visit(doctor="王医生", patient=PATIENT)
    second = store.create_visit(doctor="王医生", patient=PATIENT)
    flac = tmp_path / "visit.flac"
    flac.write_bytes(os.urandom(crypto.AUDIO_CHUNK * 2))
    one, two = store.attach_audio(first, flac), store.attach_audio(second, flac)
    original = one.read_bytes()
    flipped = bytearray(original)
    flipped[5000] ^= 0x01
    one.write_bytes(bytes(flipped))
    with pytest.raises(TamperedError, match="chunk 0"):
        store.read_audio(first)
    one.write_bytes(original[:16 + crypto.AUDIO_CHUNK + 16])  # cut at a chunk boundary: the final flag is missing
    with pytest.raises(TamperedError):
        store.read_audio(first)
    one.write_bytes(two.read_bytes())  # another visit's file
    with pytest.raises(TamperedError):
        store.read_audio(first)
    one.write_bytes(original)
    assert store.read_audio(first) == flac.read_bytes()


def test_changed_or_swapped_blobs_raise_tampered_error(store):
    a = store.create_visit(doctor="王医生", patient=PATIENT)
    b = store.create_visit(doctor="王医生", patient=Patient("张三"))
    store.save_transcript(a, ["甲"])
    store.save_transcript(b, ["乙"])
    store.save_record_version(a, {"v": 1}, "王医生", "generate")
    store.save_record_version(a, {"v": 2}, "王医生", "edit")
    conn = raw(store)
    (blob,) = conn.execute("SELECT patient FROM visits WHERE id = ?", (a,)).fetchone()
    conn.execute("UPDATE visits SET patient = ? WHERE id = ?", (blob[:-1] + bytes([blob[-1] ^ 1]), a))
    with pytest.raises(TamperedError, match="visits/patient"):
        store.load_visit(a)
    conn.execute("UPDATE visits SET patient = (SELECT patient FROM visits WHERE id = ?) WHERE id = ?", (b, a))
    with pytest.raises(TamperedError):
        store.load_visit(a)
    with pytest.raises(TamperedError):
        store.list_visits()
    conn.execute("UPDATE visits SET patient = ? WHERE id = ?", (blob, a))
    assert store.load_visit(a).visit.patient == PATIENT
    conn.execute("UPDATE transcripts SET body = (SELECT body FROM transcripts WHERE visit_id = ?) WHERE visit_id = ?",
                 (b, a))
    with pytest.raises(TamperedError, match="transcripts"):
        store.load_visit(a)
    assert store.load_visit(b).transcript == ["乙"]
    conn.execute("UPDATE record_versions SET body = (SELECT body FROM record_versions WHERE version = 1) "
                 "WHERE version = 2")
    with pytest.raises(TamperedError, match="record_versions"):
        store._versions(a)
    conn.close()


def test_blob_aad_and_key_are_checked():
    aad = crypto.context("transcripts", "body", "v1", "v1")
    blob = crypto.encrypt_blob(KEY, "病历".encode(), aad)
    assert blob[0] == crypto.BLOB_VERSION and len(blob) == 1 + 12 + len("病历".encode()) + 16
    assert crypto.decrypt_blob(KEY, blob, aad) == "病历".encode()
    for bad_key, bad_aad, bad_blob in ((bytes(32), aad, blob), (KEY, crypto.context("t", "b", "v2", "v2"), blob),
                                       (KEY, aad, blob[:10]), (KEY, aad, b"\x02" + blob[1:])):
        with pytest.raises(TamperedError):
            crypto.decrypt_blob(bad_key, bad_blob, bad_aad)
    assert crypto.encrypt_blob(KEY, b"x", aad) != crypto.encrypt_blob(KEY, b"x", aad)  # fresh nonce each time


def test_key_file_is_private_and_required(tmp_path, home):
    path = tmp_path / "tingji.db"
    with Store.open(path, user="alice") as s:
        s.create_visit(doctor="王医生", patient=PATIENT)
    key_file = home / keys.KEY_FILE_NAME
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    with Store.open(path, user="alice") as s:
        assert keys.find_key("alice") == s.key
    os.chmod(key_file, 0o640)
    with pytest.raises(KeyFilePermissionError, match="chmod 600"):
        Store.open(path, user="alice")
    os.chmod(key_file, 0o600)
    good = key_file.read_text()
    key_file.unlink()
    with pytest.raises(KeyMissingError, match="IT's key backup"):
        Store.open(path, user="alice")
    assert not key_file.exists()  # a lost key is never silently replaced by a new one
    with pytest.raises(WrongKeyError):
        Store.open(path, key=bytes(32), user="alice")
    key_file.write_text(good)
    os.chmod(key_file, 0o600)
    with Store.open(path, user="alice") as s:
        assert s.list_visits()[0].patient == PATIENT


def test_keyring_is_used_when_it_has_a_backend(monkeypatch, home):
    saved: dict = {}
    fail = types.ModuleType("keyring.backends.fail")
    fail.Keyring = type("Keyring", (), {})
    fake = types.ModuleType("keyring")
    fake.get_keyring = lambda: types.SimpleNamespace(priority=5)
    fake.get_password = lambda service, name: saved.get((service, name))
    fake.set_password = lambda service, name, value: saved.__setitem__((service, name), value)
    backends = types.ModuleType("keyring.backends")
    backends.fail = fail
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.setitem(sys.modules, "keyring.backends", backends)
    monkeypatch.setitem(sys.modules, "keyring.backends.fail", fail)
    monkeypatch.setenv("TINGJI_KEYRING", "1")
    key = keys.load_or_create_key("alice")
    assert list(saved) == [("tingji", "store-key:alice")] and keys.find_key("alice") == key
    assert not (home / keys.KEY_FILE_NAME).exists()
    fake.get_keyring = lambda: fail.Keyring()  # headless Linux: the fail backend means "no keyring"
    assert keys.usable_keyring() is None and keys.find_key("alice") is None


def test_retention_deletes_old_audio_keeps_records_and_audits(store, tmp_path):
    old = store.create_visit(doctor="王医生", patient=PATIENT)
    new = store.create_visit(doctor="王医生", patient=PATIENT)
    store.save_record_version(old, RECORD, "王医生", "generate")
    flac = tmp_path / "a.flac"
    flac.write_bytes(os.urandom(1000))
    old_file = store.attach_audio(old, flac, duration_s=600.0)
    new_file = store.attach_audio(new, flac)
    store.conn.execute("UPDATE audio SET created_at = ? WHERE visit_id = ?",
                       ((datetime.now(timezone.utc) - timedelta(days=40)).isoformat(), old))
    with pytest.raises(ValueError):
        store.delete_old_audio(-1)
    deleted = store.delete_old_audio(30)
    assert [(d.visit_id, d.path, d.duration_s) for d in deleted] == [(old, old_file, 600.0)]
    assert not old_file.exists() and new_file.exists()
    assert store.load_visit(old).record == RECORD and store.load_visit(old).audio.deleted_at
    with pytest.raises(StoreError, match="deleted by retention"):
        store.read_audio(old)
    last = store.conn.execute("SELECT action, visit_id, details FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert (last[0], last[1], json.loads(last[2])) == ("retention-delete", old, {"days": 30, "duration_s": 600.0})
    assert store.delete_old_audio(30) == [] and store.verify_audit().ok
    old_file.write_bytes(b"left behind by a crash between commit and unlink")
    store.delete_old_audio(30)
    assert not old_file.exists()


def test_store_package_never_imports_qt():
    code = ("import sys, app.store, app.store.retention, app.commands.audit; "
            "print(any(m.startswith('PySide6') for m in sys.modules), 'cryptography' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.split()
    assert out == ["False", "False"]
