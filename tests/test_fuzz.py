"""Property tests with hypothesis: the catalog parser, the Markdown sanitizer, JSON data islands,
the stored snapshot and the whole in-memory render hold up under any input.

The id -> path mapping has its own properties in test_paths.py.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen.catalog import loads, parse_payload
from sitegen.model import Catalog
from sitegen.paths import model_path
from sitegen.prices import PRICE_KINDS
from sitegen.config import BuildSettings
from sitegen.errors import CatalogError
from sitegen.markup import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS, description_html
from sitegen.formats import json_for_script
from sitegen.store import snapshot_bytes
from sitegen.history import SiteHistory
from sitegen.site import SiteData, build_site
from sitegen.strictjson import bad_number_path
from sitegen.writer import SiteFiles
from test_hostile import injected, scan

# Any character at all, lone surrogates included (JSON can carry "\ud800").
ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=40)
NUMBERS = (st.integers(-2**70, 2**70) | st.integers(0, 2**34) | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from([0, -1, 1e308, 2**63, 32503680000, 32503680001, 253402300799]))
PRICE_TEXT = st.from_regex(r"-?[0-9]{0,12}(\.[0-9]{0,30})?([eE][-+]?[0-9]{1,7})?", fullmatch=True) | st.sampled_from(
    ["-1", "0", "NaN", "Infinity", "-0", "1e999999", "0.00000100000000000000015", " 1 ", ""])
SCALARS = st.none() | st.booleans() | NUMBERS | ANY_TEXT
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
                    max_leaves=12)
PRICES = st.dictionaries(st.sampled_from([*PRICE_KINDS, "overrides", "min_prompt_tokens"]) | ANY_TEXT,
                         PRICE_TEXT | NUMBERS | JSON, max_size=6)
RECORD = st.fixed_dictionaries(
    {"id": ANY_TEXT | st.sampled_from(["a/b", "a/b:free", "~a/b", "../x", "a/index.html"]) | JSON},
    optional={
        "name": ANY_TEXT | JSON,
        "created": NUMBERS | JSON,
        "description": ANY_TEXT | st.text(st.sampled_from("[]()<>*_`#>-!:\n &;/\\"), max_size=200) | JSON,
        "context_length": NUMBERS | JSON,
        "architecture": st.fixed_dictionaries({}, optional={
            "input_modalities": st.lists(ANY_TEXT | JSON, max_size=4) | JSON,
            "output_modalities": st.lists(ANY_TEXT, max_size=4) | JSON,
            "tokenizer": ANY_TEXT | JSON, "instruct_type": ANY_TEXT | JSON}) | JSON,
        "pricing": PRICES | st.builds(lambda p, tiers: dict(p, overrides=tiers), PRICES,
                                      st.lists(st.builds(lambda p, n: dict(p, min_prompt_tokens=n), PRICES, NUMBERS),
                                               max_size=3)) | JSON,
        "top_provider": st.fixed_dictionaries({}, optional={
            "context_length": NUMBERS | JSON, "max_completion_tokens": NUMBERS | JSON,
            "is_moderated": JSON}) | JSON,
        "supported_parameters": st.lists(ANY_TEXT, max_size=5) | JSON,
        "default_parameters": JSON,
        "reasoning": JSON,
        "expiration_date": ANY_TEXT | JSON,
        "knowledge_cutoff": ANY_TEXT | JSON,
        "hugging_face_id": ANY_TEXT | JSON,
        "canonical_slug": ANY_TEXT | JSON,
        "alias_target": ANY_TEXT | JSON,
        "supported_voices": JSON,
        "links": JSON,
    },
)
CATALOG = st.one_of(
    JSON,
    st.fixed_dictionaries({"data": st.lists(RECORD | JSON, max_size=6) | JSON}),
    st.fixed_dictionaries({"error": JSON}),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CATALOG)
@example({"data": [{"id": "a/b", "created": 10**400}]})
@example({"data": [{"id": "a/b", "created": 253402300799}]})
@example({"data": [{"id": "a/b", "pricing": {"prompt": "1e-999999999"}}]})
@example({"data": [{"id": "a/b", "context_length": float("nan")}]})
def test_parse_payload_raises_nothing_but_catalog_error(payload) -> None:
    try:
        catalog = parse_payload(payload)
    except CatalogError as exc:
        assert "\n" not in str(exc)
        return
    assert catalog.models
    ids = [m.id for m in catalog.models]
    assert len(set(ids)) == len(ids)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200) | st.builds(lambda v: json.dumps(v).encode(), CATALOG)
       | st.builds(lambda v, n: json.dumps(v).encode()[:n], CATALOG, st.integers(0, 300)))
@example(b'{"data": [' + b"[" * 5000)
@example(b'{"data": [{"id": "a", "x": NaN}]}')
@example(b"\xef\xbb\xbf" + b'{"data": []}')
def test_loads_turns_any_bytes_into_a_catalog_or_one_catalog_error(body: bytes) -> None:
    try:
        loads(body, source="body")
    except CatalogError as exc:
        assert str(exc).startswith("body") and "\n" not in str(exc)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORD, min_size=1, max_size=4))
@example([{"id": "retired.html", "created": 32_503_680_000}])
@example([{"id": "\x13"}])  # nothing XML carries: the feeds' entries still need an id and a title
def test_any_usable_record_renders_into_a_clean_site(records) -> None:
    try:  # through the JSON text, as the build reads it
        catalog: Catalog = loads(json.dumps({"data": records}), source="fuzz")
    except CatalogError:
        return
    site = SiteFiles()
    build_site(site, SiteData(catalog, SiteHistory()), BuildSettings(base_url="https://catalog.example/"))
    for model in catalog.models:
        assert model.path + "index.html" in site
    for path, content in site.files.items():
        if path.endswith(".html"):
            assert injected(content.decode("utf-8"), path) == []


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT | st.text(st.sampled_from("[]()<>*_`#>-!:\n &;/\\\"'=jJavscript") , max_size=120))
@example("[x](javascript:alert(1))")
@example("[x](<javascript:alert(1)>)")
@example('<a href="javascript:alert(1)">x</a>')
@example("![x](data:image/png;base64,AAAA)")
@example("[x](&#106;avascript:alert(1))")
def test_description_html_keeps_only_the_allow_list(text: str) -> None:
    html = description_html(text)
    for tag, attributes in scan(html).tags:
        assert tag in ALLOWED_TAGS, tag
        assert set(attributes) <= ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, attributes)
        href = attributes.get("href")
        if href is not None:
            assert urlsplit(href).scheme in ALLOWED_SCHEMES | {""}, href


@settings(max_examples=150, deadline=None)
@given(JSON)
@example("</script><script>alert(1)</script>")
@example("<!--<script>")
@example({"\u2028": "\u2029"})
def test_a_json_data_island_holds_any_value(value) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return  # NaN or Infinity: not JSON, refused where a catalog is read
    doc = scan(f'<script type="application/json">{json_for_script(value)}</script><p></p>')
    assert [t for t, _ in doc.tags] == ["script", "p"]
    assert json.loads(doc.scripts[0][1]) == value


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(ANY_TEXT, JSON, max_size=5))
@example({"a": "x\ud800y", "\udfff": ["\ud83d\ude00"]})
def test_the_stored_snapshot_reads_back_as_the_response(payload) -> None:
    """What fetch stores must decode, as strict JSON, to what the API sent, lone surrogates
    included; a value JSON cannot carry (NaN, Infinity) is refused, never written."""
    sent = json.loads(json.dumps(payload))  # as a response's text decodes
    try:
        stored = snapshot_bytes(sent)
    except ValueError:
        assert bad_number_path(sent) is not None
        return
    stored.decode("utf-8")  # valid UTF-8 on disk
    assert json.loads(stored, parse_constant=lambda c: pytest.fail(f"{c} stored")) == sent


@settings(max_examples=300, deadline=None)
@given(st.lists(ANY_TEXT | st.text(st.sampled_from("./\\~:%2e\x00"), max_size=30), min_size=1, max_size=8,
                unique=True))
def test_the_writer_accepts_every_model_path(ids: list[str]) -> None:
    """Ids the parser keeps always map to paths the writer takes (none refused, none shared)."""
    site = SiteFiles()
    for model_id in ids:
        site.add(model_path(model_id), b"")
    assert len(site) == len(ids)
