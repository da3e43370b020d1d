// The compare page: compare/?models=a/b,c/d&in=…&out=…&cached=…&req=… laid out from
// compare.json. Costs are computed exactly, by cost.js.
"use strict";
(() => {
  const app = document.getElementById("app");
  if (!app) return;
  document.getElementById("needs-js").hidden = true;
  app.hidden = false;
  const $ = (id) => document.getElementById(id);
  const table = $("compare-table");
  const FIELDS = { in: "c-in", out: "c-out", cached: "c-cached", req: "c-req" };
  const DEFAULTS = { in: 1000000n, out: 200000n, cached: 0n, req: 100n };

  const { dec, cmp, exact, usd } = Cost; // cost.js

  // ---- usage numbers: 10000000, 10,000,000, 10M, 2.5k
  function count(text) {
    const t = text.trim().toLowerCase().replace(/[,_\s]/g, "");
    const m = /^(\d+(?:\.\d+)?)([kmb]?)$/.exec(t);
    if (!m) return null;
    const [digits, scale] = dec(m[1]);
    const shift = { "": 0, k: 3, m: 6, b: 9 }[m[2]] - scale;
    if (shift >= 0) return digits * 10n ** BigInt(shift);
    const d = 10n ** BigInt(-shift);
    return digits % d === 0n ? digits / d : null;
  }
  const shown = (price) => (price === null ? "varies" : price === undefined ? "—" : dec(price)[0] === 0n ? "free" : usd(dec(price)));
  const grouped = (n) => n.toString().replace(/\B(?=(\d{3})+$)/g, ",");

  // ---- state in the address
  function readState() {
    const params = new URLSearchParams(location.search);
    const ids = [];
    for (const id of params.getAll("models").flatMap((v) => v.split(","))) {
      const clean = id.trim();
      if (clean && !ids.includes(clean)) ids.push(clean);
    }
    const usage = {};
    for (const key of Object.keys(FIELDS)) {
      const value = params.has(key) ? count(params.get(key)) : null;
      usage[key] = value === null ? DEFAULTS[key] : value;
    }
    return { ids, usage };
  }
  const encodeId = (id) => encodeURIComponent(id).replace(/%2F/g, "/").replace(/%3A/g, ":");
  function address(ids, usage) {
    const parts = [];
    if (ids.length) parts.push("models=" + ids.map(encodeId).join(","));
    for (const key of Object.keys(FIELDS)) {
      if (usage[key] !== DEFAULTS[key]) parts.push(`${key}=${usage[key]}`);
    }
    return location.pathname + (parts.length ? "?" + parts.join("&") : "");
  }

  // ---- DOM helpers
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k === "class") node.className = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  let data = null;
  let byId = new Map();
  let state = readState();

  function usage() {
    const u = {};
    let problem = "";
    for (const [key, id] of Object.entries(FIELDS)) {
      const input = $(id);
      const value = input.value.trim() === "" ? 0n : count(input.value);
      input.setAttribute("aria-invalid", value === null ? "true" : "false");
      if (value === null) problem = `“${input.value}” is not a whole number of ${key === "req" ? "requests" : "tokens"}.`;
      u[key] = value === null ? DEFAULTS[key] : value;
    }
    if (!problem && u.cached > u.in) problem = "Cached input tokens are part of the input: they cannot be more than the input tokens.";
    if (!problem && u.req < 1n) problem = "Requests must be at least 1.";
    $("calc-error").textContent = problem;
    return problem ? null : u;
  }

  function costRow(models, u) {
    const results = models.map((m) => (u ? Cost.of(m, u) : { unknown: true }));
    const totals = results.filter((r) => r.total).map((r) => r.total);
    const least = totals.reduce((a, b) => (a === null || cmp(b, a) < 0 ? b : a), null);
    const cells = results.map((r) => {
      if (r.varies) return el("td", {}, "varies", el("small", {}, "The price depends on the model the router picks."));
      if (!r.total) return el("td", {}, "—");
      const cheapest = totals.length > 1 && cmp(r.total, least) === 0;
      const detail = r.parts.filter(([, v]) => v[0] !== 0n).map(([name, v]) => `${name} ${usd(v)}`).join(" + ");
      return el(
        "td",
        { class: cheapest ? "num cheapest" : "num", "data-exact": exact(r.total) },
        usd(r.total),
        cheapest ? el("span", { class: "badge badge-free" }, "Cheapest") : null,
        el("small", {}, detail || "nothing to pay"),
        r.tier ? el("small", {}, `at the tier from ${grouped(BigInt(r.tier.min))} prompt tokens`) : null,
      );
    });
    return el("tr", { class: "cost-row" }, el("th", { scope: "row" }, "Per month"), ...cells);
  }

  const kindOf = (key) => data.price_kinds.find((k) => k.key === key) || { key, label: key, unit: "1M tokens" };

  function group(title, span) {
    return el("tr", { class: "group" }, el("th", { scope: "colgroup", colspan: span }, title));
  }

  function valueRow(label, texts, numbers, better) {
    const distinct = new Set(texts);
    const known = numbers.map((n, i) => (n === null ? null : [n, i])).filter(Boolean);
    let best = null;
    if (better && known.length > 1 && new Set(known.map(([n]) => n.join("/"))).size > 1) {
      best = known.reduce((a, b) => (cmp(b[0], a[0]) * better > 0 ? b : a))[0];
    }
    const cells = texts.map((t, i) => {
      const isBest = best !== null && numbers[i] !== null && cmp(numbers[i], best) === 0;
      return el("td", { class: isBest ? "best" : null }, t, isBest ? el("span", { class: "visually-hidden" }, " (best)") : null);
    });
    return el("tr", { class: texts.length > 1 && distinct.size > 1 ? "differs" : null }, el("th", { scope: "row" }, ...label), ...cells);
  }

  function render() {
    document.documentElement.classList.remove("no-picks"); // the states below take over from it
    const known = state.ids.filter((id) => byId.has(id)).map((id) => byId.get(id));
    const unknown = state.ids.filter((id) => !byId.has(id));
    const warn = $("unknown");
    warn.hidden = unknown.length === 0;
    warn.replaceChildren();
    if (unknown.length) {
      const list = unknown.flatMap((id, i) => [i ? ", " : "", el("code", {}, id)]);
      const drop = el("button", { type: "button", class: "remove" }, unknown.length > 1 ? "Remove them" : "Remove it");
      drop.addEventListener("click", () => go(known.map((m) => m.id)));
      warn.append(el("p", {}, el("strong", {}, "Not in the catalog: "), ...list,
        ". It may have been renamed or removed: look for it in ", el("a", { href: root }, "the list of all models"),
        " or among ", el("a", { href: root + "retired/" }, "retired models"), ". ", drop));
    }
    $("empty").hidden = known.length > 0;
    $("calc").hidden = known.length === 0;
    table.parentElement.hidden = known.length === 0;
    document.querySelector(".compare-legend").hidden = known.length < 2;
    document.title = (known.length ? known.map((m) => m.name).join(" vs ") + " · " : "") + baseTitle;
    if (!known.length) return table.replaceChildren();

    const span = known.length + 1;
    const head = el("tr", {}, el("td", {}),
      ...known.map((m) => {
        const remove = el("button", { type: "button", class: "remove", "aria-label": "Remove " + m.name }, "Remove");
        remove.addEventListener("click", () => go(state.ids.filter((id) => id !== m.id)));
        return el("th", { scope: "col" }, el("a", { href: root + m.path }, m.name), el("code", {}, m.id), remove);
      }));
    const body = el("tbody");
    body.append(group("Your usage", span), costRow(known, usage()));

    const kinds = data.price_kinds.map((k) => k.key);
    const present = new Set(known.flatMap((m) => [m.prices, ...m.tiers.map((t) => t.prices)].flatMap(Object.keys)));
    const order = [...kinds.filter((k) => present.has(k)), ...[...present].filter((k) => !kinds.includes(k)).sort()];
    body.append(group("Prices", span));
    for (const key of order) {
      const kind = kindOf(key);
      const texts = known.map((m) => shown(m.prices[key]));
      const numbers = known.map((m) => (typeof m.prices[key] === "string" ? dec(m.prices[key]) : null));
      const per = /\bper\b/i.test(kind.label) ? "" : ` per ${kind.unit}`; // "Per request" says it already
      body.append(valueRow([kind.label, el("span", { class: "unit" }, per)], texts, numbers, -1));
    }
    if (known.some((m) => m.tiers.length)) {
      const texts = known.map((m) => m.tiers.map((t) => `from ${grouped(BigInt(t.min))} prompt tokens: ` +
        order.filter((k) => k in t.prices).map((k) => `${kindOf(k).label.toLowerCase()} ${shown(t.prices[k])}`).join(", ")).join("; ") || "—");
      body.append(valueRow(["Tiered prices"], texts, known.map(() => null), 0));
    }
    let current = null;
    for (const row of data.rows) {
      if (row.group !== current) body.append(group((current = row.group), span));
      const texts = known.map((m) => m.facts[row.key] || "—");
      const better = data.higher_is_better.includes(row.key) ? 1 : 0;
      const numbers = known.map((m) => (row.key in m.numbers ? dec(String(m.numbers[row.key])) : null));
      const tr = valueRow([row.label], texts, numbers, better);
      if (row.key === "author") {
        known.forEach((m, i) => tr.cells[i + 1].replaceChildren(el("a", { href: root + m.author_path }, texts[i])));
      }
      body.append(tr);
    }
    table.replaceChildren(
      el("caption", { class: "visually-hidden" }, `Comparison of ${known.map((m) => m.name).join(", ")}`),
      el("thead", {}, head),
      body,
    );
    onlyDiff();
  }

  function onlyDiff() {
    const only = $("only-diff").checked;
    let groupRow = null;
    let any = false;
    const close = () => { if (groupRow) groupRow.hidden = only && !any; };
    for (const tr of table.querySelectorAll("tbody tr")) {
      if (tr.classList.contains("group")) {
        close();
        [groupRow, any] = [tr, false];
        continue;
      }
      tr.hidden = only && !tr.classList.contains("differs") && !tr.classList.contains("cost-row");
      any = any || !tr.hidden;
    }
    close();
  }

  function showUsage() {
    for (const [key, id] of Object.entries(FIELDS)) $(id).value = grouped(state.usage[key]);
  }

  function go(ids) {
    state = { ids, usage: state.usage };
    history.pushState(null, "", address(state.ids, state.usage));
    render();
  }

  const baseTitle = document.title;
  const root = app.dataset.root;
  let timer = 0;
  for (const id of Object.values(FIELDS)) {
    $(id).addEventListener("input", () => {
      const u = usage();
      const old = table.querySelector(".cost-row");
      if (old) old.replaceWith(costRow(state.ids.filter((i) => byId.has(i)).map((i) => byId.get(i)), u));
      if (!u) return;
      state.usage = u;
      clearTimeout(timer);
      timer = setTimeout(() => history.replaceState(null, "", address(state.ids, state.usage)), 300);
    });
    $(id).addEventListener("change", () => { if (usage()) showUsage(); });
  }
  // A workload of the index's (per request) fills the fields for the requests entered.
  $("c-mix").addEventListener("change", () => {
    const option = $("c-mix").selectedOptions[0];
    const req = count($("c-req").value) || 1n;
    if (!option.dataset.mix) return;
    const [input, output, cached] = option.dataset.mix.split(",").map(BigInt);
    [["c-in", input], ["c-out", output], ["c-cached", cached], ["c-req", null]].forEach(([id, n]) => {
      $(id).value = grouped(n === null ? req : n * req);
    });
    $("c-in").dispatchEvent(new Event("input"));
  });
  $("only-diff").addEventListener("change", onlyDiff);
  $("add-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("add-input");
    const text = input.value.trim();
    if (!text) return;
    const lower = text.toLowerCase();
    let found = byId.get(text) || data.models.find((m) => m.name.toLowerCase() === lower);
    if (!found) {
      const hits = data.models.filter((m) => m.id.toLowerCase().includes(lower) || m.name.toLowerCase().includes(lower));
      if (hits.length === 1) [found] = hits;
      else {
        $("add-message").textContent = hits.length
          ? `${hits.length} models match “${text}”: pick one from the suggestions.`
          : `No model matches “${text}”.`;
        return;
      }
    }
    $("add-message").textContent = state.ids.includes(found.id) ? `${found.name} is already in the comparison.` : `Added ${found.name}.`;
    input.value = "";
    if (!state.ids.includes(found.id)) go([...state.ids, found.id]);
  });
  addEventListener("popstate", () => {
    state = readState();
    showUsage();
    render();
  });

  // Each step in a task of its own, so none blocks the page for long: read the data, then
  // lay out the comparison. The "Add a model" suggestions list every model once needed.
  const later = (value) => new Promise((resolve) => setTimeout(() => resolve(value)));
  const suggest = () => data && !$("model-list").firstChild &&
    $("model-list").append(...data.models.map((m) => el("option", { value: m.id }, m.name)));
  $("add-input").addEventListener("focus", suggest);
  showUsage();
  fetch(app.dataset.src)
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then(later)
    .then((json) => {
      data = json;
      byId = new Map(data.models.map((m) => [m.id, m]));
      render();
      if (document.activeElement === $("add-input")) suggest();
    })
    .catch((error) => {
      const warn = $("unknown");
      if (!data) table.parentElement.hidden = true;
      warn.hidden = false;
      warn.textContent = `The model data could not be loaded (${error.message}). Reload the page to try again.`;
    });
})();
