"""The fast paths for plain descriptions, and for prose with simple links, strong text and
code, give exactly what Markdown gives."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.markup import clean_html, description_html, is_plain, markdown_html, plain_html, simple_html

FIXTURES = Path(__file__).parent / "fixtures"

# Prose with every ASCII sign Markdown does not start an inline pattern from, including the
# ones that mean something at the start of a line (#, -, +, =, digits with '.'), and some
# Unicode letters, punctuation and spaces.
prose = st.from_regex(
    r"[A-Za-zÉéßж][A-Za-z0-9ÉéßжΩ .,:;'\"()/%$+=#~|{}?@^&<>\-–—’…\u00a0\u2009]*", fullmatch=True
)


@settings(max_examples=600, deadline=None)
@given(prose)
@example("Model 1. Next")
@example("A  \u00a0")
@example("Heading\n===")
def test_prose_renders_as_markdown_would(text: str) -> None:
    if is_plain(text):
        assert plain_html(text) == markdown_html(text)
        assert clean_html(plain_html(text)) == plain_html(text)


# Pieces that mean something to Markdown or HTML: entities, tags, autolinks, comments.
TOKENS = ["a", "Word", " ", "  ", ".", ",", "&", "&amp;", "&amp", "&#60;", "&#x3c;", "&lt;", "<", ">", "<think>",
          "</b>", "--", "-->", "&copy", "&nbsp;", "<https://x.y>", "<a@b.c>", "http://x.y/z", "1.", "#", "-",
          "+", "=", "---", ":", "'", '"', "(", ")", "<p>", "</div>", "<?", "?>", "<?xml", "&&", "<<", "->", "é"]
pieces = st.builds(lambda first, rest: first + "".join(rest), st.sampled_from(["A", "Zed", "é"]),
                   st.lists(st.sampled_from(TOKENS), max_size=25))


@settings(max_examples=600, deadline=None)
@given(pieces)
def test_html_and_entities_render_as_markdown_would(text: str) -> None:
    assert is_plain(text)
    assert plain_html(text) == markdown_html(text)
    assert clean_html(plain_html(text)) == plain_html(text)


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=60) | st.text(max_size=60).map("A".__add__))
def test_any_text_called_plain_renders_as_markdown_would(text: str) -> None:
    if is_plain(text):
        assert plain_html(text) == markdown_html(text)
        assert clean_html(plain_html(text)) == plain_html(text)


def test_real_descriptions() -> None:
    """Most real descriptions take the fast path, and each renders as Markdown would."""
    texts = {
        m.get("description") or ""
        for path in FIXTURES.glob("openrouter-models-*.json")
        for m in json.loads(path.read_bytes())["data"]
    }
    plain = [t for t in texts if is_plain(t)]
    assert len(plain) > len(texts) / 2
    for text in plain:
        assert plain_html(text) == markdown_html(text)
        assert description_html(text) == clean_html(markdown_html(text))
    assert not is_plain("Use **bold** here") and not is_plain("- a list item") and not is_plain("  Indented")
    assert is_plain("Fast & <b>safe</b>")
    assert description_html("Fast & <b>safe</b>") == "<p>Fast &amp; &lt;b&gt;safe&lt;/b&gt;</p>"


# Pieces of the simple grammar and pieces just outside it: signs, spaces at the edges, odd
# addresses, nested or unclosed marks, line starts that mean lists, headings or code.
SIMPLE_TOKENS = [
    "word", "Word", " ", ".", ",", "&", "<think>", "é", "'", '"', "(", ")", ":", "-", "#", "1.", "~",
    "[docs](https://x.y/a_b?c=1&d=2#e)", "[Opus 4.7](/anthropic/claude-opus-4.7)", "[card](<https://h.co/c>)",
    "[x](//evil.example)", "[x](javascript:alert(1))", "[a b]( https://y )", "[t](https://a.b/(c))",
    '[t](https://a/b "title")', "[x][r]", "[x]", "[", "]", "](", "**Best for:**", "**a**", "** a**", "**a **",
    "**a*b**", "**", "*", "*em*", "_em_", "snake_case", "`json`", "`a<b & c`", "` x`", "``", "`", "`*x*`",
    "`[l](https://x.y)`", "\\", "!", "![img](https://x.y/i.png)", "\n", "\n\n", "\n\n\n", "\n ", "  \n", "\t",
]
simple_texts = st.builds(lambda first, rest: first + "".join(rest),
                         st.sampled_from(["A", "Zed ", "é", "[Lead](https://x.y) ", "**Bold** ", "`c` ", "1. ", "- "]),
                         st.lists(st.sampled_from(SIMPLE_TOKENS), max_size=30))


@settings(max_examples=1500, deadline=None)
@given(simple_texts)
@example("[Lead](https://x.y) text\n\n[Next](/a/b) more")
@example("A **Best for:** long `json` outputs & [tools](https://example.com/agents).\nSecond line")
def test_simple_markdown_renders_as_markdown_would(text: str) -> None:
    simple = simple_html(text)
    if simple is not None:
        assert clean_html(simple) == clean_html(markdown_html(text))
        assert description_html(text) == clean_html(simple) == clean_html(description_html(text))


def test_most_real_markdown_takes_the_simple_path() -> None:
    texts = {
        m.get("description") or ""
        for path in FIXTURES.glob("openrouter-models-*.json")
        for m in json.loads(path.read_bytes())["data"]
    }
    markdown = [t for t in texts if t.strip() and not is_plain(t)]
    simple = [t for t in markdown if simple_html(t) is not None]
    assert len(simple) > len(markdown) / 2
    for text in simple:
        assert clean_html(simple_html(text)) == clean_html(markdown_html(text)) == description_html(text)
    assert simple_html("- a list item") is None and simple_html("Use *emphasis*") is None
    assert simple_html("Two  \nlines") is None and simple_html("A [x](javascript:alert(1))") is None
