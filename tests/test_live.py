"""The live pipeline: blocks queued from the capture side, segments reported while recording, the same result as a file."""

import threading

import numpy as np
import pytest

from app.live import LiveVisit
from asr.types import TranscriptionOptions
from asr.transcriber import StreamingTranscriber
from diarization.diarize import IncrementalDiarizer
from diarization.visit import label_transcript

DETERMINISTIC = TranscriptionOptions(beam_size=1, temperatures=(0.0,))
BLOCK = 1600  # 100 ms, what the recorder delivers


def _feed(live, audio):
    for start in range(0, audio.size, BLOCK):
        live.push(audio[start:start + BLOCK])


def _sequential(engine, diar_engine, audio):
    """The same stages fed one after another on this thread: what the threads must reproduce."""
    stream = StreamingTranscriber(engine, DETERMINISTIC)
    diarizer = IncrementalDiarizer(diar_engine)
    for start in range(0, audio.size, BLOCK):
        stream.push(audio[start:start + BLOCK])
        diarizer.push(audio[start:start + BLOCK])
    stream.finish()
    return label_transcript(stream.result(), diarizer.finish())


def test_segments_arrive_while_recording_and_match_sequential_processing(engine, diar_engine, visit_audio):
    audio = np.concatenate([visit_audio] * 2)
    seen = []
    first_seen = threading.Event()

    def on_segment(segment):
        seen.append(segment)
        first_seen.set()

    live = LiveVisit(engine, diar_engine, asr_options=DETERMINISTIC, on_segment=on_segment)
    _feed(live, audio)
    assert first_seen.wait(120), "no segment was reported before Stop"
    stages = []
    labelled = live.stop(progress=lambda stage, fraction: stages.append(stage))
    reference = _sequential(engine, diar_engine, audio)
    assert [u.text for u in labelled.utterances] == [u.text for u in reference.utterances]
    assert [u.speaker for u in labelled.utterances] == [u.speaker for u in reference.utterances]
    assert [s.text for s in seen] == [s.text for s in live.segments]
    assert {"asr", "diarization", "labelling"} <= set(stages)
    assert len(live.stats.lags) == len(seen) and all(lag >= 0 for lag in live.stats.lags)
    assert live.stats.lag_percentile(95) is not None
    assert live.stats.busy["asr"] > 0 and live.stats.busy["diarization"] > 0


def test_without_diarization_every_segment_is_one_unlabelled_utterance(engine, visit_audio):
    live = LiveVisit(engine, None, asr_options=DETERMINISTIC)
    _feed(live, visit_audio)
    labelled = live.stop()
    assert labelled.utterances
    assert {u.role for u in labelled.utterances} == {"other"}
    assert [r.reason for r in labelled.roles] == ["no diarization model is installed"]
    assert [u.text for u in labelled.utterances] == [s.text for s in live.segments]


def test_a_stage_error_is_raised_at_stop_and_push_never_blocks(engine, visit_audio, monkeypatch):
    live = LiveVisit(engine, None, asr_options=DETERMINISTIC)

    def broken(block):
        raise RuntimeError("decoder exploded")

    monkeypatch.setattr(live._transcriber, "push", broken)
    _feed(live, visit_audio)  # would hang if a failed stage stopped draining its queue
    with pytest.raises(RuntimeError, match="decoder exploded"):
        live.stop()


def test_lag_is_measured_from_the_capture_time_of_the_segment_end(engine, visit_audio):
    now = [1000.0]
    live = LiveVisit(engine, None, asr_options=DETERMINISTIC, clock=lambda: now[0])
    for i, start in enumerate(range(0, visit_audio.size, BLOCK)):
        live.push(visit_audio[start:start + BLOCK], captured_at=1000.0 + (start + BLOCK) / 16000)
    now[0] = 1000.0 + visit_audio.size / 16000 + 5.0  # everything is processed 5 s after the last sample
    live.stop()
    ends = [s.end for s in live.segments]
    assert live.stats.lags
    for lag, end in zip(live.stats.lags, ends):
        assert lag == pytest.approx(visit_audio.size / 16000 + 5.0 - end, abs=0.15)


def test_push_after_stop_is_refused(engine):
    live = LiveVisit(engine, None)
    live.stop()
    with pytest.raises(RuntimeError):
        live.push(np.zeros(BLOCK, dtype=np.float32))


def test_diarization_yields_the_cpu_to_the_live_transcript_while_recording(engine, diar_engine, visit_audio):
    import os

    import torch

    before = torch.get_num_threads()
    live = LiveVisit(engine, diar_engine, asr_options=DETERMINISTIC)
    worker = live._diarize_worker
    _feed(live, visit_audio[: 16000 * 2])
    while worker.queue.qsize():  # the thread has started and is working
        threading.Event().wait(0.01)
    assert worker.lowered, "the diarization thread must run below the ASR thread's priority"
    assert os.getpriority(os.PRIO_PROCESS, worker.native_id) > os.getpriority(os.PRIO_PROCESS, live._asr.native_id)
    assert torch.get_num_threads() == 1
    live.stop()
    assert torch.get_num_threads() == before


def test_the_live_step_follows_the_device(diar_engine):
    from dataclasses import replace

    from app.live import LIVE_STEP_CPU_S, live_diarization_options
    from diarization.types import DiarizationOptions

    assert live_diarization_options(diar_engine).live_step == LIVE_STEP_CPU_S
    assert live_diarization_options(diar_engine, DiarizationOptions(live_step=2.0)).live_step == 2.0
    assert live_diarization_options(replace(diar_engine, device="cuda")).live_step is None
