"""Today's earlier visits, read back from the encrypted store: listed when the window opens, opened on a click.

A doctor who restarts TingJi at noon still finds the morning's visits, signs the drafts left unsigned, copies or
exports them, and replays their evidence. Nothing is written to disk in the clear: the audio is decrypted into
memory for the player.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime

import numpy as np

from app.ui.visit_state import VisitState

__all__ = ["StoredVisits"]

log = logging.getLogger(__name__)

# A stored visit in one of these states had no Stop in this window's life; after a restart it is shown as
# interrupted (its journal, if any, is offered for recovery at start-up).
_UNFINISHED = {"recording": "interrupted", "processing": "interrupted"}


def _title(visit) -> str:
    if visit.patient.name:
        return visit.patient.name
    try:
        return datetime.fromisoformat(visit.created_at).astimezone().strftime("%H:%M")
    except ValueError:
        return visit.id


def _decode(data: bytes) -> np.ndarray | None:
    """The visit's audio as the window stores it (16-bit PCM WAV, :func:`app.journal.finish`) as float32 samples at
    16 kHz; None for anything else (e.g. a FLAC a command-line visit stored), which then just does not play."""
    import wave

    from asr.audio import SAMPLE_RATE

    try:
        with wave.open(io.BytesIO(data)) as wav:
            if wav.getsampwidth() != 2 or wav.getframerate() != SAMPLE_RATE:
                return None
            frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
            channels = wav.getnchannels()
    except (wave.Error, EOFError) as error:
        log.warning("stored audio is not the window's WAV: %s", error)
        return None
    samples = frames.astype(np.float32) / 32768.0
    return samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples


class StoredVisits:
    """Mixed into :class:`app.ui.main_window.MainWindow` (uses its archive, visits, list, editor and player)."""

    def load_todays_visits(self) -> int:
        """List this user's visits of today that the window does not show yet; returns how many were added."""
        known = {v.store_id for v in self.visits.values() if v.store_id}
        added = 0
        for visit in reversed(self.archive.today()):  # oldest first, so the newest ends on top
            if visit.id in known:
                continue
            status = _UNFINISHED.get(visit.status, visit.status)
            state = VisitState(id=visit.id, title=_title(visit), status=status, template_id=visit.template_id,
                               store_id=visit.id, stored_only=True)
            self.visits[state.id] = state
            self.visits_list.upsert(state.id, state.title, status)
            added += 1
        return added

    def _read_stored(self, state: VisitState) -> bool:
        """Fill ``state`` from the store (transcript, newest record version, sign-off, reviews, audio)."""
        from diarization.serialize import labelled_from_dict
        from summarizer.record import record_from_dict

        data = self.archive.load(state.store_id)
        if data is None:
            self._archive_problems()
            return False
        if data.transcript is not None:
            state.transcript = labelled_from_dict(data.transcript)
        if data.record is not None:
            state.record = record_from_dict(data.record)
        if data.signoffs:
            state.signed_by = data.signoffs[-1].signed_by
            state.signed_at = datetime.fromisoformat(data.signoffs[-1].signed_at).astimezone()
        state.reviewed_findings = {r.finding_id for r in data.reviews}
        if data.audio is not None and not data.audio.deleted_at:
            audio = self.archive.audio_bytes(state.store_id)
            state.samples = _decode(audio) if audio else None
        state.stored_only = False
        return True

    def open_stored_visit(self, state: VisitState) -> bool:
        """Read a listed visit on its first open; False (and the doctor told why) when it cannot be read."""
        if state.stored_only and not self._read_stored(state):
            return False  # the archive's reason was shown
        self.player.set_audio(state.samples)
        return True
