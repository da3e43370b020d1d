"""A site built for a GitHub Pages project address (https://someone.github.io/repo/) works
under that path: every feed carries only absolute URLs under the base, every page has the
head a shared link needs, and the 404 page works from any depth. (Internal links, the
sitemap and robots.txt under a sub-path base are checked by test_validity.py.)"""

from __future__ import annotations

import functools
import http.server
import json
import re
import struct
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
import pytest

from conftest import PROJECT_BASE as BASE
from conftest import LATEST, build_site

# Attributes that hold one URL, by element.
URL_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src",
                  "iframe": "src", "form": "action", "use": "href", "image": "href"}


def page_url(site: Path, file: Path) -> str:
    rel = file.relative_to(site).as_posix()
    return BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def target_file(site: Path, url: str) -> Path | None:
    """The built file an absolute URL under the base serves (None when it is elsewhere)."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}{parts.path}".startswith(BASE) is False:
        return None
    rel = unquote(parts.path[len(urlsplit(BASE).path):])
    return site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def links(doc: lxml.html.HtmlElement) -> list[str]:
    found = []
    for tag, attribute in URL_ATTRIBUTES.items():
        for element in doc.iter(tag):
            value = element.get(attribute) or element.get("{http://www.w3.org/1999/xlink}href")
            if value is not None:
                found.append(value)
    return found


@pytest.fixture(scope="session")
def pages(project_site: Path) -> dict[Path, lxml.html.HtmlElement]:
    return {p: lxml.html.fromstring(p.read_bytes()) for p in sorted(project_site.rglob("*.html"))}


def feed_urls(tree: lxml.etree._ElementTree) -> tuple[list[str], list[str]]:
    """(the feed's own URLs: links, self, permalink guids; the HTML bodies of its items)."""
    urls, bodies = [], []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        name = lxml.etree.QName(element).localname
        for attribute in ("href", "url", "src"):
            if element.get(attribute) is not None:
                urls.append(element.get(attribute))
        if name in ("link", "loc") and (element.text or "").strip():
            urls.append(element.text.strip())
        elif name == "guid" and element.get("isPermaLink", "true") == "true":
            urls.append((element.text or "").strip())
        elif name == "id" and (element.text or "").strip().startswith(("http://", "https://")):
            urls.append(element.text.strip())
        elif name in ("description", "content", "summary", "encoded") and (element.text or "").strip():
            bodies.append(element.text)
    return urls, bodies


@pytest.mark.data
def test_every_feed_uses_only_absolute_urls_under_the_base(project_site: Path) -> None:
    feeds = [p for p in sorted(project_site.rglob("*.xml")) if p.name != "sitemap.xml"]
    assert project_site / "feed.xml" in feeds
    for feed in feeds:
        urls, bodies = feed_urls(lxml.etree.parse(str(feed)))
        assert urls, f"{feed.name} links to the site"
        for url in urls:
            target = target_file(project_site, url)
            assert target is not None, f"{feed.relative_to(project_site)}: {url} is not under {BASE}"
            assert target.is_file(), f"{feed.relative_to(project_site)}: {url} -> missing file"
        for body in bodies:
            fragment = lxml.html.fragment_fromstring(body, create_parent="div")
            for href in links(fragment):
                assert re.match(r"(https?|mailto):", href), f"{feed.name}: relative link {href!r} in an item"
                if urlsplit(href).netloc == urlsplit(BASE).netloc:
                    assert href.startswith(BASE), f"{feed.name}: {href} is outside the base"


def meta(doc: lxml.html.HtmlElement, attribute: str, value: str) -> str:
    found = doc.xpath(f"//head/meta[@{attribute}=$v]/@content", v=value)
    assert len(found) == 1, f"one <meta {attribute}={value!r}> expected, found {len(found)}"
    return found[0]


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.data
def test_every_page_has_the_head_a_shared_link_needs(project_site: Path, pages: dict[Path, lxml.html.HtmlElement]) -> None:
    for file, doc in pages.items():
        where = file.relative_to(project_site).as_posix()
        title = doc.findtext(".//head/title") or ""
        assert title.strip(), f"{where}: no title"
        assert meta(doc, "name", "description").strip(), f"{where}: no description"
        canonical = doc.xpath("//head/link[@rel='canonical']/@href")
        assert canonical == [page_url(project_site, file)], f"{where}: canonical {canonical}"
        assert meta(doc, "property", "og:url") == canonical[0], where
        assert meta(doc, "property", "og:title").strip() and meta(doc, "property", "og:description").strip(), where
        assert meta(doc, "property", "og:type") and meta(doc, "property", "og:site_name"), where
        image = meta(doc, "property", "og:image")
        assert image == BASE + "static/social.png", f"{where}: og:image {image}"
        size = (int(meta(doc, "property", "og:image:width")), int(meta(doc, "property", "og:image:height")))
        assert size == png_size(project_site / "static" / "social.png"), f"{where}: og:image size {size}"
        assert meta(doc, "property", "og:image:alt").strip() and meta(doc, "name", "twitter:image:alt").strip(), where
        assert meta(doc, "name", "twitter:card") == "summary_large_image", where
        assert meta(doc, "name", "twitter:image") == image, where
        assert meta(doc, "name", "twitter:title").strip(), where
        feeds = doc.xpath("//head/link[@rel='alternate'][@type='application/rss+xml' or @type='application/atom+xml']/@href")
        assert BASE + "feed.xml" in feeds, f"{where}: no feed discovery link"
        for href in feeds:
            target = target_file(project_site, href)
            assert target is not None and target.is_file(), f"{where}: feed {href}"


@pytest.mark.data
def test_the_404_page_is_not_indexed(pages: dict[Path, lxml.html.HtmlElement], project_site: Path) -> None:
    assert meta(pages[project_site / "404.html"], "name", "robots") == "noindex"


@pytest.mark.data
def test_the_social_image_is_a_1200_by_630_png_the_project_ships(project_site: Path) -> None:
    assert png_size(project_site / "static" / "social.png") == (1200, 630)
    assert png_size(Path(__file__).resolve().parent.parent / "static" / "social.png") == (1200, 630)


@pytest.mark.data
def test_github_pages_serves_the_site_as_is(project_site: Path) -> None:
    assert (project_site / ".nojekyll").is_file()


class _PagesLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under /repo/ and answers unknown paths with its 404.html, like Pages."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "repo" / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_missing_deep_address_shows_the_styled_404_page_with_working_links(tmp_path: Path, page) -> None:
    root = tmp_path / "pages"
    root.mkdir()
    catalog = tmp_path / "catalog.json"  # a few real models: the 404 page is the same for any number
    catalog.write_text(json.dumps({"data": json.loads(LATEST.read_bytes())["data"][:8]}), encoding="utf-8")
    handler = functools.partial(_PagesLikeHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/repo/"
    try:
        build_site(root / "repo", "--catalog", str(catalog), "--base-url", base)
        response = page.goto(base + "models/no-such-author/no-such-model/deeper/")
        assert response is not None and response.status == 404
        assert page.title().startswith("Page not found")
        # The browser reports the 404 status of the page itself; nothing else may fail.
        assert [e for e in page.errors if "status of 404" not in e] == [] and len(page.errors) <= 1
        page.errors.clear()
        sheets = page.evaluate("Array.from(document.styleSheets, s => s.cssRules.length)")
        assert sheets and all(n > 0 for n in sheets), "the stylesheet loaded from the deep address"
        page.click("main a[href='%s']" % base)
        page.wait_for_load_state()
        assert page.url == base
        assert page.locator("table").count() > 0, "the home link leads to the index"
        assert page.errors == []
    finally:
        server.shutdown()
        server.server_close()
