"""One endpoint record validated (``sitegen.endpoints``), and how a fetch's answers are merged
into the stored endpoints and compared with them (``sitegen.provider_data``): the edge cases
of a real answer, a tag listed twice, tiered prices, and models whose request failed."""

from __future__ import annotations

import copy
import json
import re
import shutil
from decimal import Decimal
from typing import Any

import pytest

from conftest import FIXTURES
from sitegen import provider_data
from sitegen.endpoints import MAX_ENDPOINTS, Stats, accept, keyed, parse, refusal
from sitegen.model import Tier

REAL = json.loads((FIXTURES / "endpoints" / "endpoints-2026-08-08.json").read_bytes())
T1, T2 = "2026-08-08T00:00:00Z", "2026-08-09T00:00:00Z"


def record(tag: str = "deepinfra/fp8", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "DeepInfra | a/b", "provider_name": "DeepInfra", "tag": tag, "quantization": "fp8",
        "context_length": 131072, "max_completion_tokens": 16384, "max_prompt_tokens": None,
        "pricing": {"prompt": "0.0000002", "completion": "0.0000008", "discount": 0},
        "supported_parameters": ["tools", "temperature", "tools"], "status": 0, "uptime_last_30m": 99.2,
        "latency_last_30m": {"p50": 410.0, "p75": 620.5, "p90": 900.0, "p99": 2500.0},
        "throughput_last_30m": {"p50": 61.0, "p75": 70.0, "p90": 80.0, "p99": 95.0},
    }
    base.update(fields)
    return base


def answer(*records: Any) -> dict[str, Any]:
    return {"data": {"id": "a/b", "endpoints": list(records)}}


# --- parse -------------------------------------------------------------------------------------


def test_a_record_is_read_with_exact_prices_and_its_stats() -> None:
    endpoint = parse(record(pricing={"prompt": "0.0000002", "completion": "0.0000008", "discount": 0,
                                     "overrides": [{"min_prompt_tokens": 200000, "prompt": "0.0000004"},
                                                   {"min_prompt_tokens": 128000, "prompt": "0.0000003"}]}))
    assert endpoint.key == endpoint.tag == "deepinfra/fp8" and endpoint.provider == "deepinfra"
    assert endpoint.prices == {"prompt": Decimal("0.0000002"), "completion": Decimal("0.0000008")}  # no discount
    assert endpoint.tiers == (Tier(128000, {"prompt": Decimal("0.0000003")}), Tier(200000, {"prompt": Decimal("0.0000004")}))
    assert endpoint.supported_parameters == ("temperature", "tools")
    assert endpoint.latency == Stats(410.0, 900.0) and endpoint.uptime == 99.2  # the percentiles shown
    assert endpoint.terms() == {
        "quantization": "fp8", "context_length": 131072, "max_completion_tokens": 16384,
        "pricing.completion": "0.0000008", "pricing.prompt": "0.0000002",
        "pricing.overrides.128000.prompt": "0.0000003", "pricing.overrides.200000.prompt": "0.0000004"}


def test_every_real_record_parses() -> None:
    records = [r for body in REAL.values() for r in body["data"]["endpoints"]]
    assert len(records) > 1000
    for r in records:
        assert parse(r).tag == r["tag"]


def test_what_the_api_sends_for_unknown_is_no_quantization_and_odd_figures_are_left_out() -> None:
    endpoint = parse(record(quantization="unknown", uptime_last_30m=100.4, status="up",
                            latency_last_30m={"p50": None, "p99": 3.0}, throughput_last_30m={"p50": True},
                            supported_parameters="tools", supports_implicit_caching="yes"))
    assert endpoint.quantization is None and "quantization" not in endpoint.terms()
    assert endpoint.uptime is endpoint.latency is endpoint.throughput is endpoint.status is None
    assert endpoint.supported_parameters == () and endpoint.implicit_caching is None


def test_a_negative_zero_reads_as_zero_and_a_percentile_without_a_median_is_dropped() -> None:
    endpoint = parse(record(uptime_last_30m=-0.0, latency_last_30m={"p50": -0.0, "p90": 2e9},
                            throughput_last_30m={"p90": 5.0}))
    assert (str(endpoint.uptime), endpoint.latency, endpoint.throughput) == ("0.0", Stats(0.0, None), None)
    assert str(endpoint.latency.p50) == "0.0"  # not "-0.0": a page would read "-0 ms"


@pytest.mark.parametrize(("fields", "why"), [
    ({"tag": "Deep Infra"}, "its tag is not a provider slug"),
    ({"tag": "a/b/c"}, "its tag is not a provider slug"),
    ({"provider_name": "<b>x</b>"}, "its provider_name is not a plain name"),
    ({"provider_name": "x" * 101}, "its provider_name is not a plain name"),
    ({"quantization": "FP8"}, "its quantization is not a short lowercase word"),
    ({"pricing": []}, "it has no pricing object"),
    ({"pricing": {"prompt": "-1"}}, "pricing.prompt is negative"),
    ({"pricing": {"prompt": "1e400"}}, "pricing.prompt is out of range"),
    ({"pricing": {"prompt": "0.1", "overrides": ["x"]}}, "pricing.overrides[0] is not an object"),
    ({"pricing": {"prompt": "0.1", "overrides": [{"min_prompt_tokens": 1.5}]}},
     "pricing.overrides[0].min_prompt_tokens is not a whole number"),
    ({"context_length": 10**12}, "context_length is out of range"),
    ({"max_prompt_tokens": "8k"}, "max_prompt_tokens is not a whole number"),
    ({"context_length": float("nan")}, "context_length is not a finite number"),
    ({"extra": {"deep": [float("inf")]}}, "extra.deep[0] is not a finite number"),
])
def test_a_record_that_cannot_be_used_says_which_field(fields: dict[str, Any], why: str) -> None:
    with pytest.raises(ValueError, match=why.replace("[", r"\[").replace("]", r"\]")):
        parse(record(**fields))


# --- refusal and accept ------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "why"), [
    ([], "the answer is a list, not an object"),
    ("x", "the answer is a string, not an object"),
    (None, "the answer is null, not an object"),
    ({"error": {"message": "No endpoints found"}}, "the answer is an error: 'No endpoints found'"),
    ({"error": "rate limited"}, "the answer is an error: 'rate limited'"),
    ({"data": {"endpoints": None}}, "the answer has no data.endpoints list"),
    ({"data": []}, "the answer has no data.endpoints list"),
])
def test_an_answer_that_is_not_a_list_of_endpoints_is_refused(body: Any, why: str) -> None:
    assert refusal(body) == why


def test_an_answer_with_data_is_not_an_error_whatever_else_it_says() -> None:
    assert refusal({"error": None, "data": {"endpoints": []}}) is None


def test_accept_keeps_good_records_as_sent_sorted_by_key_and_names_each_skipped_one() -> None:
    good = [record("together", extra_field={"kept": True}), record("baseten")]
    records, warnings = accept("a/b", answer(good[0], record("bad", pricing=None), "junk", good[1]))
    assert records == [good[1], good[0]]  # by tag; unknown fields kept
    assert warnings == ["skipped the endpoint 'bad' of a/b: it has no pricing object",
                        "skipped the endpoint 'endpoint 2' of a/b: it is a string, not an object"]


def test_an_answer_of_too_many_endpoints_keeps_the_first_and_says_so() -> None:
    records, warnings = accept("a/b", answer(*(record(f"p{n:03}") for n in range(MAX_ENDPOINTS + 5))))
    assert len(records) == MAX_ENDPOINTS and records[-1]["tag"] == f"p{MAX_ENDPOINTS - 1:03}"
    assert warnings == [f"skipped all but the first {MAX_ENDPOINTS} of the {MAX_ENDPOINTS + 5} endpoints of a/b"]


# --- keyed: one tag listed twice --------------------------------------------------------------


def priced(tag: str, prompt: str, **fields: Any) -> dict[str, Any]:
    return record(tag, pricing={"prompt": prompt, "completion": "0.000001"}, **fields)


def test_a_tag_listed_twice_with_the_same_terms_is_one_endpoint() -> None:
    # Two regions of one provider, which differ only in latency: the first listed is shown.
    first = priced("google-vertex", "0.000001", latency_last_30m={"p50": 100.0})
    second = priced("google-vertex", "0.000001", latency_last_30m={"p50": 900.0})
    [endpoint] = keyed([first, second])
    assert endpoint.key == "google-vertex" and endpoint.latency == Stats(100.0)


def test_a_tag_listed_twice_with_other_terms_is_numbered_by_its_terms_not_its_place() -> None:
    a, b = priced("novita", "0.000001"), priced("novita", "0.000002")
    assert [(e.key, str(e.prices["prompt"])) for e in keyed([b, a])] == [("novita", "0.000001"),
                                                                            ("novita#2", "0.000002")]
    assert [e.key for e in keyed([a, b])] == [e.key for e in keyed([b, a])]


# --- merge --------------------------------------------------------------------------------------


def stored(*records: dict[str, Any], when: str = T1) -> dict[str, Any]:
    return {"fetched_at": when, "endpoints": list(records)}


def test_merge_keeps_the_old_entry_of_a_model_without_an_answer_and_says_why_when_it_failed() -> None:
    old = {"a/b": stored(record()), "c/d": stored(record()), "gone/x": stored(record())}
    answers = {"e/f": None, "g/h": answer(record("together"))}
    failed = {"c/d": "gave up on http://x/ after 4 attempts: HTTP 503", "i/j": "HTTP 500"}
    entries, warnings = provider_data.merge(old, answers, ["a/b", "c/d", "e/f", "g/h", "i/j"], T2, failed)
    assert entries == {"a/b": old["a/b"], "c/d": old["c/d"], "e/f": stored(when=T2),
                       "g/h": stored(record("together"), when=T2)}  # gone/x is no longer listed
    assert warnings == [
        f"did not fetch the endpoints of c/d (kept its endpoints of {T1}): gave up on http://x/ after 4 attempts: HTTP 503",
        "did not fetch the endpoints of i/j (none stored): HTTP 500"]


def test_merge_refuses_an_answer_that_is_not_a_list_for_that_model_alone() -> None:
    old = {"a/b": stored(record())}
    entries, warnings = provider_data.merge(old, {"a/b": {"error": "down"}, "c/d": answer()}, ["a/b", "c/d"], T2)
    assert entries == {"a/b": old["a/b"], "c/d": stored(when=T2)}
    assert warnings == [f"refused the endpoints of a/b (kept its endpoints of {T1}): the answer is an error: 'down'"]


# --- diff ---------------------------------------------------------------------------------------


def events(old: dict[str, Any], new: dict[str, Any], listed: list[str] | None = None) -> list[tuple]:
    changes = provider_data.diff(provider_data.parsed(old), provider_data.parsed(new), listed or sorted(new))
    return [(c.kind, c.id, c.provider, c.changes) for c in changes]


def test_a_first_fetch_adds_every_endpoint_and_a_failed_one_changes_nothing() -> None:
    new = {"a/b": stored(record("baseten"), record("together"))}
    assert events({}, new) == [("provider_added", "a/b", "baseten", None), ("provider_added", "a/b", "together", None)]
    assert events(new, {}, ["a/b"]) == []  # no entry: its request failed


def test_latency_throughput_and_uptime_are_not_logged() -> None:
    before = record(uptime_last_30m=99.0)
    after = record(uptime_last_30m=50.0, latency_last_30m={"p50": 9999.0}, throughput_last_30m={"p50": 1.0})
    assert events({"a/b": stored(before)}, {"a/b": stored(after, when=T2)}) == []


def test_a_tier_price_and_a_limit_change_are_logged_by_path() -> None:
    tiered = copy.deepcopy(record())
    tiered["pricing"]["overrides"] = [{"min_prompt_tokens": 200000, "prompt": "0.0000004"}]
    moved = copy.deepcopy(tiered)
    moved["pricing"]["overrides"][0]["prompt"] = "0.0000005"
    moved["context_length"] = 262144
    assert events({"a/b": stored(tiered)}, {"a/b": stored(moved)}) == [
        ("provider_changed", "a/b", "deepinfra/fp8", {"context_length": [131072, 262144],
                                                      "pricing.overrides.200000.prompt": ["0.0000004", "0.0000005"]})]


def test_a_model_whose_endpoints_are_now_none_has_each_removed() -> None:
    old = {"a/b": stored(record("baseten"), record("together"))}
    assert [e[:3] for e in events(old, {"a/b": stored()})] == [("provider_removed", "a/b", "baseten"),
                                                               ("provider_removed", "a/b", "together")]


def test_when_one_of_a_tag_listed_twice_is_repriced_the_numbered_key_follows_the_terms() -> None:
    # novita at 1 and 2; the second goes to 3: still ordered after the first, so novita#2 moves.
    old = {"a/b": stored(priced("novita", "0.000001"), priced("novita", "0.000002"))}
    new = {"a/b": stored(priced("novita", "0.000003"), priced("novita", "0.000001"))}
    assert events(old, new) == [("provider_changed", "a/b", "novita#2", {"pricing.prompt": ["0.000002", "0.000003"]})]


# --- a build's read of the stored records ------------------------------------------------------

ODD_RECORDS = [  # what a hand-edited endpoints.json may hold: each is read as parse reads it, or refused
    {}, {"pricing": {"prompt": "0.1", "overrides": ["x"]}}, {"pricing": {"prompt": "-1"}},
    {"pricing": {"prompt": "0.1", "overrides": [{"min_prompt_tokens": 5, "prompt": "abc"}]}},
    {"pricing": {"prompt": "0.1", "overrides": [{"min_prompt_tokens": 9, "prompt": "0.2"}, {"prompt": "0.3"},
                                                 {"min_prompt_tokens": 5, "web_search": "0.01"},
                                                 {"min_prompt_tokens": 3, "completion": "0.4"}]}},
    {"pricing": {"prompt": 1, "completion": 0.5, "input_cache_read": ""}}, {"pricing": {"prompt": True}},
    {"context_length": 1e5}, {"context_length": True}, {"context_length": '"><b>'}, {"max_prompt_tokens": -1},
    {"quantization": "unknown"}, {"quantization": "<b>"}, {"quantization": None}, {"provider_name": " Padded "},
    {"provider_name": "<script>"}, {"provider_name": 5}, {"tag": "../x"}, {"tag": ["a"]},
    {"uptime_last_30m": 120}, {"uptime_last_30m": True},
    {"latency_last_30m": {"p50": -1, "p90": 5}}, {"latency_last_30m": {"p50": 5, "p90": "6"}},
    {"latency_last_30m": {"p90": 5}}, {"latency_last_30m": [1]}, {"throughput_last_30m": {"p50": 1e9}},
]


@pytest.mark.parametrize("fields", ODD_RECORDS + [None])
def test_a_build_reads_a_stored_record_as_parse_reads_it(fields: dict[str, Any] | None) -> None:
    from sitegen.providers import offer, stored_offer

    records = [r for body in REAL.values() for r in body["data"]["endpoints"]] if fields is None else [
        "a string", *(record(**fields) if "pricing" not in fields else
                      {**record(), **fields, "pricing": fields["pricing"]} for _ in [0])]
    for r in records:
        try:
            expected = offer(parse(r))
        except ValueError as exc:
            with pytest.raises(ValueError, match=re.escape(str(exc))):
                stored_offer(r)
        else:
            assert stored_offer(r) == expected


def test_a_hand_edited_endpoints_file_is_refused_in_one_line_naming_the_model_endpoint_and_field(tmp_path) -> None:
    from conftest import ROOT, run_cli

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    stored = json.loads((data / "endpoints.json").read_bytes())
    tags = [e["tag"] for e in stored["models"]["deepseek/deepseek-v3.2"]["endpoints"]]
    for edit, why in [({"context_length": '"><b>x</b>'}, "context_length is not a whole number"),
                      ({"provider_name": "<script>alert(1)</script>"}, "its provider_name is not a plain name")]:
        changed = copy.deepcopy(stored)
        changed["models"]["deepseek/deepseek-v3.2"]["endpoints"][1].update(edit)
        (data / "endpoints.json").write_text(json.dumps(changed))
        result = run_cli("build", "--data", str(data), "--out", str(tmp_path / "site"), "--no-cache")
        assert result.returncode != 0 and not (tmp_path / "site" / "index.html").exists()
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert f"endpoints.json cannot be read: the endpoint {tags[1]!r} of 'deepseek/deepseek-v3.2': {why}" \
            in result.stderr


@pytest.mark.parametrize("layout", ["stored", "compact", "a cut inside a string", "other keys", "refused"])
def test_endpoints_json_read_a_run_at_a_time_gives_what_it_gives_whole(monkeypatch, layout: str) -> None:
    from conftest import ROOT
    from sitegen._engine import jsonload

    monkeypatch.setattr(jsonload, "RUN_BYTES", 20_000)
    value = json.loads((ROOT / "data" / "endpoints.json").read_bytes())
    if layout == "a cut inside a string":  # a name holding what a gap between entries looks like
        first = next(iter(value["models"].values()))
        first["endpoints"][0]["model_name"] = '}, "x/y": {"fetched_at' * 2000
    if layout == "refused":
        value["models"][sorted(value["models"])[300]]["endpoints"] = 5
    text = json.dumps({**value, "extra": 1} if layout == "other keys" else value, indent=None if layout == "compact"
                      else 1).encode()
    if layout == "refused":
        with pytest.raises(ValueError, match="'models' map of"):
            dict(provider_data.checked(jsonload.entries(text, provider_data.stored_entries)))
        return
    assert dict(provider_data.checked(jsonload.entries(text, provider_data.stored_entries))) == \
        provider_data.stored_entries(text)
