"""The record editor and the QC panel, driven through the real widgets with the sample visit's extractive record."""

from __future__ import annotations

import os
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QBrush, QInputMethodEvent, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem

from app.sample_visit import load_sample_visit
from app.ui.qc_panel import QcPanel
from app.ui.record_editor import RecordEditor
from app.ui.record_editor_block import SectionBlock
from app.ui.record_editor_format import MARKER_GLYPHS, SENTENCE_INDEX, section_text, sentence_range
from summarizer.extractive import build_record
from summarizer.qc import run_qc
from summarizer.record import Sentence
from summarizer.support import verify_record
from summarizer.templates import find_template


@pytest.fixture(autouse=True)
def english_source_strings(qapp):
    """These tests read the English source strings; a window test earlier in the run may have left Chinese on."""
    from app.ui.i18n import install_language

    install_language("en")


@pytest.fixture(scope="module")
def visit():
    return load_sample_visit()


TEMPLATE = "outpatient-initial"  # what `tingji sample` uses


@pytest.fixture(scope="module")
def record(visit):
    draft = build_record(visit.utterances, find_template(TEMPLATE), visit_id=visit.id, verify=False)
    return verify_record(draft, visit.utterances)


@pytest.fixture
def editor(qtbot, record, visit):
    widget = RecordEditor()
    qtbot.addWidget(widget)
    widget.resize(720, 900)
    widget.set_record(record, visit.utterances)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def block(editor: RecordEditor, section_id: str) -> SectionBlock:
    found = editor.findChild(SectionBlock, f"section-{section_id}")
    assert found is not None, section_id
    return found


def inside(edit, index: int) -> QTextCursor:
    """A cursor in the middle of a sentence's text (its charFormat is that of the character before)."""
    start, end = sentence_range(edit.document(), index)
    cursor = QTextCursor(edit.document())
    cursor.setPosition((start + end) // 2)
    return cursor


def format_inside(edit, index: int):
    return inside(edit, index).charFormat()


def click_sentence(qtbot, editor, section_id, index):
    edit = block(editor, section_id).edit
    with qtbot.waitSignal(editor.sentenceActivated, timeout=2000) as signal:
        QTest.mouseClick(edit.viewport(), Qt.LeftButton, Qt.NoModifier, edit.cursorRect(inside(edit, index)).center())
    return signal.args


def type_chinese(edit, text: str) -> None:
    """Type as a Chinese input method does: one committed string at the caret."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def replace_text(edit, old: str, new: str) -> None:
    cursor = edit.document().find(old)
    assert cursor.hasSelection(), old
    cursor.insertText(new)


def test_one_block_per_section_with_its_sentences(editor, record):
    assert len(editor.findChildren(SectionBlock)) == len(record.sections)
    for section in record.sections:
        shown = block(editor, section.id)
        assert shown.title.text() == section.title
        assert section_text(shown.edit.document()) == section.text("zh")
        for index, sentence in enumerate(section.sentences):
            start, end = sentence_range(shown.edit.document(), index)
            assert shown.edit.toPlainText()[start:end] == sentence.text
            assert format_inside(shown.edit, index).property(SENTENCE_INDEX) == index
    assert editor.current_record() == record
    assert editor.edited_sections() == set()


def test_a_contradicting_edit_is_flagged_with_reason_and_marker(qtbot, editor, record):
    shown = block(editor, "chief_complaint")
    with qtbot.waitSignal(editor.recordChanged, timeout=3000):
        replace_text(shown.edit, "3天", "10天")
        assert editor.edited_sections() == {"chief_complaint"}
        assert shown.edited.isVisible()
    checked = editor.current_record()
    sentence = checked.section("chief_complaint").sentences[0]
    assert sentence.text == "咳嗽、发热10天。"
    assert sentence.verdict == "contradicted" and "10天" in sentence.reason
    assert checked.section("plan") == record.section("plan")
    flagged = format_inside(shown.edit, 0)
    assert flagged.background().style() != Qt.NoBrush
    assert sentence.reason in flagged.toolTip() and "Contradicts" in flagged.toolTip()
    assert shown.edit.toPlainText().startswith(MARKER_GLYPHS["contradicted"])
    assert MARKER_GLYPHS["contradicted"] not in section_text(shown.edit.document())
    assert MARKER_GLYPHS["contradicted"] not in checked.emr_text()
    assert format_inside(block(editor, "plan").edit, 0).background().style() == Qt.NoBrush


def test_an_added_symptom_is_unsupported_once_the_doctor_leaves_the_block(qtbot, editor, record):
    edit = block(editor, "present_illness").edit
    editor.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.moveCursor(QTextCursor.End)
    with qtbot.waitSignal(editor.recordChanged, timeout=3000):
        type_chinese(edit, "伴头痛。")
    sentences = editor.current_record().section("present_illness").sentences
    before = record.section("present_illness").sentences
    assert [s.text for s in sentences] == [s.text for s in before] + ["伴头痛。"]
    assert sentences[-1].verdict == "unsupported" and "头痛" in sentences[-1].reason
    assert sentences[1].evidence == record.section("present_illness").sentences[1].evidence
    assert MARKER_GLYPHS["unsupported"] not in edit.toPlainText()  # not redrawn under the caret
    edit.clearFocus()
    qtbot.waitUntil(lambda: MARKER_GLYPHS["unsupported"] in edit.toPlainText())
    assert "Not supported" in format_inside(edit, len(sentences) - 1).toolTip()


def test_clicking_or_focusing_a_sentence_emits_its_evidence(qtbot, editor, record):
    evidence = list(record.section("present_illness").sentences[1].evidence)
    assert evidence
    assert click_sentence(qtbot, editor, "present_illness", 1) == ["present_illness", 1, evidence]
    assert click_sentence(qtbot, editor, "present_illness", 1) == ["present_illness", 1, evidence]  # replay
    plan = record.section("plan").sentences
    assert click_sentence(qtbot, editor, "plan", 2) == ["plan", 2, list(plan[2].evidence)]
    edit = block(editor, "plan").edit
    start, _ = sentence_range(edit.document(), 3)
    with qtbot.waitSignal(editor.sentenceActivated) as signal:
        cursor = edit.textCursor()
        cursor.setPosition(start)
        edit.setTextCursor(cursor)
    assert signal.args == ["plan", 3, list(plan[3].evidence)]
    with qtbot.waitSignal(editor.sentenceActivated) as signal:  # a QC finding was clicked
        assert editor.focus_sentence("plan", 2)
    assert signal.args == ["plan", 2, list(plan[2].evidence)]
    assert edit.textCursor().selectedText() == plan[2].text
    assert editor.focus_sentence("plan", -1) and not editor.focus_sentence("nonexistent", 0)


def test_regenerate_button_busy_state_and_new_section(qtbot, editor, record):
    shown = block(editor, "plan")
    with qtbot.waitSignal(editor.regenerateRequested) as signal:
        QTest.mouseClick(shown.regenerate, Qt.LeftButton)
    assert signal.args == ["plan"]
    editor.set_busy("plan", True)
    assert shown.busy.isVisible() and not shown.regenerate.isEnabled() and shown.edit.isReadOnly()
    with qtbot.assertNotEmitted(editor.regenerateRequested):
        QTest.mouseClick(shown.regenerate, Qt.LeftButton)
    new = replace(record.section("plan"), sentences=(Sentence("多饮水，注意休息。", ("u030",)),))
    editor.set_section(new)
    editor.set_busy("plan", False)
    assert not shown.busy.isVisible() and shown.regenerate.isEnabled() and not shown.edit.isReadOnly()
    assert shown.edit.toPlainText() == "多饮水，注意休息。"
    assert editor.current_record().section("plan").sentences[0].text == "多饮水，注意休息。"


def test_read_only_blocks_refuse_edits_but_stay_clickable_and_paste_is_plain(qtbot, editor, record):
    editor.set_read_only(True)
    edit = block(editor, "diagnosis").edit
    before = edit.toPlainText()
    edit.moveCursor(QTextCursor.End)
    QTest.keyClicks(edit, "TB")
    type_chinese(edit, "肺结核")
    assert edit.toPlainText() == before and editor.edited_sections() == set()
    assert not block(editor, "diagnosis").regenerate.isEnabled()
    assert click_sentence(qtbot, editor, "diagnosis", 0)[:2] == ["diagnosis", 0]
    editor.set_read_only(False)
    edit.moveCursor(QTextCursor.End)
    QTest.keyClicks(edit, "TB")
    type_chinese(edit, "肺结核")
    assert edit.toPlainText() == before + "TB肺结核" and editor.edited_sections() == {"diagnosis"}
    mime = QMimeData()  # a paste keeps the text, not its formatting
    mime.setHtml("<b style='color:red'>肺炎</b>")
    mime.setText("肺炎")
    edit.insertFromMimeData(mime)
    assert edit.toPlainText().endswith("TB肺结核肺炎")
    assert edit.textCursor().charFormat().fontWeight() < 600 and edit.textCursor().charFormat().foreground() == QBrush()


def test_mark_reviewed_from_the_context_menu(qtbot, editor):
    edit = block(editor, "plan").edit
    with qtbot.waitSignal(editor.recordChanged, timeout=3000):
        replace_text(edit, "0.5克", "0.25克")
    index = next(i for i, s in enumerate(editor.current_record().section("plan").sentences) if "0.25克" in s.text)
    assert editor.current_record().section("plan").sentences[index].verdict == "contradicted"
    flagged_background = format_inside(edit, index).background().color().name()
    cursor = inside(edit, index)
    menu = editor.context_menu("plan", edit.cursorRect(cursor).center())
    action = next(a for a in menu.actions() if a.text() == "Mark as reviewed")
    assert action.isEnabled()
    with qtbot.waitSignal(editor.flagReviewed) as signal:
        action.trigger()
    assert signal.args == ["plan", index]
    sentence = editor.current_record().section("plan").sentences[index]
    assert sentence.reviewed and sentence.verdict == "contradicted"
    reviewed = format_inside(edit, index)
    assert reviewed.background().color().name() != flagged_background and "Reviewed" in reviewed.toolTip()
    assert MARKER_GLYPHS["reviewed"] in edit.toPlainText()
    menu = editor.context_menu("plan", edit.cursorRect(cursor).center())
    assert "Mark as reviewed" not in [a.text() for a in menu.actions()]
    assert not editor.mark_reviewed("plan", index)  # already reviewed


def test_streaming_fills_blocks_one_by_one(qtbot, record, visit):
    template = find_template(TEMPLATE)
    widget = RecordEditor()
    qtbot.addWidget(widget)
    widget.begin_stream(template)
    assert [b.objectName() for b in widget.findChildren(SectionBlock)] == [f"section-{s.id}" for s in template.sections]
    first = block(widget, "chief_complaint").edit
    assert first.toPlainText() == "" and first.placeholderText() == "Writing…" and first.isReadOnly()
    widget.set_section(record.section("chief_complaint"))
    assert first.toPlainText() == record.section("chief_complaint").text() and not first.isReadOnly()
    assert block(widget, "plan").edit.toPlainText() == ""
    assert widget.current_record() is None
    widget.set_record(record, visit.utterances)
    assert block(widget, "plan").edit.toPlainText() == record.section("plan").text()


@pytest.fixture
def panel_with(qtbot, record):
    """A shown QC panel listing the findings of a record with a warning-only section before two errors."""
    texts = {"present_illness": ["发热。"], "diagnosis": [], "plan": ["青霉素0.5克，口服。"]}
    broken = replace(record, sections=tuple(
        replace(s, sentences=tuple(Sentence(t) for t in texts[s.id]), not_discussed=not texts[s.id])
        if s.id in texts else s for s in record.sections))
    findings = run_qc(broken, find_template(TEMPLATE))
    assert findings[0].severity != "error" and any(f.severity == "error" for f in findings)  # order to undo
    panel = QcPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.set_findings(findings)
    panel.show()
    qtbot.waitExposed(panel)
    return panel, findings


def test_qc_panel_lists_findings_errors_first_with_a_count(panel_with):
    panel, findings = panel_with
    rows = [panel.list.item(i) for i in range(panel.list.count())]
    shown = [next(f for f in findings if f.id == row.data(Qt.UserRole)) for row in rows]
    assert sorted(f.id for f in shown) == sorted(f.id for f in findings)
    severities = [f.severity for f in shown]
    assert severities == sorted(severities, key=("error", "warning", "info").index)
    assert all(row.text() == f"{f.section_title} · {f.message}" for row, f in zip(rows, shown))
    errors, warnings = severities.count("error"), severities.count("warning")
    assert panel.header.text() == f"{errors} errors · {warnings} warnings"


def test_qc_panel_click_jumps_and_tick_marks_reviewed(qtbot, panel_with):
    panel, findings = panel_with
    rows = {panel.list.item(i).data(Qt.UserRole): panel.list.item(i) for i in range(panel.list.count())}
    conflict = next(f for f in findings if f.rule == "allergy_drug_conflict")
    wide = next(f for f in findings if f.rule == "diagnosis_present")
    for finding, expected in ((conflict, ["plan", conflict.sentence_index]), (wide, ["diagnosis", -1])):
        with qtbot.waitSignal(panel.findingActivated) as signal:
            QTest.mouseClick(panel.list.viewport(), Qt.LeftButton, Qt.NoModifier,
                             panel.list.visualItemRect(rows[finding.id]).center())
        assert signal.args == expected
    option = QStyleOptionViewItem()
    panel.list.initViewItemOption(option)
    option.rect = panel.list.visualItemRect(rows[wide.id])
    option.features |= QStyleOptionViewItem.HasCheckIndicator
    box = panel.list.style().subElementRect(QStyle.SE_ItemViewItemCheckIndicator, option, panel.list)
    with qtbot.assertNotEmitted(panel.findingActivated), qtbot.waitSignal(panel.findingReviewed) as signal:
        QTest.mouseClick(panel.list.viewport(), Qt.LeftButton, Qt.NoModifier, box.center())
    assert signal.args == [wide.id, True]
    assert panel.reviewed_ids() == {wide.id} and panel.header.text().endswith("1 reviewed")
    panel.set_findings(findings)  # a QC re-run keeps the tick
    ticked = [panel.list.item(i).data(Qt.UserRole) for i in range(panel.list.count())
              if panel.list.item(i).checkState() == Qt.Checked]
    assert ticked == [wide.id]
