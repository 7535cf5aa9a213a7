{% autoescape off %}/* 街道巡查 service worker (scope {{ scope }}): keeps the app's shell so it opens without signal.
   Pages: network first, the last good copy when offline. Static assets: cache first (the cache's
   name carries a hash of their content, so a deploy replaces them). Case photos seen once stay
   available offline. Writes are never touched here: the pages' outbox (IndexedDB) sends them. */
"use strict";

var VERSION = "{{ version }}";
var SHELL = "jiedao-field-shell-" + VERSION;
var PAGES_CACHE = "jiedao-field-pages";
var PHOTOS_CACHE = "jiedao-field-photos";
var SCOPE = "{{ scope }}";
var ASSETS = {{ assets_json }};
var PAGES = {{ pages_json }};
var PHOTO_PREFIX = {{ photo_prefix_json }};
var STATIC_PREFIX = {{ static_prefix_json }};
var OFFLINE_TITLE = {{ offline_title_json }};
var OFFLINE_TEXT = {{ offline_text_json }};
var PHOTO_LIMIT = 200;

function isGoodPage(response) {
  // A redirect to the sign-in page or an error is not a page to keep.
  return response && response.ok && !response.redirected && response.type === "basic";
}

self.addEventListener("install", function (event) {
  event.waitUntil((async function () {
    var shell = await caches.open(SHELL);
    await shell.addAll(ASSETS);
    var pages = await caches.open(PAGES_CACHE);
    await Promise.all(PAGES.map(async function (url) {
      try {
        var response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (isGoodPage(response)) { await pages.put(url, response); }
      } catch (error) { /* offline at install: the pages are kept on the next visit */ }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", function (event) {
  event.waitUntil((async function () {
    var names = await caches.keys();
    await Promise.all(names.filter(function (name) {
      return name.indexOf("jiedao-field-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
    await self.clients.claim();
  })());
});

async function pageFromNetwork(request) {
  var url = new URL(request.url);
  var key = url.pathname;
  try {
    var response = await fetch(request);
    if (isGoodPage(response)) {
      var pages = await caches.open(PAGES_CACHE);
      await pages.put(key, response.clone());
    }
    return response;
  } catch (error) {
    var pagesCache = await caches.open(PAGES_CACHE);
    var cached = (await pagesCache.match(key)) || (await pagesCache.match(SCOPE));
    if (cached) { return cached; }
    return new Response(
      "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width,initial-scale=1'>" +
      "<title>" + OFFLINE_TITLE + "</title><body style='font-family:sans-serif;padding:24px'><h1>" +
      OFFLINE_TITLE + "</h1><p>" + OFFLINE_TEXT + "</p></body>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
}

async function assetFromCache(request) {
  var cached = await caches.match(request, { ignoreSearch: true });
  if (cached) { return cached; }
  var response = await fetch(request);
  if (response.ok) {
    var shell = await caches.open(SHELL);
    await shell.put(request, response.clone());
  }
  return response;
}

async function photoFromCache(request) {
  var photos = await caches.open(PHOTOS_CACHE);
  var cached = await photos.match(request);
  if (cached) { return cached; }
  var response = await fetch(request);
  if (response.ok && !response.redirected) {
    await photos.put(request, response.clone());
    var keys = await photos.keys();
    for (var i = 0; i < keys.length - PHOTO_LIMIT; i += 1) { await photos.delete(keys[i]); }
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname.indexOf(SCOPE) === 0) {
    event.respondWith(pageFromNetwork(request));
  } else if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(assetFromCache(request));
  } else if (url.pathname.indexOf(PHOTO_PREFIX) === 0 && url.pathname.indexOf("/photos/") > 0) {
    event.respondWith(photoFromCache(request));
  }
});

// Background Sync (where the browser has it): wake the open pages to send their outbox.
self.addEventListener("sync", function (event) {
  if (event.tag !== "jiedao-field-outbox") { return; }
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage({ type: "drain-outbox" }); });
  }));
});
{% endautoescape %}
