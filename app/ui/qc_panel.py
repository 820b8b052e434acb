"""The QC panel: the record's 病历质控 findings, errors first, each one a click away from its place in the record.

:class:`QcPanel` only shows what :func:`summarizer.qc.run_qc` found; it keeps the doctor's "reviewed" ticks by
:attr:`summarizer.qc.Finding.id`, so a tick survives the re-runs that follow every edit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QStyle, QVBoxLayout, QWidget

from summarizer.qc import SEVERITIES, Finding

__all__ = ["QcPanel"]

_ID, _PLACE = Qt.UserRole, Qt.UserRole + 1
_ICONS = {"error": QStyle.SP_MessageBoxCritical, "warning": QStyle.SP_MessageBoxWarning,
          "info": QStyle.SP_MessageBoxInformation}
_COLOURS = {"error": "#a11d12", "warning": "#8a5a00", "info": "#2f5d8a"}


class QcPanel(QWidget):
    """A list of QC findings with a count by severity; a click jumps to the finding, a tick marks it reviewed.

    Signals:
        findingActivated(section_id, sentence_index): a finding was clicked (or Enter pressed on it);
            ``sentence_index`` is -1 for a finding about the whole section.
        findingReviewed(finding_id, reviewed): the doctor ticked or unticked a finding.
    """

    findingActivated = Signal(str, int)
    findingReviewed = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._findings: list[Finding] = []
        self._reviewed: set[str] = set()
        self._toggled: QListWidgetItem | None = None
        self._filling = False
        self.header = QLabel()
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemChanged.connect(self._on_changed)
        self.list.itemClicked.connect(self._on_clicked)
        self.list.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.list)
        self._update_header()

    def set_findings(self, findings: Sequence[Finding]) -> None:
        """Show these findings, errors first (then warnings, then info; otherwise in the order given).

        A finding is shown ticked when it says it was reviewed or the doctor ticked the same id here before.
        """
        rank = {severity: i for i, severity in enumerate(SEVERITIES)}
        self._findings = sorted(findings, key=lambda f: rank.get(f.severity, len(rank)))
        self._reviewed |= {f.id for f in self._findings if f.reviewed}
        self._filling = True
        try:
            self.list.clear()
            for finding in self._findings:
                self.list.addItem(self._item(finding))
        finally:
            self._filling = False
        self._update_header()

    def findings(self) -> list[Finding]:
        """The findings as shown (errors first), ``reviewed`` as ticked."""
        return [replace(f, reviewed=f.id in self._reviewed) for f in self._findings]

    def reviewed_ids(self) -> set[str]:
        """Ids of the findings the doctor has ticked (kept across :meth:`set_findings`)."""
        return set(self._reviewed)

    def _item(self, finding: Finding) -> QListWidgetItem:
        title = finding.section_title or finding.section_id
        item = QListWidgetItem(self.style().standardIcon(_ICONS[finding.severity]), f"{title} · {finding.message}")
        item.setData(_ID, finding.id)
        item.setData(_PLACE, (finding.section_id, -1 if finding.sentence_index is None else finding.sentence_index))
        item.setToolTip(self._severity_name(finding.severity))
        item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable)
        item.setCheckState(Qt.Checked if finding.id in self._reviewed else Qt.Unchecked)
        self._style(item, finding.severity)
        return item

    def _style(self, item: QListWidgetItem, severity: str) -> None:
        reviewed = item.checkState() == Qt.Checked
        item.setForeground(QBrush(QColor("#7a7a7a" if reviewed else _COLOURS[severity])))
        font = QFont(item.font())
        font.setStrikeOut(reviewed)
        item.setFont(font)

    def _severity_name(self, severity: str) -> str:
        return {"error": self.tr("Error: fix before signing"), "warning": self.tr("Warning: check"),
                "info": self.tr("Note")}[severity]

    def _update_header(self) -> None:
        open_ = [f for f in self._findings if f.id not in self._reviewed]
        errors, warnings, notes = (sum(f.severity == s for f in open_) for s in SEVERITIES)
        reviewed = len(self._findings) - len(open_)
        parts = [
            (self.tr("1 error") if errors == 1 else self.tr("%n errors", "", errors)) if errors else "",
            (self.tr("1 warning") if warnings == 1 else self.tr("%n warnings", "", warnings)) if warnings else "",
            (self.tr("1 note") if notes == 1 else self.tr("%n notes", "", notes)) if notes else "",
            self.tr("%n reviewed", "", reviewed) if reviewed else "",
        ]
        parts = [p for p in parts if p]
        self.header.setText(" · ".join(parts) if parts else self.tr("No QC findings"))

    def _on_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        finding_id, reviewed = item.data(_ID), item.checkState() == Qt.Checked
        if reviewed == (finding_id in self._reviewed):
            return  # a change of colour or font, not of the tick
        (self._reviewed.add if reviewed else self._reviewed.discard)(finding_id)
        self._toggled = item  # the click that follows (same mouse release) must not jump
        QTimer.singleShot(0, self._forget_toggle)
        severity = next(f.severity for f in self._findings if f.id == finding_id)
        self._style(item, severity)
        self._update_header()
        self.findingReviewed.emit(finding_id, reviewed)

    def _forget_toggle(self) -> None:
        self._toggled = None

    def _on_clicked(self, item: QListWidgetItem) -> None:
        if item is not self._toggled:  # a click on the tick box only ticks
            self._activate(item)

    def _activate(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            section_id, index = item.data(_PLACE)
            self.findingActivated.emit(section_id, int(index))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on the current finding jumps to it, as a click does."""
        if watched is self.list and event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self._activate(self.list.currentItem())
            return True
        return super().eventFilter(watched, event)

