"""What the Hub recognised in an imported meeting record, waiting for a champion to confirm."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.models import Base, CreatedAtMixin, enum_type

if TYPE_CHECKING:
    from kmrg.events.models.meetings import Meeting


class ProposalKind(StrEnum):
    """What an imported meeting record's proposal would become once confirmed."""

    SESSION = "session"
    ATTENDEE = "attendee"
    ANNEXURE = "annexure"
    ACTION = "action"

    @property
    def label(self) -> str:
        return {
            ProposalKind.SESSION: "Agenda session",
            ProposalKind.ATTENDEE: "Attendee",
            ProposalKind.ANNEXURE: "Annexure title",
            ProposalKind.ACTION: "Action item",
        }[self]


class ProposalStatus(StrEnum):
    """A proposal waits until the champion accepts (it becomes a record) or rejects it."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ImportProposal(CreatedAtMixin, Base):
    """Something the Hub recognised in an imported meeting record, waiting for confirmation."""

    __tablename__ = "meeting_import_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ProposalKind] = mapped_column(enum_type(ProposalKind, 10))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The recognised text (a session title, a name, an annexure title, an action) and, where
    # the record gives one, a second detail (the organisation, the presenter, the owner).
    text: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[ProposalStatus] = mapped_column(
        enum_type(ProposalStatus, 10), default=ProposalStatus.PENDING
    )

    meeting: Mapped[Meeting] = relationship()
