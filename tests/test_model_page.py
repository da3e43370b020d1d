"""What a model page shows of the API's record, read back from the built pages with a parser."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import lxml.html

from conftest import ROOT, run_cli
from sitegen.paths import model_path
from sitegen.render import Renderer

DATA = ROOT / "data" / "models.json"


def page(site: Path, model_id: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / model_path(model_id) / "index.html").read_bytes())


def test_the_raw_json_block_reads_back_as_the_record(site: Path) -> None:
    records = json.loads(DATA.read_text(encoding="utf-8"))["data"]
    for record in records[:: max(1, len(records) // 40)]:
        (code,) = page(site, record["id"]).xpath("//details[contains(@class, 'raw')]//pre/code")
        assert json.loads(code.text_content()) == record, record["id"]


def test_code_keeps_its_quotes_and_escapes_markup(tmp_path: Path) -> None:
    catalog = tmp_path / "models.json"
    record = {"id": "odd/q\"uote<b>&amp;", "name": "</code><script>alert(1)</script>", "created": 1,
              "pricing": {"prompt": "0.000001", "completion": "0.000002"}}
    catalog.write_text(json.dumps({"data": [record]}), encoding="utf-8")
    out = tmp_path / "site"
    assert run_cli("build", "--catalog", str(catalog), "--out", str(out), "--no-cache").returncode == 0
    text = (out / model_path(record["id"]) / "index.html").read_text(encoding="utf-8")
    tree = lxml.html.fromstring(text)
    assert not tree.xpath("//script[not(@src)]")  # nothing the record holds became an element
    (raw,) = tree.xpath("//details[contains(@class, 'raw')]//pre/code")
    assert json.loads(raw.text_content()) == record
    assert '"name":"&lt;/code&gt;&lt;script&gt;' in text  # quotes as typed, markup escaped
    python = tree.get_element_by_id("ex-python").text_content()
    assert f"model={json.dumps(record['id'])}," in python


def test_chrome_is_rendered_once_per_root_and_section() -> None:
    r = Renderer("https://example.org/", datetime(2026, 1, 1, tzinfo=timezone.utc))
    first = r.chrome("../../", "models")
    assert r.chrome("../../", "models") is first
    head, top, foot = first
    nav = lxml.html.fromstring(f"<div>{top}</div>")
    assert not nav.xpath("//*[@aria-current]")  # a model page is no section of the navigation
    assert nav.xpath("//a[@class='brand']/@href") == ["../../"]
    assert lxml.html.fromstring(f"<div>{r.chrome('', '')[1]}</div>").xpath("//a[@aria-current]/text()") == ["Models"]
    assert lxml.html.fromstring(f"<div>{r.chrome('../', 'authors')[1]}</div>").xpath(
        "//a[@aria-current]/text()") == ["Authors"]
    assert 'href="../../static/css/site.css"' in head and "../../models.json" in foot
