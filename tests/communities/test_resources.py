"""Resources linked to a community: by address, with a note, shown only to viewers who may see
the record itself."""

from __future__ import annotations

from kmrg.casestudies import services as case_studies
from tests.casestudies.conftest import write_case_study
from tests.factories import post


def test_a_resource_is_shown_only_to_those_who_may_see_its_record(
    session, community, client_as, member, champion, outsider_champion
):
    draft = write_case_study(session, member, title="Indigent register clean-up")
    page = f"/communities/{community.slug}"
    client = client_as(member)
    refused = post(
        client,
        f"{page}/resources/new",
        {"address": "https://elsewhere.example/case-studies/x", "note": "Worth a read"},
    )
    assert "Paste the address of a case study" in refused.get_data(as_text=True)
    response = post(
        client,
        f"{page}/resources/new",
        {
            "address": f"http://hub.test/case-studies/{draft.slug}",
            "note": "How to verify households before the valuation roll",
        },
    )
    assert response.status_code == 302
    mine = client.get(page).get_data(as_text=True)
    assert "Indigent register clean-up" in mine and "before the valuation roll" in mine
    for viewer in (None, outsider_champion):
        assert "Indigent register clean-up" not in client_as(viewer).get(page).get_data(
            as_text=True
        )
    case_studies.submit_case_study(session, member, draft)
    case_studies.publish_case_study(session, champion, draft)
    session.commit()
    assert "Indigent register clean-up" in client_as(None).get(page).get_data(as_text=True)
    assert post(client_as(outsider_champion), f"{page}/resources/new", {}).status_code == 403
