// Dashboard behaviour without inline scripts: confirmation prompts and copy buttons.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const target = document.getElementById(button.dataset.copy);
  if (!target) return;
  navigator.clipboard.writeText(target.value || target.textContent).then(() => {
    button.textContent = button.dataset.copied || "✓";
  });
  // Copying the shop link ticks "share your link" on the set-up checklist.
  if (button.dataset.report) {
    fetch(button.dataset.report, { method: "POST", headers: { "X-CSRFToken": button.dataset.csrf } });
  }
});
