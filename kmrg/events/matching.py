"""Match what a meeting record names to the Hub's organisations and members.

Records name organisations loosely ("Buffalo City Municipality", "Cape Town", "NMB", "Joburg")
and the Hub by their registered names ("Buffalo City Metropolitan Municipality"): an
organisation matches on its distinctive words, its initials or a city's everyday name, and only
when exactly one does. A person matches a member only by their exact name, and only a member
whose profile the actor may see (POPIA): a hidden member's name is never confirmed by a match.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.auth.models import AccountStatus, User
from kmrg.auth.permissions import can_view_profile
from kmrg.organisations.models import Organisation
from kmrg.organisations.queries import find_organisation_by_label

# Words every municipality's registered name adds to what people call it.
_GENERIC_WORDS = frozenset({"municipality", "metropolitan", "metro", "local", "district", "the"})
_LINKING_WORDS = frozenset({"of", "and", "&", "for"})
# What people call the cities whose registered names differ (by organisation code).
_EVERYDAY_NAMES = {
    "joburg": "JHB",
    "jozi": "JHB",
    "johannesburg": "JHB",
    "durban": "ETH",
    "ethekwini": "ETH",
    "pretoria": "TSH",
    "tshwane": "TSH",
    "east london": "BUF",
    "port elizabeth": "NMA",
    "gqeberha": "NMA",
    "bloemfontein": "MAN",
    "ekurhuleni": "EKU",
    "pietermaritzburg": "KZN225",
}
_BY_EVERYDAY_WORDS = {frozenset(name.split()): code for name, code in _EVERYDAY_NAMES.items()}


def _words(name: str) -> list[str]:
    name = re.sub(r"['’]s\b", "", name)
    return [word for word in re.split(r"[^\w-]+", name.casefold()) if word]


def _distinctive(name: str) -> frozenset[str]:
    """Return the words that tell an organisation apart, without "city" (often left out)."""
    return frozenset(
        w for w in _words(name) if w not in _GENERIC_WORDS | _LINKING_WORDS and w != "city"
    )


def _initials(name: str) -> set[str]:
    """Return the initials people use for an organisation: NMB, BCM, COJ …"""
    every = [w for w in _words(name) if w not in _LINKING_WORDS and w != "the"]
    distinctive = [w for w in every if w not in _GENERIC_WORDS]
    forms = {
        "".join(w[0] for w in every),
        "".join(w[0] for w in distinctive),
        "".join(w[0] for w in distinctive) + "m",
    }
    return {form.upper() for form in forms if len(form) >= 2}


def match_organisation(session: Session, text: str) -> Organisation | None:
    """Return the one current organisation `text` names, or None when none or several do."""
    text = " ".join((text or "").split())
    if not text or len(text) > 200:
        return None
    found = find_organisation_by_label(session, text)
    if found is not None:
        return found
    organisations = list(
        session.scalars(select(Organisation).where(Organisation.is_retired.is_(False)))
    )
    key = _distinctive(text)
    code = _BY_EVERYDAY_WORDS.get(key)
    if code:
        return next((o for o in organisations if o.code == code), None)
    candidates = [o for o in organisations if key and _distinctive(o.name) == key]
    if not candidates and re.fullmatch(r"[A-Z]{2,6}", text):
        candidates = [o for o in organisations if text in _initials(o.name)]
    return candidates[0] if len(candidates) == 1 else None


def match_member(session: Session, actor: Any, name: str) -> User | None:
    """Return the one active member called exactly `name` whose profile `actor` may see."""
    name = " ".join((name or "").split())
    if not name:
        return None
    named = list(
        session.scalars(
            select(User).where(User.name == name, User.status == AccountStatus.ACTIVE).limit(2)
        )
    )
    if len(named) != 1 or not can_view_profile(actor, named[0]):
        return None
    return named[0]
