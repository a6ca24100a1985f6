// Cookieless shop analytics (shop/storefront/beacon.py): once the page has loaded, what
// the shopper viewed, added or ordered goes out with navigator.sendBeacon. Nothing is
// stored but where this tab came from (sessionStorage, never sent anywhere else), so an
// order can be told apart by the post that brought it. Do Not Track and GPC are honoured.
(() => {
  const url = document.currentScript && document.currentScript.dataset.beacon;
  if (!url || !navigator.sendBeacon || navigator.doNotTrack === "1" || navigator.globalPrivacyControl) return;
  const key = "vitrina:from";
  let from = null;
  try {
    from = JSON.parse(sessionStorage.getItem(key));
  } catch (error) {
    // No storage: this page's own source will do.
  }
  if (!from) {
    const query = new URLSearchParams(location.search);
    let host = "";
    try {
      host = new URL(document.referrer).host;
    } catch (error) {
      // No referrer: a direct visit.
    }
    from = {
      r: host === location.host ? "" : host,
      s: (query.get("utm_source") || "").slice(0, 60),
      c: (query.get("utm_campaign") || "").slice(0, 200),
    };
    try {
      sessionStorage.setItem(key, JSON.stringify(from));
    } catch (error) {
      // Counted as this page's source only.
    }
  }
  const send = (kind, extra) => navigator.sendBeacon(url, JSON.stringify({ k: kind, ...from, ...extra }));
  const path = location.pathname;
  const product = path.match(/\/p\/(\d+)(\/order)?\/?$/);
  const page = () => {
    if (product) send(product[2] ? "checkout" : "product_view", { i: Number(product[1]) });
    else if (/\/cart\/?$/.test(path)) send("checkout");
    else if (!/\/o\//.test(path)) send("shop_view");
  };
  if (document.readyState === "complete") page();
  else window.addEventListener("load", page);
  document.addEventListener("vitrina:added", (event) => send("add", { i: event.detail }));
  document.addEventListener("vitrina:ordered", (event) => {
    send("order", { o: String(event.detail || "").split("/o/").pop().split(/[?#]/)[0] });
  });
  const order = path.match(/\/o\/([^/]+)\/?$/);
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-cart-bar]")) send("checkout");
    // "Open WhatsApp" tapped again on an order's page: the shopper is still talking.
    else if (order && event.target.closest("a.whatsapp")) send("whatsapp_again", { o: order[1] });
  });
})();
