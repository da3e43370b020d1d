"""Calendars (RFC 5545) of the dates models expire on: ``expiring.ics`` and each expiring
model's ``expiry.ics``, written as text (icalendar, which the tests read them with, took 35 ms
to import). A model is one all-day event with a UID of its id and the site's host, the same
from build to build, so a subscribed calendar moves the event when the date moves."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Sequence
from urllib.parse import urlsplit

from sitegen.config import SITE_NAME
from sitegen.model import Model

LINE_OCTETS = 75  # the longest line RFC 5545 allows, its line break left out
_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": "\\n"})


def calendar(models: Sequence[Model], base_url: str, stamp: datetime, name: str) -> bytes:
    """A calendar named ``name``, made at ``stamp``, with each of ``models`` that has a date."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + text(f"-//sitegen//{SITE_NAME}//EN"),
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:" + text(name)]
    made, host = stamp.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ"), urlsplit(base_url).hostname or "localhost"
    for model in models:
        if (day := model.expiration_day) is None:
            continue
        url = base_url + model.path
        lines += ["BEGIN:VEVENT", "SUMMARY:" + text(f"{model.name} expires on OpenRouter"),
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
                  "DTSTAMP:" + made, "UID:" + text(f"expiration:{model.id}@{host}"),
                  "DESCRIPTION:" + text(f"OpenRouter has announced that {model.id} expires on {day.isoformat()}: "
                                        f"requests to it are likely to fail from then on. {url}"),
                  "TRANSP:TRANSPARENT", "URL:" + url, "END:VEVENT"]  # transparent: a reminder, not a busy day
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def text(value: str) -> str:  # a TEXT value: backslash, semicolon and comma escaped, a line break as \n
    return value.replace("\r\n", "\n").translate(_TEXT_ESCAPES)


def fold(line: str) -> str:
    """``line`` in pieces under ``LINE_OCTETS`` octets, never cut in a character or after a ``\\``."""
    pieces: list[str] = []
    piece = ""
    for char in line:
        if len((piece + char).encode("utf-8")) >= LINE_OCTETS:
            cut = -1 if len(piece) > 1 and piece[-1] == "\\" else len(piece)
            pieces.append(piece[:cut])
            piece = piece[cut:]
        piece += char
    return "\r\n ".join([*pieces, piece])
