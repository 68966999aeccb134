"""The input-cleaning layer: control characters refused at the edge, integers read within bounds."""

from __future__ import annotations

import io

import pytest
from flask import request

from kmrg.extensions import csrf
from kmrg.inputs import MAX_ID, bounded_int
from tests.casestudies.conftest import write_case_study
from tests.conftest import make_app
from tests.factories import post, sign_in

REFUSED = "contained a control character"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        (" 42 ", 42),
        ("2147483647", MAX_ID),
        ("2147483648", None),
        ("99999999999999999999", None),
        ("9" * 5000, None),  # longer than int() will even read
        ("0", None),
        ("-1", None),
        ("²²²²", None),  # str.isdigit() says yes
        ("٣", None),  # Arabic-Indic three: int() reads it, nobody typed it
        ("1e3", None),
        ("", None),
        (None, None),
        (12, 12),
        (True, None),
    ],
)
def test_bounded_int_reads_only_plain_numbers_in_range(value, expected):
    assert bounded_int(value, 1, MAX_ID) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/lessons/99999999999999999999",
        "/lessons/2147483648",
        "/lessons/0",
        "/lessons/%C2%B2%C2%B2",  # ²²
        "/lessons/%D9%A3",  # ٣
        "/people/9223372036854775808",
        "/inbox/99999999999999999999",
    ],
)
def test_an_id_out_of_range_is_an_address_that_does_not_exist(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "page=9223372036854775808",
        "page=-3",
        "year=2147483648",
        "year=9999",
        "year=%C2%B2%C2%B2%C2%B2%C2%B2",
        "year=99999999999999999999&page=%C2%B2",
    ],
)
@pytest.mark.parametrize("path", ["/case-studies/", "/lessons/", "/experts/", "/search"])
def test_impossible_numbers_in_the_query_string_are_ignored(client, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200


def test_a_comparison_of_revisions_that_cannot_exist_is_not_found(client, session, member):
    case_study = write_case_study(session, member)
    sign_in(client, member)
    history = f"/case-studies/{case_study.slug}/history"
    assert client.get(f"{history}?from=1&to=1").status_code == 200
    assert client.get(f"{history}?from=99999999999999999999&to=1").status_code == 404
    assert client.get(f"{history}?from=1&to=%C2%B2").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/case-studies/%00", "/organisations/BUF%00", "/search?q=%00", "/case-studies/?theme=a%00b"],
)
def test_a_nul_in_the_address_gets_a_clear_400_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That request could not be understood" in page
    assert REFUSED in page


def test_a_nul_in_a_form_field_gets_a_clear_400_page(client, member):
    response = post(client, "/login", {"email": "\x00", "password": "x"})
    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)


def test_a_nul_in_an_api_address_gets_a_json_400(client):
    response = client.get("/api/v1/organisations/%00")
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


@pytest.fixture
def echo_app(migrated, tmp_path):
    """An app with one form-handling route that reports what reached it."""
    app = make_app(migrated, tmp_path / "echo")

    @csrf.exempt
    def echo():
        upload = request.files.get("file")
        size = len(upload.read()) if upload else 0
        return {"text": request.form.get("text", ""), "file_bytes": size}

    app.add_url_rule("/echo", view_func=echo, methods=["POST"])
    return app


@pytest.mark.parametrize("text", ["tab\there", "lines\r\nand\nmore", "ünïcødé ☃"])
def test_typed_text_and_binary_uploads_pass(echo_app, text):
    response = echo_app.test_client().post(
        "/echo",
        data={"text": text, "file": (io.BytesIO(b"%PDF\x00\x01\x02\x00"), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert response.get_json() == {"text": text, "file_bytes": 8}


@pytest.mark.parametrize(
    ("text", "filename"),
    [("bell\x07", "report.pdf"), ("escape\x1b[31m", "report.pdf"), ("fine", "report\x00.pdf")],
)
def test_control_characters_in_form_fields_and_file_names_are_refused(echo_app, text, filename):
    response = echo_app.test_client().post(
        "/echo",
        data={"text": text, "file": (io.BytesIO(b"data"), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)


def test_a_version_that_is_not_a_number_is_a_stale_form_not_an_error(client, member):
    sign_in(client, member)
    response = post(
        client,
        "/account",
        {"name": "Sipho Member", "job_title": "", "profile_visibility": "members", "version": "²"},
    )
    assert response.status_code == 200
    assert "Your changes were not saved" in response.get_data(as_text=True)
