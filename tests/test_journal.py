"""The crash-safe audio journal: append, recover (torn tail), find interrupted visits, finish, discard, disk errors."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from app import journal as journal_module
from app.journal import (
    AUDIO_FILE,
    META_FILE,
    Journal,
    JournalError,
    JournalState,
    discard,
    find_interrupted,
    finish,
    recover,
)

ROOT = Path(__file__).resolve().parents[1]
SR = 16000


def ramp(seconds: float) -> np.ndarray:
    """Audio whose every sample is different, so any lost, doubled or reordered sample shows."""
    n = int(seconds * SR)
    return (np.arange(n, dtype=np.float64) / n - 0.5).astype(np.float32)


def append_blocks(journal: Journal, audio: np.ndarray, block: int = 1600) -> None:
    for start in range(0, len(audio), block):
        journal.append(audio[start:start + block])


def test_appended_audio_is_read_back_exactly_with_its_journal(tmp_path):
    audio = ramp(3.0)
    journal = Journal.create(tmp_path, meta={"template": "outpatient_general"})
    append_blocks(journal, audio[:SR])
    journal.pause()
    journal.resume()
    append_blocks(journal, audio[SR:])
    journal.stop()

    meta = json.loads((journal.folder / META_FILE).read_text())
    assert meta["state"] == "stopped" and meta["sample_rate"] == SR and meta["format"] == "float32"
    assert meta["visit_id"] == journal.folder.name and meta["started"]
    assert meta["app"] == {"template": "outpatient_general"}
    assert (journal.folder / AUDIO_FILE).stat().st_size == len(audio) * 4

    visit = recover(journal.folder)
    assert np.array_equal(visit.audio, audio)
    assert visit.duration == pytest.approx(3.0)
    assert visit.state is JournalState.STOPPED and visit.torn_bytes == 0
    assert visit.pauses == (SR,)


def test_int16_journal_is_half_the_size_and_close_to_the_input(tmp_path):
    audio = ramp(1.0)
    with Journal.create(tmp_path, fmt="int16") as journal:
        append_blocks(journal, audio)
    assert (journal.folder / AUDIO_FILE).stat().st_size == len(audio) * 2
    assert np.abs(recover(journal.folder).audio - audio).max() < 1e-4


def test_torn_last_block_is_left_out_and_reopen_continues_cleanly(tmp_path):
    audio = ramp(1.0)
    journal = Journal.create(tmp_path)
    append_blocks(journal, audio)
    journal.close()  # no stop: as after a crash
    with open(journal.folder / AUDIO_FILE, "ab") as handle:
        handle.write(b"\x01\x02\x03")  # a sample cut in the middle

    visit = recover(journal.folder)
    assert visit.torn_bytes == 3
    assert np.array_equal(visit.audio, audio)
    assert visit.state is JournalState.RECORDING

    more = ramp(0.5)
    reopened = Journal.reopen(journal.folder)
    append_blocks(reopened, more)
    reopened.stop()
    assert np.array_equal(recover(journal.folder).audio, np.concatenate([audio, more]))


def test_audio_is_fsynced_at_least_once_per_second_and_on_pause_and_stop(tmp_path, monkeypatch):
    now = [0.0]
    journal = Journal.create(tmp_path, clock=lambda: now[0])
    audio_fd = journal._fd
    synced: list[float] = []
    real_fsync = os.fsync

    def counting_fsync(fd):
        if fd == audio_fd:
            synced.append(now[0])
        real_fsync(fd)

    monkeypatch.setattr(journal_module.os, "fsync", counting_fsync)
    for _ in range(40):  # 5 s of 0.125 s blocks (exact in binary, so the gaps are exact)
        now[0] += 0.125
        journal.append(np.zeros(2000, np.float32))
    assert len(synced) >= 4
    gaps = np.diff([0.0, *synced, now[0]])
    assert gaps.max() <= 1.0 + 1e-9

    count = len(synced)
    journal.pause()
    assert len(synced) == count + 1
    journal.resume()
    now[0] += 0.125
    journal.append(np.zeros(2000, np.float32))
    journal.stop()
    assert len(synced) >= count + 2 and synced[-1] == now[0]


def test_sync_if_due_flushes_a_quiet_journal(tmp_path, monkeypatch):
    now = [0.0]
    journal = Journal.create(tmp_path, clock=lambda: now[0])
    calls = []
    monkeypatch.setattr(journal_module.os, "fsync", lambda fd: calls.append(fd))
    journal.append(np.zeros(160, np.float32))
    journal.sync_if_due()
    assert calls == []  # not due yet
    now[0] = 1.5
    journal.sync_if_due()
    assert calls == [journal._fd]
    journal.sync_if_due()
    assert calls == [journal._fd]  # nothing new to flush


def test_find_interrupted_lists_unfinished_visits_only(tmp_path):
    crashed = Journal.create(tmp_path, visit_id="a-crashed")
    append_blocks(crashed, ramp(1.0))
    crashed.close()
    stopped = Journal.create(tmp_path, visit_id="b-stopped")
    append_blocks(stopped, ramp(0.5))
    stopped.stop()
    done = Journal.create(tmp_path, visit_id="c-finished")
    append_blocks(done, ramp(0.5))
    done.finish()
    live = Journal.create(tmp_path, visit_id="d-live")  # still open in this process: not offered
    append_blocks(live, ramp(0.5))
    damaged = tmp_path / "e-damaged"
    damaged.mkdir()
    (damaged / META_FILE).write_text("{not json")
    (tmp_path / "not-a-journal").mkdir()

    found = find_interrupted(tmp_path)
    assert [v.visit_id for v in found] == ["a-crashed", "b-stopped"]  # oldest first
    by_id = {v.visit_id: v for v in found}
    assert by_id["a-crashed"].state is JournalState.RECORDING
    assert by_id["a-crashed"].duration == pytest.approx(1.0)
    assert by_id["b-stopped"].state is JournalState.STOPPED

    live.close()
    assert "d-live" in {v.visit_id for v in find_interrupted(tmp_path)}
    assert find_interrupted(tmp_path / "missing") == []


def test_finish_writes_flac_that_decodes_to_the_recording(tmp_path):
    from asr.audio import load_audio

    audio = (0.3 * np.sin(2 * np.pi * 440 * np.arange(2 * SR) / SR)).astype(np.float32)
    journal = Journal.create(tmp_path)
    append_blocks(journal, audio)
    journal.close()  # interrupted: finishing must work from the crash state too

    path = finish(journal.folder, keep_pcm=False)
    assert path.name == "audio.flac" and path.stat().st_size < len(audio) * 2
    decoded = load_audio(path)
    assert len(decoded) == len(audio)
    assert np.abs(decoded - audio).max() < 1e-4
    meta = json.loads((journal.folder / META_FILE).read_text())
    assert meta["state"] == "finished" and meta["finished_file"] == "audio.flac"
    assert not (journal.folder / AUDIO_FILE).exists()
    assert find_interrupted(tmp_path) == []


def test_finish_as_wav(tmp_path):
    from asr.audio import load_audio

    audio = ramp(1.0) * 0.5
    journal = Journal.create(tmp_path)
    append_blocks(journal, audio)
    path = journal.finish("wav")
    assert path.suffix == ".wav" and np.abs(load_audio(path) - audio).max() < 1e-4
    assert (journal.folder / AUDIO_FILE).exists()  # kept by default


def test_discard_removes_the_visit_but_not_a_live_one(tmp_path):
    old = Journal.create(tmp_path, visit_id="old")
    old.close()
    live = Journal.create(tmp_path, visit_id="live")
    with pytest.raises(JournalError, match="still being recorded"):
        discard(live.folder)
    discard(old.folder)
    assert not old.folder.exists() and live.folder.exists()
    with pytest.raises(JournalError):
        discard(tmp_path / "nothing-here")


def test_damaged_journal_is_reported_in_words(tmp_path):
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / META_FILE).write_text('{"visit_id": "v"}')
    with pytest.raises(JournalError, match="damaged") as info:
        recover(folder)
    assert info.value.reason == "damaged"


def test_disk_full_error_names_the_problem_and_keeps_the_audio(tmp_path, monkeypatch):
    """ENOSPC as the kernel reports it from write(2) (a real full disk needs a mount this sandbox cannot make)."""
    audio = ramp(2.0)
    journal = Journal.create(tmp_path)
    append_blocks(journal, audio[:SR])
    real_write = os.write

    def full_disk(fd, data):
        if fd == journal._fd:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(journal_module.os, "write", full_disk)
    with pytest.raises(JournalError) as info:
        journal.append(audio[SR:])
    assert info.value.reason == "disk_full"
    assert "disk is full" in str(info.value) and "0 min 01 s recorded so far are saved" in str(info.value)
    assert info.value.recorded_seconds == pytest.approx(1.0)
    monkeypatch.undo()
    journal.close()
    assert np.array_equal(recover(journal.folder).audio, audio[:SR])


FSIZE_CHILD = textwrap.dedent("""
    import json, resource, signal, sys
    import numpy as np
    from app.journal import Journal, JournalError

    root, limit = sys.argv[1], int(sys.argv[2])
    audio = np.load(sys.argv[3])
    journal = Journal.create(root, visit_id="limited")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    appended = 0
    try:
        for start in range(0, len(audio), 1600):
            journal.append(audio[start:start + 1600])
            appended = start + len(audio[start:start + 1600])
        result = {"error": None}
    except JournalError as error:
        result = {"error": str(error), "reason": error.reason, "recorded": error.recorded_seconds}
    result["appended"] = appended
    journal.stop()  # journal.json is far below the limit: the stop is recorded
    print(json.dumps(result))
""")


def test_file_size_limit_raises_journal_error_and_keeps_what_was_written(tmp_path):
    audio = ramp(5.0)
    np.save(tmp_path / "audio.npy", audio)
    limit = 100_000  # bytes: 1.56 s of float32, not a multiple of a block
    out = subprocess.run(
        [sys.executable, "-c", FSIZE_CHILD, str(tmp_path / "journals"), str(limit), str(tmp_path / "audio.npy")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["reason"] == "file_too_large", result
    assert "largest size" in result["error"] and "recorded so far are saved" in result["error"]
    assert result["appended"] < len(audio)

    visit = recover(tmp_path / "journals" / "limited")
    assert visit.state is JournalState.STOPPED
    assert len(visit.audio) == limit // 4  # every byte up to the limit, the partial block included
    assert len(visit.audio) >= result["appended"]
    assert visit.duration >= result["recorded"]
    assert np.array_equal(visit.audio, audio[:len(visit.audio)])
