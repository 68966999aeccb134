"""Case studies as evidence of expertise: published ones only, for owners, contacts and authors."""

from __future__ import annotations

from datetime import date

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import event

from kmrg.casestudies import services
from kmrg.casestudies.expert_evidence import collect_case_study_evidence
from kmrg.casestudies.models import CaseStudy, CaseStudyOwner
from kmrg.casestudies.owners import OwnerEntry
from kmrg.experts.evidence import collect_evidence, registered_evidence_providers
from tests import factories
from tests.casestudies.conftest import write_case_study
from tests.experts.conftest import make_profile

VIEWERS = ["anonymous", "member", "admin"]


@pytest.fixture
def owner(session, organisation):
    return factories.make_user(session, name="Lwazi Owner", organisation=organisation)


@pytest.fixture
def viewers(session, admin, other_organisation):
    return {
        "anonymous": AnonymousUserMixin(),
        "member": factories.make_user(session, organisation=other_organisation),
        "admin": admin,
    }


def _publish(session, case_study, champion) -> CaseStudy:
    services.submit_case_study(session, case_study.author, case_study)
    services.publish_case_study(session, champion, case_study)
    session.commit()
    return case_study


def _write(session, author, theme, **overrides) -> CaseStudy:
    return write_case_study(session, author, theme_ids=[theme.id], **overrides)


def test_a_published_case_study_is_evidence_for_its_owner_contact_and_author(
    session, member, owner, champion, theme
):
    contact = factories.make_user(session, name="Ntombi Contact")
    case_study = _write(
        session,
        member,
        theme,
        owners=[
            OwnerEntry(user=owner, role="Project manager"),
            OwnerEntry(user=contact, is_contact=True),
            OwnerEntry(external_name="Prof. Outside Hub"),
        ],
    )
    _publish(session, case_study, champion)

    found = collect_case_study_evidence(session, [member.id, owner.id, contact.id, champion.id])

    assert {user_id: [i.role for i in items] for user_id, items in found.items()} == {
        member.id: ["Wrote the case study"],
        owner.id: ["Project owner"],
        contact.id: ["Contact"],
        champion.id: [],  # the reviewer who published it did not do the work
    }
    item = found[owner.id][0]
    assert item.kind == "case_study"
    assert item.kind_label == "Case study"
    assert item.title == "Revenue collection turnaround"
    assert item.url == f"/case-studies/{case_study.slug}"
    assert item.theme_ids == (theme.id,)
    assert item.happened_on == case_study.published_at.date()
    assert item.is_public


def test_an_author_who_also_owns_it_gets_one_item_naming_both_roles(
    session, member, champion, theme
):
    case_study = _write(session, member, theme, owners=[OwnerEntry(user=member)])
    _publish(session, case_study, champion)
    items = collect_case_study_evidence(session, [member.id])[member.id]
    assert [item.role for item in items] == ["Project owner, wrote the case study"]


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "archived"])
@pytest.mark.parametrize("role", VIEWERS)
def test_unpublished_case_studies_are_never_evidence(
    session, member, owner, champion, theme, viewers, state, role
):
    case_study = _write(session, member, theme, owners=[OwnerEntry(user=owner)])
    if state != "draft":
        services.submit_case_study(session, member, case_study)
    if state == "returned":
        services.return_case_study(session, champion, case_study, "More figures, please.")
    if state == "archived":
        services.publish_case_study(session, champion, case_study)
        services.archive_case_study(session, champion, case_study)
    session.commit()
    for person in (member, owner):
        profile = make_profile(session, person)
        assert collect_evidence(session, profile, viewers[role]) == []
        # Not even the person themselves: evidence is what the Hub has published.
        assert collect_evidence(session, profile, person) == []


@pytest.mark.parametrize("role", VIEWERS)
def test_every_viewer_sees_published_case_studies_as_evidence(
    session, member, owner, champion, theme, viewers, role
):
    case_study = _write(session, member, theme, owners=[OwnerEntry(user=owner)])
    _publish(session, case_study, champion)
    profile = make_profile(session, owner)
    items = collect_evidence(session, profile, viewers[role])
    assert [(i.title, i.role) for i in items] == [
        ("Revenue collection turnaround", "Project owner")
    ]
    assert items[0].can_view(viewers[role])


def test_evidence_is_newest_first(session, member, champion, theme):
    older = _publish(session, _write(session, member, theme, title="Older work"), champion)
    newer = _publish(session, _write(session, member, theme, title="Newer work"), champion)
    older.published_at = older.published_at.replace(year=2020)
    session.commit()
    items = collect_evidence(session, make_profile(session, member), member)
    assert [i.title for i in items] == [newer.title, older.title]
    assert items[1].happened_on == date(2020, older.published_at.month, older.published_at.day)


def _dependents(model):
    provider = next(p for p in registered_evidence_providers() if p.name == "case_study")
    return provider.settled_dependents()[model]


def test_a_change_to_a_case_study_names_its_people_for_re_indexing(
    session, member, owner, champion, theme
):
    case_study = _write(session, member, theme, owners=[OwnerEntry(user=owner)])
    _publish(session, case_study, champion)
    connection = session.connection()
    assert set(_dependents(CaseStudy)(case_study, connection)) == {member.id, owner.id}
    owner_row = session.get(CaseStudyOwner, case_study.owners[0].id)
    assert list(_dependents(CaseStudyOwner)(owner_row, connection)) == [owner.id]


def test_a_replaced_author_is_named_too(session, member, owner, theme):
    case_study = _write(session, member, theme)
    found: set[int] = set()

    # Re-indexing is noted after the flush, when the old author is only in the history.
    def note(flushed, _context):
        found.update(_dependents(CaseStudy)(case_study, flushed.connection()))

    event.listen(session(), "after_flush", note)
    try:
        case_study.author_id = owner.id
        session.commit()
    finally:
        event.remove(session(), "after_flush", note)
    assert found == {member.id, owner.id}
