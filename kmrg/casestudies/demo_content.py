"""Demo case studies and lessons for ``kmrg demo``: pure data, no behaviour.

Everything here is written for the demo in the Hub's own words. The municipalities and partner
organisations are real and named by their codes (municipal demarcation codes such as BUF, DC15 or
KZN225; partner codes such as WC-DOTP from kmrg/organisations/data). Every person is invented:
authors, reviewers, editors and Hub owners are the demo accounts created by kmrg/demo.py and are
referred to only by their example.org e-mail addresses; external owners are invented people.
Figures are deliberately approximate ("about", "several", "roughly") and are not official
statistics.

How the loader is meant to read the data:

* ``DemoCaseStudy.status`` is the final workflow state. A published case study names its
  reviewer (a champion of the organisation or an administrator); drafts and submitted case
  studies have none. Where no demo champion belongs to the organisation (NMA, TSH, WC-DOTP),
  the write-up was done by a champion from another city and reviewed by the administrator; the
  "own organisation" rule refuses that, so the loader has the administrator enter these on the
  author's behalf (kmrg/casestudies/demo.py).
* ``owners`` entries are either a demo e-mail or ``"external:Name|Role|Organisation"``.
* ``revisions`` are replayed oldest first. Each ``DemoRevision.changes`` maps a section name
  (``title``, ``summary``, ``context``, ``challenge``, ``approach``, ``results`` or
  ``lessons_learned``) to the text that section had *before* that revision. Version 1 is
  therefore the case study with the changes of every revision applied (saved by the author);
  then, for each revision in order, the named sections are restored to their final text and
  saved by ``editor_email`` with ``note``. No two revisions of one case study touch the same
  section, so the final version always equals the fields of the ``DemoCaseStudy``.
* ``attachment_texts`` are (kind, title, text) with paragraphs separated by blank lines; the
  loader turns them into small PDF or DOCX files. Each contains one made-up code word that
  appears nowhere else in the demo content (see ``ATTACHMENT_ONLY_WORDS``), so a search for it
  proves that attachment text is indexed, and that a draft's attachment stays hidden.
* ``adaptations`` are "adapted here" records: (organisation code, what they changed, what
  happened).
"""

from __future__ import annotations

from dataclasses import dataclass

# The starter theme taxonomy (kmrg/themes/services.py), copied so this module imports nothing.
ALLOWED_THEMES: tuple[str, ...] = (
    "Revenue collection",
    "Urban renewal",
    "Integrated development planning",
    "District Development Model and One Plan",
    "E-government",
    "Local economic development",
    "Infrastructure",
    "Human settlements",
    "Knowledge-management practice",
    "Intergovernmental relations",
    "Major events",
    "Water and sanitation",
)

# The demo accounts that kmrg/demo.py creates and that may author, review, edit or own.
DEMO_EMAILS: tuple[str, ...] = (
    "admin@example.org",
    "champion.buf@example.org",
    "champion.jhb@example.org",
    "champion.msunduzi@example.org",
    "champion.cpt@example.org",
    "champion.eth@example.org",
    "member.cpt@example.org",
    "member.waterberg@example.org",
    "member.ortambo@example.org",
)

BODY_SECTIONS: tuple[str, ...] = ("context", "challenge", "approach", "results", "lessons_learned")
REVISABLE_SECTIONS: tuple[str, ...] = ("title", "summary", *BODY_SECTIONS)
STAGES: tuple[str, ...] = ("observation", "lesson", "validated")
STATUSES: tuple[str, ...] = ("published", "draft", "submitted")

# slug_hint -> a made-up word that occurs only inside that case study's attachment text.
ATTACHMENT_ONLY_WORDS: dict[str, str] = {
    "buf-revenue-collection-turnaround": "Ikhwezi",
    "buf-2010-world-cup-preparation": "Khanyisa",
    "buf-km-strategy-champions-expert-locator": "Sikhokelo",
    "jhb-innovation-knowledge-exchange-unit": "Kgolagano",
    "eth-ink-urban-renewal-node-learning": "Isibane",
    "msunduzi-informal-champions-km-slas": "Ubuhlalu",
    "nma-km-strategy-stalled-after-leadership-change": "Sondela",
    "or-tambo-ddm-pilot": "Lwandlekazi",
    "waterberg-ddm-pilot-workstreams": "Sediba",
    "ethekwini-ddm-metro-pilot": "Ukhozi",
    "western-cape-egovernment-strategy-review": "Klipspringer",
    "cpt-kmrg-meeting-peer-assist": "Bokmakierie",
    "tshwane-ward-based-idp-participation": "Tlhabologo",
    "cpt-pressure-management-drought": "Dassieklip",  # submitted: must stay hidden from the public
    "or-tambo-village-water-scheme-operators": "Amanzingwe",  # draft: must stay hidden
}


@dataclass(frozen=True)
class DemoLesson:
    """A lesson drawn from a case study."""

    title: str
    driving_event: str
    lesson: str
    recommendation: str
    evidence: str
    applies_to: str
    themes: tuple[str, ...]
    stage: str  # "observation" | "lesson" | "validated"


@dataclass(frozen=True)
class DemoRevision:
    """One edit in a case study's history; ``changes`` holds the text from before the edit."""

    editor_email: str
    note: str
    changes: dict[str, str]


@dataclass(frozen=True)
class DemoCaseStudy:
    """A case study with its lessons, history, attachments and reuse records."""

    slug_hint: str
    title: str
    summary: str
    organisation_code: str
    author_email: str
    reviewer_email: str | None
    status: str  # "published" | "draft" | "submitted"
    themes: tuple[str, ...]
    period_start_year: int
    period_end_year: int | None
    context: str
    challenge: str
    approach: str
    results: str
    lessons_learned: str
    links: tuple[tuple[str, str], ...]
    owners: tuple[tuple[str, str, bool], ...]
    lessons: tuple[DemoLesson, ...]
    revisions: tuple[DemoRevision, ...]
    attachment_texts: tuple[tuple[str, str, str], ...]
    adaptations: tuple[tuple[str, str, str], ...]


# --- Buffalo City: revenue collection ---------------------------------------------------------

_BUF_REVENUE = DemoCaseStudy(
    slug_hint="buf-revenue-collection-turnaround",
    title="Turning around revenue collection in Buffalo City",
    summary=(
        "Between 2005 and 2008 Buffalo City's revenue office raised its collection rate without "
        "buying a new billing system. It cleaned the account data it already held, registered "
        "qualifying poor households before sending final demands, opened more places to pay and "
        "gave councillors a monthly view of payment levels in their own wards. The city offered "
        "the story to the KMRG as one of three national learning projects; this write-up sets "
        "out the steps, the staff time they took and what other municipalities have reused."
    ),
    organisation_code="BUF",
    author_email="champion.buf@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=("Revenue collection", "Knowledge-management practice"),
    period_start_year=2005,
    period_end_year=2008,
    context=(
        "Buffalo City was assembled in 2000 from former town councils, townships and rural "
        "villages, and each of them brought its own way of keeping customer accounts. By the "
        "middle of the decade the revenue office ran one billing system fed by several "
        "inherited registers.\n\n"
        "- **Customers:** suburban ratepayers, township households on flat rates and villages "
        "with few metered connections.\n"
        "- **Staff:** a small credit-control section spread over three offices.\n"
        "- **Politics:** councillors were wary of disconnections ahead of local elections.\n\n"
        "Collection was slipping a little every year, and the debtor book was growing faster "
        "than the budget could absorb."
    ),
    challenge=(
        "The obvious response, a hard credit-control campaign, had already been tried and had "
        "backfired. When final demands went out in bulk, the call centre was swamped with "
        "disputes: bills addressed to people who had moved, accounts for demolished houses, and "
        "pensioners charged in full although they qualified for free basic services.\n\n"
        "The real problems were therefore:\n\n"
        "1. **Unreliable account data** that made every demand contestable.\n"
        "2. **An incomplete indigent register**, so poor households received bills they could "
        "never pay.\n"
        "3. **Few and distant pay points** for residents of Mdantsane and the rural wards.\n"
        "4. **No shared picture** of who was paying, which left councillors relying on anecdote."
    ),
    approach=(
        "A turnaround team drawn from finance, customer care and ward administration worked in "
        "four strands.\n\n"
        "### Clean the data first\n"
        "Accounts were matched against the valuation roll and the meter-reading routes. Ward "
        "committee members walked their streets with printouts to confirm occupants and "
        "addresses.\n\n"
        "### Register before you disconnect\n"
        "Registration days at community halls let qualifying households apply for indigent "
        "support on the spot.\n\n"
        "### Make paying easy\n"
        "Retail chains agreed to accept municipal payments, and the city's own cash halls stayed "
        "open later at month-end.\n\n"
        "### Firm, fair and visible credit control\n"
        "Letters in isiXhosa and English offered a payment arrangement before any restriction. "
        "A monthly revenue meeting chaired by the chief financial officer went through the "
        "figures ward by ward."
    ),
    results=(
        "Over roughly two years the collection rate climbed steadily, by several percentage "
        "points, and it held after the campaign ended. Other signs of change:\n\n"
        "- billing queries fell noticeably once the cleaned data was in use;\n"
        "- the indigent register grew substantially, which removed from the books amounts that "
        "could never be collected and made the budget more honest;\n"
        "- councillors started asking for their ward report before the monthly meeting, and "
        "some took it to ward meetings.\n\n"
        "**What did not change:** arrears built up over many years stayed large. Writing off "
        "debt that will never be recovered needed a separate council decision, and that debate "
        "took longer than all the operational work. The figures quoted are approximate and come "
        "from the revenue office's own monthly packs."
    ),
    lessons_learned=(
        "1. **Accurate bills come before firm collection.** Every demand based on bad data "
        "spends goodwill that is slow to rebuild.\n"
        "2. **Indigent registration is a revenue measure** as well as a social one: it separates "
        "households that cannot pay from those that will not.\n"
        "3. **Convenience pays.** More places to pay raised payments without any threat at all.\n"
        "4. **Ward-level numbers turn councillors into allies.** Once they could see their own "
        "ward, they defended the campaign instead of resisting it.\n"
        "5. **Start the write-off debate early**, because it is political and slow."
    ),
    links=(
        ("Monthly revenue meeting pack (public summary)", "https://example.org/kmrg/buf/revenue"),
        ("KMRG meeting notes, February 2008", "https://example.org/kmrg/meetings/2008-02"),
    ),
    owners=(
        ("champion.buf@example.org", "Author and knowledge-management contact", True),
        (
            "external:Mandla Gqeba|Revenue manager during the turnaround, now retired|"
            "Formerly Buffalo City",
            "Led the turnaround team",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Clean the billing data before chasing payment",
            driving_event=(
                "A bulk run of final demands produced a flood of disputes, many of them about "
                "bills sent to the wrong people or for properties that no longer existed."
            ),
            lesson=(
                "Credit control built on unreliable account data erodes trust and ties up the "
                "call centre, because every demand can be contested."
            ),
            recommendation=(
                "Before any collection drive, run a short data-cleansing sprint: match accounts "
                "to the valuation roll and meter routes, ask ward committee members to confirm "
                "occupants street by street, and correct the worst errors before the first "
                "letter goes out."
            ),
            evidence=(
                "Billing queries dropped noticeably in the months after the cleaned data went "
                "live, according to the revenue office's monthly packs."
            ),
            applies_to=(
                "Municipalities that merged several billing registers, or that have not verified "
                "their account data for some years."
            ),
            themes=("Revenue collection",),
            stage="validated",
        ),
        DemoLesson(
            title="Register indigent households before restricting anyone's services",
            driving_event=(
                "Pensioners and unemployed households who qualified for free basic services were "
                "receiving full bills and final demands."
            ),
            lesson=(
                "Indigent registration separates those who cannot pay from those who will not, "
                "and makes both the budget and credit control more credible."
            ),
            recommendation=(
                "Hold registration days at community halls in the weeks before a credit-control "
                "campaign, bring a verifier and the forms, and flag registered accounts so that "
                "they are excluded from demand runs."
            ),
            evidence=(
                "The register grew substantially during the campaign and the amount billed that "
                "could never be collected fell."
            ),
            applies_to="Any municipality with many low-income households on its billing system.",
            themes=("Revenue collection", "Human settlements"),
            stage="lesson",
        ),
        DemoLesson(
            title="Give councillors a monthly revenue report for their own ward",
            driving_event=(
                "Councillors opposed disconnections because they had no information about "
                "payment levels in their wards and heard only complaints."
            ),
            lesson=(
                "When councillors can see their own ward's numbers, they tend to defend fair "
                "credit control instead of blocking it."
            ),
            recommendation=(
                "Produce a one-page ward report every month (amount billed, amount paid, "
                "arrangements made, indigent registrations) and send it to each councillor "
                "before the revenue meeting."
            ),
            evidence=(
                "Within a few months councillors were asking for the report in advance, and "
                "several used it at ward meetings."
            ),
            applies_to="Municipalities where political support for credit control is fragile.",
            themes=("Revenue collection", "Integrated development planning"),
            stage="observation",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.buf@example.org",
            note="Added the caveat on old arrears after the finance directorate read the draft.",
            changes={
                "results": (
                    "Over roughly two years the collection rate climbed steadily, by several "
                    "percentage points. Billing queries fell, the indigent register grew "
                    "substantially and councillors began asking for their ward report before "
                    "the monthly revenue meeting."
                ),
            },
        ),
        DemoRevision(
            editor_email="admin@example.org",
            note="Rewrote the summary for the public listing.",
            changes={
                "summary": (
                    "This case study describes how the revenue office in Buffalo City improved "
                    "its collection rate between 2005 and 2008. It covers data cleansing, "
                    "indigent registration, pay points, credit control and the monthly revenue "
                    "meeting."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Ikhwezi".
        (
            "pdf",
            "Monthly revenue meeting pack: template",
            "This template sets out the pack the revenue office circulated three days before "
            "each monthly revenue meeting. It opens with a one-page summary of payments received "
            "against amounts billed, followed by one table per ward.\n\n"
            "Reconciled accounts were kept in a separate register that the team nicknamed the "
            "Ikhwezi ledger, after the morning-star emblem on its cover sheet. Only accounts in "
            "the Ikhwezi ledger were included in demand runs, which kept disputed accounts out "
            "of credit control until somebody had checked them.\n\n"
            "The last page lists the actions agreed at the previous meeting, who owns each one "
            "and whether it has been done.",
        ),
    ),
    adaptations=(
        (
            "MAN",
            "Ran the data-cleansing sprint with its meter-reading contractor instead of ward "
            "committee volunteers.",
            "Disputes fell in the pilot suburbs, but the contractor's extra days cost more than "
            "budgeted; the city now verifies one region per quarter.",
        ),
        (
            "LIM354",
            "Copied the ward revenue report and added a column for indigent registrations.",
            "Councillors used it at ward meetings, and the finance portfolio committee asked for "
            "it to become a standing item.",
        ),
    ),
)

# --- Buffalo City: 2010 FIFA World Cup -------------------------------------------------------

_BUF_2010 = DemoCaseStudy(
    slug_hint="buf-2010-world-cup-preparation",
    title="Preparing a non-host city for the 2010 FIFA World Cup",
    summary=(
        "Buffalo City staged no matches in 2010, but it expected visitors, wanted a share of "
        "the excitement and saw a chance to show off the Eastern Cape coast. From 2006 a small "
        "2010 unit coordinated upgrades to training grounds and transport, a public viewing "
        "area, volunteer ambassadors and help for small tourism businesses. This case study, "
        "one of the city's three national learning projects, looks at what paid off during the "
        "tournament and what was left behind once it ended."
    ),
    organisation_code="BUF",
    author_email="champion.buf@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=("Major events", "Infrastructure", "Local economic development"),
    period_start_year=2006,
    period_end_year=2010,
    context=(
        "South Africa won the right to host the 2010 tournament in 2004, and nine cities were "
        "chosen to stage matches. Buffalo City was not one of them, yet it lies on the coastal "
        "route between host cities and had a stadium and sports fields that could serve "
        "visiting teams or public events.\n\n"
        "Council set up a 2010 unit in the city manager's office with a handful of staff and a "
        "mandate to:\n\n"
        "- get the city ready for visitors and possible team base camps;\n"
        "- spend tournament-related grants well;\n"
        "- make sure local residents and businesses benefited.\n\n"
        "Almost all delivery depended on other directorates."
    ),
    challenge=(
        "The unit had a deadline that could not move, a programme spread across many "
        "directorates and no certainty that any team would choose the city as its base. The "
        "main difficulties were:\n\n"
        "- **Competing priorities:** event-related roads and facilities drew on the same budget "
        "as basic service backlogs.\n"
        "- **Coordination:** transport, safety, health, tourism and events staff each answered "
        "to a different manager.\n"
        "- **Expectations:** small businesses had heard talk of huge earnings and were heading "
        "for disappointment.\n"
        "- **After the final whistle:** nobody was yet responsible for looking after the "
        "facilities once the tournament was over."
    ),
    approach=(
        "The unit ran the programme as work-streams. Each was led by the line directorate but "
        "reported weekly to a single coordinating meeting.\n\n"
        "1. **Facilities:** training grounds were brought up to the standard visiting teams "
        "expected, and a public viewing area was prepared with screens, toilets and first aid.\n"
        "2. **Transport and safety:** a joint operations plan with police, traffic and emergency "
        "services was rehearsed at smaller events during the preceding year.\n"
        "3. **People:** a volunteer ambassador scheme, mostly for young unemployed residents, "
        "covered first aid, directions and looking after visitors.\n"
        "4. **Business readiness:** short courses for guest houses, taxi operators and crafters "
        "on grading, pricing and card payments, with frank messages about likely demand.\n\n"
        "Every project had to name who would own and maintain it after July 2010."
    ),
    results=(
        "The public viewing area drew steady crowds on match days and ran without serious "
        "incidents, and the joint operations plan became the template for large events in the "
        "years that followed.\n\n"
        "- Ambassadors left with a certificate and experience; a number later found work in "
        "hospitality.\n"
        "- Tourism businesses reported modest extra trade, mostly from South African fans, not "
        "the boom some had hoped for.\n"
        "- The upgraded training fields remained in use by local clubs and schools.\n\n"
        "**Weak spots:** where the post-event owner was named late, no maintenance budget was in "
        "place and the facility declined quickly. Because of this, the rule about naming owners "
        "was applied more strictly to later projects."
    ),
    lessons_learned=(
        "- **Name the legacy owner and the maintenance budget before approving any event "
        "project.** Facilities without an owner decline within a season or two.\n"
        "- **Rehearse joint operations at smaller events** well before the big one, so that "
        "police, traffic and emergency services know each other's procedures.\n"
        "- **Manage business expectations honestly.** Candid messages about likely demand "
        "avoided bitterness afterwards.\n"
        "- **Treat volunteer schemes as a skills investment**, ending with a recognised "
        "certificate and an introduction to employers.\n"
        "- **Non-host cities can still benefit**, mainly through domestic visitors and through "
        "facilities and systems that last."
    ),
    links=(
        ("2010 legacy facilities register (summary)", "https://example.org/kmrg/buf/2010-legacy"),
    ),
    owners=(
        ("champion.buf@example.org", "Author and knowledge-management contact", True),
        (
            "external:Siphokazi Ndamase|Coordinator of the 2010 unit, now a private events "
            "consultant|Independent",
            "Ran the 2010 programme",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Approve event projects only with a named post-event owner",
            driving_event=(
                "Some facilities upgraded for 2010 had no owner or maintenance budget after the "
                "tournament and deteriorated within a year."
            ),
            lesson=(
                "An event deadline pulls money into construction; without an owner named up "
                "front, nothing pulls money into upkeep afterwards."
            ),
            recommendation=(
                "Make a named legacy owner, a maintenance budget line and a planned post-event "
                "use conditions of approval for every event-related project, and check them "
                "again three months after the event."
            ),
            evidence=(
                "Facilities with an owner named from the start, such as the training fields, "
                "stayed in use; those named late did not."
            ),
            applies_to=(
                "Any municipality preparing for a major sporting, cultural or political event."
            ),
            themes=("Major events", "Infrastructure"),
            stage="validated",
        ),
        DemoLesson(
            title="Rehearse joint operations at smaller events first",
            driving_event=(
                "Police, traffic and emergency services had never run a joint operation of the "
                "size expected on match days."
            ),
            lesson=(
                "Agencies that have worked together at a few smaller events cope far better "
                "with the big one."
            ),
            recommendation=(
                "Pick two or three local events in the year before a major event, run them "
                "under the joint operations plan and hold a short debrief after each."
            ),
            evidence=(
                "Match days at the public viewing area ran without serious incidents, and the "
                "plan was reused for later events."
            ),
            applies_to="Cities and towns hosting large crowds for the first time.",
            themes=("Major events",),
            stage="lesson",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.buf@example.org",
            note="Added the weak spots after the 2011 review of legacy facilities.",
            changes={
                "results": (
                    "The public viewing area drew steady crowds on match days and ran without "
                    "serious incidents. Ambassadors gained experience, tourism businesses "
                    "reported some extra trade and the training fields are still in use."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Khanyisa".
        (
            "docx",
            "Public viewing area operations plan (extract)",
            "The operations plan for the public viewing area was known to the staff as "
            "Operation Khanyisa, because the screens and floodlights had to be switched on and "
            "tested every afternoon before kick-off.\n\n"
            "Each match day followed the same sequence: a safety walk-through at noon, gates "
            "open two hours before the match, a radio check between all agencies every hour "
            "and a short debrief the next morning.\n\n"
            "The plan named one officer in charge for each match day and a deputy who could "
            "take over at any time.",
        ),
    ),
    adaptations=(
        (
            "KZN225",
            "Reused the volunteer-ambassador briefing for the start of an annual canoe "
            "marathon, cut down to a single afternoon.",
            "Volunteers said they felt better prepared; the organisers asked for a first-aid "
            "module to be added.",
        ),
    ),
)

# --- Buffalo City: knowledge-management strategy ---------------------------------------------

_BUF_KM = DemoCaseStudy(
    slug_hint="buf-km-strategy-champions-expert-locator",
    title="Buffalo City's KM strategy: champions, case studies and an expert locator",
    summary=(
        "In 2008 Buffalo City adopted a knowledge-management strategy tied to its vision and IDP "
        "outcomes rather than to a technology purchase. With an international KM adviser on a "
        "two-year attachment, the city trained councillors and staff, appointed knowledge "
        "champions in each directorate, began documenting case studies, built a simple expert "
        "locator and recorded what long-serving staff knew before they retired. This case study "
        "looks at which of those projects took root and which faded."
    ),
    organisation_code="BUF",
    author_email="champion.buf@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=("Knowledge-management practice",),
    period_start_year=2008,
    period_end_year=2010,
    context=(
        "Buffalo City joined the Knowledge Management Reference Group early and hosted its "
        "meeting in February 2008. The municipality had lost many experienced officials through "
        "retirement and restructuring, and new staff often had to rediscover how things had "
        "been done before.\n\n"
        "The strategy had one overarching aim: to support the city's vision, values and "
        "outcomes by building a habit of learning and sharing. It named six projects:\n\n"
        "- training for councillors and staff;\n"
        "- a network of knowledge champions;\n"
        "- documented case studies;\n"
        "- an expert locator;\n"
        "- capturing institutional memory;\n"
        "- a KM portal on the intranet."
    ),
    challenge=(
        "The strategy had to prove its worth quickly to a council under service delivery "
        "pressure, with a very small core team. The specific obstacles were:\n\n"
        "- **Time:** champions were busy line managers, not full-time KM staff.\n"
        "- **Scepticism:** earlier IT projects had promised a great deal and left systems that "
        "few people used.\n"
        "- **Know-how walking out of the door:** several senior engineers and finance officials "
        "were due to retire within two years.\n"
        "- **Choosing what to write up:** everything seemed worth a case study, so nothing was "
        "actually being written."
    ),
    approach=(
        "The team deliberately put technology second.\n\n"
        "### Champions\n"
        "Each directorate nominated a champion, who took a short course in facilitation, "
        "interviewing and writing. Champions met monthly to compare progress.\n\n"
        "### Three priority case studies\n"
        "Instead of documenting everything, the city chose three stories that mattered to "
        "council: the revenue collection turnaround, preparations for the 2010 World Cup and "
        "the fast-tracking of urban renewal.\n\n"
        "### Expert locator\n"
        "A one-page form asked staff for their main areas of expertise, languages and past "
        "projects. Profiles went on the intranet, searchable by skill.\n\n"
        "### Institutional memory\n"
        "Retiring staff were interviewed during their notice period, with the colleague who "
        "would inherit their work in the room."
    ),
    results=(
        "- The three priority case studies were drafted, and two were presented at national "
        "KMRG meetings, which raised the city's standing in the network.\n"
        "- The champions network held together in most directorates and became the first port "
        "of call for questions between colleagues.\n"
        "- Exit interviews captured practical know-how, such as the quirks of old bulk water "
        "pipelines, that was written down nowhere else.\n"
        "- The expert locator started well, but profiles went stale within a year because "
        "nobody was required to update them.\n\n"
        "The portal was the slowest project. It proved useful mainly as a place to keep case "
        "studies and interview notes, not as a collaboration tool."
    ),
    lessons_learned=(
        "1. **Tie KM to outcomes the council already cares about.** Case studies on revenue, "
        "the World Cup and urban renewal gave the strategy political cover.\n"
        "2. **People before platforms.** Champions and interviews delivered value long before "
        "any software did.\n"
        "3. **Build in upkeep.** An expert locator needs a trigger for updates, such as the "
        "annual performance review.\n"
        "4. **Interview before the farewell lunch.** An exit interview in the notice period, "
        "with the successor present, passes on far more than a handover file.\n"
        "5. **Treat the portal as a filing cabinet first.** Collaboration features can wait "
        "until people are used to finding things there."
    ),
    links=(("Expert locator: how to create a profile", "https://example.org/kmrg/buf/experts"),),
    owners=(
        ("champion.buf@example.org", "Knowledge-management specialist and author", True),
        (
            "external:Tembeka Mavuso|Former head of the strategy and planning office|"
            "Formerly Buffalo City",
            "Sponsored the strategy",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Link expert-locator updates to the annual performance review",
            driving_event=(
                "Within a year of launch, most expert-locator profiles were out of date and "
                "staff stopped trusting the search results."
            ),
            lesson=(
                "A directory of expertise decays unless something in the normal working year "
                "prompts people to update it."
            ),
            recommendation=(
                "Keep the profile to a handful of fields and make checking it a step in the "
                "annual performance review, so that supervisors prompt the update."
            ),
            evidence=(
                "Profiles updated at review time stayed current; the rest went stale within "
                "about a year."
            ),
            applies_to="Any organisation running a staff skills directory or expert locator.",
            themes=("Knowledge-management practice",),
            stage="lesson",
        ),
        DemoLesson(
            title="Start with three case studies the council cares about",
            driving_event=(
                "Champions were asked to document good practice in general, and after several "
                "months no case study had been finished."
            ),
            lesson=(
                "A short list of case studies linked to council priorities gets written, and it "
                "earns KM political support."
            ),
            recommendation=(
                "Choose no more than three topics from the IDP's top priorities, give each a "
                "named author and a deadline, and present the results to council or a "
                "portfolio committee."
            ),
            evidence=(
                "All three priority case studies were drafted within the year, and two were "
                "presented nationally."
            ),
            applies_to="Municipalities starting a case-study programme with little capacity.",
            themes=("Knowledge-management practice", "Integrated development planning"),
            stage="validated",
        ),
        DemoLesson(
            title="Interview retiring experts with their successor in the room",
            driving_event=(
                "Several senior engineers were due to retire, and much of what they knew about "
                "old infrastructure was not written down."
            ),
            lesson=(
                "Knowledge passes best in a conversation between the leaver and the person who "
                "will do the work next."
            ),
            recommendation=(
                "Schedule a structured interview early in the notice period, invite the "
                "successor, and record the answers as a short note filed with the asset or "
                "project records."
            ),
            evidence=(
                "Interview notes captured practical details about bulk pipelines that "
                "successors later used during repairs."
            ),
            applies_to="Technical departments facing a wave of retirements.",
            themes=("Knowledge-management practice", "Infrastructure"),
            stage="lesson",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.buf@example.org",
            note="Made the results on the expert locator more candid after the annual review.",
            changes={
                "results": (
                    "- The three priority case studies were drafted.\n"
                    "- The champions network is active in most directorates.\n"
                    "- The expert locator is live and searchable by skill.\n"
                    "- The portal holds case studies and interview notes."
                ),
            },
        ),
        DemoRevision(
            editor_email="admin@example.org",
            note="Added context about the February 2008 KMRG meeting.",
            changes={
                "context": (
                    "Buffalo City's knowledge-management strategy aimed to support the city's "
                    "vision, values and outcomes by building a habit of learning and sharing. "
                    "It named six projects: training, champions, case studies, an expert "
                    "locator, institutional memory and a portal."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Sikhokelo".
        (
            "pdf",
            "Expert locator profile form",
            "The profile form was circulated under the project name Sikhokelo, a word for a "
            "guide, because its purpose was to point colleagues to the person who knows.\n\n"
            "It asks for five things only: areas of expertise in the person's own words, "
            "languages spoken, three projects worked on, the best way to reach them, and "
            "whether they are willing to mentor.\n\n"
            "Supervisors confirm the form at the annual performance review.",
        ),
    ),
    adaptations=(
        (
            "KZN225",
            "Cut the expert-locator form down to five fields and asked champions to fill in "
            "profiles for their teams.",
            "Most business units had profiles within about three months, although updates "
            "still lag.",
        ),
        (
            "NMA",
            "Used the retirement interview guide when a group of senior engineers retired.",
            "Successors reported fewer surprises in their first months in the job.",
        ),
    ),
)

# --- Johannesburg: innovation and knowledge exchange unit ------------------------------------

_JHB_KNOWLEDGE_EXCHANGE = DemoCaseStudy(
    slug_hint="jhb-innovation-knowledge-exchange-unit",
    title=(
        "Johannesburg's innovation and knowledge exchange unit: debriefs, exit interviews, "
        "micro-conferences and knowledge tourism"
    ),
    summary=(
        "Johannesburg set up a small innovation and knowledge exchange unit under the chief "
        "information officer in the city manager's office, with a mandate to offer knowledge "
        "services built around people rather than technology. Its programme followed the "
        "city's growth and development strategy and IDP, and ran in three strands: sharing "
        "knowledge, encouraging new ideas and producing written material. This case study "
        "concentrates on the four practices other cities asked about most: recorded project "
        "debriefs, exit interviews, short micro-conferences and structured visits from other "
        "municipalities."
    ),
    organisation_code="JHB",
    author_email="champion.jhb@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=("Knowledge-management practice", "Intergovernmental relations"),
    period_start_year=2007,
    period_end_year=2009,
    context=(
        "Johannesburg is a large metro with many departments and municipal entities, and a "
        "lesson learned in one of them seldom reached another. The city's long-term growth and "
        "development strategy asked for a more innovative administration, and the IDP included "
        "a commitment to better knowledge sharing.\n\n"
        "The unit was placed under the chief information officer in the **office of the city "
        "manager**, which gave it a view across departments and entities. Its business plan had "
        "three groups of activity:\n\n"
        "- **knowledge exchange:** debriefs, exit interviews, micro-conferences, knowledge "
        "tourism;\n"
        "- **innovation:** ideation sessions and managing promising ideas;\n"
        "- **knowledge products:** case studies, a portal and records of mayoral legacy "
        "projects."
    ),
    challenge=(
        "Three problems stood out:\n\n"
        "1. **Silos.** Departments and entities repeated one another's mistakes because there "
        "was no routine way of passing lessons across.\n"
        "2. **Turnover.** Skilled people left for the private sector or other spheres of "
        "government and took their know-how with them.\n"
        "3. **Visitor overload.** Other municipalities and delegations regularly asked to see "
        "Johannesburg projects. Each visit cost staff time, and the city learned little in "
        "return.\n\n"
        "The unit needed practices cheap enough to run often, attractive enough that busy "
        "managers would turn up, and a way of showing its value in terms the city manager "
        "would recognise."
    ),
    approach=(
        "### Project debriefs\n"
        "When a significant project closed, the unit facilitated a structured conversation, "
        "recorded on video, about what had been planned, what happened and why. Short edited "
        "clips were kept for induction and training.\n\n"
        "### Exit interviews\n"
        "Departing managers were offered a knowledge-focused exit interview covering key "
        "contacts, unfinished business and what they wished they had known on arrival.\n\n"
        "### Micro-conferences\n"
        "Ninety-minute sessions built around one problem, such as a delay that crossed "
        "departments, with two short talks and a facilitated discussion.\n\n"
        "### Knowledge tourism\n"
        "Visiting delegations were asked to send their questions in advance and to agree to "
        "share what they later did with what they had seen."
    ),
    results=(
        "- Debrief recordings became part of induction for new project managers, who said the "
        "frank accounts of delays were the most useful part.\n"
        "- Exit interviews surfaced unfinished commitments and external contacts that would "
        "otherwise have been lost, although uptake depended on line managers' goodwill.\n"
        "- Micro-conferences drew steady attendance and produced a handful of concrete fixes "
        "between departments.\n"
        "- Structured visits cut the staff time spent on each delegation, and a few visiting "
        "cities sent back accounts of what they had adapted, which the unit used as evidence "
        "of its value.\n\n"
        "The unit also proposed two national projects to the KMRG: a benchmarking audit of KM "
        "work across cities, and a collection of good practice on breaking down silos."
    ),
    lessons_learned=(
        "- **Record the debrief while the team is still together.** A few weeks after closure "
        "memories fade and people move on.\n"
        "- **Keep conferences micro.** One problem, ninety minutes and a named owner for every "
        "follow-up action.\n"
        "- **Make exit interviews routine**, not a favour, by putting them on the HR exit "
        "checklist.\n"
        "- **Turn visitors into partners.** Even an informal learning agreement with each "
        "delegation brings knowledge back to the host.\n"
        "- **Report value in the city manager's terms:** problems solved and time saved, not "
        "the number of events held."
    ),
    links=(
        ("Micro-conference calendar", "https://example.org/kmrg/jhb/micro-conferences"),
        ("Guide for visiting delegations", "https://example.org/kmrg/jhb/visits"),
    ),
    owners=(
        ("champion.jhb@example.org", "Innovation and knowledge exchange manager; author", True),
        (
            "external:Lindiwe Sebola|Former debrief facilitator, now a lecturer in public "
            "management|University of Johannesburg",
            "Designed the debrief format",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Hold and record project debriefs within a month of closure",
            driving_event=(
                "Project teams dispersed soon after completion, and later attempts to find out "
                "why a project had run late produced only guesses."
            ),
            lesson=(
                "A debrief held while the team is still together captures the real reasons "
                "behind delays and decisions; one held months later captures opinions."
            ),
            recommendation=(
                "Book the debrief before the project closes, keep it to two hours with a "
                "neutral facilitator and three questions (what was planned, what happened, "
                "why), and record it so that short clips can be used in induction."
            ),
            evidence=(
                "New project managers rated the recorded debriefs as the most useful part of "
                "their induction."
            ),
            applies_to="Any department running capital or change projects.",
            themes=("Knowledge-management practice",),
            stage="validated",
        ),
        DemoLesson(
            title="Run micro-conferences on a single cross-department problem",
            driving_event=(
                "Large internal conferences were expensive and well attended, yet produced few "
                "changes in how departments worked together."
            ),
            lesson=(
                "Short sessions focused on one concrete problem bring the right people together "
                "and end with decisions."
            ),
            recommendation=(
                "Hold a ninety-minute session over lunch on one named problem, invite the "
                "people who own each part of it, allow two short talks, and close by naming an "
                "owner and a date for each follow-up."
            ),
            evidence="Several sessions led directly to agreed fixes between departments.",
            applies_to="Large municipalities with many departments or municipal entities.",
            themes=("Knowledge-management practice",),
            stage="lesson",
        ),
        DemoLesson(
            title="Ask visiting delegations for their questions before and results after",
            driving_event=(
                "The city hosted frequent study tours that took up staff time and brought "
                "nothing back."
            ),
            lesson=(
                "A visit prepared around the visitors' questions is shorter and more useful, "
                "and a promise to report back turns it into two-way learning."
            ),
            recommendation=(
                "Ask every delegation for its questions two weeks ahead, match them to the "
                "right hosts, and agree that the visitors will send a short note of what they "
                "adapted within six months."
            ),
            evidence=(
                "Staff time per visit fell, and several visiting cities sent back accounts of "
                "what they had adapted."
            ),
            applies_to="Municipalities that receive many study tours.",
            themes=("Knowledge-management practice", "Intergovernmental relations"),
            stage="lesson",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.jhb@example.org",
            note="Added the section on knowledge tourism.",
            changes={
                "approach": (
                    "### Project debriefs\n"
                    "Structured conversations at project closure, recorded on video.\n\n"
                    "### Exit interviews\n"
                    "Knowledge-focused interviews with departing managers.\n\n"
                    "### Micro-conferences\n"
                    "Ninety-minute sessions on a single problem."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Kgolagano".
        (
            "docx",
            "Knowledge-focused exit interview guide",
            "This guide is for the interviewer. Allow an hour, and hold the interview in the "
            "first half of the notice period so that there is time to act on what is learned.\n\n"
            "Ask about the five most important external contacts, any commitments that are "
            "not yet finished, where the key files are kept and what the person wishes they "
            "had been told when they started.\n\n"
            "Completed interviews are filed in the Kgolagano register, a restricted folder "
            "that the successor and their manager can read.",
        ),
    ),
    adaptations=(
        (
            "TSH",
            "Ran monthly micro-conferences on blockages in IDP projects, chaired by a deputy "
            "city manager.",
            "Attendance was high at first and dropped when the chair rotated; a standing chair "
            "brought it back.",
        ),
        (
            "CPT",
            "Adopted the learning agreement for delegations visiting its informal settlement "
            "upgrading projects.",
            "There were fewer but better-prepared visits, and two cities sent back short reports.",
        ),
    ),
)

# --- eThekwini: urban renewal node-to-node learning -----------------------------------------

_ETH_URBAN_RENEWAL = DemoCaseStudy(
    slug_hint="eth-ink-urban-renewal-node-learning",
    title="Node-to-node learning in the Inanda, Ntuzuma and KwaMashu urban renewal node",
    summary=(
        "The Inanda, Ntuzuma and KwaMashu area in northern eThekwini was one of the national "
        "Urban Renewal Programme nodes. Because the programme had no budget of its own, the "
        "area-based management team depended on steering other departments' spending into the "
        "node and on learning from nodes in other cities. This case study describes the "
        "twinning visits, story writing and nodal fact sheets the team used between 2006 and "
        "2010, and what they taught about learning across nodes."
    ),
    organisation_code="ETH",
    author_email="champion.eth@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=("Urban renewal", "Human settlements", "Knowledge-management practice"),
    period_start_year=2006,
    period_end_year=2010,
    context=(
        "The Urban Renewal Programme began nationally in 2001 to tackle concentrated poverty "
        "and exclusion in a small number of urban townships, known as nodes. It spanned many "
        "sectors and all three spheres of government, but it came with **no dedicated "
        "funding**: nodes were expected to redirect existing budgets.\n\n"
        "In eThekwini, the node covering Inanda, Ntuzuma and KwaMashu was run by an area-based "
        "management team inside the municipality. By the middle of the decade the years of "
        "exploring and testing were over, and national government wanted nodes to turn their "
        "experience into models others could use. Requests for peer learning between nodes "
        "were growing."
    ),
    challenge=(
        "The team faced two linked problems.\n\n"
        "**Influence without money.** Progress in the node depended on housing, transport, "
        "health and education projects that belonged to other departments and spheres. Unless "
        "those budgets were steered into the area, plans stayed on paper.\n\n"
        "**Learning without method.** Visits to and from other nodes were frequent but tended "
        "to become tours. Teams came home with photographs and enthusiasm, seldom with an idea "
        "they could apply, and nobody wrote down what had been learned. When staff changed, "
        "the experience of earlier visits was lost altogether."
    ),
    approach=(
        "From 2007 the team changed both how it learned and how it tracked other people's "
        "spending.\n\n"
        "1. **Twinning with a purpose.** The node paired with a township node in another metro. "
        "Every visit had one question agreed beforehand, for example how to manage traders at "
        "a busy transport interchange.\n"
        "2. **Story writing.** After each visit, hosts and visitors wrote a short account of "
        "the project together, including what had gone wrong.\n"
        "3. **Nodal fact sheets.** A two-page sheet, updated every year, listed each "
        "department's capital projects in the node with their budgets and status.\n"
        "4. **Follow-through in IGR forums.** Gaps shown by the fact sheet were tabled at the "
        "intergovernmental forum, and named officials were asked to respond."
    ),
    results=(
        "- Visits became shorter, better prepared and more useful. Participants could name "
        "specific practices they had taken home, such as a way of allocating trading spaces "
        "at a taxi rank.\n"
        "- The stories were gathered into a small booklet, used to induct new area-based staff "
        "and shared with the national programme office.\n"
        "- The fact sheets made it obvious when a department had no projects in the node at "
        "all, which strengthened the team's hand in intergovernmental meetings.\n\n"
        "Not everything worked. Some sector departments supplied their data late, so the "
        "sheets were sometimes a year behind, and story writing slowed when the colleague who "
        "championed it moved to another post."
    ),
    lessons_learned=(
        "- **One visit, one question.** Agree the question beforehand and test the answer when "
        "you get home.\n"
        "- **Write the story together.** When host and visitor are co-authors, problems are "
        "described honestly rather than glossed over.\n"
        "- **Without a budget, information is your leverage.** A simple annual sheet of "
        "everyone's spending in the area changes the conversation in intergovernmental "
        "forums.\n"
        "- **Give every learning practice a second owner**, so that it survives staff changes.\n"
        "- **Share upwards as well as sideways.** National programme offices value short, "
        "honest stories from the ground."
    ),
    links=(("Nodal fact sheet (latest public version)", "https://example.org/kmrg/eth/ink-node"),),
    owners=(
        ("champion.eth@example.org", "Author and contact", True),
        (
            "external:Themba Cele|Former area-based manager for the node, now retired|"
            "Formerly eThekwini",
            "Led the area-based management team",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Give every twinning visit a single agreed question",
            driving_event=(
                "Exchange visits between urban renewal nodes had become tours that left "
                "visitors enthusiastic but with nothing specific to apply."
            ),
            lesson=(
                "A visit built around one question, agreed in advance, produces an answer the "
                "visitors can test at home."
            ),
            recommendation=(
                "Before any exchange visit, agree one question with the hosts, choose the site "
                "that best answers it, and ask the visitors to report within three months on "
                "whether the idea worked at home."
            ),
            evidence=(
                "Participants in question-led visits could name practices they had adopted; "
                "earlier visitors mostly could not."
            ),
            applies_to="Area-based programmes, twinning arrangements and study tours.",
            themes=("Urban renewal", "Knowledge-management practice"),
            stage="validated",
        ),
        DemoLesson(
            title="Publish an annual sheet of every sphere's spending in the area",
            driving_event=(
                "The area-based team had no budget of its own and could not see which "
                "departments were investing in the node."
            ),
            lesson=(
                "Making other departments' spending visible gives an unfunded coordinating "
                "team real influence."
            ),
            recommendation=(
                "Each year, ask every department and sphere for its capital projects in the "
                "area, publish a two-page summary and table the gaps at the intergovernmental "
                "forum with a request for a response."
            ),
            evidence=(
                "The sheets showed departments with no projects in the node, and the gaps "
                "became standing items at IGR meetings."
            ),
            applies_to="Area-based management teams and DDM hubs without their own budgets.",
            themes=("Urban renewal", "Intergovernmental relations"),
            stage="lesson",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.eth@example.org",
            note="Added what did not work, after comments from the former area-based manager.",
            changes={
                "results": (
                    "- Visits became shorter, better prepared and more useful.\n"
                    "- The stories were gathered into a booklet.\n"
                    "- The fact sheets strengthened the team's hand in intergovernmental "
                    "meetings."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Isibane".
        (
            "pdf",
            "Nodal fact sheet template",
            "The fact sheet template carried the working name Isibane, meaning a lamp, because "
            "it was meant to shed light on who was spending what in the node.\n\n"
            "Page one lists every capital project in the node by department and sphere, with "
            "its budget for the year and its status. Page two lists the gaps: needs identified "
            "in the area plan that no department has funded.\n\n"
            "The sheet is updated once a year, after provincial and national budgets are "
            "tabled.",
        ),
    ),
    adaptations=(
        (
            "CPT",
            "The Khayelitsha node adopted the one-question rule for its visits to other nodes.",
            "Visiting teams produced a written takeaway for the first time.",
        ),
        (
            "NMA",
            "The Motherwell node used the fact sheet format for its own area.",
            "The sheet showed two provincial departments with no projects in the node; one "
            "agreed to review its project list.",
        ),
    ),
)
# --- Msunduzi: informal champions network -----------------------------------------------------

_MSUNDUZI_CHAMPIONS = DemoCaseStudy(
    slug_hint="msunduzi-informal-champions-km-slas",
    title="Msunduzi's informal champions network and KM service-level agreements",
    summary=(
        "Msunduzi started knowledge management with no dedicated unit and no budget. An "
        "approved work plan was carried out by a part-time coordinator and champions from each "
        "business unit, who took on KM tasks on top of their normal jobs. When early support "
        "proved disappointing, the municipality introduced short KM service-level agreements "
        "with business units. This case study sets out what an informal model can achieve, "
        "where it struggles and which practices helped it last."
    ),
    organisation_code="KZN225",
    author_email="champion.msunduzi@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=("Knowledge-management practice",),
    period_start_year=2007,
    period_end_year=2009,
    context=(
        "Msunduzi, which includes Pietermaritzburg, the capital of KwaZulu-Natal, had neither "
        "a budget line nor a structure for knowledge management in 2007. Management "
        "nonetheless approved a KM work plan with three focus areas:\n\n"
        "1. leaders who pay attention to knowledge;\n"
        "2. a KM approach inside each business unit;\n"
        "3. a small internal KM team with the basic tools to support it.\n\n"
        "The plan was to be carried out by champions nominated by the business units and a "
        "coordinator, all of them doing KM work alongside their existing duties. It was an "
        "experiment in how far goodwill and good organisation could go without dedicated "
        "resources."
    ),
    challenge=(
        "The informal approach had obvious weaknesses:\n\n"
        "- **Verbal commitments** to take on KM work were forgotten as soon as operational "
        "pressure rose.\n"
        "- **Support was disappointing.** Several senior managers regarded KM as an extra "
        "rather than part of how work gets done.\n"
        "- **No budget** for software, travel or training beyond what partners offered.\n"
        "- **Consultants** were often hired for specialised work but left little knowledge "
        "behind when their contracts ended.\n\n"
        "The coordinator needed a way to turn goodwill into commitments that could be tracked, "
        "without creating paperwork that would put people off."
    ),
    approach=(
        "### Leadership first\n"
        "Short workshops showed senior managers examples, from their own departments, of work "
        "that had been repeated or lost.\n\n"
        "### Champions with written duties\n"
        "Champions were trained to run peer assists, retrospectives and debriefs, and their KM "
        "tasks were gradually written into their performance agreements.\n\n"
        "### KM service-level agreements\n"
        "Each willing business unit signed a one-page agreement with the coordinator, listing "
        "about three KM outputs for the year (for example, a debrief of a major project and a "
        "peer assist before a new one) and the support the coordinator would give. A simple "
        "roadmap showed when each output was due.\n\n"
        "### Smaller measures\n"
        "A skills-transfer clause in consultancy contracts, exit interviews and a link with "
        "the local university campus for student case-study writing."
    ),
    results=(
        "- Business units with a signed agreement delivered most of their listed outputs; "
        "units without one delivered almost none.\n"
        "- Writing champion duties into performance agreements reduced the number of champions "
        "who drifted away after their first year.\n"
        "- Several consultancy contracts now end with a workshop in which the consultant "
        "explains their models and data to municipal staff.\n"
        "- Students wrote a number of short case studies at no cost to the municipality.\n\n"
        "The model stayed fragile. When the coordinator was on leave, activity slowed, and the "
        "municipality's wider financial difficulties made it hard to argue for a dedicated KM "
        "post. Ideas for a national directory of expertise and a database to support peer "
        "assists were passed on to the KMRG."
    ),
    lessons_learned=(
        "1. **Informal can work if it is written down.** Performance agreements and "
        "service-level agreements turned verbal promises into commitments that could be "
        "tracked.\n"
        "2. **Start with the willing.** Agreements with a few enthusiastic business units "
        "produced examples that persuaded the rest.\n"
        "3. **Keep agreements short.** One page and three outputs a year is enough.\n"
        "4. **Make consultants teach.** A skills-transfer clause costs little and keeps "
        "knowledge in-house.\n"
        "5. **Plan for the coordinator's absence** with a deputy or a rotating lead champion.\n"
        "6. **Use free help.** Students and university partners can write case studies that "
        "the municipality has no time to write itself."
    ),
    links=(("KM service-level agreement: worked example", "https://example.org/kmrg/kzn225/sla"),),
    owners=(
        ("champion.msunduzi@example.org", "KM coordinator and author", True),
        (
            "external:Nokuthula Zondi|Lead champion in the finance business unit, since "
            "retired|Formerly Msunduzi",
            "Ran the first service-level agreement",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Write champions' KM duties into their performance agreements",
            driving_event=(
                "Champions who had agreed verbally to take on KM tasks dropped them whenever "
                "operational work piled up."
            ),
            lesson=(
                "Duties that are not written into performance agreements are treated as "
                "optional, however willing people are at the start."
            ),
            recommendation=(
                "Add two or three specific KM outputs to each champion's performance agreement, "
                "agreed with their line manager, and review them in the normal performance "
                "cycle."
            ),
            evidence=(
                "Fewer champions drifted away after their first year once duties were written down."
            ),
            applies_to="Any municipality running KM through part-time champions.",
            themes=("Knowledge-management practice",),
            stage="validated",
        ),
        DemoLesson(
            title="Use a one-page KM service-level agreement with each business unit",
            driving_event=(
                "Business units welcomed KM in principle but produced nothing, and the "
                "coordinator had no way of holding them to it."
            ),
            lesson=(
                "A short, signed agreement gives a business unit something concrete to deliver "
                "and the KM coordinator something concrete to support."
            ),
            recommendation=(
                "Agree about three KM outputs per business unit per year on one page, with "
                "dates and the support the KM team will give, and review progress quarterly "
                "with the unit's manager."
            ),
            evidence=(
                "Units with agreements delivered most of their outputs; units without "
                "agreements delivered almost none."
            ),
            applies_to="Municipalities without a dedicated KM budget or structure.",
            themes=("Knowledge-management practice",),
            stage="lesson",
        ),
        DemoLesson(
            title="Require skills transfer in every consultancy contract",
            driving_event=(
                "Consultants produced plans and models that municipal staff could not update "
                "once the contract ended."
            ),
            lesson="Knowledge stays in-house only if the contract requires it to.",
            recommendation=(
                "Include a skills-transfer clause in standard terms: named municipal "
                "counterparts, a handover workshop, and delivery of data and models in formats "
                "staff can open and update."
            ),
            evidence=(
                "Handover workshops became normal in several infrastructure planning contracts."
            ),
            applies_to="Any municipality that relies on consultants for specialist work.",
            themes=("Knowledge-management practice", "Infrastructure"),
            stage="lesson",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.msunduzi@example.org",
            note="Added the paragraph on fragility after peer comments at a KMRG meeting.",
            changes={
                "results": (
                    "- Business units with a signed agreement delivered most of their outputs.\n"
                    "- Writing duties into performance agreements kept champions involved.\n"
                    "- Consultants now run handover workshops.\n"
                    "- Students wrote short case studies at no cost."
                ),
            },
        ),
        DemoRevision(
            editor_email="admin@example.org",
            note="Clarified the three focus areas of the work plan.",
            changes={
                "context": (
                    "Msunduzi had no budget or structure for knowledge management in 2007, but "
                    "management approved a work plan. Champions and a coordinator would carry "
                    "it out alongside their existing duties."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Ubuhlalu".
        (
            "docx",
            "KM service-level agreement: one-page template",
            "The template was nicknamed the Ubuhlalu agreement, because each output was meant "
            "to be one bead on a string that the business unit could see growing over the "
            "year.\n\n"
            "Section one names the business unit, its manager and its champion. Section two "
            "lists up to three knowledge outputs with due dates. Section three states what the "
            "KM coordinator will provide, such as facilitation or a template.\n\n"
            "Both parties sign, and progress is reviewed each quarter.",
        ),
    ),
    adaptations=(
        (
            "DC15",
            "Used the one-page agreement between the district and its local municipalities "
            "for shared learning outputs.",
            "Two local municipalities signed at once; the others asked for it to go to the "
            "district IGR forum first.",
        ),
        (
            "BUF",
            "Added a skills-transfer clause to its standard consultancy terms.",
            "Handover workshops became routine for infrastructure planning contracts.",
        ),
    ),
)

# --- Nelson Mandela Bay: a strategy that stalled ------------------------------------------------

_NMA_STALLED = DemoCaseStudy(
    slug_hint="nma-km-strategy-stalled-after-leadership-change",
    title="When the sponsor leaves: Nelson Mandela Bay's stalled KM strategy",
    summary=(
        "Nelson Mandela Bay adopted a knowledge-management strategy with executive approval in "
        "2005, but after a change of executive mayor and city manager the strategy was quietly "
        "set aside and little of it was ever implemented. This case study was written during "
        "the KMRG's benchmarking audit of KM across member cities, with help from a former "
        "official who worked on the strategy. It is included because its lessons about "
        "sponsorship are among the most requested in the network."
    ),
    organisation_code="NMA",
    author_email="champion.jhb@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=("Knowledge-management practice", "Integrated development planning"),
    period_start_year=2005,
    period_end_year=2008,
    context=(
        "In 2005 the metro's executive approved a knowledge-management strategy. It was "
        "prepared in the strategy office and had the visible backing of the city manager of "
        "the day, who saw it as a way to improve coordination between directorates and to keep "
        "know-how during a period of high staff turnover.\n\n"
        "The strategy proposed a small KM team, a champions network, an intranet portal and a "
        "programme of case studies. It was launched at a management meeting and featured in "
        "internal newsletters.\n\n"
        "Within a short time, however, both the executive mayor and the city manager changed. "
        "The strategy had no line of its own in the IDP or the budget."
    ),
    challenge=(
        "The new leadership arrived with its own priorities and no personal link to the "
        "strategy. The people behind it faced:\n\n"
        "- **A sponsor gap:** nobody at executive level spoke up for KM.\n"
        "- **No institutional anchor:** the strategy had executive approval but was not built "
        "into the IDP, the service delivery and budget implementation plan, or anyone's "
        "performance agreement.\n"
        "- **Dispersal:** officials who had worked on it were moved to other tasks.\n"
        "- **A fragile reputation:** with no early results, KM was easy to dismiss as a "
        "nice-to-have.\n\n"
        "By early 2008 the metro told the KMRG that very little had been implemented."
    ),
    approach=(
        "This is a retrospective, not a rescue plan. The benchmarking team drew on three "
        "sources:\n\n"
        "1. **Interviews** with a former official from the strategy office and two managers "
        "who had been nominated as champions.\n"
        "2. **Documents:** the strategy, the approval minute and later IDP reviews, searched "
        "for any mention of KM.\n"
        "3. **Comparison** with cities whose KM work survived changes of leadership, especially "
        "where KM objectives were written into the IDP or performance agreements.\n\n"
        "The draft was sent to the interviewees for correction before review. A few low-cost "
        "practices had carried on informally, such as project debriefs in one directorate, and "
        "these were documented as well."
    ),
    results=(
        "The retrospective concluded that the strategy did not fail on its merits; it was "
        "never really tested. The main findings:\n\n"
        "- Its approval rested on a single executive decision and one sponsor's enthusiasm.\n"
        "- Nothing in the IDP, budget or performance system required anyone to report on KM, "
        "so it vanished from management agendas within months.\n"
        "- Where individual managers kept up debriefs, they did so because they found them "
        "useful, not because of the strategy.\n\n"
        "The findings fed into KMRG guidance for members on anchoring KM in municipal "
        "systems, and into a short briefing template for incoming municipal leaders."
    ),
    lessons_learned=(
        "- **Anchor KM in the system, not in a person.** Council adoption, an IDP objective and "
        "SDBIP indicators survive elections; a sponsor's enthusiasm does not.\n"
        "- **Brief new leaders early.** In their first months, show how KM serves their own "
        "priorities.\n"
        "- **Show a result before the sponsor moves on.** Pick one visible early win.\n"
        "- **Keep the cheap practices running.** Debriefs and peer assists need no budget and "
        "keep the idea alive.\n"
        "- **Document failures too.** This story has helped other cities more than many "
        "success stories."
    ),
    links=(("KMRG benchmarking audit: method note", "https://example.org/kmrg/benchmarking"),),
    owners=(
        ("champion.jhb@example.org", "Led the benchmarking audit and wrote this case study", True),
        (
            "external:Anele Mahlathi|Former strategy official, now an independent adviser|"
            "Independent",
            "Interviewee and fact-checker",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Put KM into the IDP and SDBIP, not only into an executive resolution",
            driving_event=(
                "An approved KM strategy was set aside within months of a change of executive "
                "mayor and city manager."
            ),
            lesson=(
                "Commitments that live only in a resolution and in one sponsor's enthusiasm do "
                "not survive a change of leadership."
            ),
            recommendation=(
                "Have council adopt the KM strategy, include a KM objective in the IDP, and "
                "attach one or two SDBIP indicators with a named responsible manager, so that "
                "progress is reported whoever is in office."
            ),
            evidence=(
                "Cities in the benchmarking audit whose KM work survived leadership changes had "
                "anchored it in the IDP or performance system; this metro had not."
            ),
            applies_to="Any municipality adopting a KM or other cross-cutting strategy.",
            themes=("Knowledge-management practice", "Integrated development planning"),
            stage="validated",
        ),
        DemoLesson(
            title="Brief incoming leaders on KM in their first hundred days",
            driving_event=(
                "The new executive mayor and city manager had never been told what the KM "
                "strategy was for or what it had started."
            ),
            lesson=(
                "New leaders adopt initiatives that help with their own priorities; they drop "
                "those nobody explains."
            ),
            recommendation=(
                "Prepare a two-page brief for incoming political and administrative leaders "
                "linking KM work to their stated priorities, and ask for a short meeting within "
                "their first hundred days."
            ),
            evidence=(
                "Where a similar brief was later used in another metro, the new city manager "
                "asked for regular KM reporting."
            ),
            applies_to="Municipalities approaching elections or a change of city manager.",
            themes=("Knowledge-management practice",),
            stage="lesson",
        ),
        DemoLesson(
            title="Keep no-cost practices alive when formal support disappears",
            driving_event=(
                "After the strategy stalled, one directorate quietly kept holding project debriefs."
            ),
            lesson=(
                "Low-cost practices that people find useful outlast formal programmes and keep "
                "a base for later revival."
            ),
            recommendation=(
                "When formal support is withdrawn, identify the two or three practices that "
                "cost nothing, such as debriefs and peer assists, and ask willing managers to "
                "keep them going."
            ),
            evidence="The directorate's debriefs continued for several years without a budget.",
            applies_to="KM teams facing budget cuts or loss of a sponsor.",
            themes=("Knowledge-management practice",),
            stage="observation",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.jhb@example.org",
            note="Included corrections from the interviewees.",
            changes={
                "context": (
                    "In 2005 the metro's executive approved a knowledge-management strategy "
                    "prepared by the strategy office. It proposed a KM team, champions, a portal "
                    "and case studies. Soon afterwards the executive mayor and the city manager "
                    "changed."
                ),
            },
        ),
        DemoRevision(
            editor_email="admin@example.org",
            note="Added the lesson about documenting failures.",
            changes={
                "lessons_learned": (
                    "- **Anchor KM in the system, not in a person.**\n"
                    "- **Brief new leaders early.**\n"
                    "- **Show a result before the sponsor moves on.**\n"
                    "- **Keep the cheap practices running.**"
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Sondela".
        (
            "pdf",
            "Briefing note template for incoming leaders",
            "The template is called the Sondela brief, from the word for drawing closer, "
            "because its job is to bring a new leader close to work that started before they "
            "arrived.\n\n"
            "Page one lists the leader's stated priorities and, next to each, one way in which "
            "knowledge work already supports it. Page two names the practices in use, the "
            "people who run them and one decision the leader is asked to make.\n\n"
            "Keep it to two pages and deliver it in person.",
        ),
    ),
    adaptations=(
        (
            "MAN",
            "Put a KM objective and two SDBIP indicators into its IDP review before local "
            "elections.",
            "The objective survived the new council's first review, although one indicator "
            "was reworded.",
        ),
        (
            "EKU",
            "Used the incoming-leader brief after a change of city manager.",
            "The new city manager asked for a quarterly KM report, which had not existed before.",
        ),
    ),
)

# --- O.R. Tambo: DDM pilot ------------------------------------------------------------------------

_OR_TAMBO_DDM = DemoCaseStudy(
    slug_hint="or-tambo-ddm-pilot",
    title="Piloting the District Development Model in O.R. Tambo",
    summary=(
        "O.R. Tambo, a largely rural Eastern Cape district with deep poverty and high "
        "unemployment, was the first of three places where national government piloted the "
        "District Development Model in 2019. The pilot produced a district profile accepted by "
        "all three spheres, a first tally of what government spends in the district, a launch "
        "shaped by consultations with communities and traditional leaders, and the start of a "
        "district hub. Written by a planner in the district, this case study records what "
        "worked and what later districts should do differently."
    ),
    organisation_code="DC15",
    author_email="member.ortambo@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=(
        "District Development Model and One Plan",
        "Intergovernmental relations",
        "Local economic development",
    ),
    period_start_year=2019,
    period_end_year=2020,
    context=(
        "Cabinet adopted the District Development Model in August 2019 so that national, "
        "provincial and local government would plan, budget and deliver together in each of "
        "the 44 districts and 8 metros. Three pilots were chosen to represent different "
        "settings, and O.R. Tambo was the rural one.\n\n"
        "The district consists mostly of villages under traditional authorities, with Mthatha "
        "as its main town. Poverty is deep, many households are headed by women or children, "
        "skills levels are low and training institutions are few. Yet there is **real "
        "economic potential** in farming, tourism and the ocean economy along the Wild Coast."
    ),
    challenge=(
        "The pilot had weeks to show that joined-up government could be more than a slogan. "
        "The specific difficulties were:\n\n"
        "- **Scattered information.** Each sphere held its own data, and nobody had a full "
        "picture of the projects under way in the district.\n"
        "- **Old and missing data.** Some statistics were several years out of date, and many "
        "national projects were not tied to any location.\n"
        "- **Projects without a clear rationale.** Some investments did not match local need, "
        "for instance facilities built where demand was low.\n"
        "- **Confusion about roles.** Many officials assumed that the One Plan was the "
        "district municipality's plan and that the district had to build and staff the hub."
    ),
    approach=(
        "### A shared profile\n"
        "An intergovernmental team compiled a district profile from national statistics, "
        "Treasury and audit reports, provincial plans and the IDPs and spatial frameworks of "
        "the local municipalities.\n\n"
        "### Following the money\n"
        "National and provincial departments were asked to list their projects in the "
        "district with locations and budgets, giving the first estimate of total government "
        "spending there.\n\n"
        "### Listening before launching\n"
        "Consultations with traditional leaders, faith groups, youth and women's organisations "
        "and business came before the launch, which took the form of a public imbizo.\n\n"
        "### After the launch\n"
        "A skills-gap analysis, a district hub supported by national cooperative governance, "
        "and the first steps towards a One Plan."
    ),
    results=(
        "- The profile gave the three spheres, for the first time, a **common starting point** "
        "that all of them accepted.\n"
        "- The spending tally showed which departments had a footprint in the district and "
        "which had none, and it exposed some duplication.\n"
        "- People at the consultations were overwhelmingly willing to work with government, "
        "while asking hard questions about promises made in the past.\n"
        "- The hub started work, but its role became clear only after repeated explanations "
        "that it extends national capacity and is not a new municipal unit.\n\n"
        "Gaps remained in data quality, in mapping national projects and in departments' "
        "ability to shift budgets that were already committed."
    ),
    lessons_learned=(
        "1. **Agree on the facts first.** A profile owned by all three spheres prevents a lot "
        "of argument later.\n"
        "2. **Ask for locations, not only budgets.** A project list without coordinates cannot "
        "be analysed on a map.\n"
        "3. **Date every indicator**, so that readers know how old each number is.\n"
        "4. **Explain roles in writing, early.** The One Plan belongs to all three spheres, and "
        "the hub is national capacity placed in the district.\n"
        "5. **Listen before launching.** Consultations with traditional leaders shaped the "
        "launch agenda and built trust."
    ),
    links=(("District profile (public summary)", "https://example.org/kmrg/dc15/ddm-profile"),),
    owners=(
        ("member.ortambo@example.org", "Municipal planner and author", True),
        (
            "external:Ayanda Mgudlwa|Retired municipal manager who advised the pilot team|"
            "Independent",
            "Adviser to the pilot",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Ask every department for project locations as well as budgets",
            driving_event=(
                "When departments' project lists were collected, many national projects had no "
                "location, so they could not be placed on the district map."
            ),
            lesson=(
                "Spending figures without coordinates show how much is spent but not where, "
                "which is what joint planning needs."
            ),
            recommendation=(
                "Issue one project template to all departments with fields for coordinates or "
                "ward, budget by year and status; follow up missing locations through the "
                "provincial treasury before the profile is finalised."
            ),
            evidence=(
                "Mapped projects could be compared with need and checked for duplication; "
                "unmapped ones could not."
            ),
            applies_to="Districts and metros preparing a DDM profile or One Plan.",
            themes=(
                "District Development Model and One Plan",
                "Intergovernmental relations",
            ),
            stage="validated",
        ),
        DemoLesson(
            title="Date-stamp every indicator in a district profile",
            driving_event=(
                "Some statistics in the draft profile turned out to be several years old, and "
                "readers could not tell which numbers were current."
            ),
            lesson=(
                "Old data is usable if it is labelled; unlabelled old data undermines the whole "
                "profile."
            ),
            recommendation=(
                "Record the source and reference year beside each indicator and list the "
                "oldest figures on the first page, with a plan to update them."
            ),
            evidence=(
                "Validation workshops spent less time disputing numbers once their age was visible."
            ),
            applies_to="Anyone compiling a district, metro or ward profile.",
            themes=(
                "District Development Model and One Plan",
                "Integrated development planning",
            ),
            stage="observation",
        ),
        DemoLesson(
            title="Put the roles of the One Plan and the hub in writing at the start",
            driving_event=(
                "Officials assumed the One Plan was the district municipality's own plan and "
                "that the district had to set up and pay for the hub."
            ),
            lesson=(
                "Misunderstood roles slow a joint programme down more than a lack of resources "
                "does."
            ),
            recommendation=(
                "Circulate a one-page note at the first technical meeting stating who owns the "
                "One Plan (all three spheres), who establishes and staffs the hub, and what "
                "each sphere is expected to contribute."
            ),
            evidence=(
                "Confusion about the hub continued until the roles were explained in writing "
                "and repeated at several meetings."
            ),
            applies_to="Districts and metros joining the DDM roll-out.",
            themes=(
                "District Development Model and One Plan",
                "Intergovernmental relations",
            ),
            stage="lesson",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="member.ortambo@example.org",
            note="Added the point about confused roles after comments from the hub manager.",
            changes={
                "challenge": (
                    "The pilot had weeks to show that joined-up government could work. Data was "
                    "scattered across the spheres, some statistics were out of date, and many "
                    "national projects had no location."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Lwandlekazi".
        (
            "pdf",
            "District profile data-source register",
            "This register lists every source used in the district profile. It was filed "
            "under the working title Lwandlekazi, a nod to the coastline that runs along the "
            "district.\n\n"
            "For each indicator the register records the source, the reference year, the "
            "person who supplied it and whether it has been checked with the responsible "
            "department.\n\n"
            "Indicators older than three years are marked for updating before the next review.",
        ),
    ),
    adaptations=(
        (
            "DC44",
            "Reused the data-source register when compiling its own profile in the roll-out phase.",
            "Stale indicators were flagged up front, which shortened the validation workshop.",
        ),
        (
            "DC12",
            "Asked sector departments for project coordinates from the very first request.",
            "About half supplied them at first; the rest were followed up through the "
            "provincial treasury.",
        ),
    ),
)

# --- Waterberg: DDM pilot ------------------------------------------------------------------------

_WATERBERG_DDM = DemoCaseStudy(
    slug_hint="waterberg-ddm-pilot-workstreams",
    title="Waterberg's DDM pilot: organising work-streams around a mining economy",
    summary=(
        "Waterberg, a Limpopo district whose economy leans on coal and platinum mining, "
        "farming and game tourism, was the last of the three District Development Model pilots "
        "to launch, in late 2019. The pilot organised its work in intergovernmental "
        "work-streams, split the content stream into focal areas and put mining companies' "
        "investment plans in the same picture as government spending. This case study "
        "describes how the work-streams were set up and what they showed about the limits of "
        "the planning and budget cycle."
    ),
    organisation_code="DC36",
    author_email="member.waterberg@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=(
        "District Development Model and One Plan",
        "Intergovernmental relations",
        "Local economic development",
    ),
    period_start_year=2019,
    period_end_year=2020,
    context=(
        "Waterberg is a large, thinly populated district in western Limpopo. Coal and platinum "
        "mining, with the power station and mine expansions that come with them, drive much of "
        "the economy, alongside farming and game ranching. Mining companies' social and labour "
        "plans pay for community projects, and more private investment was expected.\n\n"
        "The district and its local municipalities face familiar problems: uneven services, "
        "skills shortages, unemployed young people and settlements around mines that grow "
        "faster than their infrastructure. Because the pilot came after O.R. Tambo and "
        "eThekwini, it could learn from both."
    ),
    challenge=(
        "- **Many actors:** three spheres, several sector departments, state-owned companies "
        "and mining houses all had plans for the same places.\n"
        "- **Private money outside government's view:** social and labour plan commitments and "
        "future mining investment appeared in no government plan.\n"
        "- **A tight timeline:** the launch date was set nationally, leaving only weeks for "
        "the content work.\n"
        "- **Committed budgets:** by the time problems were identified, most departmental "
        "budgets for the year were already allocated, leaving little room to respond.\n\n"
        "The team had to organise a large group of people quickly without losing depth on the "
        "mining economy."
    ),
    approach=(
        "The pilot ran through intergovernmental **work-streams** reporting to a coordinating "
        "forum, with the province's director-general and a deputy director-general from "
        "national cooperative governance sharing the chair.\n\n"
        "1. **A content work-stream split into focal areas:** economy and mining, "
        "infrastructure and services, social development, and governance. Each focal area had "
        "a lead official and a short list of questions.\n"
        "2. **Communications and logistics** ran the launch separately, so that the content "
        "team could keep working.\n"
        "3. **Mining investment** was captured by asking companies for their social and labour "
        "plan projects and planned investments, shown next to government spending.\n"
        "4. **The provincial triangle:** the Office of the Premier, provincial cooperative "
        "governance and the provincial treasury met weekly to clear blockages."
    ),
    results=(
        "- The focal areas let specialists work in parallel and produced a profile with more "
        "depth on the mining economy than a single team could have managed.\n"
        "- Showing private investment beside public spending made clear how large a part "
        "mining plays in the district's future, and where public infrastructure would need to "
        "keep pace.\n"
        "- Participants credited the weekly provincial triangle meeting as the main reason "
        "decisions were made quickly.\n"
        "- Some urgent community needs could not be met in the same year because budgets were "
        "already committed, which disappointed people at the launch.\n\n"
        "The pilot also confirmed that the skills-gap analysis and the hub would take longer "
        "than the launch timetable suggested."
    ),
    lessons_learned=(
        "- **Split content by economic driver.** Focal areas with named leads keep a large "
        "team moving and produce depth where it matters.\n"
        "- **Count private investment too.** In a mining district, leaving it out gives a "
        "misleading picture of where development will happen.\n"
        "- **Make the provincial triangle work.** Together, the Premier's office, provincial "
        "cooperative governance and the provincial treasury can unblock most provincial "
        "issues.\n"
        "- **Time requests with the budget cycle.** Asking for reprioritisation after budgets "
        "are committed raises expectations that cannot be met that year.\n"
        "- **Expect the follow-up to take longer than the launch.** Plan and resource the "
        "skills-gap analysis and the hub as separate pieces of work."
    ),
    links=(("Work-stream structure diagram", "https://example.org/kmrg/dc36/ddm-workstreams"),),
    owners=(
        ("member.waterberg@example.org", "IDP manager and author", True),
        (
            "external:Johanna Mokwena|Former secretariat lead of the content work-stream|"
            "Limpopo provincial government",
            "Coordinated the focal areas",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Split the content work-stream into focal areas with named leads",
            driving_event=(
                "A single content team of officials from all three spheres was too large to "
                "make progress in the few weeks before the launch."
            ),
            lesson=(
                "Smaller focal areas, each with a lead and a short list of questions, let "
                "specialists work in parallel without losing coherence."
            ),
            recommendation=(
                "Divide the content work-stream by the district's main economic and service "
                "themes, give each a named lead and three to five questions, and bring the "
                "leads together weekly."
            ),
            evidence=(
                "The profile had more depth on the mining economy than the other pilots' "
                "profiles had on their own economies."
            ),
            applies_to="Districts with a dominant economic sector preparing a One Plan.",
            themes=(
                "District Development Model and One Plan",
                "Intergovernmental relations",
            ),
            stage="lesson",
        ),
        DemoLesson(
            title="Meet weekly as the provincial triangle: Premier's office, CoGTA and treasury",
            driving_event=(
                "Provincial blockages held up the pilot until the three central provincial "
                "departments started meeting every week."
            ),
            lesson=(
                "When the Office of the Premier, provincial cooperative governance and the "
                "provincial treasury agree on their roles and meet regularly, intergovernmental "
                "work moves quickly."
            ),
            recommendation=(
                "Set up a standing weekly meeting of the three departments for the duration of "
                "the planning effort, with written roles and one named political and one named "
                "administrative lead."
            ),
            evidence=(
                "Participants in all three pilots named this partnership as the main reason "
                "for quick decisions; where roles were unclear, progress slowed."
            ),
            applies_to="Any province coordinating a DDM space or a joint programme.",
            themes=(
                "Intergovernmental relations",
                "District Development Model and One Plan",
            ),
            stage="validated",
        ),
        DemoLesson(
            title="Time reprioritisation requests to the budget cycle",
            driving_event=(
                "Needs raised at the launch could not be funded that year because departmental "
                "budgets were already committed."
            ),
            lesson=(
                "Joint planning raises expectations that the budget cycle cannot meet unless "
                "requests arrive before budgets are set."
            ),
            recommendation=(
                "Map the budget calendars of the departments involved and table One Plan "
                "priorities before their budget submissions close; tell communities plainly "
                "which year a request can first be funded."
            ),
            evidence=(
                "Urgent requests made after budgets were fixed were deferred, which "
                "disappointed stakeholders at the launch."
            ),
            applies_to="DDM spaces and any municipality seeking sector department funding.",
            themes=(
                "District Development Model and One Plan",
                "Integrated development planning",
            ),
            stage="observation",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="member.waterberg@example.org",
            note="Added the finding about committed budgets.",
            changes={
                "results": (
                    "- The focal areas let specialists work in parallel.\n"
                    "- Private investment was shown beside public spending.\n"
                    "- The weekly provincial triangle meeting sped up decisions."
                ),
            },
        ),
        DemoRevision(
            editor_email="admin@example.org",
            note="Checked terms against the DDM implementation framework.",
            changes={
                "approach": (
                    "The pilot ran through work-streams: content (split into focal areas), "
                    "communications and logistics. Mining companies were asked for their "
                    "investment plans, and provincial departments met weekly."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Sediba".
        (
            "docx",
            "Content work-stream terms of reference",
            "The content work-stream gathers and checks the evidence for the district profile "
            "and the One Plan. It reports weekly to the coordinating forum.\n\n"
            "Each focal area keeps its open questions in a shared workbook called Sediba, named "
            "after the word for a spring or well, and closes a question only when the answer "
            "has a source.\n\n"
            "Members come from all three spheres. Mining companies are invited to the economy "
            "and mining focal area.",
        ),
    ),
    adaptations=(
        (
            "DC47",
            "Copied the focal-area split and added one for water, because of the district's "
            "bulk supply problems.",
            "The water focal area produced a joint list of priority schemes for the One Plan.",
        ),
    ),
)

# --- eThekwini: DDM metro pilot --------------------------------------------------------------

_ETH_DDM = DemoCaseStudy(
    slug_hint="ethekwini-ddm-metro-pilot",
    title="eThekwini's DDM pilot: building on a metro's own research and planning",
    summary=(
        "eThekwini was the metro pilot of the District Development Model in 2019. Unlike the "
        "two district pilots, it already had a research function, a Built Environment "
        "Performance Plan and years of engagement through National Treasury's City Support "
        "Programme, so it could supply much of the content itself. This case study describes "
        "how the metro organised its part of the pilot, how existing plans were reused, and "
        "why the experience supports treating metros differently in the DDM roll-out."
    ),
    organisation_code="ETH",
    author_email="champion.eth@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=(
        "District Development Model and One Plan",
        "Integrated development planning",
        "Intergovernmental relations",
        "Human settlements",
    ),
    period_start_year=2019,
    period_end_year=2020,
    context=(
        "eThekwini, centred on Durban, is one of the country's largest metros, with a major "
        "port, a varied economy and large informal settlements. As part of the City Support "
        "Programme it prepared a **Built Environment Performance Plan (BEPP)** every year, "
        "linking its spatial strategy to infrastructure and human settlements budgets, and it "
        "had its own research on housing, tourism and the economy.\n\n"
        "The metro pilot was launched in October 2019, between the O.R. Tambo and Waterberg "
        "launches. Opportunities in the ocean economy, tourism and agriculture featured "
        "strongly in its profile."
    ),
    challenge=(
        "- **Avoiding duplication:** the metro already had a long-term plan, an IDP, a spatial "
        "framework and the BEPP. A new profile risked repeating or contradicting them.\n"
        "- **Fit for a metro:** much DDM guidance had been written with districts in mind, "
        "where local municipalities lack capacity. The metro needed a lighter and different "
        "kind of support.\n"
        "- **Coordination at scale:** dozens of national and provincial departments and "
        "state-owned companies spend money in the metro, often without reference to each "
        "other.\n"
        "- **Launch pressure:** the launch date was fixed nationally, and event logistics "
        "threatened to swallow the planners' time."
    ),
    approach=(
        "### Three work-streams\n"
        "The pilot had separate **content**, **communications** and **logistics** "
        "work-streams, so that planners could keep working while others ran the launch.\n\n"
        "### Reuse before research\n"
        "The content stream started from the BEPP, the spatial framework and the metro's "
        "research reports, and commissioned new work only to fill gaps.\n\n"
        "### Existing IGR structures\n"
        "Instead of new committees, progress reports went through the metro's and the "
        "province's existing intergovernmental forums.\n\n"
        "### The whole of public spending\n"
        "National, provincial and metro budgets, plus the large programmes of state-owned "
        "companies, were compiled to show the full picture of public investment in the metro."
    ),
    results=(
        "- The metro contributed a much richer evidence base than the district pilots could, "
        "and the profile was ready in time for the launch.\n"
        "- Using existing IGR forums kept the process familiar and avoided meeting fatigue.\n"
        "- The spending picture showed how much public investment in the metro comes from "
        "national departments and state-owned companies, which strengthened the case for "
        "joint planning.\n"
        "- National officials concluded that metros with strong planning capability should be "
        "handled differently in the roll-out, with the One Plan building on the BEPP rather "
        "than replacing it.\n\n"
        "How state-owned companies' plans would be aligned in practice remained an open "
        "question."
    ),
    lessons_learned=(
        "1. **Start from what the metro already has.** The BEPP and the metro's research are "
        "the best foundation for a One Plan profile.\n"
        "2. **Protect the planners from the launch.** Give content, communications and "
        "logistics separate work-streams and leads.\n"
        "3. **Use existing IGR forums** before creating new ones; people already know how they "
        "work.\n"
        "4. **Differentiate.** Capable metros need lighter, different support from national "
        "government than districts whose municipalities lack capacity.\n"
        "5. **Count every public spender.** State-owned companies' programmes belong in the "
        "picture even while the way of aligning them is still being worked out."
    ),
    links=(("Metro profile and BEPP cross-reference", "https://example.org/kmrg/eth/ddm-profile"),),
    owners=(
        ("champion.eth@example.org", "DDM pilot knowledge lead and author", True),
        (
            "external:Devan Pillay-Moodley|Former BEPP coordinator, now a planning "
            "consultant|Independent",
            "Linked the profile to the BEPP",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Build the One Plan profile on the BEPP and existing research",
            driving_event=(
                "The pilot needed a metro profile within weeks, while the metro already held "
                "a BEPP, a spatial framework and its own research."
            ),
            lesson=(
                "Reusing a metro's existing plans is faster and keeps the One Plan consistent "
                "with what council has already adopted."
            ),
            recommendation=(
                "Begin the profile with a cross-reference table from each required topic to "
                "the BEPP, spatial framework or research report that covers it, and commission "
                "new work only where the table shows a gap."
            ),
            evidence=(
                "The metro's profile was ready for the launch and was richer than those of "
                "the district pilots."
            ),
            applies_to="Metros and large cities with a BEPP or equivalent spatial plan.",
            themes=(
                "District Development Model and One Plan",
                "Integrated development planning",
                "Human settlements",
            ),
            stage="validated",
        ),
        DemoLesson(
            title="Separate content, communications and logistics work-streams",
            driving_event=(
                "A fixed national launch date threatened to pull planners into event arrangements."
            ),
            lesson=(
                "Separate work-streams with their own leads protect the planning work from the "
                "demands of a high-profile event."
            ),
            recommendation=(
                "Appoint separate leads for content, communications and logistics from the "
                "first meeting, and let the content lead decline event tasks."
            ),
            evidence=(
                "Planners kept working on the profile through the launch period, and the "
                "profile was finished on time."
            ),
            applies_to="Any joint planning process with a public launch or summit.",
            themes=("District Development Model and One Plan", "Major events"),
            stage="lesson",
        ),
        DemoLesson(
            title="Use existing IGR forums before creating new committees",
            driving_event=(
                "Officials already attended many intergovernmental meetings and were wary of "
                "yet another committee."
            ),
            lesson=(
                "Reporting through forums people already know keeps attendance up and avoids "
                "meeting fatigue."
            ),
            recommendation=(
                "List the IGR forums that already meet in the area, add the joint planning "
                "item to their agendas, and create a new structure only for a function none of "
                "them can carry."
            ),
            evidence=(
                "Progress updates went through existing forums, and attendance held throughout "
                "the pilot."
            ),
            applies_to="Metros and districts with working IGR structures.",
            themes=(
                "Intergovernmental relations",
                "District Development Model and One Plan",
            ),
            stage="lesson",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.eth@example.org",
            note="Added the open question about state-owned companies.",
            changes={
                "results": (
                    "- The metro contributed a rich evidence base and the profile was ready in "
                    "time.\n"
                    "- Existing IGR forums avoided meeting fatigue.\n"
                    "- National officials supported a differentiated approach for metros."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Ukhozi".
        (
            "pdf",
            "Pilot work-stream tracker (extract)",
            "The tracker, which the team called Ukhozi after the eagle because it was meant to "
            "give a view from above, lists every task in the three work-streams with an owner "
            "and a due date.\n\n"
            "The content work-stream's tasks are grouped by the section of the profile they "
            "feed, with a column showing which existing plan supplies the evidence.\n\n"
            "Overdue tasks are raised at the next coordinating meeting.",
        ),
    ),
    adaptations=(
        (
            "TSH",
            "Used its BEPP as the base of its metro profile instead of commissioning new research.",
            "The profile was finished sooner, and council accepted it as consistent with "
            "existing plans.",
        ),
        (
            "NMA",
            "Adopted the three work-stream structure for its own DDM launch.",
            "The launch ran smoothly, and planners said they kept most of their time for the "
            "profile.",
        ),
    ),
)

# --- Western Cape: e-government strategy review ------------------------------------------------

_WC_EGOV = DemoCaseStudy(
    slug_hint="western-cape-egovernment-strategy-review",
    title="Rethinking the Western Cape e-government strategy: from ICT document to shared plan",
    summary=(
        "In 2014 the Western Cape's Centre for e-Innovation asked a short advisory mission to "
        "review its draft e-government strategy. The review found that the draft mixed "
        "strategy with implementation and had been written without the provincial departments "
        "that were expected to endorse it. The centre agreed to rebuild the process around a "
        "steering group, departmental focal points and a separate policy paper with quick "
        "wins. Written from a municipal observer's point of view, this case study draws out "
        "lessons for any municipality preparing a digital strategy."
    ),
    organisation_code="WC-DOTP",
    author_email="champion.cpt@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=("E-government", "Intergovernmental relations"),
    period_start_year=2014,
    period_end_year=2014,
    context=(
        "The Western Cape provincial government had strong in-house ICT capacity in its Centre "
        "for e-Innovation, part of the Department of the Premier. By 2014 the centre had "
        "drafted an e-government strategy and invited a short advisory mission from the United "
        "Nations Development Programme to review it and suggest a way forward.\n\n"
        "At the time the province steered its work through a set of provincial strategic "
        "objectives, which were being reviewed. E-government appeared as a **standalone "
        "objective** rather than something running through all the others. Thirteen other "
        "provincial departments would have to endorse and carry out whatever strategy emerged."
    ),
    challenge=(
        "The review surfaced four problems:\n\n"
        "1. **Ownership.** The centre had written the draft on its own. Other departments had "
        "not been involved and were not prepared to endorse it.\n"
        "2. **Mixed purposes.** A single document tried to cover both the why and what "
        "(strategy) and the how and who (implementation), and it read as a technology plan.\n"
        "3. **Process, not capacity.** The province had the skills and resources; what it "
        "lacked was an open way of building the strategy with all stakeholders.\n"
        "4. **Raised expectations.** Departments welcomed the chance to shape a more "
        "development-focused document, so the centre had to respond quickly or lose their "
        "goodwill."
    ),
    approach=(
        "The centre agreed to rebuild the process in stages:\n\n"
        "- **Mandate:** provincial top management would ask each department to name a "
        "non-technical manager as its focal point.\n"
        "- **Governance:** a steering group of all key stakeholders would oversee the work, "
        "with the centre as facilitator, advised by a technical group of departmental and "
        "centre specialists.\n"
        "- **Citizen focus:** whatever framework was chosen would start from residents' needs "
        "and link to a small set of existing indicators.\n"
        "- **Baseline:** a map of existing e-government activities, systems, skills, mandates "
        "and gaps.\n"
        "- **Sequence:** first a policy paper with vision, mission, framework, baseline and "
        "road map, including visible quick wins; then the detailed implementation plan, "
        "written with technical experts.\n"
        "- **Capacity:** more facilitation staff in the centre."
    ),
    results=(
        "This write-up covers the turning point rather than the finished strategy, so the "
        "results are early ones:\n\n"
        "- The centre's senior managers accepted that the draft needed substantial change and "
        "took the proposals to the IT governance steering committee within days.\n"
        "- Departmental representatives who had rejected the first draft said they were "
        "willing to help write a less technical, more developmental document.\n"
        "- A national department asked for support with a similar process of its own.\n\n"
        "For municipalities the most transferable result is the **process design**: who owns "
        "the strategy, who facilitates it, and in what order policy and implementation are "
        "written."
    ),
    lessons_learned=(
        "- **The ICT unit should facilitate, not own.** A digital strategy belongs to the "
        "whole organisation, and departments will not carry out a plan they did not shape.\n"
        "- **Ask for non-technical focal points.** Managers who run services keep the strategy "
        "about residents rather than systems.\n"
        "- **Write the policy first.** Agree the why and the what before planning the how.\n"
        "- **Deliver quick wins in parallel.** Visible early results keep partners engaged "
        "during a long strategy process.\n"
        "- **Map before planning.** A baseline of existing systems and skills avoids "
        "duplicating what departments already do."
    ),
    links=(("Process outline for a shared digital strategy", "https://example.org/kmrg/wc/egov"),),
    owners=(
        ("champion.cpt@example.org", "Author, writing as a municipal observer", True),
        (
            "external:Marlene Fortuin|Former e-government programme manager|"
            "Western Cape Government",
            "Provided background and checked facts",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Let the ICT unit facilitate the digital strategy, not own it",
            driving_event=(
                "A strategy drafted by the central ICT unit alone was rejected by the "
                "departments expected to implement it."
            ),
            lesson=(
                "Departments support a digital strategy they helped to shape; ownership by the "
                "ICT unit alone produces a technology plan that nobody else signs."
            ),
            recommendation=(
                "Ask the accounting officer to mandate a non-technical focal point in every "
                "department, form a steering group that includes them, and give the ICT unit "
                "the role of facilitator and secretariat."
            ),
            evidence=(
                "Departments that had refused the first draft offered to contribute once the "
                "process was opened up."
            ),
            applies_to="Municipalities and provinces preparing an e-government or ICT strategy.",
            themes=("E-government", "Intergovernmental relations"),
            stage="validated",
        ),
        DemoLesson(
            title="Separate the policy paper from the implementation plan",
            driving_event=(
                "A single document combining strategy and implementation detail was hard to "
                "agree and read as a technical plan."
            ),
            lesson=(
                "Agreeing the why and what first makes the how easier to negotiate and keeps "
                "the strategy readable for non-specialists."
            ),
            recommendation=(
                "Finalise a short policy paper (vision, mission, framework, baseline and road "
                "map) first, then write the implementation plan with technical experts, "
                "openly and with the same stakeholders."
            ),
            evidence=(
                "The centre's management accepted this sequence once the problems with the "
                "combined draft were laid out."
            ),
            applies_to="Any strategy that needs endorsement from several departments.",
            themes=("E-government",),
            stage="lesson",
        ),
        DemoLesson(
            title="Pair a long strategy process with visible quick wins",
            driving_event=(
                "Departments' renewed interest risked fading while a new strategy was being "
                "written."
            ),
            lesson=(
                "Short-term, visible results show that the process is producing something and "
                "keep partners at the table."
            ),
            recommendation=(
                "Ask each department to name its most pressing digital bottleneck, pick two or "
                "three that can be solved within months, and report them alongside the policy "
                "paper."
            ),
            evidence=(
                "The review advised building quick wins into the policy paper for exactly this "
                "reason."
            ),
            applies_to="Long, multi-stakeholder strategy processes.",
            themes=("E-government", "Knowledge-management practice"),
            stage="observation",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.cpt@example.org",
            note="Reframed the lessons for a municipal audience.",
            changes={
                "lessons_learned": (
                    "- The centre should facilitate, not own.\n"
                    "- Separate policy from implementation.\n"
                    "- Include quick wins.\n"
                    "- Map existing activities first."
                ),
            },
        ),
        DemoRevision(
            editor_email="admin@example.org",
            note="Made clear that the mission was advisory and the decisions were the province's.",
            changes={
                "context": (
                    "The Western Cape's Centre for e-Innovation drafted an e-government strategy "
                    "and asked an international mission to review it in 2014."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Klipspringer".
        (
            "docx",
            "Steering group terms of reference (illustrative)",
            "These illustrative terms of reference were drafted for a municipal audience. The "
            "working name Klipspringer was chosen after the small antelope that keeps its "
            "footing on steep ground, a reminder to take the strategy one firm step at a "
            "time.\n\n"
            "The steering group oversees the design of the digital strategy. It includes the "
            "focal point of every department, is chaired by a senior manager outside the ICT "
            "unit, and meets monthly.\n\n"
            "A technical advisory group of specialists advises the steering group but does not "
            "decide for it.",
        ),
    ),
    adaptations=(
        (
            "CPT",
            "Asked each directorate to nominate a service manager as focal point for the "
            "city's digital services plan.",
            "Directorates engaged more, and the first draft was organised around residents' "
            "needs rather than systems.",
        ),
        (
            "DC4",
            "Used the baseline-mapping step for ICT shared services across its local "
            "municipalities.",
            "The map showed several municipalities paying separately for support on the same "
            "financial system.",
        ),
    ),
)

# --- Cape Town: hosting the KMRG with a peer assist ---------------------------------------------

_CPT_PEER_ASSIST = DemoCaseStudy(
    slug_hint="cpt-kmrg-meeting-peer-assist",
    title="Hosting the KMRG in Cape Town with a peer assist on upgrading projects",
    summary=(
        "After the February 2008 meeting in Buffalo City, Cape Town was invited to host the "
        "next KMRG meeting in May. Instead of a day of presentations, the city used half of it "
        "for a peer assist: KM practitioners from other cities helped its human settlements "
        "staff work out how to capture lessons from informal settlement upgrading projects. "
        "This case study describes how the peer assist was prepared and run, and what the city "
        "did with the advice."
    ),
    organisation_code="CPT",
    author_email="champion.cpt@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=("Knowledge-management practice", "Human settlements"),
    period_start_year=2008,
    period_end_year=2008,
    context=(
        "KMRG meetings rotate among member cities, and the host usually presents its own work. "
        "Cape Town's organisational learning team wanted to use the May 2008 meeting "
        "differently and get practical help with a real problem.\n\n"
        "The city was running several informal settlement upgrading projects, each with its "
        "own consultants and community structures. Every project was learning something, but "
        "the lessons stayed with project teams and in consultants' reports. The human "
        "settlements directorate had asked for help in capturing them before the next round of "
        "projects began, and the KMRG meeting offered a room full of people who had tackled "
        "similar problems."
    ),
    challenge=(
        "- **A real request in a short meeting.** The peer assist had to fit into half a day.\n"
        "- **Mixed expertise.** The visitors were KM practitioners, not housing specialists, so "
        "the question had to be framed in a way they could help with.\n"
        "- **Sensitive material.** Some projects had faced community protests and disputes "
        "with contractors, and staff were cautious about discussing them with outsiders.\n"
        "- **Follow-through.** Advice from a peer assist is easily forgotten once the visitors "
        "have gone home.\n\n"
        "The host team also wanted visitors to leave with something useful of their own."
    ),
    approach=(
        "1. **Framing the question.** Two weeks before the meeting, the host team sent out a "
        "one-page brief: the projects, what had been tried, and one question. How can project "
        "teams capture lessons as they go without adding to their reporting burden?\n"
        "2. **Ground rules.** The session ran on the understanding that individual projects "
        "would not be named outside the room.\n"
        "3. **Structure.** A short site visit, then the hosts' account, then questions from "
        "visitors, then visitors describing their own experience while the hosts only listened "
        "and took notes.\n"
        "4. **Commitments.** The hosts closed by naming three ideas they would try, each with "
        "an owner and a date, and promised to report back at the next KMRG meeting."
    ),
    results=(
        "- The human settlements directorate tried two of the three ideas: a half-hour "
        "retrospective at each project milestone, and a requirement for consultants to hand "
        "over a short lessons log with their close-out report.\n"
        "- The third idea, a shared database of lessons, was deferred because nobody could own "
        "it.\n"
        "- Visitors said they learned as much as they gave, especially about running "
        "retrospectives with community representatives in the room.\n"
        "- The format was reused at later KMRG meetings, with hosts sending a brief in "
        "advance.\n\n"
        "Retrospectives were patchy at first and worked best where the project manager ran "
        "them personally."
    ),
    lessons_learned=(
        "- **Bring a real problem.** A peer assist produces far more than a showcase does.\n"
        "- **Send the brief early:** one page and one question, two weeks ahead, so visitors "
        "can bring relevant examples.\n"
        "- **Hosts listen first.** Let visitors share their experience while hosts take notes, "
        "then discuss.\n"
        "- **Agree ground rules** on confidentiality so that staff can talk about what went "
        "wrong.\n"
        "- **Name owners and dates** for whatever you decide to try, and report back at the "
        "next meeting.\n"
        "- **Drop what nobody can own.** An idea without an owner, like our database, is "
        "better deferred openly than left to fade."
    ),
    links=(("Peer assist: how to host one", "https://example.org/kmrg/peer-assist-guide"),),
    owners=(
        ("champion.cpt@example.org", "Manager of organisational learning; host and author", True),
        ("member.cpt@example.org", "Took notes and drafted the report-back", False),
    ),
    lessons=(
        DemoLesson(
            title="Send a one-page brief with one question two weeks before a peer assist",
            driving_event=(
                "Earlier host sessions had turned into showcases because visitors arrived not "
                "knowing what the host wanted help with."
            ),
            lesson=(
                "Visitors who know the question in advance bring relevant examples, and the "
                "session produces usable advice."
            ),
            recommendation=(
                "Two weeks before a peer assist, send a single page setting out the context, "
                "what has been tried and one question, and ask each visitor to bring one "
                "example from their own work."
            ),
            evidence=(
                "The session produced three concrete ideas, two of which were tried, and the "
                "format was reused at later meetings."
            ),
            applies_to="Anyone hosting a peer assist, network meeting or study visit.",
            themes=("Knowledge-management practice",),
            stage="validated",
        ),
        DemoLesson(
            title="Ask consultants to hand over a short lessons log at project close-out",
            driving_event=(
                "Lessons from upgrading projects were buried in long consultants' reports and "
                "never reached the next project team."
            ),
            lesson=(
                "A short, separate lessons log is read; a chapter in a long close-out report "
                "is not."
            ),
            recommendation=(
                "Add to consultancy terms a requirement for a lessons log of no more than two "
                "pages (what happened, what was learned, what to do next time), handed to the "
                "next project's manager in person."
            ),
            evidence=(
                "Project managers starting new upgrading projects reported reading the logs; "
                "few had read earlier close-out reports."
            ),
            applies_to="Human settlements and infrastructure programmes that rely on consultants.",
            themes=("Knowledge-management practice", "Human settlements"),
            stage="lesson",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.cpt@example.org",
            note="Added the report-back given at the next KMRG meeting.",
            changes={
                "results": (
                    "- The human settlements directorate agreed to try three ideas.\n"
                    "- Visitors said they learned as much as they gave.\n"
                    "- We will report back at the next KMRG meeting."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Bokmakierie".
        (
            "pdf",
            "Peer assist brief",
            "This is the one-page brief sent to visitors two weeks before the session. It was "
            "sent under the title Bokmakierie, after the garden bird known for calling in "
            "duets, because the session was meant to be a conversation, not a broadcast.\n\n"
            "Context: several upgrading projects are under way, each with its own consultants "
            "and community structures. What we have tried: close-out reports and occasional "
            "workshops.\n\n"
            "Our question: how can project teams capture lessons as they go without adding to "
            "their reporting burden? Please bring one example from your own city.",
        ),
    ),
    adaptations=(
        (
            "JHB",
            "Used the one-page brief format for a peer assist on billing complaints.",
            "Visitors arrived with relevant examples, and the session ended with three agreed "
            "trials.",
        ),
    ),
)

# --- Tshwane: IDP community participation --------------------------------------------------------

_TSH_IDP = DemoCaseStudy(
    slug_hint="tshwane-ward-based-idp-participation",
    title="Making IDP community participation count in Tshwane",
    summary=(
        "Tshwane's annual IDP consultations used to draw small, frustrated audiences who "
        "wanted to know why last year's requests had disappeared. Over three review cycles the "
        "metro moved meetings closer to residents, sorted inputs by the sphere of government "
        "responsible and opened every round by reporting on what had happened to the previous "
        "year's inputs. This case study was written with Johannesburg colleagues during a "
        "learning exchange between Gauteng metros and is offered as a practical guide."
    ),
    organisation_code="TSH",
    author_email="champion.jhb@example.org",
    reviewer_email="admin@example.org",
    status="published",
    themes=(
        "Integrated development planning",
        "Intergovernmental relations",
        "E-government",
    ),
    period_start_year=2012,
    period_end_year=2014,
    context=(
        "Municipalities must involve communities when they draft and review their integrated "
        "development plans each year. In Tshwane this happened through regional meetings and "
        "ward committees. After the former Metsweding district area was incorporated in 2011, "
        "the metro covered a much larger territory, from dense townships to farms and small "
        "towns.\n\n"
        "Officials noticed a pattern: the same issues came up year after year, attendance was "
        "falling, and many inputs concerned matters the metro did not control, such as "
        "schools, clinics and policing. Ward councillors were under pressure to explain what "
        "had become of residents' requests."
    ),
    challenge=(
        "- **Trust.** Residents saw little evidence that their inputs changed anything.\n"
        "- **Access.** Regional meetings were far from many wards, held on weekday evenings "
        "and run mainly in English.\n"
        "- **Misdirected inputs.** A large share of requests belonged to provincial or "
        "national departments, and the metro had no routine for passing them on.\n"
        "- **Volume.** Thousands of inputs were written on paper and typed up late, so few "
        "reached the budget process in time.\n\n"
        "The IDP office wanted a process that residents would see as worth their Saturday "
        "morning, without a large increase in cost."
    ),
    approach=(
        "### Report back first\n"
        "Every session opened with a one-page **'you said, we did'** sheet for the ward: each "
        "input from the previous year and what had happened to it, including 'not possible "
        "this year' with a reason.\n\n"
        "### Go to residents\n"
        "Sessions moved to ward level on weekends, in community halls, schools and taxi ranks, "
        "with facilitation in the main local languages. SMS notices and community radio "
        "advertised them.\n\n"
        "### Sort by sphere\n"
        "Inputs were captured on tablets into a simple register, coded by the sphere and "
        "department responsible. Provincial and national matters went through the IGR forum "
        "with a request for a reply.\n\n"
        "### Feed the budget\n"
        "Inputs on metro matters were summarised for the budget steering committee before its "
        "main decisions."
    ),
    results=(
        "- Attendance rose in most regions, and councillors reported fewer hostile meetings "
        "once the feedback sheet was in use.\n"
        "- Repeat requests for the same item fell where the sheet gave a clear answer, even "
        "when the answer was no.\n"
        "- Provincial departments began replying to forwarded inputs, although unevenly; "
        "schools and clinics remained the most common unanswered requests.\n"
        "- The electronic register meant summaries reached the budget steering committee on "
        "time.\n\n"
        "Costs rose modestly because of weekend overtime and venue hire. The metro judged this "
        "worthwhile, but the approach needs a budget line, not just goodwill."
    ),
    lessons_learned=(
        "1. **Report back before you ask again.** A 'you said, we did' sheet is the strongest "
        "single trust-builder.\n"
        "2. **Meet where and when people can come:** weekends, local venues and home "
        "languages.\n"
        "3. **Sort inputs by who is responsible**, forward the rest through IGR structures, "
        "and tell residents that you did.\n"
        "4. **Capture inputs digitally at the meeting** so that they reach the budget process "
        "in time.\n"
        "5. **Budget for participation.** Doing it well costs money, and the cost is small "
        "next to the cost of lost trust."
    ),
    links=(
        ("'You said, we did' sheet: sample ward", "https://example.org/kmrg/tsh/you-said-we-did"),
    ),
    owners=(
        ("champion.jhb@example.org", "Co-author during the Gauteng metros learning exchange", True),
        (
            "external:Kabelo Ramoroka|Retired regional IDP coordinator|Formerly City of Tshwane",
            "Ran the ward-level sessions in one region",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Open every IDP session with a 'you said, we did' report",
            driving_event=(
                "Residents at IDP meetings kept asking what had happened to the previous "
                "year's inputs, and attendance was falling."
            ),
            lesson=(
                "People take part again when they can see what became of their last input, "
                "even when the answer is no."
            ),
            recommendation=(
                "Prepare a one-page sheet per ward listing last year's inputs and their "
                "outcome (done, under way, planned for a named year, or not possible with a "
                "reason) and present it at the start of every session."
            ),
            evidence=(
                "Attendance rose and councillors reported fewer hostile meetings after the "
                "sheet was introduced."
            ),
            applies_to="Every municipality running annual IDP consultations.",
            themes=("Integrated development planning",),
            stage="validated",
        ),
        DemoLesson(
            title="Code community inputs by responsible sphere and forward them through IGR",
            driving_event=(
                "Many IDP inputs concerned schools, clinics and policing, which the metro does "
                "not control, so they went unanswered year after year."
            ),
            lesson=(
                "Inputs about other spheres' functions need a route to the right department "
                "and a reply that residents can see."
            ),
            recommendation=(
                "Tag each input with the sphere and department responsible when it is "
                "captured, send the provincial and national ones through the IGR forum with a "
                "reply date, and show the replies on next year's feedback sheet."
            ),
            evidence=(
                "Provincial departments began replying to forwarded inputs, although schools "
                "and clinics remained the most common gaps."
            ),
            applies_to=(
                "Metros and local municipalities whose residents raise non-municipal "
                "issues at IDP meetings."
            ),
            themes=("Integrated development planning", "Intergovernmental relations"),
            stage="lesson",
        ),
        DemoLesson(
            title="Capture community inputs digitally at the meeting",
            driving_event=(
                "Paper input forms were typed up weeks late, so few inputs reached the budget "
                "steering committee in time."
            ),
            lesson=(
                "Capturing inputs as they are made is what lets participation influence the budget."
            ),
            recommendation=(
                "Use tablets or phones with a simple form (ward, topic, responsible sphere, "
                "exact wording), and have the IDP office send a summary to the budget "
                "committee within a week of the last session."
            ),
            evidence="Summaries reached the budget steering committee on time for the first time.",
            applies_to="Municipalities with large volumes of IDP inputs.",
            themes=("Integrated development planning", "E-government"),
            stage="observation",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="champion.jhb@example.org",
            note="Added the paragraph on costs.",
            changes={
                "results": (
                    "- Attendance rose in most regions.\n"
                    "- Repeat requests fell where the sheet gave a clear answer.\n"
                    "- Provincial departments began replying to forwarded inputs.\n"
                    "- Summaries reached the budget steering committee on time."
                ),
            },
        ),
        DemoRevision(
            editor_email="admin@example.org",
            note="Tightened the summary.",
            changes={
                "summary": (
                    "How Tshwane improved IDP community participation by reporting back, going "
                    "to wards, sorting inputs by sphere and capturing them digitally."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Tlhabologo".
        (
            "pdf",
            "'You said, we did' ward feedback sheet: template",
            "The feedback sheet template was developed in the IDP office under the project "
            "name Tlhabologo, a word for development, and is printed for each ward before the "
            "consultation round.\n\n"
            "Column one repeats each input from last year in the resident's own words. Column "
            "two gives the outcome: done, under way, planned for a named year, forwarded to "
            "another sphere, or not possible, with a reason.\n\n"
            "Keep it to one page. Print it in the ward's main languages.",
        ),
    ),
    adaptations=(
        (
            "EKU",
            "Adopted the feedback sheet, printed in three languages, for its customer-care areas.",
            "Ward councillors asked for it to be posted in libraries between rounds.",
        ),
        (
            "MAN",
            "Coded inputs by sphere and sent provincial items through the provincial IGR forum.",
            "About a third of forwarded items received a written reply in the first year.",
        ),
    ),
)

# --- Cape Town: pressure management (submitted for review) --------------------------------------

_CPT_WATER = DemoCaseStudy(
    slug_hint="cpt-pressure-management-drought",
    title="Pressure management and fast leak repair during Cape Town's drought",
    summary=(
        "During the drought of 2015 to 2018 Cape Town extended pressure management across its "
        "water network to cut leaks and consumption, and it sped up the repair of visible "
        "leaks. Submitted for review by an analyst who worked with the water teams, this case "
        "study describes how pressure zones were chosen, how residents were warned, and why "
        "the approach depended on maintenance crews and reliable valves as much as on "
        "engineering models."
    ),
    organisation_code="CPT",
    author_email="member.cpt@example.org",
    reviewer_email=None,
    status="submitted",
    themes=("Water and sanitation", "Infrastructure"),
    period_start_year=2016,
    period_end_year=2018,
    context=(
        "Several years of low rainfall left the dams supplying Cape Town very low by early "
        "2018, and the city faced the prospect of turning off household taps. Managing demand "
        "became its main tool alongside new supply: tariffs, restrictions, communication "
        "campaigns and engineering measures.\n\n"
        "Pressure management means lowering the pressure in parts of the network, especially "
        "at night when demand is low. It reduces the water lost through leaks and slightly "
        "reduces use. The city had applied it in some areas before the drought; the crisis "
        "made it a priority across the whole network."
    ),
    challenge=(
        "- **Speed:** pressure zones had to be set up quickly across a large network of mixed "
        "age and condition.\n"
        "- **Complaints:** with lower pressure, some high-lying properties and tall buildings "
        "lost supply at peak times.\n"
        "- **Equipment:** pressure-reducing valves need regular maintenance, and a failed "
        "valve can cause bursts or outages.\n"
        "- **Visible leaks:** residents who were saving water were angered by burst pipes left "
        "running, which undermined the message that everyone had to save.\n\n"
        "Each of these had to be handled while the city was also under intense public and "
        "media scrutiny."
    ),
    approach=(
        "1. **Prioritise zones** with high night flows and older pipes, using network models "
        "and meter data.\n"
        "2. **Warn residents first:** notices, briefings for ward councillors and social media "
        "posts before every zone change, and a hotline for low-pressure complaints.\n"
        "3. **Adjust, don't abandon:** where high-lying properties lost supply, settings were "
        "changed or small booster arrangements installed.\n"
        "4. **Maintain the valves:** an inspection schedule for pressure-reducing valves, with "
        "a dedicated crew.\n"
        "5. **Fix leaks fast:** a target response time for reported bursts, and reporting "
        "through the city's app and call centre."
    ),
    results=(
        "- According to the water department's own estimates, pressure management made a "
        "meaningful contribution to the overall fall in water use, alongside restrictions and "
        "tariffs.\n"
        "- Low-pressure complaints jumped after each new zone went live and then fell as the "
        "settings were tuned.\n"
        "- Valve maintenance proved to be the weak link: where inspections fell behind, "
        "failures caused bursts that ended up in the media.\n"
        "- Faster leak repair improved public perceptions, although response times varied "
        "between depots.\n\n"
        "This version leaves out precise figures until the water department has confirmed "
        "them."
    ),
    lessons_learned=(
        "- **Tell people before you turn the pressure down.** Warnings reduce anger and the "
        "number of complaints.\n"
        "- **Budget for maintenance from the start.** Pressure management is an ongoing "
        "operation, not a once-off project.\n"
        "- **Tune settings zone by zone**, and treat complaints as data about where the "
        "settings are wrong.\n"
        "- **Visible leak repair supports demand management.** Residents save more when they "
        "see the city fixing its own losses quickly.\n"
        "- **Keep a settings log for every zone.** When staff change during a long crisis, a "
        "record of each zone's settings and the reasons for them saves the next engineer from "
        "starting again."
    ),
    links=(("Pressure management explained for residents", "https://example.org/kmrg/cpt/water"),),
    owners=(
        ("member.cpt@example.org", "Author", True),
        (
            "external:Ridwaan Jacobs|Retired water demand management engineer|"
            "Formerly City of Cape Town",
            "Technical adviser to the author",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Notify residents and councillors before each pressure-zone change",
            driving_event=(
                "The first pressure-zone changes brought a surge of angry complaints from "
                "residents who had not been told."
            ),
            lesson=(
                "People tolerate lower pressure much better when they are warned and know whom "
                "to call."
            ),
            recommendation=(
                "At least a week before each change, brief the ward councillor, post notices "
                "and social media messages for the affected streets, and publish a hotline "
                "number for low-pressure problems."
            ),
            evidence=(
                "Complaints were lower in zones where notice was given than in the first zones "
                "changed without it."
            ),
            applies_to="Any water services authority introducing pressure management.",
            themes=("Water and sanitation",),
            stage="lesson",
        ),
        DemoLesson(
            title="Fund a valve maintenance crew before rolling out pressure management",
            driving_event=(
                "Where valve inspections fell behind, failed pressure-reducing valves caused "
                "bursts."
            ),
            lesson=(
                "Pressure management saves water only as long as the valves are maintained; "
                "it is an operating commitment."
            ),
            recommendation=(
                "Before each new zone goes live, add its valves to an inspection schedule with "
                "a named crew and an operating budget line, and track overdue inspections "
                "monthly."
            ),
            evidence="Bursts linked to valve failures occurred where inspections had lapsed.",
            applies_to="Water services authorities of any size.",
            themes=("Water and sanitation", "Infrastructure"),
            stage="observation",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="member.cpt@example.org",
            note="Removed unconfirmed figures before submitting for review.",
            changes={
                "results": (
                    "- Pressure management saved a large share of the water the city saved.\n"
                    "- Complaints jumped after each new zone, then fell.\n"
                    "- Valve maintenance was the weak link.\n"
                    "- Faster leak repair helped public perceptions."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Dassieklip" (submitted case study: hidden from the public).
        (
            "docx",
            "Pressure-reducing valve inspection schedule (extract)",
            "This extract shows how valve inspections were scheduled in one depot area. The "
            "depot's schedule was kept under the nickname Dassieklip, after a rocky outcrop "
            "near the first valve chamber on the route.\n\n"
            "Every valve is inspected monthly in its first quarter of operation and quarterly "
            "after that. The crew records the upstream and downstream pressure, any leaks at "
            "the chamber and the condition of the pilot valve.\n\n"
            "Overdue inspections are reported to the depot manager every Monday.",
        ),
    ),
    adaptations=(),
)

# --- Waterberg: mining social and labour plans (draft) -----------------------------------------

_WATERBERG_SLP = DemoCaseStudy(
    slug_hint="waterberg-mining-slp-idp-alignment",
    title="Aligning mining social and labour plans with IDPs in Waterberg",
    summary=(
        "Mining companies in Waterberg fund community projects through their social and labour "
        "plans, but these projects have often been chosen separately from the municipalities' "
        "IDPs, which leads to duplication and facilities nobody maintains. This draft records "
        "early work by the district and two local municipalities to put social and labour plan "
        "projects on the IDP project list and to agree on them before the plans are finalised."
    ),
    organisation_code="DC36",
    author_email="member.waterberg@example.org",
    reviewer_email=None,
    status="draft",
    themes=("Local economic development", "Integrated development planning"),
    period_start_year=2020,
    period_end_year=None,
    context=(
        "Mining companies must prepare social and labour plans as a condition of their mining "
        "rights. The plans commit companies to local economic development projects in the "
        "communities around their mines, usually for five years at a time.\n\n"
        "In Waterberg these commitments are a significant source of development funding, "
        "especially around the coal and platinum operations. The district's DDM pilot put "
        "their size next to government spending for the first time and raised an obvious "
        "question: why were they not part of the municipalities' own plans? This draft picks "
        "up that question."
    ),
    challenge=(
        "- **Separate planning cycles:** social and labour plans follow the timetable of the "
        "mining right, while IDPs follow the municipal five-year and annual cycle.\n"
        "- **Duplication and gaps:** a company and a municipality sometimes planned the same "
        "facility, while other needs went unfunded.\n"
        "- **Maintenance:** some facilities built with mining money were handed over to "
        "municipalities without any budget for running them.\n"
        "- **Information:** municipalities often saw the plans only after they had been "
        "submitted to the regulator, when changes were hard to make.\n\n"
        "Nobody in the municipalities was responsible for following these plans."
    ),
    approach=(
        "The work so far, still in progress:\n\n"
        "1. **A register** of current social and labour plan projects in the district, "
        "compiled from company reports and municipal records.\n"
        "2. **An IDP project category** for mining-funded projects, with the company named as "
        "funder and the municipality's future running cost estimated.\n"
        "3. **Early engagement:** a request to each company, through a district mining forum, "
        "to share draft plans before they are submitted.\n"
        "4. **A handover rule:** a draft protocol under which no facility is accepted without "
        "an agreed maintenance plan.\n"
        "5. **A named contact:** one official in the district office now follows the plans "
        "and reports to the IDP steering committee."
    ),
    results=(
        "It is too early for firm results. Early observations:\n\n"
        "- Two companies have shared draft plans ahead of submission; others prefer to wait "
        "for a formal request.\n"
        "- Listing mining-funded projects in the IDP has made duplication easier to spot "
        "during the IDP review.\n"
        "- The handover protocol has not yet been tested on a real facility.\n\n"
        "The author will update this section after the next IDP review and would welcome "
        "comments from colleagues in other mining districts, especially on how they handle "
        "the running costs of donated facilities."
    ),
    lessons_learned=(
        "Provisional lessons, still to be confirmed:\n\n"
        "- **List mining-funded projects in the IDP** with the company named as funder, so "
        "that councillors and communities see the whole picture in one place.\n"
        "- **Ask for draft plans, not final ones.** A municipality has most influence before "
        "the plan is submitted.\n"
        "- **Agree on maintenance before accepting a facility.** Otherwise the municipality "
        "inherits running costs it cannot carry.\n"
        "- **Use a standing forum** rather than separate one-off meetings with each company; "
        "it saves time and lets companies see each other's commitments."
    ),
    links=(("District mining forum: meeting calendar", "https://example.org/kmrg/dc36/forum"),),
    owners=(("member.waterberg@example.org", "IDP manager and author", True),),
    lessons=(
        DemoLesson(
            title="List mining-funded projects in the IDP with the company as funder",
            driving_event=(
                "A mining company and a local municipality were found to be planning the same "
                "community facility."
            ),
            lesson=(
                "When mining-funded projects sit outside the IDP, duplication and gaps go "
                "unnoticed."
            ),
            recommendation=(
                "Create an IDP project category for privately funded projects, list each "
                "social and labour plan project with the company as funder, and review the "
                "list with the companies during the annual IDP review."
            ),
            evidence=(
                "Duplication was easier to spot in the first IDP review that included the list."
            ),
            applies_to="Municipalities in mining areas.",
            themes=("Local economic development", "Integrated development planning"),
            stage="observation",
        ),
        DemoLesson(
            title="Agree a maintenance plan before accepting any donated facility",
            driving_event=(
                "Facilities built with mining funds were handed to municipalities with no "
                "budget for running them."
            ),
            lesson=(
                "A donated facility without a maintenance plan becomes a liability for the "
                "municipality."
            ),
            recommendation=(
                "Adopt a handover protocol: estimate running costs before construction starts, "
                "agree who pays for them and for how long, and accept the facility only when "
                "the plan is signed."
            ),
            evidence="The protocol is drafted but not yet tested on a real handover.",
            applies_to=(
                "Municipalities receiving facilities from companies, donors or other spheres."
            ),
            themes=("Infrastructure", "Local economic development"),
            stage="observation",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="member.waterberg@example.org",
            note="Started the results section after the first forum meeting.",
            changes={"results": "To be written after the first meeting of the mining forum."},
        ),
    ),
    attachment_texts=(),
    adaptations=(),
)

# --- O.R. Tambo: village water schemes (draft) ---------------------------------------------------

_OR_TAMBO_WATER = DemoCaseStudy(
    slug_hint="or-tambo-village-water-scheme-operators",
    title="Keeping village water schemes running in O.R. Tambo",
    summary=(
        "O.R. Tambo is the water services authority for a district of scattered villages, many "
        "of them served by small schemes with boreholes, pumps and standpipes that break down "
        "often and wait a long time for repair. This draft describes a trial in which trained "
        "village operators carry out routine checks and minor repairs, backed by spares kept "
        "at satellite depots, and reports early observations."
    ),
    organisation_code="DC15",
    author_email="member.ortambo@example.org",
    reviewer_email=None,
    status="draft",
    themes=("Water and sanitation", "Infrastructure"),
    period_start_year=2021,
    period_end_year=None,
    context=(
        "In O.R. Tambo the district municipality is responsible for water and sanitation "
        "across all its local municipalities. Most villages are served by small schemes: a "
        "borehole or spring, a pump, a reservoir, and communal standpipes or yard connections. "
        "Distances are long, roads become difficult in wet weather, and technical staff are "
        "few.\n\n"
        "When a pump or pipe fails, residents can wait days or weeks and fall back on rivers "
        "and unprotected springs. Breakdowns used to be reported by word of mouth through "
        "councillors, and there was little information on the condition of each scheme."
    ),
    challenge=(
        "- **Slow repairs:** technicians were based far from most schemes and spent much of "
        "their day travelling.\n"
        "- **No early warning:** small faults became big failures because nobody checked the "
        "schemes regularly.\n"
        "- **Spares:** technicians often arrived without the right part and had to come back "
        "another day.\n"
        "- **Vandalism and theft** of pumps, cables and fittings at some schemes.\n"
        "- **Ownership:** communities saw the schemes as the municipality's problem rather "
        "than a shared asset worth protecting.\n\n"
        "The trial set out to test whether a little capacity in the villages themselves could "
        "close some of these gaps."
    ),
    approach=(
        "A trial in one cluster of villages:\n\n"
        "1. **Village operators:** one resident per scheme, chosen with the ward committee and "
        "traditional leaders and trained to check pumps, meters and leaks and to do minor "
        "repairs, paid a modest stipend.\n"
        "2. **Logbooks:** each operator keeps a simple logbook and sends a weekly status "
        "message to the depot.\n"
        "3. **Spares boxes:** common parts kept at a satellite depot closer to the villages.\n"
        "4. **Community agreements:** a short agreement with each village on protecting the "
        "scheme and reporting tampering.\n"
        "5. **Monthly review:** the depot manager, the operators and a ward committee member "
        "go through the logbooks together once a month."
    ),
    results=(
        "Early observations only; the trial is still running.\n\n"
        "- Minor faults are being fixed locally, and technicians make fewer long trips for "
        "simple problems.\n"
        "- For the first time, weekly status messages give the depot a picture of which "
        "schemes are working.\n"
        "- Stipend payments have been late twice because of procurement delays, which upset "
        "the operators.\n"
        "- It is not yet clear whether theft has fallen.\n\n"
        "The author plans to add figures after a full year and to ask the district's technical "
        "services to review the draft."
    ),
    lessons_learned=(
        "Provisional, to be tested over a full year:\n\n"
        "- **Local eyes catch small faults early.** A trained operator in the village costs "
        "much less than a long trip by a technician.\n"
        "- **Pay stipends on time.** Late payments damage goodwill faster than anything else.\n"
        "- **Keep spares near the schemes.** A repair trip without the right part is a wasted "
        "day.\n"
        "- **Involve traditional leaders** in choosing operators and in protecting the schemes; "
        "their backing makes community agreements stick.\n"
        "- **Keep the logbooks, however simple.** They are building the first reliable record "
        "of each scheme's condition."
    ),
    links=(("Trial cluster map", "https://example.org/kmrg/dc15/water-trial"),),
    owners=(
        ("member.ortambo@example.org", "Author", True),
        (
            "external:Nosipho Dumalisile|Village operator in the trial cluster|Community member",
            "Operator and reviewer of the logbook design",
            False,
        ),
    ),
    lessons=(
        DemoLesson(
            title="Train a village operator for each small water scheme",
            driving_event=(
                "Small faults at remote schemes went unnoticed until they became failures, and "
                "technicians spent much of their time travelling."
            ),
            lesson=(
                "A trained resident who checks the scheme weekly catches faults early and can "
                "fix simple ones on the spot."
            ),
            recommendation=(
                "Choose one operator per scheme with the ward committee and traditional "
                "leaders, train them in routine checks and minor repairs, pay a stipend on a "
                "reliable schedule, and ask for a weekly status message."
            ),
            evidence=(
                "Early in the trial, minor faults are being fixed locally and the depot has a "
                "weekly picture of scheme status."
            ),
            applies_to="Rural water services authorities with many small schemes.",
            themes=("Water and sanitation", "Infrastructure"),
            stage="observation",
        ),
        DemoLesson(
            title="Keep a box of common spares at satellite depots",
            driving_event=(
                "Technicians often reached a broken scheme without the part needed and had to "
                "return another day."
            ),
            lesson="Most repairs need a small set of parts; keeping them close saves whole days.",
            recommendation=(
                "List the ten parts most often needed from the last year's job cards, stock "
                "them at each satellite depot, and restock monthly from the logbooks."
            ),
            evidence="Fewer repeat trips have been needed since the spares boxes were stocked.",
            applies_to="Rural and peri-urban water and sanitation operations.",
            themes=("Water and sanitation", "Infrastructure"),
            stage="observation",
        ),
    ),
    revisions=(
        DemoRevision(
            editor_email="member.ortambo@example.org",
            note="Added early observations from the first months of the trial.",
            changes={
                "results": (
                    "The trial started recently. Observations will be added after the first "
                    "few months."
                ),
            },
        ),
    ),
    attachment_texts=(
        # Attachment-only word: "Amanzingwe" (draft case study: hidden from the public).
        (
            "docx",
            "Village operator logbook page",
            "Each operator keeps one logbook page per week. The logbook design was tested "
            "under the code name Amanzingwe before it was printed for the trial cluster.\n\n"
            "Record the date, whether the pump ran, the reservoir level (full, half, low, "
            "empty), any leaks seen and any repairs made, with the parts used.\n\n"
            "Send the weekly status message to the depot every Friday, even when everything "
            "is working.",
        ),
    ),
    adaptations=(),
)

# --- Everything, in the order the demo loads it ---------------------------------------------------

CASE_STUDIES: tuple[DemoCaseStudy, ...] = (
    _BUF_REVENUE,
    _BUF_2010,
    _BUF_KM,
    _JHB_KNOWLEDGE_EXCHANGE,
    _ETH_URBAN_RENEWAL,
    _MSUNDUZI_CHAMPIONS,
    _NMA_STALLED,
    _OR_TAMBO_DDM,
    _WATERBERG_DDM,
    _ETH_DDM,
    _WC_EGOV,
    _CPT_PEER_ASSIST,
    _TSH_IDP,
    _CPT_WATER,
    _WATERBERG_SLP,
    _OR_TAMBO_WATER,
)


def _visible_text(case: DemoCaseStudy) -> str:
    """Every piece of text of a case study except its attachments, including its history."""
    parts = [case.title, case.summary, *(getattr(case, name) for name in BODY_SECTIONS)]
    parts += [label for label, _url in case.links]
    parts += [f"{who} {role}" for who, role, _contact in case.owners]
    for lesson in case.lessons:
        parts += [
            lesson.title,
            lesson.driving_event,
            lesson.lesson,
            lesson.recommendation,
            lesson.evidence,
            lesson.applies_to,
        ]
    for revision in case.revisions:
        parts += [revision.note, *revision.changes.values()]
    for _code, changed, happened in case.adaptations:
        parts += [changed, happened]
    return "\n".join(parts)


def _self_check() -> None:
    import csv
    import re
    from pathlib import Path
    from urllib.parse import urlsplit

    data = Path(__file__).resolve().parents[1] / "organisations" / "data"
    known_codes = set()
    for name in ("municipalities.csv", "partners.csv"):
        with (data / name).open(encoding="utf-8", newline="") as handle:
            known_codes |= {row["code"] for row in csv.DictReader(handle)}

    def check_email(email: str) -> None:
        assert email in DEMO_EMAILS, f"not a demo account: {email}"

    def check_themes(themes: tuple[str, ...], where: str) -> None:
        assert themes, f"{where}: no themes"
        for theme in themes:
            assert theme in ALLOWED_THEMES, f"{where}: unknown theme {theme!r}"

    slugs = [case.slug_hint for case in CASE_STUDIES]
    assert len(slugs) == len(set(slugs)), "slug hints must be unique"
    lessons = [lesson for case in CASE_STUDIES for lesson in case.lessons]
    organisations = {case.organisation_code for case in CASE_STUDIES}
    themes_used = {t for case in CASE_STUDIES for t in case.themes}
    themes_used |= {t for lesson in lessons for t in lesson.themes}
    statuses = [case.status for case in CASE_STUDIES]

    assert len(CASE_STUDIES) >= 14, len(CASE_STUDIES)
    assert len(lessons) >= 32, len(lessons)
    assert len(organisations) >= 8, organisations
    assert len(themes_used) >= 8, themes_used
    assert statuses.count("published") >= 11, statuses
    assert statuses.count("draft") >= 2, statuses
    assert statuses.count("submitted") >= 1, statuses

    for case in CASE_STUDIES:
        where = case.slug_hint
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", where), where
        assert len(where) <= 90, where
        assert 0 < len(case.title) <= 200, where
        assert case.organisation_code in known_codes, f"{where}: {case.organisation_code}"
        assert case.status in STATUSES, where
        check_email(case.author_email)
        if case.status == "published":
            assert case.reviewer_email is not None, f"{where}: published without a reviewer"
        else:
            assert case.reviewer_email is None, f"{where}: unpublished with a reviewer"
        if case.reviewer_email is not None:
            check_email(case.reviewer_email)
        check_themes(case.themes, where)
        assert 2000 <= case.period_start_year <= 2030, where
        if case.period_end_year is not None:
            assert case.period_end_year >= case.period_start_year, where
        assert "\n" not in case.summary, f"{where}: the summary is one paragraph"
        for section in BODY_SECTIONS:
            words = len(getattr(case, section).split())
            assert 80 <= words <= 250, f"{where}.{section}: {words} words"
        assert case.links, where
        for label, url in case.links:
            parts = urlsplit(url)
            assert label, url
            assert parts.scheme == "https", url
            assert parts.hostname == "example.org", url
        assert any(contact for _who, _role, contact in case.owners), f"{where}: no contact"
        for who, role, _contact in case.owners:
            assert role, where
            if who.startswith("external:"):
                name, ext_role, organisation = who.removeprefix("external:").split("|")
                assert all((name, ext_role, organisation)), who
                assert len(name) <= 120, who
            else:
                check_email(who)
        assert 2 <= len(case.lessons) <= 3, f"{where}: {len(case.lessons)} lessons"
        for lesson in case.lessons:
            assert lesson.stage in STAGES, f"{where}: {lesson.stage}"
            check_themes(lesson.themes, f"{where}: {lesson.title}")
            assert all(
                (
                    lesson.title,
                    lesson.driving_event,
                    lesson.lesson,
                    lesson.recommendation,
                    lesson.evidence,
                    lesson.applies_to,
                )
            ), f"{where}: {lesson.title}"
            assert len(lesson.title) <= 200, lesson.title
        assert 1 <= len(case.revisions) <= 2, f"{where}: {len(case.revisions)} revisions"
        touched: set[str] = set()
        for revision in case.revisions:
            check_email(revision.editor_email)
            assert revision.note, where
            assert revision.changes, where
            for section, earlier in revision.changes.items():
                assert section in REVISABLE_SECTIONS, f"{where}: {section}"
                assert section not in touched, f"{where}: {section} revised twice"
                assert earlier.strip(), where
                assert earlier != getattr(case, section), where
                touched.add(section)
        for kind, title, text in case.attachment_texts:
            assert kind in ("pdf", "docx"), where
            assert title, where
            assert 2 <= len(text.split("\n\n")) <= 4, f"{where}: {title} paragraphs"
        for code, changed, happened in case.adaptations:
            assert code in known_codes, f"{where}: {code}"
            assert code != case.organisation_code, f"{where}: {code}"
            assert all((changed, happened)), where
        assert (where in ATTACHMENT_ONLY_WORDS) == bool(case.attachment_texts), where

    everything_visible = "\n".join(_visible_text(case) for case in CASE_STUDIES).lower()
    for slug, word in ATTACHMENT_ONLY_WORDS.items():
        (case,) = [case for case in CASE_STUDIES if case.slug_hint == slug]
        own = [text for _kind, _title, text in case.attachment_texts if word in text]
        assert own, f"{slug}: {word} is not in its attachment"
        assert word.lower() not in everything_visible, f"{word} appears outside attachments"
        others = [
            text
            for other in CASE_STUDIES
            for _kind, _title, text in other.attachment_texts
            if other is not case
        ]
        assert not any(word.lower() in text.lower() for text in others), word

    print(
        f"OK: {len(CASE_STUDIES)} case studies "
        f"({statuses.count('published')} published, {statuses.count('draft')} drafts, "
        f"{statuses.count('submitted')} submitted), {len(lessons)} lessons, "
        f"{len(organisations)} organisations ({', '.join(sorted(organisations))}), "
        f"{len(themes_used)} themes, "
        f"{sum(len(c.attachment_texts) for c in CASE_STUDIES)} attachments, "
        f"{sum(len(c.revisions) for c in CASE_STUDIES)} revisions, "
        f"{sum(len(c.adaptations) for c in CASE_STUDIES)} adaptations.\n"
        f"Attachment-only words: {', '.join(ATTACHMENT_ONLY_WORDS.values())}"
    )


if __name__ == "__main__":
    _self_check()
