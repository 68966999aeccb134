"""Expert profiles as search documents, only as far as each person chose to be seen.

Contact details (e-mail, phone) are never part of a document, so no snippet can show them.
Evidence from the Hub's records joins the document only where it is public and in areas the
person did not hide; a change to such a record re-indexes its people through the providers'
`dependents`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload, object_session, selectinload

from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.auth.search import person_record
from kmrg.experts.evidence import (
    EvidenceItem,
    evidence_for_search,
    registered_evidence_providers,
)
from kmrg.experts.models import AreaDecision, Expertise, ExpertLanguage, ExpertProfile
from kmrg.experts.permissions import can_view_expert_profile
from kmrg.markdown import html_to_text
from kmrg.organisations.models import Organisation
from kmrg.organisations.search import organisation_facets
from kmrg.search.registry import Audience, DocumentType, SearchDocument, registry
from kmrg.themes.models import Theme
from kmrg.themes.search import theme_values

DOC_TYPE = "expert"
EXPERT_WEIGHT = 1.05


def build_expert_document(
    profile: ExpertProfile, evidence: Sequence[EvidenceItem] | None = None
) -> SearchDocument | None:
    """Return the profile's search document, or None if it must not be found.

    `evidence` is the profile's public evidence (read from the profile's session if not given).
    """
    if profile.user is not None and profile.user.status is not AccountStatus.ACTIVE:
        return None
    if profile.visibility is ProfileVisibility.HIDDEN:
        return None
    if evidence is None:
        session = object_session(profile)
        evidence = evidence_for_search(session, [profile])[profile.id] if session else []
    audience = (
        Audience.PUBLIC if profile.visibility is ProfileVisibility.PUBLIC else Audience.MEMBERS
    )
    organisation = profile.organisation
    body = [html_to_text(profile.biography_html)]
    body += [item.name for item in profile.expertise]
    keywords = [organisation.name, organisation.code] if organisation is not None else []
    if profile.province is not None:
        keywords.append(profile.province.label)
    keywords += [language.label for language in profile.languages]
    keywords += [item.title for item in evidence]
    # Also in the body, but did-you-mean learns its words from short fields only: a public
    # expert may be the only public record that spells "sanitation" for an anonymous visitor.
    keywords += [item.name for item in profile.expertise]
    return SearchDocument(
        doc_type=DOC_TYPE,
        doc_id=str(profile.id),
        title=profile.name,
        audience=audience,
        summary=profile.headline,
        body="\n\n".join(part for part in body if part),
        keywords=" · ".join(keywords),
        facets={
            "theme": theme_values([i.theme for i in profile.expertise if i.theme is not None]),
            **organisation_facets(organisation, profile.province),
        },
        date=_date_of(profile.confirmed_at or profile.created_at),
        # A member's expert profile and member profile are one person: one result.
        record=person_record(profile.user_id) if profile.user_id is not None else "",
    )


def _date_of(when: datetime | None) -> date | None:
    return when.date() if when else None


def build_expert_documents(
    session: Session, profiles: Sequence[ExpertProfile]
) -> dict[str, SearchDocument | None]:
    """Return the documents of many loaded profiles, their evidence read in one batch."""
    evidence = evidence_for_search(session, profiles)
    return {str(p.id): build_expert_document(p, evidence.get(p.id, [])) for p in profiles}


def _load(session: Session, ids: Sequence[str]) -> dict[str, ExpertProfile]:
    numbers = [int(i) for i in ids if i.isdigit()]
    profiles = session.scalars(
        select(ExpertProfile)
        .options(
            joinedload(ExpertProfile.user).joinedload(User.organisation),
            joinedload(ExpertProfile.external_organisation),
            selectinload(ExpertProfile.expertise).joinedload(Expertise.theme),
            selectinload(ExpertProfile.language_rows),
        )
        .where(ExpertProfile.id.in_(numbers))
    )
    return {str(profile.id): profile for profile in profiles}


def _indexable_ids(session: Session) -> Iterable[str]:
    ids = session.scalars(
        select(ExpertProfile.id)
        .outerjoin(ExpertProfile.user)
        .where(
            # An external person has no account, so only their chosen visibility counts.
            ExpertProfile.user_id.is_(None) | (User.status == AccountStatus.ACTIVE),
            ExpertProfile.visibility != ProfileVisibility.HIDDEN,
        )
    )
    return (str(i) for i in ids)


def _profile_of_child(
    child: Expertise | ExpertLanguage | AreaDecision, _connection: Connection
) -> Iterable[int]:
    return [child.profile_id] if child.profile_id is not None else []


def _profile_of_user(user: User, connection: Connection) -> Iterable[int]:
    return connection.execute(
        select(ExpertProfile.id).where(ExpertProfile.user_id == user.id)
    ).scalars()


def _profiles_of_organisation(organisation: Organisation, connection: Connection) -> Iterable[int]:
    members = select(ExpertProfile.id).join(User, User.id == ExpertProfile.user_id)
    members = members.where(User.organisation_id == organisation.id)
    external = select(ExpertProfile.id).where(
        ExpertProfile.external_organisation_id == organisation.id
    )
    return connection.execute(members.union(external)).scalars()


def _profiles_with_theme(theme: Theme, connection: Connection) -> Iterable[int]:
    return connection.execute(
        select(Expertise.profile_id).where(Expertise.theme_id == theme.id).distinct()
    ).scalars()


Dependent = Callable[[Any, Connection], Iterable[int]]


def _profiles_of_users(find_user_ids: Dependent) -> Dependent:
    def find_profile_ids(obj: Any, connection: Connection) -> Iterable[int]:
        user_ids = list(find_user_ids(obj, connection))
        if not user_ids:
            return []
        return connection.execute(
            select(ExpertProfile.id).where(ExpertProfile.user_id.in_(user_ids))
        ).scalars()

    return find_profile_ids


def _either(first: Dependent, second: Dependent) -> Dependent:
    def find_both(obj: Any, connection: Connection) -> Iterable[int]:
        return {*first(obj, connection), *second(obj, connection)}

    return find_both


def _dependents() -> dict[type[Any], Dependent]:
    dependents: dict[type[Any], Dependent] = {
        Expertise: _profile_of_child,
        ExpertLanguage: _profile_of_child,
        AreaDecision: _profile_of_child,
        User: _profile_of_user,
        Organisation: _profiles_of_organisation,
        Theme: _profiles_with_theme,
    }
    # Read when the search registry settles, once every area has registered its provider.
    for provider in registered_evidence_providers():
        for model, find_user_ids in provider.settled_dependents().items():
            found = _profiles_of_users(find_user_ids)
            dependents[model] = _either(dependents[model], found) if model in dependents else found
    return dependents


def _expert_url(profile: ExpertProfile) -> str:
    return url_for("experts.show_expert", slug=profile.slug)


def register_search_documents() -> None:
    """Register expert profiles with the search engine."""
    registry.register(
        DocumentType(
            name=DOC_TYPE,
            label="Expert",
            plural="Experts",
            model=ExpertProfile,
            build=build_expert_document,
            build_many=build_expert_documents,
            load=_load,
            indexable_ids=_indexable_ids,
            can_view=can_view_expert_profile,
            url=_expert_url,
            dependents=_dependents,
            # Ahead of the same person's member profile, which then is not shown.
            weight=EXPERT_WEIGHT,
        )
    )
