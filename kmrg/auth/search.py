"""People's profiles as search documents, only as far as each person chose to be seen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import url_for
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload

from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.auth.permissions import can_view_profile
from kmrg.organisations.models import Organisation
from kmrg.organisations.search import organisation_facets
from kmrg.search.registry import Audience, DocumentType, SearchDocument, registry

DOC_TYPE = "profile"


def person_record(user_id: int) -> str:
    """Return the record key that every search document about one person shares."""
    return f"person:{user_id}"


def build_profile_document(user: User) -> SearchDocument | None:
    """Return the person's searchable profile, or None if they are not to be found."""
    if user.status is not AccountStatus.ACTIVE:
        return None
    if user.profile_visibility is ProfileVisibility.HIDDEN:
        return None
    audience = (
        Audience.PUBLIC if user.profile_visibility is ProfileVisibility.PUBLIC else Audience.MEMBERS
    )
    organisation = user.organisation
    keywords = []
    if organisation is not None:
        keywords += [organisation.name, organisation.code, organisation.province_name]
    return SearchDocument(
        doc_type=DOC_TYPE,
        doc_id=str(user.id),
        title=user.name,
        audience=audience,
        summary=" · ".join(
            part for part in (user.job_title, organisation and organisation.name) if part
        ),
        keywords=" · ".join(keywords),
        facets=organisation_facets(organisation),
        record=person_record(user.id),
    )


def _load(session: Session, ids: Sequence[str]) -> dict[str, User]:
    numbers = [int(i) for i in ids if i.isdigit()]
    users = session.scalars(
        select(User).options(joinedload(User.organisation)).where(User.id.in_(numbers))
    )
    return {str(user.id): user for user in users}


def _indexable_ids(session: Session) -> Iterable[str]:
    ids = session.scalars(
        select(User.id).where(
            User.status == AccountStatus.ACTIVE,
            User.profile_visibility != ProfileVisibility.HIDDEN,
        )
    )
    return (str(i) for i in ids)


def _people_of_organisation(organisation: Organisation, connection: Connection) -> Iterable[int]:
    return connection.execute(
        select(User.id).where(User.organisation_id == organisation.id)
    ).scalars()


def _profile_url(user: User) -> str:
    return url_for("auth.show_person", user_id=user.id)


def register_search_documents() -> None:
    """Register people's profiles with the search engine."""
    registry.register(
        DocumentType(
            name=DOC_TYPE,
            label="Person",
            plural="People",
            model=User,
            build=build_profile_document,
            load=_load,
            indexable_ids=_indexable_ids,
            can_view=lambda viewer, user: can_view_profile(viewer, user),
            url=_profile_url,
            dependents={Organisation: _people_of_organisation},
        )
    )
