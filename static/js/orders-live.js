// The open orders page follows the shop. About every 20 seconds it asks for the same page
// with the ETag of what it shows (If-None-Match: while nothing moved the answer is a 304
// with no body) and swaps in the fresh list, keeping the ticked boxes. The tab title
// counts the new orders; orders still new after the shop's time are highlighted. With
// the merchant's permission each new order also shows a notification and plays a beep.
(() => {
  const PERIOD = 20000;
  const KEY = "vitrina-notify-orders";
  let live = document.querySelector("[data-orders-live]");
  if (!live) return;
  let latest = Number(live.dataset.latest) || 0;
  let busy = false;
  let audio = null;

  function highlight() {
    const after = Number(live.dataset.staleAfter) * 60000;
    const now = Date.now();
    for (const row of live.querySelectorAll("tr[data-created]")) {
      const old = after > 0 && row.dataset.status === "new" &&
        now - Date.parse(row.dataset.created) > after;
      row.classList.toggle("stale", old);
    }
  }

  function beep() {
    if (!audio) return;
    try {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
    } catch (error) {
      // No sound this time; the notification and the title still tell.
    }
  }

  function announce(rows) {
    if (localStorage.getItem(KEY) !== "on" || !("Notification" in window)) return;
    if (Notification.permission !== "granted") return;
    for (const row of rows) {
      const title = live.dataset.newOrder.replace("{number}", row.dataset.number);
      const name = row.querySelector("td.grow");
      const total = row.querySelector("td.num");
      const body = [name && name.textContent, total && total.textContent].filter(Boolean).join(" · ");
      new Notification(title, { body, tag: `order-${row.dataset.order}` });
    }
    if (rows.length) beep();
  }

  async function check() {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(window.location.href, {
        headers: { "If-None-Match": live.dataset.etag },
        cache: "no-store",
        credentials: "same-origin",
      });
      if (response.status !== 200) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("[data-orders-live]");
      if (!fresh) return;
      const ticked = new Set(
        [...live.querySelectorAll("input[name=ids]:checked")].map((box) => box.value),
      );
      for (const box of fresh.querySelectorAll("input[name=ids]")) box.checked = ticked.has(box.value);
      const size = live.querySelector("#print-size");
      const freshSize = fresh.querySelector("#print-size");
      if (size && freshSize) freshSize.value = size.value;
      live.replaceWith(fresh);
      live = fresh;
      document.title = page.title;
      const newest = Number(live.dataset.latest) || 0;
      const arrived = [...live.querySelectorAll("tr[data-order]")].filter(
        (row) => Number(row.dataset.order) > latest,
      );
      latest = Math.max(latest, newest);
      highlight();
      announce(arrived);
    } catch (error) {
      // Offline for a moment: the next check tries again.
    } finally {
      busy = false;
    }
  }

  // The merchant's yes: the browser's permission prompt, and the sound unlocked by the tap.
  const button = document.querySelector("[data-notify]");
  function show(state) {
    if (button && button.dataset[state]) button.textContent = button.dataset[state];
  }
  if (button) {
    if (!("Notification" in window)) show("unsupported");
    else if (localStorage.getItem(KEY) === "on" && Notification.permission === "granted") show("on");
    button.addEventListener("click", async () => {
      if (!("Notification" in window)) return show("unsupported");
      const Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) audio = new Context();
      const permission = await Notification.requestPermission();
      if (permission !== "granted") return show("denied");
      localStorage.setItem(KEY, "on");
      show("on");
      beep();
    });
  }

  highlight();
  window.setInterval(check, PERIOD);
  window.setInterval(highlight, 60000);
})();
