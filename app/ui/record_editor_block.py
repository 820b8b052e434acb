"""One section's block in the record editor: heading, "edited" and "regenerating" tags, a regenerate button, the text.

The block only lays out widgets; :class:`app.ui.record_editor.RecordEditor` fills it and reacts to it.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, QPoint, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QSizePolicy, QTextEdit, QToolButton, QVBoxLayout

__all__ = ["SectionEdit", "SectionBlock"]


class SectionEdit(QTextEdit):
    """A section's text: plain text only, as tall as its content, reports clicks and losing focus.

    Args:
        menu_for: Builds the context menu for a viewport position.

    Attributes:
        pressing: The left button is down in it (the caret follows the mouse; ``clicked`` comes on release).
    """

    focusLeft = Signal()
    clicked = Signal()

    def __init__(self, menu_for: Callable[[QPoint], QMenu]):
        super().__init__()
        self._menu_for = menu_for
        self.pressing = False
        self.setAcceptRichText(False)  # pasting inserts plain text only
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_):
        margins = self.contentsMargins()
        height = int(self.document().size().height()) + margins.top() + margins.bottom() + 4
        self.setFixedHeight(max(height, 2 * self.fontMetrics().lineSpacing()))

    def mousePressEvent(self, event):
        """Note a left press before the caret moves."""
        self.pressing = event.button() == Qt.LeftButton
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event):
        """Emit ``clicked`` after a left press and release (the caret is where the button went up)."""
        super().mouseReleaseEvent(event)
        if self.pressing:
            self.pressing = False
            self.clicked.emit()

    def inputMethodEvent(self, event):
        """Refuse typed Chinese when read-only (Qt lets an input method write into selectable read-only text)."""
        if self.isReadOnly():
            event.ignore()
            return
        super().inputMethodEvent(event)

    def focusOutEvent(self, event):
        """Emit ``focusLeft`` unless focus only went to a popup (the context menu)."""
        super().focusOutEvent(event)
        if event.reason() != Qt.PopupFocusReason:
            self.focusLeft.emit()

    def contextMenuEvent(self, event):
        """Show the menu the editor builds for this position."""
        menu = self._menu_for(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()


class SectionBlock(QFrame):
    """The widgets of one section (tags hidden, placeholder "Writing…").

    Attributes:
        title: The section heading.
        edited: The "Edited" tag.
        busy: The "Regenerating…" tag.
        regenerate: The regenerate button.
        edit: The section text.
    """

    def __init__(self, section_id: str, title: str, menu_for: Callable[[QPoint], QMenu]):
        super().__init__()
        self.setObjectName(f"section-{section_id}")
        self.title = QLabel(title)
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.edited = QLabel(QCoreApplication.translate("RecordEditor", "Edited"))
        self.edited.setToolTip(QCoreApplication.translate(
            "RecordEditor", "Changed by the doctor; its flags are checked again"))
        self.edited.setStyleSheet("color: #5f6b76;")
        self.busy = QLabel(QCoreApplication.translate("RecordEditor", "Regenerating…"))
        self.regenerate = QToolButton(text=QCoreApplication.translate("RecordEditor", "Regenerate"))
        self.regenerate.setToolTip(QCoreApplication.translate("RecordEditor",
                                                              "Write this section again from the visit"))
        self.edit = SectionEdit(menu_for)
        header = QHBoxLayout()
        for widget in (self.title, self.edited, self.busy):
            header.addWidget(widget)
        header.addStretch(1)
        header.addWidget(self.regenerate)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 4)
        column.addLayout(header)
        column.addWidget(self.edit)
        self.reset(title)

    def reset(self, title: str) -> None:
        """Empty the block, as when a record starts streaming in: tags hidden, text cleared, "Writing…" shown."""
        self.title.setText(title)
        self.edited.hide()
        self.busy.hide()
        self.edit.clear()
        self.edit.setPlaceholderText(QCoreApplication.translate("RecordEditor", "Writing…"))
