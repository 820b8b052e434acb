"""First start and recovery (a window mix-in): check models and microphone, open the sample visit when no speech
model is installed, and offer to finish visits a crash or kill left in the journal."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

__all__ = ["StartupActions"]

log = logging.getLogger(__name__)


class StartupActions:
    """Mixed into :class:`app.ui.main_window.MainWindow`."""

    def run_startup_check(self, then: str = "") -> list[str]:
        """Check the microphone now and ask the model service to find, verify and load the models.

        Finding installed models hashes them the first time (gigabytes), so it happens on the model thread; the
        verdict arrives through ``modelsLoaded`` (or ``failed``) and :meth:`models_checked` tells the doctor.

        Args:
            then: ``"sample"`` opens the sample visit, ``"replay"`` replays it as a recording, once the models are
                known; with no speech model the sample opens anyway.

        Returns:
            The microphones found.
        """
        from app.capture import AudioDeviceError, list_input_devices

        devices, device_error = [], ""
        if self.stream_factory is None:
            try:
                devices = list_input_devices()
            except AudioDeviceError as error:
                device_error = str(error)
        self._microphone_problem = ""
        if self.stream_factory is None and not devices:
            self._microphone_problem = self.tr("No microphone found: %1").replace(
                "%1", device_error or self.tr("connect one and restart TingJi"))
        self.tell(self._microphone_problem)
        self._after_check, self.checking_models = then, True
        self.service.load(self.settings.engine_config())
        return [d.name for d in devices] if self.stream_factory is None else ["file input"]

    def models_checked(self, info: dict, problem: str = "") -> None:
        """The service found (or failed to load) the models: say what is missing, open the sample if needed.

        Only after :meth:`run_startup_check`; a plain reload of the models leaves the window as it is.
        """
        if not getattr(self, "checking_models", False):
            return
        self.checking_models = False
        lines = [problem] if problem else []
        if not info.get("asr"):
            lines.append(self.tr("No speech model is installed, so TingJi cannot transcribe yet. The sample visit is "
                                 "open so you can see the whole flow; the record is written without a language "
                                 "model. Ask IT to install the model packs (tingji models install)."))
        elif not info.get("diarization"):
            lines.append(self.tr("No speaker model is installed: the transcript will not tell doctor and patient "
                                 "apart."))
        if getattr(self, "_microphone_problem", ""):
            lines.append(self._microphone_problem)
        self.tell("\n".join(lines))
        then, self._after_check = getattr(self, "_after_check", ""), ""
        if then == "replay":
            self.replay_sample()
        elif self.visit is None and (then == "sample" or not info.get("asr")):
            self.open_sample()

    # -------------------------------------------------------------------------------------------- sample
    def open_sample(self) -> None:
        """Open the bundled sample visit: its reference transcript, and a record written by the extractive backend."""
        from app.live_replay import reference_transcript
        from app.sample_visit import load_sample_visit
        from app.ui.visit_state import VisitState

        sample = load_sample_visit()
        self.visit = VisitState(sample.id, sample.title, status="processing", template_id=self.header.template_id(),
                                reference=True, audio=sample.audio)
        self.visits[sample.id] = self.visit
        self.visit.transcript = reference_transcript(sample.utterances, language=sample.language,
                                                     duration=sample.duration)
        self.transcript_view.set_transcript(self.visit.transcript,
                                            self.tr("Sample visit: reference transcript, not recognised speech"))
        self._load_sample_audio(sample.audio)
        self.editor.begin_stream(self.templates[self.visit.template_id])
        self._set_status("processing")
        self.record_bar.set_state("processing")
        self.service.draft(self.visit.utterances, self.visit.template_id, self.visit.id)

    def _load_sample_audio(self, path: Path) -> None:
        from asr.audio import load_audio

        try:
            self.visit.samples = load_audio(path)
            self.player.set_audio(self.visit.samples)
        except Exception as error:  # noqa: BLE001 - replay is optional
            log.warning("sample audio unavailable: %s", error)

    def replay_sample(self, speed: float = 1.0) -> None:
        """Record the sample visit's audio as if it came from the microphone (its reference text stands in for
        recognised speech when no speech model is installed)."""
        from app.file_stream import file_stream_factory
        from app.sample_visit import load_sample_visit

        sample = load_sample_visit()
        replay = sample.utterances if not self.models.get("asr") else None
        self.start_recording(replay=replay, stream_factory=file_stream_factory(sample.audio, speed=speed),
                             title=sample.title)

    # ------------------------------------------------------------------------------------------ recovery
    def offer_recovery(self) -> list:
        """Show a bar for each visit a crash left unfinished; returns them."""
        from app.journal import find_interrupted

        interrupted = find_interrupted(self.journal_root) if self.journal_root.is_dir() else []
        for visit in interrupted:
            self._recovery_bar(visit)
        return interrupted

    def _recovery_bar(self, visit) -> QWidget:
        bar = QWidget()
        bar.setObjectName(f"recovery-{visit.visit_id}")
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("A visit from %1 was interrupted (%2 s of audio kept). Finish it?")
                       .replace("%1", visit.started[:16].replace("T", " ")).replace("%2", f"{visit.duration:.0f}"))
        label.setStyleSheet("background: #fff4e5; padding: 6px;")
        finish = QPushButton(self.tr("Finish the visit"))
        discard = QPushButton(self.tr("Discard"))
        row.addWidget(label, 1)
        row.addWidget(finish)
        row.addWidget(discard)
        finish.clicked.connect(lambda: (self.recover_visit(visit.folder), bar.deleteLater()))
        discard.clicked.connect(lambda: (self.discard_visit(visit.folder), bar.deleteLater()))
        self.centralWidget().layout().insertWidget(3, bar)
        return bar

    def recover_visit(self, folder: Path) -> None:
        """Finish an interrupted journal to an audio file and process it like a recorded visit."""
        from app.journal import finish, recover
        from app.ui.visit_state import VisitState

        folder = Path(folder)
        audio = finish(folder)
        self.visit = VisitState(folder.name, folder.name[10:15].replace("-", ":") or folder.name,
                                status="processing", template_id=self.header.template_id(), journal=folder,
                                audio=audio)
        self.visits[self.visit.id] = self.visit
        self.visit.samples = recover(folder).audio
        self.player.set_audio(self.visit.samples)
        self.transcript_view.clear(self.tr("Recovered visit"))
        self.editor.begin_stream(self.templates[self.visit.template_id])
        self._set_status("processing")
        self.record_bar.set_state("processing")
        self.service.process_file(audio, self.visit.template_id, self.visit.id)

    def discard_visit(self, folder: Path) -> None:
        from app.journal import discard

        discard(folder)
        self.tell(self.tr("The interrupted visit was discarded."))
