"""The notifications pages, the header's count, follow buttons and preferences."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.notifications import services
from kmrg.notifications.models import Delivery
from kmrg.notifications.queries import count_unread, is_following, preferences_of
from kmrg.themes.models import Theme
from tests import factories
from tests.notifications.conftest import DIGEST_KIND, KIND

pytestmark = pytest.mark.usefixtures("kinds")


def _tell(session: Session, recipient: User, text: str, actor: User) -> None:
    services.notify(session, [recipient], KIND, None, text, "/themes/", actor=actor)
    session.commit()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/notifications/"),
        ("post", "/notifications/read-all"),
        ("post", "/notifications/1/read"),
        ("get", "/account/notifications"),
        ("post", "/account/notifications"),
        ("post", "/follow/theme/1"),
    ],
)
def test_signed_out_visitors_are_sent_to_sign_in(
    client: FlaskClient, method: str, path: str
) -> None:
    response = factories.post(client, path) if method == "post" else client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_list_shows_newest_first_with_unread_marked_and_the_header_counts(
    client: FlaskClient, session: Session, follower: User, admin: User
) -> None:
    _tell(session, follower, "Older news", admin)
    _tell(session, follower, "Newer news", admin)
    factories.sign_in(client, follower)

    page = client.get("/notifications/").get_data(as_text=True)
    assert page.index("Newer news") < page.index("Older news")
    assert page.count("Unread</span>") == 2
    assert "Notifications (2 unread)" in page
    assert client.get("/notifications/").headers["Cache-Control"] == "no-store"


def test_mark_one_and_all_read(
    client: FlaskClient, session: Session, follower: User, admin: User
) -> None:
    _tell(session, follower, "First", admin)
    _tell(session, follower, "Second", admin)
    factories.sign_in(client, follower)
    [first, _] = sorted(n.id for n in follower_notifications(session, follower))

    response = factories.post(client, f"/notifications/{first}/read")
    assert response.status_code == 302
    session.rollback()  # read what the request committed
    assert count_unread(session, follower) == 1

    response = factories.post(client, "/notifications/read-all", follow_redirects=True)
    assert "Marked 1 notification read." in response.get_data(as_text=True)
    session.rollback()
    assert count_unread(session, follower) == 0
    assert "unread)" not in client.get("/notifications/").get_data(as_text=True)


def follower_notifications(session: Session, user: User):
    from kmrg.notifications.queries import list_notifications

    session.rollback()
    return list_notifications(session, user)


def test_nobody_marks_another_persons_notification(
    client: FlaskClient, session: Session, follower: User, member: User, admin: User
) -> None:
    _tell(session, follower, "Private", admin)
    [notification] = follower_notifications(session, follower)
    factories.sign_in(client, member)
    assert factories.post(client, f"/notifications/{notification.id}/read").status_code == 403
    assert factories.post(client, "/notifications/999999/read").status_code == 404


def test_preferences_page_saves_a_choice_per_kind(
    client: FlaskClient, session: Session, follower: User
) -> None:
    factories.sign_in(client, follower)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "News in a theme you follow" in page and "A daily digest" in page

    response = factories.post(
        client,
        "/account/notifications",
        {f"kind_{KIND}": "weekly", f"kind_{DIGEST_KIND}": "never"},
        follow_redirects=True,
    )
    assert "Your notification preferences are saved." in response.get_data(as_text=True)
    session.rollback()
    # Other areas' kinds (communities' …) are on the page too, saved at their defaults.
    saved = preferences_of(session, follower)
    assert {kind: saved[kind] for kind in (DIGEST_KIND, KIND)} == {
        DIGEST_KIND: Delivery.NEVER,
        KIND: Delivery.WEEKLY,
    }


@pytest.mark.parametrize(
    ("page", "make_target"),
    [
        ("/themes/", lambda session: factories.make_theme(session, "Urban renewal")),
        ("/organisations/{code}", None),
    ],
)
def test_follow_and_stop_following_from_the_page(
    client: FlaskClient, session: Session, follower: User, organisation, page: str, make_target
) -> None:
    target = make_target(session) if make_target else organisation
    kind = "theme" if isinstance(target, Theme) else "organisation"
    path = page.format(code=getattr(target, "code", ""))
    assert "Follow this" not in client.get(path).get_data(as_text=True)  # visitors: no button

    factories.sign_in(client, follower)
    assert f"Follow this {kind}" in client.get(path).get_data(as_text=True)
    response = factories.post(
        client, f"/follow/{kind}/{target.id}", {"next": path}, follow_redirects=True
    )
    assert f"You follow this {kind}." in response.get_data(as_text=True)
    assert "stop following" in response.get_data(as_text=True)
    session.rollback()
    assert is_following(session, follower, target)

    factories.post(client, f"/follow/{kind}/{target.id}", {"next": path, "stop": "1"})
    session.rollback()
    assert not is_following(session, follower, target)


def test_follow_a_meeting_series_from_its_page(
    client: FlaskClient, session: Session, follower: User, admin: User
) -> None:
    from kmrg.events import services as meetings

    series = meetings.create_series(
        session,
        admin,
        meetings.SeriesData(title="KMRG quarterly meetings", description="Each quarter."),
    )
    session.commit()
    path = f"/meetings/series/{series.slug}"
    factories.sign_in(client, follower)
    assert "Follow this meeting series" in client.get(path).get_data(as_text=True)
    response = factories.post(
        client, f"/follow/meeting_series/{series.id}", {"next": path}, follow_redirects=True
    )
    assert "You follow this meeting series." in response.get_data(as_text=True)


def test_following_something_unknown_is_404(client: FlaskClient, follower: User) -> None:
    factories.sign_in(client, follower)
    assert factories.post(client, "/follow/theme/999999").status_code == 404
    assert factories.post(client, "/follow/nothing/1").status_code == 404
