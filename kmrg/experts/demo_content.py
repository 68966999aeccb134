"""Demo expert profiles for ``kmrg demo``: pure data, no behaviour.

The data lives in ``demo_content.toml`` next to this module, which only declares its shape and
reads it once, at import (``python -m kmrg.experts.demo_content`` checks it). Everything there is
written for the demo in the Hub's own words. Municipalities and partner organisations are real and
named by their codes (kmrg/organisations/data); every person is invented, has an example.org
address and, where a phone number is given, an obviously fictional one (+27 00 000 0xxx).

How the loader (kmrg/experts/demo.py) reads the data:

* ``PROFILES`` are members' own profiles. ``email`` names a demo account of kmrg/demo.py, or a new
  one described by ``account`` (name, organisation code, job title), which the loader creates as
  an active member with the demo password, the way kmrg/demo.py creates demo people.
* ``EXTERNALS`` are profiles a champion (``keeper_email``) keeps for someone outside the Hub; the
  person's ``consent_note`` says how they agreed to be listed.
* Each profile's fields are the form's: ``province`` is a province code or "" (a national body),
  ``languages`` are language codes (kmrg.experts.models.Language), ``availability`` names kinds of
  help without the ``offers_`` prefix, ``expertise`` rows name a starter theme or a free skill.
* ``confirmed_months_ago`` (left out: 0) backdates the last confirmation, so the demo shows
  what a profile nobody has confirmed for a year looks like.
* ``ENDORSEMENTS`` name the expert by e-mail (a member's or an external person's), the endorser by
  a demo account's e-mail, and one area of the expert's: a theme name or a skill as written there.
* ``AREA_DECISIONS`` are a member's decision ("confirm" or "hide") on a theme their case studies
  or lessons suggest but their profile does not list.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

LEVELS: tuple[str, ...] = ("working_knowledge", "practitioner", "authority")
AVAILABILITY: tuple[str, ...] = ("peer_assist", "mentoring", "speaking", "site_visits", "reviewing")
VISIBILITIES: tuple[str, ...] = ("public", "members", "hidden")
CONTACT_VISIBILITIES: tuple[str, ...] = ("members", "nobody")
CHANNELS: tuple[str, ...] = ("email", "phone", "hub")
DEMO_DOMAIN = "@example.org"


@dataclass(frozen=True)
class DemoExpertise:
    """One area: a starter theme's name or a free skill, at a level."""

    level: str
    theme: str = ""
    skill: str = ""

    @property
    def name(self) -> str:
        return self.theme or self.skill


@dataclass(frozen=True)
class DemoAccount:
    """A demo person the expert demo adds (kmrg/demo.py has the rest)."""

    name: str
    organisation_code: str
    job_title: str


@dataclass(frozen=True)
class DemoExternal:
    """Who an external profile is about, who keeps it and how the person agreed."""

    name: str
    job_title: str
    organisation_code: str  # "" when the person belongs to no listed organisation
    keeper_email: str
    consent_note: str


@dataclass(frozen=True)
class DemoProfile:
    """An expert profile as its person (or keeper) would fill in the form."""

    email: str
    headline: str
    biography: str
    province: str
    languages: tuple[str, ...]
    availability: tuple[str, ...]
    days_per_quarter: int | None
    preferred_channel: str
    visibility: str
    email_visibility: str
    phone_visibility: str
    phone: str
    expertise: tuple[DemoExpertise, ...]
    account: DemoAccount | None = None
    external: DemoExternal | None = None
    # How long ago the person last confirmed the profile; a year or more shows it as stale.
    confirmed_months_ago: int = 0


@dataclass(frozen=True)
class DemoEndorsement:
    """A demo member vouches for one area of an expert's, with a sentence about the work."""

    expert: str
    endorser: str
    statement: str
    theme: str = ""
    skill: str = ""

    @property
    def area(self) -> str:
        return self.theme or self.skill


@dataclass(frozen=True)
class DemoAreaDecision:
    """A member confirms or hides an area the Hub's records suggest for them."""

    expert: str
    theme: str
    decision: str  # "confirm" | "hide"


def _profile(raw: dict[str, Any], *, external: bool) -> DemoProfile:
    raw = dict(raw)
    expertise = tuple(DemoExpertise(**row) for row in raw.pop("expertise"))
    account = raw.pop("account", None)
    person = None
    if external:
        person = DemoExternal(**{name: raw.pop(name) for name in DemoExternal.__dataclass_fields__})
    return DemoProfile(
        languages=tuple(raw.pop("languages")),
        availability=tuple(raw.pop("availability")),
        expertise=expertise,
        account=DemoAccount(**account) if account is not None else None,
        external=person,
        **{name: raw[name].strip() if name == "biography" else raw[name] for name in raw},
    )


_DATA = tomllib.loads(
    files("kmrg.experts").joinpath("demo_content.toml").read_text(encoding="utf-8")
)

# Members' own profiles, in the order the demo loads them.
PROFILES: tuple[DemoProfile, ...] = tuple(_profile(raw, external=False) for raw in _DATA["expert"])
# Profiles champions keep for people outside the Hub, loaded after the members'.
EXTERNALS: tuple[DemoProfile, ...] = tuple(
    _profile(raw, external=True) for raw in _DATA["external"]
)
ENDORSEMENTS: tuple[DemoEndorsement, ...] = tuple(
    DemoEndorsement(**raw) for raw in _DATA.get("endorsement", [])
)
AREA_DECISIONS: tuple[DemoAreaDecision, ...] = tuple(
    DemoAreaDecision(**raw) for raw in _DATA.get("area_decision", [])
)


def _self_check() -> None:
    import csv
    import re
    from pathlib import Path

    from kmrg.experts.models import Language
    from kmrg.organisations.models import Province
    from kmrg.themes.services import STARTER_THEMES

    data = Path(__file__).resolve().parents[1] / "organisations" / "data"
    codes = set()
    for name in ("municipalities.csv", "partners.csv"):
        with (data / name).open(encoding="utf-8", newline="") as handle:
            codes |= {row["code"] for row in csv.DictReader(handle)}
    themes = {name for name, _description in STARTER_THEMES}
    languages = {language.value for language in Language}
    phone = re.compile(r"\+27 00 000 0\d{3}")

    everyone = PROFILES + EXTERNALS
    emails = [profile.email for profile in everyone]
    assert len(emails) == len(set(emails)), "one profile per e-mail address"
    phones = [profile.phone for profile in everyone if profile.phone]
    assert len(phones) == len(set(phones)), "phone numbers are unique"
    for profile in everyone:
        where = profile.email
        assert where.endswith(DEMO_DOMAIN), where
        assert where.count("@") == 1, where
        assert 0 < len(profile.headline) <= 200, where
        assert profile.biography, where
        assert len(profile.biography) <= 5000, where
        assert profile.province in ("", *Province._value2member_map_), where
        assert profile.languages, where
        assert set(profile.languages) <= languages, where
        assert set(profile.availability) <= set(AVAILABILITY), where
        assert profile.days_per_quarter is None or 0 <= profile.days_per_quarter <= 90, where
        assert profile.preferred_channel in CHANNELS, where
        assert profile.visibility in VISIBILITIES, where
        assert profile.email_visibility in CONTACT_VISIBILITIES, where
        assert profile.phone_visibility in CONTACT_VISIBILITIES, where
        assert profile.phone == "" or phone.fullmatch(profile.phone), where
        if profile.preferred_channel == "phone":
            assert profile.phone, where
            assert profile.phone_visibility == "members", where
        assert 0 <= profile.confirmed_months_ago <= 36, where
        assert 1 <= len(profile.expertise) <= 12, where
        names = [row.name.lower() for row in profile.expertise]
        assert len(names) == len(set(names)), where
        for row in profile.expertise:
            assert bool(row.theme) != bool(row.skill), where
            assert row.level in LEVELS, where
            assert not row.theme or row.theme in themes, f"{where}: {row.theme}"
        if profile.account is not None:
            assert profile.account.organisation_code in codes, where
            assert profile.account.name, where
            assert profile.account.job_title, where
        if profile.external is not None:
            person = profile.external
            assert person.organisation_code in ("", *codes), where
            assert person.name, where
            assert person.consent_note.strip(), where
            assert person.keeper_email.endswith(DEMO_DOMAIN), where

    areas = {p.email: {row.name for row in p.expertise} for p in everyone}
    visible = {p.email for p in everyone if p.visibility != "hidden"}
    keepers = {p.email: p.external.keeper_email for p in EXTERNALS if p.external}
    pairs = [(e.expert, e.endorser, e.area) for e in ENDORSEMENTS]
    assert len(pairs) == len(set(pairs)), "one endorsement per person per area"
    for endorsement in ENDORSEMENTS:
        where = f"{endorsement.endorser} -> {endorsement.expert}"
        assert endorsement.expert in visible, where
        assert endorsement.expert != endorsement.endorser, where
        # Nobody endorses a profile they speak for, an external one they keep included.
        assert endorsement.endorser != keepers.get(endorsement.expert), where
        assert 20 <= len(endorsement.statement) <= 500, where
        assert bool(endorsement.theme) != bool(endorsement.skill), where
        assert endorsement.area in areas[endorsement.expert], f"{where}: {endorsement.area}"
    for decision in AREA_DECISIONS:
        where = f"{decision.expert}: {decision.theme}"
        assert decision.expert in {p.email for p in PROFILES}, where
        assert decision.theme in themes, where
        assert decision.theme not in areas[decision.expert], f"{where} is listed, not inferred"
        assert decision.decision in ("confirm", "hide"), where

    assert 1 <= sum(p.confirmed_months_ago >= 12 for p in everyone) <= 3, "a few stale ones"
    provinces = {p.province for p in everyone if p.province}
    spoken = {language for p in everyone for language in p.languages}
    assert len(everyone) >= 25
    assert len(provinces) >= 6
    assert "sasl" in spoken
    print(
        f"OK: {len(PROFILES)} member profiles ({sum(p.account is not None for p in PROFILES)} "
        f"new people), {len(EXTERNALS)} external, {len(provinces)} provinces, "
        f"{len(spoken)} languages, {len(ENDORSEMENTS)} endorsements, "
        f"{len(AREA_DECISIONS)} area decisions; visibility "
        + ", ".join(f"{v} {sum(p.visibility == v for p in everyone)}" for v in VISIBILITIES)
    )


if __name__ == "__main__":
    _self_check()
