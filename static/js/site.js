// Progressive enhancement for every page: copy buttons. The page is complete without it.
"use strict";
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
