"""The fast paths for plain descriptions, and for paragraphs and lists with simple links,
strong and emphasized text and code, give exactly what Markdown gives."""

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
    "[x](//evil.example)", "[x](javascript:alert(1))", "[k](moonshotai/kimi-k2)", "[j](javascript:x)",
    "[m](mailto:a@b.c)", "[h](httpbin/get)", "[u](HTTPS://X.Y)", "[q](a.b?c=1&d=2)", "[n](<1a/b>)", "[a b]( https://y )", "[t](https://a.b/(c))",
    '[t](https://a/b "title")', "[x][r]", "[x]", "[", "]", "](", "**Best for:**", "**a**", "** a**", "**a **",
    "**a*b**", "**", "*", "*em*", "_em_", "snake_case", "`json`", "`a<b & c`", "` x`", "``", "`", "`*x*`",
    "`[l](https://x.y)`", "\\", "!", "![img](https://x.y/i.png)", "\n", "\n\n", "\n\n\n", "\n ", "  \n", "\t",
    "\n- ", "\n* ", "\n+ ", "\n1. ", "\n12. ", "\n\n- ", "\n\n2. ", "\n-", "\n  - ", "\n    ", "\n---", "\n#",
    "*a b*", "* x*", "*x *", "a*b*", "*a*b", "***a***", "\n\n**Lead:** ", "\n\n*Em* ", "\n\n`c` ",
]
simple_texts = st.builds(lambda first, rest: first + "".join(rest),
                         st.sampled_from(["A", "Zed ", "é", "[Lead](https://x.y) ", "**Bold** ", "`c` ", "1. ", "- "]),
                         st.lists(st.sampled_from(SIMPLE_TOKENS), max_size=30))


# Whole texts of paragraphs and lists, parted by one or more newlines, whose lines are made of
# the tokens above, so that most take the simple path's blocks and the rest sit just outside it.
words = st.lists(st.sampled_from(["word", "Word", "é"] * 12 + ["3", "*em*", "*a b*", "**b**", "`c`", "`a_b`", "[l](https://x.y)",
                                  "[o](/a/b)", "[r](a/b)", "[s](x:y)", ",", ":", "&", "<x>", "1.", "-", "*", "_", "a*b*", "#", "  ", "\\", "snake_case",
                                  "snake_case", "a__b", "x_", "_x", "é_e", "`c`_d"]),
                 min_size=1, max_size=8).map(" ".join)
lines = st.builds(str.__add__, st.sampled_from(["", "", "- ", "- ", "* ", "+ ", "1. ", "7. ", "-", "  ", "#", "## ",
                                               "### ", "####### "]), words)
block_texts = st.lists(st.tuples(st.lists(lines, min_size=1, max_size=4).map("\n".join),
                                 st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n"])), min_size=1, max_size=4) \
    .map(lambda blocks: "".join(block + gap for block, gap in blocks))


@settings(max_examples=1500, deadline=None)
@given(simple_texts | block_texts)
@example("[Lead](https://x.y) text\n\n[Next](/a/b) more")
@example("Claude is fast.\n\n#multimodal\n\n# **Bold** `code` [link](a/b)\n\n- item")
@example("A **Best for:** long `json` outputs & [tools](https://example.com/agents).\nSecond line")
def test_simple_markdown_renders_as_markdown_would(text: str) -> None:
    simple = simple_html(text)
    if simple is not None:
        assert clean_html(simple) == clean_html(markdown_html(text))
        assert description_html(text) == clean_html(simple) == clean_html(description_html(text))


def test_the_markdown_of_a_large_synthetic_catalog_takes_the_simple_path() -> None:
    """Paragraphs, a list of items with strong text, code and links, emphasis: what a catalog
    written in full Markdown holds (the benchmark's x100-markdown)."""
    text = ("**Model X** at a glance. A fast model.\n\nIt reads *text, image* and writes *text*. "
            "Requests name it `x/model-x-r12`; see [the reference](https://openrouter.ai/docs/api).\n\n"
            "What a request may set:\n\n- **max tokens**: sent as `max_tokens`, see "
            "[its documentation](https://openrouter.ai/docs/parameters#max-tokens)\n- **top p**: `top_p`\n\n"
            "Check the *pricing* table below: **each provider's own policies apply**.")
    assert simple_html(text) == clean_html(markdown_html(text)) == description_html(text)
    assert "<ul>\n<li><strong>max tokens</strong>: sent as <code>max_tokens</code>" in description_html(text)


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
    assert simple_html("- a\n\n- b") is None and simple_html("P\n- a") is None and simple_html("Use _it_") is None
    assert simple_html("Two  \nlines") is None and simple_html("A [x](javascript:alert(1))") is None
