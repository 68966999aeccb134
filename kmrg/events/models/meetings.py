"""Series of meetings, meetings, their agenda, annexures and the people on their list."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import User
from kmrg.markdown import register_rendered_field
from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type
from kmrg.organisations.models import Organisation

if TYPE_CHECKING:
    from kmrg.events.models.actions import ActionItem
    from kmrg.events.models.minutes import Minutes, Outcome


class MeetingStatus(StrEnum):
    """Where a meeting stands: planned → held → minutes in draft → minutes approved."""

    PLANNED = "planned"
    HELD = "held"
    MINUTES_DRAFT = "minutes_draft"
    MINUTES_APPROVED = "minutes_approved"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return MEETING_STATUS_LABELS[self]


MEETING_STATUS_LABELS = {
    MeetingStatus.PLANNED: "Planned",
    MeetingStatus.HELD: "Held",
    MeetingStatus.MINUTES_DRAFT: "Minutes in draft",
    MeetingStatus.MINUTES_APPROVED: "Minutes approved",
    MeetingStatus.CANCELLED: "Cancelled",
}


class MeetingVisibility(StrEnum):
    """Who may see a meeting: anyone, signed-in members, or only the people invited to it."""

    PUBLIC = "public"
    MEMBERS = "members"
    INVITED = "invited"

    @property
    def label(self) -> str:
        return VISIBILITY_LABELS[self]


VISIBILITY_LABELS = {
    MeetingVisibility.PUBLIC: "Public",
    MeetingVisibility.MEMBERS: "Members of the Hub",
    MeetingVisibility.INVITED: "Invited people only",
}


class Rsvp(StrEnum):
    """An invited person's answer."""

    PENDING = "pending"
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"

    @property
    def label(self) -> str:
        return RSVP_LABELS[self]


RSVP_LABELS = {
    Rsvp.PENDING: "Not answered",
    Rsvp.YES: "Attending",
    Rsvp.NO: "Not attending",
    Rsvp.MAYBE: "Maybe",
}


class MeetingSeries(VersionedMixin, CreatedAtMixin, Base):
    """Meetings that follow one another, such as the reference group's quarterly meetings."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # Who convenes the series (the secretariat's organisation), not who hosts each meeting.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="series", order_by="Meeting.starts_at"
    )

    def __repr__(self) -> str:
        return f"<MeetingSeries {self.slug}>"


class Meeting(VersionedMixin, CreatedAtMixin, Base):
    """One meeting of a series, hosted by an organisation on one day or several.

    `is_draft` marks a meeting made from an imported record that its champion has not yet
    confirmed: only they and administrators see it until it is published.
    """

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_series_starts_at", "series_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id"))
    title: Mapped[str] = mapped_column(String(200))
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    # UTC instants; pages and calendars show them in Africa/Johannesburg.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    # One aim per line, as the record lists them.
    aims: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus, 20), default=MeetingStatus.PLANNED, index=True
    )
    visibility: Mapped[MeetingVisibility] = mapped_column(
        enum_type(MeetingVisibility, 10), default=MeetingVisibility.MEMBERS
    )
    is_draft: Mapped[bool] = mapped_column(default=False)
    # What the meeting record says that no structured field holds (an imported record's text).
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None]

    series: Mapped[MeetingSeries] = relationship(back_populates="meetings")
    host_organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    sessions: Mapped[list[AgendaSession]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="(AgendaSession.position, AgendaSession.id)",
    )
    annexures: Mapped[list[Annexure]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="(Annexure.position, Annexure.id)",
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Participant.id"
    )
    minutes: Mapped[Minutes | None] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", uselist=False
    )
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="(Outcome.position, Outcome.id)",
    )
    actions: Mapped[list[ActionItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="ActionItem.id"
    )

    @property
    def aim_list(self) -> list[str]:
        """Return the aims, one per non-empty line."""
        return [line.strip() for line in self.aims.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Meeting {self.slug} {self.status}>"


class AgendaSession(Base):
    """One session of a meeting's agenda, with what was presented and discussed in it."""

    __tablename__ = "meeting_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A facilitator from outside the Hub, by name (and organisation) as the record gives it.
    facilitator_name: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="sessions")
    facilitator: Mapped[User | None] = relationship()
    speakers: Mapped[list[SessionSpeaker]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="(SessionSpeaker.position, SessionSpeaker.id)",
    )

    def __repr__(self) -> str:
        return f"<AgendaSession {self.position} of meeting {self.meeting_id}>"


class SessionSpeaker(Base):
    """A speaker in a session: a person in the Hub, or a named guest."""

    __tablename__ = "meeting_session_speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    guest_name: Mapped[str] = mapped_column(String(200), default="")
    guest_organisation: Mapped[str] = mapped_column(String(200), default="")

    session: Mapped[AgendaSession] = relationship(back_populates="speakers")
    user: Mapped[User | None] = relationship()


class Annexure(Base):
    """A presentation or report attached to a meeting (or one of its sessions), lettered A, B …

    The file is an attachment owned by the meeting; the letter follows `position`.
    """

    __tablename__ = "meeting_annexures"
    __table_args__ = (UniqueConstraint("attachment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_sessions.id", ondelete="SET NULL")
    )
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    presenter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    presenter_name: Mapped[str] = mapped_column(String(200), default="")
    presenting_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )

    meeting: Mapped[Meeting] = relationship(back_populates="annexures")
    session: Mapped[AgendaSession | None] = relationship()
    presenter: Mapped[User | None] = relationship()
    presenting_organisation: Mapped[Organisation | None] = relationship()


class Participant(Base):
    """A person invited to or attending a meeting: a member of the Hub, or a guest by name.

    Invitation, answer and presence on the day are one row, so the register is the invitation
    list with who came ticked (and walk-ins added).
    """

    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    guest_name: Mapped[str] = mapped_column(String(200), default="")
    guest_organisation: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    is_invited: Mapped[bool] = mapped_column(default=True)
    invited_at: Mapped[datetime | None]
    rsvp: Mapped[Rsvp] = mapped_column(enum_type(Rsvp, 10), default=Rsvp.PENDING)
    responded_at: Mapped[datetime | None]
    attended: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


for _model, _source in (
    (MeetingSeries, "description"),
    (Meeting, "notes"),
    (AgendaSession, "notes"),
):
    register_rendered_field(_model, _source, f"{_source}_html")
