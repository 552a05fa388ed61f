// MES service worker: an offline page, and nothing else.
//
// It NEVER stores health data. The only things in Cache Storage are the offline page and its
// static assets (icons), stored once at install (PRECACHE). No response is ever put in a cache
// at run time: no API answer, no websocket, no page, nothing behind a login.
//
// - GET navigations (opening or reloading a page) go to the network; only when the network fails
//   (offline) is the offline page shown instead. HTTP errors, redirects, every answer of the
//   server reach the page as they are.
// - Every other request (scripts, API calls, uploads, downloads, /api/... navigations, POSTs,
//   the event websocket) is not touched: no respondWith, the browser fetches it as usual.
"use strict";

const CACHE = "mes-offline-v1";
const OFFLINE_URL = "/offline.html";
const PRECACHE = [
  OFFLINE_URL,
  "/icon-192.png",
  "/icon-512.png",
  "/icon-maskable-192.png",
  "/icon-maskable-512.png",
  "/favicon.ico",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "omit" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    // Drop every other cache of this origin's workers (older versions).
    for (const name of await caches.keys()) {
      if (name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function isPageNavigation(request) {
  if (request.mode !== "navigate" || request.method !== "GET") return false;
  const url = new URL(request.url);
  return url.origin === self.location.origin && !url.pathname.startsWith("/api/") && !url.pathname.startsWith("/_");
}

// No navigation preload: a request the worker lets through (a one-time link under /api/) must not
// be sent twice.
async function networkFirst(event) {
  try {
    return await fetch(event.request);
  } catch (offline) {
    const page = await caches.match(OFFLINE_URL, { cacheName: CACHE });
    return page || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  if (isPageNavigation(event.request)) event.respondWith(networkFirst(event));
  // Anything else: no respondWith, so the browser handles the request itself, untouched.
});
