// Progressive enhancement for every page: copy buttons, drawing long parts below the fold
// only when needed, and laying out raw JSON. The page is complete without it.
"use strict";

// Parts marked data-draw="near" are left undrawn while the page loads (site.css, on pages
// that mark themselves scripted with has-js.js) and drawn once they come near the screen or
// the visitor first scrolls, types or points: loading lays out nothing no one sees yet.
{
  const parts = document.querySelectorAll('[data-draw="near"]');
  const WAKE = ["scroll", "keydown", "pointerdown", "focusin"];
  let near = null;
  const draw = () => {
    for (const part of parts) part.classList.add("drawn");
    near?.disconnect();
    for (const type of WAKE) removeEventListener(type, draw, true);
  };
  if (parts.length && window.IntersectionObserver) {
    for (const type of WAKE) addEventListener(type, draw, { capture: true, passive: true });
    near = new IntersectionObserver((seen) => seen.some((e) => e.isIntersecting) && draw(), { rootMargin: "0px" });
    for (const part of parts) near.observe(part);
  } else draw();
}

for (const button of document.querySelectorAll("button[data-copy]")) {
  // data-copy="url" copies the page's own address: the current view of the index or compare page.
  const url = button.dataset.copy === "url";
  const source = url ? null : document.getElementById(button.dataset.copy);
  if ((!source && !url) || !navigator.clipboard) continue;
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url ? location.href : source.textContent);
      button.textContent = "Copied";
    } catch {
      button.textContent = url ? "Copy the address bar" : "Press Ctrl+C";
      if (source) getSelection().selectAllChildren(source);
    }
    setTimeout(() => { button.textContent = label; }, 1500);
  });
}

// A model's raw JSON comes on one line, as the API sent it (it wraps without this script);
// opened, it is laid out with indentation, unless that would change a character of it (a
// number JavaScript cannot hold exactly, or a block cut short).
for (const code of document.querySelectorAll("code[data-json]")) {
  const layOut = () => {
    const text = code.textContent;
    try {
      const value = JSON.parse(text);
      if (JSON.stringify(value) === text) code.textContent = JSON.stringify(value, null, 2);
    } catch { /* left as sent */ }
  };
  const details = code.closest("details");
  if (details && !details.open) details.addEventListener("toggle", layOut, { once: true });
  else layOut();
}

// A table.sortable sorts by a column when its head is pressed: by each cell's data-v, else its
// text (as numbers under a head with data-num); empty cells last, ties in served order.
for (const table of document.querySelectorAll("table.sortable")) {
  const heads = [...table.tHead.rows[0].cells];
  const order = new Map([...table.tBodies[0].rows].map((tr, i) => [tr, i]));
  heads.forEach((th, column) => {
    let button = th.querySelector("button.sort"); // served disabled where the page is drawn scripted
    if (!button) {
      button = document.createElement("button");
      button.className = "sort";
      button.innerHTML = '<span class="sort-mark" aria-hidden="true"></span>';
      button.prepend(...th.childNodes);
      th.append(button);
    }
    button.disabled = false;
    const number = th.hasAttribute("data-num");
    const value = (tr) => {
      const text = (tr.cells[column].dataset.v ?? tr.cells[column].textContent).trim();
      return text === "" ? null : number ? Number(text) : text.toLowerCase();
    };
    button.addEventListener("click", () => {
      const dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      const rows = [...order.keys()].map((tr) => [value(tr), tr]).sort(([x, a], [y, b]) =>
        (x === null || y === null ? (x === null) - (y === null) : (number ? x - y : x.localeCompare(y)) * dir)
        || order.get(a) - order.get(b));
      table.tBodies[0].append(...rows.map(([, tr]) => tr));
      heads.forEach((head) => head.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
    });
  });
}
