// Product page: the gallery's "2 / 5" counter and the share button.
(function () {
  "use strict";
  const track = document.querySelector(".gallery-track");
  const position = document.querySelector("[data-gallery-position]");
  if (track && position) {
    track.addEventListener("scroll", () => {
      const index = Math.round(track.scrollLeft / track.clientWidth);
      position.textContent = String(Math.abs(index) + 1);
    }, { passive: true });
  }

  const share = document.querySelector("[data-share]");
  if (share) {
    share.addEventListener("click", (event) => {
      const url = share.href;
      if (navigator.share) {
        event.preventDefault();
        navigator.share({ title: share.dataset.title, url: url }).catch(() => {});
      } else if (navigator.clipboard) {
        event.preventDefault();
        navigator.clipboard.writeText(url).then(() => {
          share.textContent = document.getElementById("shop-messages").dataset.copied;
        });
      }
    });
  }
})();

// Product options: the price follows the choices, sold-out size/colour combinations
// cannot be chosen, and "Add to cart" gets the choices (see VitrinaOptions.chosen).
(function () {
  "use strict";
  const box = document.querySelector("[data-options]");
  if (!box || !window.VitrinaCart) return;
  const cart = window.VitrinaCart;
  const messages = cart.messages;
  const soldOut = new Set(JSON.parse(box.dataset.soldOut || "[]"));
  const groups = Array.from(box.querySelectorAll("[data-group]"));
  const variantGroups = groups.filter((group) => group.dataset.variant === "1");
  const addButton = document.querySelector("[data-add-to-cart]");
  const priceNow = document.querySelector(".product-price .price-now");
  const basePrice = addButton ? Number(addButton.dataset.price) : 0;
  const problemBox = document.querySelector("[data-options-problem]");

  function checked(group) {
    return Array.from(group.querySelectorAll("input:checked"));
  }

  function groupName(group) {
    return group.querySelector("[data-group-name]").textContent;
  }

  function key(ids) {
    return ids.slice().sort((a, b) => a - b).join("-");
  }

  // With every size/colour group but one answered, disable the choices of that one
  // whose combination has no units left.
  function disableSoldOut() {
    if (!variantGroups.length) return;
    variantGroups.forEach((group) => {
      const others = variantGroups.filter((other) => other !== group);
      const picked = others.map((other) => checked(other)[0]);
      const complete = picked.every(Boolean);
      group.querySelectorAll("input").forEach((input) => {
        const ids = complete ? [...picked.map((p) => Number(p.value)), Number(input.value)] : null;
        const gone = ids !== null && soldOut.has(key(ids));
        input.disabled = gone;
        input.closest("label").classList.toggle("is-sold-out", gone);
        if (gone) input.checked = false;
      });
    });
  }

  function chosen() {
    const choices = [];
    const parts = [];
    let delta = 0;
    let problem = "";
    groups.forEach((group) => {
      const picked = checked(group);
      const min = Number(group.dataset.min);
      const max = Number(group.dataset.max);
      if (!problem && picked.length < min) problem = messages.chooseOption.replace("{group}", groupName(group));
      if (!problem && picked.length > max) {
        problem = messages.chooseAtMost.replace("{max}", String(max)).replace("{group}", groupName(group));
      }
      if (picked.length) {
        const names = picked.map((input) => input.closest("label").querySelector("[data-choice-name]").textContent);
        parts.push(groupName(group) + ": " + names.join(", "));
      }
      picked.forEach((input) => {
        choices.push(Number(input.value));
        delta += Number(input.dataset.delta);
      });
    });
    const variant = variantGroups.flatMap((group) => checked(group).map((input) => Number(input.value)));
    if (!problem && variant.length && soldOut.has(key(variant))) problem = messages.combinationSoldOut;
    return { choices: choices, options: parts.join(", "), delta: delta, problem: problem };
  }

  function update() {
    disableSoldOut();
    const current = chosen();
    if (priceNow) priceNow.textContent = cart.money(Math.max(0, basePrice + current.delta));
    if (problemBox) {
      problemBox.hidden = true;
      problemBox.textContent = "";
    }
  }

  // What stops this choice from being ordered, next to the choices, for screen readers too.
  function showProblem(text) {
    if (!problemBox) return;
    problemBox.textContent = text;
    problemBox.hidden = false;
  }

  box.addEventListener("change", update);
  update();
  window.VitrinaOptions = { chosen: chosen, showProblem: showProblem };
})();
