"""A seeded synthetic corpus of lessons, loaded into the Hub's own tables, and its query set.

Used by bench/search.py. The texts read like municipal lessons: sentences mixing the language of
the lesson's themes (revenue collection, indigent registers, water meters, IDP reviews, ward
committees…), general municipal words, common words and a long tail of rare names, all drawn with
Zipf-like frequencies, so a few words are in most lessons and most words are in few.

The bulk path writes with SQLAlchemy Core exactly the rows `kmrg.lessons.services` would write
for a lesson created, promoted and published by an administrator: the lesson (its `*_html`
columns as `render_markdown` renders plain paragraphs, checked against it), its themes and its
audit events. Organisations and themes come through the Hub's own services.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate, pairwise
from typing import Any


def _words(text: str) -> list[str]:
    return text.split()


# The language of each starter theme (kmrg.themes.services.STARTER_THEMES), by slug.
THEME_PHRASES: dict[str, list[str]] = {
    "revenue-collection": [
        "revenue collection", "indigent register", "credit control", "debt collection",
        "billing", "property rates", "valuation roll", "municipal accounts", "payment levels",
        "cost recovery", "tariffs", "arrears", "free basic services", "indigent subsidy",
        "collection rate", "revenue enhancement", "meter readings", "consumer accounts",
    ],
    "urban-renewal": [
        "urban renewal", "inner city", "precinct management", "township regeneration",
        "urban renewal programme", "informal trading", "public spaces", "nodal development",
        "bylaw enforcement", "building management", "city improvement district", "taxi rank",
        "street lighting", "derelict buildings",
    ],
    "integrated-development-planning": [
        "integrated development plan", "idp review", "ward committees", "community participation",
        "sdbip", "budget process", "public hearings", "ward councillors", "performance management",
        "service delivery", "izimbizo", "ward plans", "idp forum", "public participation",
    ],
    "district-development-model-and-one-plan": [
        "district development model", "one plan", "district hub", "spheres of government",
        "joint planning", "catalytic projects", "district space", "sector departments",
        "budget alignment", "district champions", "one plan review", "district profile",
    ],
    "e-government": [
        "e-government", "digital services", "ict governance", "online payments", "call centre",
        "smart meters", "broadband", "e-services", "records management", "open data",
        "mobile app", "website", "citizen portal", "cyber security",
    ],
    "local-economic-development": [
        "local economic development", "tourism", "small business", "smme support",
        "informal economy", "job creation", "investment promotion", "epwp", "cooperatives",
        "fresh produce market", "value chain", "township economy", "business licensing",
    ],
    "infrastructure": [
        "infrastructure", "asset management", "maintenance backlog", "roads", "electricity",
        "bulk infrastructure", "mig funding", "capital projects", "supply chain management",
        "contractors", "project management", "streetlights", "potholes", "asset register",
    ],
    "human-settlements": [
        "human settlements", "housing", "informal settlement upgrading", "rdp houses",
        "title deeds", "land release", "spatial transformation", "beneficiary list",
        "backyard dwellers", "relocation", "serviced stands", "housing waiting list",
    ],
    "knowledge-management-practice": [
        "knowledge management", "km champions", "case study", "peer assist",
        "community of practice", "lessons learned", "after action review", "knowledge sharing",
        "documentation", "institutional memory", "learning network", "champions network",
    ],
    "intergovernmental-relations": [
        "intergovernmental relations", "provincial department", "national treasury", "cogta",
        "salga", "igr forum", "memorandum of understanding", "oversight",
        "section 139 intervention", "support plan", "provincial treasury", "mayors forum",
    ],
    "major-events": [
        "major events", "world cup", "fan park", "event planning", "stadium", "legacy projects",
        "visitors", "transport plan", "safety and security", "volunteers", "host city",
        "event permits",
    ],
    "water-and-sanitation": [
        "water and sanitation", "water meters", "non-revenue water", "water losses",
        "leak detection", "bulk water", "sanitation", "boreholes", "water conservation",
        "water demand management", "reservoirs", "pipe replacement", "wastewater treatment",
        "blue drop", "green drop", "pressure management",
    ],
}  # fmt: skip

MUNICIPAL_WORDS = _words("""
municipality council residents community officials manager department programme project process
report meeting plan staff team households services capacity stakeholders implementation
monitoring challenges pilot training funding system policy strategy audit compliance
accountability consultation communication ward mayor councillors finance complaints backlog
quarter officers directorate unit committee executive resolution grant allocation expenditure
contract tender partnership province district metro town village settlement clinic library
schedule deadline register database campaign survey workshop forum feedback review evaluation
target indicator baseline progress delivery operations standards procedures guidelines framework
""")

COMMON_WORDS = _words("""
early later first second third improved reduced increased clear simple support agreed decided
approach result problem time weeks months needed worked started local public new old small large
better regular weekly monthly information letters visits teams people area areas cost costs
money costs quickly slowly together alone visible trust change changes step steps work working
helped found showed learned learnt shared kept moved built fixed checked counted listed named
asked told wrote read made took gave used kept tried failed succeeded continued stopped
important useful difficult possible necessary available responsible direct formal informal
short long full part whole single several many few main key critical practical political
technical financial social economic legal human natural annual daily current previous following
""")

STOP_WORDS = _words("""
the of and to in a for was with on by is that as at this were from be it an are which not or
""")

# Syllables of the long tail of rare words: names of places, people and local things.
SYLLABLES = _words("""
ma ba tho khe lo ngu zi si we ne kwa mo le tshi pha dla mfu nku bo ra ka ta ga ni vu so
mpu ndi ze yi hla tlo kgo mme sa di ku nya ti wa bu fe go mi pu qwa ro xo
""")
TAIL_SIZE = 20_000

ORGANISATION_WEIGHTS = {"metropolitan": 8.0, "district": 2.0, "local": 1.0}
PARTNER_WEIGHT = 0.5
STAGES = [("observation", 0.5), ("lesson", 0.3), ("validated", 0.2)]
STAGE_LABELS = {
    "observation": "Observation",
    "lesson": "Lesson",
    "validated": "Validated good practice",
}
PUBLIC_SHARE = 0.9
FIRST_DAY = datetime(2008, 1, 1, tzinfo=UTC)
LAST_DAY = datetime(2026, 11, 30, tzinfo=UTC)
APPLIES_TO = [
    "Category B municipalities with a small finance department.",
    "Metros and secondary cities.",
    "District municipalities supporting their local municipalities.",
    "Any municipality starting the work for the first time.",
    "Rural municipalities with scattered settlements.",
    "",
]
TITLES = [
    "{A} in {place}: what we learnt",
    "{A} before {b}",
    "Why {a} failed without {b}",
    "Getting {a} right in {place}",
    "{A} and {b}",
    "Lessons from {a} in {place}",
    "{A}: start with {b}",
    "How {place} turned {a} around",
]
SHORT_NAME = re.compile(r"\s+(?:Metropolitan|Local|District)\s+Municipality$")
WORD = re.compile(r"[a-z]+")


def tail_words(rng: random.Random, size: int = TAIL_SIZE) -> list[str]:
    """Return `size` distinct made-up words of two to four syllables."""
    found: dict[str, None] = {}
    while len(found) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if len(word) >= 5:
            found.setdefault(word, None)
    return list(found)


def zipf_cumulative(size: int, exponent: float = 1.05, shift: float = 2.7) -> list[float]:
    """Return cumulative Zipf–Mandelbrot weights for ranks 0..size-1."""
    return list(accumulate(1.0 / (rank + shift) ** exponent for rank in range(size)))


@dataclass(frozen=True)
class Place:
    """An organisation a lesson can belong to, as the corpus needs it."""

    code: str
    name: str
    kind: str

    @property
    def short_name(self) -> str:
        return SHORT_NAME.sub("", self.name)


@dataclass
class Vocabulary:
    """The words lessons are written in, ranked from most to least used."""

    ranked: list[str]
    cumulative: list[float]
    theme_phrases: dict[str, list[str]]
    theme_cumulative: dict[str, list[float]]
    common: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, seed: int) -> Vocabulary:
        rng = random.Random(seed)
        general = list(dict.fromkeys(MUNICIPAL_WORDS + COMMON_WORDS))
        rng.shuffle(general)
        ranked = general + tail_words(rng)
        return cls(
            ranked=ranked,
            cumulative=zipf_cumulative(len(ranked)),
            theme_phrases=THEME_PHRASES,
            theme_cumulative={
                slug: zipf_cumulative(len(phrases), 0.8, 1.0)
                for slug, phrases in THEME_PHRASES.items()
            },
            common=general[:150],
        )

    def rare_rank(self) -> int:
        """Return where the rare words start (a word past it is in a few lessons at most)."""
        return len(self.ranked) // 5


@dataclass(frozen=True)
class LessonText:
    """The text fields of one lesson, as a member would type them (Markdown paragraphs)."""

    title: str
    lesson: str
    driving_event: str
    recommendation: str
    evidence: str
    applies_to: str

    def body(self) -> str:
        """Return the body every engine indexes: driving event, recommendation, evidence."""
        parts = [self.driving_event, self.recommendation, self.evidence, self.applies_to]
        return "\n\n".join(part for part in parts if part)


class Writer:
    """Writes lesson text in the corpus's language for given themes and a place."""

    def __init__(self, vocabulary: Vocabulary, rng: random.Random) -> None:
        self.vocabulary = vocabulary
        self.rng = rng

    def _theme_phrase(self, slugs: Sequence[str]) -> str:
        slug = slugs[0] if len(slugs) == 1 or self.rng.random() < 0.6 else self.rng.choice(slugs)
        phrases = self.vocabulary.theme_phrases[slug]
        return self.rng.choices(phrases, cum_weights=self.vocabulary.theme_cumulative[slug])[0]

    def sentence(self, slugs: Sequence[str]) -> str:
        rng, vocabulary = self.rng, self.vocabulary
        length = rng.randint(8, 22)
        kinds = rng.choices("tgs", weights=(0.12, 0.53, 0.35), k=length)
        general = iter(
            rng.choices(vocabulary.ranked, cum_weights=vocabulary.cumulative, k=kinds.count("g"))
        )
        words = []
        for kind in kinds:
            if kind == "t":
                words.append(self._theme_phrase(slugs))
            elif kind == "g":
                words.append(next(general))
            else:
                words.append(rng.choice(STOP_WORDS))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraphs(self, slugs: Sequence[str], sentences: tuple[int, int], most: int) -> str:
        count = self.rng.randint(*sentences)
        sentences_list = [self.sentence(slugs) for _ in range(count)]
        parts = self.rng.randint(1, min(most, count))
        size = -(-count // parts)
        return "\n\n".join(
            " ".join(sentences_list[start : start + size]) for start in range(0, count, size)
        )

    def title(self, slugs: Sequence[str], place: Place) -> str:
        template = self.rng.choice(TITLES)
        first, second = self._theme_phrase(slugs), self._theme_phrase(slugs)
        return template.format(
            A=first[0].upper() + first[1:], a=first, b=second, place=place.short_name
        )

    def lesson(self, slugs: Sequence[str], place: Place) -> LessonText:
        return LessonText(
            title=self.title(slugs, place),
            lesson=self.paragraphs(slugs, (2, 5), 2),
            driving_event=self.paragraphs(slugs, (3, 8), 3),
            recommendation=self.paragraphs(slugs, (2, 5), 2),
            evidence=self.paragraphs(slugs, (1, 4), 2),
            applies_to=self.rng.choice(APPLIES_TO),
        )


def render_paragraphs(text: str) -> str:
    """Return what `kmrg.markdown.render_markdown` makes of plain paragraphs (checked by load)."""
    if not text:
        return ""
    return "\n".join(f"<p>{html.escape(part, quote=False)}</p>" for part in text.split("\n\n"))


@dataclass(frozen=True)
class LessonRecord:
    """One lesson of the corpus with everything its rows need (organisation and themes by key)."""

    number: int
    text: LessonText
    organisation: str
    themes: tuple[str, ...]
    stage: str
    is_public: bool
    created_at: datetime
    promoted_at: datetime | None
    published_at: datetime | None


def generate(
    count: int, seed: int, places: Sequence[Place], theme_slugs: Sequence[str]
) -> Iterator[LessonRecord]:
    """Yield `count` lessons, the same for the same seed, organisations and themes."""
    rng = random.Random(seed)
    writer = Writer(Vocabulary.build(seed), rng)
    weights = [ORGANISATION_WEIGHTS.get(place.kind, PARTNER_WEIGHT) for place in places]
    place_cumulative = list(accumulate(weights))
    stage_names = [name for name, _ in STAGES]
    stage_weights = [weight for _, weight in STAGES]
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    for number in range(count):
        place = rng.choices(places, cum_weights=place_cumulative)[0]
        extra = rng.choices((0, 1, 2), weights=(0.5, 0.4, 0.1))[0]
        themes = tuple(rng.sample(list(theme_slugs), 1 + extra))
        stage = rng.choices(stage_names, weights=stage_weights)[0]
        is_public = rng.random() < PUBLIC_SHARE
        created_at = FIRST_DAY + timedelta(seconds=rng.random() * span)
        promoted_at = (
            min(LAST_DAY, created_at + timedelta(days=rng.randint(1, 90)))
            if stage != "observation"
            else None
        )
        published_at = (
            min(LAST_DAY, created_at + timedelta(days=rng.randint(0, 60))) if is_public else None
        )
        yield LessonRecord(
            number=number,
            text=writer.lesson(themes, place),
            organisation=place.code,
            themes=themes,
            stage=stage,
            is_public=is_public,
            created_at=created_at,
            promoted_at=promoted_at,
            published_at=published_at,
        )


# -- loading into the Hub's database -----------------------------------------------------------


@dataclass
class LoadedCorpus:
    """What loading wrote, for the rest of the benchmark."""

    lessons: int
    public: int
    words: int
    organisations: int
    admin_id: int
    organisation_ids: list[int]
    theme_ids: list[int]
    years: tuple[int, int]


def prepare_reference_data(session: Any) -> tuple[Any, list[Place]]:
    """Load organisations and starter themes through the services, add the author; commit."""
    from kmrg.auth.models import AccountStatus, Role, User
    from kmrg.auth.services import hash_password
    from kmrg.models import utcnow
    from kmrg.organisations.models import Organisation
    from kmrg.organisations.services import import_reference_organisations
    from kmrg.themes.services import ensure_starter_themes

    import_reference_organisations(session)
    ensure_starter_themes(session)
    admin = User(
        name="Bench Admin",
        email="admin@bench.example.org",
        role=Role.ADMIN,
        status=AccountStatus.ACTIVE,
        password_hash=hash_password("bench-password-not-secret"),
        password_changed_at=utcnow(),
    )
    session.add(admin)
    session.commit()
    organisations = sorted(session.query(Organisation), key=lambda o: o.code)
    places = [Place(o.code, o.name, o.kind.value) for o in organisations if not o.is_retired]
    return admin, places


def _audit_rows(record: LessonRecord, lesson_id: int, admin: Any) -> list[dict[str, Any]]:
    actor = {"actor_id": admin.id, "actor_label": f"{admin.name} <{admin.email}>"}
    target = {
        "target_type": "lessons",
        "target_id": str(lesson_id),
        "target_label": record.text.title[:300],
    }
    step = {**actor, **target, "summary": ""}
    rows = [{**step, "action": "lesson.created", "occurred_at": record.created_at}]
    stages = [name for name, _ in STAGES]
    for previous, stage in pairwise(stages[: stages.index(record.stage) + 1]):
        summary = f"{STAGE_LABELS[previous]} → {STAGE_LABELS[stage]}, by {admin.name}"
        rows.append(
            {
                **step,
                "action": "lesson.promoted",
                "summary": summary,
                "occurred_at": record.promoted_at,
            }
        )
    if record.is_public:
        rows.append({**step, "action": "lesson.published", "occurred_at": record.published_at})
    return rows


def load_corpus(session: Any, count: int, seed: int, batch: int = 2000) -> LoadedCorpus:
    """Write `count` lessons with SQLAlchemy Core into the real tables; commit.

    The rows are those `create_lesson`, `promote_lesson` and `publish_lesson` write for an
    administrator (version counting each later change, an audit event for each step), without
    their per-row flushes. Nothing is queued for indexing: the caller rebuilds the index.
    """
    from sqlalchemy import insert, select

    from kmrg.audit.models import AuditEvent
    from kmrg.lessons.models import Lesson, lesson_themes
    from kmrg.markdown import render_markdown
    from kmrg.organisations.models import Organisation
    from kmrg.themes.models import Theme

    admin, places = prepare_reference_data(session)
    organisation_ids = dict(session.execute(select(Organisation.code, Organisation.id)).all())
    theme_ids = dict(session.execute(select(Theme.slug, Theme.id)).all())
    table = Lesson.__table__
    pending: list[tuple[LessonRecord, dict[str, Any]]] = []
    public = words = 0
    years = (9999, 0)
    checked = 0

    def flush() -> None:
        # Ids come from the database, as for the services, so its sequence stays right.
        ids = session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [row for _record, row in pending],
        ).all()
        themes, audits = [], []
        for (record, _row), lesson_id in zip(pending, ids, strict=True):
            themes += [{"lesson_id": lesson_id, "theme_id": theme_ids[s]} for s in record.themes]
            audits += _audit_rows(record, lesson_id, admin)
        session.execute(insert(lesson_themes), themes)
        session.execute(insert(AuditEvent.__table__), audits)
        pending.clear()

    for record in generate(count, seed, places, sorted(theme_ids)):
        text = record.text
        rendered = {
            name: render_paragraphs(getattr(text, name))
            for name in ("driving_event", "lesson", "recommendation", "evidence")
        }
        if checked < 20:  # the bulk path must store what the services would
            for name, value in rendered.items():
                if render_markdown(getattr(text, name)) != value:
                    raise RuntimeError(f"render_paragraphs differs from render_markdown ({name})")
            checked += 1
        steps = [name for name, _ in STAGES].index(record.stage)
        row = {
            "title": text.title,
            "driving_event": text.driving_event,
            "driving_event_html": rendered["driving_event"],
            "lesson": text.lesson,
            "lesson_html": rendered["lesson"],
            "recommendation": text.recommendation,
            "recommendation_html": rendered["recommendation"],
            "evidence": text.evidence,
            "evidence_html": rendered["evidence"],
            "applies_to": text.applies_to,
            "organisation_id": organisation_ids[record.organisation],
            "source_type": None,
            "source_id": None,
            "stage": record.stage,
            "status": "published" if record.is_public else "draft",
            "author_id": admin.id,
            "promoted_by_id": admin.id if record.promoted_at else None,
            "promoted_at": record.promoted_at,
            "published_at": record.published_at,
            "updated_at": None,
            "version": 1 + steps + int(record.is_public),
            "created_at": record.created_at,
        }
        pending.append((record, row))
        public += record.is_public
        words += len(text.title.split()) + len(text.lesson.split()) + len(text.body().split())
        year = (record.published_at or record.created_at).year
        years = (min(years[0], year), max(years[1], year))
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    session.commit()
    return LoadedCorpus(
        lessons=count,
        public=public,
        words=words,
        organisations=len(places),
        admin_id=admin.id,
        organisation_ids=sorted(organisation_ids.values()),
        theme_ids=sorted(theme_ids.values()),
        years=years,
    )


# -- the query set --------------------------------------------------------------------------------


def _content_words(text: str) -> list[str]:
    from kmrg.search.analysis import stem

    return [w for w in WORD.findall(text.lower()) if stem(w) is not None and len(w) > 2]


def make_queries(session: Any, count: int, seed: int) -> list[str]:
    """Return `count` one-to-three-word queries: common and rare words, phrases, co-occurrences.

    Drawn with `seed` from the vocabulary and from public lessons, so every multi-word query is
    found together in at least one lesson anyone may see.
    """
    from sqlalchemy import select

    from kmrg.lessons.models import Lesson

    rng = random.Random(seed * 7919 + 1)
    vocabulary = Vocabulary.build(seed)
    rare_from = vocabulary.rare_rank()
    rank = {word: position for position, word in enumerate(vocabulary.ranked)}
    public_ids = list(session.scalars(select(Lesson.id).where(Lesson.status == "published")))
    sampled = rng.sample(public_ids, min(len(public_ids), count * 2))
    texts = {
        lesson_id: f"{title}\n{summary}"
        for lesson_id, title, summary in session.execute(
            select(Lesson.id, Lesson.title, Lesson.lesson).where(Lesson.id.in_(sampled))
        )
    }
    documents = [_content_words(texts[i]) for i in sampled if i in texts]
    phrases = [p for ps in THEME_PHRASES.values() for p in ps if WORD.fullmatch(p.replace(" ", ""))]
    two = [p for p in phrases if len(p.split()) == 2]
    three = [p for p in phrases if len(p.split()) == 3]
    # Shares: 25% common word, 15% rare word, 20% two-word phrase, 15% two words of one lesson,
    # 10% three-word phrase, 15% three words of one lesson.
    plan = ["common"] * 25 + ["rare"] * 15 + ["two"] * 20 + ["two-doc"] * 15
    plan += ["three"] * 10 + ["three-doc"] * 15
    pools = {"common": list(vocabulary.common), "two": two, "three": three}
    for pool in pools.values():
        rng.shuffle(pool)
    drawn = dict.fromkeys(pools, 0)
    queries: list[str] = []
    seen: set[str] = set()
    position = 0  # in `documents`; a query of a lesson's words takes the next lesson
    while len(queries) < count:
        kind = plan[len(queries) * len(plan) // count]
        if kind in pools:  # each phrase once, until every one has been used
            pool = pools[kind]
            query = pool[drawn[kind] % len(pool)]
            drawn[kind] += 1
        else:
            words = documents[position % len(documents)]
            position += 1
            if kind == "rare":
                choices = [w for w in dict.fromkeys(words) if rank.get(w, 0) >= rare_from]
                wanted = 1
            else:
                choices = list(dict.fromkeys(words))
                wanted = 2 if kind == "two-doc" else 3
            if len(choices) < wanted:
                continue
            query = " ".join(rng.sample(choices, wanted))
            # A query seen before is drawn again, unless every lesson has been used once.
            if query in seen and position < len(documents):
                continue
        seen.add(query)
        queries.append(query)
    rng.shuffle(queries)
    return queries
