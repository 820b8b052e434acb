"""病历质控: each QC rule on hand-built zh and en records (triggered and not), configuration, findings as data."""

import json

import pytest

from app.sample_visit import load_sample_visit
from summarizer.extractive import build_record
from summarizer.qc import RULES, Finding, QcConfig, finding_from_dict, findings_to_json, has_errors, run_qc
from summarizer.qc_drugs import drug_class, relation
from summarizer.record import Provenance, Record, RecordSection, Sentence
from summarizer.templates import find_template, parse_template

ZH = {
    "chief_complaint": ["咳嗽、发热3天。"],
    "present_illness": ["3天前受凉后出现咳嗽、发热，夜间咳嗽加重。", "无胸痛、呼吸困难、咯血。"],
    "past_history": ["否认高血压、糖尿病史。"],
    "allergy_history": ["否认药物、食物过敏史。"],
    "physical_exam": ["体温38.2℃，咽部充血。"],
    "diagnosis": ["急性支气管炎。"],
    "plan": ["阿莫西林0.5克，口服，每天三次，共5天。", "3天后复诊。"],
}
EN = {
    "chief_complaint": ["Cough and fever for 3 days."],
    "present_illness": ["Cough began 3 days ago and is worse at night."],
    "past_history": ["No chronic conditions."],
    "allergy_history": ["No known drug allergies."],
    "physical_exam": ["Temperature 38.2 C."],
    "assessment": ["Acute bronchitis."],
    "plan": ["Amoxicillin 500 mg three times a day for 5 days."],
}


def record_of(template, body: dict) -> Record:
    """A record with the template's sections: ``body[id]`` sentences; ``[]`` not discussed; absent ids left out."""
    sections = tuple(
        RecordSection(s.id, s.title, tuple(Sentence(t) for t in body[s.id]), not body[s.id])
        for s in template.sections if s.id in body
    )
    return Record("v1", template.language, template.title, sections,
                  Provenance("hand", template.id, template.version, template.sha256))


def check(template_id: str = "outpatient-initial", config=None, **changes):
    template = find_template(template_id)
    base = EN if template.language == "en" else ZH
    body = {k: v for k, v in {**base, **changes}.items() if v is not None}
    return run_qc(record_of(template, body), template, config=config)


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


def only(findings, rule) -> Finding:
    hits = [f for f in findings if f.rule == rule]
    assert len(hits) == 1, findings
    return hits[0]


def test_complete_records_have_no_findings():
    assert check() == []
    assert check("soap-en") == []


def test_required_sections_missing_or_not_discussed():
    findings = check(past_history=[], physical_exam=None)
    assert [(f.rule, f.section_id, f.severity) for f in findings] == [
        ("required_section", "past_history", "error"), ("required_section", "physical_exam", "error")]
    assert findings[0].message == "既往史为必填项，目前未填写"
    assert findings[1].message == "病历缺少必填项“体格检查”"
    assert check(personal_family_history=[]) == []  # not required
    assert rules(check("soap-en", physical_exam=["Not discussed."])) == ["required_section"]


def test_chief_complaint_length_counts_characters_not_punctuation():
    long = "反复咳嗽、咳痰伴发热、畏寒、乏力及食欲下降1周余。"
    finding = only(check(chief_complaint=[long]), "chief_complaint_length")
    assert (finding.message, finding.severity, finding.sentence_index) == ("主诉超过20字（现21字）", "error", None)
    assert check(chief_complaint=["反复咳嗽、咳痰伴发热、畏寒、乏力、纳差、头痛10天。"]) == []  # 20 字 + 6 marks
    assert check(chief_complaint=[long], config=QcConfig(chief_complaint_max_chars=25)) == []
    assert check(chief_complaint=[long], config=QcConfig(severities=(("chief_complaint_length", "off"),))) == []
    assert only(check(chief_complaint=["咳嗽3天。"], config=QcConfig(chief_complaint_max_chars=3)),
                "chief_complaint_length").message == "主诉超过3字（现4字）"


def test_chief_complaint_needs_a_duration_and_a_symptom():
    assert rules(check(chief_complaint=["咳嗽、发热。"])) == ["chief_complaint_duration"]
    assert check(chief_complaint=["咳嗽十余天。"]) == [] and check(chief_complaint=["头晕半年。"]) == []
    diagnosis = only(check(chief_complaint=["高血压5年。"]), "chief_complaint_diagnosis")
    assert diagnosis.message == "主诉应写症状（或体征）及时间，不宜直接写诊断（高血压）" and diagnosis.severity == "warning"
    assert only(check(chief_complaint=["发现肺结节1周。"]), "chief_complaint_symptom").severity == "info"
    assert rules(check("soap-en", chief_complaint=["Cough."])) == ["chief_complaint_duration"]
    assert check("soap-en", chief_complaint=["Headache for two weeks."]) == []
    assert rules(check("soap-en", chief_complaint=["Hypertension for 5 years."])) == ["chief_complaint_diagnosis"]


def test_present_illness_onset_and_course():
    findings = check(present_illness=["咳嗽，咳黄痰。", "无胸痛、呼吸困难、咯血。"])
    assert rules(findings) == ["present_illness_onset", "present_illness_course"]
    assert findings[0].message.startswith("现病史未写明起病时间")
    assert rules(check(present_illness=["3天前出现咳嗽。", "无胸痛、呼吸困难、咯血。"])) == ["present_illness_course"]
    assert check(present_illness=["受凉后咳嗽，自服止咳药效果不佳。", "无胸痛、呼吸困难、咯血。"]) == []
    assert rules(check("soap-en", present_illness=["Cough with yellow sputum."])) == \
        ["present_illness_onset", "present_illness_course"]
    assert check("soap-en", present_illness=["Started after a cold; tried honey without relief."]) == []


def test_necessary_negatives_the_template_asks_for():
    finding = only(check(present_illness=["3天前出现咳嗽，夜间加重。", "无胸痛。"]), "necessary_negatives")
    assert finding.message == "现病史缺少必要的阴性症状：呼吸困难、咯血（未出现时请写明“无呼吸困难、咯血”）"
    assert finding.key == "呼吸困难,咯血"
    assert check(present_illness=["3天前出现咳嗽，夜间加重。", "无胸痛、气促、咳血。"]) == []  # synonyms count
    assert check(present_illness=["3天前出现咳嗽，夜间加重，伴胸痛。", "无呼吸困难、咯血。"]) == []  # stated as present
    assert "necessary_negatives" not in rules(check("soap-en"))  # soap-en asks for none


def test_allergy_statement():
    missing = only(check(allergy_history=[]), "allergy_statement")
    assert missing.message == "过敏史未记录：请写明过敏原或“否认药物、食物过敏史”" and missing.severity == "error"
    assert "required_section" not in rules(check(allergy_history=[]))  # one finding per problem
    assert only(check(allergy_history=["见既往史。"]), "allergy_statement").message.startswith("过敏史未写明过敏原")
    assert rules(check(allergy_history=["过敏史不详。"])) == ["allergy_statement"]
    for ok in (["无。"], ["青霉素（皮疹）。"], ["对海鲜过敏。"], ["否认过敏史。"]):
        assert check(allergy_history=ok, plan=["阿奇霉素0.5克，每天一次。"]) == [], ok
    assert rules(check("soap-en", allergy_history=["See above."])) == ["allergy_statement"]
    assert check("soap-en", allergy_history=["NKDA."]) == [] and check("soap-en", allergy_history=["None."]) == []


def test_diagnosis_present():
    finding = only(check(diagnosis=[]), "diagnosis_present")
    assert (finding.message, finding.section_id) == ("初步诊断未填写：请写明医生给出的诊断或考虑的诊断", "diagnosis")
    assert rules(check(diagnosis=[])) == ["diagnosis_present"]
    assert rules(check("soap-en", assessment=None)) == ["diagnosis_present"]


def test_allergy_denied_in_one_section_and_named_in_another():
    findings = check(past_history=["高血压5年。", "既往青霉素过敏。"], plan=["阿奇霉素0.5克，口服，每天一次。"])
    finding = only(findings, "allergy_contradiction")
    assert finding.message == "过敏史前后矛盾：过敏史写“否认药物、食物过敏史”，既往史却记有青霉素过敏"
    assert (finding.section_id, finding.sentence_index, finding.related) == ("allergy_history", 0,
                                                                             (("past_history", 1),))
    assert check(allergy_history=["青霉素过敏，否认其他药物过敏。"], plan=["阿奇霉素0.5克。"]) == []
    assert check(allergy_history=["否认药物过敏史。"], past_history=["对花生过敏。"]) == []  # food vs drug denial
    en = check("soap-en", present_illness=["Cough began 3 days ago, worse at night. Allergic to amoxicillin."],
               plan=["Azithromycin 500 mg daily for 3 days."])
    assert rules(en) == ["allergy_contradiction"] and "NKDA" not in en[0].message
    assert check("soap-en", present_illness=["Began 3 days ago, worse at night. Allergic to shellfish."]) == []


def test_prescribed_drug_the_patient_is_allergic_to():
    findings = check(allergy_history=["青霉素过敏（皮疹）。"])
    finding = only(findings, "allergy_drug_conflict")
    assert finding.message == "开具的阿莫西林与过敏史中的青霉素过敏冲突（同属青霉素类）"
    assert (finding.severity, finding.section_id, finding.sentence_index, finding.related) == \
        ("error", "plan", 0, (("allergy_history", 0),))
    assert check(allergy_history=["青霉素过敏（皮疹）。"], plan=["禁用青霉素。", "阿奇霉素0.5克，每天一次。"]) == []
    assert check(allergy_history=["青霉素过敏。"], plan=["青霉素类不能用，改阿奇霉素0.5克。"]) == []
    same = only(check(allergy_history=["青霉素过敏。"], plan=["青霉素80万单位肌注。"]), "allergy_drug_conflict")
    assert same.message == "开具的青霉素与过敏史中的青霉素过敏冲突"
    sulfa = check(allergy_history=["否认食物过敏，对磺胺类药物过敏。"], plan=["复方磺胺甲噁唑2片，每天两次。"])
    assert rules(sulfa) == ["allergy_drug_conflict"]
    en = only(check("soap-en", allergy_history=["Penicillin allergy (rash)."]), "allergy_drug_conflict")
    assert en.message == "Amoxicillin is prescribed but Allergies records an allergy to penicillin (both penicillins)"
    assert check("soap-en", allergy_history=["Penicillin allergy."], plan=["Avoid amoxicillin."]) == []


def test_cross_reactive_drugs_are_a_warning():
    findings = check(allergy_history=["青霉素过敏（皮疹）。"], plan=["头孢呋辛0.25克，口服，每天两次。"])
    finding = only(findings, "allergy_cross_reactivity")
    assert finding.severity == "warning" and not has_errors(findings)
    assert finding.message == "开具的头孢呋辛与过敏史中的青霉素过敏可能存在交叉过敏（头孢菌素类与青霉素类），请确认"
    assert rules(check(allergy_history=["阿司匹林过敏。"], plan=["布洛芬0.3克，发热时服用。"])) == \
        ["allergy_cross_reactivity"]
    en = check("soap-en", allergy_history=["Allergic to penicillin."], plan=["Ceftriaxone 1 g IM once."])
    assert rules(en) == ["allergy_cross_reactivity"]


def test_drug_class_table():
    assert drug_class("阿莫西林") == drug_class("氨苄西林") == drug_class("penicillin") == "penicillin"
    assert drug_class("头孢美唑") == drug_class("cefalotin") == "cephalosporin"  # by name pattern
    assert drug_class("阿奇霉素") == "macrolide" and drug_class("氨氯地平") is None
    assert relation("阿莫西林", "青霉素")[0] == "conflict" and relation("头孢曲松", "阿莫西林")[0] == "cross"
    assert relation("阿奇霉素", "青霉素")[0] == "" and relation("布洛芬", "布洛芬")[0] == "conflict"


def test_section_length_and_other_templates():
    template = parse_template(
        "id: t\nversion: '1'\nlanguage: zh\ndepartment: x\ntitle: T\nsections:\n"
        "  - {id: zs, title: 主诉, instruction: x, required: true}\n"
        "  - {id: gms, title: 过敏史, instruction: x}\n"
        "  - {id: cl, title: 处理, instruction: x, max_length: 10}\n")
    record = record_of(template, {"zs": ["咳嗽3天。"], "gms": ["青霉素过敏。"],
                                  "cl": ["阿莫西林0.5克，口服，每天三次，共5天。"]})
    findings = run_qc(record, template)
    assert [(f.rule, f.section_id) for f in findings] == [("section_length", "cl"), ("allergy_drug_conflict", "cl")]
    assert findings[0].message == "处理超过10字（现17字）"  # 0.5 is 3 字


def test_template_qc_block_overrides_the_config():
    text = ("id: t\nversion: '1'\nlanguage: zh\ndepartment: x\ntitle: T\n"
            "qc:\n  chief_complaint_max_chars: 4\n  rules: {chief_complaint_duration: info, diagnosis_present: off}\n"
            "sections:\n  - {id: chief_complaint, title: 主诉, instruction: x, max_length: 20}\n"
            "  - {id: diagnosis, title: 诊断, instruction: x}\n")
    template = parse_template(text)
    record = record_of(template, {"chief_complaint": ["咳嗽、发热、头痛。"], "diagnosis": []})
    findings = run_qc(record, template, config=QcConfig(5, (("chief_complaint_duration", "error"),)))
    assert [(f.rule, f.severity) for f in findings] == [("chief_complaint_length", "error"),
                                                        ("chief_complaint_duration", "info")]
    assert findings[0].message == "主诉超过4字（现6字）"
    followup = find_template("outpatient-followup")
    assert followup.qc.severity("present_illness_onset") == "off"
    assert run_qc(record_of(followup, {"chief_complaint": ["肺炎治疗3天后复诊。"],
                                       "present_illness": ["咳嗽减轻，体温正常。"], "physical_exam": ["体温36.8℃。"],
                                       "diagnosis": ["肺炎（好转）。"], "plan": ["继续阿奇霉素1天。"]}), followup) == []


def test_qc_config_values_and_round_trip():
    config = QcConfig.from_dict({"chief_complaint_max_chars": 15, "rules": {"section_length": "off"}})
    assert config.severity("section_length") == "off" and not config.enabled("section_length")
    assert config.severity("allergy_statement") == RULES["allergy_statement"] == "error"
    assert QcConfig.from_dict(config.to_dict()) == config
    assert QcConfig(severities=(("section_length", "info"),)).over(config).severity("section_length") == "info"
    assert QcConfig().over(config).chief_complaint_max_chars == 15
    assert config.chief_complaint_limit(20, "zh") == 15 and QcConfig().chief_complaint_limit(0, "zh") == 20
    assert QcConfig().chief_complaint_limit(0, "en") == 0 and QcConfig().chief_complaint_limit(80, "en") == 80
    with pytest.raises(ValueError, match="unknown QC rule"):
        QcConfig(severities=(("spelling", "error"),))
    with pytest.raises(ValueError, match="severity"):
        QcConfig(severities=(("section_length", "fatal"),))
    with pytest.raises(ValueError, match="≥ 0"):
        QcConfig(-1)
    with pytest.raises(ValueError, match="unknown QC setting"):
        QcConfig.from_dict({"max": 3})


def test_findings_are_ordered_by_section_and_round_trip_as_json():
    findings = check(chief_complaint=["高血压。"], allergy_history=[], diagnosis=[],
                     plan=["头孢呋辛0.25克，每天两次。"], past_history=["青霉素过敏。"])
    assert [f.section_id for f in findings] == ["chief_complaint", "chief_complaint", "allergy_history",
                                                "diagnosis", "plan"]
    assert len({f.id for f in findings}) == len(findings)
    assert findings[-1].id == "allergy_cross_reactivity:plan:头孢呋辛|青霉素"
    data = json.loads(findings_to_json(findings))
    assert data[-1]["related"] == [{"section_id": "past_history", "sentence_index": 0}]
    assert [finding_from_dict(d) for d in data] == findings
    with pytest.raises(ValueError, match="not a QC finding"):
        finding_from_dict({"rule": "x"})
    with pytest.raises(ValueError, match="severity"):
        Finding("required_section", "fatal", "m", "s")


def test_sample_visit_record_has_no_error_findings():
    template = find_template("outpatient-initial")
    record = build_record(load_sample_visit().utterances, template)
    findings = run_qc(record, template)
    assert not has_errors(findings), [f.message for f in findings]
    # The record names the penicillin allergy and gives azithromycin: no conflict, and 禁用青霉素 is no prescription.
    assert not [f for f in findings if f.rule.startswith("allergy")]


def test_sections_the_template_lacks_are_read_but_not_judged():
    followup = find_template("outpatient-followup")  # no 过敏史 section
    initial = find_template("outpatient-initial")
    body = {**ZH, "allergy_history": [], "past_history": ["青霉素过敏。"]}
    record = record_of(initial, body)
    findings = run_qc(record, followup)
    assert rules(findings) == ["allergy_drug_conflict"]  # the allergy still counts; the empty 过敏史 is not judged
    assert findings[0].related == (("past_history", 0),)


def test_a_denial_of_one_allergen_contradicts_only_that_allergen():
    assert rules(check(allergy_history=["否认青霉素过敏。"], past_history=["对青霉素过敏。"],
                       plan=["阿奇霉素0.5克。"])) == ["allergy_contradiction"]
    assert check(allergy_history=["否认青霉素过敏。"], past_history=["对海鲜过敏。"], plan=["阿奇霉素0.5克。"]) == []
