"""Evidence of expertise: the provider registry, hidden areas, counts for ranking, batching."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import event, select

from kmrg.casestudies import services as case_study_services
from kmrg.experts.evidence import (
    AreaState,
    EvidenceItem,
    EvidenceProvider,
    collect_evidence,
    evidence_for_search,
    evidence_theme_counts,
    inferred_areas,
    register_evidence_provider,
    registered_evidence_providers,
    unregister_evidence_provider,
)
from kmrg.experts.models import AreaDecision, ExpertProfile
from kmrg.extensions import db
from kmrg.lessons import services as lesson_services
from tests import factories
from tests.casestudies.conftest import write_case_study
from tests.experts.conftest import make_profile


def item(title, *theme_ids, public=True, on=date(2025, 3, 1), members_only=False) -> EvidenceItem:
    """A peer-assist-like record, as a later area's provider would describe it."""
    return EvidenceItem(
        kind="peer_assist",
        kind_label="Peer assist",
        role="Helped as a peer",
        title=title,
        url=f"/peer-assists/{title.lower().replace(' ', '-')}",
        theme_ids=tuple(theme_ids),
        happened_on=on,
        is_public=public,
        # A record signed-in members may see, as a peer assist's own permission would say.
        viewable_by=(lambda viewer: bool(getattr(viewer, "is_active", False)))
        if members_only
        else None,
    )


@pytest.fixture
def records():
    """What a fake provider knows, by user id; registered for the test, then removed."""
    known: dict[int, list[EvidenceItem]] = {}
    calls: list[list[int]] = []

    def collect(_session, user_ids):
        calls.append(list(user_ids))
        return {user_id: list(known.get(user_id, [])) for user_id in user_ids}

    register_evidence_provider(EvidenceProvider("peer_assist", "Peer assists", collect))
    yield known, calls
    unregister_evidence_provider("peer_assist")


@pytest.fixture
def water(session):
    return factories.make_theme(session, "Water services")


def hide(session, profile, theme, is_hidden=True):
    session.add(AreaDecision(profile_id=profile.id, theme_id=theme.id, is_hidden=is_hidden))
    session.commit()


def test_a_registered_provider_is_collected_and_can_be_removed(session, expert, theme, records):
    known, calls = records
    known[expert.id] = [item("Billing clean-up in Mangaung", theme.id)]
    profile = make_profile(session, expert)
    assert "peer_assist" in [p.name for p in registered_evidence_providers()]
    calls.clear()  # saving the profile indexed it, and its search document collects evidence
    titles = [i.title for i in collect_evidence(session, profile, AnonymousUserMixin())]
    assert titles == ["Billing clean-up in Mangaung"]
    assert calls == [[expert.id]]

    unregister_evidence_provider("peer_assist")
    assert "peer_assist" not in [p.name for p in registered_evidence_providers()]
    assert collect_evidence(session, profile, AnonymousUserMixin()) == []


def test_the_shipped_providers_are_registered_by_the_app(app):
    names = [provider.name for provider in registered_evidence_providers()]
    assert names[:2] == ["case_study", "lesson"]


def test_evidence_is_newest_first_with_undated_records_last(session, expert, theme, records):
    known, _ = records
    known[expert.id] = [
        item("Undated", theme.id, on=None),
        item("Older", theme.id, on=date(2019, 5, 1)),
        item("Newer", theme.id, on=date(2024, 5, 1)),
    ]
    evidence = collect_evidence(session, make_profile(session, expert), expert)
    assert [i.title for i in evidence] == ["Newer", "Older", "Undated"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", ["Public"]),
        ("member", ["Members only", "Public"]),
        ("admin", ["Members only", "Public"]),
    ],
)
def test_each_item_follows_its_own_areas_permission(
    session, expert, theme, records, member, admin, role, expected
):
    known, _ = records
    known[expert.id] = [
        item("Public", theme.id, on=date(2020, 1, 1)),
        item("Members only", theme.id, public=False, members_only=True),
    ]
    viewer = {"anonymous": AnonymousUserMixin(), "member": member, "admin": admin}[role]
    profile = make_profile(session, expert)
    assert [i.title for i in collect_evidence(session, profile, viewer)] == expected
    # Search documents are public: only public records reach them.
    assert [i.title for i in evidence_for_search(session, [profile])[profile.id]] == ["Public"]


def test_an_external_profile_has_no_evidence(session, champion, theme, records):
    _known, calls = records
    profile = ExpertProfile(id=999, user_id=None, managed_by_id=champion.id, slug="external")
    assert collect_evidence(session, profile, champion) == []
    assert inferred_areas(session, profile, champion) == []
    assert evidence_for_search(session, [profile])[profile.id] == []
    assert calls == []


@pytest.mark.parametrize("role", ["anonymous", "member", "admin", "owner"])
def test_hidden_areas_vanish_for_everyone_but_the_owner(
    session, expert, theme, water, records, member, admin, role
):
    known, _ = records
    known[expert.id] = [
        item("Only revenue", theme.id, on=date(2025, 1, 1)),
        item("Revenue and water", theme.id, water.id, on=date(2024, 1, 1)),
        item("Only water", water.id, on=date(2023, 1, 1)),
    ]
    profile = make_profile(session, expert)
    hide(session, profile, water)
    viewer = {"anonymous": AnonymousUserMixin(), "member": member, "admin": admin}.get(role, expert)

    evidence = collect_evidence(session, profile, viewer)
    areas = inferred_areas(session, profile, viewer, evidence=evidence)

    if role == "owner":
        assert [(i.title, i.is_hidden) for i in evidence] == [
            ("Only revenue", False),
            ("Revenue and water", False),  # it still shows revenue work
            ("Only water", True),
        ]
        assert [(a.theme.name, a.decision) for a in areas] == [
            ("Revenue collection", AreaState.UNDECIDED),
            ("Water services", AreaState.HIDDEN),
        ]
    else:
        assert [i.title for i in evidence] == ["Only revenue", "Revenue and water"]
        assert [(a.theme.name, a.decision) for a in areas] == [
            ("Revenue collection", AreaState.UNDECIDED)
        ]
    assert [i.title for i in areas[0].items] == ["Only revenue", "Revenue and water"]
    assert [i.title for i in evidence_for_search(session, [profile])[profile.id]] == [
        "Only revenue",
        "Revenue and water",
    ]


def test_confirmed_areas_come_first_then_the_best_evidenced(session, expert, theme, water, records):
    planning = factories.make_theme(session, "Spatial planning")
    known, _ = records
    known[expert.id] = [
        item("A", theme.id),
        item("B", theme.id),
        item("C", water.id),
        item("D", planning.id),
    ]
    profile = make_profile(session, expert)
    hide(session, profile, planning, is_hidden=False)
    areas = inferred_areas(session, profile, AnonymousUserMixin())
    assert [(a.theme.name, a.decision, len(a.items)) for a in areas] == [
        ("Spatial planning", AreaState.CONFIRMED, 1),
        ("Revenue collection", AreaState.UNDECIDED, 2),
        ("Water services", AreaState.UNDECIDED, 1),
    ]
    assert areas[0].is_confirmed and areas[0].decided_at is not None


def test_theme_counts_are_per_profile_and_theme_and_drop_hidden_areas(
    session, expert, member, organisation, theme, water, records
):
    known, calls = records
    other = factories.make_user(session, organisation=organisation)
    known[expert.id] = [
        item("A", theme.id),
        item("B", theme.id, water.id),
        item("Members only", theme.id, public=False, members_only=True),
    ]
    known[other.id] = [item("C", water.id)]
    expert_profile = make_profile(session, expert)
    other_profile = make_profile(session, other)
    nothing_profile = make_profile(session, member)
    hide(session, expert_profile, water)
    profiles = [expert_profile, other_profile, nothing_profile]
    calls.clear()  # the search documents of the profiles collected evidence when saved

    public_counts = evidence_theme_counts(session, profiles, AnonymousUserMixin())
    assert public_counts == {
        expert_profile.id: Counter({theme.id: 2}),
        other_profile.id: Counter({water.id: 1}),
        nothing_profile.id: Counter(),
    }
    # Hidden areas count for nothing, even when the owner looks.
    assert evidence_theme_counts(session, profiles, expert)[expert_profile.id] == Counter(
        {theme.id: 3}
    )
    assert len(calls) == 2  # one batched call per ranking, whatever the number of profiles


def test_evidence_for_twenty_people_takes_a_bounded_number_of_queries(
    session, organisation, champion, theme, water
):
    profiles = []
    for number in range(20):
        person = factories.make_user(session, organisation=organisation)
        case_study = write_case_study(
            session, person, title=f"Project {number}", theme_ids=[theme.id]
        )
        case_study_services.submit_case_study(session, person, case_study)
        case_study_services.publish_case_study(session, champion, case_study)
        lesson = lesson_services.create_lesson(
            session,
            person,
            title=f"Lesson {number}",
            driving_event="It happened.",
            lesson="Do it this way.",
            themes=[water],
            source=("case_study", case_study.id),
        )
        session.commit()
        assert lesson.id is not None
        profiles.append(make_profile(session, person))
    hide(session, profiles[0], water)
    ids = [profile.id for profile in profiles]
    session.expunge_all()  # nothing cached: every record must be read
    profiles = list(session.scalars(select(ExpertProfile).where(ExpertProfile.id.in_(ids))))
    profiles.sort(key=lambda profile: ids.index(profile.id))
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        counts = evidence_theme_counts(session, profiles, AnonymousUserMixin())
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert counts[profiles[0].id] == Counter({theme.id: 1})
    assert all(counts[p.id] == Counter({theme.id: 1, water.id: 1}) for p in profiles[1:])
    # Case studies (3: themselves, themes, owners), lessons (3: themselves, themes, sources),
    # presentations at meetings (1, none presented), and the hidden areas: the same for 2 people
    # or 200.
    assert len(statements) <= 8, statements
