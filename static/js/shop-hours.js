// "Open now, closes at 20:00" / "Closed, opens Monday at 09:00", worked out here because
// the page is cached for everyone: it carries the hours (merged intervals in minutes
// since Monday 00:00 on the shop's clock, over three weeks) and the phrases, and this
// applies the same rule as shop/lib/hours.py status() to the shop's clock now.
(function () {
  "use strict";
  const DAY = 24 * 60;
  const WEEK = 7 * DAY;
  const source = document.getElementById("hours-data");
  const line = document.querySelector("[data-hours-status]");
  if (!source || !line) return;
  const data = JSON.parse(source.textContent);
  const WEEKDAYS = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

  // The shop's wall clock as minutes since Monday 00:00, in its own time zone.
  function weekMinute(date) {
    let parts;
    try {
      parts = new Intl.DateTimeFormat("en-US", {
        timeZone: data.zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      }).formatToParts(date);
    } catch (error) {
      return null; // a zone this browser does not know: say nothing rather than guess
    }
    const get = (type) => parts.find((part) => part.type === type).value;
    return WEEKDAYS[get("weekday")] * DAY + (Number(get("hour")) % 24) * 60 + Number(get("minute"));
  }

  function hhmm(minutes) {
    const m = ((minutes % DAY) + DAY) % DAY;
    return String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0");
  }

  function when(at, now) {
    const time = hhmm(at);
    const ahead = Math.floor(at / DAY) - Math.floor(now / DAY);
    if (ahead === 0) return data.texts.today.replace("{time}", time);
    if (ahead === 1) return data.texts.tomorrow.replace("{time}", time);
    const day = data.days[(((Math.floor(at / DAY)) % 7) + 7) % 7];
    return data.texts.day.replace("{day}", day).replace("{time}", time);
  }

  function describe(now) {
    for (const [start, end] of data.intervals) {
      if (start <= now && now < end) {
        if (end - start >= 2 * WEEK) return [true, data.texts.open];
        return [true, data.texts.openUntil.replace("{time}", hhmm(end))];
      }
    }
    const next = Math.min(...data.intervals.map(([start]) => start).filter((start) => start > now));
    return [false, data.texts.closed.replace("{when}", when(next, now))];
  }

  function update() {
    const now = weekMinute(new Date());
    if (now === null) return;
    const [open, text] = describe(now);
    line.textContent = text;
    line.classList.toggle("is-open", open);
    line.classList.toggle("is-closed", !open);
    line.hidden = false;
  }

  update();
  setInterval(update, 60 * 1000);
})();
