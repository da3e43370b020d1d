"""Pages for following the catalog: ``feeds/``, which lists every feed the site has and says
what each carries. No disk access.
"""

from __future__ import annotations

from sitegen.feedlist import FOLDER_FEED, SITE_FEEDS
from sitegen.model import Model
from sitegen.paths import author_path
from sitegen.render import Renderer
from sitegen.writer import Site


def feeds_page(site: Site, r: Renderer, groups: dict[str, list[Model]], example: Model | None) -> None:
    """``feeds/``: the site's feeds with their addresses, each author's feed (``groups``:
    author -> models), and how a model's own feed works, shown with ``example``'s."""
    site.add("feeds/", r.page("feeds.html", "feeds/", {
        "feeds": [(feed, r.base_url + feed.path) for feed in SITE_FEEDS],
        "authors": [(items[0].author_display, author_path(author) + FOLDER_FEED, len(items))
                    for author, items in sorted(groups.items(), key=lambda kv: kv[1][0].author_display.lower())],
        "example": (example.name, example.path + FOLDER_FEED) if example else None,
        "title": "Feeds",
        "description": "Every feed of the catalog: new models, changes, each author's new models and each "
        "model's own changes, with the address to paste into a feed reader.",
    }))
