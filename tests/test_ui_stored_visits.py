"""Today's earlier visits come back from the encrypted store after a restart: listed, opened, signed or replayed."""

import wave

import numpy as np
import pytest
from ui_windows import open_window, window_settings

pytestmark = pytest.mark.window


def _wav(path, samples):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture()
def stored(tmp_path, monkeypatch):
    """This morning, before a restart: a drafted visit with audio, a signed one, and one that never got a record."""
    from app.live_replay import reference_transcript
    from app.sample_visit import load_sample_visit
    from app.store import Patient, Store
    from asr.audio import load_audio
    from asr.types import to_dict
    from summarizer.extractive import build_record
    from summarizer.templates import find_template

    monkeypatch.setenv("TINGJI_HOME", str(tmp_path / "home"))
    for kind in ("ASR", "DIARIZATION", "LLM"):
        monkeypatch.delenv(f"TINGJI_{kind}_MODEL", raising=False)
    sample = load_sample_visit()
    transcript = reference_transcript(sample.utterances, language=sample.language, duration=sample.duration)
    template = find_template("outpatient-initial")
    record = build_record(transcript, template, visit_id="morning")
    fields = {"template_id": template.id, "template_version": template.version, "template_hash": template.sha256}
    ids = {}
    with Store.open() as store:
        for name in ("张三", "李四", "王五"):
            ids[name] = store.create_visit(doctor="王医生", patient=Patient(name), **fields)
        for name in ("张三", "李四"):
            store.save_transcript(ids[name], to_dict(transcript))
            store.save_record_version(ids[name], to_dict(record), "王医生", "generate")
        store.attach_audio(ids["张三"], _wav(tmp_path / "a.wav", load_audio(sample.audio)), sample.duration)
        store.sign(ids["李四"], "王医生")
    return ids, record


def test_todays_visits_are_listed_and_open_with_record_transcript_and_audio(stored, qtbot, tmp_path):
    ids, record = stored
    window = open_window(qtbot, tmp_path, window_settings(tmp_path))
    try:
        statuses = window.visits_list.statuses()
        assert statuses == {ids["张三"]: "draft", ids["李四"]: "signed", ids["王五"]: "interrupted"}
        assert window.visits[ids["张三"]].record is None, "nothing is decrypted before the doctor opens a visit"

        window.visits_list.visitActivated.emit(ids["张三"])
        visit = window.visit
        assert visit.store_id == ids["张三"] and window.transcript_view.transcript is visit.transcript
        assert [s.id for s in window.editor.current_record().sections] == [s.id for s in record.sections]
        assert window.sign_button.isEnabled() and window.copy_button.isEnabled()
        section, index, sentence = next((s, i, x) for s in visit.record.sections for i, x in enumerate(s.sentences)
                                        if x.evidence)
        window.editor.sentenceActivated.emit(section.id, index, list(sentence.evidence))
        assert window.output.played and window.output.played[-1][1] == 16000, "the stored audio plays from memory"
        assert window.sign_record() and window.archive.store.load_visit(ids["张三"]).visit.status == "signed"

        window.visits_list.visitActivated.emit(ids["李四"])
        assert window.visit.signed_by == "王医生" and not window.sign_button.isEnabled()
        assert window.editor._read_only and window.copy_button.isEnabled()
        window.output.played.clear()
        section, index, sentence = next((s, i, x) for s in window.visit.record.sections
                                        for i, x in enumerate(s.sentences) if x.evidence)
        window.editor.sentenceActivated.emit(section.id, index, list(sentence.evidence))
        assert window.output.played == [], "a visit without stored audio plays nothing, not another visit's audio"

        window.visits_list.visitActivated.emit(ids["王五"])
        assert window.visit.store_id == ids["王五"] and window.visit.record is None
        shown = window.editor.current_record()
        assert shown is None or not any(s.sentences for s in shown.sections), "not the previous visit's record"
        assert not window.sign_button.isEnabled() and not window.copy_button.isEnabled()
    finally:
        window.service.shutdown()
