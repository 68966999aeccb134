"""Expert profiles: what a person knows, which languages they speak, and what they offer."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import ProfileVisibility, User
from kmrg.markdown import register_rendered_field
from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type, utcnow
from kmrg.organisations.models import Organisation, Province
from kmrg.themes.models import Theme

# A profile nobody has confirmed for this long may be out of date, and says so.
STALE_AFTER = timedelta(days=365)


class Language(StrEnum):
    """South Africa's twelve official languages, South African Sign Language included."""

    AFRIKAANS = "af"
    ENGLISH = "en"
    NDEBELE = "nr"
    XHOSA = "xh"
    ZULU = "zu"
    SEPEDI = "nso"
    SESOTHO = "st"
    SETSWANA = "tn"
    SWATI = "ss"
    TSHIVENDA = "ve"
    XITSONGA = "ts"
    SIGN_LANGUAGE = "sasl"

    @property
    def label(self) -> str:
        return LANGUAGE_NAMES[self]


LANGUAGE_NAMES = {
    Language.AFRIKAANS: "Afrikaans",
    Language.ENGLISH: "English",
    Language.NDEBELE: "isiNdebele",
    Language.XHOSA: "isiXhosa",
    Language.ZULU: "isiZulu",
    Language.SEPEDI: "Sepedi",
    Language.SESOTHO: "Sesotho",
    Language.SETSWANA: "Setswana",
    Language.SWATI: "siSwati",
    Language.TSHIVENDA: "Tshivenda",
    Language.XITSONGA: "Xitsonga",
    Language.SIGN_LANGUAGE: "South African Sign Language",
}


class ContactVisibility(StrEnum):
    """Who may see one contact field; anonymous visitors never do, whatever is chosen."""

    MEMBERS = "members"
    NOBODY = "nobody"

    @property
    def label(self) -> str:
        return {"members": "Signed-in members", "nobody": "Nobody"}[self]


class ContactChannel(StrEnum):
    """How the expert prefers to be approached."""

    EMAIL = "email"
    PHONE = "phone"
    HUB_MESSAGE = "hub"

    @property
    def label(self) -> str:
        return {"email": "E-mail", "phone": "Phone", "hub": "A message through the Hub"}[self]


class ExpertiseLevel(StrEnum):
    """How deep a person's expertise in one area goes."""

    WORKING_KNOWLEDGE = "working_knowledge"
    PRACTITIONER = "practitioner"
    AUTHORITY = "authority"

    @property
    def label(self) -> str:
        return {
            "working_knowledge": "Working knowledge",
            "practitioner": "Practitioner",
            "authority": "Authority",
        }[self]


# (attribute, label) of every kind of help an expert may offer, in display order.
AVAILABILITY = (
    ("offers_peer_assist", "Peer assist"),
    ("offers_mentoring", "Mentoring"),
    ("offers_speaking", "Speaking at meetings"),
    ("offers_site_visits", "Site visits"),
    ("offers_reviewing", "Reviewing case studies"),
)
AVAILABILITY_LABELS = dict(AVAILABILITY)


class ExpertProfile(VersionedMixin, CreatedAtMixin, Base):
    """An expert profile: a member's own, or one a champion keeps for someone outside the Hub.

    A member's profile belongs to their account (`user_id`). An external profile (an academic, a
    retired municipal manager) has no account: its person is named in the `external_*` columns,
    the champion who added it (`managed_by`) keeps it, and it exists only with that person's
    consent recorded (`consent_note`, `consent_recorded_at`).
    """

    __tablename__ = "expert_profiles"
    __table_args__ = (
        CheckConstraint(
            "user_id IS NOT NULL OR (external_name <> '' AND consent_recorded_at IS NOT NULL)",
            name="member_or_consenting_person",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    headline: Mapped[str] = mapped_column(String(200))
    biography: Mapped[str] = mapped_column(Text, default="")
    biography_html: Mapped[str] = mapped_column(Text, default="")
    # Stored (seeded from the organisation) so national bodies' people can still name one.
    province: Mapped[Province | None] = mapped_column(enum_type(Province, 3), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email_visibility: Mapped[ContactVisibility] = mapped_column(
        enum_type(ContactVisibility, 20), default=ContactVisibility.NOBODY
    )
    phone_visibility: Mapped[ContactVisibility] = mapped_column(
        enum_type(ContactVisibility, 20), default=ContactVisibility.NOBODY
    )
    preferred_channel: Mapped[ContactChannel] = mapped_column(
        enum_type(ContactChannel, 20), default=ContactChannel.HUB_MESSAGE
    )
    visibility: Mapped[ProfileVisibility] = mapped_column(
        enum_type(ProfileVisibility, 20), default=ProfileVisibility.HIDDEN, index=True
    )
    offers_peer_assist: Mapped[bool] = mapped_column(default=False)
    offers_mentoring: Mapped[bool] = mapped_column(default=False)
    offers_speaking: Mapped[bool] = mapped_column(default=False)
    offers_site_visits: Mapped[bool] = mapped_column(default=False)
    offers_reviewing: Mapped[bool] = mapped_column(default=False)
    days_per_quarter: Mapped[int | None] = mapped_column(Integer)
    confirmed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    # When the owner was last reminded that the profile is stale, so reminders are not repeated.
    reminded_at: Mapped[datetime | None]
    # An external person, kept by a champion with their consent (see the class docstring).
    external_name: Mapped[str] = mapped_column(String(120), default="")
    external_email: Mapped[str] = mapped_column(String(254), default="")
    external_job_title: Mapped[str] = mapped_column(String(120), default="")
    external_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    managed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    consent_note: Mapped[str] = mapped_column(Text, default="")
    consent_recorded_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    managed_by: Mapped[User | None] = relationship(foreign_keys=[managed_by_id])
    external_organisation: Mapped[Organisation | None] = relationship()
    expertise: Mapped[list[Expertise]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Expertise.id"
    )
    language_rows: Mapped[list[ExpertLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="ExpertLanguage.language"
    )

    @property
    def is_external(self) -> bool:
        """Tell whether the person has no Hub account (a champion keeps the profile)."""
        return self.user_id is None and self.user is None

    @property
    def name(self) -> str:
        return self.user.name if self.user is not None else self.external_name

    @property
    def title(self) -> str:
        """Name the record in the audit log and in search results."""
        return self.name

    @property
    def email(self) -> str:
        return self.user.email if self.user is not None else self.external_email

    @property
    def job_title(self) -> str:
        return self.user.job_title if self.user is not None else self.external_job_title

    @property
    def organisation(self) -> Organisation | None:
        return self.user.organisation if self.user is not None else self.external_organisation

    @property
    def languages(self) -> list[Language]:
        return sorted((row.language for row in self.language_rows), key=lambda lang: lang.label)

    @property
    def availability(self) -> list[str]:
        """Return the labels of the kinds of help on offer."""
        return [label for attribute, label in AVAILABILITY if getattr(self, attribute)]

    @property
    def is_stale(self) -> bool:
        """Tell whether nobody has confirmed the profile for STALE_AFTER."""
        return self.confirmed_at is None or utcnow() - self.confirmed_at > STALE_AFTER

    def __repr__(self) -> str:
        return f"<ExpertProfile {self.slug}>"


class Expertise(Base):
    """One area of expertise: a shared theme or a free skill, at a level."""

    __tablename__ = "expert_expertise"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"), index=True)
    skill: Mapped[str | None] = mapped_column(String(120))
    level: Mapped[ExpertiseLevel] = mapped_column(enum_type(ExpertiseLevel, 20))

    profile: Mapped[ExpertProfile] = relationship(back_populates="expertise")
    theme: Mapped[Theme | None] = relationship()

    @property
    def name(self) -> str:
        return self.theme.name if self.theme is not None else (self.skill or "")

    @property
    def area_key(self) -> str:
        """Return the key endorsements of this area carry (see Endorsement)."""
        return area_key(self.theme_id, self.skill)


def area_key(theme_id: int | None, skill: str | None) -> str:
    """Return the stable key of an expertise area: its theme, else its skill, lower-cased."""
    if theme_id is not None:
        return f"theme:{theme_id}"
    return "skill:" + " ".join((skill or "").split()).lower()


class ExpertLanguage(Base):
    """A language an expert speaks; one row each, so the directory filters by language in SQL."""

    __tablename__ = "expert_languages"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[Language] = mapped_column(
        enum_type(Language, 10), primary_key=True, index=True
    )


class AreaDecision(Base):
    """The owner's decision on an expertise area inferred from evidence: confirm it or hide it.

    An inferred area with no decision is shown as "suggested by the Hub's records".
    """

    __tablename__ = "expert_area_decisions"
    __table_args__ = (UniqueConstraint("profile_id", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    is_hidden: Mapped[bool] = mapped_column(default=False)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    theme: Mapped[Theme] = relationship()


class Endorsement(CreatedAtMixin, Base):
    """A peer's word that the expert knows one area, with a sentence about the work they did.

    One per endorser per area: `area_key` is "theme:<id>" or "skill:<lower-cased skill>", so an
    endorsement survives the expert rewriting their expertise rows.
    """

    __tablename__ = "expert_endorsements"
    __table_args__ = (UniqueConstraint("profile_id", "endorser_id", "area_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True
    )
    endorser_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    area_key: Mapped[str] = mapped_column(String(140))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    skill: Mapped[str] = mapped_column(String(120), default="")
    statement: Mapped[str] = mapped_column(Text)
    # The expert may hide one: it is then shown to nobody but them and counts for nothing.
    is_hidden: Mapped[bool] = mapped_column(default=False)

    profile: Mapped[ExpertProfile] = relationship()
    endorser: Mapped[User] = relationship()
    theme: Mapped[Theme | None] = relationship()

    @property
    def area_name(self) -> str:
        return self.theme.name if self.theme is not None else self.skill


register_rendered_field(ExpertProfile, "biography", "biography_html")
