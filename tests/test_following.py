"""Following the catalog: the feeds are valid (Atom as RFC 4287 asks), listed on the feeds
page, and there is one per model; price drops and rises; the models about to expire and
their calendar; price badges. All from the bundled data/ (the replay of the real snapshots).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import quote

import feedparser
import icalendar
import lxml.etree
import lxml.html

from conftest import PROJECT_BASE, ROOT
from sitegen.describe import describe
from sitegen.formats import price as format_price
from sitegen.paths import model_path

BASE = "http://127.0.0.1:8000/"
ATOM = "{http://www.w3.org/2005/Atom}"
HEADLINE = ("pricing.prompt", "pricing.completion")
# RFC 3339 date-time, as atom:updated must be written (RFC 4287 §3.3).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# An IRI (RFC 3987): a scheme, then no character an IRI may not hold.
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x1f]+$")
# A tag: URI (RFC 4151): tag:AUTHORITY,DATE:SPECIFIC.
TAG = re.compile(r"^tag:[A-Za-z0-9.\[\]:-]+,\d{4}(-\d{2}(-\d{2})?)?:[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*$")


def atom_problems(document: bytes) -> list[str]:
    """What keeps ``document`` from being an Atom feed as RFC 4287 defines it: a feed and
    each entry with exactly one IRI ``id``, a ``title`` and an RFC 3339 ``updated``; an
    ``author`` on the feed or on every entry (§4.1.1); unique entry ids; each entry with
    content or an alternate link."""
    root = lxml.etree.fromstring(document)
    if root.tag != ATOM + "feed":
        return [f"the root is {root.tag}, not atom:feed"]
    problems = []
    feed_author = bool(root.findall(ATOM + "author/" + ATOM + "name"))
    for where, element in [("feed", root), *((f"entry {n}", e) for n, e in enumerate(root.iter(ATOM + "entry")))]:
        for child in ("id", "title", "updated"):
            if len(element.findall(ATOM + child)) != 1:
                problems.append(f"{where}: {len(element.findall(ATOM + child))} atom:{child}")
        ident = element.findtext(ATOM + "id") or ""
        if not IRI.match(ident):
            problems.append(f"{where}: id {ident!r} is not an IRI")
        if ident.startswith("tag:") and not TAG.match(ident):
            problems.append(f"{where}: id {ident!r} is not a tag: URI")
        if not RFC3339.match(element.findtext(ATOM + "updated") or ""):
            problems.append(f"{where}: updated is not an RFC 3339 date-time")
        if where != "feed":
            if not feed_author and not element.findall(ATOM + "author/" + ATOM + "name"):
                problems.append(f"{where}: no author, and the feed has none")
            if element.find(ATOM + "content") is None and not [
                    link for link in element.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]:
                problems.append(f"{where}: neither content nor an alternate link")
    ids = [e.findtext(ATOM + "id") for e in root.iter(ATOM + "entry")]
    if len(ids) != len(set(ids)):
        problems.append("two entries share an id")
    return problems


def atom_feeds(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.xml")) if lxml.etree.parse(str(p)).getroot().tag == ATOM + "feed"]


def test_every_atom_feed_is_valid_atom(site: Path) -> None:
    found = atom_feeds(site)
    assert site / "atom.xml" in found
    for path in found:
        assert atom_problems(path.read_bytes()) == [], path
        assert not feedparser.parse(path.read_bytes()).bozo, path


def test_the_atom_check_finds_what_the_old_atom_feed_lacked() -> None:
    old = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>http://x/atom.xml</id><title>t</title>'
           b'<updated>2026-08-08T00:00:00+00:00</updated><entry><id>meta/muse-spark-1.2</id><title>m</title>'
           b'<updated>2026-08-05</updated><content type="html">x</content></entry></feed>')
    problems = atom_problems(old)
    assert "entry 0: id 'meta/muse-spark-1.2' is not an IRI" in problems
    assert "entry 0: no author, and the feed has none" in problems
    assert "entry 0: updated is not an RFC 3339 date-time" in problems


def test_atom_ids_are_tag_uris_of_the_host_and_the_model_and_rss_guids_stay_model_ids(site: Path,
                                                                                      project_site: Path) -> None:
    records = {m["id"]: m for m in json.loads((site / "models.json").read_bytes())["data"]}
    for root, prefix in ((site, "tag:127.0.0.1,2025:"), (project_site, "tag:someone.github.io,2025:repo/")):
        atom = feedparser.parse((root / "atom.xml").read_bytes())
        rss = feedparser.parse((root / "feed.xml").read_bytes())
        assert len(atom.entries) == len(rss.entries) == 50
        assert {e.id for e in rss.entries} <= records.keys()  # the GUIDs are the model ids, as before
        assert [e.id for e in atom.entries] == [prefix + quote(e.id, safe="/:@!$&'()*+,;=~") for e in rss.entries]
        assert atom.feed.author == "LLM Catalog"
        for entry, item in zip(atom.entries, rss.entries):
            name = records[item.id]["name"]
            assert entry.author == (name.split(": ")[0] if ": " in name else item.id.lstrip("~").split("/")[0])


# ---------------------------------------------------------------------------------------
# The feeds page


def html(site: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / rel / "index.html" if not rel.endswith((".html", ".xml")) else site / rel)).getroot()


def words(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_the_navigation_leads_to_the_feeds_page_not_to_raw_xml(site: Path) -> None:
    for rel in ["", "changes", "models/openai/gpt-4o", "feeds"]:
        nav = html(site, rel).xpath("//header//nav//a")
        hrefs = [a.get("href") for a in nav]
        assert not [h for h in hrefs if h.endswith(".xml")], rel
        feeds = [a for a in nav if words(a) == "Feeds"]
        assert len(feeds) == 1 and feeds[0].get("href").endswith("feeds/"), rel
    current = html(site, "feeds").xpath("//header//nav//a[@aria-current='page']")
    assert [words(a) for a in current] == ["Feeds"]


def test_the_feeds_page_lists_every_feed_with_its_address(site: Path) -> None:
    doc = html(site, "feeds")
    site_wide = [p.relative_to(site).as_posix() for p in sorted(site.rglob("*.xml"))
                 if p.name != "sitemap.xml" and not p.relative_to(site).as_posix().startswith(("authors/", "models/", "providers/"))]
    assert {"feed.xml", "atom.xml", "changes.xml", "feeds/free.xml"} <= set(site_wide)
    cards = doc.xpath("//ul[@class='feed-list']/li")
    listed = {card.xpath(".//h3/a/@href")[0].removeprefix("../"): card for card in cards}
    assert sorted(listed) == sorted(site_wide)
    for rel, card in listed.items():
        address = card.xpath(".//code")[0]
        assert address.text == BASE + rel
        assert card.xpath(".//button[@data-copy]/@data-copy") == [address.get("id")]
        kind = card.xpath(".//h3/span[@class='tag']")[0].text
        root = lxml.etree.parse(str(site / rel)).getroot().tag
        assert kind == ("Atom" if root == ATOM + "feed" else "RSS"), rel
        assert len(words(card.xpath(".//p")[0])) > 20, rel  # says what it carries
    authors = {a.get("href").removeprefix("../") for a in doc.xpath("//ul[@class='feed-authors']//a")}
    assert authors == {p.relative_to(site).as_posix() for p in site.glob("authors/*/feed.xml")}
    assert len(authors) > 40
    providers = {a.get("href").removeprefix("../") for a in doc.xpath("//ul[contains(@class, 'feed-providers')]//a")}
    assert providers == {p.relative_to(site).as_posix() for p in site.glob("providers/*/feed.xml")}


# ---------------------------------------------------------------------------------------
# A feed per model


def log() -> list[dict]:
    """The models' events of the bundled log (not their providers')."""
    events = [json.loads(line) for line in (ROOT / "data/changes.jsonl").read_text(encoding="utf-8").splitlines()]
    return [e for e in events if "provider" not in e]


def all_ids() -> list[str]:
    current = [m["id"] for m in json.loads((ROOT / "data/models.json").read_bytes())["data"]]
    retired = [m["id"] for m in json.loads((ROOT / "data/retired.json").read_bytes())["data"]]
    return current + retired


def test_every_model_current_or_retired_has_a_feed_of_its_logged_events(site: Path) -> None:
    events: dict[str, list[dict]] = {}
    for event in log():
        events.setdefault(event["id"], []).append(event)
    ids = all_ids()
    assert len(ids) == 400 + 170
    for ident in ids:
        folder = model_path(ident)
        raw = (site / folder / "feed.xml").read_bytes()
        parsed = feedparser.parse(raw)
        assert not parsed.bozo, ident
        assert parsed.feed.link == BASE + folder
        expected = [f"change:{e['at']}:{e['kind']}:{ident}" for e in reversed(events.get(ident, []))]
        assert [e.id for e in parsed.entries] == expected, ident
        doc = html(site, folder)
        head = doc.xpath("//head/link[@rel='alternate'][@type='application/rss+xml']/@href")
        assert BASE + folder + "feed.xml" in head, ident
        assert doc.xpath("//main//a[@href='feed.xml']"), ident  # and visibly on the page


def test_a_repriced_models_feed_carries_the_change_with_old_and_new_values(site: Path) -> None:
    checked = 0
    for event in log():
        prices = {k: v for k, v in (event.get("changes") or {}).items() if k.startswith("pricing.")}
        if not prices:
            continue
        parsed = feedparser.parse((site / model_path(event["id"]) / "feed.xml").read_bytes())
        entry = next(e for e in parsed.entries if e.id == f"change:{event['at']}:changed:{event['id']}")
        body = lxml.html.fragment_fromstring(entry.description, create_parent="div")
        said = [words(li) for li in body.iter("li")]
        table = {words(tr[0]): [words(td) for td in tr[1:]] for tr in body.iter("tr")}
        for key, (old, new) in prices.items():
            assert describe(key, old, new) in said, (event["id"], key)
            assert table[key] == [json.dumps(old), json.dumps(new)], (event["id"], key)
        checked += 1
    assert checked > 90


def test_a_retired_models_feed_ends_with_its_removal(site: Path) -> None:
    retired = json.loads((ROOT / "data/retired.json").read_bytes())["data"]
    for record in retired[:40]:
        parsed = feedparser.parse((site / model_path(record["id"]) / "feed.xml").read_bytes())
        assert parsed.entries[0].title.startswith("Removed: "), record["id"]
        assert parsed.entries[0].id.startswith("change:") and ":removed:" in parsed.entries[0].id


def test_a_new_models_item_gives_the_price_it_came_at_when_that_changed(site: Path) -> None:
    # aion-rp-llama-3.1-8b came at $0.20 in and out and went to $0.80 and $1.60 on 2026-07-17.
    parsed = feedparser.parse((site / "models/aion-labs/aion-rp-llama-3.1-8b/feed.xml").read_bytes())
    added = words(lxml.html.fragment_fromstring(parsed.entries[-1].description, create_parent="div"))
    assert "when it was first seen, input $0.20 and output $0.20 per 1M tokens" in added
    assert "Input $0.80 · Output $1.60 per 1M tokens" in added
    unchanged = feedparser.parse((site / "models/openai/gpt-4o/feed.xml").read_bytes()).entries[-1]
    assert "first seen, input" not in unchanged.description


# ---------------------------------------------------------------------------------------
# Price drops and rises


def percent(old: Decimal, new: Decimal) -> str:
    if old == 0:
        return "from free"
    change = (new - old) / old * 100
    text = str(abs(change).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)).removesuffix(".0")
    return ("+" if change > 0 else "−") + ("<0.1" if abs(change) < Decimal("0.1") else text) + "%"


def expected_moves(direction: int) -> list[tuple[str, list[str]]]:
    """(guid, the moves in words) of every logged price move one way, newest first, worked out
    from the log's own strings."""
    found = []
    for event in reversed(log()):
        said = []
        for key, (old, new) in (event.get("changes") or {}).items():
            if not key.startswith("pricing.") or old is None or new is None:
                continue
            before, after = Decimal(old), Decimal(new)
            kind = key.rsplit(".", 1)[-1]
            if before < 0 or after < 0 or (after - before) * direction <= 0 \
                    or format_price(kind, before) == format_price(kind, after):
                continue
            rank = ["pricing.prompt", "pricing.completion"].index(key) if key in HEADLINE else 2
            said.append((rank, key, f"{describe(key, old, new)} ({percent(before, after)})"))
        if said:
            word = "price-drop" if direction < 0 else "price-rise"
            found.append((f"{word}:{event['at']}:{event['id']}", [s for _, _, s in sorted(said)]))
    return found


def test_the_price_drop_and_rise_feeds_hold_every_logged_move_with_its_percentage(site: Path) -> None:
    for name, direction in (("price-drops", -1), ("price-rises", 1)):
        parsed = feedparser.parse((site / "feeds" / f"{name}.xml").read_bytes())
        assert not parsed.bozo
        expected = expected_moves(direction)
        assert len(expected) > 50
        assert [e.id for e in parsed.entries] == [guid for guid, _ in expected]
        for entry, (_, said) in zip(parsed.entries, expected):
            body = lxml.html.fragment_fromstring(entry.description, create_parent="div")
            assert [words(li) for li in body.iter("li")] == said, entry.id
    rises = feedparser.parse((site / "feeds/price-rises.xml").read_bytes())
    aion = next(e for e in rises.entries if e.id == "price-rise:2026-07-17T00:00:00Z:aion-labs/aion-rp-llama-3.1-8b")
    assert aion.title == ("Price rise: AionLabs: Aion-RP 1.0 (8B) — input $0.20 → $0.80 per 1M tokens (+300%); "
                          "output $0.20 → $1.60 per 1M tokens (+700%)")
    assert aion.link == BASE + "models/aion-labs/aion-rp-llama-3.1-8b/"


# ---------------------------------------------------------------------------------------
# Expiring models and their calendar


def real_expirations() -> dict[str, str]:
    """id -> expiration date of every listed model with a real one (2098-12-31 says "none")."""
    return {m["id"]: m["expiration_date"] for m in json.loads((ROOT / "data/models.json").read_bytes())["data"]
            if m.get("expiration_date") and m["expiration_date"] != "2098-12-31"}


def test_the_calendar_holds_exactly_the_real_expiration_dates(site: Path, project_site: Path) -> None:
    expected = real_expirations()
    assert len(expected) == 3 and "2098-12-31" not in expected.values()
    uids = {}
    for root, base in ((site, BASE), (project_site, PROJECT_BASE)):
        calendar = icalendar.Calendar.from_ical((root / "expiring.ics").read_bytes())
        assert str(calendar["version"]) == "2.0" and calendar["prodid"]
        events = calendar.walk("VEVENT")
        found = {}
        for event in events:
            start, end = event.decoded("dtstart"), event.decoded("dtend")
            assert type(start) is date and end - start == timedelta(days=1)  # all day
            ident = next(i for i in expected if str(event["url"]) == base + model_path(i))
            found[ident] = start.isoformat()
            assert event.decoded("dtstamp") and str(event["summary"]).endswith("expires on OpenRouter")
            uids.setdefault(ident, set()).add(str(event["uid"]))
        assert found == expected and len(events) == len(expected)
    for ident, seen in uids.items():  # one per model, from its id and the site's host
        assert seen == {f"expiration:{ident}@127.0.0.1", f"expiration:{ident}@someone.github.io"}


def test_each_expiring_model_offers_its_event_and_no_other_does(site: Path) -> None:
    expected = real_expirations()
    for ident in all_ids():
        folder = site / model_path(ident)
        doc = html(site, model_path(ident))
        link = doc.xpath("//main//a[@href='expiry.ics']")
        if ident in expected:
            event = icalendar.Calendar.from_ical((folder / "expiry.ics").read_bytes()).walk("VEVENT")
            assert [e.decoded("dtstart").isoformat() for e in event] == [expected[ident]]
            assert [words(a) for a in link] == ["Add to calendar"]
        else:
            assert not (folder / "expiry.ics").exists() and not link, ident


def test_the_expiring_page_lists_the_dated_models_soonest_first_and_the_recently_retired(site: Path) -> None:
    doc = html(site, "expiring")
    tables = doc.xpath("//main//table")
    soon = [(row.xpath(".//code")[0].text, row.xpath(".//time/@datetime")[0]) for row in tables[0].xpath("./tbody/tr")]
    assert soon == sorted(real_expirations().items(), key=lambda kv: (kv[1], kv[0]))
    for row in tables[0].xpath("./tbody/tr"):
        assert row.xpath(".//a[text()='Add to calendar']/@href")[0].endswith("/expiry.ics")
    since: dict[str, str] = {}
    for event in log():  # the models removed and not back, and when
        if event["kind"] == "removed":
            since[event["id"]] = event["at"][:10]
        elif event["kind"] == "added":
            since.pop(event["id"], None)
    recent = sorted(((day, i) for i, day in since.items() if day >= "2026-07-08"), reverse=True)  # the clock: 08-07
    gone = [(row.xpath(".//code")[0].text, words(row.xpath("./td")[0])) for row in tables[1].xpath("./tbody/tr")]
    assert gone == [(i, day) for day, i in recent] and len(gone) > 10
    assert doc.xpath("//main//a[@href='../expiring.ics']")
