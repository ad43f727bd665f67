"""The words triage points at, marked in customer text: escaped, well-formed, never splitting a letter."""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from otklik.web.ui.highlight import Highlight, excerpt, highlight, locate
from otklik.web.ui.present import explain


class _Reader(HTMLParser):
    """Reads highlighted HTML back: the plain text, the marked stretches, and any tag but <mark>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.marked: list[str] = []
        self.depth = 0
        self.deepest = 0
        self.other_tags: list[str] = []
        self.titles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "mark":
            self.other_tags.append(tag)
            return
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)
        self.marked.append("")
        self.titles.extend(v or "" for k, v in attrs if k == "title")

    def handle_endtag(self, tag: str) -> None:
        if tag != "mark":
            self.other_tags.append("/" + tag)
            return
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        self.text += data
        if self.depth:
            self.marked[-1] += data


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(str(html))
    reader.close()
    assert reader.depth == 0, "every <mark> is closed"
    assert reader.deepest <= 1, "marks never nest"
    return reader


def spans_of(text: str, *words: str) -> list[Highlight]:
    """A mark on the first occurrence of each of ``words``, as triage stores them."""
    marks = []
    for w in words:
        at = text.index(w)
        marks.append(Highlight(at, at + len(w), "ev-kind", f"kind: {w}", quote=w))
    return marks


def test_cyrillic_words_are_marked_where_triage_found_them() -> None:
    text = "Третий день нет интернета, вы издеваетесь?"
    html = highlight(text, spans_of(text, "Третий день", "издеваетесь"))
    assert str(html) == (
        '<mark class="ev-kind" title="kind: Третий день">Третий день</mark> нет интернета, вы '
        '<mark class="ev-kind" title="kind: издеваетесь">издеваетесь</mark>?'
    )


def test_overlapping_and_nested_spans_are_cut_into_pieces_that_do_not_overlap() -> None:
    text = "у всех не работает приложение банка? с утра не могу зайти"
    marks = [
        Highlight(0, 6, "ev-signal", "signal: outage", quote="у всех"),
        Highlight(7, 29, "ev-signal", "signal: outage", quote="не работает приложение"),
        Highlight(7, 18, "ev-kind", "kind: complaint", quote="не работает"),
        Highlight(7, 9, "ev-sentiment", "sentiment: negative", quote="не"),
    ]
    html = highlight(text, marks)
    reader = read(html)
    assert reader.text == text
    assert reader.marked == ["у всех", "не", " работает", " приложение"]
    assert (
        '<mark class="ev-kind ev-sentiment ev-signal mark-n3" title="signal: outage; kind: complaint; sentiment: negative">не</mark>'
        in html
    )
    assert '<mark class="ev-kind ev-signal mark-n2" title="signal: outage; kind: complaint"> работает</mark>' in html


def test_polish_diacritics_are_kept_whole_even_when_written_as_separate_accents() -> None:
    composed = "Zamówienie miało być wczoraj, dalej nic. Dzięki za nic!"
    html = highlight(composed, spans_of(composed, "dalej nic", "Dzięki za nic"))
    assert read(html).marked == ["dalej nic", "Dzięki za nic"]
    # "ę" as "e" + combining ogonek: a span that stops before the accent takes it along.
    decomposed = unicodedata.normalize("NFD", "Dzięki, działa")
    end = decomposed.index("e") + 1  # "Dzie" without its ogonek
    marked = read(highlight(decomposed, [Highlight(0, end, "ev-kind")])).marked
    assert marked == [unicodedata.normalize("NFD", "Dzię")]
    assert unicodedata.normalize("NFC", marked[0]) == "Dzię"


def test_emoji_keep_their_skin_tone_variation_selector_and_joined_family() -> None:
    text = "you guys rock 👍🏽 ❤️ 👨‍👩‍👧 🔥"
    thumbs = text.index("👍")
    heart = text.index("❤")
    family = text.index("👨")
    fire = text.index("🔥")
    marks = [
        Highlight(thumbs, thumbs + 1, "ev-sentiment"),  # the thumb without its tone
        Highlight(heart, heart + 1, "ev-sentiment"),  # the heart without U+FE0F
        Highlight(family, family + 1, "ev-sentiment"),  # the man without the rest of the family
        Highlight(fire, fire + 1, "ev-sentiment", quote="🔥"),
    ]
    assert read(highlight(text, marks)).marked == ["👍🏽", "❤️", "👨‍👩‍👧", "🔥"]


def test_script_in_customer_text_is_escaped_inside_and_outside_marks() -> None:
    text = 'Oddajcie pieniądze <script>alert("x")</script> & już!'
    start = text.index("script>")
    marks = [Highlight(start, start + 6, "ev-kind", 'kind: "<b>"', quote="script"), *spans_of(text, "Oddajcie")]
    html = highlight(text, marks)
    assert "<script" not in html
    assert "&lt;<mark" in html  # the bracket before the marked word is text
    assert "&lt;/script&gt; &amp; już!" in html
    assert 'title="kind: &#34;&lt;b&gt;&#34;"' in html
    reader = read(html)
    assert reader.text == text
    assert reader.other_tags == []
    assert reader.titles == ["kind: Oddajcie", 'kind: "<b>"']


def test_spans_that_do_not_fit_the_text_are_found_nearby_or_dropped() -> None:
    text = "Где мой заказ #4471?? уже неделю жду 😡"
    moved = Highlight(0, 10, "ev-kind", quote="уже неделю")  # offsets of another form of the text
    assert locate(text, moved) == (text.index("уже"), text.index("уже") + len("уже неделю"))
    assert locate(text, Highlight(0, 5, quote="нету такого")) is None
    assert locate(text, Highlight(5, 3)) is None
    assert locate(text, Highlight(30, 400)) is None
    assert locate(text, Highlight(-2, 3)) is None
    assert locate(text, Highlight(3, 3, quote="")) is None
    html = highlight(text, [moved, Highlight(30, 400), Highlight(7, 2)])
    assert read(html).marked == ["уже неделю"]
    assert highlight("", [Highlight(0, 1)]) == ""


def test_an_excerpt_shows_the_words_in_context_and_cuts_at_spaces() -> None:
    text = (
        "Dzień dobry, zamówiłam słuchawki Volna X2 dwa tygodnie temu, zapłaciłam kartą, "
        "a paczka dalej nie dotarła do paczkomatu przy ulicy Długiej w Krakowie. Co się dzieje?"
    )
    html = excerpt(text, spans_of(text, "nie dotarła"), context=20)
    assert html.startswith("…")
    assert html.endswith("…")
    reader = read(html)
    assert reader.marked == ["nie dotarła"]
    assert reader.text.strip("…").startswith(("paczka", "a paczka", "kartą"))
    assert not reader.text.strip("…").startswith(" ")
    short = "вы все там <дебилы>"
    assert (
        excerpt(short, spans_of(short, "<дебилы>")) == 'вы все там <mark class="ev-kind" title="kind: &lt;дебилы&gt;">&lt;дебилы&gt;</mark>'
    )
    assert excerpt("a" * 200, []) == "a" * 80 + "…"


_ALPHABET = st.sampled_from(list("ab йцу ąęłż<>&\"'🔥👍🏽❤️\u200d\u0328\n"))


@given(
    st.text(alphabet=_ALPHABET, max_size=40),
    st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45), st.sampled_from(["ev-kind", "ev-sentiment", "ev-signal"])), max_size=8),
)
def test_any_spans_on_any_text_give_well_formed_escaped_html_with_the_same_text(text: str, raw: list[tuple[int, int, str]]) -> None:
    marks = [Highlight(a, b, css, f"{css} <{a}>") for a, b, css in raw]
    html = highlight(text, marks)
    reader = read(html)
    assert reader.text == text
    assert reader.other_tags == []
    assert "<" not in html.replace("<mark ", "").replace("</mark>", "")


def _row(**extra: Any) -> dict[str, Any]:
    text = "ваш сервис — говно, третий день без связи"
    row: dict[str, Any] = {
        "language": "ru",
        "kind": "complaint",
        "sentiment": "negative",
        "machine_kind": "insult",
        "machine_sentiment": "negative",
        "kind_confidence": 0.61,
        "sentiment_score": -0.8,
        "urgent": False,
        "outage": False,
        "abusive": True,
        "decision": "respond",
        "priority": "high",
        "team": None,
        "sla": "standard",
        "rule": "complaints",
        "reason": None,
        "reasons": ["kind is complaint"],
        "schema_version": 2,
        "evidence": [
            {"supports": "lang:ru", "rule": "language:words", "spans": [{"start": 0, "end": 3, "text": "ваш"}], "weight": 2.0},
            {
                "supports": "kind:insult",
                "rule": "lexicon:ru:insult:говн*",
                "spans": [{"start": 13, "end": 18, "text": "говно"}],
                "weight": 1.0,
            },
            {"supports": "kind:compliment", "rule": "model:kind", "spans": [{"start": 4, "end": 10, "text": "сервис"}], "weight": 0.2},
            {
                "supports": "kind:complaint",
                "rule": "lexicon:ru:failure:без связи",
                "spans": [{"start": 32, "end": 41, "text": "без связи"}],
                "weight": 1.0,
            },
            {
                "supports": "sentiment:negative",
                "rule": "model:sentiment",
                "spans": [{"start": 13, "end": 18, "text": "говно"}],
                "weight": 2.5,
            },
            {"supports": "kind:complaint", "rule": "model:kind:shape:?", "spans": [], "weight": 0.4},
            "not evidence",
            {"supports": "kind:complaint", "rule": "broken", "spans": [{"start": "x"}, None]},
        ],
        "corrected_at": None,
        **extra,
    }
    return row | {"_text": text}


def test_explain_marks_the_evidence_in_force_and_lists_every_entry() -> None:
    row = _row()
    shown = explain(row["_text"], row)
    assert (shown.kind, shown.decision, shown.rule, shown.schema_version) == ("complaint", "respond", "complaints", 2)
    assert shown.signals == ("abusive",)
    marked = read(shown.text).marked
    # The corrected kind's evidence and what triage first said are marked; rivals and language are not.
    assert marked == ["говно", "без связи"]
    # By part (kind, sentiment, signals, language); what is in force now first, then what
    # triage first said, then rivals; heavier first.
    assert [(e.label, e.rule, e.in_force) for e in shown.evidence] == [
        ("kind: complaint", "lexicon:ru:failure:без связи", True),
        ("kind: complaint", "broken", True),
        ("kind: complaint", "model:kind:shape:?", True),
        ("kind: insult", "lexicon:ru:insult:говн*", True),
        ("kind: compliment", "model:kind", False),
        ("sentiment: negative", "model:sentiment", True),
        ("language: ru", "language:words", True),
    ]
    assert [e.words for e in shown.evidence][:3] == [("без связи",), (), ()]
    assert read(shown.evidence[0].excerpt).marked == ["без связи"]
    assert shown.corrected is False


def test_explain_survives_a_row_with_missing_or_odd_fields() -> None:
    shown = explain("<b>hi</b>", {"kind": "comment", "evidence": None, "reasons": "x", "schema_version": "2"})
    assert shown.text == "&lt;b&gt;hi&lt;/b&gt;"
    assert (shown.decision, shown.schema_version, shown.reasons, shown.evidence) == ("?", None, (), ())
