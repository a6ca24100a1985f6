// Instant search on the shop page: filters the cards already on the page as you type.
// The form still submits to the server (?q=) for a full search and without JavaScript.
(function () {
  "use strict";
  const input = document.querySelector("[data-instant-search]");
  if (!input) return;
  const noMatch = document.querySelector("[data-no-match]");
  const normalize = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

  // A big catalog's later parts are loaded before the first search (shop-sections.js),
  // and the search runs again as each one arrives.
  let everything = false;
  input.addEventListener("input", () => {
    if (!everything) {
      everything = true;
      document.dispatchEvent(new CustomEvent("vitrina:load-all"));
    }
    filter();
  });
  document.addEventListener("vitrina:cards", () => {
    if (input.value.trim()) filter();
  });

  function filter() {
    const words = normalize(input.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    document.querySelectorAll("[data-section]").forEach((section) => {
      let inSection = 0;
      section.querySelectorAll(".card").forEach((card) => {
        if (card.dataset.search === undefined) {
          const name = card.querySelector(".card-name").textContent;
          card.dataset.search = normalize(name + " " + (card.dataset.code || ""));
        }
        const text = card.dataset.search;
        const match = words.every((word) => text.includes(word));
        card.hidden = !match;
        if (match) inSection += 1;
      });
      section.hidden = inSection === 0;
      shown += inSection;
    });
    if (noMatch) noMatch.hidden = shown > 0;
  }
})();
