// Marks the page as scripted before it is drawn, so what the scripts show takes its place at
// once instead of pushing the page down when they run: the finder's controls on the index;
// on the compare page the comparison, or the suggestions when the address names no model.
document.documentElement.classList.add("js");
if (!/[?&]models=[^&]/.test(location.search)) document.documentElement.classList.add("no-picks");
// An address with a view of the index: the finder waits for the view instead of showing the
// served rows and then rearranging them (index.js shows it; at the latest in 3 s).
if (location.search.length > 1) {
  document.documentElement.classList.add("view");
  setTimeout(() => document.documentElement.classList.remove("view"), 3000);
}
