"""Project owners and contacts of a case study: people in the Hub, or named people outside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kmrg.auth import throttling
from kmrg.auth.models import AccountStatus, User
from kmrg.auth.queries import get_user_by_email
from kmrg.casestudies.models import CaseStudy, CaseStudyOwner
from kmrg.exceptions import ValidationError

MAX_OWNERS = 30
# Typing an address that is not in the Hub says so, which would let a member test which addresses
# have accounts; so each member may look up this many unknown addresses an hour.
UNKNOWN_ADDRESS_LOOKUPS = throttling.Window("owner-lookup", limit=30, period=timedelta(hours=1))


@dataclass
class OwnerEntry:
    """One project owner or contact as typed: a Hub account, or a named person outside it."""

    user: User | None = None
    external_name: str = ""
    role: str = ""
    is_contact: bool = False


def parse_owner_lines(
    session: Session, text: str, *, actor: Any, now: datetime | None = None
) -> list[OwnerEntry]:
    """Read owners typed one per line as "name or e-mail | role, organisation | contact".

    An e-mail address names a person with an active Hub account; anything else is an external
    person's name. A third part "contact" marks the people readers may approach. Each unknown
    address counts against `actor`'s look-ups (UNKNOWN_ADDRESS_LOOKUPS); the count is flushed
    even when this raises ValidationError, and the caller must commit it.
    """
    entries: list[OwnerEntry] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        who, role = parts[0], parts[1] if len(parts) > 1 else ""
        flag = parts[2].lower() if len(parts) > 2 else ""
        if len(parts) > 3 or flag not in {"", "contact"}:
            raise ValidationError(
                f"Line {number}: write “name or e-mail | role, organisation | contact”.", "owners"
            )
        if not who:
            raise ValidationError(f"Line {number}: start with a name or an e-mail.", "owners")
        if len(who) > 120 or len(role) > 200:
            raise ValidationError(f"Line {number} is too long.", "owners")
        entry = OwnerEntry(role=role, is_contact=flag == "contact")
        if "@" in who:
            entry.user = _look_up(session, actor, who, number, now)
        else:
            entry.external_name = " ".join(who.split())
        entries.append(entry)
    if len(entries) > MAX_OWNERS:
        raise ValidationError(f"List at most {MAX_OWNERS} owners and contacts.", "owners")
    return entries


def _look_up(session: Session, actor: Any, email: str, number: int, now: datetime | None) -> User:
    lookups_of = f"user:{actor.id}"
    # Once the allowance is spent every address is refused alike, known or not: otherwise the
    # refusal itself would tell them apart.
    allowance = throttling.check_allowance(session, UNKNOWN_ADDRESS_LOOKUPS, lookups_of, now)
    user = get_user_by_email(session, email) if allowance.allowed else None
    if user is not None and user.status is AccountStatus.ACTIVE:
        return user
    if allowance.allowed:
        allowance = throttling.count_attempt(session, UNKNOWN_ADDRESS_LOOKUPS, lookups_of, now)
    if not allowance.allowed:
        raise ValidationError(
            f"Line {number}: you have looked up too many addresses that are not in the Hub. "
            f"Wait {allowance.wait_in_words} before you list people by e-mail again, or write "
            "their names instead.",
            "owners",
        )
    raise ValidationError(
        f"Line {number}: nobody in the Hub has the address {email}. Write the person's "
        "name instead to list them without an account.",
        "owners",
    )


def _owner_key(owner: CaseStudyOwner | OwnerEntry) -> tuple[Any, ...]:
    user_id = owner.user.id if owner.user is not None else None
    return (user_id, owner.external_name, owner.role, owner.is_contact)


def apply_owners(case_study: CaseStudy, entries: Sequence[OwnerEntry]) -> None:
    """Replace a case study's owners with `entries`, unless they are the same already."""
    if [_owner_key(o) for o in case_study.owners] == [_owner_key(e) for e in entries]:
        return
    case_study.owners = [
        CaseStudyOwner(
            user=entry.user,
            external_name=entry.external_name if entry.user is None else "",
            role=entry.role,
            is_contact=entry.is_contact,
            position=position,
        )
        for position, entry in enumerate(entries)
    ]
