/* Service worker (VERSION and SHELL are prepended by the server).
   - App shell (styles, script, logo, icons, offline page): cached on install, served cache-first.
   - Catalogue pages and catalogue API answers: network first, the last seen copy kept for offline use.
   - Any other page while offline: the offline page. Nothing that changes data is ever cached. */
"use strict";
const SHELL_CACHE = "shell-" + VERSION;
const PAGES_CACHE = "pages-" + VERSION;
const CATALOGUE = [
  /^\/$/,
  /^\/services(\/|$)/,
  /^\/report$/,
  /^\/report\/[^/]+$/,
  /^\/news(\/|$)/,
  /^\/prices(\/|$)/,
  /^\/apps$/,
  /^\/api\/(services|groups|profile|regions)(\/|$)/
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL_CACHE && k !== PAGES_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isCatalogue(url) {
  return CATALOGUE.some((pattern) => pattern.test(url.pathname));
}

async function networkFirst(request, keep) {
  try {
    const response = await fetch(request);
    if (keep && response.ok && response.type === "basic") {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    if (request.mode === "navigate") {
      const offline = await caches.match("/offline");
      if (offline) return offline;
    }
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/icons/") ||
      url.pathname === "/brand.css" || url.pathname === "/logo.svg") {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (url.pathname.startsWith("/desk") || url.pathname === "/sw.js") return;
  if (request.mode === "navigate" || isCatalogue(url)) {
    event.respondWith(networkFirst(request, isCatalogue(url)));
  }
});

/* Web push: a report's new status, shown as a notification that opens its tracking page. */
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { title: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "", {
      body: message.body || "",
      icon: "/icons/icon-192.png",
      data: { url: message.url || "/" }
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url || "/", self.location.origin);
  const path = target.origin === self.location.origin ? target.pathname : "/";
  event.waitUntil(self.clients.openWindow(path));
});
