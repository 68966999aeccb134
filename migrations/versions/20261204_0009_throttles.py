"""auth: throttles, attempt counts shared by every worker process (sign-in, look-ups)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 22:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "throttles",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_throttles")),
    )
    with op.batch_alter_table("throttles", schema=None) as batch_op:
        batch_op.create_index("ix_throttles_scope_last_at", ["scope", "last_at"], unique=False)


def downgrade():
    with op.batch_alter_table("throttles", schema=None) as batch_op:
        batch_op.drop_index("ix_throttles_scope_last_at")
    op.drop_table("throttles")
