"""The transcript pane: live segments while recording, then role-coloured utterances; roles fixed in two clicks.

While recording, recognised segments appear at once (their speaker is known only after Stop, so they are grey).
After Stop the labelled utterances replace them. Right-click an utterance to give its speaker another role, swap
the roles of two speakers, or merge two speakers that are one person; the corrected transcript is emitted so the
window can redraft. Evidence of a record sentence is highlighted (selected) and scrolled into view.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListWidget, QListWidgetItem, QMenu, QVBoxLayout, QWidget

__all__ = ["TranscriptView", "ROLE_COLOURS"]

ROLE_COLOURS = {"doctor": "#1565c0", "patient": "#2e7d32", "other": "#8e24aa", None: "#757575"}
_ID = Qt.UserRole
_SPEAKER = Qt.UserRole + 1


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60:02d}:{int(seconds) % 60:02d}"


class TranscriptView(QWidget):
    """Live and labelled transcript with role corrections."""

    transcriptCorrected = Signal(object)  # the corrected LabelledTranscript
    utteranceActivated = Signal(str)  # utterance id (the doctor clicked it: replay its audio)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #757575;")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.list.setContextMenuPolicy(Qt.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.list)
        self.transcript = None

    def role_label(self, role: str | None) -> str:
        return {"doctor": self.tr("Doctor"), "patient": self.tr("Patient"), "other": self.tr("Companion")}.get(
            role, self.tr("Speaker"))

    def clear(self, caption: str = "") -> None:
        self.list.clear()
        self.transcript = None
        self.caption.setText(caption)

    def add_live(self, segment) -> None:
        """One recognised segment (or a reference utterance of the sample replay), at the end of the list."""
        role = getattr(segment, "role", None)
        item = QListWidgetItem(f"[{_clock(segment.start)}] {self.role_label(role)}：{segment.text}")
        item.setForeground(QBrush(QColor(ROLE_COLOURS.get(role, ROLE_COLOURS[None]))))
        item.setData(_ID, getattr(segment, "id", ""))
        self.list.addItem(item)
        self.list.scrollToBottom()

    def live_count(self) -> int:
        return self.list.count()

    def set_transcript(self, transcript, caption: str = "") -> None:
        """Show a labelled transcript (replaces the live lines)."""
        self.list.clear()
        self.transcript = transcript
        if caption:
            self.caption.setText(caption)
        for u in transcript.utterances:
            item = QListWidgetItem(f"[{_clock(u.start)}] {self.role_label(u.role)}：{u.text}")
            item.setForeground(QBrush(QColor(ROLE_COLOURS.get(u.role, ROLE_COLOURS[None]))))
            item.setData(_ID, u.id)
            item.setData(_SPEAKER, u.speaker)
            item.setToolTip(f"{u.id} · {u.speaker} · {_clock(u.start)}–{_clock(u.end)}")
            self.list.addItem(item)

    def highlight(self, utterance_ids) -> list[int]:
        """Select the rows of these utterances and scroll to the first; returns the selected rows."""
        wanted = set(utterance_ids)
        merged = (self.transcript.provenance.get("merged_utterances", {}) if self.transcript else {})
        wanted |= {merged[i] for i in list(wanted) if i in merged}
        self.list.clearSelection()
        rows = [row for row in range(self.list.count()) if self.list.item(row).data(_ID) in wanted]
        for row in rows:
            self.list.item(row).setSelected(True)
        if rows:
            self.list.scrollToItem(self.list.item(rows[0]), QAbstractItemView.PositionAtCenter)
        return rows

    def selected_ids(self) -> list[str]:
        return [item.data(_ID) for item in self.list.selectedItems()]

    def _activated(self, item: QListWidgetItem) -> None:
        if item.data(_ID):
            self.utteranceActivated.emit(item.data(_ID))

    # --------------------------------------------------------------------------------------------- corrections
    def speakers(self) -> dict[str, str]:
        """Speaker label → role in the shown transcript."""
        return {r.speaker: r.role for r in self.transcript.roles} if self.transcript else {}

    def correction_actions(self, speaker: str) -> list[tuple[str, tuple]]:
        """The menu for one speaker: ``(label, operation)`` with operation ``("role", speaker, role)``,
        ``("swap", a, b)`` or ``("merge", keep, absorb)``."""
        speakers = self.speakers()
        actions = [(self.tr("Mark as %1").replace("%1", self.role_label(role)), ("role", speaker, role))
                   for role in ("doctor", "patient", "other") if speakers.get(speaker) != role]
        for other, role in speakers.items():
            if other != speaker:
                actions.append((self.tr("Swap roles with %1 (%2)").replace("%1", other)
                                .replace("%2", self.role_label(role)), ("swap", speaker, other)))
                actions.append((self.tr("Same person as %1: merge").replace("%1", other), ("merge", other, speaker)))
        return actions

    def apply_correction(self, operation: tuple) -> None:
        """Apply one correction and emit the corrected transcript."""
        from diarization.corrections import merge_speakers, set_role, swap_roles

        kind, a, b = operation
        function = {"role": set_role, "swap": swap_roles, "merge": merge_speakers}[kind]
        corrected = function(self.transcript, a, b)
        self.set_transcript(corrected)
        self.transcriptCorrected.emit(corrected)

    def _menu(self, position) -> None:
        item = self.list.itemAt(position)
        if item is None or self.transcript is None or not item.data(_SPEAKER):
            return
        menu = QMenu(self)
        for label, operation in self.correction_actions(item.data(_SPEAKER)):
            menu.addAction(label).triggered.connect(lambda _=False, op=operation: self.apply_correction(op))
        menu.exec(self.list.viewport().mapToGlobal(position))
