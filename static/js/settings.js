// Shop set-up, settings and shipping forms: small helps, all optional (the server decides).
(() => {
  // The link follows the name while typing, until the merchant edits the link itself.
  const name = document.querySelector("[data-slug-source]");
  const slug = document.querySelector("[data-slug-target]");
  const slugify = (text) =>
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/ß/g, "ss")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "");
  if (name && slug) {
    let auto = slug.value === "" || slug.value === slugify(name.value);
    name.addEventListener("input", () => {
      if (auto) slug.value = slugify(name.value);
    });
    slug.addEventListener("input", () => {
      auto = slug.value === "";
    });
  }

  // The currency follows the WhatsApp country until the merchant picks one.
  const country = document.querySelector("[data-currency-source]");
  const currency = document.querySelector("[data-currency-target]");
  if (country && currency) {
    let picked = false;
    currency.addEventListener("change", () => {
      picked = true;
    });
    country.addEventListener("change", () => {
      const option = country.options[country.selectedIndex];
      const code = option && option.dataset.currency;
      if (!picked && code && [...currency.options].some((o) => o.value === code)) {
        currency.value = code;
      }
    });
  }

  // So does the shop's language, where the country speaks one of ours.
  const language = document.querySelector("[data-language-target]");
  if (country && language) {
    let picked = false;
    language.addEventListener("change", () => {
      picked = true;
    });
    country.addEventListener("change", () => {
      const option = country.options[country.selectedIndex];
      const code = option && option.dataset.language;
      if (!picked && code && [...language.options].some((o) => o.value === code)) {
        language.value = code;
      }
    });
  }

  // A file over the limit is refused here, before the upload loses the other fields.
  for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
    input.addEventListener("change", () => {
      const limit = Number(input.dataset.maxBytes);
      const tooBig = [...input.files].some((file) => file.size > limit);
      let note = input.parentElement.querySelector(".error.too-big");
      if (tooBig) {
        input.value = "";
        if (!note) {
          note = document.createElement("p");
          note.className = "error too-big";
          note.setAttribute("role", "alert");
          input.after(note);
        }
        note.textContent = input.dataset.tooBig || "";
      } else if (note) {
        note.remove();
      }
    });
  }

  // A double tap sends the form once.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-once")) return;
    const buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    // Disabled after the browser has read the pressed button's name and value.
    setTimeout(() => buttons.forEach((b) => (b.disabled = true)), 0);
    setTimeout(() => buttons.forEach((b) => (b.disabled = false)), 8000);
  });
  window.addEventListener("pageshow", () => {
    for (const b of document.querySelectorAll("form[data-once] button")) b.disabled = false;
  });
})();
