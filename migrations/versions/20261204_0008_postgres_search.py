"""search: the PostgreSQL search backend's index tables (PostgreSQL only)

Documents with a weighted tsvector, facets and BM25 frequencies; document frequencies per field,
field totals and the did-you-mean vocabulary (a pg_trgm index). SQLite has no use for them: the
Whoosh backend keeps its index in a folder, and KMRG_SEARCH_BACKEND=postgres refuses SQLite.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _on_postgresql():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_documents",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("doc_type", sa.Text(), nullable=False),
        sa.Column("doc_id", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("facets", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("matched", postgresql.TSVECTOR(), nullable=False),
        sa.Column("terms", postgresql.JSONB(), nullable=False),
        sa.Column("lengths", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("vocabulary", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("seq", name=op.f("uq_search_documents_seq")),
        # Rows up to a page stay whole and uncompressed: relevance reads every match's
        # frequencies, and decompressing them on each read tripled the time of a search.
        postgresql_with={"toast_tuple_target": 8160},
    )
    op.create_index(
        "ix_search_documents_matched", "search_documents", ["matched"], postgresql_using="gin"
    )
    op.create_index(
        "ix_search_documents_facets", "search_documents", ["facets"], postgresql_using="gin"
    )
    op.create_table(
        "search_terms",
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("field", sa.SmallInteger(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", "field", name=op.f("pk_search_terms")),
    )
    op.create_table(
        "search_counters",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_search_counters")),
    )
    op.create_table(
        "search_vocabulary",
        sa.Column("word", sa.Text(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_vocabulary")),
    )
    op.create_index(
        "ix_search_vocabulary_word_trigrams",
        "search_vocabulary",
        ["word"],
        postgresql_using="gin",
        postgresql_ops={"word": "gin_trgm_ops"},
    )


def downgrade():
    if not _on_postgresql():
        return
    op.drop_table("search_vocabulary")
    op.drop_table("search_counters")
    op.drop_table("search_terms")
    op.drop_table("search_documents")
    # pg_trgm stays: other objects in the database may use it, and it holds no data.
