"""Pages as strings. The only home of jinja2; no disk access beyond loading templates."""

from __future__ import annotations

import hashlib
import html
import os
import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
from markupsafe import Markup, escape  # jinja2's escaping, at home here with it

from sitegen import catalog as cat
from sitegen import jsoncodec
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


_DAYS: dict[int, str] = {}  # day number -> date: a catalog's models share few days


def fmt_date(timestamp: int | None) -> str:
    if not timestamp:
        return "—"
    day = timestamp // 86400
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = datetime.fromtimestamp(day * 86400, tz=timezone.utc).strftime("%Y-%m-%d")
    return text


def element_text(text: str) -> Markup:
    """``text`` escaped for the content of an element (never for an attribute's value): only
    ``&``, ``<`` and ``>`` are replaced, so code and JSON keep their quotes as typed."""
    return Markup(html.escape(text, quote=False))


def safe(fragment: str) -> Markup:
    """Mark ``fragment`` as HTML already safe (sanitized or escaped): templates emit it as it is."""
    return Markup(fragment)


def json_for_script(value: Any) -> str:
    """JSON safe to place inside <script type="application/json">: no '<', '>' or '&'
    survives, so no text can close the element or open a comment."""
    text = jsoncodec.compact(value, sort_keys=True)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


try:  # markupsafe 3: the C function inside escape(), which returns text without a Markup object
    from markupsafe import _escape_inner as _escaped_text
except ImportError:  # pragma: no cover (older markupsafe)
    def _escaped_text(text: str) -> str:
        return str(escape(text))


def html_text(value: Any) -> str:
    """What autoescaping writes for ``{{ value }}``: the text of ``markupsafe.escape(value)``,
    at a fraction of its cost for plain strings (escaped without making a Markup object)
    and for text already marked safe (returned as it is)."""
    kind = type(value)
    if kind is str:
        return _escaped_text(value)
    if kind is Markup:
        return value
    return escape(value)


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles each ``{{ value }}`` of an autoescaped template to ``environment.html_text(value)``
    instead of ``escape(value)``: the same text, but a model page holds about a hundred of
    them and markupsafe's ``escape`` makes a new ``Markup`` object for each."""

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.html_text(")
        else:
            super()._output_child_pre(node, frame, finalize)


class _Environment(jinja2.Environment):
    code_generator_class = _CodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.html_text = html_text

    def make_globals(self, d: Any) -> Any:
        """A template's globals as one plain dict: Jinja's default, a ChainMap over the
        environment's, is walked key by key for every page rendered. (The globals are all
        set before the first template loads.)"""
        return {**self.globals, **(d or {})}


ENVIRONMENT = dict(
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,  # compiled once per build: no stat() of the template per page
)


def compiled_templates(templates: Path) -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept between runs, the way Python keeps compiled
    modules: in ``__pycache__`` beside them (or under ``PYTHONPYCACHEPREFIX``), not at all
    under ``PYTHONDONTWRITEBYTECODE``. Compiling them costs more than a small build's
    rendering. Jinja checks each entry against its template's source; the file names also
    carry the jinja2 version, this environment's options and this module's code (the code
    generator), which change the compiled code."""
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
    options = repr((jinja2.__version__, sorted(ENVIRONMENT.items(), key=str))).encode()
    flavour = hashlib.sha256(options + Path(__file__).read_bytes()).hexdigest()  # and the code generator
    return jinja2.FileSystemBytecodeCache(str(folder), f"jinja-{flavour[:16]}-%s.cache")


class Renderer:
    """Compiles the templates once and renders pages with the site's shared context."""

    def __init__(self, base_url: str, built_at: datetime, templates: Path = TEMPLATES):
        self.env = _Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            bytecode_cache=compiled_templates(templates),
            **ENVIRONMENT,  # type: ignore[arg-type]
        )
        self.env.filters.update(
            price=lambda model_or_prices, key: cat.format_price(
                key, (model_or_prices.prices if isinstance(model_or_prices, cat.Model) else model_or_prices).get(key)
            ),
            price_number=lambda price, key: cat.price_number(key, price),
            num=fmt_int,
            tokens=fmt_tokens,
            date=fmt_date,
            markdown=lambda text: Markup(description_html(text)),
            summary=plain_text,
            tojson_script=lambda v: Markup(json_for_script(v)),
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
        self._chrome: dict[tuple[str, str], tuple[Markup, Markup, Markup]] = {}

    def template(self, name: str) -> jinja2.Template:
        if name not in self._cache:
            self._cache[name] = self.env.get_template(name)
        return self._cache[name]

    def page(self, template: str, path: str, absolute: bool = False, **context: Any) -> str:
        """Render ``template`` as the page at ``path`` ("" for the root, "a/b/" for a
        folder, or a file name). Links inside are relative to ``root``, or absolute under
        the base URL when the page can be served from any address (the 404 page)."""
        return self.render(template, path, context, absolute)

    def render(self, template: str, path: str, values: dict[str, Any], absolute: bool = False) -> str:
        """``page`` with the template's values in a dict: they are copied once, into the
        template's context, where keyword arguments would be copied three times (for a
        model page's fifty values, a tenth of its cost)."""
        base_url = self.env.globals["base_url"]
        root = base_url if absolute else relative_root(path)
        head, top, foot = self.chrome(root, path.partition("/")[0])
        tpl = self.template(template)
        context = {**tpl.globals, **values, "path": path, "root": root, "canonical": base_url + path,
                   "chrome_head": head, "chrome_top": top, "chrome_foot": foot}
        try:
            return "".join(tpl.root_render_func(tpl.new_context(context, shared=True)))
        except Exception:
            self.env.handle_exception()  # raises it again, with the template's lines in the traceback

    def chrome(self, root: str, section: str) -> tuple[Markup, Markup, Markup]:
        """The head links, masthead and footer (``_chrome.html``) of a page under ``root``
        in ``section``, rendered once for each distinct pair."""
        key = (root, section)
        if key not in self._chrome:
            parts = self.template("_chrome.html").module
            self._chrome[key] = (parts.head(root), parts.masthead(root, section), parts.footer(root))  # type: ignore[attr-defined]
        return self._chrome[key]


def decimal_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)
