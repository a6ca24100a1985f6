// Ads pixels, only after the shopper agrees (issue 23). Loaded only on the pages of a shop
// that turned on a Meta Pixel or Google Analytics 4 (the page's data-pixels flag): until
// the shopper taps "Accept", no request goes to Meta or Google and no cookie is set; after
// "Reject" neither, and rejecting later reloads the page so nothing of the pixels stays.
// The choice is kept in this browser for six months, per shop, then asked again.
(() => {
  const root = document.getElementById("storefront");
  const banner = document.querySelector("[data-consent]");
  if (!root || !root.dataset.pixels || !banner) return;
  const pixels = JSON.parse(root.dataset.pixels);
  const key = `vitrina:consent:${root.dataset.shopId}`;
  const KEEP_MS = 182 * 24 * 3600 * 1000;
  const scale = 10 ** (pixels.exponent ?? 2);
  let loaded = false;

  function stored() {
    try {
      const choice = JSON.parse(localStorage.getItem(key));
      if (choice && (choice.v === "yes" || choice.v === "no") && Date.now() - choice.t < KEEP_MS) {
        return choice.v;
      }
    } catch (error) {
      // No storage: ask on every page, and send nothing until asked.
    }
    return null;
  }

  function remember(value) {
    try {
      localStorage.setItem(key, JSON.stringify({ v: value, t: Date.now() }));
    } catch (error) {
      // Kept for this page only.
    }
  }

  function addScript(src) {
    const script = document.createElement("script");
    script.async = true;
    script.src = src;
    document.head.appendChild(script);
  }

  // The pixels' own loaders, written as their documentation describes: a queue that the
  // script, once loaded, reads.
  function loadMeta(id) {
    const fbq = function (...args) {
      if (fbq.callMethod) fbq.callMethod(...args);
      else fbq.queue.push(args);
    };
    fbq.push = fbq;
    fbq.loaded = true;
    fbq.version = "2.0";
    fbq.queue = [];
    window.fbq = fbq;
    if (!window._fbq) window._fbq = fbq;
    addScript("https://connect.facebook.net/en_US/fbevents.js");
    fbq("init", id);
    fbq("track", "PageView");
  }

  function loadGoogle(id) {
    window.dataLayer = window.dataLayer || [];
    window.gtag = function () {
      window.dataLayer.push(arguments); // eslint-disable-line prefer-rest-params
    };
    addScript(`https://www.googletagmanager.com/gtag/js?id=${encodeURIComponent(id)}`);
    window.gtag("js", new Date());
    window.gtag("config", id); // sends the page view
  }

  function track(meta, google, values) {
    if (pixels.meta && window.fbq) window.fbq("track", meta, values.meta);
    if (pixels.ga4 && window.gtag) window.gtag("event", google, values.google);
  }

  function price(id) {
    const item = document.querySelector(`[data-item-id="${id}"][data-price]`);
    return item ? Number(item.dataset.price) / scale : undefined;
  }

  function item(id, value) {
    return {
      meta: { content_ids: [String(id)], content_type: "product", value, currency: pixels.currency },
      google: { currency: pixels.currency, value, items: [{ item_id: String(id), price: value }] },
    };
  }

  function pageEvents() {
    const path = location.pathname;
    const product = path.match(/\/p\/(\d+)(\/order)?\/?$/);
    if (product && !product[2]) track("ViewContent", "view_item", item(product[1], price(product[1])));
    if ((product && product[2]) || /\/cart\/?$/.test(path)) {
      track("InitiateCheckout", "begin_checkout", { meta: { currency: pixels.currency }, google: { currency: pixels.currency } });
    }
    const purchase = document.querySelector("[data-purchase]");
    if (purchase) {
      const order = JSON.parse(purchase.dataset.purchase);
      const sentKey = `vitrina:purchase:${order.token}`;
      let sent = false;
      try {
        sent = localStorage.getItem(sentKey) !== null;
        localStorage.setItem(sentKey, "1");
      } catch (error) {
        sent = true; // nowhere to remember it: never risk counting it twice
      }
      if (!sent) {
        const value = order.total / scale;
        track("Purchase", "purchase", {
          meta: { value, currency: pixels.currency, content_ids: order.items, content_type: "product" },
          google: { transaction_id: order.id, value, currency: pixels.currency },
        });
      }
    }
  }

  function start() {
    if (loaded) return;
    loaded = true;
    if (pixels.meta) loadMeta(pixels.meta);
    if (pixels.ga4) loadGoogle(pixels.ga4);
    pageEvents();
    document.addEventListener("vitrina:added", (event) => {
      track("AddToCart", "add_to_cart", item(event.detail, price(event.detail)));
    });
  }

  function ask() {
    banner.hidden = false;
    banner.querySelector("[data-consent-choice]").focus();
  }

  banner.addEventListener("click", (event) => {
    const button = event.target.closest("[data-consent-choice]");
    if (!button) return;
    const value = button.dataset.consentChoice;
    remember(value);
    banner.hidden = true;
    if (value === "yes") start();
    else if (loaded) location.reload(); // withdrawn: a fresh page carries no pixel at all
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-consent-open]")) ask();
  });

  const choice = stored();
  if (choice === "yes") start();
  else if (choice === null) banner.hidden = false;
})();
