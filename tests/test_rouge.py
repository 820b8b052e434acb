"""summarizer.rouge: hand-computed ROUGE on tiny strings, and values cross-checked against the reference packages
(``rouge-score`` 0.1.2 for English, ``rouge`` 1.0.1 as IMCS's eval_mrg.py calls it for Chinese)."""

import pytest

from summarizer.rouge import char_rouge, rouge_l, rouge_lsum, rouge_n, rouge_scores, tokenize


def _f(scores):
    return {k: round(v.fmeasure, 6) for k, v in scores.items()}


def test_tokenizer_lowercases_and_keeps_only_ascii_letters_and_digits():
    assert tokenize("The cat, THE hat! Über 3.5mg") == ["the", "cat", "the", "hat", "ber", "3", "5mg"]
    assert tokenize("咳嗽三天") == []


def test_rouge_n_and_l_by_hand():
    ref, cand = tokenize("the cat sat on the mat"), tokenize("the cat on the mat")
    one = rouge_n(ref, cand, 1)  # 5 of 6 reference unigrams, all 5 candidate unigrams
    assert (one.precision, round(one.recall, 6), round(one.fmeasure, 6)) == (1.0, 0.833333, 0.909091)
    two = rouge_n(ref, cand, 2)  # the cat, on the, the mat: 3 of 5 / 3 of 4
    assert (two.precision, two.recall, round(two.fmeasure, 6)) == (0.75, 0.6, 0.666667)
    assert round(rouge_l(ref, cand).fmeasure, 6) == 0.909091
    with pytest.raises(ValueError):
        rouge_n(ref, cand, 0)


def test_rouge_n_clips_repeated_ngrams_to_the_smaller_count():
    score = rouge_n(["a"], ["a", "a", "a"], 1)
    assert (round(score.precision, 6), score.recall) == (0.333333, 1.0)


def test_rouge_lsum_matches_sentences_in_any_order_and_never_counts_a_token_twice():
    assert rouge_scores("a b c\nd e", "d e\na b c", ("rougeL",))["rougeL"].fmeasure == pytest.approx(0.6)
    assert rouge_lsum("a b c\nd e", "d e\na b c").fmeasure == 1.0
    assert rouge_lsum("a\na", "a b").fmeasure == 0.5  # one candidate "a" can only match one reference "a"
    assert rouge_lsum("a b", "a\na").fmeasure == 0.5
    # Ties in the LCS read-back move up (rouge-score): "b b" vs "b c" keeps the first b, so with "b" both count.
    assert rouge_lsum("b b", "b c\nb").fmeasure == pytest.approx(0.8)


def test_empty_sides_score_zero_and_unknown_types_are_refused():
    assert all(v.fmeasure == 0.0 for v in rouge_scores("", "something").values())
    assert all(v.fmeasure == 0.0 for v in rouge_scores("something", "").values())
    with pytest.raises(ValueError, match="rougeX"):
        rouge_scores("a", "a", ("rougeX",))


def test_english_matches_rouge_score_on_a_note():
    ref = ("CHIEF COMPLAINT\n\nLeft knee pain.\n\nHISTORY OF PRESENT ILLNESS\n\nMr. Smith is a 54-year-old male who "
           "presents with left knee pain for 2 weeks after a fall. He denies fever.\n\nASSESSMENT AND PLAN\n\nLeft "
           "knee sprain. Ibuprofen 600 mg three times a day. Follow up in 2 weeks.")
    pred = ("CHIEF COMPLAINT\n\nKnee pain.\n\nPLAN\n\nIbuprofen 600 mg 3 times a day. Follow up in 2 weeks.\n\n"
            "HISTORY OF PRESENT ILLNESS\n\nLeft knee pain for 2 weeks, after a fall. Denies fever and chills.")
    # rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"]).score(ref, pred), rouge-score 0.1.2
    assert _f(rouge_scores(ref, pred)) == {"rouge1": 0.761905, "rouge2": 0.560976, "rougeL": 0.47619,
                                           "rougeLsum": 0.761905}
    assert round(rouge_scores(ref, pred)["rouge2"].precision, 6) == 0.69697


def test_chinese_character_rouge_by_hand():
    scores = char_rouge("咳嗽三天", "咳嗽两天")
    assert _f(scores) == {"rouge-1": 0.75, "rouge-2": 0.333333, "rouge-l": 0.75}


def test_chinese_counts_ngrams_as_sets_and_punctuation_as_characters():
    repeated = char_rouge("咳嗽咳嗽", "咳嗽")
    assert repeated["rouge-1"].precision == 1.0  # {咳, 嗽} on both sides
    assert (repeated["rouge-2"].precision, repeated["rouge-2"].recall) == (0.5, 1.0)  # {咳嗽, 嗽咳} vs {咳嗽}
    punctuated = char_rouge("发热。", "发热")
    assert (round(punctuated["rouge-1"].precision, 6), punctuated["rouge-1"].recall) == (0.666667, 1.0)


def test_chinese_rouge_l_is_the_set_of_lcs_tokens_read_back_as_the_rouge_package_does():
    # LCS of 甲乙甲 and 乙甲甲 has length 2, but the union is taken over token types: {甲, 乙} of {甲, 乙}.
    assert char_rouge("乙甲甲", "甲乙甲")["rouge-l"].recall == 1.0


def test_chinese_ignores_whitespace_and_splits_sentences_on_the_ascii_full_stop():
    assert _f(char_rouge("38.5度", "38 5\t度")) == {"rouge-1": 1.0, "rouge-2": 1.0, "rouge-l": 1.0}
    assert char_rouge("3.8", "38")["rouge-2"].precision == 1.0  # "." is no token: bigram (3, 8) either way


def test_chinese_empty_side_scores_zero_as_the_official_script_does():
    assert all(v.fmeasure == 0.0 for v in char_rouge("", "主诉：咳嗽").values())
    assert all(v.fmeasure == 0.0 for v in char_rouge("  ", "主诉：咳嗽").values())


def test_chinese_matches_the_rouge_package_on_a_flattened_report():
    hyp = "主诉：咳嗽3天。\t现病史：3天前出现咳嗽，无发热。\t辅助检查：暂缺。\t既往史：暂缺。\t诊断：急性支气管炎。\t建议：多饮水，复诊。"
    ref = ("主诉：咳嗽、咳痰3天。\t现病史：患儿3天前受凉后出现咳嗽，咳痰，体温37.5度，无气喘。\t辅助检查：暂缺。\t既往史：不详。\t"
           "诊断：小儿支气管炎。\t建议：雾化，多喝水，不适随诊。")
    # Rouge().get_scores(hyps=" ".join(hyp_without_spaces), refs=" ".join(ref)), rouge 1.0.1
    scores = char_rouge(hyp, ref)
    assert _f(scores) == {"rouge-1": 0.709677, "rouge-2": 0.589147, "rouge-l": 0.709677}
    assert (round(scores["rouge-2"].precision, 6), round(scores["rouge-2"].recall, 6)) == (0.730769, 0.493506)
