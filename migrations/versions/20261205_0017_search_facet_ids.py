"""search: facet values as integer ids for the PostgreSQL search backend (PostgreSQL only)

Each facet token (`theme=water`) gets a number in `search_facet_terms`, and each document keeps
its tokens' numbers in `facet_ids` (int4[]) beside the text `facets` the filters still use:
counting the facets of a word in most documents unnested some 650,000 text values at 100,000
documents, and integers group far faster. Filled from the documents already indexed, so no
rebuild is needed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 02:30:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _on_postgresql():
        return
    op.create_table(
        "search_facet_terms",
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_facet_terms")),
        sa.UniqueConstraint("term", name=op.f("uq_search_facet_terms_term")),
    )
    op.add_column(
        "search_documents",
        sa.Column(
            "facet_ids",
            postgresql.ARRAY(sa.Integer()),
            nullable=False,
            # Only for the rows already there, filled below; the writer always gives the ids.
            server_default=sa.text("'{}'::integer[]"),
        ),
    )
    op.alter_column("search_documents", "facet_ids", server_default=None)
    op.execute(
        "INSERT INTO search_facet_terms (term)"
        " SELECT DISTINCT term FROM search_documents CROSS JOIN unnest(facets) AS term ORDER BY 1"
    )
    op.execute(
        "UPDATE search_documents AS d SET facet_ids = ARRAY("
        "SELECT f.id FROM unnest(d.facets) WITH ORDINALITY AS t(term, n)"
        " JOIN search_facet_terms AS f ON f.term = t.term ORDER BY t.n)"
    )


def downgrade():
    if not _on_postgresql():
        return
    op.drop_column("search_documents", "facet_ids")
    op.drop_table("search_facet_terms")
