"""Triage in the desk: queued by ingest, decided by the response schema, corrected by agents."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from otklik.bootstrap import Services
from otklik.domain.conversations import Priority, Status
from otklik.domain.items import Addressing
from otklik.services.ingest import ingest_items
from otklik.services.triage import activate_schema, correct_triage, export_labels, pending_count, triage_pending
from otklik.store import tables as t
from otklik.triage.schema import parse_schema
from tests.builders import make_actor, make_draft


def _triage_all(services: Services) -> int:
    done = 0
    while n := triage_pending(uow_factory=services.uow, clock=services.clock, active=services.schema):
        done += n
    return done


def _conversation(services: Services, conversation_id: int):  # type: ignore[no-untyped-def]
    with services.uow(write=False) as uow:
        conversation = uow.conversations.get(conversation_id)
    assert conversation is not None
    return conversation


def test_ingest_queues_and_the_worker_step_triages_every_item(services: Services) -> None:
    drafts = [
        make_draft(author_id="a", lang="ru", text="Заказ 77-1043 третий день не могу получить, курьер не отвечает, вы издеваетесь??"),
        make_draft(author_id="b", lang="pl", text="czy mogę zmienić adres dostawy zamówienia 55123?"),
        make_draft(author_id="c", lang="en", text="huge thanks to Sam on live chat, sorted my refund in 5 min 🙌"),
    ]
    outcomes = ingest_items(drafts, uow=services.uow(), clock=services.clock)
    assert pending_count(uow_factory=services.uow) == 3
    assert _triage_all(services) == 3
    assert pending_count(uow_factory=services.uow) == 0

    complaint = _conversation(services, outcomes[0].conversation_id)
    question = _conversation(services, outcomes[1].conversation_id)
    compliment = _conversation(services, outcomes[2].conversation_id)
    assert (complaint.kind, complaint.decision, complaint.priority) == ("complaint", "respond", Priority.HIGH)
    assert (question.kind, question.decision, question.priority) == ("question", "respond", Priority.NORMAL)
    assert (compliment.kind, compliment.decision, compliment.priority) == ("compliment", "thank", Priority.LOW)
    assert complaint.sentiment == "negative"
    assert compliment.sentiment == "positive"

    with services.uow(write=False) as uow:
        rows = {r.item_id: r for r in uow.connection.execute(select(t.triage))}
        triaged_events = uow.connection.execute(select(func.count()).select_from(t.events).where(t.events.c.kind == "triaged")).scalar_one()
    assert len(rows) == 3
    row = rows[outcomes[0].item_id]
    assert row.rule == "complaints"
    assert row.schema_version == services.schema.version
    # The evidence points at words the customer wrote.
    text = drafts[0].text
    spans = [s for e in row.evidence for s in e["spans"]]
    assert spans
    assert all(text[s["start"] : s["end"]] == s["text"] for s in spans)
    assert triaged_events == 3


def test_insults_and_spam_are_set_aside_with_a_reason_and_kept(services: Services) -> None:
    insult = make_draft(author_id="troll", lang="ru", text="вы все там дебилы и уроды")
    spam = make_draft(
        author_id="bot", lang="en", text="💰 Earn $500 a day from home with crypto, free followers, link in bio http://x.xyz/a"
    )
    outcomes = ingest_items([insult, spam], uow=services.uow(), clock=services.clock)
    _triage_all(services)
    for outcome, reason in zip(outcomes, ("insult", "spam"), strict=True):
        conversation = _conversation(services, outcome.conversation_id)
        assert conversation.status is Status.IGNORED
        assert conversation.ignore_reason is not None
        assert reason in conversation.ignore_reason
        assert "response schema" in conversation.ignore_reason
    with services.uow(write=False) as uow:
        assert uow.items.count() == 2  # P11: nothing is deleted


def test_criticism_after_a_bad_experience_is_answered_not_ignored(services: Services) -> None:
    draft = make_draft(lang="pl", text="kurwa, trzeci raz paczka zgubiona, obsługa to dno, oddajcie kasę")
    [outcome] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    _triage_all(services)
    conversation = _conversation(services, outcome.conversation_id)
    assert conversation.kind == "complaint"
    assert conversation.status is Status.NEW
    assert conversation.decision == "respond"


def test_urgent_and_outage_are_escalated(services: Services) -> None:
    urgent = make_draft(
        author_id="x", lang="en", text="my flight got cancelled and i'm stranded at the airport with two kids, nobody at the desk"
    )
    outage = make_draft(author_id="y", lang="ru", text="у всех не работает приложение банка? с утра не могу зайти")
    outcomes = ingest_items([urgent, outage], uow=services.uow(), clock=services.clock)
    _triage_all(services)
    first = _conversation(services, outcomes[0].conversation_id)
    second = _conversation(services, outcomes[1].conversation_id)
    assert first.priority is Priority.URGENT and first.decision == "escalate" and "urgent" in first.signals
    assert second.priority is Priority.URGENT and "outage" in second.signals


def test_brand_mentions_question_answered_comment_set_aside(services: Services) -> None:
    question = make_draft(
        author_id="q", lang="ru", addressing=Addressing.BRAND_MENTION, text="кто знает, СвязьТелеком даёт роуминг в Турции?"
    )
    comment = make_draft(
        author_id="c", lang="ru", addressing=Addressing.BRAND_MENTION, text="купил вчера новый телефон в ЭлектроМире, посмотрим"
    )
    outcomes = ingest_items([question, comment], uow=services.uow(), clock=services.clock)
    _triage_all(services)
    assert _conversation(services, outcomes[0].conversation_id).decision == "respond"
    assert _conversation(services, outcomes[1].conversation_id).status is Status.IGNORED


def test_the_most_urgent_unanswered_item_sets_the_conversation(services: Services) -> None:
    first = make_draft(author_id="a", lang="en", text="thanks for the quick delivery yesterday!")
    second = make_draft(
        author_id="a", lang="en", text="actually the charger inside is broken, sparks when plugged in and smells of smoke", minutes=5
    )
    ingest_items([first], uow=services.uow(), clock=services.clock)
    [outcome] = ingest_items([second], uow=services.uow(), clock=services.clock)
    _triage_all(services)
    conversation = _conversation(services, outcome.conversation_id)
    assert conversation.priority is Priority.URGENT


def test_workload_mode_sinks_compliments(services: Services, tmp_path: Path) -> None:
    text = services.schema.schema.text.replace("capacity: 40", "capacity: 1").replace(
        "decision: thank, priority: low", "decision: thank, priority: normal"
    )
    busy = activate_schema(parse_schema(text), uow_factory=services.uow, clock=services.clock)
    services.use_schema(busy)
    assert busy.version == 2
    questions = [make_draft(author_id=f"q{i}", lang="en", text=f"where is my order 4455{i}? it was due monday") for i in range(3)]
    ingest_items(questions, uow=services.uow(), clock=services.clock)
    _triage_all(services)
    [thanks] = ingest_items(
        [make_draft(author_id="fan", lang="en", text="love you guys, best coffee in town ❤️")], uow=services.uow(), clock=services.clock
    )
    _triage_all(services)
    conversation = _conversation(services, thanks.conversation_id)
    assert conversation.decision == "thank"
    assert conversation.priority is Priority.LOW  # sunk below the questions
    with services.uow(write=False) as uow:
        row = uow.connection.execute(select(t.triage).where(t.triage.c.item_id == thanks.item_id)).one()
    assert "workload high: compliments wait" in row.reasons
    assert row.schema_version == 2


def test_a_changed_schema_is_a_new_version_and_the_same_one_is_not(services: Services) -> None:
    first = services.schema
    again = activate_schema(first.schema, uow_factory=services.uow, clock=services.clock)
    assert again.version == first.version
    changed = parse_schema(first.schema.text + "\n# a comment changes the digest\n")
    assert activate_schema(changed, uow_factory=services.uow, clock=services.clock).version == first.version + 1


def test_an_agent_corrects_an_insult_to_a_complaint_and_it_comes_back(services: Services) -> None:
    actor = make_actor(services)
    draft = make_draft(author_id="angry", lang="en", text="you people are clowns")
    [outcome] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    _triage_all(services)
    assert _conversation(services, outcome.conversation_id).status is Status.IGNORED

    result = correct_triage(
        outcome.item_id,
        kind="complaint",
        sentiment="negative",
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        active=services.schema,
    )
    assert result["decision"] == "respond"
    conversation = _conversation(services, outcome.conversation_id)
    assert conversation.status is Status.OPEN
    assert conversation.kind == "complaint"
    [label] = list(export_labels(uow_factory=services.uow))
    assert label["kind"] == "complaint"
    assert label["machine_kind"] == "insult"
    assert label["text"] == draft.text
    assert label["labelled_by"] == "kasia@volna.test"


@pytest.mark.parametrize("kind", ["question", "nonsense"])
def test_corrections_refuse_bad_values_and_untriaged_items(services: Services, kind: str) -> None:
    from otklik.errors import InvalidPayload

    actor = make_actor(services)
    [outcome] = ingest_items([make_draft()], uow=services.uow(), clock=services.clock)
    with pytest.raises(InvalidPayload):
        # Not triaged yet (409), or an unknown kind (422): a clear error either way.
        correct_triage(
            outcome.item_id, kind=kind, sentiment=None, actor=actor, uow_factory=services.uow, clock=services.clock, active=services.schema
        )
