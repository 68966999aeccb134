"""The shared taxonomy of knowledge themes every area tags its records with."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kmrg.models import Base, CreatedAtMixin, VersionedMixin


class Theme(VersionedMixin, CreatedAtMixin, Base):
    """A knowledge theme such as revenue collection or the District Development Model."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_retired: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"
