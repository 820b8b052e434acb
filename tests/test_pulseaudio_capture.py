"""The real capture chain: PulseAudio null sink → its monitor → ALSA "pulse" device → PortAudio → sounddevice
→ Recorder → journal. A private PulseAudio daemon plays synthesized speech; a child process records it.

The capture runs in a child process because PortAudio reads the sound-server address (``PULSE_SERVER``) when it is
initialised, which happens once per process when sounddevice is imported.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from app.journal import recover
from audio_fixtures import espeak, write_audio

ROOT = Path(__file__).resolve().parents[1]
SR = 16000
WAIT = 30

pytestmark = pytest.mark.skipif(shutil.which("pulseaudio") is None,
                                reason="the pulseaudio binary is not installed (scripts/setup.sh installs it)")

DEFAULT_PA = """\
load-module module-null-sink sink_name=visit rate=16000 channels=1
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
set-default-sink visit
set-default-source visit.monitor
"""


def _pump(stream, lines: queue.Queue, keep: list[str] | None = None) -> None:
    for line in stream:
        if keep is not None:
            keep.append(line)
        lines.put(line)
    lines.put(None)


class PulseServer:
    """A running private daemon: the environment that reaches it, and its process."""

    def __init__(self, env: dict[str, str], process: subprocess.Popen):
        self.env = env
        self.process = process


@pytest.fixture()
def pulse(tmp_path):
    """A private PulseAudio daemon with a null sink ``visit`` whose monitor is the default source."""
    home = tmp_path / "pulse-home"
    (home / "run").mkdir(parents=True)
    socket = tmp_path / "native"
    config = tmp_path / "default.pa"
    config.write_text(DEFAULT_PA.format(socket=socket))
    env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"), PULSE_SERVER=f"unix:{socket}")
    env.pop("PULSE_COOKIE", None)
    daemon = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "-F", str(config), "--use-pid-file=no",
         "--log-target=stderr", "--log-level=info"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    log: list[str] = []
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_pump, args=(daemon.stderr, lines, log), daemon=True).start()
    try:
        while True:  # the daemon says when it is ready
            line = lines.get(timeout=WAIT)
            if line is None:
                pytest.fail("pulseaudio exited during start-up:\n" + "".join(log[-30:]))
            if "Daemon startup complete" in line:
                break
        yield PulseServer(env, daemon)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


CAPTURE_CHILD = textwrap.dedent("""
    import json, sys
    from app.capture import LevelChanged, NoSignalChanged, Recorder, StateChanged, list_input_devices

    def say(**fields):
        print(json.dumps(fields), flush=True)

    devices = list_input_devices()
    say(devices=[{"index": d.index, "name": d.name, "rate": d.default_samplerate, "default": d.is_default,
                  "hostapi": d.hostapi} for d in devices])
    pulse = next(d for d in devices if d.name == "pulse")
    recorder = Recorder(sys.argv[1], device=pulse.index, no_signal_seconds=1.0)
    levels = []
    def on_event(event):
        if isinstance(event, LevelChanged) and event.recording:
            levels.append(event.rms_dbfs)
        elif isinstance(event, NoSignalChanged):
            say(no_signal=event.no_signal, digital_silence=event.digital_silence)
        elif isinstance(event, StateChanged) and event.cause != "user":
            say(event=event.state.value, cause=event.cause, message=event.message, saved=event.recorded_seconds)
    recorder.add_listener(on_event)
    folder = recorder.start()
    say(recording=str(folder))
    sys.stdin.readline()  # the parent has played the speech
    status = recorder.stop()
    say(state=status.state.value, rate=status.device_samplerate, elapsed=status.elapsed,
        max_rms=max(levels), folder=str(folder))
""")


SENTENCE = "Good morning doctor. I have had a dry cough and a fever for three days."


class CaptureChild:
    """The recorder in a child process that talks JSON lines; ``message()`` waits for the next one."""

    def __init__(self, pulse: PulseServer, root: Path):
        self.process = subprocess.Popen([sys.executable, "-c", CAPTURE_CHILD, str(root)], cwd=ROOT, env=pulse.env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.errors: list[str] = []
        threading.Thread(target=lambda: self.errors.extend(self.process.stderr), daemon=True).start()
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=_pump, args=(self.process.stdout, self.lines), daemon=True).start()

    def message(self) -> dict:
        line = self.lines.get(timeout=WAIT)
        if line is None:
            self.process.wait(timeout=WAIT)
            pytest.fail("the capture process ended early:\n" + "".join(self.errors[-30:]))
        return json.loads(line)

    def start_recording(self) -> None:
        devices = self.message()["devices"]
        assert any(d["name"] == "pulse" for d in devices), devices
        assert "recording" in self.message()
        # the monitor of an idle null sink is digital silence: the warning must come
        assert self.message() == {"no_signal": True, "digital_silence": True}

    def stop(self) -> dict:
        self.process.stdin.write("stop\n")
        self.process.stdin.flush()
        result = self.message()
        assert self.process.wait(timeout=WAIT) == 0, "".join(self.errors[-30:])
        return result

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture()
def capture(pulse, tmp_path):
    child = CaptureChild(pulse, tmp_path / "journals")
    yield child
    child.close()


def play(pulse: PulseServer, wav: Path) -> None:
    subprocess.run(["paplay", "-d", "visit", str(wav)], env=pulse.env, check=True, timeout=WAIT)


def voiced_span(samples: np.ndarray) -> float:
    voiced = np.flatnonzero(np.abs(samples) > 0.02)
    assert voiced.size, "nothing but silence was captured"
    return (voiced[-1] - voiced[0]) / SR


def similarity(captured: np.ndarray, reference: np.ndarray) -> float:
    """Normalised cross-correlation of the reference with the captured audio, at the best lag."""
    n = len(captured) + len(reference)
    corr = np.fft.irfft(np.fft.rfft(captured, n) * np.conj(np.fft.rfft(reference, n)), n)
    lag = int(np.argmax(corr))
    aligned = captured[lag:lag + len(reference)]
    ref = reference[:len(aligned)]
    return float(np.dot(aligned, ref) / (np.linalg.norm(aligned) * np.linalg.norm(ref)))


def test_recorder_captures_speech_from_a_pulseaudio_source(pulse, capture, tmp_path):
    speech = espeak(SENTENCE)
    wav = write_audio(tmp_path / "speech.wav", speech)  # 16-bit PCM at 16 kHz, the reference played as is

    capture.start_recording()
    play(pulse, wav)
    assert capture.message() == {"no_signal": False, "digital_silence": False}
    result = capture.stop()

    assert result["state"] == "stopped" and result["rate"] == SR
    assert -40.0 < result["max_rms"] < -3.0, result  # speech, neither faint nor clipped
    audio = recover(result["folder"]).audio
    assert len(audio) / SR == pytest.approx(result["elapsed"])
    assert voiced_span(audio) == pytest.approx(voiced_span(speech), abs=0.2)  # the whole sentence, once
    assert -20.0 < 20 * np.log10(np.abs(audio).max()) <= 0.0
    assert similarity(audio, speech) > 0.8  # and it is the sentence that was played


def test_sound_server_going_away_mid_visit_is_a_lost_device_and_the_audio_is_kept(pulse, capture, tmp_path):
    speech = espeak(SENTENCE)
    wav = write_audio(tmp_path / "speech.wav", speech)

    capture.start_recording()
    play(pulse, wav)
    assert capture.message()["no_signal"] is False
    pulse.process.kill()  # the "device" disappears at once, as when a USB microphone is pulled out
    pulse.process.wait(timeout=WAIT)
    lost = capture.message()
    assert lost["event"] == "device_lost" and lost["cause"] == "device_lost", lost
    assert "recorded so far are saved" in lost["message"]
    result = capture.stop()

    assert result["state"] == "stopped"
    audio = recover(result["folder"]).audio
    assert len(audio) / SR == pytest.approx(lost["saved"]) == pytest.approx(result["elapsed"])
    assert similarity(audio, speech) > 0.8  # what was said before the loss is there
