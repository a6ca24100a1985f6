// Catalog pages: conveniences on top of forms that already work without JavaScript.
(() => {
  // "Select all on this page" for the bulk form (hidden when there is no script).
  const all = document.getElementById("select-all");
  if (all) {
    const picks = () => Array.from(document.querySelectorAll("input.pick"));
    all.hidden = false;
    all.parentElement.querySelector(".select-all-label").hidden = false;
    all.addEventListener("change", () => picks().forEach((box) => { box.checked = all.checked; }));
    document.addEventListener("change", (event) => {
      if (event.target.classList && event.target.classList.contains("pick")) {
        all.checked = picks().every((box) => box.checked);
      }
    });
  }

  // The category choice only matters when moving: show it then.
  const action = document.getElementById("bulk-action");
  const category = document.getElementById("bulk-category");
  if (action && category) {
    const label = document.querySelector('label[for="bulk-category"]');
    const sync = () => {
      const moving = action.value === "move";
      category.hidden = !moving;
      if (label) label.hidden = !moving;
    };
    action.addEventListener("change", sync);
    sync();
  }

  // A second tap on Save while photos upload would create the product twice.
  document.querySelectorAll("form[data-submit-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      form.querySelectorAll("button[type=submit]").forEach((button) => {
        button.setAttribute("aria-disabled", "true");
      });
    });
  });
})();
