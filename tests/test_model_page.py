"""What a model page shows of the API's record, read back from the built pages with a parser."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import lxml.html
import pytest

from conftest import BUILD_EPOCH, ROOT, run_cli
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


def test_a_model_page_is_made_from_its_page_input_alone(site: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages and entries handed to worker processes depend on nothing but a model's
    ``PageInput``, the base URL and the clock: a fresh process given only those makes the
    very bytes the build wrote, for current and retired models alike."""
    import pickle
    import subprocess
    import sys

    from sitegen import build, site as site_module
    from sitegen.families import successors
    from sitegen.authors import author_names
    from sitegen.history import retirements
    from sitegen.model_page import inputs, serving
    from sitegen.provider_pages import settled
    from sitegen.providers import offered
    from sitegen._engine.jsonload import load

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)  # the clock the fixture's build had
    files = build.read_inputs(ROOT / "data" / "models.json", ROOT / "data")
    catalog, past = load(files.snapshot or b""), build.parse_history(ROOT / "data", files)
    models = catalog.models
    left = retirements(past.events, [m.id for m in models])
    served = serving(build.parse_endpoints(ROOT / "data", files), settled(past.providers))
    assert served
    names = author_names(models)  # as the site names them: the current models' names lead
    items = (inputs(models, past.events, served=served, names=names)[::7]
             + inputs(past.retired, past.events, left, served, successors(past.retired, models),
                      {**author_names(past.retired), **names})[::7])
    clock = site_module.SiteData(catalog, past).clock
    (tmp_path / "inputs.pickle").write_bytes(pickle.dumps((items, clock)))
    script = f"""
import pickle, sys
from sitegen.render import Renderer
from sitegen.site import contribute
items, clock = pickle.loads(open({str(tmp_path / 'inputs.pickle')!r}, 'rb').read())
renderer = Renderer("http://127.0.0.1:8000/", clock)
pickle.dump([contribute(item, renderer).page for item in items], sys.stdout.buffer)
"""
    made = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=True).stdout
    pages = pickle.loads(made)
    assert len(pages) == len(items) > 60
    for item, made_page in zip(items, pages):
        assert made_page.encode("utf-8") == (site / item.model.path / "index.html").read_bytes(), item.model.id
