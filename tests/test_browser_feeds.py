"""Every feed names the site's stylesheet (feed.xsl), so a browser shows it as a page in the
site's look, with its items and how to subscribe, while a feed reader reads the same XML.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html

BASE = "http://127.0.0.1:8000/"


def feed_files(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.xml")) if p.name != "sitemap.xml"]


def test_every_feed_names_the_stylesheet_by_a_relative_address_and_stays_valid(site: Path) -> None:
    files = feed_files(site)
    assert len(files) > 500  # the site's, each author's and each model's
    for path in files:
        tree = lxml.etree.parse(str(path))
        sheets = [node for node in tree.getroot().itersiblings(preceding=True)
                  if isinstance(node, lxml.etree._ProcessingInstruction) and node.target == "xml-stylesheet"]
        assert len(sheets) == 1, path
        assert sheets[0].get("type") == "text/xsl", path
        rel = path.relative_to(site).as_posix()
        href = sheets[0].get("href")
        assert "//" not in href and urljoin(BASE + rel, href) == BASE + "feed.xsl", path
        assert not feedparser.parse(path.read_bytes()).bozo, path
    assert lxml.etree.parse(str(site / "feed.xsl")).getroot().tag == "{http://www.w3.org/1999/XSL/Transform}stylesheet"


def open_feed(browser, url: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    answer = tab.goto(url)
    assert answer.ok
    tab.wait_for_selector("main h1")
    return context, tab


def own_markup_is_clean(tab) -> None:
    """The page keeps to the site's policy: no inline style or script of its own. (The
    browser may add a notice of its own about XSLT, with inline style the policy blocks; the
    selectors here also see inside its shadow root.)"""
    ours = "els => els.filter(e => e.getRootNode() === document && !e.closest('xslt-warning-banner'))"
    assert tab.eval_on_selector_all("[style]", ours + ".map(e => e.tagName)") == []
    handlers = ".flatMap(e => e.getAttributeNames()).filter(n => n.startsWith('on'))"
    assert tab.eval_on_selector_all("*", ours + handlers) == []
    scripts = tab.eval_on_selector_all("script", "els => els.map(e => [e.getAttribute('src'), e.textContent])")
    assert scripts and all(src and not text.strip() for src, text in scripts)


def test_the_new_models_feed_opens_as_a_page_of_the_site(site: Path, site_url: str, browser) -> None:
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    context, tab = open_feed(browser, site_url + "feed.xml")
    try:
        assert tab.evaluate("document.contentType") == "text/html"
        assert tab.inner_text("main h1") == parsed.feed.title
        items = tab.eval_on_selector_all("ol.feed-items > li h3 a",
                                         "els => els.map(a => [a.textContent, a.getAttribute('href')])")
        assert items == [[e.title, e.link] for e in parsed.entries] and len(items) == 50
        # In the site's look: its stylesheet applied, its masthead and navigation.
        assert tab.evaluate("getComputedStyle(document.querySelector('.masthead')).borderBottomStyle") == "solid"
        assert tab.evaluate("getComputedStyle(document.querySelector('.notice')).borderLeftWidth") == "4px"
        assert tab.inner_text(".masthead .brand").endswith("LLM Catalog")
        # How to subscribe: the feed's own address to copy.
        note = tab.inner_text(".feed-note")
        assert "feed reader" in note and BASE + "feed.xml" in note
        assert tab.is_visible("button[data-copy='feed-address']") or not tab.evaluate("!!navigator.clipboard")
        policy = lxml.html.parse(str(site / "index.html")).getroot().xpath(
            "//meta[@http-equiv='Content-Security-Policy']/@content")
        assert tab.get_attribute("meta[http-equiv='Content-Security-Policy']", "content") == policy[0]
        own_markup_is_clean(tab)
        tab.click(".crumbs a[href$='feeds/']")
        tab.wait_for_url(site_url + "feeds/")
        assert tab.inner_text("main h1") == "Feeds"
    finally:
        context.close()


def test_a_feed_deep_in_the_site_and_an_atom_feed_read_the_same_way(site: Path, site_url: str, browser) -> None:
    for rel in ("models/openai/gpt-4o/feed.xml", "atom.xml", "feeds/price-drops.xml"):
        parsed = feedparser.parse((site / rel).read_bytes())
        context, tab = open_feed(browser, site_url + rel, width=390)
        try:
            assert tab.inner_text("main h1") == parsed.feed.title, rel
            titles = tab.eval_on_selector_all("ol.feed-items > li h3", "els => els.map(e => e.textContent)")
            assert titles == [e.title for e in parsed.entries] and titles, rel
            dates = tab.eval_on_selector_all("ol.feed-items time", "els => els.map(e => e.getAttribute('datetime'))")
            assert dates == ["%04d-%02d-%02d" % e.published_parsed[:3] for e in parsed.entries], rel
            summaries = tab.eval_on_selector_all(".feed-summary", "els => els.map(e => e.textContent)")
            assert summaries and not [s for s in summaries if "<" in s or "&lt;" in s or "&amp;" in s], rel
            assert tab.evaluate("getComputedStyle(document.querySelector('.masthead')).borderBottomStyle") == "solid"
            # Its links lead back into the site from where it is.
            assert tab.evaluate("document.querySelector('.brand').href") == site_url
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390, rel  # nothing wider than a phone
            own_markup_is_clean(tab)
        finally:
            context.close()
