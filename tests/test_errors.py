"""Friendly error pages for every status a visitor can meet."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import abort

from tests.conftest import make_app
from tests.factories import csrf_token


@pytest.fixture
def app_with_trouble(migrated, tmp_path):
    app = make_app(
        migrated, tmp_path / "trouble", MAX_CONTENT_LENGTH=1024, PROPAGATE_EXCEPTIONS=False
    )

    def explode():
        raise RuntimeError("a bug in a view")

    app.add_url_rule("/explode", view_func=explode)
    app.add_url_rule("/forbidden", view_func=lambda: abort(403))
    return app


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/explode", 500, "Something went wrong on our side"),
        ("/forbidden", 403, "You may not see this page"),
        ("/nowhere", 404, "Page not found"),
    ],
)
def test_error_pages_are_friendly(app_with_trouble, path, status, title):
    response = app_with_trouble.test_client().get(path)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert title in page
    assert "Traceback" not in page
    assert 'href="/"' in page  # a way back home


def test_too_large_upload_gets_413(app_with_trouble):
    client = app_with_trouble.test_client()
    response = client.post("/register", data={"csrf_token": csrf_token(client), "name": "x" * 5000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_bad_request_gets_400_page(client):
    response = client.post("/login", data={"email": "x@example.org"})
    assert response.status_code == 400
    assert "expired or was not sent from the Hub" in response.get_data(as_text=True)
