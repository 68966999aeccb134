"""Theme services, called directly: no HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError
from kmrg.themes import services
from kmrg.themes.models import Theme
from kmrg.themes.queries import list_themes
from tests import factories


def events(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def theme(session):
    return factories.make_theme(session, "Revenue collection")


def test_an_administrator_adds_a_theme_and_it_is_audited(session, admin):
    theme = services.create_theme(
        session, admin, "  eThekwini:  One Plan ", " Joint planning in eThekwini. "
    )
    session.commit()

    assert theme.name == "eThekwini: One Plan"
    assert theme.slug == "ethekwini-one-plan"
    assert theme.description == "Joint planning in eThekwini."
    (event,) = events(session, "theme.created")
    assert event.actor_id == admin.id
    assert event.target_type == "themes"
    assert event.target_label == "eThekwini: One Plan"


@pytest.mark.parametrize("name", ["", "   ", "x" * 121, "!!!"])
def test_a_bad_name_is_refused(session, admin, name):
    with pytest.raises(ValidationError) as caught:
        services.create_theme(session, admin, name)
    assert caught.value.field == "name"


@pytest.mark.parametrize("name", ["Revenue collection", "REVENUE COLLECTION", "Revenue-collection"])
def test_a_duplicate_theme_is_refused(session, admin, theme, name):
    with pytest.raises(ValidationError) as caught:
        services.create_theme(session, admin, name)
    assert caught.value.field == "name"


@pytest.mark.parametrize("role", ["member", "champion"])
def test_only_administrators_add_themes(request, session, role):
    with pytest.raises(PermissionDenied):
        services.create_theme(session, request.getfixturevalue(role), "Mine")
    session.rollback()
    assert session.scalar(select(Theme)) is None


def test_updating_keeps_the_slug_and_is_audited(session, admin, theme):
    services.update_theme(
        session,
        admin,
        theme,
        name="Revenue enhancement",
        description="Billing and more.",
        expected_version=theme.version,
    )
    session.commit()

    assert (theme.name, theme.slug, theme.description) == (
        "Revenue enhancement",
        "revenue-collection",
        "Billing and more.",
    )
    assert theme.version == 2
    (event,) = events(session, "theme.updated")
    assert event.summary == "Revenue collection → Revenue enhancement"


def test_changing_only_the_description_says_so(session, admin, theme):
    services.update_theme(
        session, admin, theme, name=theme.name, description="New words.", expected_version=1
    )
    session.commit()
    (event,) = events(session, "theme.updated")
    assert event.summary == "Description changed"


def test_saving_without_changes_changes_nothing(session, admin, theme):
    services.update_theme(
        session, admin, theme, name=theme.name, description="", expected_version=1
    )
    session.commit()
    assert theme.version == 1
    assert events(session, "theme.updated") == []


def test_renaming_to_another_themes_name_is_refused(session, admin, theme):
    other = factories.make_theme(session, "Urban renewal")
    with pytest.raises(ValidationError) as caught:
        services.update_theme(
            session,
            admin,
            other,
            name="revenue collection",
            description="",
            expected_version=other.version,
        )
    assert caught.value.field == "name"


def test_a_stale_update_is_refused(session, admin, theme):
    services.update_theme(
        session, admin, theme, name="Revenue enhancement", description="", expected_version=1
    )
    session.commit()

    with pytest.raises(StaleEditError):
        services.update_theme(
            session, admin, theme, name="Something else", description="", expected_version=1
        )
    session.rollback()
    assert theme.name == "Revenue enhancement"


@pytest.mark.parametrize("role", ["member", "champion"])
def test_only_administrators_update_or_retire_themes(request, session, theme, role):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.update_theme(
            session, actor, theme, name="Mine", description="", expected_version=1
        )
    with pytest.raises(PermissionDenied):
        services.set_theme_retired(session, actor, theme, True)


def test_retiring_hides_a_theme_from_the_public_list_until_restored(session, admin, theme):
    services.set_theme_retired(session, admin, theme, True)
    services.set_theme_retired(session, admin, theme, True)
    session.commit()
    assert list_themes(session) == []
    assert list_themes(session, include_retired=True) == [theme]

    services.set_theme_retired(session, admin, theme, False)
    session.commit()
    assert list_themes(session) == [theme]
    assert len(events(session, "theme.retired")) == 1
    assert len(events(session, "theme.restored")) == 1


def test_the_starter_themes_are_added_once_by_the_system(session):
    added = services.ensure_starter_themes(session)
    session.commit()
    assert added == len(services.STARTER_THEMES)
    assert services.ensure_starter_themes(session) == 0
    assert all(e.actor_id is None for e in events(session, "theme.created"))
