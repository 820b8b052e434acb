"""The note evaluation harness: data set readers on tiny fixtures in each source's real format, the scoring rules of
each source with a scripted drafter, and ``tingji eval notes`` end to end (never reads ../shared/data)."""

import csv
import json
from statistics import mean

import pytest

from cli_runner import tingji
from summarizer.imcs_data import IMCS_KEYS, read_imcs
from summarizer.note_datasets import read_aci_bench, read_examples, read_mts_dialog
from summarizer.note_eval import evaluate_notes
from summarizer.record import Provenance, Record, RecordSection, Sentence
from summarizer.rouge import char_rouge
from summarizer.templates import find_template

ACI_DIALOGUE = ("[doctor] hi , anna . what brings you in ?\n[patient] i have had a cough for three days .\n"
                "[patient_guest] she also had a fever\nof 101 .\n[doctor] your lungs are clear . this is bronchitis .")
ACI_NOTE = "CHIEF COMPLAINT\n\nCough.\n\nASSESSMENT\n\nBronchitis.\n\n"
ACI_DIVISIONS = {"subjective": "CHIEF COMPLAINT\n\nCough.\n\n", "objective_exam": "PHYSICAL EXAM\n\nLungs clear.\n\n",
                 "objective_results": "RESULTS\n\nChest x-ray normal.\n\n",
                 "assessment_and_plan": "ASSESSMENT\n\nBronchitis.\n\n"}
IMCS_REPORTS = [
    {"主诉": "咳嗽3天。", "现病史": "患儿咳嗽3天，无发热。", "辅助检查": "暂缺。", "既往史": "不详。", "诊断": "支气管炎。", "建议": "多喝水。"},
    {"主诉": "咳嗽三天。", "现病史": "咳嗽三天，不发烧。", "诊断": "咳嗽。", "建议": "雾化。", "辅助检查": "暂缺。", "既往史": "暂缺。"},
]
PROMPT = ("帮助患者自动总结问诊的诊疗报告：\n问诊对话历史：\n患者：宝宝拉肚子两天\n医生：一天几次？\n患者：五六次\n稀水样\n医生：吃点蒙脱石散\n"
          "根据上述对话，给出诊疗报告\n说明：诊疗报告分为主诉, 现病史, 辅助检查, 既往史, 诊断, 建议这六个章节。\n答：")
TARGET = "上述问诊对话的诊疗报告如下：\n主诉：腹泻2天。\n现病史：患儿腹泻2天。\n辅助检查：\n既往史：\n诊断：小儿腹泻。\n建议：蒙脱石散。"


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def write_aci(root, divisions=True):
    folder = root / "aci-bench"
    row = {"src": ACI_DIALOGUE, "tgt": ACI_NOTE, "file": "D2N001-virtassist"}
    _write_json(folder / "challenge_data_json" / "valid.json", {"data": [row]})
    if divisions:
        for name, text in ACI_DIVISIONS.items():
            _write_json(folder / "challenge_data_json" / f"valid_{name}.json",
                        {"data": [{"src": ACI_DIALOGUE, "tgt": text, "file": f"D2N001-virtassist-{name}"}]})
    _write_json(folder / "src_experiment_data_json" / "valid_aci_asr.json", {"data": [{**row, "file": "0-aci"}]})
    return folder


def write_mts(root):
    folder = root / "mts-dialog"
    folder.mkdir(parents=True)
    with (folder / "MTS-Dialog-ValidationSet.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "section_header", "section_text", "dialogue"])
        writer.writerow(["0", "GENHX", "Cough for 3 days.",
                         "Doctor: What brings you in?\nPatient: I have had a cough\nfor three days.\n"
                         "Guest_family: She coughs at night.\nDoctor_2: Any fever?"])
        writer.writerow(["1", "FAM/SOCHX", "Nonsmoker.", "Doctor: Do you smoke?\nPatient: No."])
    return folder


def write_imcs(root):
    folder = root / "imcs21"
    dialogue = [{"sentence_id": "1", "speaker": "患者", "sentence": "孩子咳嗽三天了"},
                {"sentence_id": "2", "speaker": "医生", "sentence": "发烧吗？"},
                {"sentence_id": "3", "speaker": "患者", "sentence": "不发烧"}]
    _write_json(folder / "IMCS-V2_dev_sample.json", {"101": {"diagnosis": "小儿支气管炎", "dialogue": dialogue,
                                                           "report": IMCS_REPORTS}})
    (folder / "promptcblue_toy_IMCS-V2-MRG_dev.jsonl").write_text(
        json.dumps({"input": PROMPT, "target": TARGET, "sample_id": "dev-1"}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    (folder / "promptcblue_toy_IMCS-V2-MRG_test.jsonl").write_text(
        json.dumps({"input": PROMPT, "target": "", "sample_id": "test-1"}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    return folder


def scripted(texts_by_visit):
    """A drafter whose records hold the given ``{section id: text}`` (other sections not discussed)."""
    calls = []

    def draft(utterances, template_id, visit_id):
        calls.append((len(utterances), template_id, visit_id))
        template = find_template(template_id)
        texts = texts_by_visit.get(visit_id, {})
        sections = tuple(RecordSection(s.id, s.title, (Sentence(texts[s.id], ("u001",)),) if s.id in texts else (),
                                       s.id not in texts) for s in template.sections)
        return Record(visit_id, template.language, template.title, sections,
                      Provenance("scripted", template.id, template.version, template.sha256))

    draft.calls = calls
    return draft


# --- readers ---------------------------------------------------------------------------------------------------


def test_aci_reader_turns_tags_into_roles_and_merges_untagged_lines(tmp_path):
    (example,) = read_aci_bench(write_aci(tmp_path), "valid")
    assert example.id == "D2N001-virtassist" and example.note == ACI_NOTE
    assert [(u.id, u.speaker, u.role) for u in example.utterances] == [
        ("u001", "doctor", "doctor"), ("u002", "patient", "patient"), ("u003", "patient_guest", "other"),
        ("u004", "doctor", "doctor")]
    assert example.utterances[2].text == "she also had a fever of 101 ."
    assert (example.utterances[2].start, example.utterances[2].end) == (2.0, 3.0)
    assert example.references == (ACI_DIVISIONS,)
    (asr,) = read_aci_bench(tmp_path / "aci-bench", "valid_aci_asr")
    assert asr.id == "0-aci" and asr.references == ()


def test_mts_reader_roles_and_section(tmp_path):
    first, second = read_mts_dialog(write_mts(tmp_path), "validation")
    assert [(u.speaker, u.role) for u in first.utterances] == [
        ("Doctor", "doctor"), ("Patient", "patient"), ("Guest_family", "other"), ("Doctor_2", "doctor")]
    assert first.utterances[1].text == "I have had a cough for three days."
    assert first.references == ({"GENHX": "Cough for 3 days."},) and second.id == "1"


def test_imcs_reader_reads_both_formats_and_drops_prompt_instructions(tmp_path):
    folder = write_imcs(tmp_path)
    assert [e.id for e in read_imcs(folder, "all")] == ["101", "dev-1", "test-1"]
    record, prompt = read_imcs(folder, "dev")
    assert record.references == tuple(IMCS_REPORTS)
    assert [(u.speaker, u.role) for u in record.utterances] == [("患者", "patient"), ("医生", "doctor"), ("患者", "patient")]
    assert [(u.role, u.text) for u in prompt.utterances] == [
        ("patient", "宝宝拉肚子两天"), ("doctor", "一天几次？"), ("patient", "五六次稀水样"), ("doctor", "吃点蒙脱石散")]
    (reference,) = prompt.references
    assert tuple(reference) == IMCS_KEYS and reference["辅助检查"] == "" and reference["诊断"] == "小儿腹泻。"
    assert read_imcs(folder, "test")[0].references == ()


def test_missing_or_malformed_data_is_a_value_error_naming_the_path(tmp_path):
    with pytest.raises(ValueError, match=r"nowhere: data folder not found \(expected the ACI-Bench folder"):
        read_examples("aci-bench", tmp_path / "nowhere")
    folder = write_aci(tmp_path)
    with pytest.raises(ValueError, match="clinicalnlp_taskB_test1.json"):
        read_aci_bench(folder, "test1")
    (folder / "challenge_data_json" / "valid.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(ValueError, match=r"valid\.json: not a readable JSON file"):
        read_aci_bench(folder, "valid")
    (folder / "challenge_data_json" / "valid.json").write_text('{"data": [{"src": "x"}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="expected ACI-Bench JSON"):
        read_aci_bench(folder, "valid")
    mts = tmp_path / "mts"
    mts.mkdir()
    (mts / "MTS-Dialog-ValidationSet.csv").write_text("ID,dialogue\n1,Doctor: hi\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing: section_header, section_text"):
        read_mts_dialog(mts, "validation")
    with pytest.raises(ValueError, match="no MTS-Dialog train file"):
        read_mts_dialog(mts, "train")
    imcs = write_imcs(tmp_path)
    (imcs / "promptcblue_toy_IMCS-V2-MRG_dev.jsonl").write_text('{"input": "x", "target": "报告"}\n{bad\n',
                                                                encoding="utf-8")
    with pytest.raises(ValueError, match=r"_dev\.jsonl:1: target has no report lines"):
        read_imcs(imcs, "dev")
    with pytest.raises(ValueError, match="unknown data set"):
        read_examples("mimic", imcs)


# --- scoring ---------------------------------------------------------------------------------------------------


def test_aci_full_note_and_divisions_are_scored_like_the_source(tmp_path):
    draft = scripted({"D2N001-virtassist": {"chief_complaint": "Cough.", "assessment": "Acute bronchitis."}})
    result = evaluate_notes("aci-bench", write_aci(tmp_path), split="valid", draft=draft)
    assert draft.calls == [(4, "soap-en", "D2N001-virtassist")]
    # chief complaint cough assessment (acute) bronchitis: 5 of 6 predicted tokens match all 5 reference tokens.
    assert result["scores"]["overall"]["rouge1"] == round(2 * (5 / 6) / (1 + 5 / 6), 4)
    sections = result["scores"]["sections"]
    assert sections["subjective"]["rougeLsum"] == 1.0
    assert sections["assessment_and_plan"]["rouge1"] == 0.8  # assessment acute bronchitis vs assessment bronchitis
    assert sections["objective_exam"] == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0, "rougeLsum": 0.0, "n": 1,
                                          "empty": 1}
    assert result["counts"] == {"examples": 1, "scored": 1, "without_reference": 0}
    assert result["backend"] == "scripted" and result["examples"][0]["empty"] == ["objective_exam", "objective_results"]
    assert set(result["timings"]) == {"total_s", "draft_total_s", "draft_mean_s", "draft_max_s", "score_total_s"}


def test_aci_division_missing_on_both_sides_scores_one_as_the_source_script_does(tmp_path):
    folder = write_aci(tmp_path)
    _write_json(folder / "challenge_data_json" / "valid_objective_results.json",
                {"data": [{"src": ACI_DIALOGUE, "tgt": "", "file": "D2N001-virtassist-objective_results"}]})
    result = evaluate_notes("aci-bench", folder, split="valid", draft=scripted({}))
    assert result["scores"]["sections"]["objective_results"]["rouge1"] == 1.0  # #####EMPTY##### on both sides
    assert result["scores"]["sections"]["objective_exam"]["rouge1"] == 0.0
    assert result["scores"]["overall"]["rouge1"] == 0.0


def test_aci_split_without_division_files_scores_the_full_note_only(tmp_path):
    write_aci(tmp_path)
    draft = scripted({"0-aci": {"chief_complaint": "Cough.", "assessment": "Bronchitis."}})
    result = evaluate_notes("aci-bench", tmp_path / "aci-bench", split="valid_aci_asr", draft=draft)
    assert result["scores"]["overall"]["rougeLsum"] == 1.0 and result["scores"]["sections"] == {}
    assert "no division reference files" in result["notes"][0]


def test_imcs_flattens_in_reference_order_and_averages_over_both_references(tmp_path):
    texts = {"chief_complaint": "咳嗽3天。", "present_illness": "咳嗽3天，无发热。", "allergy_history": "否认药物过敏史。",
             "plan": "多喝水。"}
    draft = scripted({"101": texts})
    result = evaluate_notes("imcs", write_imcs(tmp_path), split="dev", draft=draft, limit=1)
    assert draft.calls == [(3, "pediatrics-initial", "101")]
    hypotheses = ["主诉：咳嗽3天。\t现病史：咳嗽3天，无发热。\t辅助检查：暂缺。\t既往史：否认药物过敏史。\t诊断：暂缺。\t建议：多喝水。",
                  "主诉：咳嗽3天。\t现病史：咳嗽3天，无发热。\t诊断：暂缺。\t建议：多喝水。\t辅助检查：暂缺。\t既往史：否认药物过敏史。"]
    references = ["\t".join(f"{k}：{v}" for k, v in report.items()) for report in IMCS_REPORTS]
    for kind in ("rouge-1", "rouge-2", "rouge-l"):
        expected = mean(char_rouge(h, ref)[kind].fmeasure for h, ref in zip(hypotheses, references))
        assert result["scores"]["overall"][kind] == round(expected, 4)
    chief = result["scores"]["sections"]["主诉"]
    assert chief["rouge-1"] == round(mean(char_rouge("咳嗽3天。", r["主诉"])["rouge-1"].fmeasure for r in IMCS_REPORTS), 4)
    assert result["scores"]["sections"]["诊断"]["empty"] == 1
    baselines = ["\t".join(f"{k}：暂缺。" for k in report) for report in IMCS_REPORTS]
    assert result["scores"]["empty_report_baseline"]["rouge-1"] == round(
        mean(char_rouge(b, ref)["rouge-1"].fmeasure for b, ref in zip(baselines, references)), 4)


def test_imcs_counts_inputs_without_reference_and_skips_empty_reference_fields(tmp_path):
    draft = scripted({"dev-1": {"chief_complaint": "腹泻2天。", "diagnosis": "小儿腹泻。"}})
    result = evaluate_notes("imcs", write_imcs(tmp_path), split=None, draft=draft, template_id="outpatient-initial")
    assert result["split"] == "all" and result["template"] == "outpatient-initial"
    assert result["counts"] == {"examples": 3, "scored": 2, "without_reference": 1}
    assert [c[2] for c in draft.calls] == ["101", "dev-1"]
    assert result["scores"]["sections"]["辅助检查"]["n"] == 1  # dev-1's 辅助检查 is empty: not scored
    assert result["scores"]["sections"]["诊断"]["n"] == 2
    with pytest.raises(ValueError, match="no example with a reference"):
        evaluate_notes("imcs", tmp_path / "imcs21", split="test", draft=draft)


def test_mts_scores_the_mapped_section_with_rouge1(tmp_path):
    draft = scripted({"0": {"present_illness": "Cough for three days."}})
    result = evaluate_notes("mts-dialog", write_mts(tmp_path), split=None, draft=draft)
    genhx = result["scores"]["sections"]["GENHX"]
    assert (genhx["rouge1"], genhx["rouge2"], genhx["empty"]) == (0.75, 0.3333, 0)
    assert result["scores"]["sections"]["FAM/SOCHX"]["rouge1"] == 0.0
    assert result["scores"]["overall"]["rouge1"] == 0.375
    assert any("FAM/SOCHX" in note for note in result["notes"])  # soap-en has no social/family history section


# --- command line ----------------------------------------------------------------------------------------------


def test_cli_eval_notes_prints_and_saves_json_with_the_extractive_backend(tmp_path):
    output = tmp_path / "scores.json"
    proc, attempts = tingji("eval", "notes", "--dataset", "imcs", "--data", write_imcs(tmp_path), "--output", output,
                            tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result == json.loads(output.read_text(encoding="utf-8"))
    assert (result["backend"], result["template"]) == ("extractive", "pediatrics-initial")
    assert result["counts"] == {"examples": 3, "scored": 2, "without_reference": 1}
    assert [e["id"] for e in result["examples"]] == ["101", "dev-1"]
    assert all(0.0 <= v <= 1.0 for k, v in result["scores"]["overall"].items() if k != "n")
    assert attempts == ""
    proc, _ = tingji("eval", "notes", "--dataset", "aci-bench", "--data", tmp_path / "missing", tmp_path=tmp_path)
    assert proc.returncode == 1 and "data folder not found" in proc.stderr
