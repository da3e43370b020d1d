"""The calendars, read back by icalendar: any name, id and address comes back as written,
on lines no longer than RFC 5545 allows."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import icalendar
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from sitegen import catalog
from sitegen.ical import LINE_OCTETS, calendar, fold

REAL = catalog.loads((FIXTURES / "openrouter-models-2026-08-08.json").read_bytes(), source="fixture").models[0]
# Text as a name or an id may hold it: any printable character, with the signs TEXT escapes
# and characters of two to four octets in UTF-8 made likely.
TEXTS = st.text(st.one_of(st.sampled_from(list("\\;,:\"' é€😀")), st.characters(categories=["L", "N", "P", "S", "Zs"])),
                min_size=1, max_size=200)


@settings(max_examples=300, deadline=None)
@given(name=TEXTS, ident=TEXTS, day=st.dates(date(2000, 1, 1), date(2098, 12, 30)),
       host=st.sampled_from(["http://127.0.0.1:8000/", "https://someone.github.io/llm-catalog/"]))
@example(name="a" * 61 + "\\,", ident="x/y", day=date(2026, 8, 10), host="http://127.0.0.1:8000/")
def test_a_calendar_reads_back_as_written(name: str, ident: str, day: date, host: str) -> None:
    model = dataclasses.replace(REAL, name=name, id=ident, expiration_date=day.isoformat(), path="models/x/y/")
    stamp = datetime(2026, 8, 6, 7, 6, 40, tzinfo=timezone.utc)
    made = calendar([model, dataclasses.replace(model, expiration_date=None)], host, stamp, f"{name} on OpenRouter")
    lines = made.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= LINE_OCTETS and b"\n" not in line and b"\r" not in line
                                    for line in lines)
    read = icalendar.Calendar.from_ical(made)
    assert str(read["version"]) == "2.0"
    [event] = read.walk("VEVENT")  # none for a model with no date
    assert str(event["summary"]) == f"{name} expires on OpenRouter"
    # icalendar reads an X- property as it came: escaped as the summary, which it does read.
    summary = event["summary"].to_ical().decode()
    assert str(read["x-wr-calname"]) == summary.removesuffix(" expires on OpenRouter") + " on OpenRouter"
    assert event.decoded("dtstart") == day and event.decoded("dtend") == day + timedelta(days=1)
    assert event.decoded("dtstamp") == stamp
    assert str(event["uid"]).startswith(f"expiration:{ident}@")
    assert str(event["url"]) == host + "models/x/y/" and str(event["description"]).endswith(host + "models/x/y/")
    assert f" {ident} expires on {day.isoformat()}: " in str(event["description"])


def test_a_long_line_is_cut_between_characters_and_never_after_an_escaping_backslash() -> None:
    assert fold("A" * 74) == "A" * 74
    assert fold("A" * 75) == "A" * 74 + "\r\n A"
    assert fold("A" * 73 + "€") == "A" * 73 + "\r\n €"  # three octets do not fit in the last one
    assert fold("A" * 73 + "\\,B") == "A" * 73 + "\r\n \\,B"
