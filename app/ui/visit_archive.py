"""The window's link to the encrypted visit store (no Qt): every visit, transcript, record version, sign-off, copy and
export is kept and audited. A store failure is reported and never stops a visit: the audio stays in its journal."""

from __future__ import annotations

import logging
from pathlib import Path

__all__ = ["VisitArchive"]

log = logging.getLogger(__name__)


def _template_fields(template) -> dict:
    return {"template_id": template.id, "template_version": str(template.version),
            "template_hash": template.sha256}


class VisitArchive:
    """Stores the window's visits. ``problems`` collects what went wrong, for the doctor.

    Args:
        store: An open :class:`app.store.Store`, or None to keep nothing (e.g. the store could not be opened).
    """

    def __init__(self, store=None):
        self.store = store
        self.problems: list[str] = []

    @classmethod
    def open(cls, path: Path | None = None) -> VisitArchive:
        """Open the default store; on failure an archive that keeps nothing, with the reason in ``problems``."""
        from app.store import Store, StoreError

        try:
            archive = cls(Store.open(path))
        except (StoreError, OSError) as error:
            archive = cls(None)
            archive.problems.append(f"the visit store cannot be opened, so visits are not saved: {error}")
            return archive
        archive.apply_retention()
        return archive

    def apply_retention(self, days: int | None = None) -> list:
        """Delete audio older than ``days`` (default: the configured ``retention.audio_days``; none set: keep all).

        Runs each time the window opens the store (and from ``tingji store retention`` for a daily schedule);
        records are kept, and every deletion is audited.
        """
        if days is None:
            from app.config import load_config

            days = load_config().get("retention.audio_days")
        if days is None:
            return []
        return self._do("retention", lambda: self.store.delete_old_audio(int(days)), [])

    def _do(self, what: str, action, default=None):
        if self.store is None:
            return default
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - keep the visit going; the doctor is told
            log.warning("store: %s failed: %s", what, type(error).__name__)
            self.problems.append(f"saving ({what}) failed: {error}")
            return default

    def begin(self, visit, *, doctor: str, patient, kind: str, template) -> str | None:
        """A new visit; returns its store id."""
        from app.store import Patient

        return self._do("visit", lambda: self.store.create_visit(
            doctor=doctor, patient=Patient(patient.name, patient.id, patient.sex, patient.age),
            kind="复诊" if kind == "follow-up" else "初诊", department=template.department,
            **_template_fields(template)))

    def transcript(self, store_id, transcript) -> None:
        from asr.types import to_dict

        model = (transcript.provenance.get("asr") or {}).get("model")
        details = {"model": model.get("name", "") if isinstance(model, dict) else str(model or "")}
        self._do("transcript", lambda: self.store.save_transcript(store_id, to_dict(transcript), details))

    def record(self, store_id, record, *, author: str, reason: str) -> None:
        from asr.types import to_dict

        details = {"backend": record.provenance.backend, "template_version": record.provenance.template_version}
        self._do("record", lambda: self.store.save_record_version(store_id, to_dict(record), author, reason,
                                                                  details))

    def sign(self, store_id, record, doctor: str, edited: bool) -> None:
        if edited:
            self.record(store_id, record, author=doctor, reason="edit")
        self._do("sign", lambda: self.store.sign(store_id, doctor))

    def audio(self, store_id, path: Path, duration_s: float | None = None) -> bool:
        """Encrypt the finished recording into the store; True when it is safely there."""
        return self._do("audio", lambda: self.store.attach_audio(store_id, Path(path), duration_s) is not None,
                        False)

    def log(self, action: str, store_id, details: dict | None = None, *, doctor: str = "") -> bool:
        """Audit an action (``store_id`` None: not about a visit, e.g. a template publish); True when it is kept."""
        return self._do(action, lambda: self.store.log(action, store_id, details, doctor=doctor) or True, False)

    def review(self, store_id, finding_id: str, doctor: str) -> None:
        self._do("review", lambda: self.store.review_finding(store_id, finding_id, doctor))

    def load(self, store_id: str):
        """Everything stored for one of this user's visits (:class:`app.store.VisitData`), or None on failure."""
        return self._do("read", lambda: self.store.load_visit(store_id))

    def audio_bytes(self, store_id: str) -> bytes | None:
        """The visit's audio file, decrypted into memory, or None on failure."""
        return self._do("read audio", lambda: self.store.read_audio(store_id))

    def today(self) -> list:
        """Today's visits of this OS user."""
        return self._do("list", lambda: self.store.list_visits(), [])

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
