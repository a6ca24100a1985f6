// A big catalog's later parts (storefront/fast/parts.py): each "See the products" link
// is fetched as the shopper nears it (scrolling, or jumping to a category) and replaced
// by the part's cards, and by the link to the next part if there is one. A search loads
// every part first. The parts are the same cacheable pages the links open without
// JavaScript; "vitrina:cards" tells the cart and the search that new cards are here.
(function () {
  "use strict";
  const loading = new Map();
  const observer = new IntersectionObserver((entries) => {
    entries.forEach((entry) => {
      if (entry.isIntersecting) load(entry.target);
    });
  }, { rootMargin: "0px 0px 1200px 0px" }); // ahead, never behind: a jump lands still

  function watch(root) {
    root.querySelectorAll("[data-part]").forEach((link) => observer.observe(link));
  }

  function load(link) {
    if (loading.has(link)) return loading.get(link);
    observer.unobserve(link);
    link.setAttribute("aria-busy", "true");
    const done = fetch(link.dataset.part, { headers: { Accept: "text/html" } })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then((html) => {
        // After a jump, the category jumped to stays where it is while parts above it
        // fill in (the browser's own scroll anchoring may pick one of those instead).
        const top = target ? target.getBoundingClientRect().top : 0;
        const part = new DOMParser().parseFromString(html, "text/html").querySelector("[data-section]");
        const cards = link.closest("[data-section]").querySelector(".cards");
        // A card already here (the catalog changed between two parts) is not shown twice.
        const shown = new Set(Array.from(cards.querySelectorAll(".card-link"), (a) => a.getAttribute("href")));
        part.querySelectorAll(".cards > .card").forEach((card) => {
          if (!shown.has(card.querySelector(".card-link").getAttribute("href"))) cards.append(document.adoptNode(card));
        });
        const next = part.querySelector("[data-part]");
        if (next) {
          const adopted = document.adoptNode(next);
          link.replaceWith(adopted);
          observer.observe(adopted);
        } else {
          link.remove();
        }
        if (target) window.scrollBy({ top: target.getBoundingClientRect().top - top, behavior: "instant" });
        document.dispatchEvent(new CustomEvent("vitrina:cards"));
        return next ? document.querySelector(`[data-part="${CSS.escape(next.dataset.part)}"]`) : null;
      })
      .catch(() => {
        // Offline or a hiccup: the link still works, and is tried again when seen again.
        link.removeAttribute("aria-busy");
        loading.delete(link);
        observer.observe(link);
        return null;
      });
    loading.set(link, done);
    return done;
  }

  // Every part, a few at a time (a search looks at the whole catalog).
  function loadAll() {
    const chain = (link) => (link ? load(link).then(chain) : null);
    return Promise.all(Array.from(document.querySelectorAll("[data-part]"), (link) => chain(link)));
  }

  // A jump to a category not loaded yet goes there at once: scrolling smoothly past
  // the categories between would load each of them and push the target away.
  document.addEventListener("click", (event) => {
    const jump = event.target.closest(".category-nav a[href^='#']");
    const section = jump && document.getElementById(jump.hash.slice(1));
    const link = section && section.querySelector("[data-part]");
    if (!link) return;
    event.preventDefault();
    history.pushState(null, "", jump.hash);
    section.scrollIntoView({ behavior: "instant", block: "start" });
    hold(section);
    load(link);
  });

  // The section jumped to, held in place until the shopper scrolls on their own.
  let target = null;
  function hold(section) {
    target = section;
    document.documentElement.classList.add("holding");
  }
  ["wheel", "touchstart", "keydown"].forEach((name) => {
    window.addEventListener(name, () => {
      target = null;
      document.documentElement.classList.remove("holding");
    }, { passive: true });
  });

  document.addEventListener("vitrina:load-all", () => {
    loadAll();
  });
  watch(document);
})();
