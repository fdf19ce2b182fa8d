"""vCard 3.0 for one contact: the version Outlook, Apple Contacts and Google all import.

Pure: takes plain values, returns the text. Values are escaped (backslash, comma, semicolon,
newline) and lines folded at 75 octets with CRLF, as RFC 2426/6350 require.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Card:
    first_name: str
    last_name: str
    organisation: str = ""
    unit: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    note: str = ""
    revised: datetime | None = None
    uid: str = ""


def escape(value: str) -> str:
    """Escape a text value for a vCard property."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with a space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def vcard(card: Card) -> str:
    """The card as text (CRLF line endings)."""
    full_name = " ".join(p for p in (card.first_name, card.last_name) if p)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{escape(card.last_name)};{escape(card.first_name)};;;",
        f"FN:{escape(full_name)}",
    ]
    if card.organisation:
        organisation = escape(card.organisation)
        lines.append(
            f"ORG:{organisation};{escape(card.unit)}" if card.unit else f"ORG:{organisation}"
        )
    if card.title:
        lines.append(f"TITLE:{escape(card.title)}")
    for index, email in enumerate(card.emails):
        kind = "INTERNET,WORK,PREF" if index == 0 else "INTERNET,WORK"
        lines.append(f"EMAIL;TYPE={kind}:{escape(email)}")
    for index, phone in enumerate(card.phones):
        kind = "WORK,VOICE,PREF" if index == 0 else "WORK,VOICE"
        lines.append(f"TEL;TYPE={kind}:{escape(phone)}")
    if card.note:
        lines.append(f"NOTE:{escape(card.note)}")
    if card.uid:
        lines.append(f"UID:{escape(card.uid)}")
    if card.revised:
        lines.append(f"REV:{card.revised.strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)
