"""``tingji audit verify|export`` and ``tingji store restore`` as IT runs them, on a real database file."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import date, timedelta

import pytest
from cli_runner import tingji

from app.store import Patient, Store, db


@pytest.fixture
def home(tmp_path, monkeypatch):
    """The data folder the CLI subprocess uses (cli_runner sets TINGJI_HOME to it); key in a 0600 key file."""
    monkeypatch.setenv("TINGJI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TINGJI_KEYRING", "0")
    return tmp_path / "home"


@pytest.fixture
def visit(home):
    """A closed store in the default place with one signed visit; returns the visit id."""
    with Store.open() as store:
        visit_id = store.create_visit(doctor="王医生", patient=Patient("李四"))
        store.save_record_version(visit_id, {"v": 1}, "王医生", "generate", {"backend": "extractive"})
        store.sign(visit_id, "王医生")
        store.log("export", visit_id, {"format": "pdf"})
    assert not (home / "tingji.db-wal").exists()  # checkpointed: every row is in the main file
    return visit_id


def run(*args, tmp_path):
    proc, attempts = tingji(*args, tmp_path=tmp_path, env_extra={"TINGJI_KEYRING": "0"})
    assert attempts == ""
    return proc


def test_verify_passes_on_a_fresh_store(visit, tmp_path):
    proc = run("audit", "verify", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "audit log OK: 4 entries" in proc.stdout and "sealed head checked" in proc.stdout


def test_one_flipped_byte_in_the_file_fails_verify(visit, tmp_path, home):
    path = home / "tingji.db"
    data = path.read_bytes()
    needle = b"sign" + visit.encode("ascii")  # the sign entry's action, then its visit id, as stored in the row
    assert data.count(needle) == 1
    path.write_bytes(data.replace(needle, b"sigm" + visit.encode("ascii")))
    proc = run("audit", "verify", "--db", path, tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "BROKEN at entry 3 (changed)" in proc.stderr and "'sigm'" in proc.stderr
    path.write_bytes(data)
    assert run("audit", "verify", "--db", path, tmp_path=tmp_path).returncode == 0


def test_verify_without_the_key_checks_the_chain_only(visit, tmp_path, home):
    (home / "store.key").rename(tmp_path / "elsewhere.key")
    proc = run("audit", "verify", tmp_path=tmp_path)
    assert proc.returncode == 0 and "NOT checked" in proc.stdout
    proc = run("audit", "verify", "--key-file", tmp_path / "elsewhere.key", tmp_path=tmp_path)
    assert proc.returncode == 0 and "sealed head checked" in proc.stdout
    other = tmp_path / "other.key"
    other.write_text(base64.urlsafe_b64encode(bytes(32)).decode() + "\n")
    other.chmod(0o600)
    proc = run("audit", "verify", "--key-file", other, tmp_path=tmp_path)
    assert proc.returncode == 0 and "belongs to another database" in proc.stdout


def test_export_csv_to_a_file_and_json_to_stdout(visit, tmp_path):
    out = tmp_path / "audit.csv"
    since = (date.today() - timedelta(days=1)).isoformat()
    proc = run("audit", "export", "--since", since, "--format", "csv", "--out", out, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["action"] for r in rows] == ["record", "generate", "sign", "export"]
    proc = run("audit", "export", "--since", since, "--format", "json", tmp_path=tmp_path)
    assert json.loads(proc.stdout)[1]["details"] == {"backend": "extractive", "version": 1}
    later = (date.today() + timedelta(days=2)).isoformat()
    assert json.loads(run("audit", "export", "--since", later, "--format", "json", tmp_path=tmp_path).stdout) == []
    proc = run("audit", "export", "--since", "yesterday", tmp_path=tmp_path)
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr


def test_missing_or_damaged_database_and_restore(visit, tmp_path, home):
    proc = run("audit", "verify", "--db", tmp_path / "nowhere.db", tmp_path=tmp_path)
    assert proc.returncode == 1 and "no visit database" in proc.stderr
    path = home / "tingji.db"
    with Store.open() as store:
        backup = db.backup(store.conn, path, "manual")
    path.write_bytes(b"\0garbage" * 1024)
    proc = run("audit", "verify", tmp_path=tmp_path)
    assert proc.returncode == 1 and "damaged" in proc.stderr and str(backup) in proc.stderr
    proc = run("store", "restore", "--from", backup, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "audit log OK" in proc.stdout
    with Store.open() as store:
        assert store.load_visit(visit).visit.status == "signed"
    assert run("audit", "verify", tmp_path=tmp_path).returncode == 0


def _visit_with_old_audio(tmp_path, days_old: int) -> tuple[str, object]:
    from datetime import datetime, timezone

    flac = tmp_path / "a.flac"
    flac.write_bytes(b"fLaC" + bytes(500))
    with Store.open() as store:
        visit_id = store.create_visit(doctor="王医生", patient=Patient("张三"))
        store.save_record_version(visit_id, {"v": 1}, "王医生", "generate", {"backend": "extractive"})
        path = store.attach_audio(visit_id, flac, duration_s=300.0)
        store.conn.execute("UPDATE audio SET created_at = ? WHERE visit_id = ?",
                           ((datetime.now(timezone.utc) - timedelta(days=days_old)).isoformat(), visit_id))
    return visit_id, path


def test_retention_runs_from_the_configuration_when_the_window_opens_the_store(home, tmp_path, monkeypatch):
    from app.ui.visit_archive import VisitArchive

    old, old_file = _visit_with_old_audio(tmp_path, 40)
    recent, recent_file = _visit_with_old_audio(tmp_path, 2)
    monkeypatch.setenv("TINGJI_RETENTION_AUDIO_DAYS", "30")
    archive = VisitArchive.open()
    try:
        assert archive.problems == []
        assert not old_file.exists() and recent_file.exists()
        assert archive.store.load_visit(old).record == {"v": 1}, "records are kept"
        assert archive.store.load_visit(old).audio.deleted_at and not archive.store.load_visit(recent).audio.deleted_at
        actions = [row[0] for row in archive.store.conn.execute("SELECT action FROM audit ORDER BY seq")]
        assert actions.count("retention-delete") == 1
    finally:
        archive.close()


def test_without_a_retention_setting_audio_is_kept(home, tmp_path, monkeypatch):
    from app.ui.visit_archive import VisitArchive

    monkeypatch.delenv("TINGJI_RETENTION_AUDIO_DAYS", raising=False)
    _, old_file = _visit_with_old_audio(tmp_path, 400)
    VisitArchive.open().close()
    assert old_file.exists()
    proc = run("store", "retention", tmp_path=tmp_path)
    assert proc.returncode == 0 and "audio is kept" in proc.stdout and old_file.exists()


def test_store_retention_command_for_a_daily_schedule(home, tmp_path):
    _, old_file = _visit_with_old_audio(tmp_path, 10)
    _, recent_file = _visit_with_old_audio(tmp_path, 1)
    proc = run("store", "retention", "--days", "7", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "deleted the audio of 1 visit(s) older than 7 days" in proc.stdout
    assert not old_file.exists() and recent_file.exists()
    assert run("store", "retention", "--days", "-1", tmp_path=tmp_path).returncode == 2
    assert run("audit", "verify", tmp_path=tmp_path).returncode == 0
