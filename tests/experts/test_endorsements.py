"""Endorsement services and read functions, called directly (no HTTP)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kmrg.audit.models import AuditEvent
from kmrg.auth.models import AccountStatus
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.experts.endorsements import (
    STATEMENT_MAX_LENGTH,
    change_endorsement,
    endorsable_areas,
    endorse_expert,
    endorsement_counts,
    hide_endorsement,
    show_endorsement,
    visible_endorsements,
    withdraw_endorsement,
)
from kmrg.experts.models import Endorsement, ExpertiseLevel, area_key
from kmrg.experts.services import ExpertiseEntry, ProfileDetails, update_expert_profile
from tests import factories
from tests.experts.conftest import make_external_profile, make_profile

WORK = "We cleaned up the billing data of 40 000 accounts together in 2024."
METER = area_key(None, "Meter auditing")


@pytest.fixture
def profile(session, expert, theme):
    return make_profile(
        session,
        expert,
        expertise=[
            ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, theme=theme),
            ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, skill="Meter  Auditing"),
        ],
    )


@pytest.fixture
def colleague(session, other_organisation):
    return factories.make_user(session, name="Pieter van Wyk", organisation=other_organisation)


def endorse(session, actor, profile, key, statement=WORK):
    endorsement = endorse_expert(session, actor, profile, key, statement)
    session.commit()
    return endorsement


def count_rows(session) -> int:
    return session.scalar(select(func.count()).select_from(Endorsement))


def test_a_member_endorses_a_current_area_with_a_normalised_sentence(
    session, profile, member, theme
):
    endorsement = endorse(session, member, profile, f"theme:{theme.id}", f"  {WORK}\n\n ")
    assert endorsement.statement == WORK
    assert endorsement.area_name == "Revenue collection"
    assert endorsement.endorser == member and not endorsement.is_hidden
    events = session.scalars(select(AuditEvent.action)).all()
    assert "expert_endorsement.created" in events


def test_a_skill_is_endorsed_by_its_key_whatever_its_case(session, profile, member):
    assert [area.area_key for area in endorsable_areas(profile)][1] == METER
    endorsement = endorse(session, member, profile, METER)
    assert endorsement.skill == "Meter Auditing"
    assert endorsement.area_name == "Meter Auditing"


def test_only_the_profiles_current_areas_are_endorsed(session, profile, member, theme):
    other_theme = factories.make_theme(session, "Water loss")
    for key in (f"theme:{other_theme.id}", "skill:plumbing", "", "theme:abc"):
        with pytest.raises(ValidationError) as error:
            endorse_expert(session, member, profile, key, WORK)
        assert error.value.field == "area"
    assert count_rows(session) == 0


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("", "Say in a sentence"),
        ("   \n\t ", "Say in a sentence"),
        ("Great guy.", "at least 20 characters"),
        ("x" * (STATEMENT_MAX_LENGTH + 1), "Keep it to 500 characters"),
    ],
)
def test_a_statement_must_say_something_in_a_sentence_or_two(
    session, profile, member, statement, message
):
    with pytest.raises(ValidationError) as error:
        endorse_expert(session, member, profile, METER, statement)
    assert error.value.field == "statement"
    assert message in error.value.message
    session.rollback()
    assert count_rows(session) == 0


def test_control_characters_are_dropped_and_markdown_is_kept_as_typed(session, profile, member):
    endorsement = endorse(
        session, member, profile, METER, "We *audited*\x00 meters in\tMthatha, 2023."
    )
    assert endorsement.statement == "We *audited* meters in Mthatha, 2023."


def test_one_endorsement_per_person_per_area_with_a_clear_message(session, profile, member, theme):
    endorse(session, member, profile, METER)
    with pytest.raises(ValidationError) as error:
        endorse_expert(session, member, profile, METER, "A second sentence about the same area.")
    assert error.value.field == "area"
    assert "already endorsed Zanele Mokoena for Meter Auditing" in error.value.message
    assert "change your sentence" in error.value.message
    session.rollback()
    # Another area, and another person on the same area, are fine.
    endorse(session, member, profile, f"theme:{theme.id}")
    assert count_rows(session) == 2


def test_the_database_refuses_a_second_endorsement_of_the_same_area(session, profile, member):
    endorse(session, member, profile, METER)
    session.add(
        Endorsement(
            profile_id=profile.id,
            endorser_id=member.id,
            area_key=METER,
            skill="Meter auditing",
            statement="Slipped past the service by a race.",
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    assert count_rows(session) == 1


def test_nobody_endorses_themself(session, profile, expert):
    with pytest.raises(PermissionDenied, match="your own profile"):
        endorse_expert(session, expert, profile, METER, WORK)


def test_the_champion_keeping_an_external_profile_does_not_endorse_it(session, champion, member):
    external = make_external_profile(session, champion)
    key = area_key(None, "Property rates")
    with pytest.raises(PermissionDenied, match="your own profile"):
        endorse_expert(session, champion, external, key, WORK)
    assert endorse(session, member, external, key).profile == external


def test_people_who_may_not_see_the_profile_do_not_endorse_it(session, expert, member, applicant):
    from kmrg.auth.models import ProfileVisibility

    hidden = make_profile(session, expert, visibility=ProfileVisibility.HIDDEN)
    with pytest.raises(PermissionDenied):
        endorse_expert(session, member, hidden, METER, WORK)
    public = make_profile(session, factories.make_user(session, name="Lwazi Other"))
    with pytest.raises(PermissionDenied):
        endorse_expert(session, applicant, public, METER, WORK)


def test_the_endorser_changes_their_sentence_and_a_hidden_one_stays_hidden(
    session, profile, member, expert
):
    endorsement = endorse(session, member, profile, METER)
    hide_endorsement(session, expert, endorsement)
    change_endorsement(
        session, member, endorsement, "  We audited 2 000 meters in Mthatha together. "
    )
    session.commit()
    assert endorsement.statement == "We audited 2 000 meters in Mthatha together."
    assert endorsement.is_hidden
    with pytest.raises(ValidationError):
        change_endorsement(session, member, endorsement, "Too short.")


@pytest.mark.parametrize("who", ["expert", "colleague", "admin"])
def test_nobody_but_the_endorser_changes_or_withdraws(session, profile, member, who, request):
    endorsement = endorse(session, member, profile, METER)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        change_endorsement(session, actor, endorsement, "Words put in someone else's mouth.")
    with pytest.raises(PermissionDenied):
        withdraw_endorsement(session, actor, endorsement)
    session.rollback()
    assert session.get(Endorsement, endorsement.id).statement == WORK


def test_the_endorser_withdraws_and_may_endorse_again(session, profile, member):
    endorsement = endorse(session, member, profile, METER)
    withdraw_endorsement(session, member, endorsement)
    session.commit()
    assert count_rows(session) == 0
    endorse(session, member, profile, METER, "On second thoughts: we audited meters together.")
    assert count_rows(session) == 1


@pytest.mark.parametrize("who", ["expert", "admin"])
def test_the_expert_or_an_administrator_hides_and_shows(session, profile, member, who, request):
    endorsement = endorse(session, member, profile, METER)
    actor = request.getfixturevalue(who)
    hide_endorsement(session, actor, endorsement)
    session.commit()
    assert endorsement.is_hidden
    show_endorsement(session, actor, endorsement)
    session.commit()
    assert not endorsement.is_hidden


@pytest.mark.parametrize("who", ["member", "colleague", "champion"])
def test_others_do_not_hide_an_endorsement(session, profile, member, who, request):
    endorsement = endorse(session, member, profile, METER)
    with pytest.raises(PermissionDenied):
        hide_endorsement(session, request.getfixturevalue(who), endorsement)


def test_the_keeper_of_an_external_profile_hides_its_endorsements(
    session, champion, outsider_champion, member
):
    external = make_external_profile(session, champion)
    endorsement = endorse(session, member, external, area_key(None, "Property rates"))
    with pytest.raises(PermissionDenied):
        hide_endorsement(session, outsider_champion, endorsement)
    hide_endorsement(session, champion, endorsement)
    session.commit()
    assert endorsement.is_hidden


def test_endorsements_are_grouped_by_area_in_the_profiles_order(
    session, profile, member, colleague, theme, expert
):
    endorse(session, colleague, profile, METER)
    endorse(session, member, profile, METER, "We audited bulk meters in East London in 2022.")
    endorse(session, member, profile, f"theme:{theme.id}")
    groups = visible_endorsements(session, profile, None)
    assert [(g.name, g.count) for g in groups] == [("Revenue collection", 1), ("Meter Auditing", 2)]
    assert [e.endorser.name for e in groups[1].endorsements] == ["Pieter van Wyk", "Sipho Member"]


def test_hidden_endorsements_are_seen_only_by_the_expert_and_count_for_nothing(
    session, profile, member, colleague, expert, admin
):
    hidden = endorse(session, member, profile, METER)
    endorse(session, colleague, profile, METER)
    hide_endorsement(session, expert, hidden)
    session.commit()
    for viewer in (None, member, colleague, admin):
        shown = [e for g in visible_endorsements(session, profile, viewer) for e in g.endorsements]
        assert hidden not in shown and len(shown) == 1
    (group,) = visible_endorsements(session, profile, expert)
    assert hidden in group.endorsements and group.count == 1
    assert endorsement_counts(session, [profile.id]) == {profile.id: Counter({METER: 1})}


def test_inactive_endorsers_are_not_shown_and_do_not_count(
    session, profile, member, colleague, theme
):
    endorse(session, member, profile, METER)
    endorse(session, member, profile, f"theme:{theme.id}")
    endorse(session, colleague, profile, METER)
    member.status = AccountStatus.DISABLED
    session.commit()
    groups = visible_endorsements(session, profile, None)
    assert [(g.name, [e.endorser.name for e in g.endorsements]) for g in groups] == [
        ("Meter Auditing", ["Pieter van Wyk"])
    ]
    assert endorsement_counts(session, [profile.id]) == {profile.id: Counter({METER: 1})}


def test_an_area_the_expert_removed_is_neither_shown_nor_counted_until_it_returns(
    session, profile, member, expert, theme
):
    endorse(session, member, profile, METER)
    endorse(session, member, profile, f"theme:{theme.id}")

    def keep(*entries):
        update_expert_profile(
            session,
            expert,
            profile,
            ProfileDetails(
                headline=profile.headline, visibility=profile.visibility, expertise=entries
            ),
            expected_version=profile.version,
        )
        session.commit()

    keep(ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, theme=theme))
    assert [g.name for g in visible_endorsements(session, profile, None)] == ["Revenue collection"]
    assert endorsement_counts(session, [profile.id])[profile.id] == Counter(
        {f"theme:{theme.id}": 1}
    )
    keep(
        ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, theme=theme),
        ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, skill="meter auditing"),
    )
    assert endorsement_counts(session, [profile.id])[profile.id][METER] == 1


def test_counts_cover_every_requested_profile(session, profile, member, colleague, theme):
    other = make_profile(session, factories.make_user(session, name="Lwazi Other"))
    endorse(session, member, profile, METER)
    endorse(session, colleague, profile, METER)
    endorse(session, colleague, profile, f"theme:{theme.id}")
    counts = endorsement_counts(session, [profile.id, other.id])
    assert counts == {
        profile.id: Counter({METER: 2, f"theme:{theme.id}": 1}),
        other.id: Counter(),
    }
    assert endorsement_counts(session, []) == {}


def test_a_new_endorsement_notifies_the_expert(session, profile, expert, member, theme, outbox):
    from kmrg.notifications.models import Notification

    endorse(session, member, profile, f"theme:{theme.id}")
    [told] = session.scalars(select(Notification)).all()
    assert told.recipient_id == expert.id and told.kind == "expert_endorsed"
    assert told.text == "A new endorsement of your expertise in Revenue collection"
    assert told.excerpt == WORK
    assert told.url.endswith("#endorsements")
    assert [m["To"] for m in outbox] == [expert.email]
