"""The reply index: finds near-duplicates, counts recent ones, grows, saves and loads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from otklik.guards import PastReply, ReplyIndex
from tests.unit.guards.support import NOW

TEMPLATE_RU = "Здравствуйте, {name}! Приносим извинения за неудобства. Пожалуйста, напишите нам в личные сообщения номер договора {n}, мы всё проверим."
TEMPLATE_PL = "Dzień dobry Pani {name}, paczka {n} czeka w paczkomacie KRA12M przy ul. Długiej do czwartku do 18:00. Pozdrawiamy!"
TEMPLATE_EN = (
    "Hi {name}, we're sorry to hear about this. Please send us a DM with your account number and full address so we can look into it."
)
OTHER = [
    "Марина, в Новых Черёмушках повреждён кабель на магистрали, бригада уже на месте и обещает закончить к 18:00.",
    "Panie Tomaszu, dopóki paczka nie dotarła do paczkomatu, zmieni Pan punkt odbioru w aplikacji.",
    "Sarah, it looks like your last two readings were estimated, which pushed the bill up. Send us a meter photo.",
    "Dogs are welcome in all our shops except Canary Wharf, where the landlord doesn't allow them.",
]


def _filled(template: str, i: int) -> str:
    return template.format(name=["Анна", "Ewo", "Sam", "Игорь", "Marku"][i % 5], n=40_000 + i * 37)


def test_finds_a_template_sent_before_and_counts_the_recent_sends() -> None:
    index = ReplyIndex()
    for i, days_ago in enumerate([40, 20, 10, 5, 2, 1]):
        index.add(100 + i, _filled(TEMPLATE_RU, i), NOW - timedelta(days=days_ago), agent_id=7)
    for i, text in enumerate(OTHER):
        index.add(200 + i, text, NOW - timedelta(days=3))
    assert len(index) == 10
    result = index.query(_filled(TEMPLATE_RU, 99), NOW)
    assert result.best == 1.0
    assert result.closest[0].reply_id == 105  # the most recent of the identical ones
    assert result.closest[0].agent_id == 7
    assert result.recent == {7: 3, 30: 5}
    assert result.capped is False
    # A reply in its own words finds nothing close.
    own = index.query("Ольга, диван по заказу 55120 застрял на складе в Казани, курьер привезёт его завтра с 10 до 14.", NOW)
    assert own.best < 0.3
    assert own.recent == {7: 0, 30: 0}


def test_only_replies_sent_before_now_count() -> None:
    index = ReplyIndex()
    index.add(1, _filled(TEMPLATE_EN, 1), NOW + timedelta(hours=1))
    assert index.query(_filled(TEMPLATE_EN, 2), NOW).closest == ()
    assert index.query(_filled(TEMPLATE_EN, 2), NOW + timedelta(hours=2)).best == 1.0


def test_names_given_when_adding_are_masked_in_the_stored_reply() -> None:
    index = ReplyIndex()
    index.add(
        1,
        "Спасибо, Ольге передали, что заказ задерживается, она сегодня же позвонит в службу доставки и всё уточнит.",
        NOW,
        names=["Ольга"],
    )
    result = index.query(
        "Спасибо, Марине передали, что заказ задерживается, она сегодня же позвонит в службу доставки и всё уточнит.", NOW, names=["Марина"]
    )
    assert result.best == 1.0
    assert result.closest[0].text.startswith("Спасибо, Ольге")


def test_add_many_and_single_adds_find_the_same(tmp_path: Path) -> None:
    replies = [PastReply(i, _filled([TEMPLATE_RU, TEMPLATE_PL, TEMPLATE_EN][i % 3], i), NOW - timedelta(hours=i)) for i in range(60)]
    replies += [PastReply(1000 + i, text, NOW - timedelta(days=1)) for i, text in enumerate(OTHER)]
    bulk = ReplyIndex.build(replies)
    single = ReplyIndex(pending_limit=7)  # merges into the sorted arrays many times
    for r in replies:
        single.add(r.reply_id, r.text, r.sent_at, r.agent_id)
    for query in [_filled(TEMPLATE_PL, 500), _filled(TEMPLATE_EN, 501), OTHER[2]]:
        a, b = bulk.query(query, NOW), single.query(query, NOW)
        assert [m.reply_id for m in a.closest] == [m.reply_id for m in b.closest]
        assert a.recent == b.recent
    # Saved and loaded, the index answers the same, and keeps growing.
    path = single.save(tmp_path / "brand-7")
    assert path.name == "brand-7.npz"
    loaded = ReplyIndex.load(path)
    assert len(loaded) == len(single)
    query = _filled(TEMPLATE_RU, 777)
    assert loaded.query(query, NOW) == single.query(query, NOW)
    loaded.add(5000, _filled(TEMPLATE_RU, 778), NOW)
    assert loaded.query(query, NOW).recent[7] == single.query(query, NOW).recent[7] + 1


def test_a_huge_bucket_is_capped_to_its_most_recent_replies() -> None:
    index = ReplyIndex(bucket_cap=20)
    index.add_many(PastReply(i, _filled(TEMPLATE_EN, i), NOW - timedelta(minutes=500 - i)) for i in range(200))
    result = index.query(_filled(TEMPLATE_EN, 999), NOW)
    assert result.capped is True
    assert result.candidates == 20
    assert result.closest[0].reply_id == 199
    assert result.recent[7] == 20  # a lower bound when capped


def test_load_refuses_another_format(tmp_path: Path) -> None:
    import numpy as np

    index = ReplyIndex()
    index.add(1, _filled(TEMPLATE_EN, 1), NOW)
    path = index.save(tmp_path / "x.npz")
    with np.load(path) as data:
        arrays = dict(data)
    arrays["meta"][0] = 99
    np.savez(tmp_path / "old.npz", **arrays)
    with pytest.raises(ValueError, match="rebuild"):
        ReplyIndex.load(tmp_path / "old.npz")


def test_times_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ReplyIndex().add(1, "text of a reply", NOW.replace(tzinfo=None))
