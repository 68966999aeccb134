"""Ranking the expert directory: the pure rules, then the same rules through the real data.

Evidence (Hub records) and endorsements in the requested area come first, a bare claim after,
and nothing the viewer may not see counts.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from flask_login import AnonymousUserMixin

from kmrg.casestudies import services as case_study_services
from kmrg.experts import directory, endorsements
from kmrg.experts.evidence import (
    EvidenceItem,
    EvidenceProvider,
    evidence_theme_counts,
    register_evidence_provider,
    unregister_evidence_provider,
    visible_evidence,
)
from kmrg.experts.models import AreaDecision, ExpertiseLevel
from kmrg.experts.queries import ExpertFilters
from kmrg.experts.ranking import (
    Candidate,
    Claim,
    EndorsementTally,
    EvidenceTally,
    TextMatch,
    find_text_matches,
    rank,
    terms_of_words,
    why_matched,
)
from kmrg.experts.services import ExpertiseEntry
from kmrg.search.snippets import highlight
from tests import factories
from tests.casestudies.conftest import write_case_study
from tests.experts.conftest import make_profile

AUTHORITY = ExpertiseLevel.AUTHORITY
PRACTITIONER = ExpertiseLevel.PRACTITIONER
WORKING = ExpertiseLevel.WORKING_KNOWLEDGE
AREA = "Revenue collection"


def person(name, **values) -> Candidate:
    return Candidate(profile_id=abs(hash(name)) % 10_000, name=name, **values)


def names(candidates) -> list[str]:
    return [candidate.name for candidate in rank(candidates)]


# The rules, as pure functions.


def test_evidence_beats_a_bare_claim_even_an_authoritative_one():
    claimer = person("Aaron Claims", claims=(Claim(AREA, AUTHORITY),))
    doer = person(
        "Zodwa Did",
        evidence=(EvidenceTally(AREA, "Case study", 1),),
        claims=(Claim(AREA, WORKING),),
    )
    assert names([claimer, doer]) == ["Zodwa Did", "Aaron Claims"]


def test_evidence_without_any_claim_still_beats_a_bare_claim():
    claimer = person("Aaron Claims", claims=(Claim(AREA, AUTHORITY),))
    doer = person("Zodwa Did", evidence=(EvidenceTally(AREA, "Lesson", 1),))
    assert names([claimer, doer]) == ["Zodwa Did", "Aaron Claims"]


def test_endorsements_beat_a_bare_claim_and_a_bare_claim_beats_nothing():
    nothing = person("Aaron Nothing", text_score=99.0)
    claimer = person("Bongi Claims", claims=(Claim(AREA, PRACTITIONER),))
    endorsed = person(
        "Zodwa Endorsed",
        endorsements=(EndorsementTally(AREA, 1),),
        claims=(Claim(AREA, WORKING),),
    )
    assert names([nothing, claimer, endorsed]) == [
        "Zodwa Endorsed",
        "Bongi Claims",
        "Aaron Nothing",
    ]


def test_more_corroboration_ranks_higher():
    one = person("Aaron One", evidence=(EvidenceTally(AREA, "Case study", 1),))
    three = person(
        "Zodwa Three",
        evidence=(EvidenceTally(AREA, "Case study", 1),),
        endorsements=(EndorsementTally(AREA, 2),),
    )
    assert names([one, three]) == ["Zodwa Three", "Aaron One"]


@pytest.mark.parametrize(
    ("higher", "lower"),
    [(AUTHORITY, PRACTITIONER), (PRACTITIONER, WORKING), (AUTHORITY, WORKING)],
)
def test_a_higher_claimed_level_ranks_above_a_lower_one(higher, lower):
    low = person("Aaron Low", claims=(Claim(AREA, lower),), text_score=5.0)
    high = person("Zodwa High", claims=(Claim(AREA, higher),))
    assert names([low, high]) == ["Zodwa High", "Aaron Low"]


def test_then_text_relevance_then_name():
    assert names(
        [
            person("Carol", text_score=1.0),
            person("bongani", text_score=1.0),
            person("Anele", text_score=0.5),
            person("Zinhle", text_score=3.0),
        ]
    ) == ["Zinhle", "bongani", "Carol", "Anele"]


@pytest.mark.parametrize(
    ("candidate", "reasons"),
    [
        (person("Nobody"), []),
        (
            person(
                "Thabo",
                text_matches=(TextMatch(("revenue",), ("expertise", "biography")),),
                evidence=(
                    EvidenceTally(AREA, "Case study", 2),
                    EvidenceTally(AREA, "Lesson", 1),
                ),
                endorsements=(EndorsementTally(AREA, 3),),
                claims=(Claim(AREA, AUTHORITY),),
            ),
            [
                "Matched “revenue” in expertise and biography",
                "2 case studies on Revenue collection",
                "1 lesson on Revenue collection",
                "Endorsed by 3 peers for Revenue collection",
                "Says: Authority in Revenue collection",
            ],
        ),
        (
            person(
                "Lindiwe",
                text_matches=(
                    TextMatch(("revenue", "collection"), ("headline",)),
                    TextMatch(("rates",), ("name", "expertise", "evidence")),
                ),
                endorsements=(EndorsementTally("Property rates", 1),),
            ),
            [
                "Matched “revenue”, “collection” and “rates” in name, headline, expertise "
                "and evidence",
                "Endorsed by 1 peer for Property rates",
            ],
        ),
        (
            person(
                "Sipho",
                evidence=(EvidenceTally("Water services", "Peer assist", 4),),
                claims=(Claim(AREA, WORKING), Claim("Water services", PRACTITIONER)),
            ),
            [
                "4 peer assists on Water services",
                "Says: Working knowledge in Revenue collection; Practitioner in Water services",
            ],
        ),
    ],
)
def test_why_matched_says_it_in_words(candidate, reasons):
    assert why_matched(candidate) == reasons


def fake_highlight(text: str, terms: frozenset[str]) -> str:
    """Mark whole words equal to a term, as the engine would without stemming."""
    return re.sub(
        r"\w+",
        lambda m: f"<mark>{m.group()}</mark>" if m.group().lower() in terms else m.group(),
        text,
    )


def test_text_matches_group_words_by_the_places_they_were_found():
    word_terms = terms_of_words(
        ["revenue", "the", "rates"], frozenset({"revenue", "rates"}), fake_highlight
    )
    assert word_terms == {"revenue": frozenset({"revenue"}), "rates": frozenset({"rates"})}
    places = [
        ("name", "Nandi Dube"),
        ("headline", "Revenue and rates"),
        ("biography", "Years of revenue work"),
        ("organisation", ""),
    ]
    assert find_text_matches(word_terms, places, fake_highlight) == (
        TextMatch(("revenue",), ("headline", "biography")),
        TextMatch(("rates",), ("headline",)),
    )


def test_text_matches_use_the_engines_stemming(app):
    word_terms = terms_of_words(["collections"], frozenset({"collect"}), highlight)
    places = [("headline", "Collecting rates"), ("biography", "Nothing here")]
    assert find_text_matches(word_terms, places, highlight) == (
        TextMatch(("collections",), ("headline",)),
    )


# The same rules through the real directory.


@pytest.fixture
def water(session):
    return factories.make_theme(session, "Water services")


@pytest.fixture
def records():
    """A later area's evidence provider (peer assists), registered for the test only."""
    known: dict[int, list[EvidenceItem]] = {}
    register_evidence_provider(
        EvidenceProvider(
            "peer_assist",
            "Peer assists",
            lambda _session, user_ids: {u: list(known.get(u, [])) for u in user_ids},
        )
    )
    yield known
    unregister_evidence_provider("peer_assist")


def peer_assist(title, *theme_ids, members_only=False) -> EvidenceItem:
    return EvidenceItem(
        kind="peer_assist",
        kind_label="Peer assist",
        role="Helped as a peer",
        title=title,
        url="/peer-assists/x",
        theme_ids=tuple(theme_ids),
        happened_on=date(2025, 3, 1),
        is_public=not members_only,
        viewable_by=(lambda viewer: bool(getattr(viewer, "is_active", False)))
        if members_only
        else None,
    )


def expert_with(session, organisation, name, theme=None, level=PRACTITIONER, **overrides):
    user = factories.make_user(session, name=name, organisation=organisation)
    expertise = [ExpertiseEntry(level=level, theme=theme)] if theme is not None else []
    return make_profile(session, user, expertise=expertise, **overrides)


def search(session, viewer=None, **filters):
    return directory.search_experts(
        session, ExpertFilters(**filters), viewer or AnonymousUserMixin()
    )


def ranked(session, viewer=None, **filters) -> list[str]:
    return [result.profile.name for result in search(session, viewer, **filters).results]


def publish_case_study(session, author, champion, title, theme):
    case_study = write_case_study(session, author, title=title, theme_ids=[theme.id])
    case_study_services.submit_case_study(session, author, case_study)
    case_study_services.publish_case_study(session, champion, case_study)
    session.commit()
    return case_study


def test_a_person_with_a_published_case_study_beats_an_authority_who_only_says_so(
    session, organisation, champion, theme
):
    expert_with(session, organisation, "Aaron Claims", theme, AUTHORITY)
    doer = expert_with(session, organisation, "Zodwa Did", theme, WORKING)
    publish_case_study(session, doer.user, champion, "Billing turnaround in Buffalo City", theme)
    page = search(session, theme=theme.slug)
    assert [r.profile.name for r in page.results] == ["Zodwa Did", "Aaron Claims"]
    assert page.results[0].reasons == [
        "1 case study on Revenue collection",
        "Says: Working knowledge in Revenue collection",
    ]
    assert page.results[1].reasons == ["Says: Authority in Revenue collection"]


def test_the_free_text_naming_a_theme_ranks_by_that_theme(session, organisation, champion, theme):
    expert_with(session, organisation, "Aaron Claims", theme, AUTHORITY)
    doer = expert_with(session, organisation, "Zodwa Did", theme, WORKING)
    publish_case_study(session, doer.user, champion, "Billing turnaround", theme)
    page = search(session, text="revenue collection")
    assert [r.profile.name for r in page.results] == ["Zodwa Did", "Aaron Claims"]
    assert page.areas == ["Revenue collection"]
    assert "1 case study on Revenue collection" in page.results[0].reasons


def test_evidence_alone_puts_a_person_under_the_theme(session, organisation, records, theme):
    doer = expert_with(session, organisation, "Zodwa Did")  # claims nothing
    records[doer.user_id] = [peer_assist("Tariff review in Mangaung", theme.id)]
    expert_with(session, organisation, "Aaron Elsewhere")
    assert ranked(session, theme=theme.slug) == ["Zodwa Did"]


def test_endorsements_beat_a_bare_claim(session, organisation, theme, member):
    expert_with(session, organisation, "Aaron Claims", theme, AUTHORITY)
    endorsed = expert_with(session, organisation, "Zodwa Endorsed", theme, WORKING)
    endorsements.endorse_expert(
        session, member, endorsed, f"theme:{theme.id}", "We rebuilt the billing system together."
    )
    session.commit()
    page = search(session, theme=theme.slug)
    assert [r.profile.name for r in page.results] == ["Zodwa Endorsed", "Aaron Claims"]
    assert "Endorsed by 1 peer for Revenue collection" in page.results[0].reasons


def test_a_hidden_endorsement_counts_for_nothing_and_is_not_mentioned(
    session, organisation, theme, member
):
    expert_with(session, organisation, "Aaron Claims", theme, AUTHORITY)
    endorsed = expert_with(session, organisation, "Zodwa Endorsed", theme, WORKING)
    endorsement = endorsements.endorse_expert(
        session, member, endorsed, f"theme:{theme.id}", "We rebuilt the billing system together."
    )
    endorsements.hide_endorsement(session, endorsed.user, endorsement)
    session.commit()
    page = search(session, member, theme=theme.slug)
    assert [r.profile.name for r in page.results] == ["Aaron Claims", "Zodwa Endorsed"]
    assert not any("Endorsed" in reason for r in page.results for reason in r.reasons)


def test_evidence_in_a_hidden_area_counts_for_nothing(session, organisation, records, theme):
    expert_with(session, organisation, "Aaron Claims", theme, AUTHORITY)
    doer = expert_with(session, organisation, "Zodwa Did", theme, WORKING)
    records[doer.user_id] = [peer_assist("Tariff review in Mangaung", theme.id)]
    assert ranked(session, theme=theme.slug) == ["Zodwa Did", "Aaron Claims"]
    session.add(AreaDecision(profile_id=doer.id, theme_id=theme.id, is_hidden=True))
    session.commit()
    page = search(session, theme=theme.slug)
    assert [r.profile.name for r in page.results] == ["Aaron Claims", "Zodwa Did"]
    assert page.results[1].reasons == ["Says: Working knowledge in Revenue collection"]


def test_evidence_the_viewer_may_not_see_counts_for_nothing(
    session, organisation, records, theme, member
):
    expert_with(session, organisation, "Aaron Claims", theme, AUTHORITY)
    doer = expert_with(session, organisation, "Zodwa Did", theme, WORKING)
    records[doer.user_id] = [peer_assist("Tariff review", theme.id, members_only=True)]
    assert ranked(session, theme=theme.slug) == ["Aaron Claims", "Zodwa Did"]
    page = search(session, member, theme=theme.slug)
    assert [r.profile.name for r in page.results] == ["Zodwa Did", "Aaron Claims"]
    assert "1 peer assist on Revenue collection" in page.results[0].reasons


def test_evidence_in_another_theme_does_not_count(session, organisation, records, theme, water):
    expert_with(session, organisation, "Aaron Claims", theme, AUTHORITY)
    doer = expert_with(session, organisation, "Zodwa Did", theme, WORKING)
    records[doer.user_id] = [peer_assist("Leak repairs", water.id)]
    assert ranked(session, theme=theme.slug) == ["Aaron Claims", "Zodwa Did"]


def test_the_directorys_evidence_counts_agree_with_the_evidence_module(
    session, organisation, champion, records, theme, water, member
):
    doer = expert_with(session, organisation, "Zodwa Did", theme)
    publish_case_study(session, doer.user, champion, "Billing turnaround", theme)
    records[doer.user_id] = [
        peer_assist("Leak repairs", water.id, theme.id),
        peer_assist("Members-only review", theme.id, members_only=True),
    ]
    session.add(AreaDecision(profile_id=doer.id, theme_id=water.id, is_hidden=True))
    session.commit()
    for viewer in (AnonymousUserMixin(), member):
        mine = visible_evidence(session, [doer], viewer)[doer.id].tallies()
        by_theme: Counter[int] = Counter()
        for (theme_id, _kind), count in mine.items():
            by_theme[theme_id] += count
        assert by_theme == evidence_theme_counts(session, [doer], viewer)[doer.id]


def test_signals_are_pluggable(session, organisation, theme):
    aaron = expert_with(session, organisation, "Aaron Claims", theme, AUTHORITY)
    zodwa = expert_with(session, organisation, "Zodwa Other", theme, WORKING)
    signals = directory.Signals(
        evidence=lambda _s, _profiles, _viewer: {},
        endorsements=lambda _s, ids: {zodwa.id: Counter({f"theme:{theme.id}": 5})},
    )
    page = directory.search_experts(
        session, ExpertFilters(theme=theme.slug), AnonymousUserMixin(), signals=signals
    )
    assert [r.profile.id for r in page.results] == [zodwa.id, aaron.id]
    assert "Endorsed by 5 peers for Revenue collection" in page.results[0].reasons


def test_reasons_name_only_evidence_the_viewer_may_see(
    session, organisation, records, theme, member
):
    doer = expert_with(session, organisation, "Zodwa Did", headline="Tariff modelling")
    records[doer.user_id] = [peer_assist("Tariff review in Mangaung", theme.id, members_only=True)]
    public = search(session, text="tariff")
    assert public.results[0].reasons == ["Matched “tariff” in headline"]
    members = search(session, member, text="tariff")
    assert members.results[0].reasons == ["Matched “tariff” in headline and evidence"]


def test_a_skill_the_free_text_names_ranks_those_who_claim_it(session, organisation, member):
    expert_with(session, organisation, "Aaron Mentions", headline="Valuation roll objections")
    claimer = factories.make_user(session, name="Zodwa Claims", organisation=organisation)
    make_profile(
        session,
        claimer,
        headline="Property rates",
        expertise=[ExpertiseEntry(level=PRACTITIONER, skill="Valuation roll")],
    )
    page = search(session, text="valuation roll")
    assert [r.profile.name for r in page.results] == ["Zodwa Claims", "Aaron Mentions"]
    assert page.areas == ["Valuation roll"]
    assert "Says: Practitioner in Valuation roll" in page.results[0].reasons
