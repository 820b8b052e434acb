"""The extractive record backend: every sentence grounded in the visit, sections filled or marked not discussed."""

import json
import re
from dataclasses import replace

import pytest

from app.sample_visit import load_sample_visit
from diarization.types import LabelledTranscript, Utterance
from summarizer.extractive import build_record, record_from_facts
from summarizer.facts import Fact
from summarizer.quantities import format_number, zh_number
from summarizer.record import record_from_dict
from summarizer.templates import find_template, parse_template


def visit(*lines):
    return tuple(Utterance(f"u{i:02d}", role, role, float(i), i + 0.5, text) for i, (role, text) in enumerate(lines, 1))


def numbers_in(text: str) -> set[str]:
    """Numbers written with digits or Chinese numerals (三十八度五 counts as 38 and 5, 三天 as 3)."""
    found = set(re.findall(r"\d+(?:\.\d+)?", text))
    for word in re.findall(r"[零一二两三四五六七八九十百]+(?:点[零一二三四五六七八九]+)?", text):
        value = zh_number(word)
        if value is not None:
            found.add(format_number(value))
    return found


@pytest.fixture(scope="module")
def sample_record():
    sample = load_sample_visit()
    return sample, build_record(sample.utterances, find_template("outpatient-initial"), visit_id=sample.id)


def test_sample_record_has_every_section_filled_or_not_discussed(sample_record):
    _, record = sample_record
    template = find_template("outpatient-initial")
    assert [s.id for s in record.sections] == [s.id for s in template.sections]
    for section in record.sections:
        assert section.not_discussed == (not section.sentences)
    filled = {s.id for s in record.sections if not s.not_discussed}
    assert filled == {s.id for s in template.sections}  # the sample visit touches every section


def test_sample_record_sentences_cite_existing_utterances(sample_record):
    sample, record = sample_record
    ids = {u.id for u in sample.utterances}
    for section in record.sections:
        for sentence in section.sentences:
            assert sentence.evidence, f"{section.id}: {sentence.text} has no evidence"
            assert set(sentence.evidence) <= ids


def test_sample_record_numbers_are_said_in_the_cited_utterances(sample_record):
    sample, record = sample_record
    text = {u.id: u.text for u in sample.utterances}
    for section in record.sections:
        for sentence in section.sentences:
            said = numbers_in(" ".join(text[i] for i in sentence.evidence))
            for number in re.findall(r"\d+(?:\.\d+)?", sentence.text):
                assert number in said, f"{number} in {sentence.text!r} is not in {sentence.evidence}"


def test_sample_record_content(sample_record):
    _, record = sample_record
    complaint = record.section("chief_complaint").text()
    assert complaint == "咳嗽、发热3天。" and len(complaint) <= 20
    illness = record.section("present_illness").text()
    assert illness.startswith("3天前出现咳嗽、发热") and "最高体温38.6℃" in illness
    assert re.search(r"无胸痛、(气喘、)?呼吸困难、咯血。", illness)
    assert record.section("past_history").text() == "高血压5年，口服氨氯地平5毫克，每天一次。否认糖尿病。"
    assert record.section("allergy_history").text() == "青霉素过敏（皮疹）。"
    assert record.section("personal_family_history").text() == "不吸烟，偶尔饮酒。"
    exam = record.section("physical_exam").text()
    assert "体温38.2℃" in exam and "血压135/85mmHg" in exam and "右下肺可闻及少量湿啰音" in exam
    assert "38.6" not in exam  # the patient's own reading is history, not examination
    aux = record.section("auxiliary_exam").text()
    assert "白细胞12.5" in aux and "胸片：右下肺片状影" in aux
    assert record.section("diagnosis").text().startswith("社区获得性肺炎（右下肺）")
    plan = record.section("plan").text()
    for part in ("阿奇霉素0.5克，口服，每天一次，共3天", "多饮水", "体温超过39℃或呼吸困难时立即急诊", "3天后复诊，复查血常规"):
        assert part in plan


def test_sample_record_survives_missing_punctuation(sample_record):
    sample, record = sample_record
    for pause in (" ", ""):  # speech recognition may mark pauses with spaces, or not at all
        bare = tuple(replace(u, text=re.sub(r"[，。？、！]", pause, u.text)) for u in sample.utterances)
        again = build_record(bare, find_template("outpatient-initial"), visit_id=sample.id)
        assert again.emr_text() == record.emr_text()


def test_sample_record_provenance_and_round_trip(sample_record):
    sample, record = sample_record
    template = find_template("outpatient-initial")
    p = record.provenance
    assert (p.backend, p.template_id, p.template_version, p.template_sha256) == \
        ("extractive", template.id, template.version, template.sha256)
    assert p.model == {} and p.options == {} and p.timings["total_s"] >= 0
    assert record.visit_id == sample.id and record.language == "zh"
    assert record_from_dict(json.loads(record.to_json())) == record
    assert record.emr_text().splitlines()[0] == "主诉：咳嗽、发热3天。"


def test_nothing_is_invented_for_topics_never_discussed():
    record = build_record(visit(("patient", "我头疼两天了。"), ("doctor", "多休息。")),
                          find_template("outpatient-initial"))
    assert record.section("chief_complaint").text() == "头痛2天。"
    for section_id in ("past_history", "allergy_history", "physical_exam", "diagnosis"):
        assert record.section(section_id).not_discussed
    assert record.section("plan").text() == "注意休息。"


def test_negated_allergy_and_hedged_diagnosis():
    record = build_record(visit(
        ("doctor", "有药物过敏吗？"), ("patient", "没有。"),
        ("doctor", "考虑急性阑尾炎，不像是胃炎。"),
    ), find_template("surgery-initial"))
    assert record.section("allergy_history").text() == "否认药物过敏史。"
    assert record.section("diagnosis").text() == "考虑急性阑尾炎。"
    generic = build_record(visit(("patient", "头疼。"), ("doctor", "有什么过敏史吗？"), ("patient", "没有过敏史。")),
                           find_template("outpatient-initial"))
    assert generic.section("allergy_history").text() == "否认药物、食物过敏史。"


def test_empty_transcript_marks_every_section_not_discussed():
    for template_id in ("outpatient-initial", "pediatrics-initial", "soap-en"):
        template = find_template(template_id)
        record = build_record((), template)
        assert all(s.not_discussed and not s.sentences for s in record.sections)
        empty = "未提及" if template.language == "zh" else "Not discussed."
        assert all(line.endswith(empty) for line in record.emr_text().splitlines())
    transcript = LabelledTranscript((), (), 0.0, language="en")
    assert all(s.not_discussed for s in build_record(transcript, find_template("soap-en")).sections)


def test_english_visit_with_soap_template():
    utterances = visit(
        ("doctor", "What brings you in today?"),
        ("patient", "I've had a cough and a fever for three days. The cough is worse at night."),
        ("doctor", "Any chest pain or shortness of breath?"),
        ("patient", "No."),
        ("patient", "I have high blood pressure and take lisinopril 10 mg once a day. I'm allergic to penicillin."),
        ("doctor", "Temperature 38.3, blood pressure 138 over 86. I hear crackles in the right lower lobe."),
        ("doctor", "Your white count is 13.2 and the chest x-ray shows a right lower lobe infiltrate."),
        ("doctor", "This is community acquired pneumonia. Take azithromycin 500 mg once a day for 3 days."),
        ("doctor", "If you have trouble breathing, go to the emergency room. Follow up in one week."),
    )
    record = build_record(LabelledTranscript(utterances, (), 10.0, language="en"), find_template("soap-en"))
    assert record.language == "en"
    assert record.section("chief_complaint").text("en") == "Cough and fever for 3 days."
    hpi = record.section("present_illness").text("en")
    assert "Cough worse at night." in hpi and "Denies chest pain and shortness of breath." in hpi
    assert record.section("past_history").text("en") == "Hypertension, on lisinopril 10 mg once a day."
    assert record.section("allergy_history").text("en") == "Penicillin allergy."
    assert "blood pressure 138/86 mmHg" in record.section("physical_exam").text("en")
    assert "white blood cell count 13.2" in record.section("results").text("en")
    assert record.section("assessment").text("en").startswith("Community-acquired pneumonia")
    plan = record.section("plan").text("en")
    assert "Azithromycin 500 mg once a day for 3 days." in plan
    assert "Seek emergency care if you have trouble breathing." in plan and "Follow up in 1 week." in plan
    assert record.emr_text().startswith("Chief complaint: Cough and fever for 3 days.")


def test_unknown_sections_by_keyword_and_length_limit():
    template = parse_template(
        "id: t\nversion: '1'\nlanguage: zh\ndepartment: x\ntitle: T\nsections:\n"
        "  - {id: chief_complaint, title: 主诉, instruction: x, max_length: 6}\n"
        "  - {id: dx_summary, title: 诊断小结, instruction: x}\n"
        "  - {id: misc_notes, title: 备注, instruction: x}\n")
    record = build_record(visit(("patient", "咳嗽、发烧、头疼三天了。"), ("doctor", "是上呼吸道感染。")), template)
    complaint = record.section("chief_complaint").text()
    assert len(complaint) <= 6 and complaint.startswith("咳嗽")
    assert record.section("dx_summary").text() == "上呼吸道感染。"
    assert record.section("misc_notes").not_discussed


def test_record_from_facts_drops_evidence_outside_the_visit():
    facts = (Fact("symptom", "咳嗽", "present", "patient", ("u1", "ghost"), duration="3天"),)
    record = record_from_facts(facts, find_template("outpatient-initial"), utterance_ids=["u1"])
    assert record.section("chief_complaint").sentences[0].evidence == ("u1",)
    assert record_from_facts((), find_template("outpatient-initial")).section("plan").not_discussed


def test_sample_record_sentences_are_all_checked_and_supported():
    from summarizer.templates import find_template

    record = build_record(load_sample_visit().utterances, find_template("outpatient-initial"))
    sentences = [x for s in record.sections for x in s.sentences]
    assert len(sentences) > 15 and all(x.verdict == "supported" and x.evidence for x in sentences)
