"""Template administration in the window (offscreen): only an admin opens it; an edited template is previewed,
validated, published as a new version and audited, and the next visit's record carries that version."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.admin_role import hash_password
from app.ui.admin_gate import AdminGate
from ui_windows import open_window, window_settings

pytestmark = pytest.mark.window

PASSWORD = "correct horse"
WAIT = 120_000  # ms: generous for a loaded 2-core CI machine


@pytest.fixture()
def make_window(qtbot, tmp_path, monkeypatch):
    """A window with its own data folder and store, and a hospital file that sets the admin password."""
    monkeypatch.setenv("TINGJI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TINGJI_KEYRING", "0")
    monkeypatch.delenv("TINGJI_TEMPLATES_DIR", raising=False)
    for kind in ("ASR", "DIARIZATION", "LLM"):
        monkeypatch.delenv(f"TINGJI_{kind}_MODEL", raising=False)
    hospital = tmp_path / "etc" / "tingji.toml"
    hospital.parent.mkdir()
    monkeypatch.setenv("TINGJI_CONFIG", str(hospital))
    windows = []

    def make(hospital_text: str | None = None):
        hospital.write_text(hospital_text if hospital_text is not None else
                            f'[admin]\npassword_hash = "{hash_password(PASSWORD)}"\n', encoding="utf-8")
        window = open_window(qtbot, tmp_path, window_settings(tmp_path, doctor="张主任"), language="en")
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.service.shutdown()


def _typing(monkeypatch, password):
    monkeypatch.setattr(AdminGate, "ask_password", lambda self, parent: password)


def _open_dialogs():
    from app.ui.template_admin import TemplateAdminDialog

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, TemplateAdminDialog) and w.isVisible()]


def _select(dialog, template_id: str) -> None:
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        if item.data(0, Qt.UserRole) == template_id:
            dialog.tree.setCurrentItem(item)
            return
    raise AssertionError(f"{template_id} is not listed")


def _versions(dialog, template_id: str) -> list[str]:
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        if item.data(0, Qt.UserRole) == template_id:
            return [item.child(j).text(1) for j in range(item.childCount())]
    return []


def test_a_doctor_without_the_password_cannot_open_it(make_window, monkeypatch):
    window = make_window()
    _typing(monkeypatch, "not the password")
    window.manage_templates_action.trigger()
    assert window.template_admin is None and not _open_dialogs()
    assert "Wrong admin password" in window.notice.text()

    _typing(monkeypatch, None)  # the prompt cancelled
    window.manage_templates_action.trigger()
    assert window.template_admin is None and not _open_dialogs()


def test_with_no_password_configured_it_tells_how_to_set_one(make_window, monkeypatch):
    window = make_window("")
    asked = []
    monkeypatch.setattr(AdminGate, "ask_password", lambda self, parent: asked.append(1) or PASSWORD)
    window.manage_templates_action.trigger()
    assert window.template_admin is None and not asked
    assert "tingji admin set-password --write" in window.notice.text()


def test_group_policy_refuses_a_user_outside_the_group(make_window):
    window = make_window('[admin]\npolicy = "group"\ngroup = "tingji-no-such-group-for-tests"\n')
    window.manage_templates_action.trigger()
    assert window.template_admin is None and "OS group" in window.notice.text()


def test_an_admin_edits_publishes_and_the_next_record_carries_the_new_version(make_window, monkeypatch, qtbot,
                                                                               tmp_path):
    from app.store.audit import entries

    window = make_window()
    _typing(monkeypatch, PASSWORD)
    window.manage_templates_action.trigger()
    dialog = window.template_admin
    assert dialog is not None and _open_dialogs() == [dialog]
    _select(dialog, "outpatient-initial")
    assert _versions(dialog, "outpatient-initial") == ["1.0"]
    assert "1.1" in dialog.message.text()  # what publishing will make

    form = dialog.form
    form.select_section(0)
    form.section_title.setText("主诉（修订）")
    form.instruction.setPlainText("患者本次就诊最主要的症状及持续时间，不写诊断。")
    form.vocabulary.setPlainText(form.vocabulary.toPlainText() + "\n奥司他韦")
    qtbot.mouseClick(dialog.preview_button, Qt.LeftButton)
    preview = dialog.preview_view.toPlainText()
    assert "主诉（修订）：" in preview and "咳嗽" in preview and dialog.preview_view.isReadOnly()

    form.section_title.setText("")  # broken: publishing is refused, with the field named
    qtbot.mouseClick(dialog.publish_button, Qt.LeftButton)
    assert "sections[0].title" in dialog.message.text() and "must not be empty" in dialog.message.text()
    assert not (tmp_path / "home" / "templates").exists()
    form.section_title.setText("主诉（修订）")
    qtbot.mouseClick(dialog.validate_button, Qt.LeftButton)
    assert dialog.message.text().startswith("Valid")

    qtbot.mouseClick(dialog.publish_button, Qt.LeftButton)
    assert "Published outpatient-initial version 1.1" in dialog.message.text()
    file = tmp_path / "home" / "templates" / "outpatient-initial" / "1.1.yaml"
    assert file.is_file()
    assert _versions(dialog, "outpatient-initial") == ["1.1", "1.0"]
    published = window.templates["outpatient-initial"]
    assert published.version == "1.1" and published.path == str(file) and "奥司他韦" in published.vocabulary
    assert published.section("chief_complaint").instruction == "患者本次就诊最主要的症状及持续时间，不写诊断。"
    assert window.header.template.findData("outpatient-initial") >= 0

    store = window.archive.store
    changes = [json.loads(e.details) for e in entries(store.conn) if e.action == "template-change"]
    assert changes == [{"template_id": "outpatient-initial", "template_version": "1.1",
                        "template_hash": published.sha256, "reason": "publish"}]
    assert store.verify_audit().ok

    # a new visit drafted with that template, through the window's own path (the model service, extractive)
    assert window.header.set_template("outpatient-initial")
    window.open_sample()
    qtbot.waitUntil(lambda: window.visit is not None and window.visit.status == "draft", timeout=WAIT)
    provenance = window.visit.record.provenance
    assert (provenance.template_id, provenance.template_version, provenance.template_sha256) == \
        ("outpatient-initial", "1.1", published.sha256)
    assert window.visit.record.section("chief_complaint").title == "主诉（修订）"


def test_copy_import_and_export_through_the_dialog(make_window, monkeypatch, tmp_path):
    window = make_window()
    _typing(monkeypatch, PASSWORD)
    window.manage_templates_action.trigger()
    dialog = window.template_admin
    _select(dialog, "pediatrics-initial")
    assert not dialog.new_from_copy("outpatient-initial", "重复")  # the id exists
    assert dialog.new_from_copy("pediatrics-respiratory", "儿科呼吸门诊病历")
    assert dialog.export_yaml(tmp_path / "draft.yaml")
    assert "id: pediatrics-respiratory" in (tmp_path / "draft.yaml").read_text(encoding="utf-8")
    published = dialog.publish()
    assert (published.id, published.version, published.title) == ("pediatrics-respiratory", "1.0", "儿科呼吸门诊病历")
    assert window.header.template.findData("pediatrics-respiratory") >= 0

    broken = tmp_path / "broken.yaml"
    broken.write_text((tmp_path / "draft.yaml").read_text(encoding="utf-8").replace("language: zh", "language: fr"),
                      encoding="utf-8")
    assert not dialog.import_yaml(broken)
    assert "broken.yaml" in dialog.message.text() and "language" in dialog.message.text()
    assert dialog.import_yaml(tmp_path / "draft.yaml")
    assert dialog.form.template().id == "pediatrics-respiratory"
    assert dialog.publish().version == "1.1"  # imported, then published as the next version
