"""The desktop client (PySide6): the only package that imports Qt.

Widgets hold no ML logic: model work runs in :class:`app.ui.model_service.ModelService` on its own thread, the
microphone in :class:`app.capture.Recorder`, and the window only sends requests and shows results.
"""
