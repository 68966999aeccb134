"""Free slugs: readable, fitted to their column, and retried when taken meanwhile."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg import slugs
from kmrg.exceptions import ValidationError
from kmrg.themes.models import Theme


def add_theme(session, slug: str) -> Theme:
    theme = Theme(name=f"Theme {slug[:60]}", slug=slug)
    session.add(theme)
    session.commit()
    return theme


def test_the_first_free_slug_is_the_base_then_numbered(session):
    assert slugs.free_slug(session, Theme.slug, "water") == "water"
    add_theme(session, "water")
    add_theme(session, "water-2")
    assert slugs.free_slug(session, Theme.slug, "water") == "water-3"
    assert slugs.free_slug(session, Theme.slug, "new", reserved={"new"}) == "new-2"


def test_a_numbered_slug_still_fits_its_column(session):
    longest = "a" * 80  # Theme.slug holds 80 characters
    add_theme(session, longest)
    slug = slugs.free_slug(session, Theme.slug, longest)
    assert slug == "a" * 78 + "-2"


def test_a_slug_taken_every_time_ends_in_a_message_for_the_form(session, monkeypatch):
    add_theme(session, "water")
    # Someone else always takes the slug between the look and the insert.
    monkeypatch.setattr(slugs, "free_slug", lambda *args: "water")
    with pytest.raises(ValidationError) as error:
        slugs.add_with_free_slug(session, Theme(name="Water again"), "water", field="name")
    assert error.value.field == "name"
    assert "Save again" in error.value.message
    session.rollback()
    assert list(session.scalars(select(Theme.slug))) == ["water"]
