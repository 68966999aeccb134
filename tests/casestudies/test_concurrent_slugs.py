"""People creating case studies with the same title at the same moment all keep their work."""

from __future__ import annotations

from sqlalchemy import select

from kmrg import slugs
from kmrg.casestudies.models import CaseStudy
from tests import factories
from tests.casestudies.conftest import SECTIONS
from tests.concurrency import all_at_once, wait_for_each_other_after
from tests.factories import post, sign_in

WRITERS = 4
TITLE = "Revenue collection turnaround"


def test_everyone_creating_the_same_title_at_once_gets_their_own_slug(
    app, session, organisation, monkeypatch
):
    clients = []
    for number in range(WRITERS):
        author = factories.make_user(session, name=f"Author {number}", organisation=organisation)
        clients.append(app.test_client())
        sign_in(clients[-1], author)
    if session.get_bind().dialect.name == "postgresql":
        # Everyone finds "revenue-collection-turnaround" free before anyone inserts it.
        wait_for_each_other_after(monkeypatch, slugs, "free_slug", WRITERS)

    def create(number: int) -> tuple[int, str | None]:
        form = {"title": TITLE, "summary": f"Written by author {number}.", **SECTIONS}
        response = post(clients[number], "/case-studies/new", form)
        return response.status_code, response.headers.get("Location")

    outcomes = all_at_once(WRITERS, create)

    assert all(isinstance(o, tuple) and o[0] == 302 for o in outcomes), outcomes
    session.rollback()
    stored = dict(session.execute(select(CaseStudy.slug, CaseStudy.summary)).all())
    expected = ["revenue-collection-turnaround"] + [
        f"revenue-collection-turnaround-{n}" for n in range(2, WRITERS + 1)
    ]
    assert sorted(stored) == sorted(expected)
    # Each author's own text is kept, under the address their browser was sent to.
    for number, (_status, location) in enumerate(outcomes):
        assert stored[location.removeprefix("/case-studies/")] == f"Written by author {number}."
