#!/usr/bin/env python3
"""Render TingJi's bundled sample visit to audio with espeak-ng.

Reads ``resources/sample_visit/script.json`` (a hand-written, synthetic
Mandarin outpatient conversation), synthesises every utterance with the
``espeak-ng`` binary, and writes:

* ``visit.flac`` -- 16 kHz, mono, 16-bit FLAC of the whole visit;
* ``visit.json`` -- the script plus, for each utterance, the ``start`` and
  ``end`` (seconds) of its speech in the FLAC, and ``audio``,
  ``sample_rate`` and ``duration``.

Each utterance is rendered with ``espeak-ng -v VOICE -p PITCH -s SPEED
--stdout TEXT``, where TEXT is the utterance's ``tts`` field when present
(toned pinyin) and its ``text`` otherwise. The WAV from stdout is converted
to float mono, resampled to 16 kHz with a Kaiser-windowed-sinc polyphase
filter, trimmed of espeak's leading and trailing silence, and joined with a
fixed gap between utterances. Nothing is random, so the same espeak-ng build
gives byte-identical output.

``--check`` re-renders into a temporary directory and reports whether the
timings match the committed ``visit.json`` (exit status 1 when they do not).

Only the standard library, numpy and soundfile are used.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO_ROOT / "resources" / "sample_visit"

TARGET_RATE = 16000
GAP_S = 0.6  # silence between consecutive utterances
EDGE_S = 0.5  # silence at the start and the end of the recording
PEAK_DBFS = -3.0
# Samples quieter than this (relative to full scale) at an utterance's edges
# count as espeak's own leading/trailing silence and are trimmed (-50 dBFS).
TRIM_THRESHOLD = 10 ** (-50 / 20)

# Resampling filter: half-width in input samples, Kaiser beta, and cutoff as
# a fraction of the output Nyquist frequency.
FILTER_HALF_WIDTH = 32
FILTER_BETA = 8.6
FILTER_ROLLOFF = 0.94


def parse_wav(data: bytes) -> tuple[int, np.ndarray]:
    """Decode a PCM WAV byte string into (sample_rate, float32 mono samples).

    espeak-ng writing to stdout cannot seek back, so its RIFF and data chunk
    sizes are placeholders; the data chunk is therefore clamped to the bytes
    actually present.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("espeak-ng did not produce a RIFF/WAVE stream")
    pos = 12
    fmt = None
    while pos + 8 <= len(data):
        chunk_id = data[pos:pos + 4]
        size = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = pos + 8
        if chunk_id == b"fmt ":
            fmt = struct.unpack("<HHIIHH", data[body:body + 16])
        elif chunk_id == b"data":
            if fmt is None:
                raise ValueError("WAV data chunk before fmt chunk")
            audio_format, channels, rate, _, _, bits = fmt
            if audio_format != 1 or bits != 16:
                raise ValueError(f"unsupported WAV encoding: format={audio_format} bits={bits}")
            end = min(body + size, len(data))
            end -= (end - body) % (2 * channels)
            pcm = np.frombuffer(data[body:end], dtype="<i2").astype(np.float32) / 32768.0
            pcm = pcm.reshape(-1, channels).mean(axis=1, dtype=np.float32)
            return rate, pcm
        pos = body + size + (size & 1)
    raise ValueError("WAV stream has no data chunk")


def _kaiser_sinc_bank(up: int, down: int) -> np.ndarray:
    """Return the polyphase filter bank, shape (up, 2 * FILTER_HALF_WIDTH).

    Row ``p`` holds the taps for an output sample that falls ``p / up`` of an
    input sample after the input sample it is anchored to. Each row is
    normalised to unity DC gain.
    """
    half = FILTER_HALF_WIDTH
    cutoff = 0.5 * min(1.0, up / down) * FILTER_ROLLOFF  # cycles per input sample
    offsets = np.arange(-half + 1, half + 1, dtype=np.float64)
    frac = np.arange(up, dtype=np.float64)[:, None] / up
    t = frac - offsets[None, :]  # distance from each tap to the output instant
    arg = np.clip(1.0 - (t / half) ** 2, 0.0, None)
    window = np.i0(FILTER_BETA * np.sqrt(arg)) / np.i0(FILTER_BETA)
    taps = 2.0 * cutoff * np.sinc(2.0 * cutoff * t) * window
    return taps / taps.sum(axis=1, keepdims=True)


def resample(x: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample ``x`` from ``rate_in`` to ``rate_out`` (band-limited, polyphase)."""
    if rate_in == rate_out:
        return x.astype(np.float32)
    g = math.gcd(rate_in, rate_out)
    up, down = rate_out // g, rate_in // g
    bank = _kaiser_sinc_bank(up, down)
    half = FILTER_HALF_WIDTH
    padded = np.concatenate([np.zeros(half, np.float64), x.astype(np.float64),
                             np.zeros(2 * half, np.float64)])
    n_out = -(-len(x) * up // down)
    out = np.empty(n_out, dtype=np.float64)
    tap_idx = np.arange(2 * half)  # padded index of tap j is base + 1 + j
    chunk = 1 << 15
    for lo in range(0, n_out, chunk):
        n = np.arange(lo, min(lo + chunk, n_out), dtype=np.int64)
        base, phase = np.divmod(n * down, up)
        frames = padded[(base + 1)[:, None] + tap_idx[None, :]]
        out[lo:lo + len(n)] = np.einsum("ij,ij->i", frames, bank[phase])
    return out.astype(np.float32)


def trim_silence(x: np.ndarray) -> np.ndarray:
    """Drop leading and trailing samples below TRIM_THRESHOLD."""
    loud = np.flatnonzero(np.abs(x) >= TRIM_THRESHOLD)
    if loud.size == 0:
        raise ValueError("utterance rendered as silence")
    return x[loud[0]:loud[-1] + 1]


def synthesize(text: str, voice: str, pitch: int, speed: int) -> tuple[int, np.ndarray]:
    """Run espeak-ng for one utterance and return (rate, float32 mono samples)."""
    cmd = ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "--stdout", text]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"espeak-ng failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    return parse_wav(proc.stdout)


def espeak_version() -> str:
    """Return espeak-ng's version line, e.g. 'eSpeak NG text-to-speech: 1.51 ...'."""
    proc = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True)
    return proc.stdout.strip().split("  Data at:")[0]


def render(script: dict, out_dir: Path) -> dict:
    """Render ``script`` into ``out_dir``; return the visit.json document."""
    speakers = script["speakers"]
    gap = np.zeros(round(GAP_S * TARGET_RATE), np.float32)
    edge = np.zeros(round(EDGE_S * TARGET_RATE), np.float32)
    pieces = [edge]
    cursor = len(edge)
    spans = []
    for i, utt in enumerate(script["utterances"]):
        spk = speakers[utt["speaker"]]
        rate, wav = synthesize(utt.get("tts") or utt["text"], spk["voice"],
                               int(spk["pitch"]), int(spk["speed"]))
        speech = trim_silence(resample(wav, rate, TARGET_RATE))
        if i:
            pieces.append(gap)
            cursor += len(gap)
        spans.append((cursor, cursor + len(speech)))
        pieces.append(speech)
        cursor += len(speech)
    pieces.append(edge)
    audio = np.concatenate(pieces)
    audio *= np.float32(10 ** (PEAK_DBFS / 20) / np.max(np.abs(audio)))

    out_dir.mkdir(parents=True, exist_ok=True)
    sf.write(out_dir / "visit.flac", audio, TARGET_RATE, subtype="PCM_16", format="FLAC")

    visit = copy.deepcopy(script)
    for utt, (a, b) in zip(visit["utterances"], spans):
        utt["start"] = round(a / TARGET_RATE, 3)
        utt["end"] = round(b / TARGET_RATE, 3)
    visit["audio"] = "visit.flac"
    visit["sample_rate"] = TARGET_RATE
    visit["duration"] = round(len(audio) / TARGET_RATE, 3)
    visit["rendered_with"] = espeak_version()
    (out_dir / "visit.json").write_text(
        json.dumps(visit, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return visit


def timings(visit: dict) -> list:
    """Return the comparable timing facts of a visit.json document."""
    return [visit.get("duration")] + [(u["id"], u.get("start"), u.get("end"))
                                      for u in visit["utterances"]]


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--script", type=Path, default=DEFAULT_DIR / "script.json",
                        help="conversation script (default: %(default)s)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_DIR,
                        help="where visit.flac and visit.json go (default: %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="render to a temporary directory and compare timings "
                             "with the existing visit.json instead of overwriting it")
    args = parser.parse_args(argv)

    if shutil.which("espeak-ng") is None:
        parser.error("espeak-ng is not on PATH")
    script = json.loads(args.script.read_text(encoding="utf-8"))

    if args.check:
        committed_json = args.out_dir / "visit.json"
        if not committed_json.exists():
            parser.error(f"{committed_json} does not exist; render it first")
        committed = json.loads(committed_json.read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            fresh = render(script, Path(tmp))
            flac_same = (args.out_dir / "visit.flac").exists() and \
                sha256(Path(tmp) / "visit.flac") == sha256(args.out_dir / "visit.flac")
        same = timings(fresh) == timings(committed)
        print(f"check: timings {'match' if same else 'DIFFER'}, "
              f"FLAC bytes {'identical' if flac_same else 'differ'} "
              f"({len(fresh['utterances'])} utterances, {fresh['duration']:.3f} s)")
        return 0 if same else 1

    visit = render(script, args.out_dir)
    flac = args.out_dir / "visit.flac"
    print(f"wrote {flac} and visit.json: {len(visit['utterances'])} utterances, "
          f"{visit['duration']:.3f} s, {flac.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
