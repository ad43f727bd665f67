"""a reply keeps the priority, team and SLA class its conversation had when answered

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_priority", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("answered_team_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("answered_sla_class", sa.String(length=50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.drop_column("answered_sla_class")
        batch_op.drop_column("answered_team_id")
        batch_op.drop_column("answered_priority")
