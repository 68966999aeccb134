"""search: postings for the PostgreSQL search backend (PostgreSQL only)

A row per stem of each document with its frequency per field, so relevance reads the query's
stems' postings (from the primary key's index) instead of every match's jsonb of frequencies.
Filled from the documents already indexed, so no rebuild is needed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 00:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _on_postgresql():
        return
    op.create_table(
        "search_postings",
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("frequencies", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.PrimaryKeyConstraint(
            "term", "seq", name=op.f("pk_search_postings"), postgresql_include=["frequencies"]
        ),
    )
    op.create_index("ix_search_postings_seq", "search_postings", ["seq"])
    op.execute(
        "INSERT INTO search_postings (term, seq, frequencies)"
        " SELECT stem.key, d.seq, ARRAY(SELECT jsonb_array_elements_text(stem.value)::int)"
        " FROM search_documents AS d CROSS JOIN jsonb_each(d.terms) AS stem"
    )


def downgrade():
    if not _on_postgresql():
        return
    op.drop_table("search_postings")
