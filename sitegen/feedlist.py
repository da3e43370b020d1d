"""The site's own feeds, listed once: where each is, its format, and what it carries. The
feeds page lists them and every page's head links them; ``model_feeds`` and ``changes``
write them. Each author's and each model's feed are linked from their own pages. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

MEDIA_TYPES = {"RSS": "application/rss+xml", "Atom": "application/atom+xml"}
FOLDER_FEED = "feed.xml"  # an author's or a model's feed, beside its page
CALENDAR = "expiry.ics"  # the event of a model's expiration date, beside its page
BADGE = "badge.svg"  # a model's badge, beside its page
SITE_CALENDAR = "expiring.ics"  # every listed model's
STYLESHEET = "feed.xsl"  # how a feed reads in a browser (XSLT), at the site's root


def stylesheet(path: str) -> str:
    """The address of ``STYLESHEET`` from the feed at ``path``, relative, as a browser
    requires it to be on the feed's own host: ``../feed.xsl`` from ``feeds/free.xml``."""
    return "../" * path.count("/") + STYLESHEET


@dataclass(frozen=True)
class Listed:
    path: str
    format: str  # "RSS" or "Atom"
    title: str
    carries: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


SITE_FEEDS = (
    Listed("feed.xml", "RSS", "New models",
           "The 50 newest models, each with its input and output price, context length and modalities, then "
           "its description."),
    Listed("atom.xml", "Atom", "New models",
           "The same 50 newest models, as an Atom feed."),
    Listed("changes.xml", "RSS", "Changes",
           "The 500 most recent events of the change log: models added and removed, and every price and limit "
           "change with its old and new values."),
    Listed("feeds/price-drops.xml", "RSS", "Price drops",
           "Every logged decrease of any price of any model (input, output, cache, per request, …), old → new "
           "with the percentage."),
    Listed("feeds/price-rises.xml", "RSS", "Price rises",
           "Every logged increase of any price of any model, old → new with the percentage."),
    Listed("feeds/free.xml", "RSS", "New free models", "The newest models that cost nothing to call."),
    Listed("feeds/tools.xml", "RSS", "New models with tool calling", "The newest models that can call tools."),
    Listed("feeds/image-input.xml", "RSS", "New models with image input", "The newest models that read images."),
)
