"""The main window: header, recording controls, live transcript, record editor, QC list and today's visits.

The window holds no ML logic: it drives the :class:`app.capture.Recorder` (microphone → journal → live pipeline)
and asks the :class:`app.ui.model_service.ModelService` for transcripts and records, showing what comes back.
Output actions (sign, copy, exports) live in :mod:`app.ui.output_actions`; start-up checks and recovery in
:mod:`app.ui.startup`.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from app.ui.output_actions import OutputActions
from app.ui.patient_header import PatientHeader
from app.ui.player import EvidencePlayer
from app.ui.qc_panel import QcPanel
from app.ui.record_bar import RecordBar
from app.ui.record_editor import RecordEditor
from app.ui.settings import AppSettings
from app.ui.startup import StartupActions
from app.ui.stored_visits import StoredVisits
from app.ui.transcript_view import TranscriptView
from app.ui.visit_state import VisitState, new_visit_id
from app.ui.visits_list import VisitsList

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)


class MainWindow(OutputActions, StartupActions, StoredVisits, QMainWindow):
    """TingJi's window.

    Args:
        service: The model service (owns the models on its own thread).
        settings: Window settings.
        journal_root: Where visits are journaled while recorded.
        stream_factory: Input streams with the ``sounddevice.InputStream`` interface (a file stream in tests and
            the sample replay); sounddevice's by default.
        player: Evidence playback; sounddevice's output by default.
        archive: Where visits are kept (:class:`app.ui.visit_archive.VisitArchive`); nothing is kept when None.
    """


    def __init__(self, service, settings: AppSettings, journal_root: Path, *, stream_factory=None, player=None,
                 archive=None):
        super().__init__()
        from app.template_library import current_templates

        self.service = service
        self.settings = settings
        self.journal_root = Path(journal_root)
        self.stream_factory = stream_factory
        self.player = player or EvidencePlayer()
        from app.ui.ui_queue import UiQueue

        self.ui_queue = UiQueue(parent=self)  # results of the recorder's threads, run on the UI thread
        from app.ui.visit_archive import VisitArchive

        self.archive = archive or VisitArchive(None)
        self.recorder = None
        self.visit: VisitState | None = None
        self.visits: dict[str, VisitState] = {}
        self.models: dict = {}
        self.setWindowTitle(self.tr("TingJi — outpatient record assistant"))
        self.resize(1400, 860)

        self.templates = {t.id: t for t in current_templates()}
        self.header = PatientHeader(sorted(self.templates.values(), key=lambda t: (t.language != "zh", t.id)))
        self.header.set_template(settings.template_for(settings.doctor))
        self.header.templateChanged.connect(lambda tid: settings.remember_template(settings.doctor, tid))
        self.record_bar = RecordBar()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fff4e5; padding: 6px; border-radius: 4px;")
        self.notice.hide()
        self.stage_label = QLabel()
        self.stage_bar = QProgressBar()
        self.stage_bar.setRange(0, 100)
        self.stage_bar.setMaximumWidth(240)
        self.stage_bar.hide()
        self.transcript_view = TranscriptView()
        self.editor = RecordEditor()
        self.qc_panel = QcPanel()
        self.visits_list = VisitsList()
        self._build_buttons()
        self._layout()
        self._menus()
        self._connect()
        self.record_bar.set_devices(self._devices(), settings.input_device)

    # ------------------------------------------------------------------------------------------------ layout
    def _build_buttons(self) -> None:
        self.sign_button = QPushButton(self.tr("Sign"))
        self.copy_button = QPushButton(self.tr("Copy for EMR"))
        self.copy_button.setToolTip(self.tr("Copy the record as text for the EMR (Ctrl+Shift+C)"))
        self.pdf_button = QPushButton(self.tr("Export PDF"))
        self.fhir_button = QPushButton(self.tr("Export FHIR"))
        self.redraft_button = QPushButton(self.tr("Redraft record"))
        for button in (self.sign_button, self.copy_button, self.pdf_button, self.fhir_button, self.redraft_button):
            button.setEnabled(False)

    def _layout(self) -> None:
        stages = QHBoxLayout()
        stages.addWidget(self.stage_label, 1)
        stages.addWidget(self.stage_bar)
        buttons = QHBoxLayout()
        for button in (self.redraft_button, self.sign_button, self.copy_button, self.pdf_button, self.fhir_button):
            buttons.addWidget(button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.editor, 3)
        right_layout.addWidget(self.qc_panel, 1)
        right_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.visits_list)
        splitter.addWidget(self.transcript_view)
        splitter.addWidget(right)
        splitter.setSizes([200, 480, 720])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.header)
        layout.addWidget(self.record_bar)
        layout.addWidget(self.notice)
        layout.addLayout(stages)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

    def _menus(self) -> None:
        visit_menu = self.menuBar().addMenu(self.tr("&Visit"))
        self.sample_action = QAction(self.tr("Open the sample visit"), self)
        self.sample_action.triggered.connect(self.open_sample)
        self.replay_action = QAction(self.tr("Replay the sample visit as a recording"), self)
        self.replay_action.triggered.connect(self.replay_sample)
        self.copy_action = QAction(self.tr("Copy for EMR"), self)
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.setShortcutContext(Qt.ApplicationShortcut)
        self.copy_action.triggered.connect(self.copy_record)
        self.patient_pdf_action = QAction(self.tr("Export instructions for the patient (PDF)"), self)
        self.patient_pdf_action.triggered.connect(lambda: self.export_pdf_dialog(patient_version=True))
        for action in (self.sample_action, self.replay_action, self.copy_action, self.patient_pdf_action):
            visit_menu.addAction(action)
        self.addAction(self.copy_action)
        language_menu = self.menuBar().addMenu(self.tr("&Language"))
        from app.ui.i18n import LANGUAGES

        for code, label in LANGUAGES.items():
            action = language_menu.addAction(label)
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
        templates_menu = self.menuBar().addMenu(self.tr("&Templates"))
        self.manage_templates_action = templates_menu.addAction(self.tr("Manage templates…"))
        self.manage_templates_action.triggered.connect(self.manage_templates)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("Check models and microphone")).triggered.connect(self.check_again)

    def _connect(self) -> None:
        bar, service = self.record_bar, self.service
        bar.recordRequested.connect(self.start_recording)
        bar.pauseRequested.connect(lambda: self.recorder and self.recorder.pause())
        bar.resumeRequested.connect(self.resume_recording)
        bar.stopRequested.connect(self.stop_recording)
        bar.deviceChanged.connect(self._device_chosen)
        service.modelsLoaded.connect(self._on_models_loaded)
        service.segmentRecognised.connect(self.transcript_view.add_live)
        service.stageChanged.connect(self._on_stage)
        service.transcriptReady.connect(self._on_transcript)
        service.sectionText.connect(self._on_section_text)
        service.recordReady.connect(self._on_record)
        service.sectionRegenerated.connect(self._on_section_regenerated)
        service.failed.connect(self._on_failed)
        self.editor.sentenceActivated.connect(self.show_evidence)
        self.editor.regenerateRequested.connect(self.regenerate_section)
        self.editor.recordChanged.connect(self.refresh_checks)
        self.editor.flagReviewed.connect(lambda *_: self.refresh_checks())
        self.qc_panel.findingActivated.connect(self._on_finding)
        self.qc_panel.findingReviewed.connect(self._on_finding_reviewed)
        self.transcript_view.transcriptCorrected.connect(self._on_transcript_corrected)
        self.transcript_view.utteranceActivated.connect(self._play_utterance)
        self.visits_list.visitActivated.connect(self.open_visit)
        self.sign_button.clicked.connect(self.sign_record)
        self.copy_button.clicked.connect(self.copy_record)
        self.pdf_button.clicked.connect(lambda: self.export_pdf_dialog())
        self.fhir_button.clicked.connect(self.export_fhir_dialog)
        self.redraft_button.clicked.connect(self.redraft)

    # ------------------------------------------------------------------------------------------- templates
    def manage_templates(self) -> None:
        """Templates ▸ Manage templates… (admins only: see :mod:`app.ui.template_admin`)."""
        from app.ui.template_admin import open_template_admin

        self.template_admin = open_template_admin(self) or getattr(self, "template_admin", None)

    def reload_templates(self) -> None:
        """Read the templates again (after a publish): the header lists, and new visits use, the newest versions."""
        from app.template_library import current_templates

        self.templates = {t.id: t for t in current_templates()}
        combo, chosen = self.header.template, self.header.template_id()
        combo.blockSignals(True)
        combo.clear()
        for template in sorted(self.templates.values(), key=lambda t: (t.language != "zh", t.id)):
            combo.addItem(f"{template.department} · {template.title}", template.id)
        combo.blockSignals(False)
        self.header.set_template(chosen)

    # -------------------------------------------------------------------------------------------- messages
    def tell(self, message: str) -> None:
        """Show a message for the doctor above the panes (empty: hide it) and in the status bar."""
        self.notice.setText(message)
        self.notice.setVisible(bool(message))
        if message:
            self.statusBar().showMessage(message, 15000)

    def _set_status(self, status: str) -> None:
        if self.visit is not None:
            self.visit.status = status
            self.visits_list.upsert(self.visit.id, self.visit.title, status)
        has_record = self.visit is not None and self.visit.record is not None
        signed = status == "signed"
        self.sign_button.setEnabled(has_record and status == "draft")
        for button in (self.copy_button, self.pdf_button, self.fhir_button):
            button.setEnabled(has_record and status in ("draft", "signed"))
        self.redraft_button.setEnabled(self.visit is not None and self.visit.transcript is not None
                                       and status == "draft")
        self.editor.set_read_only(signed)

    # ------------------------------------------------------------------------------------------- recording
    def _devices(self):
        from app.capture import AudioDeviceError, list_input_devices

        if self.stream_factory is not None:
            return []
        try:
            return list_input_devices()
        except AudioDeviceError as error:
            self.tell(str(error))
            return []

    def _device_chosen(self, device) -> None:
        self.settings.input_device = device

    def start_recording(self, *, replay=None, stream_factory=None, title: str = "") -> None:
        """Record a new visit from the chosen microphone (or the given stream, for the sample replay)."""
        from app.capture import AudioDeviceError, Recorder
        from app.journal import JournalError

        if self.recorder is not None and self.record_bar.state != "idle":
            return
        visit_id = new_visit_id()
        name = self.header.patient().name
        self.visit = VisitState(visit_id, title or name or visit_id[10:15].replace("-", ":"),
                                template_id=self.header.template_id(), reference=replay is not None)
        self.visits[visit_id] = self.visit
        self.recorder = Recorder(self.journal_root, device=self.settings.input_device,
                                 stream_factory=stream_factory or self.stream_factory)
        self.recorder.add_listener(lambda event: self.ui_queue.post(self._on_recorder_event, event))
        self.recorder.subscribe(lambda block: self.service.push(block.samples))
        self.transcript_view.clear(self.tr("Sample visit: reference transcript, not recognised speech")
                                   if replay is not None else "")
        self.editor.begin_stream(self.templates[self.visit.template_id])
        self.qc_panel.set_findings([])
        self.service.start_visit(visit_id, replay=replay)
        try:
            self.visit.journal = self.recorder.start(visit_id=visit_id,
                                                     meta={"template": self.visit.template_id})
        except (AudioDeviceError, JournalError) as error:
            self.service.abort_visit()
            self.recorder = None
            self.visits.pop(visit_id, None)
            self.visit = None
            self.tell(self.tr("Cannot start recording: %1").replace("%1", str(error)))
            return
        self.tell("")
        if replay is None:
            self.visit.store_id = self.archive.begin(self.visit, doctor=self.settings.doctor,
                                                     patient=self.header.patient(), kind=self.header.visit_kind(),
                                                     template=self.templates[self.visit.template_id])
        self._set_status("recording")
        self.record_bar.set_state("recording")
        self._archive_problems()

    def resume_recording(self) -> None:
        if self.recorder is None:
            return
        try:
            self.recorder.resume(self.settings.input_device if self.record_bar.state == "lost" else None)
        except Exception as error:  # noqa: BLE001 - the device may still be missing
            self.tell(self.tr("Cannot resume: %1").replace("%1", str(error)))

    def stop_recording(self) -> None:
        """Stop: the audio is finished to a file in the background while the models finish the visit."""
        if self.recorder is None or self.visit is None:
            return
        self.recorder.stop()
        self.record_bar.set_state("processing")
        self._set_status("processing")
        visit = self.visit
        self.service.stop_visit(visit.template_id, visit.id)
        threading.Thread(target=self._finish_audio, args=(visit,), name="journal-finish", daemon=True).start()

    def _finish_audio(self, visit: VisitState) -> None:
        """Finish the journal to a WAV file (written with the standard library: PyAV encoding FLAC on this thread
        while the model thread worked crashed the process here) and hand the audio to the player."""
        from app.journal import finish, recover

        try:
            visit.audio = finish(visit.journal, fmt="wav")
            self.ui_queue.post(self._on_audio_ready, visit.id, recover(visit.journal).audio)
        except Exception as error:  # noqa: BLE001 - the journal stays on disk and is offered for recovery
            log.exception("finishing the journal of %s failed", visit.id)
            self.ui_queue.post(self._on_audio_ready, visit.id, None)
            self.ui_queue.post(self.tell, str(error))

    def _on_audio_ready(self, visit_id: str, audio) -> None:
        visit = self.visits.get(visit_id)
        if visit is None:
            return
        visit.samples = audio
        if visit is self.visit:
            self.player.set_audio(audio)
        if visit.store_id and visit.audio is not None and self.archive.audio(visit.store_id, visit.audio,
                                                                             len(audio) / 16000 if audio is not None
                                                                             else None):
            from app.journal import discard

            discard(visit.journal)  # the audio is now encrypted in the store; no plaintext copy stays behind
            visit.audio = None
        self._archive_problems()

    def _archive_problems(self) -> None:
        if self.archive.problems:
            self.tell("\n".join(self.archive.problems))
            self.archive.problems.clear()

    def _on_recorder_event(self, event) -> None:
        from app.capture import LevelChanged, NoSignalChanged, RecorderState, StateChanged

        if isinstance(event, LevelChanged):
            self.record_bar.show_level(event.rms_dbfs, event.elapsed)
        elif isinstance(event, NoSignalChanged):
            self.record_bar.show_warning(event.message)
        elif isinstance(event, StateChanged):
            if event.message:
                self.tell(event.message)
            if event.state is RecorderState.PAUSED:
                self.record_bar.set_state("paused")
            elif event.state is RecorderState.RECORDING:
                self.record_bar.set_state("recording")
            elif event.state is RecorderState.DEVICE_LOST:
                self.record_bar.set_state("lost")
            elif event.state is RecorderState.FAILED:
                self.stop_recording()
            elif event.state is RecorderState.STOPPED and event.cause == "end_of_input" and \
                    self.record_bar.state in ("recording", "paused"):
                self.stop_recording()  # the replayed file ended

    # ------------------------------------------------------------------------------------ processing results
    def check_again(self) -> None:
        """Help ▸ Check models and microphone."""
        self.run_startup_check()

    def _on_models_loaded(self, info: dict) -> None:
        self.models = info
        self.models_checked(info)

    def _on_stage(self, stage: str, fraction: float) -> None:
        names = {"asr": self.tr("Transcribing the last words"), "diarization": self.tr("Separating speakers"),
                 "labelling": self.tr("Labelling doctor and patient"), "record": self.tr("Writing the record"),
                 "load-asr": self.tr("Loading the speech model"),
                 "load-diarization": self.tr("Loading the speaker model")}
        self.stage_label.setText(names.get(stage, stage))
        self.stage_bar.setVisible(fraction < 1.0 or stage != "record")
        self.stage_bar.setValue(int(100 * fraction))

    def _on_transcript(self, transcript) -> None:
        if self.visit is None:
            return
        self.visit.transcript = transcript
        if self.visit.store_id:
            self.archive.transcript(self.visit.store_id, transcript)
        caption = self.tr("Sample visit: reference transcript, not recognised speech") if self.visit.reference \
            else self.tr("%1 utterances · right-click to correct a speaker").replace(
                "%1", str(len(transcript.utterances)))
        self.transcript_view.set_transcript(transcript, caption)
        if not transcript.utterances:
            self.tell(self.tr("No speech was recognised in this visit; the audio is kept."))

    def _on_section_text(self, section_id: str, text: str) -> None:
        from summarizer.llm_parse import split_sentences
        from summarizer.record import RecordSection, Sentence

        if self.visit is None:
            return
        template = self.templates[self.visit.template_id]
        title = next((s.title for s in template.sections if s.id == section_id), section_id)
        sentences = tuple(Sentence(t) for t in split_sentences(text, template.language)) or (Sentence(text),)
        self.editor.set_section(RecordSection(section_id, title, sentences))

    def _on_record(self, record) -> None:
        if self.visit is None:
            return
        self.visit.record = record
        if self.visit.store_id:
            self.archive.record(self.visit.store_id, record, author=f"tingji:{record.provenance.backend}",
                                reason="generate")
            self._archive_problems()
        self.editor.set_record(record, self.visit.utterances)
        self.stage_bar.hide()
        self.stage_label.setText(self.tr("Draft ready: check the flagged sentences, then sign"))
        self.record_bar.set_state("idle")
        self._set_status("draft")
        self.refresh_checks()

    def _on_failed(self, stage: str, message: str) -> None:
        self.stage_bar.hide()
        if stage == "load":  # e.g. an installed model that fails verification: go on without it
            self.models = {"asr": "", "diarization": "", "backend": self.service.config.backend}
            self.models_checked(self.models, self.tr("%1 failed: %2").replace("%1", stage).replace("%2", message))
            return
        self.tell(self.tr("%1 failed: %2").replace("%1", stage).replace("%2", message))
        if self.record_bar.state == "processing":
            self.record_bar.set_state("idle")
            self._set_status("draft" if self.visit and self.visit.record else "interrupted")

    # ---------------------------------------------------------------------------------------------- editor
    def refresh_checks(self) -> None:
        """Re-run QC on the record as the doctor left it."""
        from summarizer.qc import run_qc

        if self.visit is None or self.visit.record is None:
            return
        self.visit.record = self.editor.current_record()
        findings = run_qc(self.visit.record, self.templates[self.visit.template_id])
        from dataclasses import replace

        findings = [replace(f, reviewed=f.id in self.visit.reviewed_findings) for f in findings]
        self.qc_panel.set_findings(findings)

    def _on_finding(self, section_id: str, index: int) -> None:
        self.editor.focus_sentence(section_id, index)

    def _on_finding_reviewed(self, finding_id: str, reviewed: bool) -> None:
        if self.visit is not None:
            (self.visit.reviewed_findings.add if reviewed else self.visit.reviewed_findings.discard)(finding_id)
            if reviewed and self.visit.store_id:
                self.archive.review(self.visit.store_id, finding_id, self.settings.doctor)

    def show_evidence(self, section_id: str, index: int, utterance_ids) -> None:
        """Highlight a sentence's supporting utterances and play their audio."""
        from summarizer.support import evidence_span

        self.transcript_view.highlight(utterance_ids)
        span = evidence_span(utterance_ids, self.visit.utterances) if self.visit else None
        if span is None:
            self.statusBar().showMessage(self.tr("This sentence has no supporting utterance"), 8000)
            return
        problem = self.player.play(*span)
        if problem:
            self.statusBar().showMessage(problem, 8000)

    def _play_utterance(self, utterance_id: str) -> None:
        if self.visit is None:
            return
        for u in self.visit.utterances:
            if u.id == utterance_id:
                self.player.play(u.start, u.end)

    def regenerate_section(self, section_id: str) -> None:
        if self.visit is None or self.visit.transcript is None:
            return
        self.editor.set_busy(section_id, True)
        self.service.regenerate(self.visit.utterances, self.visit.template_id, section_id, self.visit.id)

    def _on_section_regenerated(self, section) -> None:
        self.editor.set_busy(section.id, False)
        self.editor.set_section(section)
        self.refresh_checks()
        if self.visit is not None and self.visit.store_id:
            self.archive.record(self.visit.store_id, self.visit.record, author=self.settings.doctor,
                                reason="regenerate-section")

    def _on_transcript_corrected(self, transcript) -> None:
        if self.visit is not None:
            self.visit.transcript = transcript
            self.tell(self.tr("Speakers corrected: press 'Redraft record' to write the record again"))

    def redraft(self) -> None:
        if self.visit is None or self.visit.transcript is None:
            return
        self.record_bar.set_state("processing")
        self._set_status("processing")
        self.editor.begin_stream(self.templates[self.visit.template_id])
        self.service.draft(self.visit.utterances, self.visit.template_id, self.visit.id)

    def open_visit(self, visit_id: str) -> None:
        """Show another visit of today."""
        visit = self.visits.get(visit_id)
        if visit is None or visit is self.visit or self.record_bar.state != "idle":
            return
        if not self.open_stored_visit(visit):
            return
        self.visit = visit
        if visit.transcript is not None:
            self.transcript_view.set_transcript(visit.transcript)
        else:
            self.transcript_view.clear(self.tr("No transcript was stored for this visit"))
        if visit.record is not None:
            self.editor.set_record(visit.record, visit.utterances)
            self.refresh_checks()
        elif visit.template_id in self.templates:  # no draft yet: empty sections, not the previous visit's
            self.editor.begin_stream(self.templates[visit.template_id])
            self.qc_panel.set_findings([])
        self._set_status(visit.status)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.recorder is not None and self.record_bar.state in ("recording", "paused", "lost"):
            self.recorder.stop()  # the journal keeps the audio; the next start offers to finish the visit
        self.service.shutdown()
        self.archive.close()
        super().closeEvent(event)
