"""Write a vCard 4.0 (RFC 6350) holding only what the viewer may see of an expert."""

from __future__ import annotations

from collections.abc import Sequence

MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a text value per RFC 6350 3.4: backslash, comma, semicolon and newlines."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> list[str]:
    # RFC 6350 3.2: lines longer than 75 octets continue on lines starting with a space; never
    # split a UTF-8 character in two.
    parts: list[str] = []
    current, size, limit = "", 0, MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, MAX_LINE_OCTETS - 1
        current += char
        size += width
    parts.append(current)
    return [parts[0], *(" " + part for part in parts[1:])]


def _name_parts(name: str) -> tuple[str, str]:
    words = name.split()
    if len(words) < 2:
        return name, ""
    return words[-1], " ".join(words[:-1])


def build_vcard(
    *,
    name: str,
    organisation: str = "",
    title: str = "",
    note: str = "",
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    url: str = "",
) -> str:
    """Return a vCard 4.0 with CRLF line endings; empty fields are left out."""
    family, given = _name_parts(name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"FN:{escape_text(name)}",
        f"N:{escape_text(family)};{escape_text(given)};;;",
    ]
    if organisation:
        lines.append(f"ORG:{escape_text(organisation)}")
    if title:
        lines.append(f"TITLE:{escape_text(title)}")
    if note:
        lines.append(f"NOTE:{escape_text(note)}")
    lines += [f"EMAIL;TYPE=work:{escape_text(email)}" for email in emails]
    lines += [f"TEL;VALUE=text;TYPE=work,voice:{escape_text(phone)}" for phone in phones]
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VCARD")
    return "".join(f"{part}\r\n" for line in lines for part in _fold(line))
