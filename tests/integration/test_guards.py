"""The reply guards in the desk, on both databases: the index per account, blocking,
acknowledging, the context a draft is judged in, and the reports read from what was sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from otklik.bootstrap import Services
from otklik.clock import FixedClock
from otklik.domain.events import EventKind
from otklik.domain.items import Author
from otklik.domain.replies import Reply
from otklik.errors import GuardsRefused, InvalidPayload, NotFound
from otklik.guards import GuardConfig, GuardReport, Verdict, parse_severities
from otklik.services.access import Actor
from otklik.services.guards import ReplyGuards, check_draft
from otklik.services.ingest import ingest_items
from otklik.services.replies import send_reply
from otklik.services.reports import guards_report
from otklik.services.triage import correct_triage, triage_pending
from otklik.store import tables as t
from tests.builders import make_actor, make_draft

# A saved reply, sent to two customers with only the name and the order number changed.
TEMPLATE = (
    "{name}, нам очень жаль, что заказ {order} задерживается. Мы уже передали вопрос в службу доставки, "
    "курьер свяжется с вами сегодня до 18:00 и согласует удобное время."
)
ANNA = ("u-anna", "Анна Смирнова", "@anna_s", "Заказ 4471 так и не приехал, курьер не звонит. Сколько можно ждать?")
OLEG = ("u-oleg", "Олег Петров", "@oleg_p", "Где мой заказ 5120? Обещали вчера, курьер не появился")


def customer(
    services: Services, who: tuple[str, str, str, str], *, minutes: int = 0, source: str = "generic", account: str = "@volna_shop"
) -> int:
    """One customer message through ingest; returns its conversation id."""
    author_id, name, handle, text = who
    draft = replace(
        make_draft(author_id=author_id, text=text, lang="ru", minutes=minutes, source=source, account=account),
        author=Author(external_id=author_id, name=name, handle=handle),
    )
    [outcome] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    return outcome.conversation_id


def send(
    services: Services, conversation_id: int, text: str, actor: Actor, *, acknowledge: bool = False, gesture: str | None = None
) -> Reply:
    return send_reply(
        conversation_id,
        text,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        guards=services.guards,
        acknowledge=acknowledge,
        gesture=gesture,
    )


def check(
    services: Services, conversation_id: int, text: str, actor: Actor, guards: ReplyGuards | None = None, gesture: str | None = None
) -> GuardReport:
    return check_draft(
        conversation_id,
        text,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        guards=guards or services.guards,
        gesture=gesture,
    )


def advance(services: Services, **delta: float) -> None:
    clock = services.clock
    assert isinstance(clock, FixedClock)
    clock.advance(**delta)


@pytest.fixture
def actor(services: Services) -> Actor:
    return make_actor(services, email="olga@volna.test", team="Care RU")


def test_a_template_sent_twice_is_flagged_the_second_time_with_the_first_as_closest(services: Services, actor: Actor) -> None:
    anna, oleg = customer(services, ANNA), customer(services, OLEG, minutes=5)
    first_text = TEMPLATE.format(name="Анна", order="4471")
    assert check(services, anna, first_text, actor).verdict is Verdict.CLEAN  # nothing like it was sent before
    first = send(services, anna, first_text, actor)

    report = check(services, oleg, TEMPLATE.format(name="Олег", order="5120"), actor)
    assert "scripted.near_duplicate" in report.codes()
    assert report.verdict is Verdict.ACKNOWLEDGE
    assert report.scripted is not None and report.scripted.result is not None
    closest = report.scripted.result.closest[0]
    assert closest.reply_id == first.id
    assert closest.similarity >= 0.9  # only the name and the number differ, and those are masked
    assert report.scripted.result.recent == {7: 1, 30: 1}
    # The evidence is the stretches the draft shares with the earlier reply.
    [flag] = [f for f in report.flags if f.finding.key == "scripted.near_duplicate"]
    assert any("службу доставки" in span.text for span in flag.finding.spans)

    # In the agent's own words, for Oleg, it passes.
    own = "Олег, простите, что заказ 5120 не приехал вчера, как обещали. Я позвонила курьеру: он будет у вас сегодня между 15:00 и 17:00."
    assert "scripted.near_duplicate" not in check(services, oleg, own, actor).codes()


def test_a_fresh_process_builds_the_index_from_the_replies_table_and_keeps_accounts_apart(services: Services, actor: Actor) -> None:
    anna = customer(services, ANNA)
    first = send(services, anna, TEMPLATE.format(name="Анна", order="4471"), actor)
    oleg = customer(services, OLEG, minutes=5)
    other_account = customer(services, ("u-ira", "Ирина", "@ira", "Заказ 7781 не приехал, курьер не звонит"), account="@volna_msk")

    fresh = ReplyGuards(config=GuardConfig(), window=timedelta(days=30))  # another process: nothing in memory
    draft = TEMPLATE.format(name="Олег", order="5120")
    report = check(services, oleg, draft, actor, guards=fresh)
    assert report.scripted is not None and report.scripted.result is not None
    assert report.scripted.result.closest[0].reply_id == first.id
    assert fresh.indexed() == {("generic", "@volna_shop"): 1}
    # Another account of the brand has its own index: the same text is new there.
    assert "scripted.near_duplicate" not in check(services, other_account, draft, actor, guards=fresh).codes()
    assert fresh.indexed()[("generic", "@volna_msk")] == 0

    # At start a process builds the indexes of the accounts that replied within the window.
    started = ReplyGuards(config=GuardConfig())
    assert started.warm(uow_factory=services.uow, clock=services.clock) == 1
    assert started.indexed() == {("generic", "@volna_shop"): 1}

    # Replies older than the window are not read into a new index.
    advance(services, days=31)
    later = ReplyGuards(config=GuardConfig(), window=timedelta(days=30))
    assert later.warm(uow_factory=services.uow, clock=services.clock) == 0
    assert "scripted.near_duplicate" not in check(services, oleg, draft, actor, guards=later).codes()
    # A long-lived process rebuilds an index older than the window: the old reply leaves it.
    assert "scripted.near_duplicate" not in check(services, oleg, draft, actor, guards=started).codes()
    assert started.indexed()[("generic", "@volna_shop")] == 0


def test_replies_sent_by_another_process_are_caught_up(services: Services, actor: Actor) -> None:
    anna, oleg = customer(services, ANNA), customer(services, OLEG, minutes=5)
    other = ReplyGuards(config=GuardConfig(), sync_seconds=0)  # a second process, built before the reply
    assert check(services, oleg, TEMPLATE.format(name="Олег", order="5120"), actor, guards=other).verdict is not Verdict.BLOCKED
    first = send(services, anna, TEMPLATE.format(name="Анна", order="4471"), actor)  # sent through this process
    report = check(services, oleg, TEMPLATE.format(name="Олег", order="5120"), actor, guards=other)
    assert report.scripted is not None and report.scripted.result is not None
    assert report.scripted.result.closest[0].reply_id == first.id


def test_block_refuses_even_when_acknowledged_and_stores_nothing(services: Services, actor: Actor) -> None:
    services.guards = ReplyGuards(config=GuardConfig(severities=parse_severities({"scripted": "block"})))
    anna, oleg = customer(services, ANNA), customer(services, OLEG, minutes=5)
    send(services, anna, TEMPLATE.format(name="Анна", order="4471"), actor)
    with pytest.raises(GuardsRefused) as refused:
        send(services, oleg, TEMPLATE.format(name="Олег", order="5120"), actor, acknowledge=True)
    assert refused.value.status_code == 409
    assert str(refused.value).startswith("Blocked until edited: Reads like a template")
    assert refused.value.report["verdict"] == "blocked"
    assert [f["code"] for f in refused.value.report["flags"] if f["severity"] == "block"] == ["near_duplicate"]  # type: ignore[index, union-attr]
    with services.uow(write=False) as uow:
        assert uow.replies.for_conversation(oleg) == []
        conversation = uow.conversations.get(oleg)
    assert conversation is not None and conversation.status.value == "new"


def test_a_warning_needs_an_acknowledgement_which_is_recorded_with_the_reply(services: Services, actor: Actor) -> None:
    anna, oleg = customer(services, ANNA), customer(services, OLEG, minutes=5)
    send(services, anna, TEMPLATE.format(name="Анна", order="4471"), actor)
    templated = TEMPLATE.format(name="Олег", order="5120")
    with pytest.raises(GuardsRefused) as refused:
        send(services, oleg, templated, actor)
    assert "scripted.near_duplicate" in str(refused.value)
    assert "send it anyway" in str(refused.value)
    assert refused.value.report["closest_past_replies"]

    advance(services, minutes=3)
    reply = send(services, oleg, templated, actor, acknowledge=True)
    check_ = reply.check
    assert check_ is not None
    assert check_.verdict == "acknowledge"
    assert check_.near_duplicate is True
    assert check_.similarity is not None and check_.similarity >= 0.9
    assert "scripted.near_duplicate" in check_.acknowledged
    assert check_.acknowledged_by == actor.name
    assert check_.acknowledged_at == services.clock.now()
    assert check_.report["context"]["language"] == "ru"  # type: ignore[index]
    with services.uow(write=False) as uow:
        stored = uow.reply_checks.for_replies([reply.id])[reply.id]
        events = uow.events.for_conversation(oleg)
        findings = {
            r.code: r.acknowledged for r in uow.connection.execute(select(t.reply_findings).where(t.reply_findings.c.reply_id == reply.id))
        }
    assert stored == check_
    assert findings["scripted.near_duplicate"] is True
    [queued] = [e for e in events if e.kind is EventKind.REPLY_QUEUED]
    assert queued.data["guards"] == "acknowledge"
    assert "scripted.near_duplicate" in queued.data["acknowledged"]  # type: ignore[operator]

    # A clean reply carries its check, with no acknowledgement.
    clean = send(services, anna, "Анна, курьер только что подтвердил: заказ 4471 будет у вас сегодня к 16:00.", actor)
    assert clean.check is not None and clean.check.verdict == "clean"
    assert clean.check.acknowledged == () and clean.check.acknowledged_by is None


def test_the_personal_guard_lists_the_specifics_the_reply_ignores(services: Services, actor: Actor) -> None:
    conversation = customer(
        services, ("u-kasia", "Kasia Nowak", "@kasia_n", "Zamówienie 88213 przyjechało do Gdańska, a obicie sofy Lund jest rozdarte!")
    )
    generic = check(services, conversation, "Dziękujemy za wiadomość, sprawdzimy to i wrócimy z odpowiedzią.", actor)
    [flag] = [f for f in generic.flags if f.finding.key == "personal.not_personal"]
    assert flag.severity.value == "warn"
    ignored = flag.finding.details["ignored"]
    assert "88213" in ignored  # type: ignore[operator]
    assert {s.source for s in flag.finding.spans} == {"customer"}

    partial = check(services, conversation, "Pani Kasiu, bardzo przepraszamy za rozdarte obicie sofy! Kurier odbierze ją w piątek.", actor)
    [named] = [f for f in partial.flags if f.finding.key == "personal.ignored_specifics"]
    assert named.severity.value == "hint"  # the default: a nudge, not a stop
    assert "88213" in named.finding.details["ignored"]  # type: ignore[operator]


def test_a_late_answer_needs_an_apology_and_the_gesture_chosen(services: Services, actor: Actor) -> None:
    anna = customer(services, ANNA)
    advance(services, hours=30)  # past the 24 h acceptable limit
    bare = check(services, anna, "Анна, заказ 4471 привезут сегодня до 18:00, курьер уже в пути.", actor)
    assert {"late.no_apology", "late.no_gesture"} <= bare.codes()

    gesture = "промокод на 500 ₽"
    without = check(services, anna, "Анна, простите за долгое ожидание! Заказ 4471 привезут сегодня до 18:00.", actor, gesture=gesture)
    assert "late.no_apology" not in without.codes()
    [flag] = [f for f in without.flags if f.finding.key == "late.no_gesture"]
    assert gesture in flag.finding.message

    text = "Анна, простите за долгое ожидание! Заказ 4471 привезут сегодня до 18:00, а за задержку дарим промокод на 500 ₽."
    assert not {"late.no_apology", "late.no_gesture"} & check(services, anna, text, actor, gesture=gesture).codes()
    reply = send(services, anna, text, actor, gesture=f"  {gesture} ")
    assert reply.check is not None and reply.check.gesture == gesture
    assert reply.check.report["context"]["late"] is True

    with pytest.raises(InvalidPayload, match="gesture"):
        check(services, anna, text, actor, gesture="x" * 301)


def test_the_context_follows_triage_and_the_channel(services: Services, actor: Actor) -> None:
    # X allows 280 characters; the triage kind of the unanswered item asks for an apology.
    conversation = customer(services, OLEG, source="x")
    triage_pending(uow_factory=services.uow, clock=services.clock, active=services.schema)
    with services.uow(write=False) as uow:
        [item] = uow.items.for_conversation(conversation)
    correct_triage(
        item.id, kind="complaint", sentiment=None, actor=actor, uow_factory=services.uow, clock=services.clock, active=services.schema
    )
    long = "Олег, " + "заказ 5120 уже у курьера, он будет у вас сегодня до 18:00. " * 6
    report = check(services, conversation, long, actor)
    assert report.verdict is Verdict.BLOCKED  # too long for X blocks by default
    assert {"length.too_long", "empathy.no_acknowledgement"} <= report.codes()
    with pytest.raises(GuardsRefused):
        send(services, conversation, long, actor, acknowledge=True)
    # The brand's formal address in Russian is Вы: "ты" breaks it.
    informal = check(services, conversation, "Олег, прости, твой заказ 5120 приедет сегодня до 18:00, курьер тебе позвонит.", actor)
    assert "tone.address" in informal.codes()


def test_checking_needs_text_and_a_conversation(services: Services, actor: Actor) -> None:
    with pytest.raises(NotFound):
        check(services, 999_999, "Анна, заказ 4471 приедет завтра.", actor)
    conversation = customer(services, ANNA)
    with pytest.raises(InvalidPayload, match="needs some text"):
        check(services, conversation, "   ", actor)


def test_reports_count_near_duplicates_per_week_agent_and_team_and_the_guards_hits(services: Services, actor: Actor) -> None:
    piotr = make_actor(services, email="piotr@volna.test", team="Care PL")
    start = services.clock.now().date()  # Friday 2026-11-20
    # Week 1 (Mon 16 Nov): Olga sends a personal reply, then the template twice (the second over the warning).
    people = [
        ("u-1", "Анна Смирнова", "@anna_s", "Заказ 4471 так и не приехал"),
        ("u-2", "Олег Петров", "@oleg_p", "Где мой заказ 5120?"),
        ("u-3", "Ирина Ким", "@ira_k", "Заказ 6634 опаздывает на два дня"),
        ("u-4", "Павел Орлов", "@pavel_o", "Заказ 7702 не пришёл, что случилось?"),
        ("u-5", "Мария Лис", "@masha_l", "Заказ 8810 всё ещё в пути?"),
    ]
    ids = [customer(services, p, minutes=i) for i, p in enumerate(people[:3])]
    send(services, ids[0], TEMPLATE.format(name="Анна", order="4471"), actor)
    send(services, ids[1], TEMPLATE.format(name="Олег", order="5120"), actor, acknowledge=True)
    send(services, ids[2], "Ирина, заказ 6634 задержали на складе в Твери; сегодня его отгрузили, завтра до 12:00 он будет у вас.", piotr)
    # Week 2 (Mon 23 Nov): Piotr sends the template too.
    advance(services, days=4)
    ids += [customer(services, p, minutes=4 * 24 * 60 + i) for i, p in enumerate(people[3:])]
    send(services, ids[3], TEMPLATE.format(name="Павел", order="7702"), piotr, acknowledge=True)
    send(services, ids[4], "Мария, заказ 8810 приехал в пункт выдачи на Литейном, 15: он ждёт вас там до пятницы.", piotr)

    report = guards_report(date(2026, 11, 16), date(2026, 11, 29), uow_factory=services.uow)
    assert report.weeks == (date(2026, 11, 16), date(2026, 11, 23))
    assert (report.checked, report.near_duplicates, report.acknowledged) == (5, 2, 2)
    assert [(w.sent, w.near_duplicates) for w in report.desk.weeks] == [(3, 1), (2, 1)]
    agents = {row.name: [(w.sent, w.near_duplicates) for w in row.weeks] for row in report.agents}
    assert agents == {"Olga": [(2, 1), (0, 0)], "Piotr": [(1, 0), (2, 1)]}
    teams = {row.name: (row.sent, row.near_duplicates, row.share) for row in report.teams}
    assert teams == {"Care RU": (2, 1, 0.5), "Care PL": (3, 1, pytest.approx(1 / 3))}
    hits = {(h.code, h.severity): (h.replies, h.acknowledged) for h in report.hits}
    assert hits[("scripted.near_duplicate", "warn")] == (2, 2)

    # One day of week 1 only; a period with nothing in it.
    assert guards_report(start, start, uow_factory=services.uow).checked == 3
    empty = guards_report(date(2026, 10, 1), date(2026, 10, 7), uow_factory=services.uow)
    assert (empty.checked, empty.share, empty.hits, empty.agents) == (0, None, (), ())
    with pytest.raises(InvalidPayload, match="starts"):
        guards_report(date(2026, 11, 29), date(2026, 11, 16), uow_factory=services.uow)
    with pytest.raises(InvalidPayload, match="at most 366 days"):
        guards_report(date(2025, 1, 1), date(2026, 11, 16), uow_factory=services.uow)
