"""Recognising what a meeting record says, from its text alone (no database, no app).

The records here are invented for the tests: real municipalities, made-up people and meetings.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kmrg.events.models import ProposalKind
from kmrg.events.recognising import (
    MAX_PER_KIND,
    MAX_RECOGNISED_CHARS,
    recognise_meeting_record,
)
from kmrg.events.record_text import find_due_date

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

MAY_MEETING = "\r\n".join(
    [
        "KMRG Quarterly Meeting, Nelson Mandela Bay – 14–15 May 2009",
        "",
        "The third meeting of the reference group was hosted by Nelson Mandela Bay "
        "Metropolitan Municipality with the aims of:",
        "",
        "* Sharing progress on the municipal expert directories",
        "* Agreeing the 2009 business plan",
        "",
        "Session 1 – Progress since February",
        "",
        "Nomsa Dlamini, KM manager at eThekwini Municipality, presented the eThekwini knowledge "
        "portal. [Presentation attached as Annexure A]",
        "",
        "Pieter van der Berg from Stellenbosch Municipality described the records digitisation "
        "project. [Report attached as annexure B]",
        "",
        "SESSION 2: The business plan",
        "",
        "Thabo Mokoena will circulate the revised business plan by 30 June 2009. The City of "
        "Tshwane offered to host the next meeting.",
    ]
)


def texts(proposals) -> list[tuple[str, str]]:
    return [(proposal.text, proposal.detail) for proposal in proposals]


def test_a_record_gives_its_title_days_host_and_aims():
    record = recognise_meeting_record(MAY_MEETING)
    assert record.title == "KMRG Quarterly Meeting, Nelson Mandela Bay"
    assert (record.starts_on, record.ends_on) == (date(2009, 5, 14), date(2009, 5, 15))
    assert record.host == "Nelson Mandela Bay Metropolitan Municipality"
    assert record.aims == (
        "Sharing progress on the municipal expert directories",
        "Agreeing the 2009 business plan",
    )


def test_sessions_people_annexures_and_actions_are_proposed_in_document_order():
    record = recognise_meeting_record(MAY_MEETING)
    assert [(p.kind, p.text) for p in record.proposals] == [
        (ProposalKind.SESSION, "Progress since February"),
        (ProposalKind.ATTENDEE, "Nomsa Dlamini"),
        (ProposalKind.ANNEXURE, "Annexure A: eThekwini knowledge portal"),
        (ProposalKind.ATTENDEE, "Pieter van der Berg"),
        (ProposalKind.ANNEXURE, "Annexure B: Records digitisation project"),
        (ProposalKind.SESSION, "The business plan"),
        (ProposalKind.ATTENDEE, "Thabo Mokoena"),
        (
            ProposalKind.ACTION,
            "Thabo Mokoena will circulate the revised business plan by 30 June 2009",
        ),
        (ProposalKind.ACTION, "The City of Tshwane offered to host the next meeting"),
    ]


def test_details_name_the_organisation_presenter_and_owner_the_record_gives():
    record = recognise_meeting_record(MAY_MEETING)
    assert texts(record.attendees) == [
        ("Nomsa Dlamini", "eThekwini Municipality"),
        ("Pieter van der Berg", "Stellenbosch Municipality"),
        ("Thabo Mokoena", ""),
    ]
    assert [p.detail for p in record.annexures] == [
        "Nomsa Dlamini (eThekwini Municipality)",
        "Pieter van der Berg (Stellenbosch Municipality)",
    ]
    assert [p.detail for p in record.actions] == ["Thabo Mokoena", "City of Tshwane"]
    assert [p.detail for p in record.sessions] == ["Session 1", "Session 2"]


MESSY_WORKSHOP = """Minutes: Knowledge sharing workshop
Tuesday 12 May 2009, Pietermaritzburg

Present:
1. Lindiwe Khumalo (City of Johannesburg)
2. Johan Pretorius, Drakenstein Municipality
3. Mr Sipho Ndlovu – Msunduzi Municipality

Objectives:
- ⌘ Compare how municipalities keep their lessons learnt
- ⌘ Plan a joint peer-assist visit

Ms Khumalo opened the workshop. The group agreed that exit
interviews should be recorded in the same way everywhere.

Actions:
- Circulate the workshop report (Owner: Lindiwe Khumalo)
- Johan Pretorius to collect case studies from the Western Cape by 15 August 2009
"""


def test_a_record_without_sessions_lists_people_aims_and_actions():
    record = recognise_meeting_record(MESSY_WORKSHOP)
    assert record.title == "Minutes: Knowledge sharing workshop"
    assert (record.starts_on, record.ends_on) == (date(2009, 5, 12), date(2009, 5, 12))
    assert record.sessions == ()
    assert record.host == ""
    assert record.aims == (
        "Compare how municipalities keep their lessons learnt",
        "Plan a joint peer-assist visit",
    )
    assert texts(record.attendees) == [
        ("Lindiwe Khumalo", "City of Johannesburg"),
        ("Johan Pretorius", "Drakenstein Municipality"),
        ("Sipho Ndlovu", "Msunduzi Municipality"),
    ]
    assert texts(record.actions) == [
        ("Circulate the workshop report", "Lindiwe Khumalo"),
        (
            "Johan Pretorius to collect case studies from the Western Cape by 15 August 2009",
            "Johan Pretorius",
        ),
    ]


def test_a_pronoun_that_owns_an_action_is_the_person_just_named():
    record = recognise_meeting_record(
        "Meeting of the reference group, 3 March 2011\n\n"
        "Zodwa Mthembu from Mangaung Metropolitan Municipality summarised the audit findings. "
        "She will send the audit template to every member city. "
        "It will be discussed again in June."
    )
    assert texts(record.actions) == [
        ("Zodwa Mthembu will send the audit template to every member city", "Zodwa Mthembu"),
    ]


def test_places_and_bodies_are_not_taken_for_people():
    record = recognise_meeting_record(
        "Workshop, 4 June 2010\n\n"
        "Buffalo City Municipality hosted a dinner for all delegates. "
        "Cape Town will host the next meeting. "
        "Nelson Mandela Bay Metropolitan Municipality launched its strategy in 2005. "
        "Learning Networks and Communities of Practice were discussed."
    )
    assert record.attendees == ()
    assert texts(record.actions) == [("Cape Town will host the next meeting", "Cape Town")]


@pytest.mark.parametrize(
    ("title_line", "days"),
    [
        ("Reference group meeting, 7 and 8 February 2008", (date(2008, 2, 7), date(2008, 2, 8))),
        ("Reference group meeting, 7–8 February 2008", (date(2008, 2, 7), date(2008, 2, 8))),
        ("Reference group meeting, 7 - 8 Feb 2008", (date(2008, 2, 7), date(2008, 2, 8))),
        ("Reference group meeting 12 May 2009", (date(2009, 5, 12), date(2009, 5, 12))),
        ("Reference group meeting, 30 June — 1 July 2010", (date(2010, 6, 30), date(2010, 7, 1))),
        ("Reference group meeting, February 7-8, 2008", (date(2008, 2, 7), date(2008, 2, 8))),
        ("Reference group meeting held on 2009-05-12", (date(2009, 5, 12), date(2009, 5, 12))),
        (
            "Reference group meeting, 30 December – 2 January 2010",
            (date(2009, 12, 30), date(2010, 1, 2)),
        ),
    ],
)
def test_the_days_are_read_however_the_title_writes_them(title_line, days):
    record = recognise_meeting_record(title_line + "\n\nThe group met.")
    assert (record.starts_on, record.ends_on) == days
    assert record.title == "Reference group meeting"


def test_a_title_running_into_the_text_stops_at_its_date():
    # A PDF's text arrives a page to a line.
    record = recognise_meeting_record(
        "Reference group meeting in Mangaung, 4 and 5 June 2010 The group met in Bloemfontein "
        "to review the year. " * 5
    )
    assert record.title == "Reference group meeting in Mangaung"
    assert (record.starts_on, record.ends_on) == (date(2010, 6, 4), date(2010, 6, 5))


def test_impossible_dates_and_long_spans_are_not_taken_as_the_meeting_days():
    assert recognise_meeting_record("Meeting, 31 February 2009").starts_on is None
    spread = recognise_meeting_record("Course, 1 – 28 March 2011")
    assert (spread.starts_on, spread.ends_on) == (date(2011, 3, 1), date(2011, 3, 1))


def test_markdown_headings_and_emphasis_are_read_through():
    record = recognise_meeting_record(
        "# Knowledge managers' meeting\n\n**Date:** 3 March 2011\n\n"
        "## Session 1: Opening and welcome\n\nThe meeting was hosted by the City of Cape Town.\n\n"
        "### **Session 2 — Portals**\n\nAnnexure C: Cape Town's portal roadmap\n"
    )
    assert record.title == "Knowledge managers' meeting"
    assert record.starts_on == date(2011, 3, 3)
    assert record.host == "City of Cape Town"
    assert texts(record.sessions) == [
        ("Opening and welcome", "Session 1"),
        ("Portals", "Session 2"),
    ]
    assert texts(record.annexures) == [("Annexure C: Cape Town's portal roadmap", "")]


def test_word_text_without_bullets_or_blank_lines_still_gives_the_aims():
    # What the extractor reads from a Word file: a line per paragraph, list bullets gone.
    record = recognise_meeting_record(
        "Reference group meeting in Polokwane, 9 September 2010\n"
        "The meeting was hosted by Polokwane Local Municipality with the aim of:\n"
        "Welcoming the Limpopo municipalities\n"
        "Reviewing the expert directory\n"
        "Session 1: Welcome\n"
        "Everyone introduced themselves."
    )
    assert record.aims == ("Welcoming the Limpopo municipalities", "Reviewing the expert directory")
    assert texts(record.sessions) == [("Welcome", "Session 1")]


def test_an_empty_record_recognises_nothing():
    record = recognise_meeting_record(" \n\r\n\t ")
    assert record.title == ""
    assert record.starts_on is None
    assert record.proposals == []


def test_a_very_long_record_is_read_only_so_far_and_proposes_a_bounded_number():
    sessions = "".join(f"Session {n % 99 + 1}: Topic {n}\n\n" for n in range(20_000))
    record = recognise_meeting_record("A very long record, 1 April 2012\n\n" + sessions)
    assert record.is_truncated
    assert len(record.sessions) == MAX_PER_KIND
    assert record.sessions[0].text == "Topic 0"
    assert len(sessions) > MAX_RECOGNISED_CHARS


def test_a_due_date_is_read_from_what_an_action_says():
    assert find_due_date("Circulate the report by 30 June 2009") == date(2009, 6, 30)
    assert find_due_date("Host the meeting due on 2 March 2010") == date(2010, 3, 2)
    assert find_due_date("Host the next meeting in May") is None


@pytest.mark.skipif(
    not list(SEEDS.glob("000_*.txt")),
    reason=f"the reference group's meeting record is not on this machine ({SEEDS}/000_*.txt)",
)
def test_the_reference_groups_record_of_february_2008():
    record = recognise_meeting_record(next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8"))
    assert (record.starts_on, record.ends_on) == (date(2008, 2, 7), date(2008, 2, 8))
    assert record.host == "Buffalo City Municipality"
    assert len(record.aims) == 4
    assert record.aims[0].startswith("Introducing new municipalities")
    assert [p.text for p in record.sessions] == [
        "Reflection and forming new partnerships",
        "Planning for 2008",
    ]
    assert [p.text.split(":")[0] for p in record.annexures] == [
        f"Annexure {letter}" for letter in "ABCDEF"
    ]
    assert "Annexure B: Government wide knowledge management system" in [
        p.text for p in record.annexures
    ]
    names = [p.text for p in record.attendees]
    assert "Kubeshni Govender-Jones" in names
    assert "Sithole Mbanga" in names
    assert "Cape Town" not in names
    owners = [p.detail for p in record.actions]
    assert "Kubeshni Govender-Jones" in owners
    assert {"Cape Town", "NMB", "Joburg"} <= set(owners)


def test_a_long_attendance_register_is_read_whole():
    first = [
        "Ayanda",
        "Bongi",
        "Chris",
        "Dineo",
        "Elna",
        "Fikile",
        "Gugu",
        "Hennie",
        "Itumeleng",
        "Jabu",
    ]
    last = ["Mokoena", "Naidoo", "Olivier", "Pillay", "Radebe", "Sithole", "Tshabalala", "Venter"]
    names = [f"{given} {family}" for given in first for family in last]
    register = "\n".join(f"{n + 1}. {name} (Msunduzi Municipality)" for n, name in enumerate(names))
    record = recognise_meeting_record(f"Register, 1 April 2012\n\nAttendance register:\n{register}")
    assert [p.text for p in record.attendees] == names
