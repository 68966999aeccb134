"""Organisations in the network: every South African municipality, and partner bodies."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type


class OrganisationKind(StrEnum):
    """What kind of body an organisation is; municipalities carry their demarcation category."""

    METROPOLITAN = "metropolitan"
    DISTRICT = "district"
    LOCAL = "local"
    NETWORK = "network"
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    UNIVERSITY = "university"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def is_municipality(self) -> bool:
        return self in MUNICIPAL_KINDS


KIND_LABELS = {
    OrganisationKind.METROPOLITAN: "Metropolitan municipality (A)",
    OrganisationKind.DISTRICT: "District municipality (C)",
    OrganisationKind.LOCAL: "Local municipality (B)",
    OrganisationKind.NETWORK: "Network or association",
    OrganisationKind.NATIONAL: "National department",
    OrganisationKind.PROVINCIAL: "Provincial department",
    OrganisationKind.UNIVERSITY: "University",
    OrganisationKind.OTHER: "Other partner",
}
MUNICIPAL_KINDS = frozenset(
    {OrganisationKind.METROPOLITAN, OrganisationKind.DISTRICT, OrganisationKind.LOCAL}
)
CATEGORY_BY_KIND = {
    OrganisationKind.METROPOLITAN: "A",
    OrganisationKind.LOCAL: "B",
    OrganisationKind.DISTRICT: "C",
}


class Province(StrEnum):
    """South Africa's nine provinces, by their usual abbreviations."""

    EC = "EC"
    FS = "FS"
    GP = "GP"
    KZN = "KZN"
    LP = "LP"
    MP = "MP"
    NC = "NC"
    NW = "NW"
    WC = "WC"

    @property
    def label(self) -> str:
        return PROVINCE_NAMES[self]


PROVINCE_NAMES = {
    Province.EC: "Eastern Cape",
    Province.FS: "Free State",
    Province.GP: "Gauteng",
    Province.KZN: "KwaZulu-Natal",
    Province.LP: "Limpopo",
    Province.MP: "Mpumalanga",
    Province.NC: "Northern Cape",
    Province.NW: "North West",
    Province.WC: "Western Cape",
}


class Organisation(VersionedMixin, CreatedAtMixin, Base):
    """A municipality or partner organisation whose people take part in the network."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind, 20))
    province: Mapped[Province | None] = mapped_column(enum_type(Province, 3))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    is_retired: Mapped[bool] = mapped_column(default=False)

    district: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="locals")
    locals: Mapped[list[Organisation]] = relationship(
        back_populates="district", order_by="Organisation.name"
    )

    @property
    def category(self) -> str | None:
        """Return the demarcation category (A, B or C) of a municipality."""
        return CATEGORY_BY_KIND.get(self.kind)

    @property
    def province_name(self) -> str:
        return self.province.label if self.province else "National"

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"
