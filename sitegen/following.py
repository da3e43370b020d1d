"""Pages for following the catalog: ``feeds/``, which lists every feed the site has and says
what each carries, and ``feed.xsl``, which shows any of them in a browser as a page;
``expiring/``, the models about to go and those just gone, with ``expiring.ics``, the
calendar of their dates. No disk access.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Sequence

from sitegen import ical
from sitegen.feedlist import CALENDAR, FOLDER_FEED, SITE_CALENDAR, SITE_FEEDS, STYLESHEET
from sitegen.model import Model
from sitegen.paths import author_path
from sitegen.render import Renderer
from sitegen.writer import Site

RECENTLY = timedelta(days=30)  # how far back expiring/ lists the models that left


def feeds_page(site: Site, r: Renderer, groups: dict[str, list[Model]], example: Model | None,
               providers: Sequence[tuple[str, str, int]] = ()) -> None:
    """``feeds/``: the site's feeds with their addresses, each author's feed (``groups``:
    author -> models), each provider's (name, feed, endpoints), and how a model's own feed
    works, shown with ``example``'s."""
    site.add("feeds/", r.page("feeds.html", "feeds/", {
        "feeds": [(feed, r.base_url + feed.path) for feed in SITE_FEEDS],
        "authors": [(items[0].author_display, author_path(author) + FOLDER_FEED, len(items))
                    for author, items in sorted(groups.items(), key=lambda kv: kv[1][0].author_display.lower())],
        "providers": providers,
        "example": (example.name, example.path + FOLDER_FEED) if example else None,
        "site_calendar": SITE_CALENDAR,
        "title": "Feeds",
        "description": "Every feed of the catalog: new models, changes, each author's new models and each "
        "model's own changes, with the address to paste into a feed reader.",
    }))


def feed_stylesheet(site: Site, r: Renderer) -> None:
    """``feed.xsl``: every feed, opened in a browser, as a page of the site (its masthead and
    footer, with links from the root the feed's own address gives, ``{$root}``)."""
    _, masthead, footer = r.chrome("{$root}", "feeds")
    site.add(STYLESHEET, r.env.get_template(STYLESHEET).render(masthead=masthead, footer=footer))


def expiring(site: Site, r: Renderer, models: Sequence[Model], retired: Sequence[Model], left: dict[str, str]) -> None:
    """``expiring/``: the listed models with an expiration date, soonest first, and the models
    that left in the 30 days before the build (``left``: when each retired model left);
    ``expiring.ics``, one event per listed model on its expiration date."""
    today = r.built_at.date()
    soon = sorted((m for m in models if m.expiration_day), key=lambda m: (m.expiration_day, m.id))
    since = (today - RECENTLY).isoformat()
    gone = sorted((m for m in retired if left.get(m.id, "")[:10] >= since), key=lambda m: (left[m.id], m.id),
                  reverse=True)
    site.add("expiring/", r.page("expiring.html", "expiring/", {
        "soon": [(m, (m.expiration_day - today).days if m.expiration_day else 0) for m in soon],
        "calendar": CALENDAR,
        "site_calendar": SITE_CALENDAR,
        "gone": [(m, left[m.id][:10]) for m in gone],
        "since": since,
        "title": "Expiring models",
        "description": f"The {len(soon)} models OpenRouter has announced it will stop serving, soonest first, "
        "with a calendar of their dates, and the models that left in the last 30 days.",
    }))
    site.add(SITE_CALENDAR, ical.calendar(soon, r.base_url, r.built_at, "Model expirations on OpenRouter"))
