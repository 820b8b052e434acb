"""Reviewers' judgments of flagged reference sentences and the false-flag share over supported sentences."""

import json

import pytest

from summarizer.faithfulness_adjudication import adjudicated_false_flags, load_adjudications


def write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def row(visit, sentence, judgment, dataset="mie", split="dev"):
    return {"dataset": dataset, "split": split, "visit": visit, "sentence": sentence, "judgment": judgment}


def test_sentences_judged_unsupported_leave_the_denominator_and_doubt_counts_against_the_checker(tmp_path):
    path = write(tmp_path / "adj.jsonl", [
        row("v1", "患者有心绞痛。", "flag_right"), row("v1", "精神可。", "checker_wrong"),
        row("v2", "患者有胸闷。", "borderline"), row("v2", "睡眠差。", "flag_right"),
        row("v9", "患者有心绞痛。", "flag_right", split="test"), row("v9", "x", "flag_right", dataset="imcs"),
    ])
    judgments = load_adjudications(path, "mie", "dev")
    assert len(judgments) == 4
    checked = [("v1", "患者有心绞痛。", True), ("v1", "精神可。", True), ("v1", "患者无发热。", False),
               ("v2", "患者有胸闷。", True), ("v2", "睡眠差。", False), ("v3", "患者有心慌。", True),
               ("v3", "患者无胸痛。", False)]
    report = adjudicated_false_flags(checked, judgments, str(path))
    # 7 sentences, 2 judged unsupported (one of them now accepted): 5 supported, 3 of them flagged
    assert report["sentences"] == 5 and report["n"] == 3 and report["share"] == 0.6
    assert report["reference_unsupported"] == 2 and report["reference_unsupported_accepted"] == 1
    assert report["unjudged_flags"] == 1
    assert report["judged_flags"] == {"flag_right": 1, "checker_wrong": 1, "borderline": 1}


@pytest.mark.parametrize("lines, message", [
    (["{not json"], "not an adjudication line"),
    ([json.dumps({"dataset": "mie", "split": "dev", "visit": "v1"})], "not an adjudication line"),
    ([json.dumps(row("v1", "s", "maybe"))], "judgment must be one of"),
    ([json.dumps(row("v1", "s", "flag_right")), json.dumps(row("v1", "s", "checker_wrong"))], "judged both"),
])
def test_a_malformed_file_names_the_line(tmp_path, lines, message):
    path = tmp_path / "adj.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_adjudications(path, "mie", "dev")


def test_the_shipped_adjudications_are_valid_and_cover_both_languages():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "eval_audits" / "adjudicated_flags.jsonl"
    for dataset, split in (("aci-bench", "valid"), ("aci-bench", "test1"), ("aci-bench", "test2"), ("mie", "dev"),
                           ("imcs", "all")):
        assert load_adjudications(path, dataset, split), (dataset, split)
