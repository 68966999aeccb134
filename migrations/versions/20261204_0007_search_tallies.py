"""search: tallies of the facet values searches were narrowed to (most-searched themes)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_tallies",
        sa.Column("facet", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=120), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("last_searched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("facet", "value", name=op.f("pk_search_tallies")),
    )


def downgrade():
    op.drop_table("search_tallies")
