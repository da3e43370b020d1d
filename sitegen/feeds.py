"""RSS and Atom documents from plain ``FeedItem`` values, for every feed of the site. The only
home of feedgen.

An Atom document is what RFC 4287 asks: the feed names its author (the site), each entry its
own when it has one, every entry's ``id`` is an IRI (``FeedItem.atom_id``, the RSS ``guid``
when it is one) and every element carries ``updated``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from feedgen.feed import FeedGenerator

from sitegen import __version__


@dataclass(frozen=True)
class FeedItem:
    guid: str
    title: str
    link: str
    published: datetime
    html: str
    categories: tuple[str, ...] = ()
    atom_id: str = ""  # the entry's IRI in Atom, when ``guid`` is not one
    author: str = ""  # who made what the item is about (the model's author)


@dataclass(frozen=True)
class FeedInfo:
    title: str
    description: str
    link: str  # the HTML page the feed belongs to (absolute)
    self_url: str  # the feed's own absolute URL
    updated: datetime
    author: str  # who publishes the feed: the site


# Characters XML 1.0 cannot carry: control characters but tab and line breaks, surrogates,
# U+FFFE and U+FFFF. (Named as what they are: the complement of what XML allows takes ten
# times as long to compile, a share of a small build.)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot carry: dropped rather than fail."""
    return _NOT_XML.sub("", text)


def rss(info: FeedInfo, items: Sequence[FeedItem], stylesheet: str = "") -> bytes:
    """An RSS 2.0 document; ``stylesheet``: the address of the XSLT a browser shows it with."""
    document: bytes = _generator(info, items, for_atom=False).rss_str(pretty=True)
    return _styled(document, stylesheet)


def atom(info: FeedInfo, items: Sequence[FeedItem], stylesheet: str = "") -> bytes:
    document: bytes = _generator(info, items, for_atom=True).atom_str(pretty=True)
    return _styled(document, stylesheet)


def _styled(document: bytes, stylesheet: str) -> bytes:
    """``document`` naming ``stylesheet`` (an address of the site's own, no escaping needed)
    right after its XML declaration; feed readers pass it by."""
    if not stylesheet:
        return document
    declaration, _, rest = document.partition(b"\n")
    return b"%s\n<?xml-stylesheet type=\"text/xsl\" href=\"%s\"?>\n%s" % (declaration, stylesheet.encode(), rest)


def _generator(info: FeedInfo, items: Sequence[FeedItem], for_atom: bool) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(info.self_url)
    fg.title(xml_safe(info.title))
    fg.subtitle(xml_safe(info.description))
    # RSS's one channel <link> is the last link added: the page, not the feed itself.
    fg.link(href=info.self_url, rel="self")
    fg.link(href=info.link, rel="alternate")
    fg.language("en")
    fg.generator("sitegen", __version__)
    fg.author(name=xml_safe(info.author), uri=info.link)  # Atom only: RSS wants an e-mail address
    fg.updated(info.updated)
    fg.lastBuildDate(info.updated)
    for item in reversed(items):  # feedgen prepends entries: the newest, added last, ends on top
        entry = fg.add_entry()
        # Model ids and names can hold anything, even nothing XML carries: an entry still
        # needs an id and a title.
        guid = xml_safe(item.guid) or item.link
        if for_atom:  # each of these sets both the Atom id and the RSS guid
            entry.id(xml_safe(item.atom_id) or guid)
        else:
            entry.guid(guid, permalink=False)
        entry.title(xml_safe(item.title) or guid)
        entry.link(href=item.link)
        entry.published(item.published)
        entry.updated(item.published)
        entry.pubDate(item.published)
        if item.author and xml_safe(item.author):
            entry.author(name=xml_safe(item.author))
        if for_atom:  # escaped HTML, never CDATA: text that tries to close a CDATA section stays text
            entry.content(xml_safe(item.html), type="html")
        else:
            entry.description(xml_safe(item.html))
        for term in item.categories:
            entry.category(term=xml_safe(term))
    return fg
