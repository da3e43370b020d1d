"""The built site is valid HTML (W3C Nu HTML Checker) and has no broken internal link."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest

from conftest import PROJECT_BASE, ROOT

VNU = ROOT / ".ci/tools/node_modules/vnu-jar/build/dist/vnu.jar"
# A base URL with a path (for the checker's own tests): links that only work at a domain's
# root show up as broken.
BASE = "https://example.org/catalog/"
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src",
                   "source": "src", "form": "action", "area": "href", "use": "href"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def nu_errors(folder: Path) -> list[str]:
    """Every error the Nu HTML Checker finds in the pages (and SVG) under ``folder``."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.fail(f"the Nu HTML Checker needs Java and {VNU.relative_to(ROOT)}: run 'bash .ci/setup'")
    result = subprocess.run(
        # One JVM for every page; the quick (C1) compiler and serial GC halve its CPU time.
        [java, "-Xss16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(VNU),
         "--errors-only", "--skip-non-html", "--also-check-svg", "--format", "gnu", str(folder)],
        capture_output=True, text=True, timeout=600,
    )
    report = (result.stdout + result.stderr).replace(f"file:{folder}/", "")
    errors = [line for line in report.splitlines() if line.strip()]
    assert errors or result.returncode == 0, f"the checker failed: exit {result.returncode}"
    return errors


def test_nu_html_checker_reports_no_error(project_site: Path) -> None:
    assert len(list(project_site.rglob("*.html"))) > 400
    errors = nu_errors(project_site)
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors[:40])


def test_nu_html_checker_catches_errors(tmp_path: Path) -> None:
    # The check itself must be able to fail.
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><a href="a b">x</a></body></html>'
    )
    errors = nu_errors(tmp_path)
    assert len(errors) == 1 and errors[0].startswith('"sub/bad.html":') and "href" in errors[0]


# ---------------------------------------------------------------------------------------
# Links


class Site:
    """A built site on disk, served from ``base``."""

    def __init__(self, root: Path, base: str = BASE):
        self.root = root
        self.base = base
        self._ids: dict[Path, set[str]] = {}

    def url_of(self, rel: str) -> str:
        return self.base + re.sub(r"(^|/)index\.html$", r"\1", rel)

    def ids(self, file: Path) -> set[str]:
        if file not in self._ids:
            tree = lxml.html.fromstring(file.read_bytes())
            self._ids[file] = {e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")} | {
                e.get("name") for e in tree.iter("a") if e.get("name")
            }
        return self._ids[file]

    def problem(self, page_url: str, link: str, page: Path | None = None) -> str | None:
        """Why ``link`` found on ``page_url`` (the file ``page``) is broken, or None."""
        link = link.strip()
        if link.startswith("#") and page is not None:
            if unquote(link[1:]) not in self.ids(page):
                return f"no element with id {link[1:]!r} on this page"
            return None
        scheme = urlsplit(link).scheme.lower()
        if scheme in ("mailto", "data"):
            return None
        if scheme == "javascript":
            return "javascript: link"
        target = urljoin(page_url, link)
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            return f"unexpected scheme {parts.scheme!r}"
        if not target.startswith(self.base):
            if parts.netloc == urlsplit(self.base).netloc:
                return "points outside the base URL's path"
            return None  # another site
        rel = unquote(parts.path[len(urlsplit(self.base).path):])
        file = self.root / rel
        if rel == "" or rel.endswith("/"):
            file = file / "index.html"
        if not file.is_file():
            return "no such file" + (" (a folder: link it with a trailing '/')" if file.is_dir() else "")
        if parts.fragment:
            if file.suffix != ".html":
                return "fragment on a file that is not a page"
            if unquote(parts.fragment) not in self.ids(file):
                return f"no element with id {parts.fragment!r}"
        return None


def page_links(tree: lxml.html.HtmlElement) -> list[tuple[str, bool]]:
    """Every URL a page refers to, each with whether the browser loads it by itself
    (scripts, styles, icons, images) rather than on a click."""
    links = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        attribute = LINK_ATTRIBUTES.get(element.tag)
        if attribute and element.get(attribute) is not None:
            rel = set((element.get("rel") or "").split())
            loaded = element.tag != "a" and element.tag != "area" and element.tag != "form" and not (
                element.tag == "link" and rel <= {"alternate", "canonical", "next", "prev", "search"})
            links.append((element.get(attribute), loaded))
        if element.get("srcset"):
            links.extend((part.split()[0], True) for part in element.get("srcset").split(",") if part.strip())
        if element.tag == "meta" and (element.get("property") or element.get("name") or "").endswith(":image"):
            links.append((element.get("content"), False))
    return links


def broken_links(root: Path, base: str = BASE) -> tuple[int, list[str]]:
    """Check every internal link of the site at ``root``: (links checked, broken ones)."""
    site = Site(root, base)
    broken: list[str] = []
    checked = 0
    for file in sorted(root.rglob("*.html")):
        rel = file.relative_to(root).as_posix()
        # The 404 page is served at any address, so all its links must be absolute.
        page_url = "https://example.org/any/missing/path" if rel == "404.html" else site.url_of(rel)
        for link, loaded in page_links(lxml.html.fromstring(file.read_bytes())):
            checked += 1
            why = site.problem(page_url, link, file)
            if loaded and not why and not urljoin(page_url, link).startswith(base):
                why = "loaded from another host"
            if why:
                broken.append(f"{rel}: {link} -> {why}")
    for file in sorted(root.rglob("*.css")):
        rel = file.relative_to(root).as_posix()
        for link in CSS_URL.findall(file.read_text()):
            why = site.problem(site.url_of(rel), link)
            if why:
                broken.append(f"{rel}: {link} -> {why}")
    for name, xpath in (("feed.xml", "//item/link/text() | //channel/link/text()"),
                        ("sitemap.xml", "//*[local-name()='loc']/text()")):
        for link in lxml.etree.fromstring((root / name).read_bytes()).xpath(xpath):
            checked += 1
            why = "not under the base URL" if not link.startswith(base) else site.problem(base, link)
            if why:
                broken.append(f"{name}: {link} -> {why}")
    robots = re.search(r"^Sitemap: (\S+)$", (root / "robots.txt").read_text(), re.M)
    why = site.problem(base, robots.group(1)) if robots else "no Sitemap line"
    if why:
        broken.append(f"robots.txt -> {why}")
    return checked, broken


@pytest.mark.data
def test_no_broken_internal_link(project_site: Path) -> None:
    checked, broken = broken_links(project_site, PROJECT_BASE)
    assert checked > 10_000
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken[:40])


def test_link_checker_catches_broken_links(tmp_path: Path) -> None:
    # The checker itself must be able to fail.
    (tmp_path / "models" / "a").mkdir(parents=True)
    (tmp_path / "index.html").write_text('<p id="top">x</p>')
    (tmp_path / "models" / "a" / "index.html").write_text("<h1>a</h1>")
    site = Site(tmp_path)
    page = BASE + "models/a/"
    assert site.problem(page, "../../") is None
    assert site.problem(page, "../../#top") is None
    assert site.problem(page, BASE + "models/a/") is None
    assert site.problem(page, "https://other.example/") is None
    assert site.problem(page, "../../#nowhere") is not None
    assert site.problem(page, "../b/") is not None
    assert site.problem(page, "../a") is not None
    assert site.problem(page, "/models/a/") is not None
    assert site.problem(page, "../../../") is not None
    assert site.problem(page, "javascript:alert(1)") is not None
    assert site.problem(BASE, "#top", tmp_path / "index.html") is None
    assert site.problem(BASE, "#gone", tmp_path / "index.html") is not None


def test_link_checker_catches_assets_from_other_hosts(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="https://cdn.example/x.css"><a href="https://other.example/">ok</a>'
    )
    for name in ("feed.xml", "sitemap.xml"):
        (tmp_path / name).write_text("<x/>")
    (tmp_path / "robots.txt").write_text(f"Sitemap: {BASE}sitemap.xml\n")
    checked, broken = broken_links(tmp_path)
    assert checked == 2
    assert broken == ["index.html: https://cdn.example/x.css -> loaded from another host"]
