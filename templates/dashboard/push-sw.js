// Vitrina's dashboard service worker: shows a new-order notification pushed by the
// server (shop/push) and opens the order when it is tapped. It keeps nothing and
// answers no request, so the dashboard always comes from the network.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  const title = typeof message.title === "string" ? message.title : {{ _('New order')|tojson }};
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof message.body === "string" ? message.body : "",
      tag: typeof message.tag === "string" ? message.tag : undefined,
      data: { url: typeof message.url === "string" ? message.url : "/dashboard/orders" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // Only a page of this site: a pushed URL naming another origin opens the orders list.
  let target = new URL("/dashboard/orders", self.location.origin);
  try {
    const asked = new URL(event.notification.data.url, self.location.origin);
    if (asked.origin === self.location.origin) target = asked;
  } catch (error) {
    // keep the orders list
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target.href && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target.href);
    })
  );
});
