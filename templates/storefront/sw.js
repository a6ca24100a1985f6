// {{ shop.name|tojson }}'s service worker (shop/storefront/home_screen.py). Pages come
// from the network when it answers within 2 s, else from what this worker kept; photos,
// styles and scripts (their names change with their content) from what it kept first.
// It keeps only what it may (GET, 200, never no-store or private), only this shop's
// pages, at most {{ max_pages }} pages and {{ "%g"|format(max_bytes / 1000000) }} MB, and never sends anything by itself.
"use strict";
const VERSION = {{ version|tojson }};
const SCOPE = {{ scope|tojson }};
const PREFIX = "vitrina-" + {{ shop.id|tojson }} + "-";
const PAGES = PREFIX + "pages-" + VERSION;
const FILES = PREFIX + "files-" + VERSION;
const MAX_PAGES = {{ max_pages }};
const MAX_BYTES = {{ max_bytes }};
const WAIT_MS = 2000;
const OFFLINE = {{ {
  "lang": shop.language,
  "title": _("No connection"),
  "text": _("This page needs a connection. The pages of this shop you have already seen still open."),
  "back": _("Back to the shop"),
}|tojson }};
{% if not enabled %}
// Switched off by the operator: remove this worker and everything it kept.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX)).map((key) => caches.delete(key))))
    .then(() => self.registration.unregister()));
});
{% else %}
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  // A new release: what the old one kept goes, so nobody is stuck on old pages.
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys
      .filter((key) => key.startsWith(PREFIX) && !key.endsWith(VERSION))
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

// The page that installed this worker loaded before it ran: it sends what it used (the
// page, its styles, scripts and photos), kept now so the next visit works offline too.
self.addEventListener("message", (event) => {
  const urls = (event.data && Array.isArray(event.data.keep)) ? event.data.keep.slice(0, 200) : [];
  event.waitUntil(Promise.all(urls.map(async (href) => {
    let url;
    try {
      url = new URL(href, self.location.origin);
    } catch (error) {
      return;
    }
    if (!href || (!isFile(url) && !inShop(url))) return;
    try {
      const response = await fetch(url.href);
      if (keepable(response)) await keep(isFile(url) ? FILES : PAGES, new Request(url.href), response);
    } catch (error) {
      // Not kept: it is fetched again when next needed.
    }
  })));
});

function inShop(url) {
  return url.origin === self.location.origin
    && (SCOPE === "/" || url.pathname === SCOPE || url.pathname.startsWith(SCOPE + "/"))
    && !url.pathname.endsWith("/sw.js");
}

function isFile(url) {
  return url.origin === self.location.origin && /^\/(static|media)\//.test(url.pathname);
}

function keepable(response) {
  const caching = response.headers.get("Cache-Control") || "";
  return response.status === 200 && response.type === "basic" && !/no-store|private/.test(caching);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;  // an order is only ever sent by the shopper's tap
  const url = new URL(request.url);
  if (isFile(url)) event.respondWith(fromCacheFirst(request));
  else if (inShop(url)) event.respondWith(fromNetworkFirst(request, event));
});

async function fromCacheFirst(request) {
  const kept = await caches.match(request, { cacheName: FILES });
  if (kept) return kept;
  const response = await fetch(request);
  if (keepable(response)) await keep(FILES, request, response.clone());
  return response;
}

async function fromNetworkFirst(request, event) {
  // Asked of the server each time (a 304 costs it almost nothing): the browser's own
  // cache would otherwise answer for a minute with what the worker already has.
  const network = fetch(request, { cache: "no-cache" }).then(async (response) => {
    if (keepable(response)) await keep(PAGES, request, response.clone());
    return response;
  });
  event.waitUntil(network.catch(() => null));  // a late answer is still kept for next time
  const slow = new Promise((resolve) => setTimeout(resolve, WAIT_MS, "slow"));
  const first = await Promise.race([network.catch(() => "failed"), slow]);
  if (first !== "slow" && first !== "failed") return first;
  const kept = await caches.match(request, { cacheName: PAGES, ignoreVary: true });
  if (kept) return kept;
  try {
    return await network;  // nothing kept: wait for the network after all
  } catch (error) {
    return offline(request);
  }
}

function offline(request) {
  if (request.mode !== "navigate") return Response.error();
  const escape = (text) => text.replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const html = `<!doctype html><html lang="${escape(OFFLINE.lang)}"><meta charset="utf-8">`
    + `<meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${escape(OFFLINE.title)}</title><body style="font-family:system-ui,sans-serif;padding:1.5rem">`
    + `<h1>${escape(OFFLINE.title)}</h1><p data-offline>${escape(OFFLINE.text)}</p>`
    + `<p><a href="${escape(SCOPE)}">${escape(OFFLINE.back)}</a></p></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// Kept in the order they came; the oldest go first past the limits. Each entry records
// its size, so the megabytes are counted without reading the bodies again.
async function keep(cacheName, request, response) {
  const body = await response.blob();
  const headers = new Headers(response.headers);
  headers.set("X-Kept-Bytes", String(body.size));
  const cache = await caches.open(cacheName);
  await cache.delete(request, { ignoreVary: true });
  await cache.put(request, new Response(body, { status: 200, headers }));
  await trim();
}

async function trim() {
  const pages = await caches.open(PAGES);
  const files = await caches.open(FILES);
  let pageKeys = await pages.keys();
  while (pageKeys.length > MAX_PAGES) {
    await pages.delete(pageKeys.shift());
  }
  const entries = [];
  for (const [cache, keys] of [[files, await files.keys()], [pages, pageKeys]]) {
    for (const key of keys) {
      const kept = await cache.match(key);
      entries.push({ cache, key, bytes: kept ? Number(kept.headers.get("X-Kept-Bytes") || 0) : 0 });
    }
  }
  let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  for (const entry of entries) {  // photos first, then pages, each oldest first
    if (total <= MAX_BYTES) break;
    await entry.cache.delete(entry.key);
    total -= entry.bytes;
  }
}
{% endif %}
