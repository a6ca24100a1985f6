// Order slips: the Print button opens the browser's print dialog (the page's print CSS
// sets the paper). Nothing else: the slips are plain HTML.
(() => {
  const button = document.querySelector("[data-print]");
  if (button) button.addEventListener("click", () => window.print());
})();
