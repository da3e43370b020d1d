"""A model's badge, ``models/<path>/badge.svg``: its name, its input and output price per 1M
tokens and its context, to show in a README or on a web page and link to its page. Drawn
here as text, two boxes sized to their text by a table of character widths, so one model
gives the same bytes on every machine. No I/O.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property

from sitegen import feeds, formats
from sitegen.model import Model

HEIGHT = 20
FONT_SIZE = 11
PAD = 6  # pixels of colour on each side of a text
MAX_NAME = 64  # characters of the name a badge shows before it cuts it short with "…"
FONT = "Verdana,DejaVu Sans,Geneva,sans-serif"
NAME_FILL = "#2b2f3a"
# The facts' box: the site's accent, its "free" green, or its "retired" red; white text on
# each has a contrast of 4.5:1 or more.
FILLS = {"listed": "#3b4fd8", "free": "#0b7a43", "retired": "#9b1c1c"}
# Advance widths of the printable ASCII characters (" " to "~") at 11px, in tenths of a
# pixel, as DejaVu Sans draws them (Verdana's are within a few percent). The text is also
# told its length (``textLength``), so another font is stretched or squeezed to fit.
_ASCII = (35, 44, 51, 92, 70, 105, 86, 30, 43, 43, 55, 92, 35, 40, 35, 37, 70, 70, 70, 70, 70, 70, 70, 70, 70, 70,
          37, 37, 92, 92, 92, 58, 110, 75, 75, 77, 85, 70, 63, 85, 83, 32, 32, 72, 61, 95, 82, 87, 66, 87, 76, 70,
          67, 81, 75, 109, 75, 67, 75, 43, 37, 43, 92, 55, 55, 67, 70, 60, 70, 68, 39, 70, 70, 31, 31, 64, 31, 107,
          70, 67, 70, 70, 45, 57, 43, 70, 65, 90, 65, 65, 58, 70, 37, 70, 92)


def text_width(text: str) -> float:
    """How wide ``text`` is drawn at 11px, in pixels: other characters count as a wide
    letter, East Asian wide ones as a square, combining marks as nothing."""
    tenths = 0
    for char in text:
        if " " <= char <= "~":
            tenths += _ASCII[ord(char) - 32]
        elif unicodedata.combining(char):
            continue
        else:
            tenths += 110 if unicodedata.east_asian_width(char) in "WF" else 75
    return tenths / 10


@dataclass(frozen=True)
class Badge:
    name: str  # as shown: the model's name, cut short when long
    facts: str  # prices and context
    title: str  # the whole of it in words, for those who cannot see it
    fill: str

    @cached_property  # read by the page several times, and by the SVG
    def widths(self) -> tuple[int, int]:
        """The width of the name's box and of the facts' box, in whole pixels."""
        return (round(text_width(self.name)) + 2 * PAD, round(text_width(self.facts)) + 2 * PAD)

    @property
    def width(self) -> int:
        return sum(self.widths)

    @property
    def height(self) -> int:
        return HEIGHT

    @property
    def markdown_alt(self) -> str:
        """``title`` as a Markdown image's text: what would end it escaped."""
        return "".join("\\" + c if c in "\\[]" else c for c in self.title)


def _shown(text: str, limit: int = MAX_NAME) -> str:
    """``text`` on one line without what XML cannot carry, cut at ``limit`` characters."""
    text = " ".join(feeds.xml_safe(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def badge(model: Model, retired_on: str | None = None) -> Badge:
    """The badge of ``model``; ``retired_on`` (a date, or "" when unknown) marks one that is
    no longer listed."""
    prompt, completion = (formats.price(key, model.prices.get(key)) for key in ("prompt", "completion"))
    if model.is_free:
        prices, said = "free", "free"
    elif model.has_varying_price:
        prices, said = "price varies", "a price that varies"
    else:
        prices = f"{prompt} in · {completion} out per 1M"
        said = f"input {prompt} and output {completion} per 1M tokens"
    context = formats.tokens(model.context_length) if model.context_length else None
    facts = prices + (f" · {context} context" if context else "")
    said += f", {context} context" if context else ""
    name = _shown(model.name) or _shown(model.id) or "model"
    if retired_on is None:
        title = f"{_shown(model.name, 200) or name} on OpenRouter: {said}"
    else:
        facts, said = "retired · was " + facts, "last " + said
        title = f"{_shown(model.name, 200) or name}, no longer listed on OpenRouter" + (
            f" since {retired_on}: " if retired_on else ": ") + said
    fill = FILLS["retired" if retired_on is not None else "free" if model.is_free else "listed"]
    return Badge(name, feeds.xml_safe(facts), feeds.xml_safe(title), fill)


def svg(b: Badge) -> bytes:
    """The badge as an SVG document: two boxes with rounded outer corners, white text."""
    left, right = b.widths
    width, esc = left + right, formats.attribute
    texts = "".join(
        f'<text x="{x + PAD}" y="14" textLength="{w - 2 * PAD}" lengthAdjust="spacingAndGlyphs">{esc(t)}</text>'
        for x, w, t in ((0, left, b.name), (left, right, b.facts)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
            f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-labelledby="title">'
            f'<title id="title">{esc(b.title)}</title>'
            f'<clipPath id="round"><rect width="{width}" height="{HEIGHT}" rx="3"/></clipPath>'
            f'<g clip-path="url(#round)"><rect width="{left}" height="{HEIGHT}" fill="{NAME_FILL}"/>'
            f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{b.fill}"/></g>'
            f'<g fill="#fff" font-family="{FONT}" font-size="{FONT_SIZE}">{texts}</g></svg>\n').encode()

