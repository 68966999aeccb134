"""Recording audit events, called directly: no HTTP."""

from __future__ import annotations

from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.audit.queries import audit_events_query
from kmrg.audit.services import SYSTEM_ACTOR_LABEL, record_event
from kmrg.themes.models import Theme
from tests import factories


def test_an_event_names_its_actor_and_target(session, admin, organisation):
    record_event(session, admin, "organisation.renamed", organisation, "Old → New")
    session.commit()

    event = session.scalar(select(AuditEvent))
    assert event.actor is admin
    assert event.actor_label == f"Ayanda Admin <{admin.email}>"
    assert (event.action, event.target_type, event.target_id, event.target_label) == (
        "organisation.renamed",
        "organisations",
        str(organisation.id),
        "Buffalo City Metropolitan Municipality",
    )
    assert event.summary == "Old → New"
    assert event.occurred_at.tzinfo is not None


def test_the_command_line_is_the_actor_when_there_is_none(session, organisation):
    record_event(session, None, "organisation.created", organisation)
    session.commit()
    event = session.scalar(select(AuditEvent))
    assert event.actor_id is None
    assert event.actor_label == SYSTEM_ACTOR_LABEL


def test_a_new_target_is_flushed_to_get_its_id(session, admin):
    unsaved = Theme(name="Major events", slug="major-events")
    session.add(unsaved)
    event = record_event(session, admin, "theme.created", unsaved)
    assert event.target_id == str(unsaved.id)


def test_the_log_is_kept_when_the_actor_is_deleted(session, admin, organisation):
    record_event(session, admin, "organisation.retired", organisation)
    session.commit()
    session.delete(admin)
    session.commit()
    session.expire_all()

    event = session.scalar(select(AuditEvent))
    assert event.actor_id is None
    assert event.actor_label.startswith("Ayanda Admin <")


def test_the_query_filters_and_puts_the_newest_first(session, admin, member, organisation):
    theme = factories.make_theme(session)
    record_event(session, admin, "organisation.renamed", organisation)
    record_event(session, admin, "theme.created", theme)
    record_event(session, member, "organisation.renamed", organisation)
    session.commit()

    def actions(**filters):
        return [(e.action, e.actor_id) for e in session.scalars(audit_events_query(**filters))]

    assert actions() == [
        ("organisation.renamed", member.id),
        ("theme.created", admin.id),
        ("organisation.renamed", admin.id),
    ]
    assert actions(action="theme.created") == [("theme.created", admin.id)]
    assert actions(target_type="organisations", actor_id=admin.id) == [
        ("organisation.renamed", admin.id)
    ]
