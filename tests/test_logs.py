"""Log files: platform folder, configured level, rotation, and no patient data in what is written."""

import logging
import logging.handlers
import sys
from pathlib import Path

import pytest

from app import logs
from app.logs import PatientDataFilter, log_dir, redacted, scrub, setup_logging

TRANSCRIPT = "医生：你哪里不舒服？患者：头痛三天了，青霉素过敏。"


@pytest.fixture()
def log_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TINGJI_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("TINGJI_CONFIG", str(tmp_path / "none.toml"))
    path = setup_logging(level="INFO", console=False)
    yield path
    logs._remove_ours(logging.getLogger())


def _flush():
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_scrub_and_redacted():
    assert "头痛" not in scrub(f"segment text: {TRANSCRIPT}") and "[redacted]" in scrub(TRANSCRIPT)
    assert scrub("id 11010519491231002X phone 13912345678 mail a.b@c.cn") == (
        "id [redacted] phone [redacted] mail [redacted]")
    assert scrub("model whisper-small int8, 12 segments, 3.5 s") == "model whisper-small int8, 12 segments, 3.5 s"
    assert redacted(TRANSCRIPT) == f"<text: {len(TRANSCRIPT)} chars>" and redacted("") == "<no text>"


def test_file_gets_no_patient_text(log_file):
    log = logging.getLogger("tingji.test")
    log.info("transcribed segment %s", TRANSCRIPT)
    log.warning("patient 张三 phone 13912345678")
    log.info("visit %s: %d segments", "v-42", 12)
    log.info("the whole record", extra={"patient_data": True})
    try:
        raise ValueError(f"cannot parse {TRANSCRIPT}")
    except ValueError:
        log.exception("drafting failed")
    _flush()
    text = log_file.read_text(encoding="utf-8")
    assert "visit v-42: 12 segments" in text and "drafting failed" in text and "ValueError" in text
    for secret in ("头痛", "张三", "13912345678", "青霉素", "the whole record"):
        assert secret not in text


def test_console_still_sees_the_message_as_logged(log_file, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("tingji.test").info("heard %s", "头痛")
    assert "heard 头痛" in caplog.text  # other handlers get the record untouched


def test_level_comes_from_the_configuration(tmp_path, monkeypatch):
    config = tmp_path / "tingji.toml"
    config.write_text('[log]\nlevel = "WARNING"\n')
    monkeypatch.setenv("TINGJI_CONFIG", str(config))
    monkeypatch.setenv("TINGJI_LOG_DIR", str(tmp_path / "logs"))
    path = setup_logging(console=False)
    try:
        logging.getLogger("tingji.test").info("quiet detail")
        logging.getLogger("tingji.test").warning("loud problem")
        _flush()
        text = path.read_text(encoding="utf-8")
        assert "loud problem" in text and "quiet detail" not in text
    finally:
        logs._remove_ours(logging.getLogger())


def test_handler_rotates_and_is_replaced_not_duplicated(log_file):
    setup_logging(level="DEBUG", directory=log_file.parent, console=False)
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_tingji", False)]
    assert len(ours) == 1 and isinstance(ours[0], logging.handlers.RotatingFileHandler)
    assert ours[0].maxBytes == 5 << 20 and ours[0].backupCount == 5
    assert ours[0].level == logging.DEBUG
    assert any(isinstance(f, PatientDataFilter) for f in ours[0].filters)


def test_unwritable_log_folder_is_not_fatal(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("TINGJI_CONFIG", str(tmp_path / "none.toml"))
    assert setup_logging(directory=blocker / "logs", console=False) is None


def test_platform_log_folders(monkeypatch, tmp_path):
    for name in ("TINGJI_LOG_DIR", "TINGJI_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert log_dir() == tmp_path / "state" / "tingji" / "logs"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert log_dir() == tmp_path / "Local" / "TingJi" / "Logs"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert log_dir() == Path.home() / "Library" / "Logs" / "TingJi"
    monkeypatch.setenv("TINGJI_HOME", str(tmp_path / "home"))
    assert log_dir() == tmp_path / "home" / "logs"


def test_cli_writes_its_log_under_tingji_home(tmp_path, monkeypatch):
    from cli_runner import tingji

    monkeypatch.delenv("TINGJI_LOG_DIR", raising=False)  # conftest points other tests elsewhere

    proc, attempts = tingji("templates", "list", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "home" / "logs").is_dir() and attempts == ""
