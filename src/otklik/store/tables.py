"""SQLAlchemy Core tables. Repositories map rows to domain objects explicitly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import false

# Named constraints: Alembic's SQLite batch migrations need them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BIGINT ids on PostgreSQL, but INTEGER on SQLite so they stay rowid aliases.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], datetime | None] | None:
        """On SQLite, parse the stored UTC text straight into an aware datetime.

        The generic path parses the text, then calls ``replace(tzinfo=UTC)``, which costs about
        ten times the parse; an inbox page reads hundreds of these.
        """
        generic = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or generic is None:
            return generic
        parse = datetime.fromisoformat
        fallback = generic

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            try:
                parsed = parse(value + "+00:00")
            except (TypeError, ValueError):  # not the naive text process_bind_param writes
                return fallback(value)
            # A date alone parses as naive despite the offset: the generic path handles it.
            return parsed if parsed.tzinfo is not None else fallback(value)

        return process


teams = Table(
    "teams",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
)

agents = Table(
    "agents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(400), nullable=False),
    Column("role", String(20), nullable=False),
    Column("team_id", Id, ForeignKey("teams.id"), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agent_id", Id, ForeignKey("agents.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("secret", String(400), nullable=False),
    Column("callback_url", String(2000), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    # Per-kind settings of a channel (a bot token, polling or webhook…); may hold secrets.
    Column("config", JSON, nullable=False, server_default="{}"),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(100), nullable=False),
    Column("account", String(200), nullable=False),
    Column("author_external_id", String(200), nullable=False),
    Column("author_name", String(300), nullable=False),
    Column("author_handle", String(300), nullable=False),
    Column("thread_key", String(300), nullable=False),
    Column("status", String(20), nullable=False),
    # 1 while the conversation is in the open inbox (new/open): lets one index serve it.
    Column("active", SmallInteger, nullable=False),
    Column("priority", String(20), nullable=False),
    Column("priority_rank", SmallInteger, nullable=False),
    Column("due_at", UtcDateTime(), nullable=False),
    Column("waiting_since", UtcDateTime(), nullable=True),
    Column("last_inbound_at", UtcDateTime(), nullable=False),
    Column("assignee_id", Id, ForeignKey("agents.id"), nullable=True),
    Column("team_id", Id, ForeignKey("teams.id"), nullable=True),
    Column("language", String(10), nullable=True),
    Column("ignore_reason", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # What triage and the schema said of the customer's unanswered items (the most urgent one).
    Column("kind", String(20), nullable=True),
    Column("sentiment", String(20), nullable=True),
    Column("decision", String(20), nullable=True),
    Column("signals", String(100), nullable=False, server_default=""),
    Column("sla_class", String(50), nullable=True),  # the response schema's SLA class
    # The SLA clock (see domain/sla.py). ``due_at`` above is when the running clock's target
    # falls, or the oldest unanswered item when no clock runs; ``clock_rank`` is 0 while a
    # clock runs and 1 otherwise, so ordering by it puts conversations without a clock last.
    Column("clock_rank", SmallInteger, nullable=False, server_default="1"),
    Column("clock_kind", String(20), nullable=True),  # first_response | next_response; NULL: stopped
    Column("clock_started_at", UtcDateTime(), nullable=True),  # the customer item that started it
    Column("at_risk_50_at", UtcDateTime(), nullable=True),  # half of the target used
    Column("at_risk_80_at", UtcDateTime(), nullable=True),  # 80 % of the target used
    Column("acceptable_until", UtcDateTime(), nullable=True),  # after this an answer is late (P4)
    # The next moment a warning threshold is crossed; NULL when none is left. The worker's scan
    # reads only rows whose ``warn_at`` has passed, through its index.
    Column("warn_at", UtcDateTime(), nullable=True),
    UniqueConstraint(
        "source",
        "account",
        "author_external_id",
        "thread_key",
        name="uq_conversations_identity",
    ),
)

# The inbox reads these: each filter gets a composite index ending in the sort order (time left).
_SORT = ("clock_rank", "due_at", "id")
Index("ix_conv_inbox", conversations.c.active, *(conversations.c[c] for c in _SORT))
Index("ix_conv_status", conversations.c.status, *(conversations.c[c] for c in _SORT))
Index(
    "ix_conv_team",
    conversations.c.team_id,
    conversations.c.active,
    *(conversations.c[c] for c in _SORT),
)
Index(
    "ix_conv_assignee",
    conversations.c.assignee_id,
    conversations.c.active,
    *(conversations.c[c] for c in _SORT),
)
Index(
    "ix_conv_source",
    conversations.c.source,
    conversations.c.active,
    *(conversations.c[c] for c in _SORT),
)
Index(
    "ix_conv_language",
    conversations.c.language,
    conversations.c.active,
    *(conversations.c[c] for c in _SORT),
)

Index("ix_conv_warn_at", conversations.c.warn_at)

items = Table(
    "items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("conversation_id", Id, ForeignKey("conversations.id"), nullable=False),
    Column("source", String(100), nullable=False),
    Column("external_id", String(300), nullable=False),
    Column("author_external_id", String(200), nullable=False),
    Column("author_name", String(300), nullable=False),
    Column("author_handle", String(300), nullable=False),
    Column("author_followers", BigInteger, nullable=True),
    Column("text", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("addressing", String(20), nullable=False),
    Column("account", String(200), nullable=False),
    Column("parent_external_id", String(300), nullable=True),
    Column("url", String(2000), nullable=True),
    Column("language", String(10), nullable=True),
    Column("raw", JSON, nullable=False),
    UniqueConstraint("source", "external_id", name="uq_items_source_external_id"),
)
Index("ix_items_conversation", items.c.conversation_id, items.c.created_at)

replies = Table(
    "replies",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("conversation_id", Id, ForeignKey("conversations.id"), nullable=False),
    Column("in_reply_to_item_id", Id, ForeignKey("items.id"), nullable=True),
    Column("agent_id", Id, ForeignKey("agents.id"), nullable=True),
    Column("text", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("delivery_state", String(20), nullable=False),
    Column("idempotency_key", String(100), nullable=False, unique=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("delivered_at", UtcDateTime(), nullable=True),
    Column("external_id", String(300), nullable=True),
    # Sent past the conversation's acceptable limit (P4), and the gesture offered with it (P19):
    # a code of the brand's compensation policy and the agent's note (the voucher code…).
    Column("late", Boolean, nullable=False, server_default=false()),
    Column("compensation", String(40), nullable=True),
    Column("compensation_note", Text, nullable=True),
    # What the conversation was when answered (priority, team, SLA class): the SLA report judges
    # a first answer by the target it ran against, not by what the conversation became later.
    Column("answered_priority", String(20), nullable=True),
    Column("answered_team_id", Id, nullable=True),
    Column("answered_sla_class", String(50), nullable=True),
)
Index("ix_replies_conversation", replies.c.conversation_id, replies.c.created_at)
Index("ix_replies_external_id", replies.c.external_id)
# The guards' index is built from the recent replies; reports read replies by period.
Index("ix_replies_created", replies.c.created_at)

# What the reply guards said of each reply when it was sent, and who sent it over warnings.
reply_checks = Table(
    "reply_checks",
    metadata,
    Column("reply_id", Id, ForeignKey("replies.id"), primary_key=True, autoincrement=False),
    Column("verdict", String(20), nullable=False),  # clean | acknowledge (blocked replies are never stored)
    Column("near_duplicate", Boolean, nullable=False),  # the scripted guard flagged it: the scriptedness figure
    Column("similarity", Float, nullable=True),  # to the closest past reply, when there was one
    Column("team_id", Id, ForeignKey("teams.id"), nullable=True),  # the sender's team then
    Column("gesture", String(300), nullable=True),  # the gesture the agent chose, if any
    Column("report", JSON, nullable=False),
    Column("acknowledged_by", String(100), nullable=True),
    Column("acknowledged_at", UtcDateTime(), nullable=True),
)

# Each rule a sent reply tripped (one row per reply and rule): the guards' hit counts.
reply_findings = Table(
    "reply_findings",
    metadata,
    Column("reply_id", Id, ForeignKey("replies.id"), primary_key=True, autoincrement=False),
    Column("code", String(60), primary_key=True),  # guard.code, e.g. tone.blame
    Column("severity", String(10), nullable=False),
    Column("acknowledged", Boolean, nullable=False),  # a warning the agent sent over
)

# Outbound work the worker delivers after commit; a row per attempt series.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reply_id", Id, ForeignKey("replies.id"), nullable=False),
    Column("state", String(20), nullable=False),  # pending | done | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("claimed_until", UtcDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)
Index("ix_outbox_due", outbox.c.state, outbox.c.next_attempt_at)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("conversation_id", Id, ForeignKey("conversations.id"), nullable=True),
    Column("kind", String(40), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("data", JSON, nullable=False),
)
Index("ix_events_conversation", events.c.conversation_id, events.c.id)

# Versions of the response schema; each decision names the version that made it.
schema_versions = Table(
    "schema_versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("version", Integer, nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("loaded_at", UtcDateTime(), nullable=False),
    Column("loaded_by", String(100), nullable=False),
)

# Items waiting for triage: ingest adds them in its transaction, the worker takes them.
triage_queue = Table(
    "triage_queue",
    metadata,
    Column("item_id", Id, ForeignKey("items.id"), primary_key=True, autoincrement=False),
)

# What triage and the schema said of each item. ``kind``/``sentiment`` are in force (an
# agent's correction when there is one); ``machine_*`` keep what triage said.
triage = Table(
    "triage",
    metadata,
    Column("item_id", Id, ForeignKey("items.id"), primary_key=True, autoincrement=False),
    Column("conversation_id", Id, ForeignKey("conversations.id"), nullable=False),
    Column("language", String(10), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("sentiment", String(20), nullable=False),
    Column("machine_kind", String(20), nullable=False),
    Column("machine_sentiment", String(20), nullable=False),
    Column("kind_confidence", Float, nullable=False),
    Column("sentiment_score", Float, nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("outage", Boolean, nullable=False),
    Column("abusive", Boolean, nullable=False),
    Column("decision", String(20), nullable=False),
    Column("priority", String(20), nullable=False),
    Column("team", String(200), nullable=True),
    Column("sla", String(50), nullable=True),
    Column("rule", String(200), nullable=False),
    Column("reason", String(300), nullable=True),  # why no answer is needed, for ignore
    Column("reasons", JSON, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("triaged_at", UtcDateTime(), nullable=False),
    Column("corrected_at", UtcDateTime(), nullable=True),
)
Index("ix_triage_conversation", triage.c.conversation_id)

# Agents' corrections of triage: labelled examples, kept forever (``otklik export-labels``).
labels = Table(
    "labels",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, ForeignKey("items.id"), nullable=False),
    Column("agent_id", Id, ForeignKey("agents.id"), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("sentiment", String(20), nullable=False),
    Column("previous_kind", String(20), nullable=False),
    Column("previous_sentiment", String(20), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)
Index("ix_labels_item", labels.c.item_id)

# SLA warnings the worker raised: one row per conversation, kind and clock (the due time it
# was computed for), so each fires once, also across restarts. Each route (ui, email, webhook)
# keeps its own state: pending, done, or off when the route is not configured.
sla_warnings = Table(
    "sla_warnings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("conversation_id", Id, ForeignKey("conversations.id"), nullable=False),
    Column("kind", String(20), nullable=False),  # at_risk_50 | at_risk_80 | breached | past_limit
    Column("due_at", UtcDateTime(), nullable=False),
    Column("fired_at", UtcDateTime(), nullable=False),
    Column("audience", String(20), nullable=False),  # assignee | team | managers
    Column("assignee_id", Id, ForeignKey("agents.id"), nullable=True),
    Column("team_id", Id, ForeignKey("teams.id"), nullable=True),
    Column("ui_state", String(10), nullable=False),  # pending until someone dismisses it
    Column("email_state", String(10), nullable=False),
    Column("webhook_state", String(10), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime(), nullable=True),  # NULL once every route is settled
    Column("last_error", Text, nullable=True),
    Column("dismissed_at", UtcDateTime(), nullable=True),
    UniqueConstraint("conversation_id", "kind", "due_at", name="uq_sla_warnings_once"),
)
Index("ix_sla_warnings_next_attempt", sla_warnings.c.next_attempt_at)
Index("ix_sla_warnings_ui", sla_warnings.c.ui_state, sla_warnings.c.id)

# Follow-ups (P18): a note due some days after a resolution. At most one pending per
# conversation; the inbox's view reads the pending ones by due time.
followups = Table(
    "followups",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("conversation_id", Id, ForeignKey("conversations.id"), nullable=False),
    Column("kind", String(20), nullable=False),  # the triage kind it was scheduled for
    Column("due_at", UtcDateTime(), nullable=False),
    Column("state", String(20), nullable=False),  # pending | done | skipped | cancelled
    Column("scheduled_at", UtcDateTime(), nullable=False),
    Column("scheduled_by", String(100), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("closed_by", String(100), nullable=True),
    Column("reason", Text, nullable=True),  # why it was skipped or cancelled
    Column("reply_id", Id, ForeignKey("replies.id"), nullable=True),  # the note, when done
)
Index("ix_followups_due", followups.c.state, followups.c.due_at)
Index("ix_followups_conversation", followups.c.conversation_id, followups.c.state)

# Off-hours notices (P15): one row per target and closed period (named by when it ends),
# so a notice is published once per closing and taken down at opening, across restarts.
offhours_notices = Table(
    "offhours_notices",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(100), nullable=False),
    Column("target", String(300), nullable=False),  # where it is posted: a chat, a page
    Column("opens_at", UtcDateTime(), nullable=False),
    Column("text", Text, nullable=False),
    # pending | publishing | pinned | removing | removed | expired | unsupported | failed
    Column("state", String(20), nullable=False),
    Column("external_id", String(300), nullable=True),  # the post, once published
    Column("created_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Column("removed_at", UtcDateTime(), nullable=True),
    Column("claimed_until", UtcDateTime(), nullable=True),  # a worker is talking to the platform
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    UniqueConstraint("source", "target", "opens_at", name="uq_offhours_notices_once"),
)
Index("ix_offhours_notices_state", offhours_notices.c.state, offhours_notices.c.opens_at)
