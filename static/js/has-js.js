// Marks the page as scripted before it is drawn, so the finder's controls take their place
// at once instead of pushing the page down when index.js shows them.
document.documentElement.classList.add("js");
