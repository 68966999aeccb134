"""A kind of notification of the tests' own, and people to tell."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.notifications import Delivery, add_notification_kind
from kmrg.themes.models import Theme
from tests import factories
from tests.test_mail import smtp_server  # noqa: F401  (a real local SMTP server for digests)

KIND = "theme_news"
DIGEST_KIND = "theme_digest_news"


@pytest.fixture
def kinds(app: Flask) -> tuple[str, str]:
    """Register one kind e-mailed at once and one gathered into the daily digest."""
    add_notification_kind(app, KIND, "News in a theme you follow")
    add_notification_kind(app, DIGEST_KIND, "Digest news in a theme", default=Delivery.DAILY)
    return KIND, DIGEST_KIND


@pytest.fixture
def theme(session: Session) -> Theme:
    return factories.make_theme(session, "Revenue enhancement")


@pytest.fixture
def follower(session: Session, organisation) -> User:
    return factories.make_user(session, name="Zanele Follower", organisation=organisation)
