// The order page follows the order. While it is open and the order is not delivered or
// cancelled, it asks about every 30 seconds whether anything changed, with the ETag of
// what it shows (If-None-Match: an unchanged order costs a 304 and no page), and swaps in
// the new timeline (and the lines and the payment, whose Pix code holds the total, when
// the shop changed the order). A hidden tab does not ask; it asks at once when shown again.
(() => {
  const PERIOD = 30000;
  let follow = document.querySelector("[data-follow]");
  if (!follow || follow.hasAttribute("data-final")) return;
  let busy = false;

  async function check() {
    if (busy || document.hidden || follow.hasAttribute("data-final")) return;
    busy = true;
    try {
      const response = await fetch(window.location.href, {
        headers: { "If-None-Match": follow.dataset.etag },
        cache: "no-store",
        credentials: "same-origin",
      });
      if (response.status !== 200) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("[data-follow]");
      if (!fresh) return;
      follow.replaceWith(fresh);
      follow = fresh;
      const status = page.querySelector("[data-order-status]");
      const shown = document.querySelector("[data-order-status]");
      if (status && shown) shown.textContent = status.textContent;
      // The shop changed the order: its lines and total too.
      const lines = page.querySelector("[data-order-lines]");
      const shownLines = document.querySelector("[data-order-lines]");
      if (lines && shownLines) shownLines.replaceWith(lines);
      const payment = page.querySelector("[data-order-payment]");
      const shownPayment = document.querySelector("[data-order-payment]");
      if (payment && shownPayment) {
        // Its copy buttons work as the page's (cart.js listens on the document).
        payment.querySelectorAll("[data-copy]").forEach((button) => { button.hidden = false; });
        shownPayment.replaceWith(payment);
      }
      if (follow.hasAttribute("data-final")) window.clearInterval(timer);
    } catch (error) {
      // Offline for a moment: the next check tries again.
    } finally {
      busy = false;
    }
  }

  const timer = window.setInterval(check, PERIOD);
  document.addEventListener("visibilitychange", check);
})();
