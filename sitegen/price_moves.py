"""Price drops and rises: ``feeds/price-drops.xml`` and ``feeds/price-rises.xml``, every
logged decrease or increase of any price kind of any model, old → new with the percentage.
A price that appears, disappears or varies (the API's "-1") is neither, and so is float
noise: a change that leaves the price the same as shown. No disk access.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Sequence

from sitegen import feeds, formats
from sitegen.config import SITE_NAME
from sitegen.feedlist import stylesheet
from sitegen.describe import describe
from sitegen.history import Event, SiteHistory, parse_time
from sitegen.model import Model
from sitegen.prices import HEADLINE_PRICES
from sitegen.writer import Site

# path -> (title, the word for one move, the direction: -1 down, 1 up)
MOVES = {"feeds/price-drops.xml": ("Price drops", "Price drop", -1),
         "feeds/price-rises.xml": ("Price rises", "Price rise", 1)}


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if isinstance(value, str) else None
    except InvalidOperation:
        return None


def moves(event: Event, direction: int) -> list[tuple[str, Decimal, Decimal]]:
    """The prices of ``event`` that went down (``direction`` -1) or up (1), as (path, old,
    new), the input and output price first."""
    found = []
    for path, (old, new) in (event.changes or {}).items():
        before, after = _decimal(old), _decimal(new)
        if not path.startswith("pricing.") or before is None or after is None or min(before, after) < 0:
            continue
        key = path.rsplit(".", 1)[-1]
        if (after - before) * direction > 0 and formats.price(key, before) != formats.price(key, after):
            found.append((path, before, after))
    return sorted(found, key=lambda move: (HEADLINE_PRICES.index(move[0]) if move[0] in HEADLINE_PRICES else 2,
                                           move[0]))


def move_item(event: Event, model: Model | None, base_url: str, word: str, found: Sequence[tuple[str, Decimal, Decimal]]
              ) -> feeds.FeedItem:
    said = [f"{describe(path, f'{old:f}', f'{new:f}')} ({formats.percent(old, new)})" for path, old, new in found]
    name = model.name if model else event.id
    return feeds.FeedItem(
        guid=f"{word.lower().replace(' ', '-')}:{event.at}:{event.id}",
        title=f"{word}: {name} — {'; '.join(said)}",
        link=base_url + (model.path if model else "changes/"),
        published=parse_time(event.at),
        html=f"<p>{word} of <code>{formats.text(event.id)}</code> on {event.day}:</p><ul>"
        + "".join(f"<li>{formats.text(s)}</li>" for s in said) + "</ul>",
        categories=tuple(path.removeprefix("pricing.") for path, _, _ in found),
    )


def price_move_feeds(site: Site, models: Sequence[Model], past: SiteHistory, base_url: str, updated: datetime) -> None:
    """The two feeds, newest first."""
    known = {m.id: m for m in list(past.retired) + list(models)}
    for path, (title, word, direction) in MOVES.items():
        items = [move_item(e, known.get(e.id), base_url, word, found)
                 for e in reversed(past.events) if (found := moves(e, direction))]
        info = feeds.FeedInfo(f"{title} on OpenRouter", f"Every logged {word.lower()} of any price of any model, "
                              "old → new with the percentage.", base_url + "changes/", base_url + path, updated,
                              SITE_NAME)
        site.add(path, feeds.rss(info, items, stylesheet(path)))
