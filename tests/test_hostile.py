"""Sites built by the real CLI from the hostile catalogs in tests/hostile/: no injected element,
attribute, script or unsafe link anywhere in the output, every file inside the output folder,
absurd sizes bounded, and a broken catalog refused without touching the existing site. The
hostile answers of the endpoints API in tests/hostile/endpoints/: each bad endpoint record
skipped with a warning naming the model and the provider, the rest stored as sent, as strict
JSON.

Markup is checked with html.parser's tokenizer, which reports every start tag however oddly
nested (no tree builder drops or moves anything), and XML with lxml.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from conftest import run_cli
from sitegen.catalog import decode
from sitegen.model import MAX_DESCRIPTION
from sitegen.records import MAX_ID
from sitegen.paths import model_path

HOSTILE = Path(__file__).resolve().parent / "hostile"
CORPUS = sorted(p.stem for p in HOSTILE.glob("*.json"))
BASE = "https://catalog.example/"
# Attributes whose value is fetched or followed as a URL.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href",
                  "background", "cite", "ping", "longdesc", "manifest", "codebase"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "portal", "x-pwned"}
CSP_NAME = "content-security-policy"


class Scan(HTMLParser):
    """Every start tag of a document, with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script, self._text = attributes, []

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def scan(html: str) -> Scan:
    scanner = Scan()
    scanner.feed(html)
    scanner.close()
    return scanner


def injected(html: str, where: str) -> list[str]:
    """What in ``html`` could only have come from injected data (empty when clean)."""
    found = []
    doc = scan(html)
    for tag, attributes in doc.tags:
        if tag in NEVER or "pwn" in tag:
            found.append(f"{where}: <{tag}>")
        for name, value in attributes.items():
            if name.startswith("on") or name == "style" or "pwn" in name or name == "srcdoc":
                found.append(f"{where}: <{tag} {name}=...>")
            if name in URL_ATTRIBUTES:
                scheme = urlsplit(value.strip()).scheme.lower() if ":" in value else ""
                if scheme not in SAFE_SCHEMES or re.match(r"\s*(javascript|vbscript|data|file)\s*:", value, re.I):
                    found.append(f"{where}: <{tag} {name}={value[:60]!r}>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() not in ("", CSP_NAME):
            found.append(f"{where}: <meta http-equiv={attributes['http-equiv']!r}>")
    for attributes, text in doc.scripts:
        if attributes.get("type") == "application/json":
            try:
                json.loads(text)
            except ValueError:
                found.append(f"{where}: a JSON data island that is not JSON (closed early?)")
        elif "src" not in attributes or text.strip():
            found.append(f"{where}: inline <script> {text[:60]!r}")
        elif not (attributes["src"].startswith(BASE) or not urlsplit(attributes["src"]).netloc):
            found.append(f"{where}: script from another site {attributes['src']!r}")
    return found


def build(catalog: Path, out: Path, *extra: str):
    return run_cli("build", "--catalog", str(catalog), "--out", str(out), "--base-url", BASE, *extra, timeout=180)


@pytest.fixture(scope="session")
def hostile_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Each corpus file built into its own folder: name -> (site folder, stderr)."""
    sites = {}
    for name in CORPUS:
        out = tmp_path_factory.mktemp(f"hostile-{name}") / "site"
        result = build(HOSTILE / f"{name}.json", out)
        assert result.returncode == 0, f"{name}: {result.stderr}"
        sites[name] = (out, result.stderr)
    return sites


def files(site: Path, pattern: str) -> list[Path]:
    found = sorted(p for p in site.rglob(pattern) if p.is_file())
    assert found, f"no {pattern} in {site}"
    return found


# --- Nothing injected ------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS)
def test_no_page_holds_injected_markup_or_script(hostile_sites, name: str) -> None:
    site, _ = hostile_sites[name]
    problems = []
    for page in files(site, "*.html"):
        problems += injected(page.read_text("utf-8"), page.relative_to(site).as_posix())
    assert problems == []


@pytest.mark.parametrize("name", CORPUS)
def test_every_page_carries_a_csp_that_forbids_inline_script_and_style(hostile_sites, name: str) -> None:
    site, _ = hostile_sites[name]
    for page in files(site, "*.html"):
        doc = scan(page.read_text("utf-8"))
        tags = [t for t, _ in doc.tags]
        policies = [a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv", "").lower() == CSP_NAME]
        assert len(policies) == 1, page
        # Before anything that loads or runs: the policy must govern the whole document.
        meta_at = next(i for i, (t, a) in enumerate(doc.tags) if a.get("http-equiv", "").lower() == CSP_NAME)
        assert all(t not in ("script", "link", "style", "img") for t in tags[:meta_at]), page
        directives = dict((d.split() + [""])[:2] for d in policies[0].split(";") if d.strip())
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'", policies[0]
        assert "unsafe" not in policies[0] and directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'none'"


@pytest.mark.parametrize("name", CORPUS)
def test_feeds_are_well_formed_and_their_html_is_clean(hostile_sites, name: str) -> None:
    site, _ = hostile_sites[name]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    problems = []
    for feed in files(site, "*.xml"):
        where = feed.relative_to(site).as_posix()
        root = etree.fromstring(feed.read_bytes(), parser)  # raises if a payload broke the XML
        for element in root.iter():
            if not isinstance(element.tag, str):
                problems.append(f"{where}: {element!r}")  # a comment or processing instruction
                continue
            if "pwn" in element.tag or any("pwn" in k for k in element.attrib):
                problems.append(f"{where}: <{element.tag}>")
            local = etree.QName(element).localname
            parent = element.getparent()
            in_item = parent is not None and etree.QName(parent).localname in ("item", "entry")
            if local in ("description", "content", "summary") and in_item and element.text:
                # An item's description is HTML by convention (the channel's is plain text).
                problems += injected(element.text, f"{where} {local}")
            if local == "link":
                href = element.get("href") or element.text or ""
                if not href.startswith(BASE) and not href.startswith("https://openrouter.ai/"):
                    problems.append(f"{where}: link {href[:80]!r}")
            if local == "title" and element.text == "forged item":
                problems.append(f"{where}: a forged item")
    assert problems == []


def test_text_that_closes_a_cdata_section_stays_text(hostile_sites) -> None:
    site, _ = hostile_sites["escapes"]
    titles = [t.text for t in etree.parse(str(site / "feed.xml")).iter("title")]
    assert any(t and "]]><x-pwned/><![CDATA[" in t for t in titles)
    assert any(t and "</title></item><item><title>forged item" in t for t in titles)


@pytest.mark.parametrize("name", CORPUS)
def test_json_exports_and_sitemap_stay_valid_and_on_site(hostile_sites, name: str) -> None:
    site, _ = hostile_sites[name]
    for export in files(site, "*.json"):
        json.loads(export.read_bytes())
    for record in json.loads((site / "models.json").read_bytes())["data"]:
        url = urlsplit(record["url"])
        assert record["url"].startswith(BASE) and ".." not in url.path.split("/")
    urls = [loc.text for loc in etree.parse(str(site / "sitemap.xml")).iter("{*}loc")]
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert url.startswith(BASE) and not parts.query and not parts.fragment, url
        assert all(s not in (".", "..") for s in parts.path.split("/")), url
        assert re.fullmatch(r"[A-Za-z0-9._~:/%-]+", url), url


def test_a_data_island_cannot_be_closed_by_the_data() -> None:
    from sitegen.formats import json_for_script

    value = {"a": "</script><script>window.__pwned=1</script>", "b": "<!--<script>", "c": "\u2028&amp;"}
    doc = scan(f'<script type="application/json">{json_for_script(value)}</script><p>after</p>')
    assert len(doc.scripts) == 1 and json.loads(doc.scripts[0][1]) == value
    assert [t for t, _ in doc.tags] == ["script", "p"]


# --- Links in descriptions -----------------------------------------------------------------


def test_unsafe_link_schemes_are_dropped_and_safe_links_kept(hostile_sites) -> None:
    site, _ = hostile_sites["links"]
    hrefs: list[str] = []
    for page in files(site / "models", "index.html"):
        doc = scan(page.read_text("utf-8"))
        hrefs += [a.get("href", "") for t, a in doc.tags if t == "a"]
        # The page's one image is the model's own badge, beside it.
        images = [a["src"] for t, a in doc.tags if t == "img"]
        assert images == ["badge.svg"], "an image from a description reached the page"
    assert "https://example.com/docs" in hrefs and "mailto:someone@example.com" in hrefs
    schemes = {urlsplit(h).scheme.lower() for h in hrefs}
    assert schemes <= SAFE_SCHEMES, schemes
    assert not [h for h in hrefs if re.match(r"\s*(javascript|vbscript|livescript|data|file)\s*:", h, re.I)]


def test_raw_html_in_descriptions_shows_as_text(hostile_sites) -> None:
    site, _ = hostile_sites["links"]
    page = (site / model_path("links/case-17") / "index.html").read_text("utf-8")
    about = page.split('id="about"', 1)[1].split("</section>", 1)[0]
    assert [t for t, _ in scan(about).tags] == ["p"]
    assert "&lt;a href=" in about  # shown, escaped, for what it is


def test_markup_in_code_shows_exactly_as_written() -> None:
    from lxml import html as lxml_html

    from sitegen.markup import description_html

    text = "Wrap it in `<think>` tags; `a && b`, `&amp;` and `</code><x-pwned>`.\n\n    <pre>&lt;"
    fragment = lxml_html.fragment_fromstring(description_html(text), create_parent="div")
    assert [c.text for c in fragment.iter("code")] == ["<think>", "a && b", "&amp;", "</code><x-pwned>", "<pre>&lt;\n"]
    assert [e.tag for e in fragment.iter("x-pwned", "script")] == []
    assert len(list(fragment.iter("pre"))) == 1  # the indented code block


# --- Ids and the output folder -------------------------------------------------------------


def test_hostile_ids_get_pages_inside_the_output_folder(hostile_sites) -> None:
    site, stderr = hostile_sites["paths"]
    # The build wrote nothing beside its output folder (staging folders are gone too).
    assert [p.name for p in site.parent.iterdir()] == ["site"]
    root = site.resolve()
    for path in site.rglob("*"):
        assert path.resolve().is_relative_to(root), path
        assert not path.is_symlink()
    records = json.loads((HOSTILE / "paths.json").read_bytes())["data"]
    kept = [r for r in records if "\x00" not in r["id"] and len(r["id"]) <= MAX_ID]
    assert len(kept) < len(records)
    for record in kept:
        page = site / model_path(record["id"]) / "index.html"
        assert page.is_file(), record["id"]
        h1 = [t for t, _ in scan(page.read_text("utf-8")).tags].index("h1")
        assert h1 >= 0
    # The ids that cannot be used are named in one warning line each.
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: skipped model")]
    assert len(warnings) == len(records) - len(kept)
    assert any("NUL" in w for w in warnings) and any("too long" in w for w in warnings)


# --- Numbers JSON cannot carry ------------------------------------------------------------

NONFINITE_SKIPPED = {
    "nonfinite/case-0": "context_length", "nonfinite/case-1": "context_length", "nonfinite/case-2": "created",
    "nonfinite/case-3": "pricing.prompt", "nonfinite/case-4": "pricing.completion",
    "nonfinite/case-5": "pricing.overrides[0].prompt", "nonfinite/case-6": "top_provider.max_completion_tokens",
    "nonfinite/case-7": "benchmarks.mmlu.score", "nonfinite/case-8": "default_parameters.temperature",
    "nonfinite/case-9": "reasoning.budgets[2]", "nonfinite/case-10": r"links['\x1b[31m\nkey']",
}


def strict_json(content: bytes) -> object:
    def refuse(text: str) -> object:
        raise ValueError(f"{text} is not JSON")

    return json.loads(content, parse_constant=refuse)


def test_a_record_holding_a_number_json_cannot_carry_is_skipped_naming_the_field(hostile_sites) -> None:
    site, stderr = hostile_sites["nonfinite"]
    assert sorted(stderr.splitlines()) == sorted(
        f"warning: skipped model {ident!r}: {field} is not a finite number" for ident, field in NONFINITE_SKIPPED.items())
    exported = [r["id"] for r in strict_json((site / "models.json").read_bytes())["data"]]
    assert exported == ["nonfinite/case-11"]


# Records a fetch does not store: they hold a number JSON cannot carry (10**400 in numbers.json).
NOT_STORED = {"numbers": {"numbers/case-16"}, "nonfinite": set(NONFINITE_SKIPPED)}


# shapes.json is refused by fetch as nested too deeply (its deepest record is 800 levels).
@pytest.mark.parametrize("name", [name for name in CORPUS if name != "shapes"])
def test_what_fetch_stores_from_a_hostile_catalog_is_strict_json(tmp_path: Path, name: str) -> None:
    data = tmp_path / "data"
    result = run_cli("fetch", "--source", str(HOSTILE / f"{name}.json"), "--data", str(data))
    assert result.returncode == 0, result.stderr
    stored = {p.name: p.read_bytes() for p in data.iterdir()}
    assert sorted(stored) == ["changes.jsonl", "models.json"]
    records = strict_json(stored["models.json"])["data"]
    for line in stored["changes.jsonl"].splitlines():
        strict_json(line)
    # Every other record is stored as sent, the ones skipped for other faults too.
    sent = decode((HOSTILE / f"{name}.json").read_bytes())["data"]  # 5,000 digits: json.loads refuses
    assert records == [r for r in sent if r["id"] not in NOT_STORED.get(name, set())]
    if name == "nonfinite":
        assert records[0]["benchmarks"] == {"big": 1e308, "tiny": 1e-300, "negative_zero": -0.0, "long": 10**300}


# --- Endpoint records -------------------------------------------------------------------------

ENDPOINTS = HOSTILE / "endpoints"  # a catalog, and the endpoints API's answers for its models
NOT_PLAIN = "its provider_name is not a plain name of at most 100 characters"
# The records each model's answer holds that are skipped, by the name its warning gives them.
SKIPPED_ENDPOINTS = {
    "endpoints/prices": {
        "negative": "pricing.prompt is negative", "nan-string": "pricing.prompt is not a finite number",
        "infinity": "pricing.completion is not a finite number",
        "huge-price": "pricing.prompt is out of range: '1e999999'",
        "huge-context": "context_length is not a finite number",
        "nan-latency": "latency_last_30m.p50 is not a finite number",
        "digits": "max_completion_tokens is not a finite number",
        "negative-tier": "pricing.overrides[0].prompt is negative", "price-object": "pricing.prompt is not a number"},
    "endpoints/counts": {
        "context-1e40": "context_length is out of range: 100000000000000000000000",
        "context-negative": "context_length is out of range: -5",
        "context-fraction": "context_length is not a whole number",
        "context-string": "context_length is not a whole number", "context-bool": "context_length is not a whole number",
        "tier-negative": "pricing.overrides[0].min_prompt_tokens is out of range: -1"},
    "endpoints/names": {
        **{name: NOT_PLAIN for name in ("script", "attribute", "escape", "newline", "long", "empty", "number",
                                        "missing")},
        **{tag: "its tag is not a provider slug" for tag in ("<x-pwned>", "../../etc/passwd", "t" * 100, "endpoint 12")},
        "quantized": "its quantization is not a short lowercase word"},
    "endpoints/shapes": {
        "endpoint 1": "it is a string, not an object", "endpoint 2": "it is a list, not an object",
        "endpoint 3": "it is null, not an object", "endpoint 4": "it is a number, not an object",
        "pricing-string": "it has no pricing object", "no-pricing": "it has no pricing object"},
}
REFUSED_ANSWERS = {
    "endpoints/error": "the answer is an error: '<x-pwned>\\n\\x1b[2J upstream failed'",
    "endpoints/list": "the answer is a list, not an object",
    "endpoints/no-list": "the answer has no data.endpoints list",
    "endpoints/nonfinite-answer": "the answer is a number JSON cannot carry, not an object",
}


@pytest.fixture(scope="module")
def hostile_endpoints(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A data folder fetched from the hostile catalog with the hostile answers, and stderr."""
    data = tmp_path_factory.mktemp("hostile-endpoints") / "data"
    result = run_cli("fetch", "--source", str(ENDPOINTS / "catalog.json"), "--endpoints",
                     str(ENDPOINTS / "answers.json"), "--data", str(data))
    assert result.returncode == 0, result.stderr
    return data, result.stderr


def test_each_hostile_endpoint_is_skipped_with_a_warning_naming_the_model_and_the_provider(hostile_endpoints) -> None:
    _, stderr = hostile_endpoints
    expected = [f"warning: skipped the endpoint {name!r} of {model_id}: {why}"
                for model_id, skipped in SKIPPED_ENDPOINTS.items() for name, why in skipped.items()]
    expected += [f"warning: refused the endpoints of {model_id} (none stored): {why}"
                 for model_id, why in REFUSED_ANSWERS.items()]
    expected.append("warning: skipped all but the first 200 of the 201 endpoints of endpoints/many")
    assert sorted(stderr.splitlines()) == sorted(expected)


def test_what_fetch_stores_of_hostile_endpoints_is_strict_json_and_as_sent(hostile_endpoints) -> None:
    data, _ = hostile_endpoints
    stored = strict_json((data / "endpoints.json").read_bytes())["models"]
    answers = decode((ENDPOINTS / "answers.json").read_bytes())  # with its NaN and 1e999 as sent
    assert sorted(stored) == sorted({*answers, "endpoints/none"} - set(REFUSED_ANSWERS))
    assert stored["endpoints/none"]["endpoints"] == []  # not in the answers: the API's 404
    for model_id, entry in stored.items():
        sent = answers.get(model_id, {"data": {"endpoints": []}})["data"]["endpoints"][:200]
        skipped = SKIPPED_ENDPOINTS.get(model_id, {})
        kept = [r for i, r in enumerate(sent)
                if (r.get("tag") if isinstance(r, dict) and isinstance(r.get("tag"), str) else f"endpoint {i}")[:100]
                not in skipped]
        key = functools.partial(json.dumps, sort_keys=True)
        assert sorted(map(key, entry["endpoints"])) == sorted(map(key, kept)), model_id
    assert stored["endpoints/prices"]["endpoints"][0]["future_field"] == {"kept": [1, "two", None]}
    assert [e["tag"] for e in stored["endpoints/counts"]["endpoints"]] == ["good", "odd-stats"]
    for line in (data / "changes.jsonl").read_bytes().splitlines():
        strict_json(line)


def test_a_site_built_with_hostile_endpoints_holds_no_injected_markup(hostile_endpoints, tmp_path: Path) -> None:
    data, _ = hostile_endpoints
    out = tmp_path / "site"
    result = run_cli("build", "--data", str(data), "--out", str(out), "--base-url", BASE, timeout=180)
    assert result.returncode == 0, result.stderr
    problems = []
    for page in files(out, "*.html"):
        problems += injected(page.read_text("utf-8"), page.relative_to(out).as_posix())
    assert problems == []


# --- Absurd sizes ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def huge_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Multi-megabyte fields and pathological Markdown, made here rather than committed."""
    folder = tmp_path_factory.mktemp("huge")
    base = json.loads((HOSTILE / "sizes.json").read_bytes())["data"][0]
    cases = {
        "huge/description": {"description": "Lorem ipsum <x-pwned> dolor. " * 200_000},  # 5.8 MB
        "huge/name": {"name": "N" * 1_000_000},
        # Each of these takes Python-Markdown a minute or more: the build's timeout catches it.
        "huge/brackets": {"description": "[" * 19_000},
        "huge/brackets-words": {"description": "[a " * 6_000},
        "huge/brackets-closed": {"description": "[" * 18_000 + "]"},
        "huge/quotes": {"description": "".join(">" * i + " x\n" for i in range(190))},
        "huge/links": {"description": "[a](" * 4_000},
        "huge/lists": {"description": "".join("  " * i + "- x\n" for i in range(150))},
        "huge/params": {"supported_parameters": [f"p{i}" for i in range(50_000)]},
        "huge/defaults": {"default_parameters": {f"parameter_{i}": i for i in range(50_000)}},
        "huge/efforts": {"reasoning": {"supported_efforts": [f"effort_{i}" for i in range(50_000)]}},
        "huge/pricing": {"pricing": {f"k{i}": "0.000001" for i in range(50_000)}},
        "huge/unknown": {"benchmarks": {f"b{i}": list(range(20)) for i in range(20_000)}},
    }
    records = [dict(base, id=model_id, **fields) for model_id, fields in cases.items()]
    catalog = folder / "huge.json"
    catalog.write_text(json.dumps({"data": records}), encoding="utf-8")
    out = folder / "site"
    result = build(catalog, out)  # a blow-up shows as the child's timeout (180 s)
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def test_absurd_sizes_are_bounded_on_every_page(huge_site) -> None:
    site, _ = huge_site
    for page in files(site, "*.html"):
        assert page.stat().st_size < 1_000_000, page
    html = (site / model_path("huge/description") / "index.html").read_text("utf-8")
    about = html.split('id="about"', 1)[1].split("</section>", 1)[0]
    assert MAX_DESCRIPTION // 2 < len(about) < MAX_DESCRIPTION * 2
    params = scan((site / model_path("huge/params") / "index.html").read_text("utf-8"))
    assert sum(1 for t, a in params.tags if t == "li") < 1000


def test_pathological_markdown_is_shown_as_text(huge_site) -> None:
    site, _ = huge_site
    html = (site / model_path("huge/brackets") / "index.html").read_text("utf-8")
    assert "[[[[[[[[" in html


# --- A broken catalog leaves the existing site alone -----------------------------------------

BROKEN = {
    "not-json": b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
    "garbage": b"\x89PNG\r\n\x1a\n\x00\x00",
    "truncated": b'{"data": [{"id": "a/b", "name": "A", "pricing": {"prompt": "0.1"',
    "empty-file": b"",
    "empty-data": b'{"data": []}',
    "null-data": b'{"data": null}',
    "wrong-shape": b'{"data": {"id": "a/b"}}',
    "bare-list": b'[{"id": "a/b"}]',
    "error": b'{"error": {"message": "Unauthorized\\n\\u001b[31m"}}',
    "no-usable-record": b'{"data": [null, 1, {"id": ""}, {"name": "no id"}]}',
    "nan": b'{"data": [{"id": "a/b", "benchmarks": NaN, "context_length": Infinity}]}',
    "too-deep": b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_catalog_is_refused_and_the_site_left_untouched(hostile_sites, tmp_path: Path, name: str) -> None:
    out = tmp_path / "site"
    shutil.copytree(hostile_sites["links"][0], out, copy_function=shutil.copy2)
    before = {p.relative_to(out): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    catalog = tmp_path / "broken.json"
    catalog.write_bytes(BROKEN[name])
    result = build(catalog, out)
    assert result.returncode == 3, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("sitegen build: error: ")
    assert "\x1b" not in result.stderr and str(catalog) in result.stderr
    after = {p.relative_to(out): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "site"]


# --- In a browser ---------------------------------------------------------------------------

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile || ""}:${e.lineNumber}`);
});
"""


@pytest.mark.parametrize("name", ["markup", "escapes", "links"])
def test_no_injected_script_runs_in_a_browser(hostile_sites, browser, name: str) -> None:
    from urllib.parse import quote

    from conftest import serve_folder

    site, _ = hostile_sites[name]
    url, server = serve_folder(site)
    context = browser.new_context()
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())  # nothing leaves
    context.add_init_script(WATCH)
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    ids = [r["id"] for r in json.loads((HOSTILE / f"{name}.json").read_bytes())["data"]]
    paths = ["", "authors/", "compare/?models=" + ",".join(quote(i, safe="") for i in ids[:6])]
    paths += sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / "models").rglob("index.html"))
    try:
        for path in paths:
            page.goto(url + path, wait_until="load")
            if path == "":  # typed into the search too, and the filtered table drawn
                search = page.locator("#q")
                assert search.count() == 1, "the index has no search box"
                search.fill('<img src=x onerror="window.__pwned=1"> </script><script>window.__pwned=1</script>')
                page.keyboard.press("Enter")
                page.wait_for_function("() => new URLSearchParams(location.search).has('q')")
                page.wait_for_load_state("networkidle")  # an injected <img> would have failed by now
            if path.startswith("compare/"):  # our own script runs under the policy
                page.wait_for_selector("#app", state="visible", timeout=5000)
            state = page.evaluate("() => [typeof window.__pwned, window.__violations]")
            assert state == ["undefined", []], (path, state)
            assert page.locator("x-pwned, [data-pwned], iframe, object, embed").count() == 0, path
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert dialogs == []
    assert [e for e in errors if "Content Security Policy" in e or "pwned" in e] == []
    assert errors == []
