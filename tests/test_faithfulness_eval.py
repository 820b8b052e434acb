"""Faithfulness evaluation on tiny fixtures written in each data set's real format (the data sets themselves are
never read by the tests)."""

import csv
import json

import pytest

from cli_runner import tingji
from summarizer.error_injection import ERROR_TYPES
from summarizer.faithfulness_data import load_aci, load_imcs, load_mie, mie_sentence, note_sentences, report_sentences
from summarizer.faithfulness_eval import evaluate_faithfulness

ACI_DIALOGUE = (
    "[doctor] hi , what brings you in today ?\n"
    "[patient] my right knee has been hurting for three weeks .\n"
    "[doctor] any fever or chills ?\n"
    "[patient] no , i do n't have any fever .\n"
    "[doctor] are you taking anything for it ?\n"
    "[patient] ibuprofen 400 milligrams twice a day .\n"
    "[doctor] on exam there is swelling of the right knee . your blood pressure is 130 over 85 .\n"
    "[doctor] i'm going to start you on meloxicam 15 milligrams once a day and order an x-ray of the right knee .\n"
    "[patient_guest] thank you , doctor ."
)
ACI_NOTE = (
    "CHIEF COMPLAINT\n\nRight knee pain.\n\nHISTORY OF PRESENT ILLNESS\n\n"
    "The patient reports right knee pain for 3 weeks. He denies fever or chills. "
    "He takes ibuprofen 400 mg twice a day.\n\n"
    "PHYSICAL EXAMINATION\n\n• Musculoskeletal: Swelling of the right knee.\n• Blood pressure: 130/85.\n\n"
    "ASSESSMENT AND PLAN\n\nRight knee pain.\n• Medical Treatment: Start meloxicam 15 mg once a day.\n"
    "• Additional Testing: X-ray of the right knee.\n"
)
IMCS_DIALOGUE = [
    {"speaker": "患者", "sentence": "宝宝咳嗽三天了，有痰。"},
    {"speaker": "医生", "sentence": "发烧吗？"},
    {"speaker": "患者", "sentence": "不发烧。"},
    {"speaker": "医生", "sentence": "可以吃氨溴索，每次2毫升，一天两次。"},
]
IMCS_REPORTS = [
    {"主诉": "咳嗽3天。", "现病史": "患儿咳嗽3天，有痰，无发热。", "辅助检查": "暂缺。", "既往史": "不详。",
     "诊断": "咳嗽。", "建议": "口服氨溴索2毫升，每天两次。"},
    {"主诉": "咳嗽、咳痰3天。", "现病史": "患儿3天前出现咳嗽、咳痰，无发热。", "辅助检查": "暂缺。", "既往史": "不详。",
     "诊断": "咳嗽。", "建议": "氨溴索。"},
]
MIE_WINDOWS = [
    [{"utterances": ["", "", "", "", "患者:最近胸闷，心慌，不头晕"],
      "label": ["症状:胸闷-状态:阳性", "症状:心慌-状态:阳性", "症状:头晕-状态:阴性"]},
     {"utterances": ["", "", "", "患者:最近胸闷，心慌，不头晕", "医生:做过心电图吗？"],
      "label": ["症状:胸闷-状态:阳性", "检查:心电图-状态:未知", "症状:头晕-状态:阴性"]}],
    [{"utterances": ["", "", "", "", "患者:医生说我是冠心病，做过支架"],
      "label": ["症状:冠心病-状态:阳性", "手术:支架-状态:阳性"]}],
]
MIE_ONTOLOGY = {"症状": ["胸闷", "心慌", "头晕", "冠心病", "胸痛"], "检查": ["心电图"], "手术": ["支架"],
                "一般信息": ["睡眠"], "状态": ["阳性", "阴性", "医生阴性", "医生阳性", "未知"]}


@pytest.fixture
def aci_folder(tmp_path):
    folder = tmp_path / "aci-bench" / "challenge_data"
    folder.mkdir(parents=True)
    with (folder / "valid.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dataset", "encounter_id", "dialogue", "note"])
        writer.writerow(["virtassist", "D2N900", ACI_DIALOGUE, ACI_NOTE])
    return folder.parent


@pytest.fixture
def imcs_folder(tmp_path):
    folder = tmp_path / "imcs21"
    folder.mkdir()
    record = {"900": {"diagnosis": "咳嗽", "dialogue": IMCS_DIALOGUE, "report": IMCS_REPORTS}}
    (folder / "IMCS-V2_dev.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    prompt = "问诊对话历史：\n" + "\n".join(f"{t['speaker']}：{t['sentence']}" for t in IMCS_DIALOGUE) + \
        "\n说明：诊疗报告分为主诉, 现病史, 辅助检查, 既往史, 诊断, 建议这六个章节。\n答："
    rows = [{"input": prompt, "target": "上述问诊对话的诊疗报告如下：\n主诉：咳嗽3天。\n现病史：患儿咳嗽3天，无发热。\n"
                                        "辅助检查：暂缺。\n既往史：不详。\n诊断：咳嗽。\n建议：氨溴索。", "sample_id": "dev-1"},
            {"input": prompt, "target": "", "sample_id": "dev-2"}]
    (folder / "promptcblue_toy_IMCS-V2-MRG_dev.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def mie_folder(tmp_path):
    folder = tmp_path / "mie"
    folder.mkdir()
    (folder / "dev.json").write_text(json.dumps(MIE_WINDOWS, ensure_ascii=False), encoding="utf-8")
    (folder / "ontology.json").write_text(json.dumps(MIE_ONTOLOGY, ensure_ascii=False), encoding="utf-8")
    return folder


def test_note_and_report_sentences():
    sentences = note_sentences(ACI_NOTE)
    assert sentences[0] == "Right knee pain." and "CHIEF COMPLAINT" not in sentences
    assert "Musculoskeletal: Swelling of the right knee." in sentences
    assert "He denies fever or chills." in sentences and len(sentences) == 9
    assert report_sentences(IMCS_REPORTS[0]) == ["咳嗽3天。", "患儿咳嗽3天，有痰，无发热。", "咳嗽。", "口服氨溴索2毫升，每天两次。"]
    assert report_sentences("主诉：便秘\n辅助检查：\n诊断：小儿便秘") == ["便秘", "小儿便秘"]


def test_mie_labels_become_sentences():
    assert mie_sentence("症状:头晕-状态:阴性") == "患者无头晕。"
    assert mie_sentence("症状:冠心病-状态:医生阳性") == "医生认为有冠心病。"
    assert mie_sentence("检查:心电图-状态:阳性") == "已做心电图检查。"
    assert mie_sentence("一般信息:睡眠-状态:阴性") == "睡眠差。"
    assert mie_sentence("检查:心电图-状态:未知") is None


def test_loaders_read_each_format(aci_folder, imcs_folder, mie_folder):
    (aci,) = load_aci(aci_folder, "valid")
    assert aci.id == "D2N900" and aci.language == "en" and len(aci.utterances) == 9
    assert aci.utterances[3].text == "no, i don't have any fever." and aci.utterances[8].role == "other"
    assert aci.utterances[1].start > aci.utterances[0].end
    imcs = load_imcs(imcs_folder, "dev")
    assert [v.id for v in imcs] == ["900", "dev-1"]  # the input without a reference is skipped
    assert imcs[0].utterances[2].role == "patient" and "口服氨溴索2毫升，每天两次。" in imcs[0].sentences
    mie = load_mie(mie_folder)
    assert [v.id for v in mie] == ["d000w00", "d000w01", "d001w00"]
    assert mie[1].sentences == ("患者有胸闷。", "患者无头晕。")
    assert [v.id for v in load_mie(mie_folder, "dev[1:]")] == ["d001w00"]
    with pytest.raises(FileNotFoundError):
        load_aci(aci_folder, "test1")
    with pytest.raises(ValueError):
        load_mie(mie_folder, "dev[x]")


def _check_report(report, dataset, language):
    assert report["dataset"] == dataset and report["language"] == language
    assert set(report["errors"]) == set(ERROR_TYPES)
    for stats in report["errors"].values():
        assert stats["n"] + stats["skipped"] + stats["on_flagged_originals"] == report["sentences"]
    assert report["timings"]["checks"] > report["sentences"]


def test_aci_bench_faithful_note_is_not_flagged_and_errors_are_caught(aci_folder):
    report = evaluate_faithfulness("aci-bench", aci_folder, split="valid")
    _check_report(report, "aci-bench", "en")
    assert report["visits"] == 1 and report["sentences"] == 9
    assert report["false_flags"] == {"share": 0.0, "n": 0, "by_code": {}}, report["examples"]["false_flags"]
    errors = report["errors"]
    for error_type in ("negation", "dose", "drug", "laterality", "added_symptom"):
        assert errors[error_type]["n"] >= 1 and errors[error_type]["caught"] == 1.0, (error_type, report["examples"])
    assert errors["duration"]["n"] == 1 and errors["number"]["n"] == 1
    assert report["overall"]["caught"] >= 0.9


def test_imcs_and_mie_reports(imcs_folder, mie_folder):
    imcs = evaluate_faithfulness("imcs", imcs_folder)
    _check_report(imcs, "imcs", "zh")
    assert imcs["false_flags"]["n"] == 0, imcs["examples"]["false_flags"]
    assert imcs["errors"]["negation"]["caught"] == 1.0 and imcs["errors"]["added_symptom"]["caught"] == 1.0
    assert imcs["errors"]["laterality"]["n"] == 0 and imcs["errors"]["laterality"]["skipped"] == imcs["sentences"]
    mie = evaluate_faithfulness("mie", mie_folder, limit=2)
    _check_report(mie, "mie", "zh")
    assert mie["visits"] == 2 and mie["sentences"] == 5 and mie["false_flags"]["n"] == 0
    assert mie["errors"]["negation"] == {**mie["errors"]["negation"], "n": 5, "caught": 1.0}


def test_unknown_dataset_and_missing_data(tmp_path):
    with pytest.raises(ValueError, match="dataset"):
        evaluate_faithfulness("mts-dialog", tmp_path)
    with pytest.raises(FileNotFoundError):
        evaluate_faithfulness("mie", tmp_path / "missing")


def test_cli_prints_and_writes_the_report(mie_folder, tmp_path):
    out = tmp_path / "reports" / "mie.json"
    proc, attempts = tingji("eval", "faithfulness", "--dataset", "mie", "--data", mie_folder, "--seed", "2",
                            "--output", out, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    assert printed == json.loads(out.read_text(encoding="utf-8"))
    assert printed["seed"] == 2 and printed["sentences"] == 7 and "examples" not in printed
    assert attempts == ""
    proc, _ = tingji("eval", "faithfulness", "--dataset", "mie", "--data", tmp_path / "nope", tmp_path=tmp_path)
    assert proc.returncode == 1 and "data folder not found" in proc.stderr


def test_adjudications_give_the_false_flag_share_over_supported_sentences(aci_folder, tmp_path):
    plain = evaluate_faithfulness("aci-bench", aci_folder)
    visits = load_aci(aci_folder, "valid")
    first = visits[0]
    copies = sum(v.id == first.id and s == first.sentences[0] for v in visits for s in v.sentences)
    path = tmp_path / "adj.jsonl"
    path.write_text(json.dumps({"dataset": "aci-bench", "split": "valid", "visit": first.id,
                                "sentence": first.sentences[0], "judgment": "flag_right"}) + "\n", encoding="utf-8")
    report = evaluate_faithfulness("aci-bench", aci_folder, adjudications=path)
    adjudicated = report["adjudicated"]
    assert "adjudicated" not in plain and report["false_flags"] == plain["false_flags"]
    # the sentence judged unsupported leaves the denominator; the checker accepting it is reported as a miss
    assert copies >= 1 and adjudicated["sentences"] == plain["sentences"] - copies
    assert adjudicated["n"] == plain["false_flags"]["n"]
    assert adjudicated["reference_unsupported"] == adjudicated["reference_unsupported_accepted"] == copies
    with pytest.raises(FileNotFoundError):
        evaluate_faithfulness("aci-bench", aci_folder, adjudications=tmp_path / "missing.jsonl")
