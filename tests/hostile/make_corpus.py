"""Write the hostile catalogs in this folder: ``python3 tests/hostile/make_corpus.py``.

One file per category of attack, and in ``endpoints/`` a catalog with the answers of the
endpoints API for its models, each answer an attack on the endpoint records. Every payload that would create an element or attribute if
it ever reached a page unescaped carries a marker (``x-pwned``, ``data-pwned``, or script
setting ``window.__pwned``) that the tests look for in the parsed output. The files are
committed; this script documents how they were made and regenerates them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CREATED = 1790000000  # newer than every real model, so these records head the feeds

# Strings that try to break out of text, attributes, comments, raw-text elements and
# template syntax.
MARKUP = [
    '<script>window.__pwned=1;alert("pwned")</script>',
    '"><x-pwned data-pwned="1"></x-pwned><img src=x onerror="window.__pwned=1">',
    "'><svg onload=window.__pwned=1 data-pwned>",
    "</title><script>window.__pwned=1</script><x-pwned></x-pwned>",
    "</textarea></code></pre></dd></dl><x-pwned></x-pwned>",
    '<!--<x-pwned>--><iframe srcdoc="<script>parent.__pwned=1</script>" data-pwned></iframe>',
    "{{ 7*7 }}{% if true %}<x-pwned></x-pwned>{% endif %}{# #}",
    '" onmouseover="window.__pwned=1" data-pwned="',
    "' onfocus='window.__pwned=1' autofocus data-pwned='",
    "<style>body{display:none}</style><x-pwned></x-pwned>",
    '<base href="https://evil.example/" data-pwned>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=1" data-pwned>',
    '<form action="javascript:window.__pwned=1" data-pwned><button>go</button></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1 data-pwned>",
    "<object data=\"javascript:window.__pwned=1\" data-pwned></object><embed src=x data-pwned>",
    "&lt;x-pwned&gt; &amp;lt; &#60;x-pwned&#62; &#x3C;x-pwned&#x3E;",
]

# Markdown and HTML links and images with schemes that run code or smuggle documents.
LINKS = [
    "[click](javascript:window.__pwned=1)",
    "[click](JaVaScRiPt:window.__pwned=1)",
    "[click](  javascript:window.__pwned=1  )",
    "[click](&#106;avascript:window.__pwned=1)",
    "[click](javascript&#58;window.__pwned=1)",
    "[click](&#x6A;&#x61;vascript:window.__pwned=1)",
    "[click](java%0ascript:window.__pwned=1)",
    "[click](vbscript:msgbox(1))",
    "[click](livescript:window.__pwned=1)",
    "[click](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
    "[click](file:///etc/passwd)",
    "[click](<javascript:window.__pwned=1>)",
    "![img](javascript:window.__pwned=1)",
    "![img](data:image/svg+xml,<svg onload=window.__pwned=1>)",
    "![tracker](https://evil.example/pixel.png)",
    "[ref][1] and ![ref img][2]\n\n[1]: javascript:window.__pwned=1\n[2]: data:image/png;base64,AAAA",
    "<javascript:window.__pwned=1> and <https://example.com/ok>",
    '<a href="javascript:window.__pwned=1" data-pwned>raw anchor</a>',
    '[title](https://example.com/ "t" onmouseover=window.__pwned=1)',
    '[quote](https://example.com/"onmouseover="window.__pwned=1")',
    "[fine](https://example.com/docs) and [mail](mailto:someone@example.com)",
]

# Text that tries to close the element or section it is embedded in: <script> data islands,
# CDATA sections, XML elements, comments.
ESCAPES = [
    "</script><script>window.__pwned=1</script><x-pwned></x-pwned>",
    "</SCRIPT ><x-pwned></x-pwned>",
    "<!--<script>window.__pwned=1//-->",
    "]]><x-pwned/><![CDATA[",
    "]]]]><![CDATA[><x-pwned/>",
    "</description><x-pwned/><description>",
    "</title></item><item><title>forged item</title><link>javascript:window.__pwned=1</link></item>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    "\u2028\u2029 line separators end JavaScript strings in old engines",
    "control characters \u0000 \u0001 \u0008 \u000b \u000c \u001b[31m \u007f \ufffe \uffff end",
    "controls without NUL \u0001 \u0008 \u000b \u000c \u001b[2J \u007f \u0085 \ufffe end",
    "lone surrogates \ud800 and \udfff, a pair \ud83d\ude00",
    "</loc><x-pwned/><loc>",
]

# Ids that try to leave the output folder or collide with other files.
PATH_IDS = [
    "../../../../outside/pwned",
    "../index.html",
    "..",
    ".",
    "/etc/passwd",
    "//evil.example/x",
    "a/../../../../x",
    "a/./b",
    "..\\..\\windows\\win.ini",
    "C:\\Windows\\x",
    "%2e%2e/%2e%2e/pwned",
    "%2e%2e%2f%2e%2e%2fpwned",
    "a%2F..%2F..%2Fpwned",
    "..%c0%af..%c0%afpwned",
    "\uff0e\uff0e/\uff0e\uff0e/fullwidth",
    "a/..;/b",
    "evil/index.html",
    "evil/index.html/x",
    "evil/",
    "evil//double",
    "~/../alias",
    "evil/nul\u0000byte",
    "evil/" + "long" * 150,  # 605 characters: past the id limit, skipped
    "evil/" + "l" * 490,  # 495 characters: kept, with a shortened path
    "evil/" + "%2e" * 160,
    "static/js/site",
    "EVIL/Upper",
    "evil/upper",
    "evil/con",
    "evil/space name ",
    "evil/new\nline",
]


def record(model_id: str, i: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": model_id,
        "canonical_slug": model_id,
        "name": f"Hostile model {i}",
        "created": CREATED - i,
        "description": "A record from the hostile corpus.",
        "context_length": 32768,
        "architecture": {"modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"],
                         "tokenizer": "Other", "instruct_type": None},
        "pricing": {"prompt": "0.000001", "completion": "0.000002"},
        "top_provider": {"context_length": 32768, "max_completion_tokens": 4096, "is_moderated": False},
        "per_request_limits": None,
        "supported_parameters": ["tools", "temperature"],
    }
    base.update(fields)
    return base


def everywhere(payload: str, i: int, prefix: str) -> dict[str, Any]:
    """A record with ``payload`` in every field that reaches a page, feed or export."""
    return record(
        f"{prefix}{i}/{payload}",
        i,
        name=f"{payload}: {payload}",
        description=f"{payload}\n\n**bold {payload}** `{payload}`\n\n> {payload}\n\n- {payload}",
        canonical_slug=payload,
        hugging_face_id=payload,
        knowledge_cutoff=payload,
        expiration_date="2026-09-01" + payload,
        alias_target={"slug": payload},
        architecture={"modality": payload, "input_modalities": ["text", payload], "output_modalities": [payload],
                      "tokenizer": payload, "instruct_type": payload},
        pricing={"prompt": "0.000001", "completion": "0.000002", payload: "0.5",
                 "overrides": [{"min_prompt_tokens": 200000, "prompt": "0.000002", payload: "1"}]},
        supported_parameters=["tools", payload],
        default_parameters={payload: payload, "temperature": payload},
        reasoning={"supported_efforts": [payload, "low"], "default_enabled": True},
        supported_voices=[payload],
        links={"details": f"javascript:window.__pwned=1//{payload}", "homepage": payload},
        benchmarks={payload: {payload: payload}},
        **{payload: payload},
    )


def catalogs() -> dict[str, dict[str, Any]]:
    return {
        "markup.json": {"data": [everywhere(p, i, "markup") for i, p in enumerate(MARKUP)]},
        "links.json": {"data": [
            record(f"links/case-{i}", i, name=f"Links case {i}", description=f"See {text} for more.",
                   links={"details": "javascript:window.__pwned=1", "homepage": "data:text/html,<x-pwned>"})
            for i, text in enumerate(LINKS)
        ]},
        "escapes.json": {"data": [everywhere(p, i, "escapes") for i, p in enumerate(ESCAPES)]},
        "paths.json": {"data": [record(model_id, i, name=f"Path case {i}") for i, model_id in enumerate(PATH_IDS)]},
        "numbers.json": {"data": numbers()},
        "shapes.json": {"data": shapes()},
        "sizes.json": {"data": sizes()},
        "nonfinite.json": {"data": nonfinite()},
    }


def numbers() -> list[dict[str, Any]]:
    """Absurd numbers: each record is shown within bounds or skipped with a warning."""
    cases: list[dict[str, Any]] = [
        {"created": 10**20},
        {"created": -10**12},
        {"created": 1e308},
        {"context_length": 10**40},
        {"context_length": -5},
        {"context_length": 1e308},
        {"pricing": {"prompt": "1e999999", "completion": "0"}},
        {"pricing": {"prompt": "1e-999999", "completion": "0"}},
        {"pricing": {"prompt": "-1e999999", "completion": "0"}},
        {"pricing": {"prompt": "0." + "0" * 5000 + "1", "completion": "0"}},
        {"pricing": {"prompt": "123456789012345678901234567890123456789", "completion": "0"}},
        {"pricing": {"prompt": "NaN", "completion": "Infinity"}},
        {"pricing": {"prompt": "sNaN", "completion": "-0"}},
        {"pricing": {"prompt": 1e-300, "completion": 10**30}},
        {"pricing": {"prompt": "0.000001", "completion": "0.000002",
                     "overrides": [{"min_prompt_tokens": 10**30, "prompt": "1"}, {"min_prompt_tokens": -1}]}},
        {"top_provider": {"max_completion_tokens": 10**50, "context_length": -10**50}},
        {"context_length": 10**400},
        # Odd but usable: these records stay.
        {"context_length": 10**10, "created": 32503679999},
        {"pricing": {"prompt": "-1", "completion": "-0"}},
        {"pricing": {"prompt": "1e-20", "completion": "999999", "web_search": "0.00000100000000000000015"}},
        {"created": 0, "context_length": 0, "pricing": {"prompt": 0, "completion": 0.0}},
    ]
    return [record(f"numbers/case-{i}", i, name=f"Numbers case {i}", **fields) for i, fields in enumerate(cases)]


# Numbers JSON text can hold but no strict reader takes (NaN, Infinity) or no double can (1e999,
# an integer of 5,000 digits, which Python's int refuses to read): written into the file as
# these literals, in place of the strings "@<literal>@".
BEYOND = {
    "1e999": "1e999", "-1e999": "-1e999", "1e400": "1e400", "NaN": "NaN", "Infinity": "Infinity",
    "-Infinity": "-Infinity", "digits": "9" * 5000, "-digits": "-" + "1" * 5000,
}


def beyond(name: str) -> str:
    return f"@{name}@"


def nonfinite() -> list[dict[str, Any]]:
    """Each record that holds a number JSON cannot carry, in a field the catalog reads or in
    one it only carries along, is skipped with a warning naming the field; the others stay."""
    cases: list[dict[str, Any]] = [
        {"context_length": beyond("1e999")},
        {"context_length": beyond("NaN")},
        {"created": beyond("digits")},
        {"pricing": {"prompt": beyond("Infinity"), "completion": "0.000002"}},
        {"pricing": {"prompt": "0.000001", "completion": beyond("-Infinity")}},
        {"pricing": {"prompt": "0.000001", "completion": "0.000002",
                     "overrides": [{"min_prompt_tokens": 200000, "prompt": beyond("1e400")}]}},
        {"top_provider": {"context_length": 32768, "max_completion_tokens": beyond("-1e999")}},
        {"benchmarks": {"mmlu": {"score": beyond("NaN")}}},
        {"default_parameters": {"temperature": beyond("1e999")}},
        {"reasoning": {"budgets": [1, 2, beyond("-digits")]}},
        {"links": {"\u001b[31m\nkey": beyond("Infinity")}},
        # Odd but JSON: these records stay.
        {"benchmarks": {"big": 1e308, "tiny": 1e-300, "negative_zero": -0.0, "long": 10**300}},
    ]
    return [record(f"nonfinite/case-{i}", i, name=f"Nonfinite case {i}", **fields) for i, fields in enumerate(cases)]


def shapes() -> list[Any]:
    """Wrong types in every field; records that cannot be used are skipped, never fatal."""
    deep: Any = "bottom"
    for _ in range(400):
        deep = {"d": [deep]}
    cases: list[Any] = [
        None, 42, "a string", [1, 2, 3], {},
        {"id": 42}, {"id": ["a/b"]}, {"id": ""}, {"id": "   "},
        {"id": "shapes/arch-list", "architecture": ["text"]},
        {"id": "shapes/pricing-string", "pricing": "free"},
        {"id": "shapes/pricing-list", "pricing": ["0.1"]},
        {"id": "shapes/price-object", "pricing": {"prompt": {"usd": 1}}},
        {"id": "shapes/price-bool", "pricing": {"prompt": True}},
        {"id": "shapes/top-number", "top_provider": 7},
        {"id": "shapes/params-dict", "supported_parameters": {"tools": True}},
        {"id": "shapes/params-mixed", "supported_parameters": ["tools", 1, None, ["x"], {"y": 1}]},
        {"id": "shapes/name-number", "name": 12345},
        {"id": "shapes/description-object", "description": {"text": "<x-pwned>"}},
        {"id": "shapes/defaults-list", "default_parameters": ["temperature"]},
        {"id": "shapes/reasoning-string", "reasoning": "yes"},
        {"id": "shapes/reasoning-efforts-dict", "reasoning": {"supported_efforts": {"a": 1}}},
        {"id": "shapes/overrides-dict", "pricing": {"prompt": "0", "completion": "0", "overrides": {"a": 1}}},
        {"id": "shapes/context-string", "context_length": "128000"},
        {"id": "shapes/created-string", "created": "yesterday"},
        {"id": "shapes/modalities-string", "architecture": {"input_modalities": "text", "output_modalities": None}},
        {"id": "shapes/alias-number", "alias_target": 5},
        {"id": "shapes/deep-unknown-field", "benchmarks": deep},
        {"id": "shapes/duplicate", "name": "first"},
        {"id": "shapes/duplicate", "name": "second <x-pwned>"},
        {"id": "shapes/minimal"},
    ]
    return [dict(c, created=CREATED) if isinstance(c, dict) and "created" not in c else c for c in cases]


def sizes() -> list[dict[str, Any]]:
    """Large but committed-size records (the multi-megabyte ones are made by the tests)."""
    return [
        record("sizes/params", 0, supported_parameters=[f"param_{n}" for n in range(5000)]),
        record("sizes/pricing", 1, pricing={f"price_{n}": "0.000001" for n in range(3000)}
               | {"prompt": "0.000001", "completion": "0.000002"}),
        record("sizes/tiers", 2, pricing={"prompt": "0.000001", "completion": "0.000002", "overrides": [
            {"min_prompt_tokens": n * 1000, "prompt": "0.000001", "completion": "0.000002"} for n in range(1000)]}),
        record("sizes/defaults", 3, default_parameters={f"p{n}": n for n in range(5000)}),
        record("sizes/efforts", 4, reasoning={"supported_efforts": [f"e{n}" for n in range(5000)]}),
        record("sizes/modalities", 5, architecture={"input_modalities": [f"m{n}" for n in range(3000)],
                                                    "output_modalities": ["text"]}),
        record("sizes/voices", 6, supported_voices=[f"voice{n}" for n in range(3000)]),
        record("sizes/name", 7, name="N" * 20000),
        record("sizes/description-lines", 8, description="line\n" * 20000),
        record("sizes/description-nesting", 9, description="> " * 5000 + "[" * 5000 + "*" * 5000 + "`" * 5000),
    ]


def endpoint(tag: Any, **fields: Any) -> dict[str, Any]:
    """An endpoint record as the API sends one, with ``fields`` replaced."""
    base: dict[str, Any] = {
        "name": f"Hostile | {tag}", "model_id": "endpoints/case", "model_name": "Hostile endpoint",
        "context_length": 131072, "pricing": {"prompt": "0.000001", "completion": "0.000002", "discount": 0},
        "provider_name": "Hostile", "tag": tag, "quantization": "fp8", "max_completion_tokens": 8192,
        "max_prompt_tokens": None, "supported_parameters": ["tools", "temperature"], "status": 0,
        "uptime_last_30m": 99.5, "latency_last_30m": {"p50": 500.0, "p75": 700.0, "p90": 900.0, "p99": 2000.0},
        "throughput_last_30m": {"p50": 50.0, "p75": 60.0, "p90": 70.0, "p99": 80.0},
    }
    base.update(fields)
    return base


def answer(endpoints: Any) -> dict[str, Any]:
    return {"data": {"id": "endpoints/case", "name": "Hostile endpoint", "endpoints": endpoints}}


def endpoint_answers() -> dict[str, Any]:
    """Model id -> the endpoints API's answer for it. Each record that cannot be used is skipped
    with a warning naming the model and its tag; each answer that is not a list of endpoints
    is refused for its model alone; the rest is stored as sent."""
    prices = [
        endpoint("good", future_field={"kept": [1, "two", None]}),  # unknown fields are stored as sent
        endpoint("negative", pricing={"prompt": "-0.000001", "completion": "0.000002"}),
        endpoint("nan-string", pricing={"prompt": "NaN", "completion": "0.000002"}),
        endpoint("infinity", pricing={"prompt": "0.000001", "completion": beyond("Infinity")}),
        endpoint("huge-price", pricing={"prompt": "1e999999", "completion": "0.000002"}),
        endpoint("huge-context", context_length=beyond("1e999")),
        endpoint("nan-latency", latency_last_30m={"p50": beyond("NaN")}),
        endpoint("digits", max_completion_tokens=beyond("digits")),
        endpoint("negative-tier", pricing={"prompt": "0.000001", "completion": "0.000002",
                                           "overrides": [{"min_prompt_tokens": 200000, "prompt": "-1"}]}),
        endpoint("price-object", pricing={"prompt": {"usd": 1}, "completion": "0.000002"}),
    ]
    counts = [
        endpoint("good"),
        endpoint("context-1e40", context_length=10**40),
        endpoint("context-negative", context_length=-5),
        endpoint("context-fraction", context_length=1.5),
        endpoint("context-string", context_length="131072"),
        endpoint("context-bool", context_length=True),
        endpoint("tier-negative", pricing={"prompt": "0.000001", "overrides": [{"min_prompt_tokens": -1}]}),
        # Odd but usable: figures out of range are left out, not refused.
        endpoint("odd-stats", uptime_last_30m=250, latency_last_30m={"p50": -1}, throughput_last_30m="fast",
                 status="up", supported_parameters={"tools": True}),
    ]
    names = [
        endpoint("good", provider_name="Example Cloud (EU), Inc."),
        endpoint("script", provider_name='<script>window.__pwned=1</script>'),
        endpoint("attribute", provider_name='"><x-pwned data-pwned="1"></x-pwned>'),
        endpoint("escape", provider_name="\u001b[31mRed\u001b[0m"),
        endpoint("newline", provider_name="first\nsecond"),
        endpoint("long", provider_name="N" * 10_000),
        endpoint("empty", provider_name="  "),
        endpoint("number", provider_name=42),
        endpoint("missing", provider_name=None),
        endpoint("<x-pwned>"),
        endpoint("../../etc/passwd"),
        endpoint("t" * 10_000),
        endpoint(42),
        endpoint("quantized", quantization="<b>fp8</b>"),
    ]
    shapes: list[Any] = [endpoint("good"), "a string", [1, 2], None, 7,
                         endpoint("pricing-string", pricing="free"), endpoint("no-pricing", pricing=None)]
    return {
        "endpoints/prices": answer(prices),
        "endpoints/counts": answer(counts),
        "endpoints/names": answer(names),
        "endpoints/shapes": answer(shapes),
        "endpoints/many": answer([{"tag": f"many-{n}", "provider_name": "Many", "pricing": {}} for n in range(201)]),
        "endpoints/repeated": answer([endpoint("twice"), endpoint("twice"),  # one provider in two regions
                                      endpoint("twice", pricing={"prompt": "0.000003", "completion": "0.000004"})]),
        "endpoints/error": {"error": {"code": 502, "message": "<x-pwned>\n\u001b[2J upstream failed"}},
        "endpoints/list": [answer([endpoint("good")])],
        "endpoints/no-list": {"data": {"endpoints": {"good": endpoint("good")}}},
        "endpoints/nonfinite-answer": beyond("NaN"),
        # "endpoints/none" has no answer: the API said 404, it has no endpoints.
    }


def endpoint_catalog() -> dict[str, Any]:
    ids = [*endpoint_answers(), "endpoints/none"]
    return {"data": [record(model_id, i, name=f"Endpoints case {i}") for i, model_id in enumerate(ids)]}


def write(path: Path, payload: Any) -> None:
    text = json.dumps(payload, indent=1) + "\n"
    for placeholder, literal in BEYOND.items():
        text = text.replace(json.dumps(beyond(placeholder)), literal)
    path.write_text(text, encoding="ascii")


def main() -> None:
    for name, payload in catalogs().items():
        write(HERE / name, payload)
    (HERE / "endpoints").mkdir(exist_ok=True)
    write(HERE / "endpoints" / "catalog.json", endpoint_catalog())
    write(HERE / "endpoints" / "answers.json", endpoint_answers())


if __name__ == "__main__":
    main()
