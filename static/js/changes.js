// The Changes pages' filters: by kind and by author, kept in the address
// (?kind=repriced&author=openai) so a link shows the same view; the links to the other months
// carry them along. The page is complete without this script, which only hides what does not
// match.
"use strict";
(() => {
  const form = document.getElementById("change-filters");
  if (!form) return;
  const FIELDS = ["kind", "author"];
  const items = [...document.querySelectorAll("li[data-kind]")];
  const shown = document.getElementById("change-shown");
  const none = document.getElementById("change-none");

  // The address's filters; an author this month lacks is kept (another month may have it).
  const asked = new URLSearchParams(location.search);
  for (const name of FIELDS) {
    const select = form.elements[name];
    const value = asked.get(name) || "";
    if (value && ![...select.options].some((o) => o.value === value)) {
      if (name === "kind") continue;
      select.add(new Option(`${value} (none this month)`, value));
    }
    select.value = value;
  }

  function apply() {
    const kind = form.elements.kind.value;
    const author = form.elements.author.value;
    let count = 0;
    for (const li of items) {
      li.hidden = (kind && li.dataset.kind !== kind) || (author && li.dataset.author !== author);
      if (!li.hidden) count += 1;
    }
    const visible = (part) => !!part.querySelector("li[data-kind]:not([hidden])");
    for (const part of document.querySelectorAll(".change-group, details.more")) part.hidden = !visible(part);
    for (const day of document.querySelectorAll("section.day[data-day]")) {
      day.hidden = !visible(day);
      const jump = document.querySelector(`.day-list li[data-day="${day.dataset.day}"]`);
      if (jump) jump.hidden = day.hidden;
    }
    const filtered = Boolean(kind || author);
    // What matches is all shown: the folded rest of each long group opens while filtering.
    for (const more of document.querySelectorAll("details.more")) more.open = filtered;
    document.body.classList.toggle("filtered", filtered);
    shown.textContent = filtered ? `Showing ${count} of the ${items.length} changes of this month.` : "";
    none.hidden = !filtered || count > 0;
    const query = new URLSearchParams();
    if (kind) query.set("kind", kind);
    if (author) query.set("author", author);
    const search = query.size ? `?${query}` : "";
    for (const link of document.querySelectorAll("a[data-month]")) link.search = search;
    return search;
  }

  form.hidden = false;
  apply();
  form.addEventListener("change", () => {
    history.replaceState(null, "", location.pathname + apply() + location.hash);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
})();
