// The index's finder: search, filters, sorting, the cost of a workload and picking models
// to compare. The page is complete without this script: it only picks and orders rows, and
// keeps the whole view in the address (?q=…&cap=tools&mix=rag&sort=cost) so a link
// reproduces it. It loads every row from finder.json (data-src on the table), on our own
// site, and works over all of them; costs are worked out by cost.js.
// Start-up changes nothing the page has drawn: the pick boxes, the "no match" note and the
// "more" button are served (hidden until scripts run), and the catalog loads at once only
// when the address asks for a view; otherwise on first use, or as the table's end comes near.
"use strict";
(() => {
  const table = document.getElementById("models");
  const form = document.getElementById("filters");
  if (!table || !form) return;
  const tbody = table.tBodies[0];
  const heads = [...table.tHead.rows[0].cells];
  const shown = document.getElementById("shown");
  const col = Object.fromEntries(heads.map((th, i) => [th.dataset.sort, i]));
  const LISTS = ["in", "out", "cap", "noq", "cols"];
  const FIELDS = ["q", "in", "out", "cap", "param", "maxin", "maxoutprice", "ctx", "minout", "author", "tok", "after",
    "free", "paid", "novar", "norouter", "multi", "upt", "noq", "mix", "sort", "cols"];
  const FILTERS = FIELDS.filter((f) => !["q", "mix", "sort", "cols"].includes(f)); // counted in "Filters (N)"
  const DEFAULT_SORT = "-added";
  const SCORES = ["intelligence", "coding", "agentic"];
  // Sorted highest first unless reversed: the scores, and "value" (intelligence per dollar).
  const HIGH_FIRST = new Set(["value", ...heads.filter((th) => "highFirst" in th.dataset).map((th) => th.dataset.sort)]);
  // The mixes of tokens a request's cost is given for (sitegen/workload.py): the workload
  // select's options, each with its INPUT,OUTPUT,CACHED tokens; the first is the default.
  const mixSelect = form.elements.mix;
  const mixes = Object.fromEntries([...mixSelect.options].filter((o) => o.dataset.mix).map((o) => [o.value, o.dataset.mix]));
  const defaultMix = mixSelect.options[0].value;

  const num = (v) => (v === undefined || v === null || v === "" ? null : Number(v));
  const split = (text) => text.trim().split(/\s+/).filter(Boolean);

  // A row's record from its facts; `tr` is made when the row is first shown.
  function record(order, f, tr) {
    const input = num(f.input);
    const output = num(f.output);
    const name = f.name.toLowerCase();
    return {
      tr, order, id: f.id, name: f.name, href: f.href, author: f.author, facts: f, rates: f.cost || null,
      search: {
        whole: [f.id.toLowerCase(), name, name.replace(/^[^:]*:\s*/, "")].map(squash),
        slug: squash(f.id.split("/").pop()),
        title: squash(name) + " " + squash(f.id),
        author: squash(f.author + " " + (f.author_name || "")),
        all: squash(`${f.name} ${f.id} ${f.author} ${f.author_name || ""} ${f.words}`),
      },
      reads: new Set(split(f.reads)),
      writes: new Set(split(f.writes)),
      caps: new Set(split(f.caps)),
      context: num(f.context),
      maxout: num(f.maxout),
      input,
      output,
      free: input === 0 && output === 0,
      router: f.input_text === "varies" || f.output_text === "varies", // a price set per request
      params: f.params ? new Set(f.params) : null, // unknown until the catalog loads
      tokenizer: f.tokenizer,
      created: num(f.added),
      variant: /:[^/]*$/.test(f.id),
      providers: num(f.providers),
      quants: split(f.quants),
      uptime: num(f.uptime),
      exact: { context: f.context, maxout: f.maxout, input: f.input, output: f.output, cache: f.cache, cheapest: f.cheapest,
        added: f.added },
      key: {
        name: f.name.toLowerCase(),
        author: (f.author_name || f.author).toLowerCase(),
        context: num(f.context),
        maxout: num(f.maxout),
        input,
        output,
        cache: num(f.cache),
        providers: num(f.providers),
        cheapest: num(f.cheapest),
        reads: f.reads,
        writes: f.writes,
        caps: split(f.caps).length,
        added: num(f.added),
        cutoff: f.cutoff || null,
        tokenizer: f.tokenizer ? f.tokenizer.toLowerCase() : null,
        ...Object.fromEntries(SCORES.map((k) => [k, num(f[k])])),
        cost: null, // of the mix shown: set by costs()
        value: null,
      },
    };
  }

  // Facts read back from a served row.
  function fromRow(tr) {
    const c = tr.cells;
    const text = (key) => (c[col[key]].textContent === "—" ? "" : c[col[key]].textContent);
    const link = c[col.name].querySelector("a");
    return {
      id: c[col.name].querySelector("code").textContent,
      name: link.textContent,
      href: link.getAttribute("href"),
      author: c[col.author].textContent.trim(),
      author_name: c[col.author].textContent.trim(),
      words: tr.dataset.k || "",
      context: c[col.context].dataset.v,
      maxout: c[col.maxout].dataset.v,
      input: c[col.input].dataset.v,
      input_text: c[col.input].textContent,
      output: c[col.output].dataset.v,
      output_text: c[col.output].textContent,
      cache: c[col.cache].dataset.v,
      cutoff: text("cutoff"),
      tokenizer: text("tokenizer"),
      providers: c[col.providers].dataset.v,
      quants: c[col.providers].dataset.q || "",
      uptime: c[col.providers].dataset.u,
      cheapest: c[col.cheapest].dataset.v,
      reads: c[col.reads].textContent,
      writes: c[col.writes].textContent,
      caps: c[col.caps].dataset.v || "",
      added: c[col.added].dataset.v,
      ...Object.fromEntries(SCORES.map((k) => [k, c[col[k]].dataset.v])),
    };
  }

  // Every row of the catalog from finder.json (sitegen/listings.py: finder_data): rows of
  // values in the order of its "fields", for the columns it lists (sitegen/columns.py).
  let columns = [];
  let capLabels = {};
  async function load(src) {
    const response = await fetch(src);
    if (!response.ok) throw new Error(`${src}: HTTP ${response.status}`);
    const data = await response.json();
    const base = src.slice(0, src.lastIndexOf("/") + 1);
    columns = data.columns;
    capLabels = data.caps;
    return data.rows.map((row, n) => {
      const f = Object.fromEntries(data.fields.map((name, i) => [name, row[i]]));
      f.params = data.model_params[n].map((i) => data.params[i]);
      for (const c of columns) {
        if (["number", "score", "providers"].includes(c.kind)) f[c.key] = f[c.key] === "" ? "" : String(f[c.key]);
      }
      f.uptime = f.uptime === "" ? "" : String(f.uptime);
      return { ...f, href: base + f.path, added: String(f.added), authorHref: base + data.authors[f.author],
        author_name: data.author_names[f.author] };
    });
  }

  function cell(tag, text, className, value) {
    const el = document.createElement(tag);
    if (text !== null) el.textContent = text;
    if (className) el.className = className;
    if (value !== undefined) el.dataset.v = value;
    return el;
  }
  // A cell of each kind of column, as the served rows have them.
  const KINDS = {
    name(f) {
      const head = cell("th", null);
      head.scope = "row";
      const link = cell("a", f.name);
      link.href = f.href;
      head.append(link, cell("code", f.id));
      return head;
    },
    author(f) {
      const author = cell("td", null);
      const link = cell("a", f.author_name || f.author);
      link.href = f.authorHref;
      author.append(link);
      return author;
    },
    number: (f, key) => cell("td", f[key + "_text"], "num", f[key]),
    score: (f, key) => cell("td", f[key + "_text"], "num", f[key]),
    price: (f, key) => {
      const text = f[key + "_text"];
      return cell("td", text, "num" + (text === "free" ? " free" : text === "varies" ? " varies" : ""), f[key]);
    },
    cost: () => cell("td", null, "num cost"), // filled by showCost
    words: (f, key) => cell("td", f[key], "mods"),
    text: (f, key) => cell("td", f[key] || "—"),
    providers(f, key) {
      const count = cell("td", f[key] === "" ? "—" : f[key], "num", f[key]);
      if (f.quants) count.dataset.q = f.quants;
      if (f.uptime) count.dataset.u = f.uptime;
      return count;
    },
    caps(f, key) {
      const caps = cell("td", null, "", f[key]);
      split(f[key]).forEach((name, i) => {
        if (i) caps.append(" ");
        caps.append(cell("span", capLabels[name], "cap"));
      });
      return caps;
    },
    date: (f, key) => cell("td", Number(f[key]) ? new Date(Number(f[key]) * 1000).toISOString().slice(0, 10) : "—",
      "date", f[key]),
  };
  // A row like the served ones, for a model the page did not serve.
  function makeRow(f) {
    const tr = document.createElement("tr");
    tr.dataset.k = f.words;
    const pick = cell("td", null, "pick");
    const box = cell("input", null);
    box.type = "checkbox";
    box.value = f.id;
    box.setAttribute("aria-label", "Compare " + f.name);
    pick.append(box);
    tr.append(pick, ...columns.map((c) => KINDS[c.kind](f, c.key)));
    return tr;
  }

  const served = [...tbody.rows];
  let rows = served.map((tr, order) => record(order, fromRow(tr), tr));
  const CHUNK = Math.max(served.length, 100);
  let partial = false;
  // Every row of the catalog, once: until then the finder works over the served rows.
  let loading = null;
  function loadAll() {
    if (!loading) {
      loading = !table.dataset.src ? Promise.resolve() : load(table.dataset.src).then((list) => {
        const byId = new Map(rows.map((r) => [r.id, r.tr]));
        rows = list.map((f, order) => record(order, f, byId.get(f.id)));
        partial = true;
        if (picks.length) {
          picks = picks.filter((id) => rows.some((r) => r.id === id));
          showPicks();
        }
      }, (error) => console.warn("The finder works over the served rows only:", error));
    }
    return loading;
  }

  // State <-> address. A value no control offers (a modality or capability that is gone) is
  // dropped, so a stale link never filters by what the page cannot show.
  const offered = (name) => new Set([...form.querySelectorAll(`input[name="${name}"]`)].map((el) => el.value));
  const OFFERED = Object.fromEntries(LISTS.map((f) => [f, offered(f)]));
  function parse(search) {
    const params = new URLSearchParams(search);
    const state = {};
    for (const f of FIELDS) {
      state[f] = LISTS.includes(f)
        ? params.getAll(f).flatMap((v) => v.split(",")).filter((v) => OFFERED[f].has(v))
        : (params.get(f) || "").trim();
    }
    if (!state.sort) state.sort = DEFAULT_SORT;
    if (!mixOf(state.mix)) state.mix = defaultMix;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(state.after)) state.after = ""; // a date input shows nothing else
    state.cols = params.has("cols") ? COLS.filter((k) => state.cols.includes(k)) : DEFAULT_COLS;
    return state;
  }
  function serialize(state) {
    const params = new URLSearchParams();
    for (const f of FIELDS) {
      const value = state[f];
      if (f === "cols") continue; // last, its keys joined by commas
      if (Array.isArray(value)) value.forEach((v) => params.append(f, v));
      else if (value && !(f === "sort" && value === DEFAULT_SORT) && !(f === "mix" && value === defaultMix)) {
        params.set(f, value);
      }
    }
    let text = params.toString();
    if (state.cols.join() !== DEFAULT_COLS.join()) text += (text ? "&" : "") + "cols=" + state.cols.join(",");
    return text ? "?" + text : "";
  }

  // The columns shown: the name always, and those the reader chose (cols=, in the order of
  // the table), served as the default ones. The others' cells stay in every row, undrawn: a
  // constructed stylesheet (which the site's CSP allows, unlike style attributes) draws or
  // hides a column where the choice differs from the default.
  const COLS = [...form.querySelectorAll('input[name="cols"]')].map((el) => el.value);
  const DEFAULT_COLS = COLS.filter((key) => !heads[col[key]].classList.contains("off"));
  const columnSheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, columnSheet];
  let columnsShown = DEFAULT_COLS.join();
  function showColumns(keys) {
    if (keys.join() === columnsShown) return;
    columnsShown = keys.join();
    columnSheet.replaceSync(COLS.filter((key) => keys.includes(key) !== DEFAULT_COLS.includes(key))
      .map((key) => `#models tr > :nth-child(${col[key] + 1}) { display: ${keys.includes(key) ? "table-cell" : "none"}; }`)
      .join("\n"));
  }

  // The mix of a request: a preset's name or INPUT,OUTPUT[,CACHED] tokens; null if neither.
  function mixOf(text) {
    const m = /^(\d{1,9}),(\d{1,9})(?:,(\d{1,9}))?$/.exec(mixes[text] || text || "");
    if (!m) return null;
    const [input, output, cached] = [m[1], m[2], m[3] || "0"].map(BigInt);
    return cached <= input ? { in: input, out: output, cached, req: 1n } : null;
  }

  // State <-> form. The mix is a preset's name in the select, or "custom" and three numbers.
  const custom = document.getElementById("custom-mix");
  const mixFields = ["mix_in", "mix_out", "mix_cached"].map((name) => form.elements[name]);
  function readForm(sort) {
    const data = new FormData(form);
    const state = { sort };
    for (const f of FIELDS) {
      if (f === "sort") continue;
      state[f] = LISTS.includes(f) ? data.getAll(f) : String(data.get(f) || "").trim();
    }
    if (state.mix === "custom") state.mix = mixFields.map((el) => el.value.trim() || "0").join(",");
    return state;
  }
  function writeForm(state) {
    for (const el of form.elements) {
      if (!el.name || el.name.startsWith("mix")) continue;
      const value = state[el.name];
      if (el.type === "checkbox") el.checked = Array.isArray(value) ? value.includes(el.value) : value === el.value;
      else if (el.tagName === "SELECT") {
        if (value && ![...el.options].some((o) => o.value === value)) el.add(new Option(value, value));
        el.value = value || "";
      } else if (el.name in state) el.value = value || "";
    }
    const preset = state.mix in mixes;
    mixSelect.value = preset ? state.mix : "custom";
    if (!preset) fillMix(mixOf(state.mix));
    custom.hidden = preset;
  }
  function fillMix(mix) {
    [mix.in, mix.out, mix.cached].forEach((n, i) => { mixFields[i].value = String(n); });
  }
  mixSelect.addEventListener("input", () => { // before the form hears it
    custom.hidden = mixSelect.value !== "custom";
    if (!custom.hidden) fillMix(mixOf(current.mix) || mixOf(defaultMix));
  });

  // Search: every term must be found, and where it is found ranks the row: the whole id or
  // name first, then the terms in a row in the name or id, then all of them there in any
  // order, then with the author, then anywhere (the description's words too). Terms are matched without punctuation or spaces, so "gpt-4o
  // mini" finds gpt-4o-mini and "sonnet 4.5" claude-sonnet-4.5.
  function squash(text) {
    return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }
  function relevance(row, whole, terms) {
    const s = row.search;
    if (!terms.length || s.whole.includes(whole) || s.slug === whole) return 0;
    if (s.title.includes(whole)) return 1;
    if (terms.every((t) => s.title.includes(t))) return 2;
    if (terms.every((t) => s.title.includes(t) || s.author.includes(t))) return 3;
    return terms.every((t) => s.all.includes(t)) ? 4 : -1;
  }

  function matches(row, s) {
    if (!s.in.every((m) => row.reads.has(m))) return false;
    if (!s.out.every((m) => row.writes.has(m))) return false;
    if (!s.cap.every((k) => row.caps.has(k))) return false;
    if (s.free && !row.free) return false;
    if (s.paid && row.free) return false;
    if (s.norouter && row.router) return false;
    if (s.param && !(row.params && row.params.has(s.param))) return false;
    if (s.tok && row.tokenizer !== s.tok) return false;
    const after = Date.parse(s.after) / 1000; // the day's start, UTC
    if (!Number.isNaN(after) && (row.created === null || row.created < after)) return false;
    const minout = parseFloat(s.minout);
    if (!Number.isNaN(minout) && (row.maxout === null || row.maxout < minout)) return false;
    if (s.novar && row.variant) return false;
    if (s.multi && !(row.providers > 1)) return false;
    if (s.noq.length && !row.quants.some((q) => !s.noq.includes(q))) return false;
    const upt = parseFloat(s.upt);
    if (!Number.isNaN(upt) && (row.uptime === null || row.uptime < upt)) return false;
    if (s.author && row.author !== s.author) return false;
    if (!atMost(row.input, row.exact.input, s.maxin) || !atMost(row.output, row.exact.output, s.maxoutprice)) return false;
    const ctx = parseFloat(s.ctx);
    if (!Number.isNaN(ctx) && (row.context === null || row.context < ctx)) return false;
    return true;
  }

  // Whether a price (its number and exact decimal string) is at most a limit typed as text;
  // with no limit, any price is.
  function atMost(price, exact, limit) {
    const most = parseFloat(limit);
    if (Number.isNaN(most)) return true;
    if (price === null || price > most) return false;
    return !(price === most && /^\d+(\.\d+)?$/.test(limit) && exactCmp(exact, limit) > 0);
  }

  // Exact order of two non-negative decimal strings, for values a float cannot tell apart.
  function exactCmp(a, b) {
    const [ai, af = ""] = a.split(".");
    const [bi, bf = ""] = b.split(".");
    const width = Math.max(af.length, bf.length);
    const x = BigInt(ai + af.padEnd(width, "0"));
    const y = BigInt(bi + bf.padEnd(width, "0"));
    return x < y ? -1 : x > y ? 1 : 0;
  }

  function compare(key, dir) {
    return (a, b) => {
      const x = a.key[key];
      const y = b.key[key];
      if (x === null || y === null) return x === y ? a.order - b.order : x === null ? 1 : -1; // unknown last
      let c;
      if (Array.isArray(x)) c = Cost.cmp(x, y); // an exact cost
      else if (typeof x === "number") c = x === y ? 0 : x - y || (key in a.exact ? exactCmp(a.exact[key], b.exact[key]) : 0);
      else c = x.localeCompare(y);
      return c === 0 ? a.order - b.order : c * dir;
    };
  }

  // The cost of a request of the mix shown, for every row (cost.js), and the value:
  // intelligence index per dollar of it (a free model's is infinite).
  let costsOf = null;
  function costs(mixKey) {
    if (costsOf && costsOf.mix === mixKey && costsOf.rows === rows) return;
    const mix = mixOf(mixKey);
    for (const row of rows) {
      row.cost = row.rates ? Cost.of(row.rates, mix) : null;
      const total = row.cost && row.cost.total;
      row.key.cost = total || null;
      const score = row.key.intelligence;
      row.key.value = total && score !== null ? (total[0] === 0n ? Infinity : score / Number(Cost.exact(total))) : null;
    }
    costsOf = { mix: mixKey, rows };
  }
  function showCost(row, tr, mixKey) {
    if (!row.cost || tr.dataset.mix === mixKey) return;
    const r = row.cost;
    const td = tr.cells[col.cost];
    const free = r.total && r.total[0] === 0n;
    td.className = "num cost" + (free ? " free" : r.varies ? " varies" : "");
    td.textContent = r.varies ? "varies" : !r.total ? "—" : free ? "free" : Cost.usd(r.total);
    if (r.total && !free) td.append(cell("small", `${Cost.usd([r.total[0] * 1000n, r.total[1]])} per 1K`));
    tr.dataset.mix = mixKey;
  }

  // The chart's points, to dim the ones filtered out.
  const points = new Map();
  for (const a of document.querySelectorAll(".chart-svg .points a")) points.set(a.getAttribute("href"), a);

  const none = document.getElementById("none");

  // The column chooser closes with Escape, as a menu does.
  const chooser = form.querySelector("details.columns");
  chooser.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !chooser.open) return;
    chooser.open = false;
    chooser.querySelector("summary").focus();
  });

  // On a phone the filters fold away behind a button.
  const toggle = document.getElementById("filters-toggle");
  toggle.addEventListener("click", () => {
    const open = form.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });

  // With every row loaded, a long result is shown a chunk at a time.
  const more = document.getElementById("more");
  let limit = Infinity;
  more.addEventListener("click", () => {
    limit += CHUNK;
    apply(current);
  });

  const rowOf = (r) => r.tr || (r.tr = decorate(r, makeRow(r.facts)));
  let current = null;
  function apply(state) {
    current = state;
    showColumns(state.cols);
    if (partial && limit === Infinity) limit = CHUNK;
    const terms = state.q.split(/\s+/).map(squash).filter(Boolean);
    const whole = squash(state.q);
    const found = [];
    for (const row of rows) {
      row.rank = relevance(row, whole, terms);
      const ok = row.rank >= 0 && matches(row, state);
      points.get(row.href)?.classList.toggle("off", !ok);
      if (ok) found.push(row);
    }
    costs(state.mix);
    let key = state.sort.replace(/^-/, "");
    let reversed = state.sort.startsWith("-");
    if (col[key] === undefined && key !== "value") [key, reversed] = [DEFAULT_SORT.slice(1), true];
    const desc = HIGH_FIRST.has(key) !== reversed;
    const byKey = compare(key, desc ? -1 : 1);
    found.sort((a, b) => a.rank - b.rank || byKey(a, b)); // searching, the best matches first
    const visible = found.slice(0, limit);
    if (visible.length !== tbody.rows.length || visible.some((r, i) => r.tr !== tbody.rows[i])) {
      tbody.replaceChildren(...visible.map(rowOf));
    }
    for (const row of visible) showCost(row, row.tr, state.mix);
    for (const th of heads) {
      const order = th.dataset.sort === key ? (desc ? "descending" : "ascending") : null;
      if (th.getAttribute("aria-sort") === order) continue;
      if (order) th.setAttribute("aria-sort", order);
      else th.removeAttribute("aria-sort");
    }
    const active = FILTERS.reduce((n, f) => n + (Array.isArray(state[f]) ? state[f].length : state[f] ? 1 : 0), 0);
    const label = active ? `Filters (${active})` : "Filters";
    if (toggle.textContent !== label) toggle.textContent = label;
    const count = found.length;
    const text = (count === rows.length ? `All ${count} models` : `Showing ${count} of ${rows.length} models`) +
      (visible.length < count ? ` (the first ${visible.length} listed)` : "");
    if (shown.textContent !== text) shown.textContent = text;
    more.hidden = visible.length >= count;
    if (!more.hidden) more.textContent = `Show ${Math.min(CHUNK, count - visible.length)} more`;
    none.hidden = count > 0;
    document.documentElement.classList.remove("view"); // has-js.js: the table shows from now
  }
  // Views wait for the whole catalog (at once when it is loaded already).
  const show = (state) => loadAll().then(() => apply(state));

  let lastKind = null;
  function commit(kind, state) {
    const next = state || readForm(current.sort);
    const search = serialize(next);
    if (search !== location.search) {
      const url = location.pathname + search + location.hash;
      if (kind === "type" && lastKind === "type") history.replaceState(null, "", url);
      else history.pushState(null, "", url);
    }
    lastKind = kind;
    if (partial) limit = CHUNK;
    show(parse(search));
  }

  // Sort buttons in the column headers, served disabled.
  for (const th of heads) {
    const key = th.dataset.sort;
    const button = th.querySelector("button.sort");
    if (!key || !button) continue;
    button.disabled = false;
    button.addEventListener("click", () => {
      commit("sort", { ...readForm(), sort: current && current.sort === key ? "-" + key : key });
    });
  }

  let timer = 0;
  form.addEventListener("input", (event) => {
    clearTimeout(timer);
    const typing = event.target.type === "search" || event.target.type === "number";
    if (typing) timer = setTimeout(() => commit("type"), 250);
    else commit("change");
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    commit("change");
  });
  form.addEventListener("reset", () => setTimeout(() => {
    const state = parse("");
    writeForm(state);
    commit("change", state);
  }));
  for (const link of document.querySelectorAll("#quick a")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const state = parse(new URL(link.href).search);
      writeForm(state);
      commit("change", state);
      table.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  }
  addEventListener("popstate", () => {
    const state = parse(location.search);
    writeForm(state);
    lastKind = null;
    show(state);
  });
  addEventListener("keydown", (event) => {
    const t = event.target;
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) return;
    event.preventDefault();
    form.elements.q.focus();
  });

  // Picking models to compare.
  const bar = document.getElementById("compare-bar");
  const go = document.getElementById("compare-go");
  const picked = document.getElementById("picked");
  const compareBase = go.getAttribute("href");
  let picks = [];
  try {
    picks = (sessionStorage.getItem("picks") || "").split("\n").filter(Boolean);
  } catch { /* storage may be off */ }
  const encodeId = (id) => encodeURIComponent(id).replace(/%2F/g, "/").replace(/%3A/g, ":");
  function showPicks() {
    const names = picks.map((id) => rows.find((r) => r.id === id)?.name || id);
    bar.hidden = picks.length === 0;
    picked.textContent = picks.length ? `Picked: ${names.join(", ")}` : "No models picked";
    go.textContent = `Compare (${picks.length})`;
    go.href = compareBase + "?models=" + picks.map(encodeId).join(",");
    try {
      sessionStorage.setItem("picks", picks.join("\n"));
    } catch { /* storage may be off */ }
  }
  // A row's box shows whether it is picked (changed only when it differs, so a served row
  // that is not picked is left as drawn).
  function decorate(row, tr) {
    const box = tr.cells[0].firstChild;
    const on = picks.includes(row.id);
    if (box.checked !== on) box.checked = on;
    if (on) tr.classList.add("picked");
    return tr;
  }
  tbody.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.matches("td.pick input")) return;
    const id = box.value;
    picks = box.checked ? [...picks.filter((p) => p !== id), id] : picks.filter((p) => p !== id);
    box.closest("tr").classList.toggle("picked", box.checked);
    showPicks();
  });
  for (const row of rows) if (row.tr) decorate(row, row.tr);
  document.getElementById("clear-picks").addEventListener("click", () => {
    picks = [];
    for (const row of rows) {
      if (!row.tr) continue;
      row.tr.querySelector("td.pick input").checked = false;
      row.tr.classList.remove("picked");
    }
    showPicks();
  });
  if (!table.dataset.src) picks = picks.filter((id) => rows.some((r) => r.id === id));
  if (picks.length) showPicks();

  form.hidden = false;
  document.getElementById("quick")?.removeAttribute("hidden");
  const initial = parse(location.search);
  writeForm(initial);
  showColumns(initial.cols);
  // The served rows are the default view: the catalog waits for the reader to use the page
  // or to near the table's end (where "Show more" is then offered); a view in the address
  // needs it now. Loading it while the page is read costs a phone a noticeable pause.
  if (serialize(initial)) show(initial);
  else {
    current = initial;
    document.documentElement.classList.remove("view");
    const WAKE = ["keydown", "pointerdown", "focusin"];
    const near = window.IntersectionObserver &&
      new IntersectionObserver((seen) => seen.some((e) => e.isIntersecting) && wake(), { rootMargin: "400px" });
    const wake = () => {
      near?.disconnect();
      WAKE.forEach((type) => removeEventListener(type, wake, true));
      if (!partial) show(current);
    };
    WAKE.forEach((type) => addEventListener(type, wake, { capture: true, passive: true }));
    if (near && served.length) near.observe(served[served.length - 1]);
  }
})();
