"""Which schema revision the code and a database are at."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from kmrg.models import Base


def head_revision() -> str:
    """Return the schema revision of this code: the head of its migrations."""
    heads = ScriptDirectory(current_app.extensions["migrate"].directory).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads; expected one")
    return heads[0]


def database_revision(connection: sa.Connection) -> str | None:
    """Return the schema revision the database is at (None before its first migration)."""
    return MigrationContext.configure(connection).get_current_revision()


def is_blank(connection: sa.Connection) -> bool:
    """Tell whether the database has none of the Hub's tables and no schema revision."""
    existing = set(sa.inspect(connection).get_table_names())
    return "alembic_version" not in existing and not existing & set(Base.metadata.tables)
