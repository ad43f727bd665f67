"""SLA clock on conversations, inbox ordered by time left, sla_warnings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Index name → the columns before the sort key.
_INBOX = {
    "ix_conv_inbox": ["active"],
    "ix_conv_status": ["status"],
    "ix_conv_team": ["team_id", "active"],
    "ix_conv_assignee": ["assignee_id", "active"],
    "ix_conv_source": ["source", "active"],
    "ix_conv_language": ["language", "active"],
}


def _reindex(sort: list[str]) -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        for name, prefix in _INBOX.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [*prefix, *sort], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock_rank", sa.SmallInteger(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("clock_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("clock_started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("at_risk_50_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("at_risk_80_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("acceptable_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("warn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_conv_warn_at", ["warn_at"], unique=False)
    # The inbox is ordered by time left: running clocks first, soonest due first.
    _reindex(["clock_rank", "due_at", "id"])

    op.create_table(
        "sla_warnings",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("conversation_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", _ID, nullable=True),
        sa.Column("team_id", _ID, nullable=True),
        sa.Column("ui_state", sa.String(length=10), nullable=False),
        sa.Column("email_state", sa.String(length=10), nullable=False),
        sa.Column("webhook_state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["assignee_id"], ["agents.id"], name=op.f("fk_sla_warnings_assignee_id_agents")),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], name=op.f("fk_sla_warnings_conversation_id_conversations")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_sla_warnings_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_warnings")),
        sa.UniqueConstraint("conversation_id", "kind", "due_at", name="uq_sla_warnings_once"),
    )
    with op.batch_alter_table("sla_warnings", schema=None) as batch_op:
        batch_op.create_index("ix_sla_warnings_next_attempt", ["next_attempt_at"], unique=False)
        batch_op.create_index("ix_sla_warnings_ui", ["ui_state", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sla_warnings", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_warnings_ui")
        batch_op.drop_index("ix_sla_warnings_next_attempt")
    op.drop_table("sla_warnings")
    _reindex(["priority_rank", "due_at", "id"])
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conv_warn_at")
        for column in ("warn_at", "acceptable_until", "at_risk_80_at", "at_risk_50_at", "clock_started_at", "clock_kind", "clock_rank"):
            batch_op.drop_column(column)
