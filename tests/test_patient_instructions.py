"""患者版医嘱: plain words, how to take each medicine, warning signs, follow-up — from the visit's facts only."""

import dataclasses
import json

from app.sample_visit import load_sample_visit
from diarization.types import Utterance
from summarizer.extractive import build_record
from summarizer.facts import extract_facts
from summarizer.patient_instructions import build_patient_instructions
from summarizer.record import record_from_dict
from summarizer.templates import find_template


def _u(i, role, text):
    return Utterance(f"u{i:03d}", "S1" if role == "doctor" else "S2", role, float(i), i + 1.0, text)


def test_sample_visit_instructions_cite_the_doctors_words():
    visit = load_sample_visit()
    record = build_record(visit.utterances, find_template("outpatient-initial"))
    sections = {s.id: s for s in record.patient_instructions}
    assert list(sections) == ["diagnosis", "medicines", "care", "warning", "followup"]
    assert "社区获得性肺炎（肺部感染）" in sections["diagnosis"].text("zh")
    medicines = sections["medicines"].text("zh")
    assert "阿奇霉素：每次0.5克，每天一次，口服，共3天。" in medicines
    assert "请勿使用青霉素。" in medicines
    assert "氨溴索" in medicines and "说明书" in medicines  # no dose was said: none is invented
    assert "体温超过39℃或呼吸困难" in sections["warning"].text("zh")
    assert sections["followup"].text("zh") == "3天后复诊，复查血常规。"
    doctor_ids = {u.id for u in visit.utterances if u.role == "doctor"}
    assert all(s.evidence and set(s.evidence) <= doctor_ids for sec in sections.values() for s in sec.sentences)
    page = record.patient_text()
    assert page.startswith("患者版医嘱\n您的诊断：")
    assert record_from_dict(json.loads(record.to_json())).patient_instructions == record.patient_instructions


def test_english_instructions():
    visit = [_u(1, "doctor", "What brings you in?"), _u(2, "patient", "I have had a cough for three days."),
             _u(3, "doctor", "This looks like pneumonia. Take azithromycin 500 mg once daily for three days. "
                             "Drink plenty of fluids. Come back in one week. If you have trouble breathing go to "
                             "the emergency department.")]
    sections = {s.id: s.text("en") for s in build_patient_instructions(extract_facts(visit, "en"), "en")}
    assert sections["diagnosis"] == "The doctor thinks you have pneumonia (a lung infection)."
    assert sections["medicines"] == "Azithromycin: 500 mg, once a day, for 3 days."
    assert "trouble breathing" in sections["warning"] and "Drink plenty of fluids." == sections["care"]
    assert sections["followup"] == "Come back in 1 week."


def test_nothing_said_nothing_written():
    visit = [_u(1, "doctor", "哪里不舒服？"), _u(2, "patient", "咳嗽三天了。")]
    assert build_patient_instructions(extract_facts(visit, "zh"), "zh") == ()


def test_templates_without_patient_instructions_have_none():
    template = dataclasses.replace(find_template("soap-en"), patient_instructions=False)
    visit = [_u(1, "doctor", "Take ibuprofen 400 mg three times a day.")]
    assert build_record(visit, template).patient_instructions == ()
