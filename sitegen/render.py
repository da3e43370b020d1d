"""Pages as strings. The only home of jinja2; no disk access beyond loading templates."""

from __future__ import annotations

import hashlib
import os
import sys
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jinja2
from markupsafe import Markup

from sitegen import formats
from sitegen.model import Model
from sitegen.config import CSP, SITE_NAME, SITE_TAGLINE, TEMPLATES
from sitegen.feedlist import SITE_FEEDS
from sitegen.paths import author_path

OPTIONS: dict[str, Any] = dict(
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,  # loaded once per build: no stat() of the template per page
)


def relative_root(page_path: str) -> str:
    """The relative prefix from a page's folder back to the site root ("" or "../../")."""
    return "../" * page_path.count("/")


def safe(fragment: str) -> Markup:
    """Mark ``fragment`` as HTML already safe (sanitized or escaped): templates emit it as it is."""
    return Markup(fragment)


def _price(model_or_prices: Model | Mapping[str, Decimal], key: str) -> str:
    prices = model_or_prices.prices if isinstance(model_or_prices, Model) else model_or_prices
    return formats.price(key, prices.get(key))


def compiled_templates(templates: Path) -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept between runs, the way Python keeps compiled
    modules: in ``__pycache__`` beside them (or under ``PYTHONPYCACHEPREFIX``), not at all
    under ``PYTHONDONTWRITEBYTECODE``. Compiling them costs more than a small build's
    rendering. Jinja checks each entry against its template's source; the file names carry
    the jinja2 version and the environment's options, which change the compiled code."""
    if sys.dont_write_bytecode:
        return None
    prefix = sys.pycache_prefix
    folder = Path(prefix, *templates.resolve().parts[1:]) if prefix else templates / "__pycache__"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        return None
    options = repr((jinja2.__version__, sorted(OPTIONS.items(), key=str))).encode()
    flavour = hashlib.sha256(options).hexdigest()
    return jinja2.FileSystemBytecodeCache(str(folder), f"jinja-{flavour[:16]}-%s.cache")


class Renderer:
    """The site's templates with its shared values (``base_url``, the build's clock)."""

    def __init__(self, base_url: str, built_at: datetime, templates: Path = TEMPLATES) -> None:
        self.base_url = base_url
        self.built_at = built_at
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            bytecode_cache=compiled_templates(templates),
            **OPTIONS,
        )
        self.env.filters.update(price=_price, tokens=formats.tokens)
        self.env.globals.update(
            site_name=SITE_NAME,
            tagline=SITE_TAGLINE,
            base_url=base_url,
            built_date=built_at.strftime("%Y-%m-%d"),
            author_path=author_path,
            site_feeds=SITE_FEEDS,
            csp=safe(CSP),
        )
        self._chrome: dict[tuple[str, str], tuple[Markup, Markup, Markup]] = {}

    def page(self, template: str, path: str, values: Mapping[str, Any], absolute: bool = False) -> str:
        """Render ``template`` as the page at ``path`` ("" for the root, "a/b/" for a
        folder, or a file name). Links inside are relative to ``root``, or absolute under
        the base URL when the page can be served from any address (the 404 page)."""
        root = self.base_url if absolute else relative_root(path)
        head, top, foot = self.chrome(root, path.partition("/")[0])
        return self.env.get_template(template).render(
            values, path=path, root=root, canonical=self.base_url + path,
            chrome_head=head, chrome_top=top, chrome_foot=foot)

    def chrome(self, root: str, section: str) -> tuple[Markup, Markup, Markup]:
        """The head links, masthead and footer (``_chrome.html``) of a page under ``root``
        in ``section``, rendered once for each distinct pair."""
        key = (root, section)
        if key not in self._chrome:
            parts = self.env.get_template("_chrome.html").module
            self._chrome[key] = (parts.head(root), parts.masthead(root, section), parts.footer(root))  # type: ignore[attr-defined]
        return self._chrome[key]


@lru_cache(maxsize=2)
def renderer(base_url: str, built_at: datetime) -> Renderer:
    """The renderer of a site, made once per process."""
    return Renderer(base_url, built_at)
