"""Conversation status rules: allowed transitions, events for every change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from otklik.domain.conversations import ACTIVE_STATUSES, TRANSITIONS, Conversation, Priority, Status, TransitionNotAllowed
from otklik.domain.events import EventKind

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def conversation(status: Status = Status.NEW, waiting_since: datetime | None = T0) -> Conversation:
    return Conversation(
        id=7,
        source="telegram",
        account="@volna_shop",
        author_external_id="u1",
        author_name="Ola Nowak",
        author_handle="@ola",
        thread_key="",
        status=status,
        priority=Priority.NORMAL,
        created_at=T0,
        updated_at=T0,
        waiting_since=waiting_since,
        last_inbound_at=T0,
    )


def test_reply_moves_active_conversation_to_waiting_and_clears_the_wait() -> None:
    changed, event = conversation(Status.NEW).record_reply(by="agent:1", at=T0 + timedelta(minutes=5))
    assert changed.status is Status.WAITING
    assert changed.waiting_since is None
    assert event is not None and event.kind is EventKind.STATUS_CHANGED and event.data == {"previous": "new", "status": "waiting"}


def test_customer_writing_again_reopens_waiting_resolved_and_ignored() -> None:
    later = T0 + timedelta(hours=3)
    for status, kind in (
        (Status.WAITING, EventKind.STATUS_CHANGED),
        (Status.RESOLVED, EventKind.REOPENED),
        (Status.IGNORED, EventKind.REOPENED),
    ):
        changed, event = conversation(status, waiting_since=None).record_inbound(created_at=later, at=later)
        assert changed.status is Status.OPEN
        assert changed.waiting_since == later
        assert event is not None and event.kind is kind and event.actor == "customer"


def test_inbound_on_an_open_conversation_keeps_the_oldest_wait() -> None:
    changed, event = conversation(Status.OPEN).record_inbound(created_at=T0 + timedelta(hours=1), at=T0 + timedelta(hours=1))
    assert changed.waiting_since == T0
    assert changed.last_inbound_at == T0 + timedelta(hours=1)
    assert event is None


def test_ignore_needs_a_reason_and_records_it() -> None:
    with pytest.raises(ValueError, match="reason"):
        conversation().ignore("   ", by="agent:1", at=T0)
    changed, event = conversation().ignore("pure insult, nothing to act on", by="agent:1", at=T0)
    assert changed.status is Status.IGNORED
    assert changed.ignore_reason == "pure insult, nothing to act on"
    assert event.data["reason"] == "pure insult, nothing to act on"


def test_transitions_not_in_the_table_are_refused() -> None:
    with pytest.raises(TransitionNotAllowed, match="resolved cannot become resolved"):
        conversation(Status.RESOLVED).resolve(by="agent:1", at=T0)
    with pytest.raises(TransitionNotAllowed):
        conversation(Status.NEW).reopen(by="agent:1", at=T0)


def test_assigning_a_new_conversation_opens_it() -> None:
    changed, event = conversation(Status.NEW).assign(3, by="agent:1", at=T0)
    assert (changed.status, changed.assignee_id) == (Status.OPEN, 3)
    assert event.data == {"previous": None, "assignee": 3}
    unassigned, _ = changed.assign(None, by="agent:1", at=T0)
    assert (unassigned.status, unassigned.assignee_id) == (Status.OPEN, None)


ACTIONS = st.sampled_from(["reply", "inbound", "resolve", "reopen", "ignore", "assign"])


@given(st.lists(ACTIONS, max_size=30))
def test_any_sequence_of_actions_keeps_the_invariants(actions: list[str]) -> None:
    """Whatever agents and customers do, the status moves only along the table, and an
    active conversation always knows since when the customer waits."""
    c = conversation()
    now = T0
    for action in actions:
        now += timedelta(minutes=1)
        before = c.status
        try:
            if action == "reply":
                c, _ = c.record_reply(by="agent:1", at=now)
            elif action == "inbound":
                c, _ = c.record_inbound(created_at=now, at=now)
            elif action == "resolve":
                c, _ = c.resolve(by="agent:1", at=now)
            elif action == "reopen":
                c, _ = c.reopen(by="agent:1", at=now)
            elif action == "ignore":
                c, _ = c.ignore("spam", by="agent:1", at=now)
            else:
                c, _ = c.assign(2, by="agent:1", at=now)
        except TransitionNotAllowed:
            assert c.status is before
            continue
        assert c.status is before or (before, c.status) in TRANSITIONS
        if c.status in ACTIVE_STATUSES:
            assert c.waiting_since is not None
            assert c.due_at == c.waiting_since
        assert c.is_active == (c.status in ACTIVE_STATUSES)


def test_resolving_or_ignoring_ends_the_wait_and_reopening_starts_a_new_one() -> None:
    resolved, _ = conversation(Status.OPEN).resolve(by="agent:1", at=T0 + timedelta(hours=1))
    assert resolved.waiting_since is None
    ignored, _ = conversation(Status.OPEN).ignore("spam", by="agent:1", at=T0)
    assert ignored.waiting_since is None
    reopened, _ = resolved.reopen(by="agent:1", at=T0 + timedelta(hours=2))
    assert reopened.waiting_since == T0 + timedelta(hours=2)
