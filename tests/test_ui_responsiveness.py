"""The responsiveness probe runs a replayed visit to a record and reports the event-loop stalls it saw."""

import pytest

pytestmark = pytest.mark.window


def test_the_probe_reports_stalls_of_a_replayed_visit(qapp, monkeypatch, tmp_path):
    monkeypatch.setenv("TINGJI_HOME", str(tmp_path))
    from app.ui.responsiveness import BEAT_MS, measure

    result = measure(speed=0)  # the sample's audio as fast as the recorder takes it
    assert result["record_ready"] is True and result["speech_models"] is False
    assert result["beats"] > 0 and result["beat_ms"] == BEAT_MS
    assert 0 <= result["p99_stall_ms"] <= result["longest_stall_ms"]
    assert result["stalls_over_100_ms"] <= result["beats"]
