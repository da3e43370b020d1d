// Marks the page as scripted before it is drawn, so what the scripts show takes its place at
// once instead of pushing the page down when they run: the finder's controls on the index;
// on the compare page the comparison, or the suggestions when the address names no model.
document.documentElement.classList.add("js");
if (!/[?&]models=[^&]/.test(location.search)) document.documentElement.classList.add("no-picks");
