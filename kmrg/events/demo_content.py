"""Demo meetings for ``kmrg demo``: pure data, no behaviour, written for the demo in our own words.

The reference group meets each quarter in a different member city. The demo series has four
past meetings (hosted by Buffalo City, Cape Town, Nelson Mandela Bay and Johannesburg) and two
planned ones (eThekwini and Tshwane). Dates are given as months and days from the day the demo
is loaded, so the planned meetings stay ahead and some actions are always overdue. The cities
and organisations are real and named by their codes; every person is invented: Hub people by
their demo e-mail addresses (kmrg/demo.py), guests by invented names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SERIES_TITLE = "SACN–SALGA Knowledge Management Reference Group"
SERIES_CONVENOR = "SACN"
SERIES_DESCRIPTION = """The reference group brings together the people who look after knowledge in
South Africa's cities and municipalities. It meets once a quarter, each time in a different member
city, so that members see each other's work on the ground, share what they have tried and agree
what to do together before the next meeting.

Meetings are open to members of the Hub; presentations are attached to each meeting as lettered
annexures."""


@dataclass(frozen=True)
class DemoSession:
    """An agenda session: a title, its day (0 = first) and clock times, who ran it and spoke."""

    title: str
    day: int
    starts: str
    ends: str
    notes: str
    facilitator: str = ""  # a demo e-mail, or "guest:Name"
    speakers: tuple[str, ...] = ()  # demo e-mails, or "guest:Name|Organisation"


@dataclass(frozen=True)
class DemoAnnexure:
    """A presentation or report, generated as a small document when the demo loads."""

    title: str
    presenter: str  # a demo e-mail, or "guest:Name"
    organisation: str  # organisation code
    session: int  # index into the meeting's sessions
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class DemoAction:
    """An action item: owned by a demo person (e-mail) or an organisation (code)."""

    description: str
    owner: str
    due_in_days: int  # from the day the demo is loaded; negative is in the past
    status: str  # open, in_progress, done, dropped
    updates: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoMeeting:
    """One meeting of the series, `months_from_now` from the day the demo loads."""

    host: str
    title: str
    months_from_now: int
    days: int
    venue: str
    aims: tuple[str, ...]
    sessions: tuple[DemoSession, ...] = ()
    annexures: tuple[DemoAnnexure, ...] = ()
    attendees: tuple[str, ...] = ()  # demo e-mails, or "guest:Name|Organisation"
    outcomes: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    minutes: str = ""
    actions: tuple[DemoAction, ...] = field(default_factory=tuple)
    visibility: str = "members"


MEETINGS: tuple[DemoMeeting, ...] = (
    DemoMeeting(
        host="BUF",
        title="Reference group meeting in Buffalo City: support for KM practitioners",
        months_from_now=-12,
        days=2,
        venue="East London, Buffalo City Metropolitan Municipality council chamber",
        visibility="public",
        aims=(
            "Welcome municipalities joining the reference group",
            "Find out what support KM practitioners in the cities need",
            "Agree a plan of action for municipalities, SACN and SALGA",
        ),
        sessions=(
            DemoSession(
                title="Where the cities stand with knowledge management",
                day=0,
                starts="09:00",
                ends="12:30",
                facilitator="admin@example.org",
                speakers=("champion.buf@example.org", "guest:Marlene Fourie|SACN"),
                notes="""A survey of KM units across the member cities opened the meeting. Units
placed in the municipal manager's office found it easier to get projects accepted across
departments; units tied to a single project risked closing with it. Several cities use the same
service providers for similar problems without comparing notes.""",
            ),
            DemoSession(
                title="Each city's KM plan for the year",
                day=1,
                starts="09:00",
                ends="13:00",
                facilitator="admin@example.org",
                speakers=("champion.buf@example.org", "champion.jhb@example.org"),
                notes="""Buffalo City and Johannesburg presented their plans. Both want a
directory of expertise across the cities and a place to keep case studies; Buffalo City offered
its revenue collection turnaround as a first case study to document together.""",
            ),
        ),
        annexures=(
            DemoAnnexure(
                title="Survey of KM units in the member cities",
                presenter="guest:Marlene Fourie",
                organisation="SACN",
                session=0,
                paragraphs=(
                    "Eight cities answered the survey. Five have a KM unit; three run KM through "
                    "champions in line departments.",
                    "Units close to the municipal manager report more support from senior "
                    "managers. The word Vukuzenzele marks this annexure in search.",
                ),
            ),
            DemoAnnexure(
                title="Buffalo City's knowledge management plan",
                presenter="champion.buf@example.org",
                organisation="BUF",
                session=1,
                paragraphs=(
                    "The plan trains councillors and staff, appoints a knowledge champion in "
                    "each directorate and documents three case studies a year.",
                    "First candidates: revenue collection, preparing for a major event, and "
                    "fast-tracking urban renewal.",
                ),
            ),
        ),
        attendees=(
            "admin@example.org",
            "champion.buf@example.org",
            "champion.jhb@example.org",
            "champion.cpt@example.org",
            "member.nmb@example.org",
            "guest:Marlene Fourie|SACN",
        ),
        outcomes=(
            "Members want a directory of expertise across the cities before anything else.",
            "Buffalo City's revenue collection turnaround will be the first shared case study.",
        ),
        decisions=(
            "Cape Town hosts the next meeting; Nelson Mandela Bay and Johannesburg the two after.",
            "The secretariat drafts a business plan for the reference group and circulates it.",
        ),
        minutes="""## Attendance
Members from five organisations attended; see the register.

## Summary
The meeting agreed that the reference group's first work is practical: a directory of people
who have solved a problem before, and a shared way of documenting case studies.

## Decisions
- Cape Town hosts the next meeting, then Nelson Mandela Bay and Johannesburg.
- The secretariat drafts a business plan and circulates it for comment.""",
        actions=(
            DemoAction(
                description="Draft the reference group's business plan and circulate it",
                owner="admin@example.org",
                due_in_days=-300,
                status="done",
                updates=("First draft circulated to members for comment.",),
            ),
            DemoAction(
                description="Document the revenue collection turnaround as a case study",
                owner="champion.buf@example.org",
                due_in_days=-250,
                status="done",
                updates=("Published on the Hub.",),
            ),
            DemoAction(
                description="Compare service providers used by KM units across the cities",
                owner="SACN",
                due_in_days=-200,
                status="dropped",
                updates=("Dropped: the survey of KM units covers what members needed.",),
            ),
        ),
    ),
    DemoMeeting(
        host="CPT",
        title="Reference group meeting in Cape Town: a peer assist on upgrading projects",
        months_from_now=-9,
        days=1,
        venue="Cape Town Civic Centre",
        aims=(
            "Give Cape Town's human settlements staff practical help through a peer assist",
            "Report back on the actions of the Buffalo City meeting",
        ),
        sessions=(
            DemoSession(
                title="Peer assist: capturing lessons from informal settlement upgrading",
                day=0,
                starts="09:00",
                ends="12:30",
                facilitator="champion.cpt@example.org",
                speakers=("member.cpt@example.org",),
                notes="""After a short site visit the hosts described their projects; visitors
then told of their own experience while the hosts listened. The hosts named three ideas to
try, each with an owner and a date.""",
            ),
            DemoSession(
                title="Report back on earlier actions",
                day=0,
                starts="13:30",
                ends="15:00",
                facilitator="admin@example.org",
                notes="""The business plan draft was discussed; members asked for a risk matrix
and a programme of shared learning events.""",
            ),
        ),
        annexures=(
            DemoAnnexure(
                title="Brief for the peer assist on upgrading projects",
                presenter="champion.cpt@example.org",
                organisation="CPT",
                session=0,
                paragraphs=(
                    "One question: how can project teams capture lessons as they go without "
                    "adding to their reporting?",
                    "Ground rule: no project is named outside the room. Search word: Qhubeka.",
                ),
            ),
        ),
        attendees=(
            "admin@example.org",
            "champion.cpt@example.org",
            "member.cpt@example.org",
            "champion.buf@example.org",
            "champion.eth@example.org",
            "guest:Pieter Jacobs|Western Cape Government",
        ),
        outcomes=("Cape Town will try project retrospectives and a lessons log from consultants.",),
        decisions=("Hosts of peer assists send a one-page brief two weeks before the meeting.",),
        minutes="""## Summary
Half the meeting was a peer assist for Cape Town's human settlements directorate; the other half
reported back on the Buffalo City actions.

## Decisions
- Hosts of a peer assist send a one-page brief two weeks ahead.""",
        actions=(
            DemoAction(
                description="Run a half-hour retrospective at each upgrading project milestone",
                owner="CPT",
                due_in_days=-120,
                status="done",
                updates=("Running on two projects; a third starts next quarter.",),
            ),
            DemoAction(
                description="Add a risk matrix to the business plan",
                owner="admin@example.org",
                due_in_days=-150,
                status="in_progress",
                updates=("Risks listed; ratings still to be agreed with SALGA.",),
            ),
        ),
    ),
    DemoMeeting(
        host="NMA",
        title="Reference group meeting in Nelson Mandela Bay: restarting a stalled KM strategy",
        months_from_now=-6,
        days=1,
        venue="Nelson Mandela Bay City Hall, Gqeberha",
        aims=(
            "Learn from a KM strategy that stalled after a change of leadership",
            "Agree how members keep case studies alive across political terms",
        ),
        sessions=(
            DemoSession(
                title="What happened to the strategy, and what is left of it",
                day=0,
                starts="09:30",
                ends="12:00",
                facilitator="member.nmb@example.org",
                speakers=("member.nmb@example.org",),
                notes="""The metro approved a KM strategy with executive support; a new mayor
and city manager set other priorities and little was implemented. What survived were the
people trained as champions and a habit of debriefing large projects.""",
            ),
        ),
        annexures=(
            DemoAnnexure(
                title="Nelson Mandela Bay's KM strategy: a candid review",
                presenter="member.nmb@example.org",
                organisation="NMA",
                session=0,
                paragraphs=(
                    "Approved with executive support; deprioritised after the change of "
                    "leadership; kept alive by trained champions.",
                    "Search word for this annexure: Phakamisa.",
                ),
            ),
        ),
        attendees=(
            "admin@example.org",
            "member.nmb@example.org",
            "champion.jhb@example.org",
            "champion.buf@example.org",
            "member.ekurhuleni@example.org",
        ),
        outcomes=("A strategy survives a change of leadership through people, not documents.",),
        decisions=("Members brief each new council on the reference group within its first year.",),
        minutes="""## Summary
Nelson Mandela Bay shared what became of its strategy; members agreed to brief new councils.""",
        actions=(
            DemoAction(
                description="Prepare a two-page briefing on the reference group for new councils",
                owner="champion.jhb@example.org",
                due_in_days=-30,
                status="open",
            ),
            DemoAction(
                description="Debrief the metro's bus rapid transit project as a case study",
                owner="NMA",
                due_in_days=-10,
                status="in_progress",
                updates=("Interviews held with the project team.",),
            ),
        ),
    ),
    DemoMeeting(
        host="JHB",
        title="Reference group meeting in Johannesburg: innovation and knowledge exchange",
        months_from_now=-3,
        days=2,
        venue="Metro Centre, Braamfontein",
        aims=(
            "See Johannesburg's innovation and knowledge exchange unit at work",
            "Agree the programme of shared learning for the coming year",
        ),
        sessions=(
            DemoSession(
                title="Inside the innovation and knowledge exchange unit",
                day=0,
                starts="09:00",
                ends="12:30",
                facilitator="champion.jhb@example.org",
                speakers=("champion.jhb@example.org",),
                notes="""The unit reports to the chief information officer and runs three kinds
of work: knowledge exchange, innovation and knowledge products. Its debriefs of large projects
and exit interviews were of most interest to visitors.""",
            ),
            DemoSession(
                title="The programme of shared learning",
                day=1,
                starts="09:00",
                ends="12:00",
                facilitator="admin@example.org",
                notes="""Members chose two priorities: a benchmark of KM initiatives across the
cities, and a collection of practices that break down silos between departments.""",
            ),
        ),
        annexures=(
            DemoAnnexure(
                title="Debriefs and exit interviews in Johannesburg",
                presenter="champion.jhb@example.org",
                organisation="JHB",
                session=0,
                paragraphs=(
                    "Every project over a set budget ends with a debrief recorded on video; "
                    "every senior manager who leaves is interviewed.",
                    "Search word for this annexure: Kopanela.",
                ),
            ),
        ),
        attendees=(
            "admin@example.org",
            "champion.jhb@example.org",
            "champion.buf@example.org",
            "champion.cpt@example.org",
            "champion.eth@example.org",
            "member.tshwane@example.org",
        ),
        outcomes=("Members want Johannesburg's debrief template to adapt for their own use.",),
        decisions=(
            "The year's shared learning: a benchmark of KM initiatives and a silo-busting practice "
            "collection.",
        ),
        minutes="""## Summary
Johannesburg showed its unit's work; members agreed the year's shared learning programme.

## Decisions
- A benchmark of KM initiatives across the cities.
- A collection of practices that break down silos.""",
        actions=(
            DemoAction(
                description="Share the debrief template with every member city",
                owner="champion.jhb@example.org",
                due_in_days=-45,
                status="open",
            ),
            DemoAction(
                description="Design the benchmark questionnaire on KM initiatives",
                owner="admin@example.org",
                due_in_days=20,
                status="in_progress",
                updates=("Questions drafted; testing with two cities.",),
            ),
            DemoAction(
                description="Collect three silo-busting practices from eThekwini",
                owner="ETH",
                due_in_days=40,
                status="open",
            ),
        ),
    ),
    DemoMeeting(
        host="ETH",
        title="Reference group meeting in eThekwini: District Development Model learning",
        months_from_now=2,
        days=2,
        venue="Durban ICC",
        aims=(
            "Learn from eThekwini's District Development Model pilot",
            "Review the benchmark of KM initiatives",
        ),
        sessions=(
            DemoSession(
                title="The DDM pilot: one plan for a district",
                day=0,
                starts="09:00",
                ends="12:30",
                facilitator="champion.eth@example.org",
                speakers=("champion.eth@example.org",),
                notes="",
            ),
        ),
        attendees=(
            "admin@example.org",
            "champion.eth@example.org",
            "champion.jhb@example.org",
            "champion.buf@example.org",
        ),
    ),
    DemoMeeting(
        host="TSH",
        title="Reference group meeting in Tshwane: e-government and public participation",
        months_from_now=5,
        days=1,
        venue="Tshwane House, Pretoria",
        aims=("See how Tshwane uses e-government in public participation",),
        attendees=("admin@example.org", "member.tshwane@example.org"),
    ),
)
