// Live preview of the WhatsApp messages (the order's, and each update to the shopper): the
// server renders a sample order with the texts
// being typed (the same code as a real order), so the preview is exactly what is sent.
(() => {
  const output = document.querySelector("[data-preview-output]");
  if (!output) return;
  const form = output.closest("form");
  const errorBox = document.querySelector("[data-preview-error]");
  const token = form.querySelector("input[name=csrf_token]").value;
  let timer = null;
  let latest = 0;

  async function refresh() {
    const asked = ++latest;
    const body = {};
    form.querySelectorAll("[data-preview]").forEach((input) => {
      body[input.name] = input.value;
    });
    let result;
    try {
      const response = await fetch(output.dataset.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify(body),
        credentials: "same-origin",
      });
      result = await response.json();
    } catch (error) {
      return; // offline for a moment: the preview waits for the next change
    }
    if (asked !== latest) return; // an older answer arriving late
    errorBox.hidden = !result.error;
    errorBox.textContent = result.error || "";
    if (result.text !== undefined) output.textContent = result.text;
    Object.entries(result.updates || {}).forEach(([kind, text]) => {
      const box = form.querySelector(`[data-update-preview="${kind}"]`);
      if (box) box.textContent = text;
    });
  }

  form.querySelectorAll("[data-preview]").forEach((input) => {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
  });
})();
