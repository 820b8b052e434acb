"""The visit benchmark's timeline as a PNG, drawn with Qt's QImage/QPainter offscreen (no plotting library)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

__all__ = ["draw_timeline"]

_COLOURS = {"asr": "#1f77b4", "diarization": "#ff7f0e", "asr tail": "#1f77b4", "diarization tail": "#ff7f0e",
            "labelling": "#2ca02c", "facts + prompts": "#9467bd", "llm": "#d62728", "record check": "#8c564b"}


def _row(stage: str) -> str:
    """Every ``llm <section>`` span shares its stage's row (``llm``, ``naive llm``)."""
    head, found, _ = stage.partition("llm")
    return head + "llm" if found else stage


def draw_timeline(spans: Sequence[tuple[str, float, float]], path: Path, *, stop_at: float, title: str,
                  note_at: float | None = None, width: int = 1400) -> Path:
    """Draw one row per stage (busy intervals as bars) with Stop marked, a full view and a zoom on the end.

    Args:
        spans: ``(stage, start s, end s)``; the ``llm <section>`` spans of a stage share one row.
        path: The PNG to write.
        stop_at: Seconds at which Stop was pressed.
        title: Heading.
        note_at: Seconds at which the record was complete (the zoomed panel ends there).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

    from app.qt_app import ensure_application

    ensure_application()  # text needs a font database

    rows = list(dict.fromkeys(_row(s) for s, _, _ in spans))
    end = max([e for _, _, e in spans] + [stop_at + 1.0])
    label_w, row_h, top, gap = 150, 22, 40, 50
    panel_h = row_h * max(1, len(rows)) + 30
    height = top + 2 * panel_h + gap + 20
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(QFont("sans", 10))
    painter.drawText(10, 22, title)
    zoom_start = max(0.0, stop_at - 10.0)
    zoom_end = min(end, note_at + 2.0) if note_at else end
    for panel, (t0, t1, name) in enumerate(((0.0, end, "whole run"),
                                            (zoom_start, zoom_end, "from 10 s before Stop to the record"))):
        y0 = top + panel * (panel_h + gap)
        plot_w = width - label_w - 20
        scale = plot_w / max(t1 - t0, 1e-6)

        def x(t):
            return label_w + (min(max(t, t0), t1) - t0) * scale

        painter.setPen(QPen(QColor("black")))
        painter.drawText(10, y0 - 6, name)
        for i, row in enumerate(rows):
            painter.drawText(10, y0 + i * row_h + 15, row)
            painter.setPen(QPen(QColor("#dddddd")))
            painter.drawLine(label_w, y0 + (i + 1) * row_h, width - 20, y0 + (i + 1) * row_h)
            painter.setPen(QPen(QColor("black")))
        for stage, s, e in spans:
            if e < t0 or s > t1:
                continue
            i = rows.index(_row(stage))
            colour = QColor("#7f7f7f" if stage.startswith("naive") else _COLOURS.get(_row(stage), "#7f7f7f"))
            painter.fillRect(QRectF(x(s), y0 + i * row_h + 3, max(1.0, x(e) - x(s)), row_h - 6), colour)
        axis_y = y0 + len(rows) * row_h + 4
        painter.drawLine(label_w, axis_y, width - 20, axis_y)
        for k in range(11):
            t = t0 + (t1 - t0) * k / 10
            painter.drawText(int(x(t)) - 15, axis_y + 16, f"{t:.0f}s" if t1 - t0 > 20 else f"{t:.1f}s")
        painter.setPen(QPen(QColor("red"), 2, Qt.PenStyle.DashLine))
        painter.drawLine(int(x(stop_at)), y0, int(x(stop_at)), axis_y)
        painter.drawText(int(x(stop_at)) + 4, y0 + 12, "Stop")
    painter.end()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path
