"""The home page introduces the network and leads into every working area."""

from __future__ import annotations


def test_home_page_links_to_every_working_area(client):
    page = client.get("/").get_data(as_text=True)
    assert "Municipalities learning from each other" in page
    for path in (
        "/case-studies/",
        "/lessons/",
        "/experts/",
        "/organisations/",
        "/themes/",
        "/search",
        "/communities/",
    ):
        assert f'href="{path}"' in page


def test_home_page_promises_nothing_that_does_not_work(client):
    page = client.get("/").get_data(as_text=True).lower()
    assert "coming soon" not in page
    for missing in ("/peer-assist", "/inbox/"):
        assert f'href="{missing}' not in page
