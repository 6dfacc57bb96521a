"""iCalendar (RFC 5545) feed of the contract signing calendar.

Written by hand (a few lines of a well-defined format): CRLF line ends, text escaping
(§3.3.11) and line folding at 75 octets without splitting a UTF-8 character (§3.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

CRLF = "\r\n"
PRODID = "-//Quartiers 2030//Calendrier des signatures//FR"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    day: date
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""


def ical_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def ical_fold(line: str, limit: int = 75) -> str:
    """Split a content line into chunks of at most `limit` octets (continuations start with
    a space, which counts in their length)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= limit:
        return line
    parts, start, width = [], 0, limit
    while start < len(encoded):
        end = min(start + width, len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:  # inside a character
            end -= 1
        parts.append(encoded[start:end].decode("utf-8"))
        start, width = end, limit - 1
    return (CRLF + " ").join(parts)


def calendar_ics(
    *, events: Iterable[CalendarEvent], name: str, stamp: datetime | None = None
) -> str:
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_escape(name)}",
        "X-WR-TIMEZONE:Europe/Paris",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ical_escape(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{ical_escape(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{ical_escape(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + CRLF for line in lines)
