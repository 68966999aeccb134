"""Attendance pages: invitations and answers, the register on the day, certificates."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from kmrg.auth.models import User
from kmrg.auth.people import describe_person
from kmrg.events import attendance, blueprint, permissions
from kmrg.events.forms import (
    GuestForm,
    InviteMembersForm,
    InviteOrganisationForm,
    RegisterForm,
    RemoveParticipantForm,
    RsvpForm,
    WalkInMemberForm,
)
from kmrg.events.models import Meeting, Participant, Rsvp
from kmrg.events.views.meetings import get_meeting_or_404, meeting_page_context
from kmrg.extensions import db
from kmrg.forms import choices
from kmrg.inputs import MAX_ID, bounded_int
from kmrg.organisations.queries import get_organisation_by_code, organisation_choices
from kmrg.service_calls import committing

blueprint.add_app_template_filter(attendance.format_meeting_days, "meeting_days")


@meeting_page_context
def _attendance_part(meeting: Meeting) -> dict[str, Any]:
    mine = permissions.participant_of(current_user, meeting)
    form = RsvpForm(formdata=None)
    if mine is not None and mine.rsvp is not Rsvp.PENDING:
        form.answer.data = mine.rsvp.value
    return {
        "attendance": attendance.summarise_attendance(meeting),
        "attendance_attendees": attendance.attendees(meeting),
        "attendance_mine": mine,
        "attendance_rsvp_form": form,
    }


def _organised_meeting_or_404(slug: str) -> Meeting:
    meeting = get_meeting_or_404(slug)
    if not permissions.can_view_invitations(current_user, meeting):
        abort(403)
    return meeting


def _named_members(people: list[User]) -> list[User]:
    # An organiser picks by name only the people whose profile lets them see the name (POPIA);
    # the others can be invited with everyone of their organisation.
    return [person for person in people if describe_person(current_user, person).is_named]


def _member_groups(people: list[User]) -> list[tuple[str, list[User]]]:
    def organisation_name(person: User) -> str:
        return person.organisation.name if person.organisation else "No organisation"

    ordered = sorted(people, key=lambda person: (organisation_name(person), person.name.lower()))
    return [(name, list(group)) for name, group in groupby(ordered, key=organisation_name)]


def _render_attendance(
    meeting: Meeting,
    *,
    members_form: InviteMembersForm | None = None,
    organisation_form: InviteOrganisationForm | None = None,
    guest_form: GuestForm | None = None,
) -> str:
    organisation_form = organisation_form or InviteOrganisationForm(formdata=None)
    organisation_form.organisation.choices = choices(organisation_choices(db.session))
    invitable = _named_members(attendance.invitable_members(db.session, meeting))
    return render_template(
        "events/attendance.html",
        meeting=meeting,
        summary=attendance.summarise_attendance(meeting),
        invited=[p for p in meeting.participants if p.is_invited],
        member_groups=_member_groups(invitable),
        members_form=members_form or InviteMembersForm(formdata=None),
        organisation_form=organisation_form,
        guest_form=guest_form or GuestForm(formdata=None),
        remove_form=RemoveParticipantForm(formdata=None),
    )


@blueprint.route("/<slug>/attendance")
@login_required
def show_attendance(slug: str):
    return _render_attendance(_organised_meeting_or_404(slug))


def _invited(meeting: Meeting, count: int) -> Any:
    flash("1 person invited." if count == 1 else f"{count} people invited.", "success")
    return redirect(url_for("events.show_attendance", slug=meeting.slug))


@blueprint.route("/<slug>/invitations/members", methods=["POST"])
@login_required
def invite_members(slug: str):
    meeting = _organised_meeting_or_404(slug)
    form = InviteMembersForm()
    if form.validate_on_submit():
        offered = {
            person.id: person
            for person in _named_members(attendance.invitable_members(db.session, meeting))
        }
        chosen = [bounded_int(value, 1, MAX_ID) for value in form.people.data or []]
        if all(person_id in offered for person_id in chosen):
            people = [offered[person_id] for person_id in chosen]  # type: ignore[index]
            with committing(form) as call:
                invited = attendance.invite_members(db.session, current_user, meeting, people)
            if call.succeeded:
                return _invited(meeting, len(invited))
        else:
            form.people.errors = ["Choose people from the list."]
    return _render_attendance(meeting, members_form=form), 400


@blueprint.route("/<slug>/invitations/organisation", methods=["POST"])
@login_required
def invite_organisation(slug: str):
    meeting = _organised_meeting_or_404(slug)
    form = InviteOrganisationForm()
    form.organisation.choices = choices(organisation_choices(db.session))
    if form.validate_on_submit():
        organisation = get_organisation_by_code(db.session, form.organisation.data or "")
        if organisation is None:
            form.organisation.errors = ["Choose an organisation from the list."]
        else:
            with committing(form) as call:
                invited = attendance.invite_organisation(
                    db.session, current_user, meeting, organisation
                )
            if call.succeeded:
                return _invited(meeting, len(invited))
    return _render_attendance(meeting, organisation_form=form), 400


@blueprint.route("/<slug>/invitations/guest", methods=["POST"])
@login_required
def invite_guest(slug: str):
    meeting = _organised_meeting_or_404(slug)
    form = GuestForm()
    if form.validate_on_submit():
        guest = attendance.Guest(form.guest_name.data or "", form.guest_organisation.data or "")
        with committing(form) as call:
            attendance.invite_guest(db.session, current_user, meeting, guest)
        if call.succeeded:
            flash(f"{guest.name} is on the invitation list.", "success")
            return redirect(url_for("events.show_attendance", slug=meeting.slug))
    return _render_attendance(meeting, guest_form=form), 400


def _participant_or_404(meeting: Meeting, participant_id: int) -> Participant:
    participant = next((p for p in meeting.participants if p.id == participant_id), None)
    if participant is None:
        abort(404)
    return participant


@blueprint.route("/<slug>/participants/<int:participant_id>/remove", methods=["POST"])
@login_required
def remove_participant(slug: str, participant_id: int):
    meeting = _organised_meeting_or_404(slug)
    participant = _participant_or_404(meeting, participant_id)
    if not RemoveParticipantForm().validate_on_submit():
        abort(400)
    with committing() as call:
        attendance.remove_participant(db.session, current_user, participant)
    if call.succeeded:
        flash("Taken off the list.", "success")
    return redirect(url_for("events.show_attendance", slug=meeting.slug))


@blueprint.route("/<slug>/rsvp", methods=["POST"])
@login_required
def answer_invitation(slug: str):
    meeting = get_meeting_or_404(slug)
    if not permissions.can_rsvp_meeting(current_user, meeting):
        abort(403)
    form = RsvpForm()
    if not form.validate_on_submit():
        flash("Choose whether you will attend.", "error")
        return redirect(url_for("events.show_meeting", slug=meeting.slug))
    answer = Rsvp(form.answer.data)
    with committing() as call:
        attendance.answer_invitation(db.session, current_user, meeting, answer)
    if call.succeeded:
        flash(f"Your answer is saved: {answer.label.lower()}.", "success")
    return redirect(url_for("events.show_meeting", slug=meeting.slug))


def _render_register(
    meeting: Meeting,
    *,
    form: RegisterForm | None = None,
    member_form: WalkInMemberForm | None = None,
    guest_form: GuestForm | None = None,
) -> str:
    if form is None:
        form = RegisterForm(formdata=None)
        form.attended.data = [str(p.id) for p in meeting.participants if p.attended]
    member_form = member_form or WalkInMemberForm(formdata=None)
    member_form.person.choices = choices(
        [("", "Choose a person")] + [(str(p.id), p.name) for p in _walk_in_choices(meeting)]
    )
    return render_template(
        "events/register.html",
        meeting=meeting,
        participants=sorted(meeting.participants, key=lambda p: (p.user_id is None, p.id)),
        ticked={bounded_int(value, 1, MAX_ID) for value in form.attended.data or []},
        form=form,
        member_form=member_form,
        guest_form=guest_form or GuestForm(formdata=None),
    )


def _walk_in_choices(meeting: Meeting) -> list[User]:
    return sorted(
        _named_members(attendance.invitable_members(db.session, meeting)),
        key=lambda person: person.name.lower(),
    )


def _register_meeting_or_404(slug: str) -> Meeting:
    meeting = get_meeting_or_404(slug)
    if not permissions.can_take_register(current_user, meeting):
        abort(403)
    return meeting


@blueprint.route("/<slug>/register", methods=["GET", "POST"])
@login_required
def take_register(slug: str):
    meeting = _register_meeting_or_404(slug)
    form = RegisterForm()
    if form.validate_on_submit():
        present = {bounded_int(value, 1, MAX_ID) for value in form.attended.data or []}
        with committing(form) as call:
            count = attendance.take_register(
                db.session, current_user, meeting, {i for i in present if i is not None}
            )
        if call.succeeded:
            flash(f"The register is saved: {count} attended.", "success")
            return redirect(url_for("events.take_register", slug=meeting.slug))
    return _render_register(meeting, form=form if form.is_submitted() else None)


@blueprint.route("/<slug>/register/member", methods=["POST"])
@login_required
def add_walk_in_member(slug: str):
    meeting = _register_meeting_or_404(slug)
    form = WalkInMemberForm()
    offered = {person.id: person for person in _walk_in_choices(meeting)}
    person = offered.get(bounded_int(form.person.data, 1, MAX_ID) or 0)
    if form.validate_on_submit() and person is not None:
        with committing(form) as call:
            attendance.add_walk_in_member(db.session, current_user, meeting, person)
        if call.succeeded:
            flash(f"{person.name} is registered as present.", "success")
            return redirect(url_for("events.take_register", slug=meeting.slug))
    elif person is None:
        form.person.errors = ["Choose a person from the list."]
    return _render_register(meeting, member_form=form), 400


@blueprint.route("/<slug>/register/guest", methods=["POST"])
@login_required
def add_walk_in_guest(slug: str):
    meeting = _register_meeting_or_404(slug)
    form = GuestForm()
    if form.validate_on_submit():
        guest = attendance.Guest(form.guest_name.data or "", form.guest_organisation.data or "")
        with committing(form) as call:
            attendance.add_walk_in_guest(db.session, current_user, meeting, guest)
        if call.succeeded:
            flash(f"{guest.name} is registered as present.", "success")
            return redirect(url_for("events.take_register", slug=meeting.slug))
    return _render_register(meeting, guest_form=form), 400


@blueprint.route("/<slug>/certificate/<int:participant_id>")
@login_required
def show_certificate(slug: str, participant_id: int):
    meeting = get_meeting_or_404(slug)
    participant = _participant_or_404(meeting, participant_id)
    # Refused as missing: whether someone attended is not told to people who may not print it.
    if not permissions.can_view_certificate(current_user, participant):
        abort(404)
    return render_template("events/certificate.html", meeting=meeting, participant=participant)
