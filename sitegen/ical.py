"""Calendars (RFC 5545) of the dates models expire on: ``expiring.ics`` and each expiring
model's ``expiry.ics``. The only home of icalendar. No disk access.

A model is one all-day event on its expiration date, with the URL of its page and a UID made
of its id and the site's host (``expiration:ID@HOST``), the same from build to build, so a
calendar that subscribed moves the event when the date moves rather than adding another.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from sitegen.config import SITE_NAME
from sitegen.model import Model


def uid(model: Model, base_url: str) -> str:
    return f"expiration:{model.id}@{urlsplit(base_url).hostname or 'localhost'}"


def calendar(models: Sequence[Model], base_url: str, stamp: datetime, name: str) -> bytes:
    """A calendar named ``name`` with an event on the expiration date of each of ``models``
    that has one; ``stamp``, the build's clock, is when it was made."""
    document = Calendar()
    document.add("prodid", f"-//sitegen//{SITE_NAME}//EN")
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    document.add("x-wr-calname", name)
    for model in models:
        day = model.expiration_day
        if day is None:
            continue
        event = Event()
        event.add("uid", uid(model, base_url))
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"{model.name} expires on OpenRouter")
        event.add("description", f"OpenRouter has announced that {model.id} expires on {day.isoformat()}: "
                  f"requests to it are likely to fail from then on. {base_url + model.path}")
        event.add("url", base_url + model.path)
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy day
        document.add_component(event)
    ical: bytes = document.to_ical()
    return ical
