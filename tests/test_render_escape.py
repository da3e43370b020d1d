"""The renderer's own escaping of ``{{ value }}`` writes exactly what Jinja's stock
autoescaping writes, for any value and in every kind of template construct."""

from __future__ import annotations

from datetime import datetime, timezone

import jinja2
import markupsafe
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import render
from sitegen.render import Renderer, html_text

values = (
    st.text()
    | st.text().map(markupsafe.Markup)
    | st.integers()
    | st.floats()
    | st.none()
    | st.booleans()
    | st.lists(st.text(max_size=5), max_size=3)
    | st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)
)

TEMPLATE = """\
<p title="{{ v }}">{{ v }}</p>{{ v|e }}{{ v|safe }}{{ [v, v]|join(", ") }}
{% set block %}<b>{{ v }}</b>{% endset %}{{ block }}
{% macro box(x) %}<i>{{ x }}</i>{% endmacro %}{{ box(v) }}
{% for item in [v] %}{{ loop.index }}:{{ item }}{% endfor %}
{% autoescape false %}{{ v }}{% endautoescape %}
{% autoescape flag %}{{ v }}{% endautoescape %}
{% filter upper %}{{ v }}{% endfilter %}
"""


class _Value:
    """An object with its own HTML, as markupsafe honours."""

    def __html__(self) -> str:
        return "<em>own</em>"

    def __str__(self) -> str:
        return "<plain>"


@settings(max_examples=500, deadline=None)
@given(values)
def test_html_text_is_markupsafe_escape(value: object) -> None:
    assert html_text(value) == str(markupsafe.escape(value))


def test_html_text_of_objects_with_their_own_html() -> None:
    assert html_text(_Value()) == "<em>own</em>"
    assert html_text("<a href='x'>&") == "&lt;a href=&#39;x&#39;&gt;&amp;"


LOADER = jinja2.DictLoader({"t.html": TEMPLATE})
OURS = render._Environment(loader=LOADER, **render.ENVIRONMENT)  # as Renderer makes it
STOCK = jinja2.Environment(loader=LOADER, **render.ENVIRONMENT)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans())
def test_templates_render_as_stock_jinja_renders_them(value: object, flag: bool) -> None:
    for v in (value, _Value()):
        expected = STOCK.get_template("t.html").render(v=v, flag=flag)
        assert OURS.get_template("t.html").render(v=v, flag=flag) == expected


def test_the_renderer_compiles_output_to_the_fast_path() -> None:
    env = Renderer("https://example.org/", datetime(2026, 1, 1, tzinfo=timezone.utc)).env
    code = env.compile("{{ v }}{% autoescape false %}{{ w }}{% endautoescape %}", raw=True)
    assert code.count("yield environment.html_text(") == 1
    assert code.count("yield str(") == 1  # autoescaping off: left as Jinja writes it
    assert "yield escape(" not in code
