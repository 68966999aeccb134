"""How a viewer sees a person: the one decision every page, list and feed that names someone uses.

A person's name, organisation, role and contact details are personal information (POPIA): the
person chooses who sees them (`User.profile_visibility`), and `can_view_profile` applies that
choice. Where the viewer may not see the profile, the person is shown as "a member of the
network", never "a member from <organisation>": the visibility the person chose covers their
organisation too (see ProfileVisibility), and in a municipality with one KM champion or a handful
of members the organisation alone, next to what the record says, points at the person.

The one exception is a person who addressed the viewer themself (wrote to them, endorsed their
profile): they were told the viewer would see their name and organisation, so the viewer does,
without a link to a profile they may not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kmrg.auth.models import User
from kmrg.auth.permissions import can_view_profile
from kmrg.organisations.models import Organisation

ANONYMOUS_LABEL = "a member of the network"
# The account is gone (its records keep a NULL where the person was).
FORMER_MEMBER_LABEL = "a former member"


@dataclass(frozen=True)
class PersonShown:
    """What a viewer is shown of a person: a name (or a label standing in for one), and more."""

    text: str
    is_named: bool
    # Set only where the person is named: their organisation, and their profile when it may open.
    organisation: Organisation | None = None
    profile_user_id: int | None = None


def describe_person(
    viewer: Any, person: User | None, *, addressed_to_viewer: bool = False
) -> PersonShown:
    """Decide how `viewer` sees `person`: named with a link, named, or as an anonymous label.

    `addressed_to_viewer` is for a person who deliberately addressed the viewer (a message, an
    endorsement of the viewer's profile): named even where the viewer may not open their profile.
    """
    if person is None:
        return PersonShown(FORMER_MEMBER_LABEL, is_named=False)
    if can_view_profile(viewer, person):
        return PersonShown(
            person.name, is_named=True, organisation=person.organisation, profile_user_id=person.id
        )
    if addressed_to_viewer:
        return PersonShown(person.name, is_named=True, organisation=person.organisation)
    return PersonShown(ANONYMOUS_LABEL, is_named=False)
