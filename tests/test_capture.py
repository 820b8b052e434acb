"""Recorder with the file-backed stream: blocks to subscribers and journal, pause, level, no signal, device loss,
a kill mid-visit, and a file-size limit while recording."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from app.capture import (
    AudioBlock,
    AudioDeviceError,
    InputDevice,
    LevelChanged,
    NoSignalChanged,
    Recorder,
    RecorderState,
    StateChanged,
    level_dbfs,
    list_input_devices,
)
from app.file_stream import (
    PA_DEVICE_UNAVAILABLE,
    FileInputStream,
    file_stream_factory,
    portaudio_error_type,
)
from app.journal import JournalState, find_interrupted, finish, recover
from audio_fixtures import espeak, silence

ROOT = Path(__file__).resolve().parents[1]
SR = 16000
WAIT = 30  # seconds: a generous bound for events that arrive in well under a second


def ramp(seconds: float) -> np.ndarray:
    """Audio whose every sample differs, so a lost, doubled or reordered sample shows."""
    n = int(seconds * SR)
    return (np.arange(n, dtype=np.float64) / n * 0.8 - 0.4).astype(np.float32)


def sine(seconds: float, amplitude: float = 0.5, freq: float = 440.0) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(int(seconds * SR)) / SR)).astype(np.float32)


class Events:
    """Collects recorder events in a queue; waits for the one wanted without sleeping."""

    def __init__(self, recorder: Recorder):
        self.queue: queue.Queue = queue.Queue()
        self.seen: list = []
        recorder.add_listener(self.queue.put)

    def next(self, predicate, timeout: float = WAIT):
        while True:
            try:
                event = self.queue.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"the expected event did not arrive; events so far: {self.summary()}")
            self.seen.append(event)
            if predicate(event):
                return event

    def summary(self) -> list:
        return [e for e in self.seen if not isinstance(e, LevelChanged)][-10:]


def is_state(state: RecorderState):
    return lambda e: isinstance(e, StateChanged) and e.state is state


def test_every_block_reaches_subscribers_and_the_journal_in_order(tmp_path):
    audio = np.concatenate([espeak("the patient has had a cough for three days"), silence(0.3)])
    recorder = Recorder(tmp_path, stream_factory=file_stream_factory(audio, speed=0))
    blocks: queue.Queue[AudioBlock] = queue.Queue()
    recorder.subscribe(blocks.put)
    events = Events(recorder)
    folder = recorder.start()
    ended = events.next(is_state(RecorderState.STOPPED))
    status = recorder.stop()

    assert ended.cause == "end_of_input"
    received = [blocks.get_nowait() for _ in range(blocks.qsize())]
    assert [b.offset for b in received] == list(np.cumsum([0] + [len(b.samples) for b in received[:-1]]))
    assert np.array_equal(np.concatenate([b.samples for b in received]), audio)
    assert status.state is RecorderState.STOPPED and status.elapsed == pytest.approx(len(audio) / SR)
    assert status.saved_seconds == pytest.approx(len(audio) / SR) and status.device_samplerate == SR
    visit = recover(folder)
    assert visit.state is JournalState.STOPPED
    assert np.array_equal(visit.audio, audio)


def test_device_without_16k_is_opened_at_its_rate_and_resampled(tmp_path):
    audio = sine(2.0, 0.4, 300.0)
    recorder = Recorder(tmp_path, stream_factory=file_stream_factory(audio, speed=0, supported_rates={44100}))
    folder = recorder.start()
    assert recorder.wait_for([RecorderState.STOPPED], WAIT)
    status = recorder.stop()
    assert status.device_samplerate == 44100
    got = recover(folder).audio
    assert abs(len(got) - len(audio)) < 0.01 * SR
    inner = slice(800, len(got) - 800)
    assert np.abs(got[inner] - audio[inner]).max() < 0.01


def test_pause_drops_blocks_and_elapsed_excludes_the_pause(tmp_path):
    """Pause at 2 s and resume five blocks later, from a listener, so the positions are exact."""
    audio = ramp(4.0)
    recorder = Recorder(tmp_path, stream_factory=file_stream_factory(audio, speed=0))
    paused_blocks = []

    def doctor(event):
        if isinstance(event, LevelChanged):
            if event.recording and event.elapsed >= 2.0 and not paused_blocks:
                recorder.pause()
            elif not event.recording:
                paused_blocks.append(event)
                if len(paused_blocks) == 5:
                    recorder.resume()

    recorder.add_listener(doctor)
    events = Events(recorder)
    folder = recorder.start()
    events.next(is_state(RecorderState.PAUSED))
    events.next(is_state(RecorderState.RECORDING))
    events.next(is_state(RecorderState.STOPPED))
    status = recorder.stop()

    visit = recover(folder)
    assert visit.pauses == (2 * SR,)
    assert len(visit.audio) == len(audio) - 5 * 1600
    assert status.elapsed == pytest.approx(4.0 - 0.5)
    assert np.array_equal(visit.audio, np.concatenate([audio[:2 * SR], audio[2 * SR + 5 * 1600:]]))


def test_pause_and_resume_from_another_thread_keep_the_audio_contiguous(tmp_path):
    """The UI calls pause/resume/stop from its own thread while blocks arrive: each block is kept or dropped whole."""
    audio = ramp(60.0)  # far longer than the test runs: it never depends on how fast this machine is
    recorder = Recorder(tmp_path, stream_factory=file_stream_factory(audio, speed=2))
    events = Events(recorder)
    folder = recorder.start()
    events.next(lambda e: isinstance(e, LevelChanged) and e.elapsed >= 1.0)
    recorder.pause()
    events.next(lambda e: isinstance(e, LevelChanged) and not e.recording)
    recorder.resume()
    events.next(lambda e: isinstance(e, LevelChanged) and e.recording)
    status = recorder.stop()

    visit = recover(folder)
    (paused_at,) = visit.pauses
    assert paused_at >= SR and len(visit.audio) > paused_at
    resumed_at = int(np.searchsorted(audio, visit.audio[paused_at]))  # the ramp tells where recording resumed
    dropped = resumed_at - paused_at
    assert dropped > 0 and dropped % 1600 == 0
    assert status.elapsed == pytest.approx(len(visit.audio) / SR)
    assert np.array_equal(visit.audio, np.concatenate([audio[:paused_at],
                                                       audio[resumed_at:resumed_at + len(visit.audio) - paused_at]]))
    paused_levels = sum(1 for e in events.seen + list(events.queue.queue)
                        if isinstance(e, LevelChanged) and not e.recording)
    assert paused_levels >= dropped // 1600  # the meter kept moving while paused


def test_level_meter_reports_rms_and_peak(tmp_path):
    recorder = Recorder(tmp_path, stream_factory=file_stream_factory(sine(1.0, 0.5), speed=0))
    events = Events(recorder)
    recorder.start()
    level = events.next(lambda e: isinstance(e, LevelChanged))
    recorder.wait_for([RecorderState.STOPPED], WAIT)
    assert level.rms_dbfs == pytest.approx(-9.03, abs=0.05)  # 0.5/sqrt(2)
    assert level.peak_dbfs == pytest.approx(-6.02, abs=0.05)
    assert recorder.stop().rms_dbfs == pytest.approx(-9.03, abs=0.05)
    assert level_dbfs(np.zeros(160, np.float32)) == (-120.0, -120.0)


def test_no_signal_warning_on_silence_and_cleared_when_sound_returns(tmp_path):
    speech = espeak("good morning")
    audio = np.concatenate([speech, silence(4.0), speech])
    recorder = Recorder(tmp_path, stream_factory=file_stream_factory(audio, speed=0))
    events = Events(recorder)
    recorder.start()
    raised = events.next(lambda e: isinstance(e, NoSignalChanged))
    cleared = events.next(lambda e: isinstance(e, NoSignalChanged))
    events.next(is_state(RecorderState.STOPPED))
    recorder.stop()
    assert raised.no_signal and raised.digital_silence and raised.seconds >= 3.0
    assert "No signal" in raised.message and "no sound at all" in raised.message
    assert not cleared.no_signal and cleared.seconds >= 3.0


def test_a_quiet_hiss_is_no_signal_but_not_digital_silence(tmp_path):
    hiss = (np.random.default_rng(0).standard_normal(4 * SR) * 10 ** (-75 / 20)).astype(np.float32)
    recorder = Recorder(tmp_path, stream_factory=file_stream_factory(hiss, speed=0))
    events = Events(recorder)
    recorder.start()
    raised = events.next(lambda e: isinstance(e, NoSignalChanged))
    recorder.wait_for([RecorderState.STOPPED], WAIT)
    assert raised.no_signal and not raised.digital_silence
    assert recorder.stop().no_signal


def test_short_pauses_in_speech_raise_no_warning(tmp_path):
    speech = espeak("any chest pain")
    audio = np.concatenate([speech, silence(2.0), speech, silence(2.0), speech])
    recorder = Recorder(tmp_path, stream_factory=file_stream_factory(audio, speed=0))
    events = Events(recorder)
    recorder.start()
    events.next(is_state(RecorderState.STOPPED))
    recorder.stop()
    assert not [e for e in events.seen if isinstance(e, NoSignalChanged)]


def test_unplugged_device_keeps_the_audio_and_resume_continues_on_a_new_device(tmp_path):
    first, second = ramp(6.0), sine(1.0, 0.3)
    streams = iter([file_stream_factory(first, speed=0, unplug_after=2.5), file_stream_factory(second, speed=0)])
    recorder = Recorder(tmp_path, stream_factory=lambda **kw: next(streams)(**kw))
    events = Events(recorder)
    folder = recorder.start()
    lost = events.next(is_state(RecorderState.DEVICE_LOST))

    assert lost.cause == "device_lost" and lost.previous is RecorderState.RECORDING
    assert lost.recorded_seconds == pytest.approx(2.5)
    assert "0 min 02 s recorded so far are saved" in lost.message and "Resume" in lost.message
    assert recorder.status().message == lost.message
    interrupted = recover(folder)
    assert interrupted.state is JournalState.PAUSED
    assert np.array_equal(interrupted.audio, first[:int(2.5 * SR)])

    recorder.resume()
    events.next(is_state(RecorderState.STOPPED))
    status = recorder.stop()
    assert status.elapsed == pytest.approx(3.5)
    assert np.array_equal(recover(folder).audio, np.concatenate([first[:int(2.5 * SR)], second]))


def test_a_device_that_goes_silent_without_an_error_is_detected_as_lost(tmp_path):
    recorder = Recorder(tmp_path, stall_seconds=0.5,
                        stream_factory=file_stream_factory(ramp(4.0), speed=0, unplug_after=1.0,
                                                           unplug_mode="stall"))
    events = Events(recorder)
    folder = recorder.start()
    lost = events.next(is_state(RecorderState.DEVICE_LOST))
    assert lost.cause == "device_lost"
    assert recorder.stop().state is RecorderState.STOPPED
    assert np.array_equal(recover(folder).audio, ramp(4.0)[:SR])


def test_a_slow_first_block_is_not_taken_for_a_lost_device(tmp_path):
    def record(start_seconds: float) -> tuple[RecorderState, float]:
        recorder = Recorder(tmp_path, stall_seconds=0.3, start_seconds=start_seconds,
                            stream_factory=file_stream_factory(ramp(1.0), speed=0, start_delay=1.0))
        recorder.start()
        recorder.wait_for([RecorderState.STOPPED, RecorderState.DEVICE_LOST], WAIT)
        state = recorder.state
        return state, recorder.stop().elapsed

    assert record(start_seconds=3.0) == (RecorderState.STOPPED, 1.0)
    assert record(start_seconds=0.3)[0] is RecorderState.DEVICE_LOST  # without the start-up allowance


def test_device_that_cannot_be_opened_gives_a_clear_error_and_leaves_no_journal(tmp_path):
    def unavailable(**_kwargs):
        raise portaudio_error_type()("Error opening InputStream: Device unavailable", PA_DEVICE_UNAVAILABLE)

    recorder = Recorder(tmp_path, stream_factory=unavailable)
    with pytest.raises(AudioDeviceError, match="could not be opened.*choose another input device"):
        recorder.start()
    assert recorder.state is RecorderState.IDLE
    assert list(tmp_path.iterdir()) == []


def test_a_failing_subscriber_does_not_stop_the_recording(tmp_path):
    audio = ramp(1.0)
    recorder = Recorder(tmp_path, stream_factory=file_stream_factory(audio, speed=0))
    recorder.subscribe(lambda block: 1 / 0)
    recorder.add_listener(lambda event: [][1])
    folder = recorder.start()
    assert recorder.wait_for([RecorderState.STOPPED], WAIT)
    recorder.stop()
    assert np.array_equal(recover(folder).audio, audio)


def test_file_input_stream_behaves_like_sounddevice(tmp_path):
    """The interface contract the recorder relies on: callback shape/dtype, finished_callback, stop raising."""
    calls: list[tuple] = []
    finished = threading.Event()
    stream = FileInputStream(ramp(0.5), samplerate=16000, channels=2, dtype="int16", blocksize=1000,
                             callback=lambda indata, frames, t, status: calls.append((indata.shape, indata.dtype,
                                                                                      frames, bool(status))),
                             finished_callback=finished.set, speed=0, unplug_after=0.25)
    with pytest.raises(portaudio_error_type(), match="host error"):
        with stream:
            assert finished.wait(WAIT)
    assert calls[0] == ((1000, 2), np.dtype("int16"), 1000, False)
    assert sum(c[2] for c in calls) == 4000 and stream.unplugged and not stream.active


def test_list_input_devices_returns_input_devices_only():
    devices = list_input_devices()  # no sound card here: [] (a workstation lists its microphones)
    assert isinstance(devices, list) and all(isinstance(d, InputDevice) for d in devices)
    assert all(d.max_input_channels > 0 for d in devices)
    assert sum(d.is_default for d in devices) <= 1


def test_capture_modules_import_neither_qt_nor_audio_libraries():
    code = ("import sys, json; import app.capture, app.journal, app.file_stream; "
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    modules = set(json.loads(out.stdout))
    for name in ("PySide6", "sounddevice", "av", "torch"):
        assert name not in modules, f"{name} imported at import time"


NO_PORTAUDIO_CHILD = textwrap.dedent("""
    import importlib.abc, json, sys, tempfile
    import numpy as np

    class NoPortAudio(importlib.abc.MetaPathFinder):  # what sounddevice does when libportaudio2 is missing
        def find_spec(self, name, path, target=None):
            if name == "sounddevice":
                raise OSError("PortAudio library not found")

    sys.meta_path.insert(0, NoPortAudio())
    from app.capture import PortAudioMissingError, Recorder, RecorderState, list_input_devices
    from app.file_stream import file_stream_factory

    result = {}
    try:
        list_input_devices()
    except PortAudioMissingError as error:
        result["list"] = str(error)
    root = tempfile.mkdtemp()
    try:
        Recorder(root).start()
    except PortAudioMissingError as error:
        result["start"] = str(error)
    import os
    result["left"] = os.listdir(root)
    demo = Recorder(root, stream_factory=file_stream_factory(np.zeros(16000, np.float32), speed=0,
                                                             supported_rates={48000}))
    demo.start()
    demo.wait_for([RecorderState.STOPPED], 30)
    status = demo.stop()
    result["demo"] = [status.state.value, status.device_samplerate, round(status.elapsed, 2)]
    print(json.dumps(result))
""")


def test_without_portaudio_the_doctor_is_told_what_to_install_and_demo_mode_still_works():
    out = subprocess.run([sys.executable, "-c", NO_PORTAUDIO_CHILD], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "libportaudio2" in result["list"] and "libportaudio2" in result["start"]
    assert result["left"] == []  # no empty journal left behind
    assert result["demo"] == ["stopped", 48000, 1.0]


KILL_CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    from app.capture import LevelChanged, Recorder, RecorderState
    from app.file_stream import file_stream_factory

    audio = np.load(sys.argv[1])
    recorder = Recorder(sys.argv[2], stream_factory=file_stream_factory(audio, speed=float(sys.argv[3])))
    recorder.add_listener(lambda e: print(f"{e.elapsed:.3f}", flush=True) if isinstance(e, LevelChanged) else None)
    folder = recorder.start()
    recorder.wait_for([RecorderState.STOPPED])
""")


def _lines(stream) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def test_killed_recorder_leaves_a_recoverable_visit_up_to_the_last_second(tmp_path):
    audio = ramp(120.0)  # 12 s at speed 10: the kill comes long before the end, even on a loaded machine
    np.save(tmp_path / "audio.npy", audio)
    root = tmp_path / "journals"
    child = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(tmp_path / "audio.npy"), str(root), "10"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = _lines(child.stdout)
        elapsed = 0.0
        while elapsed < 4.0:
            line = lines.get(timeout=WAIT)
            assert line is not None, f"the recorder exited early: {child.stderr.read()}"
            elapsed = float(line)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=WAIT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    (visit,) = find_interrupted(root)
    assert visit.state is JournalState.RECORDING
    recovered = recover(visit.folder)
    assert recovered.duration >= elapsed - 1.0
    assert recovered.duration < 120.0  # it really was killed mid-visit
    assert np.array_equal(recovered.audio, audio[:len(recovered.audio)])

    path = finish(visit.folder)  # the interrupted visit can be finished
    from asr.audio import load_audio

    assert len(load_audio(path)) == len(recovered.audio)
    assert find_interrupted(root) == []


FSIZE_CHILD = textwrap.dedent("""
    import json, resource, signal, sys
    import numpy as np
    from app.capture import Recorder, RecorderState, StateChanged
    from app.file_stream import file_stream_factory

    audio, root, limit = np.load(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    def report(event):
        if isinstance(event, StateChanged):
            print(json.dumps({"state": event.state.value, "cause": event.cause, "message": event.message,
                              "recorded": event.recorded_seconds}), flush=True)
    recorder = Recorder(root, stream_factory=file_stream_factory(audio, speed=4))
    recorder.add_listener(report)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    recorder.start()
    recorder.wait_for([RecorderState.FAILED, RecorderState.STOPPED])
    status = recorder.stop()
    print(json.dumps({"final": status.state.value, "elapsed": status.elapsed, "saved": status.saved_seconds,
                      "folder": str(status.folder)}), flush=True)
""")


def test_file_size_limit_while_recording_tells_the_doctor_at_once_and_keeps_the_audio(tmp_path):
    audio = ramp(10.0)
    np.save(tmp_path / "audio.npy", audio)
    limit = 2 * SR * 4 + 1000  # a little over 2 s of float32 samples
    out = subprocess.run(
        [sys.executable, "-c", FSIZE_CHILD, str(tmp_path / "audio.npy"), str(tmp_path / "journals"), str(limit)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    reports = [json.loads(line) for line in out.stdout.splitlines()]
    failed = next(r for r in reports if r.get("state") == "failed")
    final = reports[-1]

    assert failed["cause"] == "file_too_large"
    assert "largest size" in failed["message"] and "0 min 02 s recorded so far are saved" in failed["message"]
    assert final["final"] == "failed"
    assert final["elapsed"] < 10.0 and final["elapsed"] - final["saved"] < 1.0  # stopped at once, not at the end
    visit = recover(final["folder"])
    assert len(visit.audio) == limit // 4
    assert np.array_equal(visit.audio, audio[:len(visit.audio)])
