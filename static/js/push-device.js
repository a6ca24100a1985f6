// "Notify this device even with the tab closed": registers the dashboard's service
// worker, subscribes this browser to Web Push with the server's VAPID key and hands the
// subscription to the server (CSRF token in a header); the same button undoes it.
(() => {
  const box = document.querySelector("[data-push]");
  const button = box && box.querySelector("[data-push-toggle]");
  if (!button) return;
  const status = box.querySelector("[data-push-status]");
  const say = (text) => { status.textContent = text || ""; };
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    button.disabled = true;
    say(box.dataset.unsupported);
    return;
  }

  function keyBytes(base64url) {
    const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || response.statusText);
    return answer;
  }

  async function current() {
    const registration = await navigator.serviceWorker.register(box.dataset.worker, { scope: "/dashboard/" });
    await navigator.serviceWorker.ready;
    return { registration, subscription: await registration.pushManager.getSubscription() };
  }

  function show(on) {
    button.dataset.on = on ? "1" : "";
    button.textContent = on ? box.dataset.onLabel : box.dataset.offLabel;
  }

  async function toggle() {
    button.disabled = true;
    try {
      const { registration, subscription } = await current();
      if (subscription) {
        const answer = await post(box.dataset.unsubscribe, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
        show(false);
        say(answer.message);
        return;
      }
      if ((await Notification.requestPermission()) !== "granted") {
        say(box.dataset.denied);
        return;
      }
      const made = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.dataset.key),
      });
      const answer = await post(box.dataset.subscribe, made.toJSON());
      show(true);
      say(answer.message);
    } catch (error) {
      say(error.message);
    } finally {
      button.disabled = false;
    }
  }

  button.addEventListener("click", toggle);
  current()
    .then(({ subscription }) => show(Boolean(subscription)))
    .catch(() => show(false));
})();
