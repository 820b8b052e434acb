"""Reading a section answer back: citations, repeated headings, run-on sections, 未提及."""

from summarizer.llm_parse import parse_section, split_sentences

SHOWN = ("u001", "u002", "u003", "u012")


def test_sentences_keep_their_valid_citations():
    parsed = parse_section("3天前出现咳嗽[u002]，伴发热[u002][u003]。无胸痛[u012]。", "现病史", "zh", SHOWN)
    assert [s.text for s in parsed.sentences] == ["3天前出现咳嗽，伴发热。", "无胸痛。"]
    assert parsed.sentences[0].evidence == ("u002", "u003")
    assert parsed.sentences[1].evidence == ("u012",)
    assert not parsed.not_discussed and parsed.repairs == ()


def test_citation_forms_and_unknown_ids():
    parsed = parse_section("咳嗽3天。【u2, u3】发热（u099）。", "主诉", "zh", SHOWN)
    assert parsed.sentences[0].evidence == ("u002", "u003")
    assert parsed.sentences[1].evidence == ()  # u099 was never shown to the model
    assert any("not in the visit" in r for r in parsed.repairs)


def test_repeated_heading_and_run_on_sections_are_removed():
    parsed = parse_section("**主诉**：咳嗽3天[u002]。\n现病史：患者3天前……", "主诉", "zh", SHOWN,
                           ["主诉", "现病史", "既往史"])
    assert [s.text for s in parsed.sentences] == ["咳嗽3天。"]
    assert len(parsed.repairs) == 2


def test_not_discussed_answers():
    assert parse_section("未提及。", "既往史", "zh", SHOWN).not_discussed
    assert parse_section(" Not discussed.", "Allergies", "en", SHOWN).not_discussed
    assert parse_section("", "Allergies", "en", SHOWN).not_discussed
    assert not parse_section("否认药物过敏史[u003]。", "过敏史", "zh", SHOWN).not_discussed


def test_english_sentences_and_bullets():
    parsed = parse_section("- Cough for 3 days [u002]. Denies chest pain. [u012]\n- Fever [u003].", "HPI", "en",
                           SHOWN)
    assert [s.text for s in parsed.sentences] == ["Cough for 3 days.", "Denies chest pain.", "Fever."]
    assert [s.evidence for s in parsed.sentences] == [("u002",), ("u012",), ("u003",)]


def test_split_sentences_zh():
    assert split_sentences("咳嗽。发热！无胸痛；\n乏力", "zh") == ["咳嗽。", "发热！", "无胸痛；", "乏力"]
