"""The demo data set: realistic, multilingual, consistent threads, deterministic, never in the future."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone

import pytest

from otklik.demo import dataset
from otklik.demo.dataset import DEMO_AGENTS, DemoStep, generate_demo

NOW = datetime(2026, 11, 20, 12, 0, 7, 250_000, tzinfo=UTC)
ADDRESSING = {"direct", "dm", "comment", "review", "brand_mention"}
ITEM_KEYS = {"external_id", "author", "text", "created_at", "addressing", "account", "url", "author_followers", "language"}

_PL_WORDS = {"się", "nie", "jest", "w", "na", "i", "z", "do", "to", "że", "proszę", "zamówienie", "zamówienia", "już", "czy", "jak", "za"}
_EN_WORDS = {"the", "you", "your", "is", "to", "and", "my", "it", "i", "we", "for", "of", "on", "in", "order", "thanks", "a"}


@pytest.fixture(scope="module")
def steps() -> list[DemoStep]:
    return generate_demo(now=NOW)


def _items(steps: list[DemoStep]) -> list[DemoStep]:
    return [s for s in steps if s.kind == "item"]


def _threads(steps: list[DemoStep]) -> dict[str, list[DemoStep]]:
    threads: dict[str, list[DemoStep]] = defaultdict(list)
    for step in steps:
        threads[step.thread].append(step)
    return threads


def _cyrillic_share(text: str) -> float:
    letters = [c for c in re.sub(r"@\S+", "", text) if c.isalpha()]  # handles are Latin in every language
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / max(1, len(letters))


def _language_of(text: str) -> str:
    """A small detector, good enough for the agents' carefully written replies."""
    if _cyrillic_share(text) > 0.5:
        return "uk" if re.search("[іїєґІЇЄҐ]", text) else "ru"
    words = re.findall(r"[^\W\d_]+", text.lower())
    polish = sum(w in _PL_WORDS for w in words) + 3 * len(re.findall("[ąćęłńóśźż]", text.lower()))
    english = sum(w in _EN_WORDS for w in words)
    return "pl" if polish > english else "en"


def test_agents_are_a_small_multilingual_team_with_the_demo_admin() -> None:
    assert 4 <= len(DEMO_AGENTS) <= 6
    assert ("admin" in {role for _e, _n, role, _t in DEMO_AGENTS}) and any(e == "demo@otklik.local" for e, *_ in DEMO_AGENTS)
    assert {team for *_, team in DEMO_AGENTS} == {"Care RU", "Care PL", "Care EN"}
    assert len({email for email, *_ in DEMO_AGENTS}) == len(DEMO_AGENTS)


def test_volume_languages_sources_and_addressing(steps: list[DemoStep]) -> None:
    items = _items(steps)
    assert len(items) >= 360
    languages = Counter(str(s.payload["language"]) for s in items)
    assert min(languages[lang] for lang in ("ru", "pl", "en")) >= 90
    assert set(languages) <= {"ru", "pl", "en", "uk"}
    assert len({s.source for s in items}) >= 6
    assert {s.payload["addressing"] for s in items} == ADDRESSING
    assert len({s.payload["text"] for s in items}) == len(items)  # no two customers write the same


def test_items_follow_the_generic_format(steps: list[DemoStep]) -> None:
    for step in _items(steps):
        payload = step.payload
        assert ITEM_KEYS <= set(payload) <= ITEM_KEYS | {"parent_external_id"}
        author = payload["author"]
        assert isinstance(author, dict) and set(author) == {"id", "name", "handle"}
        assert all(isinstance(v, str) and v for v in (author["id"], author["name"], payload["text"], payload["account"]))
        assert isinstance(payload["author_followers"], int) and payload["author_followers"] >= 0
        assert str(payload["url"]).startswith("https://")
        assert payload["addressing"] in ADDRESSING
        assert str(payload["created_at"]).endswith("+00:00")
        assert step.agent_email is None and step.text is None


def test_ids_are_unique_and_parents_are_earlier_items_of_the_same_thread(steps: list[DemoStep]) -> None:
    seen: dict[tuple[str, str], DemoStep] = {}
    for step in _items(steps):
        key = (step.source, str(step.payload["external_id"]))
        assert key not in seen
        parent_id = step.payload.get("parent_external_id")
        if parent_id is not None:
            parent = seen[(step.source, str(parent_id))]  # earlier, same source
            assert parent.thread == step.thread
            assert parent.payload["author"] == step.payload["author"] and parent.payload["account"] == step.payload["account"]
        else:
            assert step.thread == step.payload["external_id"]  # a thread is named after its first item
        seen[key] = step


def test_times_are_aware_ordered_and_never_after_now(steps: list[DemoStep]) -> None:
    assert [s.at for s in steps] == sorted(s.at for s in steps)
    for step in steps:
        assert step.at.tzinfo is not None and step.at <= NOW
        assert step.at >= NOW - timedelta(days=11)
        if step.kind == "item":
            created = datetime.fromisoformat(str(step.payload["created_at"]))
            assert created.tzinfo is not None and created <= step.at <= NOW


def test_agents_act_on_threads_that_exist_after_their_first_message(steps: list[DemoStep]) -> None:
    first: dict[str, DemoStep] = {}
    emails = {email for email, *_ in DEMO_AGENTS}
    for step in steps:
        if step.kind == "item":
            first.setdefault(step.thread, step)
            continue
        assert step.thread in first and step.at > first[step.thread].at
        assert step.source == first[step.thread].source
        assert step.agent_email in emails and step.payload == {}
        assert (step.text is not None) == (step.kind == "reply")


def test_thread_shapes_look_like_a_real_desk(steps: list[DemoStep]) -> None:
    threads = _threads(steps)
    count = len(threads)
    multi = [t for t, ss in threads.items() if sum(s.kind == "item" for s in ss) >= 2]
    assert all(2 <= sum(s.kind == "item" for s in threads[t]) <= 4 for t in multi)
    assert 0.15 <= len(multi) / count <= 0.4  # about a quarter have follow-ups
    replied = {t for t, ss in threads.items() if any(s.kind == "reply" for s in ss)}
    assert 0.3 <= len(replied) / count <= 0.5  # about 40 % answered
    resolved = {t for t, ss in threads.items() if any(s.kind == "resolve" for s in ss)}
    assert len(resolved & replied) >= 0.3 * len(replied)
    assign_only = [t for t, ss in threads.items() if {s.kind for s in ss} == {"item", "assign"}]
    assert len(assign_only) >= 3
    fresh_open = [t for t, ss in threads.items() if ss[0].at > NOW - timedelta(hours=1) and t not in replied]
    assert len(fresh_open) >= 3  # the inbox looks alive


def test_replies_are_personal_and_in_the_customers_language(steps: list[DemoStep]) -> None:
    threads = _threads(steps)
    replies = [s for s in steps if s.kind == "reply"]
    texts = [s.text for s in replies]
    assert len(set(texts)) == len(texts)
    personal = 0
    for reply in replies:
        assert reply.text
        items = [s for s in threads[reply.thread] if s.kind == "item"]
        language = str(items[0].payload["language"])
        assert _language_of(reply.text) == language, reply.text
        author = items[0].payload["author"]
        assert isinstance(author, dict)
        said = " ".join(str(s.payload["text"]) for s in items)
        numbers = set(re.findall(r"\d{6,}", said))
        if str(author["name"]).split()[0] in reply.text or any(n in reply.text for n in numbers):
            personal += 1
    assert personal >= 0.75 * len(replies)  # the customer's name or order number, at least


def test_customers_write_in_their_language(steps: list[DemoStep]) -> None:
    by_language: dict[str, list[str]] = defaultdict(list)
    for step in _items(steps):
        by_language[str(step.payload["language"])].append(str(step.payload["text"]))
    russian_and_ukrainian = by_language["ru"] + by_language["uk"]
    cyrillic = [t for t in russian_and_ukrainian if _cyrillic_share(t) > 0.5]
    assert len(cyrillic) >= 0.95 * len(russian_and_ukrainian)  # a few write in Latin letters
    for language in ("pl", "en"):
        assert all(_cyrillic_share(t) == 0 for t in by_language[language])
    polish = [t for t in by_language["pl"] if _language_of(t) == "pl"]
    assert len(polish) >= 0.8 * len(by_language["pl"])  # the rest skip diacritics or are very short


def test_an_outage_burst_two_days_ago_in_every_language(steps: list[DemoStep]) -> None:
    items = [s for s in _items(steps) if NOW - timedelta(days=3) <= s.at <= NOW - timedelta(days=1)]
    best: list[DemoStep] = []
    for start in items:
        window = [s for s in items if start.at <= s.at < start.at + timedelta(hours=1)]
        best = max(best, window, key=len)
    assert len(best) >= 12
    assert {s.payload["language"] for s in best} >= {"ru", "pl", "en"}


def test_mostly_small_authors_and_a_few_big_ones(steps: list[DemoStep]) -> None:
    followers: dict[tuple[str, str], int] = {}
    for step in _items(steps):
        author, count = step.payload["author"], step.payload["author_followers"]
        assert isinstance(author, dict) and isinstance(count, int)
        followers[(step.source, str(author["id"]))] = count
    assert sum(f >= 50_000 for f in followers.values()) >= 2
    assert sorted(followers.values())[len(followers) // 2] < 2_000


def test_deterministic_for_a_seed_and_different_for_another() -> None:
    assert generate_demo(now=NOW, seed=3) == generate_demo(now=NOW, seed=3)
    assert generate_demo(now=NOW) == generate_demo(now=NOW, seed=7)
    assert generate_demo(now=NOW, seed=3) != generate_demo(now=NOW, seed=4)


@pytest.mark.parametrize("count", [0, 1, 40, 1000])
def test_any_size_and_any_time_zone_keep_the_invariants(count: int) -> None:
    now = datetime(2026, 3, 29, 4, 30, 59, 999_999, tzinfo=timezone(timedelta(hours=3)))  # a DST change day in Europe
    steps = generate_demo(now=now, items=count, seed=11)
    items = _items(steps)
    assert len(items) >= count
    assert all(s.at <= now for s in steps)
    assert all(datetime.fromisoformat(str(s.payload["created_at"])) <= now for s in items)
    assert len({(s.source, s.payload["external_id"]) for s in items}) == len(items)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_demo(now=datetime(2026, 11, 20, 12, 0))  # noqa: DTZ001 - the mistake under test


def test_every_template_agrees_with_every_product_and_gender() -> None:
    for language, kinds in dataset._ITEMS.items():
        counts = {"g": dataset._FORM_COUNTS[language], "a": 2, "ag": 2}
        templates = [t for ts in kinds.values() for t in ts] + [t for ts in dataset._REPLIES[language].values() for t in ts]
        for product in dataset._PRODUCTS:
            for gender in (0, 1):
                forms = {"g": product.forms[language].gender, "a": gender, "ag": gender}
                for template in templates:
                    values = dict.fromkeys(dataset._keys(template), "x")
                    text, _used = dataset._render(template, values, forms, counts)
                    assert "{" not in text and "|" not in text, template
