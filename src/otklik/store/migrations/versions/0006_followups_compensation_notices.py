"""late replies and their compensation, follow-ups, off-hours notices

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("compensation", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("compensation_note", sa.Text(), nullable=True))

    op.create_table(
        "followups",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("conversation_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scheduled_by", sa.String(length=100), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reply_id", _ID, nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], name=op.f("fk_followups_conversation_id_conversations")),
        sa.ForeignKeyConstraint(["reply_id"], ["replies.id"], name=op.f("fk_followups_reply_id_replies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followups")),
    )
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.create_index("ix_followups_due", ["state", "due_at"], unique=False)
        batch_op.create_index("ix_followups_conversation", ["conversation_id", "state"], unique=False)

    op.create_table(
        "offhours_notices",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offhours_notices")),
        sa.UniqueConstraint("source", "target", "opens_at", name="uq_offhours_notices_once"),
    )
    with op.batch_alter_table("offhours_notices", schema=None) as batch_op:
        batch_op.create_index("ix_offhours_notices_state", ["state", "opens_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("offhours_notices", schema=None) as batch_op:
        batch_op.drop_index("ix_offhours_notices_state")
    op.drop_table("offhours_notices")
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_index("ix_followups_conversation")
        batch_op.drop_index("ix_followups_due")
    op.drop_table("followups")
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.drop_column("compensation_note")
        batch_op.drop_column("compensation")
        batch_op.drop_column("late")
