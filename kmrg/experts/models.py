"""Expert profiles: what a person knows, which languages they speak, and what they offer."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
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
    """A member's own expert profile; they choose who sees it and who sees their contacts."""

    __tablename__ = "expert_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
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

    user: Mapped[User] = relationship()
    expertise: Mapped[list[Expertise]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Expertise.id"
    )
    language_rows: Mapped[list[ExpertLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="ExpertLanguage.language"
    )

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def title(self) -> str:
        """Name the record in the audit log and in search results."""
        return self.user.name

    @property
    def organisation(self) -> Organisation | None:
        return self.user.organisation

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


class ExpertLanguage(Base):
    """A language an expert speaks; one row each, so the directory filters by language in SQL."""

    __tablename__ = "expert_languages"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[Language] = mapped_column(
        enum_type(Language, 10), primary_key=True, index=True
    )


register_rendered_field(ExpertProfile, "biography", "biography_html")
