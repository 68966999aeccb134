"""Build test data through the real models, committed so hooks fire as in production."""

from __future__ import annotations

import itertools
import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from kmrg.auth.models import AccountStatus, ProfileVisibility, Role, User
from kmrg.auth.services import hash_password
from kmrg.models import utcnow
from kmrg.organisations.models import Organisation, OrganisationKind, Province
from kmrg.themes.models import Theme

PASSWORD = "a-long-enough-secret-42"
_counter = itertools.count(1)
# Hashing with scrypt for every fixture user would dominate the suite's run time.
_PASSWORD_HASH = hash_password(PASSWORD)


def make_organisation(
    session: Session,
    *,
    code: str | None = None,
    name: str | None = None,
    kind: OrganisationKind = OrganisationKind.LOCAL,
    province: Province | None = Province.GP,
) -> Organisation:
    number = next(_counter)
    organisation = Organisation(
        code=code or f"TST{number}",
        name=name or f"Test Municipality {number}",
        kind=kind,
        province=province,
    )
    session.add(organisation)
    session.commit()
    return organisation


def make_user(
    session: Session,
    *,
    name: str | None = None,
    email: str | None = None,
    role: Role = Role.MEMBER,
    status: AccountStatus = AccountStatus.ACTIVE,
    organisation: Organisation | None = None,
    job_title: str = "Knowledge management officer",
    profile_visibility: ProfileVisibility = ProfileVisibility.HIDDEN,
) -> User:
    number = next(_counter)
    name = name or f"Person {number}"
    user = User(
        name=name,
        email=email or f"{name.split()[0].lower()}.{number}@example.org",
        role=role,
        status=status,
        organisation=organisation,
        job_title=job_title,
        profile_visibility=profile_visibility,
        password_hash=_PASSWORD_HASH,
        password_changed_at=utcnow(),
        approved_at=utcnow() if status is AccountStatus.ACTIVE else None,
    )
    session.add(user)
    session.commit()
    return user


def make_theme(session: Session, name: str = "Revenue collection") -> Theme:
    theme = Theme(name=name, slug=re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
    session.add(theme)
    session.commit()
    return theme


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str | None = None) -> str:
    """Return a CSRF token valid for the client's session, read from a real form.

    Signed in, the header's sign-out form on the home page carries one; signed out, the sign-in
    form does.
    """
    for candidate in [path] if path else ["/", "/login"]:
        match = _CSRF.search(client.get(candidate).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError(f"no CSRF token on {path or '/ or /login'}")


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs) -> TestResponse:
    """Submit a form the way a browser does: with the session's CSRF token."""
    form = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(path, data=form, **kwargs)


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> TestResponse:
    response = post(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
