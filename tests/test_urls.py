"""Absolute links in e-mails, feeds and downloads point at the Hub's public address, whatever the
request says."""

from __future__ import annotations

from kmrg.urls import external_url
from tests.conftest import make_app


def test_base_url_wins_over_the_request(migrated, tmp_path):
    app = make_app(migrated, tmp_path, BASE_URL="https://hub.example.org/")
    with app.test_request_context("/", base_url="http://10.0.0.7:8000"):
        assert external_url("auth.login") == "https://hub.example.org/login"


def test_the_request_address_is_never_used(migrated, tmp_path):
    app = make_app(migrated, tmp_path, SERVER_NAME=None)
    with app.test_request_context("/", base_url="https://kmrg.example.org"):
        assert external_url("auth.login") == "http://127.0.0.1:5000/login"


def test_the_command_line_gets_the_development_address(migrated, tmp_path):
    app = make_app(migrated, tmp_path, SERVER_NAME=None)
    with app.app_context():
        link = external_url("casestudies.show_case_study", slug="revenue")
    assert link == "http://127.0.0.1:5000/case-studies/revenue"


def test_a_base_url_with_a_path_keeps_it_and_anchors_follow(migrated, tmp_path):
    app = make_app(migrated, tmp_path, BASE_URL="https://example.org/kmrg")
    with app.app_context():
        link = external_url("experts.show_expert", slug="thandi", _anchor="endorsements")
    assert link == "https://example.org/kmrg/experts/thandi#endorsements"
