"""The desktop client driven through its real widgets (offscreen): a whole visit, the sample visit with its evidence,
recovery after a crash, a device lost mid-visit, and the model work kept off the UI thread.

Screenshots of the main screens land in ``$TINGJI_ARTIFACTS`` (default ``test-artifacts/``, not committed).
"""

import gc
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from app.file_stream import file_stream_factory
from ui_windows import open_window, window_settings

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("TINGJI_ARTIFACTS", ROOT / "test-artifacts"))
WAIT = 120_000  # ms: generous for a loaded 2-core CI machine


@pytest.fixture()
def make_window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("TINGJI_HOME", str(tmp_path / "home"))  # no installed models unless a test says so
    for kind in ("ASR", "DIARIZATION", "LLM"):
        monkeypatch.delenv(f"TINGJI_{kind}_MODEL", raising=False)
    windows = []

    def make(*, stream=None, language="zh_CN", **config):
        window = open_window(qtbot, tmp_path, window_settings(tmp_path, **config), stream=stream, language=language)
        assert not gc.isenabled(), "the window collects cycles on the UI thread (app.ui.ui_gc)"
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.service.shutdown()


def _screenshot(window, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert window.grab().save(str(path))
    return path


def _wait_for_record(qtbot, window):
    qtbot.waitUntil(lambda: window.visit is not None and window.visit.status == "draft", timeout=WAIT)


def test_a_whole_visit_from_the_microphone_to_a_signed_copied_record(make_window, qtbot, tiny_whisper,
                                                                     tiny_diarization, visit_audio):
    audio = np.concatenate([visit_audio] * 6)
    window = make_window(stream=file_stream_factory(audio, speed=1.0), asr_model=tiny_whisper,
                         diarization_model=tiny_diarization)
    window.run_startup_check()
    qtbot.waitUntil(lambda: window.models.get("asr"), timeout=WAIT)
    assert window.visit is None  # models are installed: no sample opened

    qtbot.mouseClick(window.record_bar.record_button, Qt.LeftButton)
    assert window.record_bar.state == "recording" and window.visit.status == "recording"
    qtbot.waitUntil(lambda: window.transcript_view.live_count() > 0, timeout=WAIT)  # live utterances appear
    assert window.record_bar.state == "recording"
    qtbot.waitUntil(lambda: window.record_bar.meter.value() > 0, timeout=WAIT)
    _screenshot(window, "recording-zh")

    qtbot.mouseClick(window.record_bar.stop_button, Qt.LeftButton)
    _wait_for_record(qtbot, window)
    record = window.visit.record
    assert record is not None and record.provenance.template_id == window.visit.template_id
    assert window.visit.transcript.utterances
    assert window.transcript_view.list.count() == len(window.visit.transcript.utterances)
    qtbot.waitUntil(lambda: window.player.audio is not None, timeout=WAIT)
    recorded = window.recorder.status().elapsed
    assert 1.0 < recorded < len(audio) / 16000  # stopped mid-way, by the doctor
    assert len(window.player.audio) == pytest.approx(recorded * 16000, abs=1600)
    assert np.array_equal(window.player.audio, audio[:len(window.player.audio)])

    qtbot.mouseClick(window.sign_button, Qt.LeftButton)
    assert window.visit.status == "signed" and window.visit.signed_by == "王医生"
    assert window.visit.signed_at is not None
    assert window.visits_list.statuses()[window.visit.id] == "signed"

    # kept in the encrypted store: the visit, its transcript, every record version, the sign-off and the audio; the
    # plaintext journal is gone once the audio is encrypted there
    store = window.archive.store
    qtbot.waitUntil(lambda: not window.visit.journal.exists(), timeout=WAIT)
    data = store.load_visit(window.visit.store_id)
    assert data.visit.status == "signed" and data.signoffs[0].signed_by == "王医生"
    assert [v.reason for v in data.versions][0] == "generate" and data.versions[-1].reason == "sign"
    assert data.transcript["utterances"] and data.audio is not None
    assert store.verify_audit().ok

    QGuiApplication.clipboard().clear()
    QTest.keyClick(window, Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
    from app.export.clipboard import emr_clipboard_text

    assert QGuiApplication.clipboard().text() == emr_clipboard_text(window.visit.record) != ""
    assert "copy" in store.export_audit(window.visit.signed_at.date(), "csv")


def test_with_no_model_the_sample_visit_opens_and_sentences_lead_to_their_evidence(make_window, qtbot, tmp_path):
    window = make_window()
    window.run_startup_check()
    _wait_for_record(qtbot, window)
    assert window.models["asr"] == ""
    assert window.notice.isVisible() and "tingji models install" in window.notice.text()
    record = window.visit.record
    assert record.provenance.backend == "extractive"
    assert "示例" in window.transcript_view.caption.text()

    section, index, sentence = next((s, i, x) for s in record.sections for i, x in enumerate(s.sentences)
                                    if x.evidence)
    window.editor.sentenceActivated.emit(section.id, index, list(sentence.evidence))
    assert set(window.transcript_view.selected_ids()) >= set(sentence.evidence)
    assert window.output.played and window.output.played[-1][1] == 16000
    from summarizer.support import evidence_span

    start, end = evidence_span(sentence.evidence, window.visit.utterances)
    assert window.player.last_span[0] <= start and window.player.last_span[1] >= end

    from summarizer.qc import run_qc

    expected = run_qc(window.visit.record, window.templates[window.visit.template_id])
    assert sorted(f.id for f in window.qc_panel.findings()) == sorted(f.id for f in expected)
    _screenshot(window, "sample-record-zh")

    fhir = window.export_fhir(tmp_path / "record.json")
    import json

    bundle = json.loads(fhir.read_text(encoding="utf-8"))
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"
    assert window.export_pdf(tmp_path / "record.pdf").read_bytes().startswith(b"%PDF")


def test_an_installed_model_that_fails_verification_is_named_and_the_sample_opens(make_window, qtbot, tmp_path,
                                                                                   tiny_whisper):
    import shutil

    from asr.manifest import write_manifest

    installed = tmp_path / "home" / "models" / "asr" / "tiny"
    shutil.copytree(tiny_whisper, installed)
    write_manifest(installed, kind="asr", name="tiny", version="1")
    with open(installed / "model.bin", "r+b") as f:  # one byte changed after packing
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 0xFF]))
    window = make_window()
    window.run_startup_check()  # returns at once: the models are checked on the model thread
    _wait_for_record(qtbot, window)
    assert window.models["asr"] == "" and window.visit.reference
    assert "model.bin" in window.notice.text() and "tingji models install" in window.notice.text()


def test_english_interface_is_available(make_window, qtbot):
    window = make_window(language="en")
    assert window.record_bar.record_button.text() == "Record"
    window.run_startup_check()
    _wait_for_record(qtbot, window)
    _screenshot(window, "sample-record-en")


def test_chinese_is_the_default_interface(make_window):
    window = make_window()
    assert window.record_bar.record_button.text() == "录音"
    assert window.sign_button.text() == "签名"


CRASHED_CHILD = textwrap.dedent("""
    import os, sys
    import numpy as np
    from app.journal import Journal

    journal = Journal.create(sys.argv[1], visit_id="v20261121-090000-000")
    journal.append(np.load(sys.argv[2]))
    journal.sync()
    os._exit(0)  # no close, no finish: what a crash or a kill leaves behind
""")


def test_an_interrupted_visit_is_offered_and_finished_on_the_next_start(make_window, qtbot, tmp_path, tiny_whisper,
                                                                         visit_audio):
    np.save(tmp_path / "audio.npy", np.concatenate([visit_audio] * 2))
    subprocess.run([sys.executable, "-c", CRASHED_CHILD, str(tmp_path / "journal"), str(tmp_path / "audio.npy")],
                   cwd=ROOT, check=True, timeout=120)
    window = make_window(asr_model=tiny_whisper)
    window.service.load(window.settings.engine_config())
    interrupted = window.offer_recovery()
    assert [v.visit_id for v in interrupted] == ["v20261121-090000-000"]
    from PySide6.QtWidgets import QPushButton, QWidget

    bar = window.findChild(QWidget, "recovery-v20261121-090000-000")
    assert bar is not None
    finish = [b for b in bar.findChildren(QPushButton) if b.text() == "完成该就诊"]
    assert finish
    qtbot.mouseClick(finish[0], Qt.LeftButton)
    _wait_for_record(qtbot, window)
    assert window.visit.id == "v20261121-090000-000"
    assert window.visit.audio is not None and window.visit.audio.is_file()
    assert window.visit.transcript is not None
    from app.journal import find_interrupted

    assert find_interrupted(tmp_path / "journal") == []


def test_a_device_lost_mid_visit_keeps_the_audio_and_tells_the_doctor(make_window, qtbot, visit_audio):
    audio = np.concatenate([visit_audio] * 3)
    window = make_window(stream=file_stream_factory(audio, speed=4.0, unplug_after=3.0))
    window.start_recording(replay=())  # no speech model: nothing is recognised, the audio is still recorded
    qtbot.waitUntil(lambda: window.record_bar.state == "lost", timeout=WAIT)
    assert window.notice.isVisible() and window.notice.text()
    assert window.recorder.status().saved_seconds >= 2.5
    qtbot.mouseClick(window.record_bar.stop_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.player.audio is not None and len(window.player.audio) >= 2.5 * 16000,
                    timeout=WAIT)


def test_model_work_never_runs_on_the_ui_thread(make_window, qtbot, monkeypatch):
    import summarizer.extractive as extractive

    threads = []
    real = extractive.build_record

    def spy(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(extractive, "build_record", spy)
    window = make_window()
    window.run_startup_check()
    _wait_for_record(qtbot, window)
    assert threads and threading.main_thread().ident not in threads
