"""Today's visits with their status (recording, processing, draft, signed)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

__all__ = ["VisitsList", "STATUSES"]

STATUSES = ("recording", "processing", "draft", "signed", "interrupted")


class VisitsList(QWidget):
    """One row per visit of the day; clicking a row asks the window to open that visit."""

    visitActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.list = QListWidget()
        self.list.itemClicked.connect(lambda item: self.visitActivated.emit(item.data(Qt.UserRole)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Today's visits")))
        layout.addWidget(self.list)

    def status_label(self, status: str) -> str:
        return {"recording": self.tr("recording"), "processing": self.tr("processing"), "draft": self.tr("draft"),
                "signed": self.tr("signed"), "interrupted": self.tr("interrupted")}.get(status, status)

    def upsert(self, visit_id: str, title: str, status: str) -> None:
        """Add the visit or update its row."""
        text = f"{title} · {self.status_label(status)}"
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.UserRole) == visit_id:
                item.setText(text)
                item.setData(Qt.UserRole + 1, status)
                return
        item = QListWidgetItem(text)
        item.setData(Qt.UserRole, visit_id)
        item.setData(Qt.UserRole + 1, status)
        self.list.insertItem(0, item)

    def statuses(self) -> dict[str, str]:
        return {self.list.item(r).data(Qt.UserRole): self.list.item(r).data(Qt.UserRole + 1)
                for r in range(self.list.count())}
