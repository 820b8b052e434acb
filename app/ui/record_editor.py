"""The record editor: one editable block per template section, sentences linked to their evidence, flags visible.

:class:`RecordEditor` shows a :class:`~summarizer.record.Record` (or streams it in section by section), lets the
doctor edit it, and keeps the flags honest: edited sections are re-split into sentences and the whole record is
re-checked with :func:`summarizer.support.verify_record` once typing settles. An edited section is redrawn with its new
flags when the doctor leaves it (redrawing clears that block's undo history, so it never happens under the caret).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Sequence

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import QMenu, QScrollArea, QVBoxLayout, QWidget

from app.ui.record_editor_block import SectionBlock
from app.ui.record_editor_format import (FLAGGED, document_position, render_section, resplit_section, section_text,
                                         sentence_at, sentence_range, text_offset)
from diarization.types import Utterance
from summarizer.record import Record, RecordSection
from summarizer.support import verify_record
from summarizer.templates import Template

__all__ = ["RecordEditor"]

SETTLE_MS = 500  # typing pause before the record is re-checked and recordChanged is emitted


class RecordEditor(QWidget):
    """The record draft as editable sections, each sentence clickable and flagged when the visit does not back it.

    Signals:
        sentenceActivated(section_id, index, utterance_ids): a sentence was clicked, or the caret moved into one.
        flagReviewed(section_id, index): the doctor marked a flagged sentence as reviewed.
        regenerateRequested(section_id): the doctor asked for a section to be written again.
        recordChanged(): the record changed (edits, reviews, a new section), at most once per ``SETTLE_MS``;
            :meth:`current_record` has it (already computed).
    """

    sentenceActivated = Signal(str, int, list)
    flagReviewed = Signal(str, int)
    regenerateRequested = Signal(str)
    recordChanged = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._record: Record | None = None
        self._utterances: tuple[Utterance, ...] = ()
        self._language = "zh"
        self._blocks: dict[str, SectionBlock] = {}
        self._shown: dict[str, RecordSection] = {}  # what each block shows; sentence indexes refer to it
        self._original: dict[str, str] = {}  # each block's text as drafted, to tell real edits
        self._edited: set[str] = set()
        self._busy: set[str] = set()
        self._read_only = False
        self._latest: Record | None = None  # current_record() cache
        self._emitted: Record | None = None
        self._rendering = False
        self._active: tuple[str, int] | None = None
        self._timer = QTimer(self, singleShot=True, interval=SETTLE_MS, timeout=self._settle)
        self._body = QWidget()
        self._column = QVBoxLayout(self._body)
        self._column.addStretch(1)
        self._scroll = QScrollArea(widgetResizable=True)
        self._scroll.setWidget(self._body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll)

    def set_record(self, record: Record, utterances: Sequence[Utterance]) -> None:
        """Show a record; its sentences' evidence ids refer to ``utterances`` (also used to re-check edits)."""
        self._record, self._utterances, self._language = record, tuple(utterances), record.language
        self._build([(s.id, s.title) for s in record.sections])
        for section in record.sections:
            self._fill(section)
        self._latest = self._emitted = None
        self._timer.stop()

    def begin_stream(self, template: Template) -> None:
        """Show the template's sections as empty blocks saying "Writing…", to be filled by :meth:`set_section`."""
        self._record, self._language = None, template.language
        self._build([(s.id, s.title) for s in template.sections])

    def set_section(self, section: RecordSection) -> None:
        """Fill (or replace, after a regeneration) one section's block; the doctor's edits to it are dropped."""
        if section.id not in self._blocks:
            self._add_block(section.id, section.title)  # _fill makes it editable
        self._fill(section)
        if self._record is not None:
            self._latest = None
            self._timer.start()

    def current_record(self) -> Record | None:
        """The record as the doctor sees it now: edited sections re-split into sentences, everything re-checked.

        Returns:
            A new record (unchanged sentences keep their evidence and reviewed mark), or None before
            :meth:`set_record`.
        """
        if self._record is None:
            return None
        if self._latest is None:
            sections = tuple(self._section_now(sid) for sid in self._blocks)
            self._latest = verify_record(replace(self._record, sections=sections), self._utterances)
        return self._latest

    def edited_sections(self) -> set[str]:
        """Ids of the sections the doctor has changed since they were drafted."""
        return set(self._edited)

    def mark_reviewed(self, section_id: str, index: int) -> bool:
        """Mark a sentence's flag as looked at (drawn lighter); emits ``flagReviewed``.

        Returns:
            False when there is no such sentence, it is already reviewed, or the editor is read-only.
        """
        section = self._shown.get(section_id)
        if self._read_only or section is None or not 0 <= index < len(section.sentences) \
                or section.sentences[index].reviewed:
            return False
        sentences = list(section.sentences)
        sentences[index] = replace(sentences[index], reviewed=True)
        self._shown[section_id] = replace(section, sentences=tuple(sentences))
        self._latest = None
        record = self.current_record()  # re-split first: the block may hold edits not yet checked
        self._render(section_id, record.section(section_id) if record else self._shown[section_id])
        self.flagReviewed.emit(section_id, index)
        self._timer.start()
        return True

    def set_busy(self, section_id: str, busy: bool) -> None:
        """Show a section as being regenerated (not editable meanwhile) or done."""
        if section_id in self._blocks:
            (self._busy.add if busy else self._busy.discard)(section_id)
            self._blocks[section_id].busy.setVisible(busy)
            self._apply_editable(section_id)

    def set_read_only(self, read_only: bool) -> None:
        """Lock (after signing) or unlock every block; text stays selectable and sentences clickable."""
        self._read_only = read_only
        for section_id in self._blocks:
            self._apply_editable(section_id)

    def focus_sentence(self, section_id: str, index: int) -> bool:
        """Scroll to a sentence and select it (``index`` -1: the section's start); emits ``sentenceActivated``.

        Returns:
            False when the section has no block.
        """
        block = self._blocks.get(section_id)
        if block is None:
            return False
        span = sentence_range(block.edit.document(), index) if index >= 0 else None
        cursor = QTextCursor(block.edit.document())
        if span:
            cursor.setPosition(span[1])
            cursor.setPosition(span[0], QTextCursor.KeepAnchor)  # caret at the start: it is "in" the sentence
        self._active = None
        block.edit.setFocus(Qt.OtherFocusReason)
        block.edit.setTextCursor(cursor)
        point = block.edit.viewport().mapTo(self._body, block.edit.cursorRect(cursor).center())
        self._scroll.ensureVisible(point.x(), point.y(), 40, 80)
        return True

    def context_menu(self, section_id: str, pos: QPoint) -> QMenu:
        """The block's context menu at a viewport position, with "Mark as reviewed" on an unreviewed flag."""
        edit = self._blocks[section_id].edit
        menu = edit.createStandardContextMenu(pos)
        index = sentence_at(edit.document(), edit.cursorForPosition(pos).position())
        sentences = self._shown.get(section_id, RecordSection(section_id, "")).sentences
        if index is not None and index < len(sentences):
            sentence = sentences[index]
            if sentence.verdict in FLAGGED and not sentence.reviewed:
                action = QAction(self.tr("Mark as reviewed"), menu)
                action.setEnabled(not self._read_only)
                action.triggered.connect(partial(self.mark_reviewed, section_id, index))
                first = menu.actions()[0] if menu.actions() else None
                menu.insertAction(first, action)
                menu.insertSeparator(first)
        return menu

    def _build(self, sections: list[tuple[str, str]]) -> None:
        reuse = list(self._blocks) == [section_id for section_id, _ in sections]  # e.g. the streamed record arrives
        if not reuse:
            for block in self._blocks.values():
                self._column.removeWidget(block)
                block.hide()
                block.deleteLater()
            self._blocks.clear()
        for store in (self._shown, self._original, self._edited, self._busy):
            store.clear()
        self._active = None
        for section_id, title in sections:
            if reuse:
                self._blocks[section_id].reset(title)
            else:
                self._add_block(section_id, title)
            self._apply_editable(section_id)

    def _add_block(self, section_id: str, title: str) -> None:
        block = SectionBlock(section_id, title, partial(self.context_menu, section_id))
        block.regenerate.clicked.connect(partial(self.regenerateRequested.emit, section_id))
        block.edit.textChanged.connect(partial(self._on_text_changed, section_id))
        block.edit.cursorPositionChanged.connect(partial(self._on_cursor, section_id))
        block.edit.focusLeft.connect(partial(self._on_focus_left, section_id))
        block.edit.clicked.connect(partial(self._on_clicked, section_id))
        self._column.insertWidget(self._column.count() - 1, block)
        self._blocks[section_id] = block

    def _fill(self, section: RecordSection) -> None:
        block = self._blocks[section.id]
        block.title.setText(section.title)
        block.edit.setPlaceholderText("")
        self._edited.discard(section.id)
        block.edited.hide()
        self._render(section.id, section)
        self._original[section.id] = section_text(block.edit.document())
        self._apply_editable(section.id)

    def _render(self, section_id: str, section: RecordSection) -> None:
        edit = self._blocks[section_id].edit
        offset = text_offset(edit.document(), edit.textCursor().position()) if edit.hasFocus() else 0
        self._shown[section_id] = section
        self._rendering = True
        try:
            render_section(edit.document(), section, self._language)
            cursor = edit.textCursor()
            cursor.setPosition(document_position(edit.document(), offset))
            edit.setTextCursor(cursor)
        finally:
            self._rendering = False

    def _apply_editable(self, section_id: str) -> None:
        block = self._blocks[section_id]
        usable = not self._read_only and section_id not in self._busy and section_id in self._shown
        block.edit.setReadOnly(not usable)
        block.edit.setTextInteractionFlags(Qt.TextEditorInteraction if usable else
                                           Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        block.regenerate.setEnabled(usable)

    def _section_now(self, section_id: str) -> RecordSection:
        shown = self._shown[section_id]  # set_record filled every block
        if section_id not in self._edited:
            return shown
        return resplit_section(shown, section_text(self._blocks[section_id].edit.document()), self._language)

    def _on_text_changed(self, section_id: str) -> None:
        if self._rendering or section_id not in self._shown:
            return
        self._edited.add(section_id)
        self._blocks[section_id].edited.show()
        self._latest = None
        self._timer.start()

    def _settle(self) -> None:
        for section_id in list(self._edited):
            if section_text(self._blocks[section_id].edit.document()) == self._original.get(section_id):
                self._edited.discard(section_id)
                self._blocks[section_id].edited.hide()
                self._latest = None
        record = self.current_record()
        if record is None:
            return
        for section_id, block in self._blocks.items():
            section = record.section(section_id)
            if section != self._shown.get(section_id) and not (block.edit.hasFocus() and section_id in self._edited):
                self._render(section_id, section)
        if record != self._emitted:
            self._emitted = record
            self.recordChanged.emit()

    def _on_focus_left(self, section_id: str) -> None:
        if section_id in self._edited and not self._timer.isActive():
            self._settle()

    def _on_cursor(self, section_id: str) -> None:
        edit = self._blocks[section_id].edit
        if self._rendering or edit.pressing:  # a click activates on release
            return
        index = sentence_at(edit.document(), edit.textCursor().position())
        if index is None:
            self._active = None
        elif (section_id, index) != self._active:
            self._activate(section_id, index)

    def _activate(self, section_id: str, index: int) -> None:
        sentences = self._shown[section_id].sentences
        evidence = list(sentences[index].evidence) if index < len(sentences) else []
        self._active = (section_id, index)
        self.sentenceActivated.emit(section_id, index, evidence)

    def _on_clicked(self, section_id: str) -> None:
        edit = self._blocks[section_id].edit
        index = sentence_at(edit.document(), edit.textCursor().position())
        if index is not None:  # even the active sentence again: the window replays its audio
            self._activate(section_id, index)
