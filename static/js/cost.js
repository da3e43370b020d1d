// What tokens cost, exactly, for the index and the compare page: prices are decimal strings,
// tokens whole numbers (BigInt), and every sum is a BigInt scaled by a power of ten, never a
// float. The served table's default column is worked out the same way (sitegen/workload.py).
"use strict";
const Cost = (() => {
  // [digits, scale] means digits / 10^scale
  const dec = (text) => {
    const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
    return m ? [BigInt(m[1] + (m[2] || "")), (m[2] || "").length] : null;
  };
  const up = (a, s) => a[0] * 10n ** BigInt(s - a[1]);
  const add = (a, b) => {
    const s = Math.max(a[1], b[1]);
    return [up(a, s) + up(b, s), s];
  };
  const cmp = (a, b) => {
    const s = Math.max(a[1], b[1]);
    const [x, y] = [up(a, s), up(b, s)];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const times = (price, count, perMillion) => [dec(price)[0] * count, dec(price)[1] + (perMillion ? 6 : 0)];
  function round(a, places) { // half up, like Decimal's ROUND_HALF_UP
    if (a[1] <= places) return [up(a, places), places];
    const d = 10n ** BigInt(a[1] - places);
    return [a[0] / d + (2n * (a[0] % d) >= d ? 1n : 0n), places];
  }
  function plain(a) {
    const text = a[0].toString().padStart(a[1] + 1, "0");
    if (!a[1]) return text;
    return text.slice(0, -a[1]) + "." + text.slice(-a[1]);
  }
  const exact = (a) => (a[1] ? plain(a).replace(/\.?0+$/, "") : plain(a));
  function usd(a) { // the same rules as formats.usd
    if (a[0] === 0n) return "$0";
    if (cmp(a, [1n, 0]) >= 0) {
      const [whole, frac] = plain(round(a, 2)).split(".");
      return "$" + whole.replace(/\B(?=(\d{3})+$)/g, ",") + "." + frac;
    }
    const exponent = a[0].toString().length - 1 - a[1];
    let text = plain(round(a, 3 - exponent)).replace(/0+$/, "");
    const frac = text.split(".")[1] || "";
    if (frac.length < 2) text = text.split(".")[0] + "." + frac.padEnd(2, "0");
    return "$" + text;
  }

  // The cost of `u` = {in, out, cached, req} (BigInt counts; `cached` is part of `in`) on a
  // model's {prices, tiers} (per 1M tokens, per request): at the tier the average prompt
  // (in ÷ req) reaches, cache reads at the cached-input price (else the input price), plus
  // the price per request. {varies} for a price that varies, {unknown} without one.
  function of(model, u) {
    let prices = model.prices;
    let tier = null;
    for (const t of model.tiers) {
      if (u.in >= BigInt(t.min) * u.req) [prices, tier] = [{ ...model.prices, ...t.prices }, t];
    }
    const p = prices.prompt;
    const c = prices.completion;
    if (p === undefined || c === undefined) return { unknown: true };
    const read = "input_cache_read" in prices ? prices.input_cache_read : p;
    const request = prices.request ?? "0";
    if ([p, c, read, request].includes(null) || prices.request === null) return { varies: true };
    const parts = [
      ["input", times(p, u.in - u.cached, true)],
      ["cached input", times(read, u.cached, true)],
      ["output", times(c, u.out, true)],
    ];
    if (dec(request)[0]) parts.push(["requests", times(request, u.req, false)]);
    const total = parts.reduce((sum, [, v]) => add(sum, v), [0n, 0]);
    return { total, parts, tier };
  }
  return { dec, add, cmp, exact, usd, of };
})();
