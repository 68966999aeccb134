"""Readable unique slugs that stay unique when several people create the same title at once.

Looking for a free slug and inserting it are two statements: on PostgreSQL two transactions can
both see "revenue-collection" free and both insert it, and the second fails on the unique
constraint (19 of 160 creations by four people at once did, and lost what they typed). So the
insert runs in a savepoint, and when it fails because the slug was taken meanwhile, the next free
one is tried. SQLite never gets there: its writers take turns (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kmrg.exceptions import ValidationError

# Each attempt loses only to a creation that committed meanwhile, so this many in a row means
# dozens of people saving the same title in the same moment.
MAX_ATTEMPTS = 10
_SUFFIX_ROOM = 11  # "-" and up to ten digits


def free_slug(session: Session, column: Any, base: str, reserved: Collection[str] = ()) -> str:
    """Return `base`, or `base-2`, `base-3`…: the first neither stored in `column` nor reserved.

    Suffixed slugs are shortened to fit the column.
    """
    max_length = getattr(column.type, "length", None) or 200
    stem = base[: max_length - _SUFFIX_ROOM]
    taken = set(session.scalars(select(column).where(column.like(f"{stem}%")))) | set(reserved)
    candidate, number = base[:max_length], 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


def add_with_free_slug(
    session: Session,
    record: Any,
    base: str,
    *,
    reserved: Collection[str] = (),
    field: str = "title",
) -> None:
    """Give `record` the first free slug made from `base`, add it and flush it.

    Raises ValidationError on `field` if the slug was taken by someone else MAX_ATTEMPTS times
    running (the view keeps the form, so nothing typed is lost); any other integrity error
    propagates.
    """
    column = type(record).slug
    for _attempt in range(MAX_ATTEMPTS):
        record.slug = free_slug(session, column, base, reserved)
        try:
            with session.begin_nested():
                session.add(record)
                session.flush()
        except IntegrityError:
            # Only a slug someone committed meanwhile is ours to retry; anything else is a bug.
            if not session.scalar(select(exists().where(column == record.slug))):
                raise
        else:
            return
    raise ValidationError(
        "Several people are saving the same title at this moment. Save again in a moment.", field
    )
