"""The Record type: EMR text, JSON round trip, verdicts."""

import json

import pytest

from summarizer.record import Provenance, Record, RecordSection, Sentence, record_from_dict


def make_record(language="zh"):
    provenance = Provenance("extractive", "outpatient-initial", "1.0", "ab" * 32, timings={"total_s": 0.1})
    sections = (
        RecordSection("chief_complaint", "主诉", (Sentence("咳嗽、发热3天。", ("u002",), "supported"),)),
        RecordSection("present_illness", "现病史", (
            Sentence("3天前出现咳嗽。", ("u002", "u004")),
            Sentence("最高体温38.6℃。", ("u006",), "contradicted", "38.6 vs 38.2 in u006"),
        )),
        RecordSection("personal_family_history", "个人史/家族史", (), not_discussed=True),
    )
    return Record("visit-1", language, "门诊初诊病历", sections, provenance)


def test_emr_text_has_one_line_per_section_and_marks_not_discussed():
    text = make_record().emr_text()
    assert text.splitlines() == [
        "主诉：咳嗽、发热3天。",
        "现病史：3天前出现咳嗽。最高体温38.6℃。",
        "个人史/家族史：未提及",
    ]


def test_english_record_joins_with_spaces():
    record = make_record("en")
    assert record.section("present_illness").text("en") == "3天前出现咳嗽。 最高体温38.6℃。"
    assert record.section("personal_family_history").text("en") == "Not discussed."


def test_json_round_trip_keeps_evidence_verdicts_and_provenance():
    record = make_record()
    data = json.loads(record.to_json())
    assert data["sections"][1]["sentences"][1]["verdict"] == "contradicted"
    assert record_from_dict(data) == record


def test_bad_verdict_and_malformed_json_are_refused():
    with pytest.raises(ValueError, match="verdict"):
        Sentence("x", verdict="maybe")
    with pytest.raises(ValueError, match="not a TingJi record"):
        record_from_dict({"sections": []})
