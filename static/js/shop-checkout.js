// The cart page: lines from this browser's cart, corrected against the current catalog,
// then the checkout form, posted as JSON. The server prices everything again; on
// success the shopper goes straight to WhatsApp, and the order page replaces this one
// in the history, so "back" lands there.
// On the shop and product pages the same form opens as a sheet (cart.js calls start).
(function () {
  "use strict";
  const cart = window.VitrinaCart;
  let started = null;
  window.VitrinaCheckout = {
    start() {
      if (!started) started = begin();
      else started();
    },
  };
  if (cart && document.getElementById("catalog-data")) window.VitrinaCheckout.start();

  // Wires the cart and its form (once); returns what shows them again.
  function begin() {
    const list = document.querySelector("[data-cart-lines]");
    const messages = cart.messages;
    const catalog = JSON.parse(document.getElementById("catalog-data").textContent);
    const template = document.getElementById("cart-line-template");
    const summary = document.querySelector("[data-cart-summary]");
    const empty = document.querySelector("[data-cart-empty]");
    const form = document.querySelector("[data-checkout]");
    const errorBox = document.querySelector("[data-checkout-error]");

    // The catalog's word on each line: current name and price, or why it cannot be ordered.
    function refresh(data) {
      data.lines.forEach((line) => {
        const current = catalog[String(line.id)];
        line.problem = "";
        if (!current) {
          line.problem = messages.unavailable;
          return;
        }
        if (!current.available) line.problem = messages.soldOut;
        line.name = current.name;
        line.price = current.price;
        line.service = current.service;
        if (line.choices.length || current.choices) priceOptions(line, current);
      });
      return data;
    }

    // A line with options: its price and text from the catalog's choices, and whether
    // its size/colour combination is sold out. Rules (required groups...) are the server's.
    function priceOptions(line, current) {
      const choices = current.choices || {};
      if (!line.choices.every((id) => choices[String(id)])) {
        line.problem = line.problem || messages.optionsChanged;
        return;
      }
      const groups = new Map();
      const variant = [];
      // In the product page's order, as the server writes them in the message.
      const ordered = line.choices.slice().sort((a, b) => choices[String(a)][4] - choices[String(b)][4]);
      ordered.forEach((id) => {
        const [group, name, delta, isVariant] = choices[String(id)];
        line.price += delta;
        if (!groups.has(group)) groups.set(group, []);
        groups.get(group).push(name);
        if (isVariant) variant.push(id);
      });
      line.price = Math.max(0, line.price);
      line.options = Array.from(groups, ([group, names]) => group + ": " + names.join(", ")).join(", ");
      const key = variant.sort((a, b) => a - b).join("-");
      if (key && (current.soldOut || []).includes(key)) line.problem = line.problem || messages.soldOut;
    }

    const zones = deliveryZones(form, () => updateTotals(refresh(cart.read())));
    const times = pickupTimes(form);

    function selectedMethod() {
      return form ? form.querySelector("input[name=shipping_method_id]:checked") : null;
    }

    function render() {
      const data = refresh(cart.read());
      list.replaceChildren();
      data.lines.forEach((line) => list.append(renderLine(line)));
      const hasLines = data.lines.length > 0;
      summary.hidden = !hasLines;
      empty.hidden = hasLines;
      showLastOrder(hasLines);
      updateTotals(data);
    }

    function renderLine(line) {
      const item = template.content.firstElementChild.cloneNode(true);
      item.dataset.itemId = String(line.id);
      item.dataset.lineKey = cart.lineKey(line);
      const name = item.querySelector("[data-line-name]");
      name.textContent = line.name || "";
      if (line.options) {
        const options = item.querySelector("[data-line-options]");
        options.textContent = line.options;
        options.hidden = false;
      }
      if (line.url) name.href = line.url;
      if (line.image) {
        const image = item.querySelector("[data-line-image]");
        image.src = line.image;
        image.hidden = false;
      }
      item.querySelector("[data-line-unit]").textContent = cart.money(line.price || 0);
      item.querySelector("[data-line-qty]").value = String(line.qty);
      item.querySelector("[data-line-total]").textContent = cart.money((line.price || 0) * line.qty);
      if (line.problem) showProblem(item, line.problem);
      return item;
    }

    function showProblem(item, text) {
      const problem = item.querySelector("[data-line-problem]");
      problem.textContent = text;
      problem.hidden = false;
      item.classList.add("has-problem");
    }

    function updateTotals(data) {
      const subtotal = data.lines.reduce((sum, line) => sum + (line.problem ? 0 : line.price * line.qty), 0);
      document.querySelector("[data-cart-subtotal]").textContent = cart.money(subtotal);
      showMinimum(subtotal);
      if (!form) return;
      // Services only: nothing to ship, so no shipping choice.
      const shipping = form.querySelector("[data-shipping]");
      const shipsSomething = data.lines.some((line) => !line.service);
      if (shipping) {
        shipping.hidden = !shipsSomething;
        shipping.querySelectorAll("input").forEach((input) => {
          input.disabled = !shipsSomething;
        });
      }
      const method = shipsSomething ? selectedMethod() : null;
      const address = form.querySelector("[data-address-field]");
      if (shipping) address.hidden = shipsSomething && !(method && method.dataset.needsAddress === "1");
      // Free once the subtotal reaches the method's amount (the server applies the same rule).
      const freeAbove = method && method.dataset.freeAbove !== undefined ? Number(method.dataset.freeAbove) : null;
      let shippingPrice = !method || (freeAbove !== null && subtotal >= freeAbove) ? 0 : Number(method.dataset.price);
      const zoned = zones.show(method, subtotal);
      times.show(method);
      if (zoned !== null) shippingPrice = zoned;
      document.querySelector("[data-cart-total]").textContent = cart.money(subtotal + shippingPrice);
      previewDiscount();
    }

    // The discount: asked of the server (a small uncached request), never worked out
    // here; checkout decides again. Only the latest answer is shown.
    const couponBox = form ? form.querySelector("[data-coupon]") : null;
    let previewSerial = 0;
    async function previewDiscount() {
      if (!couponBox) return;
      const data = cart.read();
      const code = form.elements.namedItem("coupon").value.trim();
      const shown = document.querySelector("[data-discount]");
      const error = couponBox.querySelector("[data-coupon-error]");
      const serial = ++previewSerial;
      if (!data.lines.length) return;
      const method = form.querySelector("input[name=shipping_method_id]:checked:not([disabled])");
      let result = {};
      let ok = false;
      try {
        const response = await fetch(couponBox.dataset.preview, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({
            lines: data.lines.map((line) => ({ item_id: line.id, quantity: line.qty, choices: line.choices })),
            shipping_method_id: method ? Number(method.value) : null,
            coupon: code,
            ...(method ? zones.where(method) : {}),
          }),
          credentials: "same-origin",
        });
        ok = response.ok;
        result = await response.json();
      } catch (failure) {
        return; // offline: checkout will say
      }
      if (serial !== previewSerial) return;
      error.hidden = !(code && !ok && result.error && result.field === "coupon");
      error.textContent = error.hidden ? "" : result.error;
      couponBox.classList.toggle("has-error", !error.hidden);
      // Before a shipping method is picked the server prices the items alone: the
      // discount shows at once, and a free-shipping code says so until a method is chosen.
      const freeLater = ok && result.free_shipping && result.shipping_pending;
      const discounted = ok && (result.discount_minor > 0 || freeLater);
      shown.hidden = !discounted;
      document.querySelector("[data-discount-hint]").hidden = !discounted;
      document.querySelector("[data-shipping-later]").hidden = !(discounted && result.shipping_pending);
      if (!discounted) return;
      const label = shown.querySelector("[data-discount-label]");
      label.textContent = label.dataset.template.replace("{label}", result.label);
      const amount = shown.querySelector("[data-discount-amount]");
      amount.textContent = freeLater ? amount.dataset.free : "\u2212" + cart.money(result.discount_minor);
      document.querySelector("[data-cart-total]").textContent = cart.money(result.total_minor);
    }
    if (couponBox) {
      couponBox.querySelector("[data-coupon-apply]").addEventListener("click", previewDiscount);
      form.elements.namedItem("coupon").addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          previewDiscount();
        }
      });
    }

    // Below the shop's minimum order: say how much is missing (checkout refuses it too).
    function showMinimum(subtotal) {
      const box = document.querySelector("[data-min-order]");
      if (!box) return;
      const missing = Number(box.dataset.minOrder) - subtotal;
      box.hidden = missing <= 0;
      box.textContent = box.dataset.template.replace("{missing}", cart.money(Math.max(missing, 0)));
    }

    function showLastOrder(hasLines) {
      const box = document.querySelector("[data-last-order]");
      const order = cart.lastOrder();
      box.hidden = hasLines || !order;
      if (box.hidden) return;
      const text = box.querySelector("[data-last-text]");
      text.textContent = text.dataset.template.replace("{number}", String(order.number));
      box.querySelector("[data-last-whatsapp]").href = order.whatsapp_url;
      box.querySelector("[data-last-link]").href = order.order_url;
    }

    function changeLine(key, change) {
      const data = cart.read();
      const index = data.lines.findIndex((line) => cart.lineKey(line) === key);
      if (index < 0) return;
      if (change === "remove") data.lines.splice(index, 1);
      else data.lines[index].qty = cart.clampQuantity(change);
      cart.write(data);
      render();
    }

    list.addEventListener("click", (event) => {
      const line = event.target.closest(".cart-line");
      if (!line) return;
      const key = line.dataset.lineKey;
      if (event.target.closest("[data-line-remove]")) {
        changeLine(key, "remove");
        return;
      }
      const step = event.target.closest("[data-line-step]");
      if (step) {
        const input = line.querySelector("[data-line-qty]");
        changeLine(key, Number(input.value) + Number(step.dataset.lineStep));
      }
    });
    list.addEventListener("change", (event) => {
      if (!event.target.matches("[data-line-qty]")) return;
      changeLine(event.target.closest(".cart-line").dataset.lineKey, event.target.value);
    });

    if (form) {
      form.addEventListener("change", (event) => {
        if (event.target.name === "shipping_method_id") {
          updateTotals(refresh(cart.read()));
          zones.chosen(selectedMethod());
        }
        if (event.target.matches("[data-zone-pick]")) updateTotals(refresh(cart.read()));
      });
      form.addEventListener("input", (event) => {
        if (event.target.matches("[data-zone-postal]")) updateTotals(refresh(cart.read()));
      });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        send();
      });
    }

    function clearErrors() {
      errorBox.hidden = true;
      errorBox.textContent = "";
      form.querySelectorAll(".has-error").forEach((field) => field.classList.remove("has-error"));
    }

    function showError(result) {
      errorBox.textContent = result.error || messages.network;
      errorBox.hidden = false;
      if (result.field) {
        let field = form.querySelector(`[data-field="${result.field}"]`);
        if (result.field === "zone") field = zones.block(selectedMethod());
        if (result.field === "slot") field = times.block(selectedMethod(), true);
        if (field) {
          field.classList.add("has-error");
          const input = field.querySelector("input:not([disabled]):not([type=hidden]), textarea, select");
          if (input) input.focus();
        }
      }
      if (result.item_id) {
        const lines = Array.from(list.querySelectorAll(".cart-line"));
        const line = lines.find((candidate) => candidate.dataset.lineKey === result.line_key) ||
          lines.find((candidate) => candidate.dataset.itemId === String(Number(result.item_id)));
        if (line) {
          showProblem(line, result.error);
          line.scrollIntoView({ block: "center" });
        }
      }
      if (!result.field && !result.item_id) errorBox.scrollIntoView({ block: "center" });
    }

    async function send() {
      const data = cart.read();
      if (!data.lines.length) return;
      clearErrors();
      const button = form.querySelector("[data-order-button]");
      const label = button.textContent;
      button.disabled = true;
      button.textContent = messages.sending;
      const method = form.querySelector("input[name=shipping_method_id]:checked:not([disabled])");
      const payment = form.querySelector("input[name=payment_method_id]:checked");
      const body = {
        lines: data.lines.map((line) => ({ item_id: line.id, quantity: line.qty, choices: line.choices })),
        name: form.elements.namedItem("name").value,
        shipping_method_id: method ? Number(method.value) : null,
        address: form.elements.namedItem("address").value,
        notes: form.elements.namedItem("notes").value,
        phone: form.elements.namedItem("phone") ? form.elements.namedItem("phone").value : "",
        payment_method_id: payment ? Number(payment.value) : null,
        coupon: form.elements.namedItem("coupon") ? form.elements.namedItem("coupon").value.trim() : "",
        idempotency_key: data.key,
        ...zones.where(method),
        slot: times.picked(method),
      };
      let response;
      let result;
      try {
        response = await fetch(form.action, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(body),
          credentials: "same-origin",
        });
        result = await response.json();
      } catch (error) {
        result = { error: messages.network };
      }
      if (!response || !response.ok) {
        button.disabled = false;
        button.textContent = label;
        showError(result);
        return;
      }
      cart.saveLastOrder(result);
      cart.clear();
      render();
      try {
        history.replaceState(null, "", result.order_url);
      } catch (error) {
        // Another origin (a proxy in front): keep this URL, the order page link still works.
      }
      window.location.assign(result.next || result.whatsapp_url);
    }

    // What the shopper typed is part of the cart they are filling: it survives a reload.
    // Details saved on this phone after an earlier order (by choice, on the order page)
    // fill what is still empty; they leave this browser only inside an order.
    const FIELDS = ["name", "phone", "address", "notes", "coupon"];
    function fillDetails() {
      if (!form) return;
      const typed = cart.read().details || {};
      const saved = cart.savedDetails();
      FIELDS.forEach((name) => {
        const field = form.elements.namedItem(name);
        const value = typed[name] || (saved && saved[name]) || "";
        if (field && !field.value && value) field.value = value;
      });
      const method = typed.shipping || (saved && saved.shipping);
      const radio = method && form.querySelector(`input[name=shipping_method_id][value="${Number(method)}"]`);
      if (radio && !selectedMethod()) radio.checked = true;
      showForget(saved);
    }

    function showForget(saved) {
      let button = form.querySelector("[data-forget]");
      if (!saved) {
        if (button) button.remove();
        return;
      }
      if (button) return;
      button = document.createElement("button");
      button.type = "button";
      button.className = "link-button forget";
      button.dataset.forget = "";
      button.textContent = messages.forget;
      button.addEventListener("click", () => {
        cart.forgetDetails();
        const data = cart.read();
        delete data.details;
        cart.write(data);
        FIELDS.forEach((name) => {
          const field = form.elements.namedItem(name);
          if (field) field.value = "";
        });
        form.querySelectorAll("input[name=shipping_method_id]").forEach((input) => {
          input.checked = input.defaultChecked;
        });
        button.remove();
        updateTotals(refresh(cart.read()));
        form.elements.namedItem("name").focus();
      });
      form.querySelector("h2").after(button);
    }

    function keepDetails() {
      const data = cart.read();
      const method = selectedMethod();
      data.details = { shipping: method ? Number(method.value) : null };
      FIELDS.forEach((name) => {
        const field = form.elements.namedItem(name);
        data.details[name] = field ? field.value : "";
      });
      cart.write(data);
    }

    if (form) {
      form.addEventListener("input", keepDetails);
      form.addEventListener("change", keepDetails);
    }

    function show() {
      // A shared link's ?code=VERANO10 goes into the cart's code field (read here, in
      // the browser: the page itself stays the same cached page for everyone).
      fillDetails();
      const linked = new URLSearchParams(window.location.search).get("code");
      if (form && linked && form.elements.namedItem("coupon")) {
        form.elements.namedItem("coupon").value = linked.slice(0, 32);
        keepDetails();
      }
      render();
    }
    show();
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) show();
    });
    return show;
  }

  // Pickup and delivery times (shop.ordering.slots): the chosen method's free times,
  // asked of the server when it is chosen (times pass and places fill: the cached page
  // cannot carry them), the earliest picked already. After a refusal (the time filled
  // up), the list is asked for again.
  function pickupTimes(form) {
    const blocks = form ? Array.from(form.querySelectorAll("[data-slot-for]")) : [];
    const block = (method) => (method ? blocks.find((each) => each.dataset.slotFor === method.value) : null) || null;
    const loaded = new Set();

    async function load(each) {
      loaded.add(each);
      const select = each.querySelector("[data-slot-pick]");
      let days = [];
      try {
        const response = await fetch(each.dataset.times, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (response.ok) days = (await response.json()).days || [];
      } catch (error) {
        loaded.delete(each); // offline: asked again next time
        return;
      }
      const before = select.value;
      select.replaceChildren();
      days.forEach((day) => {
        const group = document.createElement("optgroup");
        group.label = day.day;
        day.slots.forEach((slot) => {
          const option = new Option(day.day + ", " + slot.label, slot.key);
          group.append(option);
        });
        select.append(group);
      });
      if (before && Array.from(select.options).some((option) => option.value === before)) select.value = before;
      each.querySelector("[data-slot-none]").hidden = days.length > 0;
      select.hidden = days.length === 0;
    }

    return {
      block(method, reload) {
        const each = block(method);
        if (each && reload) load(each);
        return each;
      },
      show(method) {
        const chosen = block(method);
        blocks.forEach((each) => {
          each.hidden = each !== chosen;
          each.querySelector("select").disabled = each !== chosen;
        });
        if (chosen && !loaded.has(chosen)) load(chosen);
      },
      picked(method) {
        const chosen = block(method);
        return chosen ? chosen.querySelector("[data-slot-pick]").value || null : null;
      },
    };
  }

  // Delivery zones (shop.ordering.zones): the chosen method's way in (its location, its
  // area, a postal code) and an estimate of its fee, by the same rules as the server,
  // which works the fee out again at checkout. The location is asked for only once a
  // method with distance bands is chosen; refused or unavailable, the list and the
  // postal code are there. It leaves this browser only inside the order.
  function deliveryZones(form, changed) {
    const located = new Map();
    const blocks = form ? Array.from(form.querySelectorAll("[data-zone-for]")) : [];
    const block = (method) => (method ? blocks.find((each) => each.dataset.zoneFor === method.value) : null) || null;
    const canLocate = Boolean(navigator.geolocation) && window.isSecureContext !== false;
    blocks.forEach((each) => {
      const button = each.querySelector("[data-share-location]");
      if (!button) return;
      button.hidden = !canLocate;
      button.addEventListener("click", () => locate(each));
      if (!canLocate) refused(each);
    });

    function refused(each) {
      const status = each.querySelector("[data-location-status]");
      status.textContent = status.dataset.refused;
    }

    function locate(each) {
      const status = each.querySelector("[data-location-status]");
      if (!canLocate) return;
      status.textContent = status.dataset.asking;
      navigator.geolocation.getCurrentPosition((position) => {
        located.set(each.dataset.zoneFor, [position.coords.latitude, position.coords.longitude]);
        status.textContent = status.dataset.found;
        changed();
      }, () => {
        refused(each);
        const fallback = each.querySelector("[data-zone-pick], [data-zone-postal]");
        if (fallback) fallback.focus();
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    }

    function metres(a, b) {
      const radians = (degrees) => (degrees * Math.PI) / 180;
      const h = Math.sin(radians(b[0] - a[0]) / 2) ** 2 +
        Math.cos(radians(a[0])) * Math.cos(radians(b[0])) * Math.sin(radians(b[1] - a[1]) / 2) ** 2;
      return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
    }

    function postalMatch(codes, postal) {
      let best = 0;
      for (const code of codes) {
        if (code.endsWith("*")) {
          if (postal.startsWith(code.slice(0, -1))) best = Math.max(best, code.length);
        } else if (code === postal) return 100;
      }
      return best;
    }

    // The zone that takes the shopper, as shop.ordering.zones.find_zone picks it.
    function find(each) {
      const data = JSON.parse(each.dataset.zones);
      const pick = each.querySelector("[data-zone-pick]");
      const typed = each.querySelector("[data-zone-postal]");
      const point = located.get(each.dataset.zoneFor);
      const given = Boolean((pick && pick.value) || (typed && typed.value.trim()) || point);
      if (pick && pick.value) {
        const zone = data.zones.find((z) => z.kind === "list" && String(z.id) === pick.value);
        if (zone) return { zone, given };
      }
      const postal = typed ? typed.value.replace(/[\s.-]/g, "").toUpperCase() : "";
      if (postal) {
        let best = null;
        let score = 0;
        data.zones.filter((z) => z.kind === "postal").forEach((z) => {
          const found = postalMatch(z.codes, postal);
          if (found > score) [best, score] = [z, found];
        });
        if (best) return { zone: best, given };
      }
      if (point && data.origin) {
        const away = metres(data.origin, point);
        const band = data.zones.filter((z) => z.kind === "distance").sort((a, b) => a.max_m - b.max_m)
          .find((z) => away <= z.max_m);
        if (band) return { zone: band, given };
      }
      return { zone: data.zones.find((z) => z.kind === "everywhere") || null, given };
    }

    return {
      block,
      // Show the chosen method's block (the others off, so nothing of theirs is sent);
      // the estimated fee, or null when the method has no zones.
      show(method, subtotal) {
        const chosen = block(method);
        blocks.forEach((each) => {
          each.hidden = each !== chosen;
          each.querySelectorAll("input, select").forEach((field) => {
            field.disabled = each !== chosen;
          });
        });
        if (!chosen) return null;
        const note = chosen.querySelector("[data-zone-note]");
        const { zone, given } = find(chosen);
        if (!zone) {
          note.textContent = given ? note.dataset.outside : "";
          return 0;
        }
        const label = zone.label || "";
        if (zone.min && subtotal < zone.min) {
          note.textContent = note.dataset.min.replace("{zone}", label).replace("{amount}", cart.money(zone.min));
          return zone.fee;
        }
        const fee = zone.free !== null && subtotal >= zone.free ? 0 : zone.fee;
        note.textContent = !label ? "" : fee ? note.dataset.fee.replace("{zone}", label).replace("{fee}", cart.money(fee)) :
          note.dataset.free.replace("{zone}", label);
        return fee;
      },
      // A method with distance bands was chosen: ask for the location now (once).
      chosen(method) {
        const chosen = block(method);
        if (chosen && chosen.querySelector("[data-share-location]") && !located.has(chosen.dataset.zoneFor)) locate(chosen);
      },
      // What checkout is told of where the shopper is (the server checks all of it).
      where(method) {
        const chosen = block(method);
        if (!chosen) return {};
        const pick = chosen.querySelector("[data-zone-pick]");
        const typed = chosen.querySelector("[data-zone-postal]");
        const point = located.get(chosen.dataset.zoneFor);
        return {
          zone_id: pick && pick.value ? Number(pick.value) : null,
          postal_code: typed ? typed.value.trim() : "",
          latitude: point ? point[0] : null,
          longitude: point ? point[1] : null,
        };
      },
    };
  }
})();
