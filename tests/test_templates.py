"""Department templates: the bundled ones are valid, and malformed files are reported by line and field."""

import pytest

from cli_runner import tingji
from summarizer.qc_config import QcConfig
from summarizer.templates import TemplateError, find_template, list_templates, load_template, parse_template

GOOD = """\
id: t
version: "2"
language: zh
department: 内科
title: 测试
sections:
  - id: chief_complaint
    title: 主诉
    instruction: 症状+时间
    required: true
    max_length: 20
"""


def test_bundled_templates_cover_the_required_set():
    ids = {t.id for t in list_templates()}
    assert {"outpatient-initial", "outpatient-followup", "pediatrics-initial", "internal-medicine-initial",
            "surgery-initial", "soap-en"} <= ids
    general = find_template("outpatient-initial")
    assert [s.title for s in general.sections] == ["主诉", "现病史", "既往史", "过敏史", "个人史/家族史", "体格检查",
                                                   "辅助检查", "初步诊断", "处理意见"]
    assert general.section("chief_complaint").max_length == 20 and general.vocabulary
    assert find_template("soap-en").language == "en"


def test_every_record_can_cite_the_template_by_id_version_and_hash():
    template = parse_template(GOOD)
    assert (template.id, template.version) == ("t", "2") and len(template.sha256) == 64
    assert parse_template(GOOD.replace("症状+时间", "症状和时间")).sha256 != template.sha256


@pytest.mark.parametrize(
    "text, line, field, message",
    [
        (GOOD.replace("    max_length: 20", "    max_length: twenty"), 11, "sections[0].max_length", "whole number"),
        (GOOD.replace("    required: true", "    required: maybe"), 10, "sections[0].required", "true or false"),
        (GOOD.replace("language: zh", "language: fr"), 3, "language", "must be one of"),
        (GOOD.replace("    title: 主诉\n", ""), 7, "sections[0].title", "is required"),
        (GOOD + "  - id: chief_complaint\n    title: 又一个\n    instruction: x\n", 12, "sections[1].id", "duplicate"),
        (GOOD.replace("title: 测试", "titel: 测试"), 5, "titel", "unknown field"),
        (GOOD.replace("sections:\n", "sections: []\n").split("  - id")[0], 6, "sections", "non-empty list"),
        ("id: [unclosed\n", 2, "", "not valid YAML"),
    ],
)
def test_malformed_templates_name_line_and_field(text, line, field, message):
    with pytest.raises(TemplateError) as caught:
        parse_template(text, "dept.yaml")
    error = caught.value
    assert (error.line, error.field) == (line, field)
    assert message in str(error) and str(error).startswith(f"dept.yaml:{line}")


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(TemplateError, match="file not found"):
        load_template(tmp_path / "none.yaml")
    (tmp_path / "empty.yaml").write_text("")
    with pytest.raises(TemplateError, match="empty"):
        load_template(tmp_path / "empty.yaml")


def test_unknown_template_id_lists_the_available_ones():
    with pytest.raises(TemplateError, match="outpatient-initial"):
        find_template("cardiology-v9")


def test_templates_cli(tmp_path):
    proc, _ = tingji("templates", "list", tmp_path=tmp_path)
    assert proc.returncode == 0 and "outpatient-initial" in proc.stdout
    proc, _ = tingji("templates", "show", "outpatient-initial", tmp_path=tmp_path)
    assert proc.returncode == 0 and "主诉 [chief_complaint] (必填, ≤20)" in proc.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("max_length: 20", "max_length: -3"), encoding="utf-8")
    proc, _ = tingji("templates", "validate", bad, tmp_path=tmp_path)
    assert proc.returncode == 1 and "bad.yaml:11: sections[0].max_length" in proc.stderr


def test_qc_block_is_parsed_and_defaults_apply_without_one():
    template = parse_template(GOOD + "qc:\n  chief_complaint_max_chars: 15\n"
                                     "  rules:\n    present_illness_onset: off\n    section_length: info\n"
                                     "    chief_complaint_symptom: on\n")
    assert template.qc.chief_complaint_max_chars == 15
    assert template.qc.severity("present_illness_onset") == "off"  # unquoted YAML off, not False
    assert template.qc.severity("section_length") == "info"
    assert template.qc.severity("chief_complaint_symptom") == "info"  # on: the rule's default severity
    assert template.qc.severity("allergy_statement") == "error"
    assert parse_template(GOOD).qc == QcConfig()
    assert find_template("outpatient-followup").qc.severity("chief_complaint_diagnosis") == "off"


@pytest.mark.parametrize(
    "block, line, field, message",
    [
        ("qc: strict\n", 12, "qc", "must be a mapping"),
        ("qc:\n  strict: true\n", 13, "qc.strict", "unknown field"),
        ("qc:\n  chief_complaint_max_chars: -1\n", 13, "qc.chief_complaint_max_chars", "whole number"),
        ("qc:\n  rules: [section_length]\n", 13, "qc.rules", "must be a mapping"),
        ("qc:\n  rules:\n    spelling: error\n", 14, "qc.rules.spelling", "unknown rule"),
        ("qc:\n  rules:\n    section_length: fatal\n", 14, "qc.rules.section_length", "must be one of"),
        ("qc:\n  rules:\n    section_length: off\n    section_length: info\n", 15, "qc.rules.section_length",
         "appears twice"),
        ("qc:\n  rules: {}\n  rules: {}\n", 14, "qc.rules", "appears twice"),
    ],
)
def test_malformed_qc_blocks_name_line_and_field(block, line, field, message):
    with pytest.raises(TemplateError) as caught:
        parse_template(GOOD + block, "dept.yaml")
    assert (caught.value.line, caught.value.field) == (line, field)
    assert message in str(caught.value)
