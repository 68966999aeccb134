"""The demo communities: real municipalities' concerns, invented people (kmrg.demo's accounts),
in our own words."""

from __future__ import annotations

from dataclasses import dataclass, field

from kmrg.communities.models import CommunityKind, CommunityVisibility, JoinPolicy


@dataclass(frozen=True)
class DemoReply:
    author: str  # e-mail of a demo account
    body: str
    is_answer: bool = False
    flag: tuple[str, str] | None = None  # (flagger's e-mail, reason)


@dataclass(frozen=True)
class DemoTopic:
    author: str
    title: str
    body: str
    themes: tuple[str, ...] = ()
    replies: tuple[DemoReply, ...] = ()


@dataclass(frozen=True)
class DemoCommunity:
    name: str
    purpose: str
    facilitator: str
    kind: CommunityKind
    join_policy: JoinPolicy
    visibility: CommunityVisibility
    themes: tuple[str, ...]
    members: tuple[str, ...]
    topics: tuple[DemoTopic, ...] = ()
    requests: tuple[str, ...] = ()
    # (record type, what the note says): the first published record of that type is linked.
    resources: tuple[tuple[str, str], ...] = field(default_factory=tuple)


COMMUNITIES = (
    DemoCommunity(
        name="Revenue enhancement practitioners",
        purpose=(
            "Finance and revenue officials from metros and local municipalities comparing what "
            "actually moves the collection rate: accurate bills, clean indigent registers, "
            "credit control that is applied evenly, and meters that work.\n\n"
            "Bring a problem you are stuck on, or a result you can share with figures."
        ),
        facilitator="champion.buf@example.org",
        kind=CommunityKind.PRACTICE,
        join_policy=JoinPolicy.OPEN,
        visibility=CommunityVisibility.PUBLIC,
        themes=("revenue-collection",),
        members=(
            "member.mangaung@example.org",
            "member.nmb@example.org",
            "member.ekurhuleni@example.org",
            "champion.msunduzi@example.org",
        ),
        topics=(
            DemoTopic(
                author="member.mangaung@example.org",
                title="Cleaning the indigent register before the new valuation roll",
                body=(
                    "Mangaung's indigent register has not been verified in full for four years. "
                    "Before the new valuation roll takes effect we want to know who still "
                    "qualifies. **How did you verify households without a door-to-door survey "
                    "of every ward?**"
                ),
                themes=("revenue-collection",),
                replies=(
                    DemoReply(
                        author="member.nmb@example.org",
                        body=(
                            "Nelson Mandela Bay matched the register against the deeds office "
                            "and the prepaid electricity purchases first. That alone flagged "
                            "about a fifth of the entries for a visit."
                        ),
                    ),
                    DemoReply(
                        author="champion.buf@example.org",
                        body=(
                            "Buffalo City did it in three steps:\n\n"
                            "1. match the register with deeds, payroll and pension data;\n"
                            "2. send ward committees a list of the unmatched households only;\n"
                            "3. visit what was still unclear, with a councillor's letter.\n\n"
                            "It took five months, and the re-registration drive ran alongside "
                            "it so nobody lost support by mistake."
                        ),
                        is_answer=True,
                    ),
                ),
            ),
            DemoTopic(
                author="member.ekurhuleni@example.org",
                title="Did smart prepaid meters really improve collection?",
                body=(
                    "Ekurhuleni is weighing a second phase of smart prepaid electricity meters. "
                    "Has anyone measured collection before and after, net of tampering?"
                ),
                themes=("revenue-collection",),
                replies=(
                    DemoReply(
                        author="champion.msunduzi@example.org",
                        body=(
                            "Msunduzi saw the electricity account improve within a year, but "
                            "rates and water did not follow. Tie the meter to the whole "
                            "account, or you only move the debt around."
                        ),
                    ),
                    DemoReply(
                        author="member.nmb@example.org",
                        body=(
                            "Just call our meter contractor, he will tell you everything: his "
                            "cell number is 082 000 0000 and he lives in Walmer."
                        ),
                        flag=(
                            "member.mangaung@example.org",
                            "Shares a private person's phone number and where he lives.",
                        ),
                    ),
                ),
            ),
        ),
        resources=(
            ("case_study", "The collection turnaround this community keeps coming back to."),
        ),
    ),
    DemoCommunity(
        name="Urban renewal practitioners",
        purpose=(
            "People who run inner-city and township renewal programmes: precinct management, "
            "partnerships with property owners, and keeping places working after the capital "
            "budget is spent."
        ),
        facilitator="champion.jhb@example.org",
        kind=CommunityKind.PRACTICE,
        join_policy=JoinPolicy.REQUEST,
        visibility=CommunityVisibility.PUBLIC,
        themes=("urban-renewal",),
        members=(
            "member.tshwane@example.org",
            "champion.cpt@example.org",
            "member.cpt@example.org",
        ),
        requests=("member.polokwane@example.org",),
        topics=(
            DemoTopic(
                author="member.tshwane@example.org",
                title="Keeping a precinct managed after the capital project ends",
                body=(
                    "Our station precinct upgrade is finished, but the operating budget for "
                    "cleaning and safety ends with the project. Who has kept a precinct "
                    "managed for years afterwards, and who pays?"
                ),
                themes=("urban-renewal",),
                replies=(
                    DemoReply(
                        author="champion.cpt@example.org",
                        body=(
                            "Cape Town's city improvement districts are paid by the property "
                            "owners through an additional rate, agreed by a majority of them. "
                            "It works where there are enough owners who see the benefit."
                        ),
                        is_answer=True,
                    ),
                ),
            ),
        ),
        resources=(("meeting", "Where the renewal programmes last reported to the group."),),
    ),
    DemoCommunity(
        name="KM champions' circle",
        purpose=(
            "The network's knowledge-management champions, among themselves: getting case "
            "studies written, running peer assists, and keeping knowledge work alive when "
            "budgets are cut. Members only, so we can speak frankly."
        ),
        facilitator="admin@example.org",
        kind=CommunityKind.PRACTICE,
        join_policy=JoinPolicy.REQUEST,
        visibility=CommunityVisibility.MEMBERS,
        themes=("knowledge-management-practice",),
        members=(
            "champion.buf@example.org",
            "champion.jhb@example.org",
            "champion.msunduzi@example.org",
            "champion.cpt@example.org",
            "champion.eth@example.org",
        ),
        topics=(
            DemoTopic(
                author="champion.eth@example.org",
                title="Getting officials to write case studies in work time",
                body=(
                    "Every year the same three people write our case studies. How did you "
                    "get writing into performance agreements, or otherwise into work time?"
                ),
                themes=("knowledge-management-practice",),
                replies=(
                    DemoReply(
                        author="champion.msunduzi@example.org",
                        body=(
                            "We stopped asking for case studies and started holding one-hour "
                            "'tell us what happened' sessions. A champion writes it up and the "
                            "official corrects it: they are far happier to edit than to write."
                        ),
                        is_answer=True,
                    ),
                ),
            ),
        ),
    ),
    DemoCommunity(
        name="DDM One Plan",
        purpose=(
            "Officials in districts and their local municipalities working on the District "
            "Development Model: aligning IDPs with the One Plan, and getting sector "
            "departments to budget for what the district agreed."
        ),
        facilitator="champion.eth@example.org",
        kind=CommunityKind.INTEREST,
        join_policy=JoinPolicy.OPEN,
        visibility=CommunityVisibility.MEMBERS,
        themes=("district-development-model-and-one-plan", "integrated-development-planning"),
        members=(
            "member.ortambo@example.org",
            "member.alfrednzo@example.org",
            "member.amathole@example.org",
            "member.sekhukhune@example.org",
        ),
        topics=(
            DemoTopic(
                author="member.ortambo@example.org",
                title="Aligning local IDP projects with the district One Plan",
                body=(
                    "Our locals' IDPs list projects the One Plan never mentions, and the other "
                    "way round. Does anyone run a joint project register for the district?"
                ),
                themes=("district-development-model-and-one-plan",),
                replies=(
                    DemoReply(
                        author="member.amathole@example.org",
                        body=(
                            "Amathole keeps one spreadsheet of projects, owned by the district "
                            "planning unit, that the locals' IDP managers update before each "
                            "IDP forum. Crude, but it made the gaps visible."
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoCommunity(
        name="E-government and digital services",
        purpose=(
            "For ICT and customer-care officials putting municipal services online: "
            "e-services portals, WhatsApp and USSD channels, and protecting residents' "
            "personal information (POPIA) while doing it."
        ),
        facilitator="champion.cpt@example.org",
        kind=CommunityKind.INTEREST,
        join_policy=JoinPolicy.OPEN,
        visibility=CommunityVisibility.PUBLIC,
        themes=("e-government",),
        members=(
            "member.gardenroute@example.org",
            "member.waterberg@example.org",
            "member.polokwane@example.org",
        ),
        topics=(
            DemoTopic(
                author="member.gardenroute@example.org",
                title="Answering rates queries on WhatsApp: what about POPIA?",
                body=(
                    "Residents want to query their accounts on WhatsApp. What did your "
                    "information officer require before you let staff answer account "
                    "questions there?"
                ),
                themes=("e-government",),
                replies=(
                    DemoReply(
                        author="champion.cpt@example.org",
                        body=(
                            "Verify the account holder first (account number plus an OTP to "
                            "the number on record), never send a full statement in the chat, "
                            "and keep the chats in the municipality's own system, not on "
                            "staff phones."
                        ),
                        is_answer=True,
                    ),
                    DemoReply(
                        author="member.waterberg@example.org",
                        body="Waterberg uses USSD for balances: no smartphone or data needed.",
                    ),
                ),
            ),
        ),
    ),
)
