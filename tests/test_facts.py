"""Rule-based fact extraction: the bundled sample visit, Chinese edge cases, English, numbers and vocabularies."""

import pytest

from app.sample_visit import load_sample_visit
from diarization.types import Utterance
from summarizer.facts import KINDS, STATUSES, Fact, extract_facts, merge_facts
from summarizer.quantities import find_doses, find_durations, find_frequencies, find_temperatures, zh_number
from summarizer.vocab import load_vocabulary, parse_vocabulary


def visit(*lines, prefix="u"):
    """Utterances from (role, text) pairs, ids u01, u02..."""
    return tuple(Utterance(f"{prefix}{i:02d}", role, role, float(i), i + 0.5, text)
                 for i, (role, text) in enumerate(lines, 1))


def one(facts, kind, item, status=None, by=None) -> Fact:
    found = [f for f in facts if f.kind == kind and f.item == item and (status is None or f.status == status)
             and (by is None or f.asserted_by == by)]
    assert len(found) == 1, f"expected one {kind} {item} {status or ''} {by or ''}, got {found}"
    return found[0]


def none_of(facts, kind, item, status):
    assert not [f for f in facts if f.kind == kind and f.item == item and f.status == status]


@pytest.fixture(scope="module")
def sample():
    utterances = load_sample_visit().utterances
    return utterances, extract_facts(utterances, "zh")


def test_sample_visit_symptoms_with_onset(sample):
    _, facts = sample
    cough = one(facts, "symptom", "咳嗽", "present", "patient")
    assert cough.duration == "3天" and "u002" in cough.utterance_ids and "夜间加重" in cough.detail
    assert one(facts, "symptom", "发热", "present", "patient").duration == "3天"
    assert one(facts, "symptom", "咳痰", "present").detail == "黄痰"
    assert one(facts, "symptom", "咽痛", "present").utterance_ids == ("u004",)


def test_sample_visit_negatives_come_from_question_and_answer(sample):
    _, facts = sample
    for item in ("胸痛", "呼吸困难"):
        fact = one(facts, "symptom", item, "absent", "patient")
        assert fact.utterance_ids == ("u009", "u010")
    assert one(facts, "symptom", "咯血", "absent").utterance_ids == ("u011", "u012")
    none_of(facts, "symptom", "胸痛", "present")


def test_sample_visit_history_medication_allergy_habits(sample):
    _, facts = sample
    hypertension = one(facts, "history", "高血压", "present", "patient")
    assert hypertension.duration == "5年" and set(hypertension.utterance_ids) == {"u013", "u014"}
    one(facts, "history", "糖尿病", "absent", "patient")
    amlodipine = one(facts, "medication", "氨氯地平", "present", "patient")
    assert (amlodipine.value, amlodipine.frequency) == ("5毫克", "每天一次") and "口服" in amlodipine.detail
    allergy = one(facts, "allergy", "青霉素", "present", "patient")
    assert allergy.detail == "皮疹" and allergy.utterance_ids == ("u015", "u016")
    none_of(facts, "symptom", "皮疹", "present")  # the reaction, not a current symptom
    one(facts, "habit", "吸烟", "absent")
    assert one(facts, "habit", "饮酒", "present").frequency == "偶尔"


def test_sample_visit_vitals_results_and_sides(sample):
    _, facts = sample
    assert one(facts, "vital", "体温", by="doctor").value == "38.2℃"
    reported = one(facts, "vital", "体温", by="patient")
    assert reported.value == "38.6℃" and reported.detail == "最高" and "u008" in reported.utterance_ids
    assert one(facts, "vital", "血压").value == "135/85mmHg"
    assert one(facts, "exam", "血常规-白细胞").value == "12.5"
    assert one(facts, "exam", "血常规-中性粒细胞").detail == "偏高"
    rales = one(facts, "finding", "湿啰音", "present", "doctor")
    assert (rales.laterality, rales.detail, rales.value) == ("右", "右下肺", "少量")
    assert one(facts, "finding", "呼吸音粗").laterality == "双"
    xray = [f for f in facts if f.kind == "exam" and f.item == "胸片" and f.detail != "ordered"]
    assert len(xray) == 1 and xray[0].laterality == "右" and "片状影" in xray[0].detail
    assert {f.item for f in facts if f.kind == "exam" and f.detail == "ordered"} == {"血常规", "胸片"}


def test_sample_visit_diagnosis_and_plan(sample):
    _, facts = sample
    pneumonia = one(facts, "diagnosis", "社区获得性肺炎", "present", "doctor")
    assert pneumonia.utterance_ids == ("u026",) and pneumonia.laterality == "右"
    azithromycin = one(facts, "medication", "阿奇霉素", "present", "doctor")
    assert (azithromycin.value, azithromycin.frequency, azithromycin.duration) == ("0.5克", "每天一次", "3天")
    assert "止咳化痰" in one(facts, "medication", "氨溴索", "present").detail
    assert "照常服用" in one(facts, "medication", "降压药", "present", "doctor").detail
    assert one(facts, "medication", "青霉素", "absent", "doctor").detail == "禁用"
    assert {f.item for f in facts if f.kind == "advice"} >= {"多饮水", "注意休息", "急诊"}
    assert one(facts, "advice", "急诊").detail == "体温超过39℃或呼吸困难"
    assert one(facts, "symptom", "呼吸困难", "uncertain").detail == "conditional"  # the warning, not a symptom
    assert one(facts, "followup", "复诊").duration == "3天"
    assert one(facts, "followup", "复查").detail == "血常规"


def test_sample_visit_facts_are_well_formed(sample):
    utterances, facts = sample
    ids = {u.id for u in utterances}
    for fact in facts:
        assert fact.kind in KINDS and fact.status in STATUSES
        assert fact.asserted_by in ("doctor", "patient", "other")
        assert fact.utterance_ids and set(fact.utterance_ids) <= ids


def test_zh_negation_scope_lists_and_post_negation():
    facts = extract_facts(visit(
        ("patient", "没有发烧，但是咳嗽。"),
        ("patient", "无胸痛、心慌、气短。"),
        ("patient", "恶心、呕吐都没有。头痛没有，头晕有。"),
        ("patient", "吃了一个星期药还没有用，头晕。"),
    ))
    one(facts, "symptom", "发热", "absent")
    one(facts, "symptom", "咳嗽", "present")
    for item in ("胸痛", "心悸", "呼吸困难", "恶心", "呕吐", "头痛"):
        one(facts, "symptom", item, "absent")
    one(facts, "symptom", "头晕", "present")


def test_zh_hedging_frequency_laterality_and_numerals():
    facts = extract_facts(visit(
        ("patient", "我左膝盖疼了两周，好像有点胸闷。"),
        ("patient", "偶尔头晕。以前可能有过胃炎，记不清了。"),
        ("doctor", "体温三十八度五，心率88次。右下腹压痛，双肺未闻及干湿啰音。"),
    ))
    knee = one(facts, "symptom", "膝痛", "present")
    assert (knee.laterality, knee.duration) == ("左", "2周")
    assert one(facts, "symptom", "胸闷").status == "uncertain"
    assert one(facts, "symptom", "头晕", "present").frequency == "偶尔"
    assert one(facts, "history", "胃炎").status == "uncertain"
    assert one(facts, "vital", "体温").value == "38.5℃"
    assert one(facts, "vital", "心率").value == "88次/分"
    tender = one(facts, "finding", "压痛", "present")
    assert (tender.laterality, tender.detail) == ("右", "右下腹")
    rales = one(facts, "finding", "干湿啰音", "absent")
    assert rales.laterality == "双"


def test_zh_question_answer_pairs():
    facts = extract_facts(visit(
        ("doctor", "有没有恶心？"), ("patient", "有。"),
        ("doctor", "肚子疼多久了？"), ("patient", "一个星期了。"),
        ("doctor", "胸闷吗？"), ("patient", "不知道。"),
        ("doctor", "有药物过敏吗？"), ("patient", "对青霉素不过敏。"),
        ("doctor", "以前做过支架吗？"),
    ))
    assert one(facts, "symptom", "恶心", "present", "patient").utterance_ids == ("u01", "u02")
    belly = one(facts, "symptom", "腹痛", "present")
    assert belly.duration == "1周" and belly.utterance_ids == ("u03", "u04")
    assert one(facts, "symptom", "胸闷").status == "uncertain"
    one(facts, "allergy", "青霉素", "absent", "patient")
    stent = one(facts, "history", "冠脉支架植入术")
    assert (stent.status, stent.detail, stent.utterance_ids) == ("uncertain", "asked", ("u09",))


def test_zh_doctor_diagnosis_cues():
    facts = extract_facts(visit(("doctor", "考虑急性阑尾炎，不像是胃炎。这是高血压。"),
                                ("doctor", "缺血性心脏病可能性不大。")))
    assert one(facts, "diagnosis", "急性阑尾炎").status == "uncertain"
    one(facts, "diagnosis", "胃炎", "absent")
    one(facts, "diagnosis", "高血压", "present")
    one(facts, "diagnosis", "心肌缺血", "absent")


def test_stopping_one_drug_never_stops_the_next():
    facts = extract_facts(visit(("doctor", "青霉素类不能用开阿奇霉素0.5克每天一次"),
                                ("doctor", "阿司匹林先停了，继续吃氨氯地平。")))
    assert one(facts, "medication", "青霉素", "absent").detail == "禁用"
    assert one(facts, "medication", "阿奇霉素", "present").value == "0.5克"
    assert one(facts, "medication", "阿司匹林", "absent").detail == "停用"
    assert "继续服用" in one(facts, "medication", "氨氯地平", "present").detail


def test_companion_answers_count_as_other():
    facts = extract_facts(visit(("doctor", "孩子发烧吗？"), ("other", "烧到39度。")))
    assert one(facts, "vital", "体温", by="other").value == "39℃"


def test_english_visit_facts():
    facts = extract_facts(visit(
        ("doctor", "What brings you in?"),
        ("patient", "I've had a cough and a fever for three days."),
        ("doctor", "Any chest pain or shortness of breath?"),
        ("patient", "No, neither."),
        ("patient", "I have high blood pressure, I take lisinopril 10 mg once a day. No diabetes."),
        ("patient", "I'm allergic to penicillin, I get hives."),
        ("doctor", "Your temperature is 38.3 and blood pressure is 138 over 86."),
        ("doctor", "I hear crackles in the right lower lobe."),
        ("doctor", "This is pneumonia. Take azithromycin 500 mg once a day for 3 days. Follow up in one week."),
    ), "en")
    assert one(facts, "symptom", "cough", "present", "patient").duration == "3 days"
    assert one(facts, "symptom", "chest pain", "absent").utterance_ids == ("u03", "u04")
    one(facts, "symptom", "shortness of breath", "absent")
    one(facts, "history", "hypertension", "present")
    one(facts, "history", "diabetes", "absent")
    lisinopril = one(facts, "medication", "lisinopril", "present", "patient")
    assert (lisinopril.value, lisinopril.frequency) == ("10 mg", "once a day")
    assert one(facts, "allergy", "penicillin", "present").detail == "hives"
    assert one(facts, "vital", "temperature", by="doctor").value == "38.3°C"
    assert one(facts, "vital", "blood pressure").value == "138/86 mmHg"
    assert one(facts, "finding", "crackles").laterality == "right"
    one(facts, "diagnosis", "pneumonia", "present", "doctor")
    azithro = one(facts, "medication", "azithromycin", "present", "doctor")
    assert (azithro.value, azithro.frequency, azithro.duration) == ("500 mg", "once a day", "3 days")
    assert one(facts, "followup", "follow-up").duration == "1 week"


def test_english_negation_and_hedging():
    facts = extract_facts(visit(("patient", "I deny any nausea, vomiting, or diarrhea, but I do have a headache."),
                                ("patient", "Maybe some chills."), ("patient", "I don't smoke.")), "en")
    for item in ("nausea", "vomiting", "diarrhea"):
        one(facts, "symptom", item, "absent")
    one(facts, "symptom", "headache", "present")
    assert one(facts, "symptom", "chills").status == "uncertain"
    one(facts, "habit", "smoking", "absent")


def test_empty_and_blank_transcripts_give_no_facts():
    assert extract_facts(()) == ()
    assert extract_facts(visit(("doctor", ""), ("patient", "   "), ("patient", "啊——"))) == ()


def test_merge_unites_repeats_and_keeps_conflicting_values_apart():
    a = Fact("vital", "体温", "present", "doctor", ("u1",), value="38.2℃")
    b = Fact("vital", "体温", "present", "doctor", ("u2",), value="38.2℃")
    c = Fact("vital", "体温", "present", "doctor", ("u3",), value="39℃")
    merged = merge_facts([a, b, c])
    assert [f.utterance_ids for f in merged] == [("u1", "u2"), ("u3",)]


def test_quantities():
    assert zh_number("一百三十五") == 135 and zh_number("三十八点六") == 38.6 and zh_number("两") == 2
    assert [d[0] for d in find_durations("咳嗽三天了，高血压五年，半年多")] == ["3天", "5年", "半年余"]
    assert find_durations("三天后复诊")[0][3] == "future"
    assert find_durations("一天一次") == []
    assert [d[0] for d in find_doses("0.5克，5毫克，500mg")] == ["0.5克", "5毫克", "500mg"]
    assert [f[0] for f in find_frequencies("一天一次，每天三次，bid")] == ["每天一次", "每天三次", "bid"]
    assert [f[0] for f in find_frequencies("500 mg twice daily", "en")] == ["twice a day"]
    assert [t[0] for t in find_temperatures("最高38.6度，体温三十八度五")] == ["38.6℃", "38.5℃"]


def test_vocabulary_files_parse_and_refuse_duplicates():
    terms = parse_vocabulary("symptom", "# c\n睡眠差 | 睡不好 | !睡眠好\n")
    assert terms["睡眠好"].absent and terms["睡不好"].item == "睡眠差"
    with pytest.raises(ValueError, match="already listed"):
        parse_vocabulary("symptom", "咳嗽 | 咳\n咳 | 干咳\n")
    for language in ("zh", "en"):
        assert load_vocabulary(language).items("symptom")
    matches = load_vocabulary("zh").scan("止咳化痰，咳嗽")
    assert [(m.term.kind, m.term.item) for m in matches] == [("stop", "止咳化痰"), ("symptom", "咳嗽")]


def test_zh_allergen_lists_share_the_allergy_and_its_negation():
    facts = extract_facts(visit(("patient", "否认药物、食物过敏史。")), "zh")
    assert one(facts, "allergy", "药物", "absent") and one(facts, "allergy", "食物", "absent")
    none_of(facts, "allergy", "食物", "present")
    facts = extract_facts(visit(("patient", "我对青霉素、头孢过敏。")), "zh")
    assert one(facts, "allergy", "青霉素", "present") and one(facts, "allergy", "头孢", "present")
    assert not [f for f in facts if f.kind == "medication"]
    facts = extract_facts(visit(("patient", "青霉素过敏，在吃头孢。")), "zh")  # a drug taken is not listed
    assert one(facts, "allergy", "青霉素", "present") and one(facts, "medication", "头孢", "present")
    facts = extract_facts(visit(("patient", "i am allergic to penicillin and sulfa.")), "en")
    assert one(facts, "allergy", "penicillin", "present") and one(facts, "allergy", "sulfa drugs", "present")


def test_zh_stated_absence_wins_over_a_yes_that_answered_another_question():
    facts = extract_facts(visit(("doctor", "咳嗽有几天了？"), ("doctor", "有发热过吗？"), ("patient", "有三天"),
                                ("patient", "没发烧，也没痰")), "zh")
    none_of(facts, "symptom", "发热", "present")
    assert one(facts, "symptom", "发热", "absent", "patient")
    facts = extract_facts(visit(("doctor", "有发热过吗？"), ("patient", "有三天"), ("doctor", "咳嗽呢？"),
                                ("patient", "没咳嗽")), "zh")  # no later denial of fever: the yes stands
    assert one(facts, "symptom", "发热", "present", "patient").duration == "3天"
