"""The Chinese interface: every string the window shows has a translation, and the shipped .qm matches the .ts."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "tingji_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / f"pyside6-{name}"
    if not path.exists():
        pytest.fail(f"pyside6-{name} is missing: PySide6-Essentials ships it; run the README's test command")
    return str(path)


def test_every_message_is_translated():
    messages = list(ET.parse(TS).iter("message"))
    assert len(messages) > 80
    for message in messages:
        translation = message.find("translation")
        source = message.find("source").text
        text = (translation.text or "").strip() + "".join(f.text or "" for f in translation.findall("numerusform"))
        assert translation.get("type") != "unfinished" and text.strip(), f"untranslated: {source!r}"
        assert source.count("%1") == text.count("%1") and source.count("%n") == text.count("%n"), source


def test_no_window_string_is_missing_from_the_translation(tmp_path):
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    out = subprocess.run([_tool("lupdate"), *map(str, sorted((ROOT / "app" / "ui").glob("*.py"))), "-ts", str(copy)],
                         capture_output=True, text=True, check=True)
    assert "(0 new and" in out.stdout, f"strings added without a translation:\n{out.stdout}"
    unfinished = [m.find("source").text for m in ET.parse(copy).iter("message")
                  if m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")]
    assert not unfinished, f"update resources/translations/tingji_zh_CN.ts: {unfinished}"


def test_the_shipped_qm_is_built_from_the_ts(tmp_path):
    built = tmp_path / QM.name
    subprocess.run([_tool("lrelease"), str(TS), "-qm", str(built)], capture_output=True, check=True)
    assert built.read_bytes() == QM.read_bytes(), "run: pyside6-lrelease resources/translations/tingji_zh_CN.ts"


def test_the_translation_loads_and_translates(qapp):
    from PySide6.QtCore import QCoreApplication

    from app.ui.i18n import install_language

    assert install_language("zh_CN")
    assert QCoreApplication.translate("RecordBar", "Record") == "录音"
    assert not install_language("en")
    assert QCoreApplication.translate("RecordBar", "Record") == "Record"
