"""vCard writing: RFC 6350 escaping and folding."""

from __future__ import annotations

from kmrg.experts.vcard import build_vcard, escape_text


def test_text_values_are_escaped():
    assert escape_text("a\\b,c;d\ne") == "a\\\\b\\,c\\;d\\ne"


def test_a_card_has_crlf_lines_and_leaves_out_empty_fields():
    card = build_vcard(name="Zanele Mokoena", emails=["z@example.org"])
    assert card.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zanele Mokoena\r\n")
    assert "N:Mokoena;Zanele;;;\r\n" in card
    assert "EMAIL;TYPE=work:z@example.org\r\n" in card
    assert "TEL" not in card and "ORG" not in card
    assert card.endswith("END:VCARD\r\n")


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    card = build_vcard(name="Zanele", note="ŵ" * 100)
    lines = card.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    note = "".join(
        line[1:] if line.startswith(" ") else line
        for line in lines
        if line.startswith(("NOTE", " "))
    )
    assert note == "NOTE:" + "ŵ" * 100
