"""Feeds drop exactly the characters XML 1.0 cannot carry."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.feeds import xml_safe


def reference(text: str) -> str:
    return "".join(
        ch for ch in text
        if ch in "\t\n\r" or (" " <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd") or ch >= "\U00010000"
    )


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=()), max_size=40))
@example("\ud800a\udfff\ufffe\uffff\x00\x1f\x7f\t\r\n ok \U0010ffff\ue000\ud7ff")
def test_same_characters_dropped_as_the_xml_rule_says(text: str) -> None:
    assert xml_safe(text) == reference(text)
