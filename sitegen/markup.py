"""Descriptions: Markdown in, safe HTML out. The only home of markdown and nh3."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "a", "strong", "em", "b", "i", "code", "pre", "ul", "ol", "li",
    "blockquote", "h3", "h4", "h5", "h6", "hr", "del", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"  # on every link of a description
# Descriptions are written for openrouter.ai: their relative links mean pages there.
DESCRIPTION_BASE = "https://openrouter.ai/"

_md = markdown.Markdown(extensions=[], output_format="html")
_TAGS = re.compile(r"<[^>]*>")
# ``[text](<url>)``: CommonMark's bracketed link destination, whose brackets the escaping
# below would otherwise turn into part of the address.
_BRACKETED_URL = re.compile(r"\]\(&lt;([^\s<>]*)&gt;")
# Python-Markdown takes quadratic time or worse on some inputs (each '[' may scan the rest of
# the text; quotes or lists nested hundreds deep: minutes for 20 KB). Real descriptions stay far
# below these bounds; text beyond them is shown as plain paragraphs, in linear time.
MAX_MARKDOWN = 6_000
MAX_BRACKET_SCAN = 120_000  # brackets x characters
MAX_NESTING = 16
_NESTED = re.compile(r"\n[ \t>]{%d}" % (MAX_NESTING + 1))  # searched in "\n" + text: a line's start
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CODE = re.compile(r"(<code>)(.*?)</code>", re.DOTALL)
_HEADING = re.compile(r"<(/?)h[12]>")
# Characters Markdown's inline patterns (escapes, code, emphasis, links, images) start
# from; a text without them needs no Markdown. ('<', '>' and '&' are escaped before
# Markdown runs, so they cannot start raw HTML, and their entities pass through unchanged.)
_MARKDOWN_SIGNS = re.compile(r"[\\`*_\[\]!]")


# A model's page, its summaries and its entries ask for its description one after another, and
# variants (next to each other in the catalog) share one: a small cache renders each once.
@lru_cache(maxsize=512)
def description_html(text: str) -> str:
    """Render a Markdown description to sanitized HTML: raw HTML in the source is escaped
    first, so literal text such as ``<think>`` shows as text; Markdown then adds structure,
    and nh3 keeps only a small allow-list of tags with http(s)/mailto links."""
    if not text.strip():
        return ""
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be written out
    if len(text) > MAX_MARKDOWN or text.count("[") * len(text) > MAX_BRACKET_SCAN or _NESTED.search("\n" + text):
        return "".join(f"<p>{html.escape(p.strip(), quote=False)}</p>" for p in _BLANK_LINE.split(text) if p.strip())
    if is_plain(text):
        return plain_html(text)  # already clean: one paragraph of escaped text
    simple = simple_html(text)
    return clean_html(markdown_html(text)) if simple is None else simple


def is_plain(text: str) -> bool:
    """True for one line of prose that Markdown would only wrap in a paragraph: most
    descriptions. It starts with a letter (no list, heading, quote or code block), holds no
    line break, tab or other unprintable character, and none of Markdown's inline signs."""
    return text[:1].isalpha() and text.isprintable() and not _MARKDOWN_SIGNS.search(text)


def plain_html(text: str) -> str:
    """What ``markdown_html`` gives for a plain text, without Markdown; already sanitized."""
    return "<p>" + html.escape(text, quote=False) + "</p>"


# The inline Markdown most descriptions use, in its simplest forms: a link ``[label](url)`` or
# ``[label](<url>)``, ``**strong**``, ``*emphasis*`` and ``code``, with no sign of Markdown inside a
# label or marked text; found in the text once escaped for HTML (as Markdown reads it).
_IN_URL = r"[^\s()<>\[\]\\`*!\"'&]"  # and '&' as itself ("&amp;" in the escaped text)
_URL = r"(?:https?://|/(?!/)|(?=[A-Za-z0-9]))(?=" + _IN_URL + r"|&amp;)" + _IN_URL + r"*(?:&amp;" + _IN_URL + r"*)*"
_PLAIN = r"[^\s*`\[\]\\_!]"
_MARKED = _PLAIN + r"(?:[^*`\[\]\\_!\n]*" + _PLAIN + r")?"
_INLINE = re.compile(
    # (Markdown reads a bracketed address on to the last ">" before the next space.)
    r"\[(?P<label>[^\[\]\\`*_!\n]+)\]\((?:&lt;(?P<bracketed>" + _URL + r")&gt;\)(?!\S*&gt;)|(?P<url>" + _URL + r")\))"
    # (Each mark's first sign is matched before what may not precede it: three times faster.)
    r"|\*(?<!\*\*)\*(?P<strong>" + _MARKED + r")\*\*(?!\*)"
    r"|\*(?<![*\w]\*)(?P<em>" + _MARKED + r")\*(?![*\w])"
    r"|`(?<!``)(?P<code>[^\s`](?:[^`\n]*[^\s`])?)`(?!`)"
)
_BLOCKS = re.compile(r"\n\n+")  # (not "\n{2,}": eight times slower to split on)
_HEADING_LINE = re.compile(r"(#{1,6})[ \t]*([^#\n]+)")  # a heading with no other "#", as "#multimodal"
_ITEM_MARK = re.compile(r"^(?:[-*+]|(?P<number>[0-9]+\.)) (?=\S)", re.MULTILINE)
_SNAKE = re.compile(r"_(?<=[A-Za-z0-9]_)(?=[A-Za-z0-9])")  # as in snake_case: no emphasis starts there


def simple_html(text: str) -> str | None:
    """What ``clean_html(markdown_html(text))`` gives for paragraphs, one-line headings and lists
    of one-line items holding at most ``_INLINE``'s marks (no mark spans lines), without running
    Markdown; None for any other text. A list never follows a list (the two would be one list of paragraphs)."""
    text = html.escape(text.strip("\n"), quote=False)
    parts = _INLINE.split(text)  # the text between marks, then each mark's six groups
    if not text.replace("\n", "").isprintable() or _MARKDOWN_SIGNS.search(
            _SNAKE.sub("", _ITEM_MARK.sub("", "\0".join(parts[::7])))):
        return None
    out, paths = parts[:1], False
    for at in range(1, len(parts), 7):
        label, bracketed, url, strong, em, code = parts[at:at + 6]
        tag, inner = ("strong", strong) if strong is not None else ("em", em) if em is not None else ("code", code)
        out += (f'<a href="{bracketed or url}" rel="{LINK_REL}">{label}</a>' if label is not None
                else f"<{tag}>{inner}</{tag}>"), parts[at + 6]
        paths = paths or label is not None and not (bracketed or url).startswith(("https://", "http://"))
    blocks, after_list = [], False
    for source, made in zip(_BLOCKS.split(text), _BLOCKS.split("".join(out))):
        heading = _HEADING_LINE.fullmatch(source)
        lines = source.split("\n")
        items = [_ITEM_MARK.match(line) for line in lines]
        if heading and (heading[2][:1].isalpha() or _INLINE.match(heading[2])) and not source[-1:].isspace():
            level = max(3, len(heading[1]))  # the page's own h1 and h2 are above it
            blocks.append(f"<h{level}>{made[len(heading[1]):].strip()}</h{level}>")
        elif not all((line[item.end() if item else 0:][:1].isalpha() or _INLINE.match(line, item.end() if item else 0))
                     and not line[-1:].isspace() for line, item in zip(lines, items)):
            return None
        elif not any(items):
            blocks.append(f"<p>{made}</p>")
        elif all(items) and not after_list and len(kinds := {item["number"] is None for item in items if item}) == 1:
            tag = "ul" if kinds.pop() else "ol"
            blocks.append(f"<{tag}>\n" + "".join(f"<li>{line[item.end():]}</li>\n" for line, item
                                                 in zip(made.split("\n"), items) if item) + f"</{tag}>")
        else:
            return None
        after_list = all(items)
    # Links to other sites are already as the sanitizer writes them; it makes a path absolute.
    joined = "\n".join(blocks)
    return None if not blocks else clean_html(joined) if paths else joined


def markdown_html(text: str) -> str:
    """Markdown to HTML, raw HTML in the source shown as text; not yet sanitized."""
    escaped = _BRACKETED_URL.sub(r"](<\1>", html.escape(text, quote=False))
    rendered = _md.reset().convert(escaped)
    # Markdown escapes code once more: undo that one level, so `<think>` shows as typed.
    rendered = _CODE.sub(lambda m: m.group(1) + m.group(2).replace("&amp;", "&") + "</code>", rendered)
    # Headings inside a model page sit below the page's own h1/h2.
    return _HEADING.sub(r"<\1h3>", rendered)


def clean_html(fragment: str) -> str:
    """Sanitize an HTML fragment to the allow-list (links get rel=nofollow noopener)."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        url_relative=("rewrite_with_base", DESCRIPTION_BASE),
        link_rel=LINK_REL,
        strip_comments=True,
    )


@lru_cache(maxsize=512)
def plain_text(text: str, limit: int = 160) -> str:
    """A one-line plain-text summary of a Markdown description (for meta tags)."""
    words = _words(text)
    if len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" .,;:") + "…"


@lru_cache(maxsize=8)  # a model's summaries of two lengths, one after the other
def _words(text: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", description_html(text))).split())  # runs of white space as one
