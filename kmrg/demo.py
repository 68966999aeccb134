"""Demo content: real municipalities, invented people (example.org addresses). Safe to repeat."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from kmrg.areas import DemoContext, ordered_demo_loaders
from kmrg.auth.models import AccountStatus, ProfileVisibility, Role, User
from kmrg.auth.queries import get_user_by_email
from kmrg.auth.services import hash_password
from kmrg.models import utcnow
from kmrg.organisations.queries import get_organisation_by_code
from kmrg.organisations.services import import_reference_organisations
from kmrg.themes.services import ensure_starter_themes

# (name, e-mail, role, organisation code, job title, visibility, status) — all invented.
DEMO_PEOPLE = [
    (
        "Nandi Mahlangu",
        "admin@example.org",
        Role.ADMIN,
        "SACN",
        "KMRG secretariat coordinator",
        ProfileVisibility.PUBLIC,
        AccountStatus.ACTIVE,
    ),
    (
        "Lwazi Mthembu",
        "champion.buf@example.org",
        Role.CHAMPION,
        "BUF",
        "Knowledge management specialist",
        ProfileVisibility.PUBLIC,
        AccountStatus.ACTIVE,
    ),
    (
        "Refilwe Dlamini",
        "champion.jhb@example.org",
        Role.CHAMPION,
        "JHB",
        "Innovation and knowledge exchange manager",
        ProfileVisibility.PUBLIC,
        AccountStatus.ACTIVE,
    ),
    (
        "Priya Naidoo",
        "champion.msunduzi@example.org",
        Role.CHAMPION,
        "KZN225",
        "KM co-ordinator",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Johan van Wyk",
        "champion.cpt@example.org",
        Role.CHAMPION,
        "CPT",
        "Manager: organisational learning",
        ProfileVisibility.PUBLIC,
        AccountStatus.ACTIVE,
    ),
    (
        "Sibusiso Khumalo",
        "champion.eth@example.org",
        Role.CHAMPION,
        "ETH",
        "DDM pilot knowledge lead",
        ProfileVisibility.PUBLIC,
        AccountStatus.ACTIVE,
    ),
    (
        "Ayesha Parker",
        "member.cpt@example.org",
        Role.MEMBER,
        "CPT",
        "Revenue enhancement analyst",
        ProfileVisibility.PUBLIC,
        AccountStatus.ACTIVE,
    ),
    (
        "Thabo Molefe",
        "member.waterberg@example.org",
        Role.MEMBER,
        "DC36",
        "IDP manager",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Zodwa Ngcobo",
        "member.ortambo@example.org",
        Role.MEMBER,
        "DC15",
        "Municipal planner",
        ProfileVisibility.HIDDEN,
        AccountStatus.ACTIVE,
    ),
    (
        "Pieter Botha",
        "applicant.nma@example.org",
        Role.MEMBER,
        "NMA",
        "Strategy officer",
        ProfileVisibility.HIDDEN,
        AccountStatus.PENDING,
    ),
    (
        "Kagiso Sello",
        "applicant.buf@example.org",
        Role.MEMBER,
        "BUF",
        "Credit control officer",
        ProfileVisibility.HIDDEN,
        AccountStatus.PENDING,
    ),
    # Members of the organisations that record reusing a demo case study (adaptations).
    (
        "Mpho Mokoena",
        "member.mangaung@example.org",
        Role.MEMBER,
        "MAN",
        "Revenue management officer",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Lindiwe Sithole",
        "member.ekurhuleni@example.org",
        Role.MEMBER,
        "EKU",
        "Knowledge and records officer",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Tshepo Maluleke",
        "member.tshwane@example.org",
        Role.MEMBER,
        "TSH",
        "Public participation officer",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Anathi Jacobs",
        "member.nmb@example.org",
        Role.MEMBER,
        "NMA",
        "Strategic planning officer",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Siyabonga Qwabe",
        "member.amathole@example.org",
        Role.MEMBER,
        "DC12",
        "IDP co-ordinator",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Marike Jansen",
        "member.gardenroute@example.org",
        Role.MEMBER,
        "DC4",
        "Shared services co-ordinator",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Nosipho Mtshali",
        "member.alfrednzo@example.org",
        Role.MEMBER,
        "DC44",
        "DDM hub co-ordinator",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Lesiba Mphahlele",
        "member.sekhukhune@example.org",
        Role.MEMBER,
        "DC47",
        "Development planning officer",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
    (
        "Tebogo Mashaba",
        "member.polokwane@example.org",
        Role.MEMBER,
        "LIM354",
        "Revenue accountant",
        ProfileVisibility.MEMBERS,
        AccountStatus.ACTIVE,
    ),
]


@dataclass(frozen=True)
class DemoCredentials:
    """How to sign in to the demo."""

    admin_email: str
    champion_email: str
    password: str


def demo_password(instance_path: Path) -> str:
    """Return KMRG_DEMO_PASSWORD, or a password generated once for this instance."""
    configured = os.environ.get("KMRG_DEMO_PASSWORD")
    if configured:
        return configured
    path = instance_path / "demo-password.txt"
    if path.exists():
        return path.read_text().strip()
    password = "demo-" + secrets.token_urlsafe(9)
    path.write_text(password)
    path.chmod(0o600)
    return password


def load_demo(session: Session) -> DemoCredentials:
    """Load organisations, themes and demo people, then each area's demo; return sign-in details."""
    import_reference_organisations(session)
    ensure_starter_themes(session)
    password = demo_password(Path(current_app.instance_path))
    password_hash = hash_password(password)
    for name, email, role, code, job_title, visibility, status in DEMO_PEOPLE:
        if get_user_by_email(session, email) is not None:
            continue
        session.add(
            User(
                name=name,
                email=email,
                role=role,
                organisation=get_organisation_by_code(session, code),
                job_title=job_title,
                profile_visibility=visibility,
                status=status,
                password_hash=password_hash,
                password_changed_at=utcnow(),
                approved_at=utcnow() if status is AccountStatus.ACTIVE else None,
            )
        )
    session.flush()
    context = DemoContext(password_hash=password_hash)
    for loader in ordered_demo_loaders(current_app):
        loader.load(session, context)
    return DemoCredentials(
        admin_email=DEMO_PEOPLE[0][1], champion_email=DEMO_PEOPLE[1][1], password=password
    )
