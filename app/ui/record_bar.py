"""The recording controls: a large Record button, Pause/Resume, Stop, elapsed time, level meter, no-signal warning,
and the input device picker. It only shows state and emits the doctor's requests; the window drives the recorder."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

__all__ = ["RecordBar", "meter_value"]

METER_FLOOR_DBFS = -60.0


def meter_value(rms_dbfs: float) -> int:
    """Map a level in dBFS to the meter's 0–100 scale (−60 dBFS and below is empty, 0 dBFS full)."""
    return int(round(100 * min(1.0, max(0.0, (rms_dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS))))


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60:02d}:{seconds % 60:02d}"


class RecordBar(QWidget):
    """Record / Pause / Resume / Stop with the meter. States: idle, recording, paused, processing, lost."""

    recordRequested = Signal()
    pauseRequested = Signal()
    resumeRequested = Signal()
    stopRequested = Signal()
    deviceChanged = Signal(object)  # PortAudio device index, or None for the system default

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.record_button = QPushButton(self.tr("Record"))
        self.record_button.setObjectName("recordButton")
        self.record_button.setMinimumHeight(56)
        self.record_button.setMinimumWidth(140)
        self.record_button.setStyleSheet("QPushButton#recordButton { font-size: 18px; font-weight: bold; }")
        self.record_button.setShortcut(QKeySequence("Ctrl+R"))
        self.record_button.setToolTip(self.tr("Start recording the visit (Ctrl+R)"))
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setShortcut(QKeySequence("Ctrl+P"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setShortcut(QKeySequence("Ctrl+E"))
        self.stop_button.setToolTip(self.tr("Stop and write the record (Ctrl+E)"))
        self.elapsed_label = QLabel("00:00")
        self.elapsed_label.setStyleSheet("font-size: 18px; font-family: monospace;")
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(12)
        self.meter.setAccessibleName(self.tr("Input level"))
        self.signal_label = QLabel()
        self.signal_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.signal_label.setWordWrap(True)
        self.signal_label.hide()
        self.device_box = QComboBox()
        self.device_box.setToolTip(self.tr("Microphone"))
        self.device_box.currentIndexChanged.connect(lambda _: self.deviceChanged.emit(self.device_box.currentData()))

        self.record_button.clicked.connect(self.recordRequested)
        self.pause_button.clicked.connect(self._pause_clicked)
        self.stop_button.clicked.connect(self.stopRequested)

        meter_column = QVBoxLayout()
        meter_column.addWidget(self.meter)
        meter_column.addWidget(self.device_box)
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addWidget(self.pause_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.elapsed_label)
        row.addLayout(meter_column, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.signal_label)
        self.state = "idle"
        self.set_state("idle")

    def set_devices(self, devices, current=None) -> None:
        """Fill the picker: ``devices`` are :class:`app.capture.InputDevice`; the system default comes first."""
        self.device_box.blockSignals(True)
        self.device_box.clear()
        self.device_box.addItem(self.tr("System default microphone"), None)
        for device in devices:
            self.device_box.addItem(device.name, device.index)
            if device.index == current:
                self.device_box.setCurrentIndex(self.device_box.count() - 1)
        self.device_box.blockSignals(False)

    def set_state(self, state: str) -> None:
        """Enable what makes sense: ``idle``, ``recording``, ``paused``, ``processing`` or ``lost``."""
        self.state = state
        self.record_button.setEnabled(state == "idle")
        self.record_button.setText(self.tr("Recording…") if state in ("recording", "paused") else self.tr("Record"))
        self.pause_button.setEnabled(state in ("recording", "paused", "lost"))
        self.pause_button.setText(self.tr("Pause") if state == "recording" else self.tr("Resume"))
        self.stop_button.setEnabled(state in ("recording", "paused", "lost"))
        self.device_box.setEnabled(state in ("idle", "lost"))
        if state == "idle":
            self.meter.setValue(0)

    def _pause_clicked(self) -> None:
        (self.pauseRequested if self.state == "recording" else self.resumeRequested).emit()

    def show_level(self, rms_dbfs: float, elapsed: float) -> None:
        self.meter.setValue(meter_value(rms_dbfs))
        self.elapsed_label.setText(_clock(elapsed))

    def show_warning(self, message: str) -> None:
        """Show (non-empty) or clear (empty) the no-signal / device warning."""
        self.signal_label.setText(message)
        self.signal_label.setVisible(bool(message))
