// The cart lives in this browser, one per shop (localStorage): no cookies, no server state.
// This file keeps the cart, the badge on every page and the "Add" buttons; the cart page
// itself is shop-checkout.js.
(function () {
  "use strict";
  const root = document.getElementById("storefront");
  if (!root) return;
  const messages = document.getElementById("shop-messages").dataset;
  const MAX_LINES = 100;
  const MAX_QUANTITY = 999;
  const shopId = root.dataset.shopId;
  const storageKey = "vitrina:cart:" + shopId;
  const lastOrderKey = "vitrina:last-order:" + shopId;
  // How the server (Babel) writes amounts in this shop: see storefront/blueprint.py.
  const format = JSON.parse(root.dataset.money);

  // A fresh idempotency key: the server records one order per key, whatever the retries.
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function read() {
    try {
      const data = JSON.parse(localStorage.getItem(storageKey));
      if (data && Array.isArray(data.lines) && typeof data.key === "string") {
        data.lines = data.lines.filter((line) => Number.isInteger(line.id) && Number.isInteger(line.qty) && line.qty > 0);
        data.lines.forEach((line) => {
          if (!Array.isArray(line.choices) || !line.choices.every(Number.isInteger)) line.choices = [];
        });
        return data;
      }
    } catch (error) {
      // Unreadable storage: start again with an empty cart.
    }
    return { lines: [], key: newKey() };
  }

  function write(cart) {
    try {
      localStorage.setItem(storageKey, JSON.stringify(cart));
    } catch (error) {
      // Private mode with no storage: the cart lasts as long as the page.
    }
    updateBadge(cart);
  }

  function clear() {
    write({ lines: [], key: newKey() });
  }

  function count(cart) {
    return cart.lines.reduce((sum, line) => sum + line.qty, 0);
  }

  function updateBadge(cart) {
    cart = cart || read();
    const total = count(cart);
    document.querySelectorAll("[data-cart-count]").forEach((badge) => {
      badge.textContent = String(total);
    });
    updateBar(cart, total);
  }

  // The bar at the thumb: shown once the cart has something, it leads straight to ordering.
  const bar = document.querySelector("[data-cart-bar]");
  function updateBar(cart, total) {
    if (!bar) return;
    bar.hidden = total === 0;
    root.classList.toggle("has-cart", total > 0);
    if (!total) return;
    const label = bar.querySelector("[data-bar-count]");
    label.textContent = total === 1 ? label.dataset.one : label.dataset.many.replace("{count}", String(total));
    bar.querySelector("[data-bar-total]").textContent = money(cart.lines.reduce((sum, line) => sum + (line.price || 0) * line.qty, 0));
    prepareSheet();
  }

  function announce(name, cart) {
    const region = document.querySelector("[data-cart-announce]");
    if (region) region.textContent = messages.addedItem.replace("{name}", name || "").replace("{count}", String(count(cart || read())));
  }

  // The checkout as a sheet over the page: the cart page's form, fetched (it is cacheable)
  // and its script loaded ahead, so a tap on the bar opens it at once and puts the cursor
  // in the first empty field (keyboards open only within the tap). Until both are ready,
  // or without <dialog>, the bar is a plain link to the cart page.
  let sheet = null;
  function prepareSheet() {
    if (sheet || !bar || !window.HTMLDialogElement) return;
    sheet = {};
    // Not kept in the HTTP cache: the cart page itself must not show this copy later.
    fetch(bar.href, { credentials: "same-origin", cache: "no-store" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        sheet.main = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        markReady();
      })
      .catch(() => {}); // the link still works
    if (!window.VitrinaCheckout) {
      const script = document.createElement("script");
      script.src = bar.dataset.script;
      script.addEventListener("load", markReady);
      document.head.append(script);
    }
  }

  // Both halves are here: the bar now opens the sheet (tests wait for this mark too).
  function markReady() {
    if (sheet && sheet.main && window.VitrinaCheckout) bar.dataset.sheet = "ready";
  }

  function openSheet() {
    let dialog = document.querySelector("dialog.sheet");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "sheet";
      dialog.setAttribute("aria-labelledby", "sheet-title");
      const close = document.createElement("div");
      close.className = "sheet-close";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = messages.close;
      button.addEventListener("click", () => dialog.close());
      close.append(button);
      dialog.append(close, ...document.adoptNode(sheet.main).childNodes);
      const title = dialog.querySelector("h1");
      if (title) title.id = "sheet-title";
      root.append(dialog);
    }
    window.VitrinaCheckout.start(dialog);
    dialog.showModal();
    const empty = Array.from(dialog.querySelectorAll("[data-checkout] input[type=text], [data-checkout] input[type=tel], [data-checkout] textarea"))
      .find((field) => !field.value && field.required && field.offsetParent);
    (empty || dialog.querySelector("[data-order-button]") || dialog).focus();
  }

  if (bar) {
    bar.addEventListener("click", (event) => {
      if (!sheet || !sheet.main || !window.VitrinaCheckout) return; // the cart page, as a link
      event.preventDefault();
      openSheet();
    });
  }

  // What a button adds: its own data-* attributes (the product page), completed from
  // its card on the shop page (name, link and picture are there already).
  function describe(button) {
    const data = button.dataset;
    const card = button.closest(".card");
    if (data.name || !card) return data;
    const image = card.querySelector("img");
    return {
      itemId: data.itemId,
      price: data.price,
      service: data.service,
      name: card.querySelector(".card-name").textContent,
      url: card.querySelector("a").getAttribute("href"),
      image: image ? image.getAttribute("src") : "",
    };
  }

  // What tells two lines apart: the item and its choices (the same item in another size
  // is another line). The server's shop.ordering.choices.line_key writes the same text.
  function lineKey(line) {
    const choices = (line.choices || []).slice().sort((a, b) => a - b);
    return choices.length ? line.id + ":" + choices.join("-") : String(line.id);
  }

  // Add `quantity` of the item `data` describes (see describe); an error text or "".
  // `chosen` (product page): {choices: [ids], options: "Talla: M", delta: minor units}.
  function add(data, quantity, chosen) {
    const cart = read();
    const id = Number(data.itemId);
    const choices = chosen ? chosen.choices : [];
    const key = lineKey({ id: id, choices: choices });
    let line = cart.lines.find((candidate) => lineKey(candidate) === key);
    if (!line) {
      if (cart.lines.length >= MAX_LINES) return messages.cartFull;
      line = { id: id, qty: 0, choices: choices };
      cart.lines.push(line);
    }
    line.name = data.name;
    line.options = chosen ? chosen.options : "";
    line.price = Number(data.price) + (chosen ? chosen.delta : 0);
    line.service = data.service === "1";
    line.url = data.url;
    line.image = data.image || "";
    if (line.qty + quantity > MAX_QUANTITY) {
      line.qty = MAX_QUANTITY;
      write(cart);
      return messages.maxQuantity;
    }
    line.qty += quantity;
    write(cart);
    document.dispatchEvent(new CustomEvent("vitrina:added", { detail: id }));
    return "";
  }

  // Minor units to text, in integers only: 123450 -> "1.234,50 €" or "$1,234.50".
  // Decimals beyond the currency's usual ones are shown only when they are not zero.
  function money(minor) {
    const digits = String(Math.abs(Math.trunc(minor))).padStart(format.decimals + 1, "0");
    let whole = digits.slice(0, digits.length - format.decimals);
    let fraction = digits.slice(digits.length - format.decimals);
    const usual = format.usual ?? format.decimals;
    if (/^0*$/.test(fraction.slice(usual))) fraction = fraction.slice(0, usual);
    const groups = [];
    let size = format.primary;
    while (whole.length > size) {
      groups.unshift(whole.slice(-size));
      whole = whole.slice(0, -size);
      size = format.secondary;
    }
    groups.unshift(whole);
    const number = groups.join(format.group) + (fraction ? format.decimal + fraction : "");
    return (minor < 0 ? "-" : "") + format.prefix + number + format.suffix;
  }

  function saveLastOrder(order) {
    document.dispatchEvent(new CustomEvent("vitrina:ordered", { detail: order.order_url }));
    try {
      localStorage.setItem(lastOrderKey, JSON.stringify({ ...order, at: Date.now() }));
    } catch (error) {
      // Nothing to keep it in; the order page link still works.
    }
  }

  function lastOrder() {
    try {
      const order = JSON.parse(localStorage.getItem(lastOrderKey));
      if (order && Date.now() - order.at < 24 * 3600 * 1000) return order;
    } catch (error) {
      // Ignore: nothing to show.
    }
    return null;
  }

  // Details saved on this phone, per shop, only when the shopper asked (the order page).
  const detailsKey = "vitrina:details:" + shopId;
  function savedDetails() {
    try {
      const details = JSON.parse(localStorage.getItem(detailsKey));
      if (details && typeof details.name === "string") return details;
    } catch (error) {
      // Unreadable: as if nothing was saved.
    }
    return null;
  }

  function saveDetails(details) {
    try {
      localStorage.setItem(detailsKey, JSON.stringify(details));
    } catch (error) {
      return false;
    }
    return true;
  }

  function forgetDetails() {
    try {
      localStorage.removeItem(detailsKey);
    } catch (error) {
      // Nothing was kept.
    }
  }

  function clampQuantity(value) {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) return 1;
    return Math.min(number, MAX_QUANTITY);
  }

  window.VitrinaCart = {
    read, write, clear, add, lineKey, money, messages, saveLastOrder, lastOrder, clampQuantity, MAX_QUANTITY,
    savedDetails, forgetDetails,
  };

  // What only works with JavaScript stays hidden without it. The cards' "Add" buttons
  // (hundreds of them) are shown by one class on the root, not one by one.
  root.classList.add("js");
  document.querySelectorAll("[data-cart-link], [data-add][hidden], [data-add-to-cart], [data-step]").forEach((element) => {
    element.hidden = false;
  });
  updateBadge();
  showSteppers();
  // Another tab changed the cart: keep this page's badge right.
  window.addEventListener("storage", (event) => {
    if (event.key === storageKey) {
      updateBadge();
      showSteppers();
    }
  });
  window.addEventListener("pageshow", () => {
    updateBadge();
    showSteppers();
  });
  // A big catalog's next part arrived (shop-sections.js): its cards may be in the cart.
  document.addEventListener("vitrina:cards", () => showSteppers());

  document.addEventListener("click", (event) => {
    const addButton = event.target.closest("[data-add]");
    if (addButton) {
      const data = describe(addButton);
      const problem = add(data, 1);
      if (problem) flash(addButton, problem);
      else announce(data.name);
      showSteppers();
      if (!problem) addButton.nextElementSibling.querySelector("[data-card-step='1']").focus();
      return;
    }
    const cardStep = event.target.closest("[data-card-step]");
    if (cardStep) {
      stepCard(Number(cardStep.closest("[data-card-stepper]").dataset.itemId), Number(cardStep.dataset.cardStep));
      return;
    }
    const step = event.target.closest("[data-step]");
    if (step) {
      const input = step.parentElement.querySelector("input[type=number]");
      input.value = String(clampQuantity(Number(input.value) + Number(step.dataset.step)));
    }
  });

  // A card whose item is in the cart (without options) shows "− 2 +" instead of "Add".
  function showSteppers() {
    const cart = read();
    const quantities = new Map(cart.lines.filter((line) => !line.choices.length).map((line) => [line.id, line.qty]));
    // Only the cards in the cart and those showing a stepper: never every card.
    const buttons = new Set(Array.from(document.querySelectorAll("[data-card-stepper]"), (stepper) => stepper.previousElementSibling));
    quantities.forEach((quantity, id) => {
      const button = document.querySelector(`.card [data-add][data-item-id="${id}"]`);
      if (button) buttons.add(button);
    });
    buttons.forEach((button) => {
      const id = Number(button.dataset.itemId);
      let stepper = button.nextElementSibling;
      if (!stepper || !stepper.matches("[data-card-stepper]")) {
        if (!quantities.has(id)) return;
        stepper = document.createElement("div");
        stepper.className = "card-stepper";
        stepper.dataset.cardStepper = "";
        stepper.dataset.itemId = String(id);
        stepper.innerHTML = '<button type="button" class="button secondary step" data-card-step="-1">−</button>' +
          '<output aria-live="polite"></output><button type="button" class="button secondary step" data-card-step="1">+</button>';
        stepper.firstChild.setAttribute("aria-label", messages.oneLess);
        stepper.lastChild.setAttribute("aria-label", messages.oneMore);
        button.after(stepper);
      }
      const quantity = quantities.get(id) || 0;
      button.hidden = quantity > 0;
      stepper.hidden = quantity === 0;
      stepper.querySelector("output").textContent = String(quantity);
    });
  }

  function stepCard(id, step) {
    const cart = read();
    const index = cart.lines.findIndex((line) => line.id === id && !line.choices.length);
    if (index < 0) return;
    const line = cart.lines[index];
    line.qty = Math.min(line.qty + step, MAX_QUANTITY);
    if (line.qty < 1) cart.lines.splice(index, 1);
    write(cart);
    showSteppers();
    if (line.qty < 1) document.querySelector(`.card [data-add][data-item-id="${id}"]`).focus();
  }

  function flash(button, text) {
    const label = Array.from(button.childNodes);
    button.textContent = text;
    button.disabled = true;
    setTimeout(() => {
      button.replaceChildren(...label);
      button.disabled = false;
    }, 1200);
  }

  // Order page: "save my details on this phone for next time", off until chosen.
  const keep = document.querySelector("[data-keep-details]");
  if (keep) {
    const button = keep.querySelector("[data-save-details]");
    const saved = keep.querySelector("[data-details-saved]");
    const showSaved = (isSaved) => {
      button.hidden = isSaved;
      saved.hidden = !isSaved;
    };
    showSaved(Boolean(savedDetails()));
    keep.hidden = false;
    button.addEventListener("click", () => {
      const data = button.dataset;
      const details = {
        name: data.name,
        phone: data.phone || "",
        address: data.address || "",
        shipping: Number(data.shipping) || null,
      };
      showSaved(saveDetails(details));
    });
    keep.querySelector("[data-forget-details]").addEventListener("click", () => {
      forgetDetails();
      showSaved(false);
    });
  }

  // Order page: copy the message or the number, where wa.me may not open WhatsApp. One
  // listener on the document: the payment block is swapped in anew when the shop changes
  // the order (order-follow.js), and its Pix button must copy the new code.
  document.querySelectorAll("[data-copy]").forEach((button) => { button.hidden = false; });
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    // The status nearest the button (the Pix code has its own), else the page's.
    const near = button.closest("[data-pix]");
    const status = (near && near.querySelector("[data-copy-status]")) || document.querySelector("[data-copy-status]");
    copy(button.dataset.copy).then(() => {
      status.textContent = button.dataset.done;
    }, () => {
      status.textContent = "";
    });
  });

  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    // Some apps' browsers have no clipboard API: the old way still works there.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  // Product page: "Add to cart" keeps the shopper here; "Order just this" submits the form.
  const productForm = document.querySelector("[data-product-form]");
  if (productForm) {
    // With options, the choices are checked below in the shop's language (the
    // browser's own "fill in this field" bubble would stop the submit before that).
    if (productForm.querySelector("[data-options]")) productForm.noValidate = true;
    productForm.addEventListener("submit", (event) => {
      const submitter = event.submitter;
      const input = productForm.querySelector("input[name=quantity]");
      const quantity = clampQuantity(input.value);
      input.value = String(quantity);
      const status = productForm.querySelector("[data-cart-status]");
      status.textContent = "";
      // Sizes, colours, extras: shop-product.js reads and checks what is chosen.
      const chosen = window.VitrinaOptions ? window.VitrinaOptions.chosen() : null;
      if (chosen && chosen.problem) {
        event.preventDefault();
        window.VitrinaOptions.showProblem(chosen.problem);
        return;
      }
      if (!submitter || !submitter.hasAttribute("data-add-to-cart")) return;
      event.preventDefault();
      const problem = add(submitter.dataset, quantity, chosen);
      status.textContent = problem || messages.added; // a live region already
    });
  }

  // A shop on the home screen (storefront/home_screen.py). Where service workers run,
  // the shop's worker keeps what was seen for a weak signal. The browser's own install
  // banner waits: the shop offers itself from its second visit or after an order, in the
  // footer, never as a pop-up on arrival.
  if (root.dataset.worker && "serviceWorker" in navigator) {
    window.addEventListener("load", () => {
      const first = !navigator.serviceWorker.controller;
      navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.workerScope })
        .then(() => navigator.serviceWorker.ready)
        .then((registration) => {
          // This page came before the worker: it says what it used, to be kept.
          if (!first || !registration.active) return;
          // The cart page and the sheet's script too: ordering needs them.
          const used = performance.getEntriesByType("resource").map((entry) => entry.name);
          const cart = document.querySelector("[data-cart-link]");
          const sheetScript = bar ? bar.dataset.script : "";
          registration.active.postMessage({ keep: [location.href, cart ? cart.href : "", sheetScript, ...used] });
        })
        .catch(() => {});
    });
  }
  const visitsKey = "vitrina:visits:" + shopId;
  let visits = 0;
  try {
    visits = Number(localStorage.getItem(visitsKey)) || 0;
    if (!sessionStorage.getItem(visitsKey)) {
      sessionStorage.setItem(visitsKey, "1");
      localStorage.setItem(visitsKey, String(++visits));
    }
  } catch (error) {
    // No storage: the browser's own menu still installs the shop.
  }
  // A shared link's ?code=VERANO10 (shop/sharing/code_links.py), on any of the shop's
  // pages: kept with the cart in this browser and applied in the cart (shop-checkout.js
  // fills the field from it). The page itself stays the same cached page for everyone.
  const linkedCode = (new URLSearchParams(window.location.search).get("code") || "").trim().slice(0, 32);
  if (linkedCode) {
    const data = read();
    data.details = Object.assign({}, data.details, { coupon: linkedCode });
    write(data);
  }
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    const offer = document.querySelector("[data-install]");
    if (!offer || (visits < 2 && localStorage.getItem(lastOrderKey) === null)) return;
    offer.hidden = false;
    offer.querySelector("button").addEventListener("click", () => {
      offer.hidden = true;
      event.prompt();
    }, { once: true });
  });
})();
