"""Metrics of `otklik eval`, worked out by hand on small confusion matrices."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otklik.triage.evaluate import (
    Gold,
    Item,
    LineError,
    Scoreboard,
    confusion_matrix,
    f1_of,
    macro_f1,
    macro_recall,
    parse_gold,
    parse_item,
    per_class,
    read_lines,
    render_confusion,
    render_report,
    render_signal,
    report,
    split_of,
    weighted_f1,
)

# gold a a a b b c / predicted a a b b c c, worked out by hand:
#   a: tp 2, predicted 2, gold 3 → P 1,   R 2/3, F1 4/5
#   b: tp 1, predicted 2, gold 2 → P 1/2, R 1/2, F1 1/2
#   c: tp 1, predicted 2, gold 1 → P 1/2, R 1,   F1 2/3
GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = ["a", "a", "b", "b", "c", "c"]


def close(value: float, expected: Fraction | float) -> bool:
    return value == pytest.approx(float(expected), abs=1e-12)


def test_per_class_scores_of_a_three_class_matrix() -> None:
    scores = {c.label: c for c in per_class(GOLD, PRED)}
    assert list(scores) == ["a", "b", "c"]
    assert (scores["a"].precision, scores["a"].support, scores["a"].predicted) == (1.0, 3, 2)
    assert close(scores["a"].recall, Fraction(2, 3))
    assert close(scores["a"].f1, Fraction(4, 5))
    assert (scores["b"].precision, scores["b"].recall, scores["b"].f1) == (0.5, 0.5, 0.5)
    assert (scores["c"].precision, scores["c"].recall) == (0.5, 1.0)
    assert close(scores["c"].f1, Fraction(2, 3))


def test_averages_of_a_three_class_matrix() -> None:
    # (4/5 + 1/2 + 2/3) / 3 = 59/90
    assert close(macro_f1(GOLD, PRED), Fraction(59, 90))
    # (2/3 + 1/2 + 1) / 3 = 13/18
    assert close(macro_recall(GOLD, PRED), Fraction(13, 18))
    # (3·4/5 + 2·1/2 + 1·2/3) / 6 = 61/90
    assert close(weighted_f1(GOLD, PRED), Fraction(61, 90))
    assert close(report(GOLD, PRED).accuracy, Fraction(4, 6))


def test_confusion_matrix_rows_are_gold_columns_predicted() -> None:
    matrix = confusion_matrix(GOLD, PRED)
    assert matrix.labels == ("a", "b", "c")
    assert matrix.counts == ((2, 1, 0), (0, 1, 1), (0, 0, 1))
    assert matrix.count("a", "b") == 1
    assert matrix.count("b", "a") == 0
    assert confusion_matrix(GOLD, PRED, ["c", "a"]).counts == ((1, 0), (0, 2))


def test_a_class_never_predicted_has_precision_and_f1_zero() -> None:
    gold, pred = ["x", "x", "y", "y"], ["x", "x", "x", "x"]
    x, y = per_class(gold, pred)
    assert (x.precision, x.recall) == (0.5, 1.0)
    assert close(x.f1, Fraction(2, 3))
    assert (y.precision, y.recall, y.f1, y.support, y.predicted) == (0.0, 0.0, 0.0, 2, 0)
    assert close(macro_f1(gold, pred), Fraction(1, 3))
    assert macro_recall(gold, pred) == 0.5
    # (2·2/3 + 2·0) / 4
    assert close(weighted_f1(gold, pred), Fraction(1, 3))


def test_a_class_absent_from_gold_counts_in_the_macro_average_unless_left_out() -> None:
    gold, pred = ["x", "x", "x"], ["x", "x", "z"]
    x, z = per_class(gold, pred)
    assert (x.precision, z.label) == (1.0, "z")
    assert close(x.recall, Fraction(2, 3))
    assert close(x.f1, Fraction(4, 5))
    assert (z.precision, z.recall, z.f1, z.support, z.predicted) == (0.0, 0.0, 0.0, 0, 1)
    assert close(macro_f1(gold, pred), Fraction(2, 5))
    # weighted by gold counts, z weighs nothing
    assert close(weighted_f1(gold, pred), Fraction(4, 5))
    assert close(macro_f1(gold, pred, ["x"]), Fraction(4, 5))


def test_a_listed_label_seen_nowhere_scores_zero() -> None:
    result = report(["a", "b"], ["a", "b"], ["a", "b", "c"])
    assert [c.f1 for c in result.classes] == [1.0, 1.0, 0.0]
    assert close(result.macro_f1, Fraction(2, 3))
    assert result.weighted_f1 == 1.0


def test_a_gold_label_outside_the_list_still_counts_as_a_false_positive() -> None:
    # "skip" is not scored, but predicting "a" for it costs "a" precision
    result = report(["a", "skip", "b"], ["a", "a", "b"], ["a", "b"])
    a, b = result.classes
    assert (a.precision, a.recall, a.predicted) == (0.5, 1.0, 2)
    assert close(a.f1, Fraction(2, 3))
    assert (b.precision, b.recall) == (1.0, 1.0)
    assert result.confusion.counts == ((1, 0), (0, 1))


def test_f1_of_one_class() -> None:
    gold = ["yes", "yes", "no", "no", "no"]
    pred = ["yes", "no", "yes", "no", "no"]
    assert f1_of(gold, pred, "yes") == 0.5
    assert close(f1_of(gold, pred, "no"), Fraction(2, 3))
    assert f1_of(["no"], ["no"], "yes") == 0.0


def test_nothing_to_score_and_lists_that_disagree() -> None:
    empty = report([], [])
    assert (empty.n, empty.accuracy, empty.macro_f1, empty.weighted_f1, empty.classes) == (0, 0.0, 0.0, 0.0, ())
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        report(["a", "b"], ["a"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("abcde")), min_size=1, max_size=40))
def test_agrees_with_scikit_learn(pairs: list[tuple[str, str]]) -> None:
    from sklearn import metrics

    gold = [g for g, _ in pairs]
    pred = [p for _, p in pairs]
    labels = sorted(set(gold) | set(pred) | {"f"})  # "f" is never seen: it scores zero in both
    result = report(gold, pred, labels)
    expected_p, expected_r, expected_f, expected_s = metrics.precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    assert [c.precision for c in result.classes] == pytest.approx(list(expected_p))
    assert [c.recall for c in result.classes] == pytest.approx(list(expected_r))
    assert [c.f1 for c in result.classes] == pytest.approx(list(expected_f))
    assert [c.support for c in result.classes] == list(expected_s)
    assert result.macro_f1 == pytest.approx(metrics.f1_score(gold, pred, labels=labels, average="macro", zero_division=0))
    assert result.weighted_f1 == pytest.approx(metrics.f1_score(gold, pred, labels=labels, average="weighted", zero_division=0))
    assert result.macro_recall == pytest.approx(metrics.recall_score(gold, pred, labels=labels, average="macro", zero_division=0))
    assert [list(row) for row in result.confusion.counts] == metrics.confusion_matrix(gold, pred, labels=labels).tolist()


def test_split_of_is_the_documented_hash() -> None:
    # sha1("ru-0001")[:8] = 38d3319c = 953364892, % 10 = 2 → test
    assert split_of("ru-0001") == "test"
    # sha1("en-0001")[:8] = 4459ceab = 1146736299, % 10 = 9 → train
    assert split_of("en-0001") == "train"
    # sha1("pl-0001")[:8] = dee1b967 = 3739335015, % 10 = 5 → train
    assert split_of("pl-0001") == "train"
    shares = [split_of(f"id-{n}") for n in range(5000)]
    assert set(shares) == {"test", "train"}
    assert 0.27 < shares.count("test") / len(shares) < 0.33


def test_render_report_is_a_plain_table() -> None:
    text = render_report("kind", report(GOLD, PRED))
    assert text.splitlines() == [
        "kind: n=6  accuracy 0.667  macro-F1 0.656  macro-recall 0.722  weighted F1 0.678",
        "  class  precision  recall     F1  gold  predicted",
        "  a          1.000   0.667  0.800     3          2",
        "  b          0.500   0.500  0.500     2          2",
        "  c          0.500   1.000  0.667     1          2",
        "  gold \\ predicted  a  b  c",
        "  a                 2  1  0",
        "  b                 0  1  1",
        "  c                 0  0  1",
    ]
    assert "gold \\ predicted" not in render_report("kind", report(GOLD, PRED), confusion=False)
    assert render_confusion(report(["x"], ["x"]).confusion, indent="") == "gold \\ predicted  x\nx                 1"


def test_render_signal_reports_the_yes_class() -> None:
    result = report(["yes", "yes", "no", "no", "no"], ["yes", "no", "yes", "no", "no"], ["yes", "no"])
    assert render_signal("urgent", result) == "urgent: n=5  precision 0.500  recall 0.500  F1 0.500  (gold 2, predicted 2)"


def test_read_lines_names_each_bad_line() -> None:
    raw = [b'{"id": "1", "text": "hi"}\n', b"\n", b"{broken\n", b"[1, 2]\n", b"\xff\xfe\n", b'{"id": 2}']
    got = list(read_lines(raw))
    assert [(n, record is not None) for n, record, _ in got] == [(1, True), (3, False), (4, False), (5, False), (6, True)]
    reasons = {n: reason for n, _, reason in got}
    assert reasons[3] is not None
    assert reasons[3].startswith("not valid JSON")
    assert reasons[4] == "not a JSON object but list"
    assert reasons[5] is not None
    assert reasons[5].startswith("not UTF-8 text")


def test_parse_item_takes_the_optional_fields_and_keeps_the_id_as_given() -> None:
    item = parse_item({"id": 7, "text": "где заказ", "lang": "ru", "addressing": "direct", "channel": "vk", "author_followers": 120})
    assert item == Item(7, "где заказ", "ru", "direct", "vk", 120)
    assert parse_item({"id": "a", "text": "", "lang": None}) == Item("a", "")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"text": "x"}, "id: missing"),
        ({"id": True, "text": "x"}, "id: must be a string or a number"),
        ({"id": "1"}, "text: missing"),
        ({"id": "1", "text": 5}, "text: must be a string"),
        ({"id": "1", "text": "x", "lang": 3}, "lang: must be a string"),
        ({"id": "1", "text": "x", "author_followers": -1}, "author_followers: must be a whole number ≥ 0"),
        ({"id": "1", "text": "x", "author_followers": "10"}, "author_followers: must be a whole number ≥ 0"),
    ],
)
def test_parse_item_rejects_with_a_reason(record: dict[str, object], reason: str) -> None:
    with pytest.raises(LineError) as caught:
        parse_item(record)
    assert str(caught.value) == reason


def test_parse_gold_reads_labels_and_leaves_missing_ones_unscored() -> None:
    line = json.loads('{"id": "pl-1", "lang": "pl", "text": "nie działa", "kind": "complaint", "sentiment": "neg", "urgent": false}')
    gold = parse_gold(line)
    assert (gold.kind, gold.sentiment, gold.urgent, gold.outage) == ("complaint", "negative", False, None)
    with pytest.raises(LineError, match="kind: 'rant' is not one of"):
        parse_gold({"id": "1", "text": "x", "kind": "rant"})
    with pytest.raises(LineError, match="sentiment: 'meh' is not one of"):
        parse_gold({"id": "1", "text": "x", "sentiment": "meh"})
    with pytest.raises(LineError, match="outage: must be true or false"):
        parse_gold({"id": "1", "text": "x", "outage": "yes"})


def _gold(lang: str | None, kind: str | None = None, sentiment: str | None = None, urgent: bool | None = None) -> Gold:
    return Gold(Item("id", "text", lang), kind, sentiment, urgent, None)


def test_scoreboard_groups_by_language_and_overall() -> None:
    board = Scoreboard(score_language=True)
    board.add(_gold("ru", "complaint", "negative", True), lang="ru", kind="complaint", sentiment="negative", urgent=True, outage=False)
    board.add(_gold("ru", "question"), lang="uk", kind="comment", sentiment="neutral", urgent=False, outage=False)
    board.add(_gold("pl", "compliment", "positive"), lang="pl", kind="compliment", sentiment="neutral", urgent=False, outage=False)
    board.add(_gold(None, None, "neutral"), lang="en", kind="comment", sentiment="neutral", urgent=False, outage=False)
    assert board.languages == ["ru", "pl", "en"]
    ru_kind = board.report("ru", "kind")
    assert ru_kind is not None
    assert (ru_kind.n, ru_kind.labels) == (2, ("complaint", "question", "comment"))
    everything = board.report("all", "kind")
    assert everything is not None
    assert (everything.n, everything.correct) == (3, 2)
    sentiment = board.report("all", "sentiment")
    assert sentiment is not None
    assert (sentiment.n, sentiment.correct) == (3, 2)
    urgent = board.report("all", "urgent")
    assert urgent is not None
    assert (urgent.n, urgent.of("yes").f1) == (1, 1.0)
    assert board.report("en", "kind") is None  # no kind label on the English line
    assert board.report("all", "outage") is None
    text = board.render()
    assert text.index("== language ru ==") < text.index("== language pl ==") < text.index("== all languages ==")
    assert "kind: no labelled lines" in text
    assert "language detection: n=3  accuracy 0.667  (mistakes: ru→uk 1)" in text


def test_scoreboard_with_one_language_has_no_overall_block() -> None:
    board = Scoreboard()
    board.add(_gold("en", "spam"), lang="en", kind="spam", sentiment="neutral", urgent=False, outage=False)
    text = board.render()
    assert "== language en ==" in text
    assert "all languages" not in text
    assert "language detection" not in text


def test_a_signal_no_line_has_still_reports_yes() -> None:
    board = Scoreboard()
    board.add(_gold("pl", "comment", urgent=False), lang="pl", kind="comment", sentiment="neutral", urgent=False, outage=False)
    urgent = board.report("pl", "urgent")
    assert urgent is not None
    assert urgent.labels == ("yes", "no")
    assert "urgent: n=1  precision 0.000  recall 0.000  F1 0.000  (gold 0, predicted 0)" in board.render()
