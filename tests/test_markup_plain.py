"""The fast path for plain descriptions gives exactly what Markdown gives."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.markup import clean_html, description_html, is_plain, markdown_html, plain_html

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
