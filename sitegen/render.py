"""Pages as strings. The only home of jinja2; no disk access beyond loading templates."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from sitegen import catalog as cat
from sitegen.config import SITE_NAME, SITE_TAGLINE, TEMPLATES
from sitegen.markup import description_html, plain_text


def relative_root(page_path: str) -> str:
    """The relative prefix from a page's folder back to the site root ("" or "../../")."""
    depth = page_path.count("/") if page_path.endswith("/") else page_path.count("/")
    return "../" * depth


def fmt_int(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def fmt_tokens(value: int | None) -> str:
    """Context sizes the way people say them: 128K, 1M, 1.05M."""
    if value is None:
        return "—"
    if value >= 1_000_000:
        text = f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".")
        return f"{text}M"
    if value >= 1_000:
        return f"{round(value / 1_000):,}K" if value % 1000 else f"{value // 1000:,}K"
    return str(value)


def fmt_date(timestamp: int | None) -> str:
    if not timestamp:
        return "—"
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")


def json_for_script(value: Any) -> str:
    """JSON safe to place inside <script type="application/json">: no '<', '>' or '&'
    survives, so no text can close the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


class Renderer:
    """Compiles the templates once and renders pages with the site's shared context."""

    def __init__(self, base_url: str, built_at: datetime, templates: Path = TEMPLATES):
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # compiled once per build: no stat() of the template per page
        )
        self.env.filters.update(
            price=lambda model_or_prices, key: cat.format_price(
                key, (model_or_prices.prices if isinstance(model_or_prices, cat.Model) else model_or_prices).get(key)
            ),
            price_number=lambda price, key: cat.price_number(key, price),
            num=fmt_int,
            tokens=fmt_tokens,
            date=fmt_date,
            markdown=lambda text: jinja2.utils.markupsafe.Markup(description_html(text)),
            summary=plain_text,
            tojson_script=lambda v: jinja2.utils.markupsafe.Markup(json_for_script(v)),
        )
        self.env.globals.update(
            site_name=SITE_NAME,
            tagline=SITE_TAGLINE,
            base_url=base_url,
            built_at=built_at,
            built_date=built_at.strftime("%Y-%m-%d"),
            capabilities=cat.CAPABILITIES,
            model_path=cat.model_path,
            author_path=cat.author_path,
        )
        self._cache: dict[str, jinja2.Template] = {}

    def template(self, name: str) -> jinja2.Template:
        if name not in self._cache:
            self._cache[name] = self.env.get_template(name)
        return self._cache[name]

    def page(self, template: str, path: str, absolute: bool = False, **context: Any) -> str:
        """Render ``template`` as the page at ``path`` ("" for the root, "a/b/" for a
        folder, or a file name). Links inside are relative to ``root``, or absolute under
        the base URL when the page can be served from any address (the 404 page)."""
        base_url = self.env.globals["base_url"]
        return self.template(template).render(
            path=path,
            root=base_url if absolute else relative_root(path),
            canonical=base_url + path,
            **context,
        )


def decimal_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)
