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
  if (button.dataset.report) report(button.dataset.report, button.dataset.csrf);
});

// "Share your link" on the set-up checklist: opening the share page counts (a POST, as
// a GET never changes anything).
function report(url, token) {
  fetch(url, { method: "POST", headers: { "X-CSRFToken": token } });
}
const opened = document.querySelector("[data-report-open]");
if (opened) report(opened.dataset.reportOpen, opened.dataset.csrf);
// A status button that opened WhatsApp in a new tab: this page shows the new status
// when the merchant comes back to it.
let movedElsewhere = false;
document.addEventListener("submit", (event) => {
  if (!event.defaultPrevented && event.target.matches("form[data-tell]")) movedElsewhere = true;
});
document.addEventListener("visibilitychange", () => {
  if (movedElsewhere && document.visibilityState === "visible") window.location.reload();
});
