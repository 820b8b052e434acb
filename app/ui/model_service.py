"""The one queue that owns the models: a QObject whose jobs run on one worker thread, answered with typed signals.

The window never calls a model. It asks this service (``load``, ``start_visit``, ``stop_visit``, ``draft``,
``regenerate``, ``process_file``); each request is queued to the service's thread and answered with typed signals,
which Qt delivers queued on the UI thread. Models load once and stay loaded between visits. Audio blocks go straight
from the recorder's writer thread to the live pipeline's queues through :meth:`ModelService.push`, which never blocks.

The worker is a Python thread, not a ``QThread``: PyTorch (pybind11) code run on a thread that PySide6 started
deadlocked here acquiring the GIL it already held (seen in ``Tensor.__getitem__`` during diarization), while the same
code on a Python thread does not. The worker never emits a signal itself: it posts each one to a
:class:`app.ui.ui_queue.UiQueue`, so signals are emitted on the UI thread (see that module for why).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from app.ui.engine_config import EngineConfig
from app.ui.ui_queue import UiQueue

__all__ = ["ModelService", "Cancelled"]

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """The doctor cancelled the running job."""


class ModelService(QObject):
    """Models and the jobs that use them, on one worker thread.

    Signals carry plain Python objects (the interchange dataclasses); they arrive on the UI thread queued.
    """

    modelsLoaded = Signal(dict)  # {"asr": name or "", "diarization": name or "", "backend": name}
    segmentRecognised = Signal(object)  # asr Segment (live) or reference Utterance (sample replay)
    stageChanged = Signal(str, float)  # stage name, fraction done
    transcriptReady = Signal(object)  # LabelledTranscript
    sectionText = Signal(str, str)  # section id, text streamed so far for it
    recordReady = Signal(object)  # Record (verified)
    sectionRegenerated = Signal(object)  # RecordSection (verified)
    failed = Signal(str, str)  # stage, message for the doctor
    idle = Signal()  # the job finished (successfully or not)

    def __init__(self, config: EngineConfig | None = None):
        super().__init__()
        self.config = config or EngineConfig()
        self._engines: dict[str, tuple] = {}  # kind -> (folder, engine)
        self._drafter = None
        self._drafter_key = None
        self._live = None
        self._pending: list = []
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._jobs: queue.Queue = queue.Queue()
        self._ui = UiQueue(parent=self)
        self._thread = threading.Thread(target=self._serve, name="tingji-models", daemon=True)
        self._thread.start()

    def _request_job(self, request) -> None:
        self._jobs.put(request)

    # ------------------------------------------------------------------------------------- UI-thread requests
    def load(self, config: EngineConfig | None = None) -> None:
        """Load (or reload, when the config changed) the speech models; answers with ``modelsLoaded``."""
        self._request_job(("load", config or self.config))

    def start_visit(self, visit_id: str, replay=None) -> None:
        """Begin a live visit; ``replay`` (reference utterances) replays the sample instead of recognising."""
        with self._lock:
            self._live, self._pending = None, []
        self._request_job(("start", visit_id, replay))

    def push(self, samples) -> None:
        """Hand one block of 16 kHz mono audio to the live pipeline (any thread; never blocks)."""
        with self._lock:
            if self._live is None:
                self._pending.append(samples)
                return
            live = self._live
        live.push(samples)

    def stop_visit(self, template, visit_id: str) -> None:
        """Finish the live visit, then draft its record (``transcriptReady`` then ``recordReady``)."""
        self._cancel.clear()
        self._request_job(("stop", template, visit_id))

    def abort_visit(self) -> None:
        """Drop the live pipeline without a record (the audio stays in the journal)."""
        self._request_job(("abort",))

    def draft(self, utterances, template, visit_id: str) -> None:
        """Draft a record from a transcript (e.g. after the doctor corrected the roles)."""
        self._cancel.clear()
        self._request_job(("draft", tuple(utterances), template, visit_id))

    def regenerate(self, utterances, template, section_id: str, visit_id: str) -> None:
        """Draft one section again; answers with ``sectionRegenerated``."""
        self._cancel.clear()
        self._request_job(("regenerate", tuple(utterances), template, section_id, visit_id))

    def process_file(self, path, template, visit_id: str) -> None:
        """A recorded file (a recovered visit): transcribe, label and draft it."""
        self._cancel.clear()
        self._request_job(("file", path, template, visit_id))

    def cancel(self) -> None:
        """Ask the running job to stop at its next check."""
        self._cancel.set()

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Stop the thread (after the running job)."""
        self._cancel.set()
        with self._lock:
            live = self._live
        if live is not None:
            live.abort()
        self._jobs.put(None)
        self._thread.join(timeout_ms / 1000)

    # ------------------------------------------------------------------------------------ service thread
    def _emit(self, signal, *args) -> None:
        """Emit ``signal(*args)`` on the UI thread."""
        self._ui.post(signal.emit, *args)

    def _serve(self) -> None:
        while True:
            request = self._jobs.get()
            if request is None:
                return
            self._handle(request)

    def _handle(self, request) -> None:
        kind, *args = request
        try:
            getattr(self, f"_do_{kind}")(*args)
        except Cancelled:
            self._emit(self.failed, kind, "cancelled")
        except Exception as error:  # noqa: BLE001 - every failure is told to the doctor, the app goes on
            log.exception("model job %s failed", kind)
            self._emit(self.failed, kind, " ".join(str(error).split()) or type(error).__name__)
        finally:
            self._emit(self.idle)

    def _engine(self, kind: str, folder):
        if folder is None:
            return None
        cached = self._engines.get(kind)
        if cached and cached[0] == folder:
            return cached[1]
        self._emit(self.stageChanged, f"load-{kind}", 0.0)
        if kind == "asr":
            from asr.model import load_whisper

            engine = load_whisper(folder, device=self.config.device, threads=self.config.threads)
        else:
            from diarization.model import load_diarization

            engine = load_diarization(folder, device="cpu" if self.config.device == "auto" else self.config.device)
        self._engines[kind] = (folder, engine)
        self._emit(self.stageChanged, f"load-{kind}", 1.0)
        return engine

    def _do_load(self, config: EngineConfig) -> None:
        self.config = config.resolved()
        asr = self._engine("asr", self.config.asr_model)
        diarization = self._engine("diarization", self.config.diarization_model) if asr else None
        self._emit(self.modelsLoaded, {"asr": asr.info.name if asr else "",
                                "diarization": self.config.diarization_model.name if diarization else "",
                                "backend": self.config.backend})

    def _do_start(self, visit_id: str, replay) -> None:
        if replay is not None:
            from app.live_replay import ReplayVisit

            live = ReplayVisit(replay, on_segment=lambda s: self._emit(self.segmentRecognised, s))
        else:
            asr = self._engine("asr", self.config.asr_model)
            if asr is None:
                raise RuntimeError("no speech model is installed, so nothing can be transcribed; the audio is kept "
                                   "and can be processed once IT installs a model (tingji models install)")
            from app.live import LiveVisit, live_diarization_options
            from asr.types import TranscriptionOptions

            diarization = self._engine("diarization", self.config.diarization_model)
            live = LiveVisit(asr, diarization, asr_options=TranscriptionOptions(language=self.config.language),
                             diarization_options=live_diarization_options(diarization) if diarization else None,
                             on_segment=lambda s: self._emit(self.segmentRecognised, s))
        with self._lock:
            pending, self._pending, self._live = self._pending, [], live
        for samples in pending:
            live.push(samples)

    def _do_abort(self) -> None:
        with self._lock:
            live, self._live = self._live, None
        if live is not None:
            live.abort()

    def _do_stop(self, template, visit_id: str) -> None:
        with self._lock:
            live, self._live = self._live, None
        if live is None:
            raise RuntimeError("no visit is being recorded")
        transcript = live.stop(progress=lambda stage, f: self._emit(self.stageChanged, stage, f),
                               cancel=self._cancel.is_set)
        self._emit(self.transcriptReady, transcript)
        self._do_draft(transcript.utterances, template, visit_id)

    def _do_file(self, path, template, visit_id: str) -> None:
        from asr.audio import AudioFile

        self._do_start(visit_id, None)
        audio = AudioFile(path)
        for block in audio.blocks():
            if self._cancel.is_set():
                self._do_abort()
                raise Cancelled()
            self.push(block)
            while sum(self._live.backlog().values()) > 20:  # keep memory bounded on a long file
                time.sleep(0.05)
            if audio.duration:
                self._emit(self.stageChanged, "asr", min(0.99, audio.decoded_seconds / audio.duration))
        self._do_stop(template, visit_id)

    def _draft_fn(self):
        key = (self.config.backend, self.config.llm_model, self.config.server_url, self.config.server_model)
        if self._drafter is None or key != self._drafter_key:
            from app.commands.note import drafter_from_args

            self._drafter, self._drafter_key = drafter_from_args(self.config.backend_args()), key
        return self._drafter

    def _on_text(self):
        streamed: dict[str, str] = {}

        def on_text(section_id: str, text: str) -> None:
            if self._cancel.is_set():
                raise Cancelled()
            streamed[section_id] = streamed.get(section_id, "") + text
            self._emit(self.sectionText, section_id, streamed[section_id])
        return on_text

    def _do_draft(self, utterances, template, visit_id: str) -> None:
        self._emit(self.stageChanged, "record", 0.0)
        record = self._draft_fn()(tuple(utterances), template, visit_id, on_text=self._on_text())
        self._emit(self.stageChanged, "record", 1.0)
        self._emit(self.recordReady, record)

    def _do_regenerate(self, utterances, template, section_id: str, visit_id: str) -> None:
        from app.template_library import find_template

        full = find_template(template) if isinstance(template, str) else template
        only = replace(full, sections=tuple(s for s in full.sections if s.id == section_id))
        if not only.sections:
            raise ValueError(f"the template {full.id} has no section {section_id!r}")
        record = self._draft_fn()(tuple(utterances), only, visit_id, on_text=self._on_text())
        self._emit(self.sectionRegenerated, record.section(section_id))
