/* 街道巡查 — the field app on the phone.

   Everything the worker submits goes into an outbox on the device (IndexedDB) first, with its own
   idempotency key (crypto.randomUUID), and is sent from there in order: at once when there is
   signal, else when the signal returns (the online event, a timer, Background Sync where the
   browser has it). The server records each key once, so a retry never reports or acts twice.
   A refusal with a message (4xx) is shown and not retried; an expired session keeps the item and
   asks the worker to sign in again. Patrol points are recorded here too and sent in batches. */
(function () {
  "use strict";

  var configElement = document.getElementById("field-config");
  if (!configElement) { return; }
  var config = JSON.parse(configElement.textContent);
  var T = config.texts;
  var ZERO_UUID = "00000000-0000-0000-0000-000000000000";

  function fmt(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (match, name) {
      return values && values[name] !== undefined ? values[name] : match;
    });
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function csrfToken() {
    var name = config.csrfCookie + "=";
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i += 1) {
      var part = parts[i].trim();
      if (part.indexOf(name) === 0) { return decodeURIComponent(part.slice(name.length)); }
    }
    return "";
  }

  var toastTimer = null;
  function toast(message) {
    var element = document.getElementById("field-toast");
    if (!element) { return; }
    element.textContent = message;
    element.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { element.hidden = true; }, 5000);
  }

  function haversine(lon1, lat1, lon2, lat2) {
    var rad = Math.PI / 180;
    var dPhi = (lat2 - lat1) * rad;
    var dLambda = (lon2 - lon1) * rad;
    var a = Math.pow(Math.sin(dPhi / 2), 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dLambda / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  /* One page at a time (the worker may have several field pages open): the Web Locks API where
     the browser has it, else just run. */
  function withLock(name, work) {
    if (navigator.locks && typeof navigator.locks.request === "function") {
      return navigator.locks.request(name, work);
    }
    return Promise.resolve().then(work);
  }

  // ---------------------------------------------------------------- IndexedDB

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open("jiedao-field", 1);
        request.onupgradeneeded = function () {
          var database = request.result;
          if (!database.objectStoreNames.contains("outbox")) { database.createObjectStore("outbox", { keyPath: "key" }); }
          if (!database.objectStoreNames.contains("patrol")) { database.createObjectStore("patrol", { keyPath: "id" }); }
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  /* Run `work(stores)` in one transaction over `names`; resolves with work's result once committed. */
  function transact(names, mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var transaction = database.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = transaction.objectStore(name); });
        var result;
        try { result = work(stores); } catch (error) { transaction.abort(); reject(error); return; }
        transaction.oncomplete = function () { resolve(result && result.isHolder ? result.value : result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function requestValue(request) {
    var holder = { isHolder: true, value: undefined };
    request.onsuccess = function () { holder.value = request.result; };
    return holder;
  }

  // ---------------------------------------------------------------- the outbox

  var sequence = 0;
  function outboxItem(fields) {
    sequence += 1;
    var item = {
      key: newKey(), user: config.user, created: Date.now(), seq: Date.now() * 1000 + (sequence % 1000),
      status: "waiting", attempts: 0, nextTry: 0, message: "", receipt: null
    };
    Object.keys(fields).forEach(function (name) { item[name] = fields[name]; });
    return item;
  }

  var outbox = {
    all: function () {
      return transact(["outbox"], "readonly", function (stores) { return requestValue(stores.outbox.getAll()); })
        .then(function (items) { return (items || []).sort(function (a, b) { return a.seq - b.seq; }); });
    },
    put: function (item) {
      return transact(["outbox"], "readwrite", function (stores) { stores.outbox.put(item); });
    },
    remove: function (key) {
      return transact(["outbox"], "readwrite", function (stores) { stores.outbox.delete(key); });
    },
    add: function (item) {
      return outbox.put(item).then(function () {
        render();
        requestBackgroundSync();
        return item;
      });
    },
    send: send,
    drain: drain
  };

  function formBody(item) {
    var body = new FormData();
    (item.body.fields || []).forEach(function (pair) { body.append(pair[0], pair[1]); });
    (item.body.files || []).forEach(function (entry) { body.append(entry[0], entry[1], entry[2] || "photo.jpg"); });
    return body;
  }

  /* One attempt to deliver an item. The outcome says what to do with it next. */
  function send(item) {
    var headers = { "X-CSRFToken": csrfToken(), "Accept": "application/json" };
    var body;
    if (item.body.type === "json") {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(item.body.data);
    } else {
      body = formBody(item);
    }
    return fetch(item.url, { method: "POST", body: body, headers: headers, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          var status = response.status;
          if (response.ok) { return { outcome: "sent", status: status, data: data }; }
          // No session (401), a redirect to the sign-in page, or a CSRF refusal (403 csrf_failed):
          // keep the item, ask for a new sign-in.
          // A password an administrator set must first be changed: that too is a matter of signing in.
          if (status === 401 || response.type === "opaqueredirect" ||
              (status === 403 && !(data && data.detail && data.code !== "csrf_failed")) ||
              (data && data.code === "password_change_required")) {
            return { outcome: "signin", status: status };
          }
          if (status === 408 || status === 425 || status === 429 || status >= 500) {
            return { outcome: "retry", status: status };
          }
          return { outcome: "refused", status: status, message: (data && data.detail) || fmt(T.httpError, { status: status }) };
        });
      }, function () { return { outcome: "network" }; });
  }

  function backoff(attempts) {
    var base = Math.min(300000, 5000 * Math.pow(2, Math.max(0, attempts - 1)));
    return base + Math.floor(Math.random() * 1000);
  }

  var draining = null;
  var drainAgain = false;
  /* Send what waits, in order. Stops at the first item that cannot go now (no signal, server
     trouble, signed out), so that later items never overtake earlier ones. Asked again while
     sending, it runs once more afterwards (for what was added meanwhile). */
  function drain(force) {
    if (draining) {
      drainAgain = true;
      return draining;
    }
    draining = withLock("jiedao-field-outbox", function () { return outbox.all().then(function (items) {
      var mine = items.filter(function (item) {
        return item.user === config.user && (item.status === "waiting" || item.status === "sending" || item.status === "signin");
      });
      var step = function (index) {
        if (index >= mine.length) { return null; }
        var item = mine[index];
        if (!force && item.nextTry && item.nextTry > Date.now()) { return null; }
        item.status = "sending";
        return outbox.put(item).then(function () {
          render();
          return send(item);
        }).then(function (result) {
          if (result.outcome === "sent") {
            item.status = "sent";
            item.receipt = result.data;
            item.sentAt = Date.now();
            item.message = (result.data && result.data.message) || "";
            return outbox.put(item).then(function () { afterSent(item); return step(index + 1); });
          }
          if (result.outcome === "refused") {
            item.status = "refused";
            item.message = result.message;
            return outbox.put(item).then(function () { afterRefused(item); return step(index + 1); });
          }
          item.attempts += 1;
          item.nextTry = Date.now() + backoff(item.attempts);
          item.status = result.outcome === "signin" ? "signin" : "waiting";
          return outbox.put(item).then(function () { return null; });
        });
      };
      return step(0);
    }).then(pruneSent); }).catch(function (error) {
      if (window.console) { window.console.error(error); }
    }).then(function () {
      draining = null;
      render();
      if (drainAgain) {
        drainAgain = false;
        return drain(true);
      }
      return null;
    });
    return draining;
  }

  var KEEP_SENT = 10;
  function pruneSent() {
    return outbox.all().then(function (items) {
      var sent = items.filter(function (item) { return item.status === "sent"; });
      var old = sent.slice(0, Math.max(0, sent.length - KEEP_SENT));
      return Promise.all(old.map(function (item) { return outbox.remove(item.key); }));
    });
  }

  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator) || !("SyncManager" in window)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync.register("jiedao-field-outbox");
    }).catch(function () { /* not allowed here: the timer and the online event still send */ });
  }

  /* Other screens (the inspection sheet) hear what became of their items. */
  function announce(item) {
    document.dispatchEvent(new CustomEvent("jiedao-field:outbox", { detail: item }));
  }

  function afterSent(item) {
    if (item.kind === "report" && item.receipt) { toast(item.receipt.message || T.sent); }
    if ((item.kind === "verify" || item.kind === "check") && item.receipt) { toast(item.receipt.message || T.sent); }
    markQueueForms();
    announce(item);
  }

  function afterRefused(item) {
    if (item.kind !== "patrol_points") { toast(item.label + "：" + item.message); }
    markQueueForms();
    announce(item);
  }

  // ---------------------------------------------------------------- what the worker sees of it

  var STATUS_TEXT = { waiting: "waiting", sending: "sending", sent: "sent", refused: "refused", signin: "signin" };

  function render() {
    return outbox.all().then(function (items) {
      var mine = items.filter(function (item) { return item.user === config.user; });
      var pending = mine.filter(function (item) { return item.status !== "sent" && item.status !== "refused"; });
      var refused = mine.filter(function (item) { return item.status === "refused"; });
      var signedOut = mine.some(function (item) { return item.status === "signin"; });

      var badge = document.getElementById("outbox-badge");
      if (badge) {
        var parts = [];
        if (pending.length) { parts.push(fmt(T.badge, { n: pending.length })); }
        if (refused.length) { parts.push(fmt(T.badgeRefused, { n: refused.length })); }
        badge.textContent = parts.join(" · ");
        badge.hidden = parts.length === 0;
        badge.classList.toggle("has-refused", refused.length > 0);
        badge.dataset.pending = String(pending.length);
      }
      var signin = document.getElementById("field-signin");
      if (signin) {
        signin.hidden = !signedOut;
        if (signedOut && !signin.firstChild) {
          signin.appendChild(document.createTextNode(T.signinBanner + " "));
          var link = document.createElement("a");
          link.href = config.urls.login;
          link.textContent = T.signinLink;
          signin.appendChild(link);
        }
      }
      var count = document.getElementById("outbox-count");
      if (count) {
        count.textContent = String(pending.length);
        count.classList.toggle("has-items", pending.length > 0);
      }
      renderList(items);
      renderStatusBar();
      return items;
    });
  }

  function renderList(items) {
    var list = document.getElementById("outbox-list");
    if (!list) { return; }
    list.textContent = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "outbox__empty";
      empty.textContent = T.empty;
      list.appendChild(empty);
      return;
    }
    items.slice().reverse().forEach(function (item) {
      var row = document.createElement("li");
      var foreign = item.user !== config.user;
      row.className = "outbox__item outbox__item--" + (foreign ? "foreign" : item.status);
      row.dataset.key = item.key;
      row.dataset.status = item.status;
      var head = document.createElement("div");
      head.className = "outbox__head";
      var label = document.createElement("span");
      label.className = "outbox__label";
      label.textContent = item.label;
      var state = document.createElement("span");
      state.className = "outbox__state";
      state.textContent = foreign ? T.otherUser : T[STATUS_TEXT[item.status] || "waiting"];
      head.appendChild(label);
      head.appendChild(state);
      row.appendChild(head);
      var meta = document.createElement("p");
      meta.className = "outbox__meta";
      meta.textContent = new Date(item.created).toLocaleString();
      if (item.status === "sent" && item.receipt && item.receipt.number) {
        meta.textContent += " · ";
        var link = document.createElement("a");
        link.href = config.urls["case"].replace("NUMBER", item.receipt.number);
        link.textContent = fmt(T.sentAs, { number: item.receipt.number });
        meta.appendChild(link);
      }
      row.appendChild(meta);
      if (item.message && item.status === "refused") {
        var message = document.createElement("p");
        message.className = "outbox__message";
        message.textContent = item.message;
        row.appendChild(message);
      }
      if (!foreign && item.status === "refused") {
        var actions = document.createElement("div");
        actions.className = "outbox__actions";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn--quiet";
        remove.textContent = T.remove;
        remove.addEventListener("click", function () {
          if (window.confirm(T.confirmRemove)) { outbox.remove(item.key).then(render); }
        });
        actions.appendChild(remove);
        row.appendChild(actions);
      }
      list.appendChild(row);
    });
  }

  function renderStatusBar() {
    var offline = document.getElementById("field-offline");
    if (offline) { offline.hidden = navigator.onLine; }
    var bar = document.getElementById("field-status");
    if (!bar) { return; }
    var visible = Array.prototype.some.call(bar.children, function (child) { return !child.hidden; });
    bar.hidden = !visible;
  }

  // ---------------------------------------------------------------- photos chosen on a form

  function previewPhotos(input, list) {
    if (!input || !list) { return; }
    input.addEventListener("change", function () {
      list.textContent = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        var item = document.createElement("li");
        var image = document.createElement("img");
        image.alt = file.name;
        image.src = URL.createObjectURL(file);
        item.appendChild(image);
        list.appendChild(item);
      });
    });
  }

  function filesOf(input, name) {
    return Array.prototype.map.call((input && input.files) || [], function (file) {
      return [name, file, file.name || "photo.jpg"];
    });
  }

  // ---------------------------------------------------------------- maps

  function baseMap(element, data) {
    // The office's pages' map (static/js/map.js): tiles if configured, the roads and grid names.
    if (window.JiedaoMap) { return window.JiedaoMap.baseMap(element, data); }
    var map = L.map(element, { zoomControl: true, attributionControl: Boolean(data.tileUrl) });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
    } else {
      element.classList.add("map--no-tiles");
    }
    return map;
  }

  function leafletImages() {
    var css = document.querySelector("link[href*='vendor/leaflet/leaflet.css']");
    if (css && typeof L !== "undefined") { L.Icon.Default.imagePath = css.href.replace(/leaflet\.css.*$/, "images/"); }
  }

  // ---------------------------------------------------------------- report

  function reportScreen() {
    var form = document.getElementById("field-report");
    if (!form) { return; }
    var longitude = document.getElementById("report-longitude");
    var latitude = document.getElementById("report-latitude");
    var text = document.getElementById("location-text");
    var dot = document.getElementById("location-dot");
    var mapElement = document.getElementById("field-report-map");
    var photos = document.getElementById("report-photos");
    var afterPhotos = document.getElementById("report-after-photos");
    var selfHandled = document.getElementById("report-self-handled");
    var error = document.getElementById("report-error");
    var map = null;
    var marker = null;

    previewPhotos(photos, document.getElementById("report-photo-previews"));
    previewPhotos(afterPhotos, document.getElementById("report-after-previews"));
    if (selfHandled) {
      selfHandled.addEventListener("change", function () {
        document.getElementById("after-photos-field").hidden = !selfHandled.checked;
      });
    }

    function setPoint(lon, lat, words, good) {
      longitude.value = lon.toFixed(7);
      latitude.value = lat.toFixed(7);
      text.textContent = words;
      dot.className = "location-line__dot " + (good ? "is-good" : "is-rough");
      if (map) { placeMarker(L.latLng(lat, lon), false); }
      document.dispatchEvent(new CustomEvent("jiedao:point-picked", { detail: { lon: longitude.value, lat: latitude.value } }));
    }

    function placeMarker(latlng, fromMap) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true }).addTo(map);
        marker.on("dragend", function () {
          var moved = marker.getLatLng();
          setPoint(moved.lng, moved.lat, T.picked, true);
        });
      } else {
        marker.setLatLng(latlng);
      }
      if (!fromMap) { map.setView(latlng, Math.max(map.getZoom() || 0, 17)); }
    }

    function showMap() {
      mapElement.hidden = false;
      if (map || typeof L === "undefined") { return; }
      leafletImages();
      var data = JSON.parse(document.getElementById(mapElement.dataset.map).textContent);
      map = baseMap(mapElement, data);
      var grids = L.geoJSON(data.grids || { type: "FeatureCollection", features: [] }, {
        style: { color: "#4a6c8f", weight: 1, fillOpacity: 0.03, fillColor: "#4a6c8f" }
      }).addTo(map);
      if (longitude.value) {
        map.setView([parseFloat(latitude.value), parseFloat(longitude.value)], 17);
      } else if (grids.getLayers().length) {
        map.fitBounds(grids.getBounds().pad(0.05));
      } else {
        map.setView([30.25, 120.15], 13);
      }
      if (longitude.value) { placeMarker(L.latLng(parseFloat(latitude.value), parseFloat(longitude.value)), true); }
      var pick = function (event) {
        placeMarker(event.latlng, true);
        setPoint(event.latlng.lng, event.latlng.lat, T.picked, true);
      };
      map.on("click", pick);
      grids.on("click", pick);
    }

    function locate() {
      if (!("geolocation" in navigator)) { text.textContent = T.locateFailed; showMap(); return; }
      text.textContent = T.locating;
      dot.className = "location-line__dot";
      navigator.geolocation.getCurrentPosition(function (position) {
        if (addressPicked) { return; }  // the address picked meanwhile says where better than a late fix
        var accuracy = Math.round(position.coords.accuracy || 0);
        // Browsers give WGS-84 (the form says crs=wgs84).
        setPoint(position.coords.longitude, position.coords.latitude, fmt(T.located, { m: accuracy }), accuracy <= 50);
      }, function () {
        if (!longitude.value) { text.textContent = T.locateFailed; }
        showMap();
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    }

    // A standard address picked in the search box (static/js/address-search.js) sets the point.
    var addressText = document.getElementById("report-address");
    var addressPicked = false;
    document.addEventListener("jiedao:address-picked", function (event) {
      addressPicked = true;
      showMap();
      setPoint(event.detail.point[0], event.detail.point[1],
               event.detail.label + (event.detail.grid ? " · " + event.detail.grid : ""), true);
    });
    document.getElementById("locate-again").addEventListener("click", function () {
      addressPicked = false;
      locate();
    });
    document.getElementById("pick-on-map").addEventListener("click", showMap);
    locate();
    categoryPicker();

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[name=item]:checked");
      var problem = !chosen ? T.noItem
        : !(photos.files && photos.files.length) ? T.noPhoto
        : !longitude.value ? T.noPlace
        : (selfHandled && selfHandled.checked && !(afterPhotos.files && afterPhotos.files.length)) ? T.noAfterPhoto
        : "";
      error.hidden = !problem;
      error.textContent = problem;
      if (problem) { return; }
      var fields = [["item", chosen.value], ["longitude", longitude.value], ["latitude", latitude.value],
                    ["crs", "wgs84"], ["description", form.elements.description.value]];
      if (addressText && addressText.value) { fields.push(["address", addressText.value]); }
      var asset = form.querySelector("input[name=asset]:checked");
      if (asset && asset.value) { fields.push(["asset", asset.value]); }
      if (selfHandled && selfHandled.checked) { fields.push(["self_handled", "true"]); }
      var item = outboxItem({ kind: "report", url: config.urls.report, label: T.report + "：" + chosen.dataset.name });
      fields.unshift(["key", item.key]);
      currentPatrol().then(function (patrol) {
        if (patrol) { fields.push(["patrol", patrol.clientId]); }
        var files = filesOf(photos, "photos");
        if (selfHandled && selfHandled.checked) { files = files.concat(filesOf(afterPhotos, "after_photos")); }
        item.body = { type: "form", fields: fields, files: files };
        return outbox.add(item);
      }).then(function () {
        toast(navigator.onLine ? T.saved : T.savedOffline);
        form.elements.description.value = "";
        if (addressText) { addressText.value = ""; }
        var nearestList = document.querySelector("[data-nearest-list]");
        if (nearestList) { nearestList.textContent = ""; }
        var addressQuery = document.getElementById("address-query");
        if (addressQuery) { addressQuery.value = ""; }
        addressPicked = false;
        photos.value = "";
        document.getElementById("report-photo-previews").textContent = "";
        if (afterPhotos) { afterPhotos.value = ""; document.getElementById("report-after-previews").textContent = ""; }
        if (selfHandled) { selfHandled.checked = false; document.getElementById("after-photos-field").hidden = true; }
        return drain(true);
      });
    });
  }

  function categoryPicker() {
    var search = document.getElementById("item-search");
    var results = document.getElementById("item-results");
    var chips = document.getElementById("item-chips");
    var catalogueElement = document.getElementById("field-catalogue");
    if (!search || !results || !chips) { return; }
    var catalogue = catalogueElement ? JSON.parse(catalogueElement.textContent) : [];
    var timer = null;

    function choose(id, name) {
      var existing = chips.querySelector("input[value='" + id + "']");
      if (!existing) {
        var label = document.createElement("label");
        label.className = "chip";
        existing = document.createElement("input");
        existing.type = "radio";
        existing.name = "item";
        existing.value = id;
        existing.dataset.name = name;
        var span = document.createElement("span");
        span.textContent = name;
        label.appendChild(existing);
        label.appendChild(span);
        chips.insertBefore(label, chips.firstChild);
      }
      existing.checked = true;
      results.textContent = "";
      search.value = "";
    }

    function show(items, note) {
      results.textContent = "";
      if (note) {
        var hint = document.createElement("p");
        hint.className = "muted small suggestions__none";
        hint.textContent = note;
        results.appendChild(hint);
      }
      if (!items.length) {
        var none = document.createElement("p");
        none.className = "muted small suggestions__none";
        none.textContent = T.noSuggestions;
        results.appendChild(none);
        return;
      }
      var list = document.createElement("ul");
      list.className = "suggestions__list";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "suggestion";
        button.dataset.itemId = item.id;
        button.dataset.itemName = item.name;
        var name = document.createElement("span");
        name.className = "suggestion__name";
        name.textContent = item.name;
        var meta = document.createElement("span");
        meta.className = "suggestion__meta";
        meta.textContent = (item.major ? item.major + " · " : "") + item.code;
        button.appendChild(name);
        button.appendChild(meta);
        li.appendChild(button);
        list.appendChild(li);
      });
      results.appendChild(list);
    }

    function searchOnDevice(query) {
      var q = query.toLowerCase().replace(/\s+/g, "");
      return catalogue.filter(function (item) {
        return item.name.indexOf(query) >= 0 || item.code.indexOf(query) === 0 ||
          (q && (item.pinyin || "").indexOf(q) >= 0);
      }).slice(0, 12);
    }

    function searchOnServer(query) {
      var url = config.urls.catalogueSearch + "?q=" + encodeURIComponent(query);
      return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        var fragment = new DOMParser().parseFromString(html, "text/html");
        return Array.prototype.map.call(fragment.querySelectorAll("[data-item-id]"), function (button) {
          return { id: button.dataset.itemId, name: button.dataset.itemName, code: button.dataset.itemCode,
                   major: "" };
        });
      });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      var query = search.value.trim();
      if (!query) { results.textContent = ""; return; }
      timer = setTimeout(function () {
        if (!navigator.onLine) { show(searchOnDevice(query), T.offlineSearch); return; }
        searchOnServer(query).then(function (items) {
          if (search.value.trim() === query) { show(items); }
        }, function () { show(searchOnDevice(query), T.offlineSearch); });
      }, 250);
    });
    results.addEventListener("click", function (event) {
      var button = event.target.closest("[data-item-id]");
      if (button) { choose(button.dataset.itemId, button.dataset.itemName); }
    });
  }

  // ---------------------------------------------------------------- verify and check (the queue)

  function queueScreen() {
    var forms = document.querySelectorAll("form.queue-action");
    Array.prototype.forEach.call(forms, function (form) {
      var photos = form.querySelector("input[type=file]");
      previewPhotos(photos, form.querySelector(".photo-previews"));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var kind = form.dataset.kind;
        var verdictName = kind === "verify" ? "confirmed" : "passed";
        var verdict = form.querySelector("input[name=" + verdictName + "]:checked");
        var opinion = form.elements.opinion.value.trim();
        var error = form.querySelector(".field-error");
        var problem = verdict && verdict.value === "false" && !opinion ? T.noOpinion : "";
        error.hidden = !problem;
        error.textContent = problem;
        if (problem || !verdict) { return; }
        var item = outboxItem({
          kind: kind, number: form.dataset.number, label: form.dataset.label,
          url: config.urls[kind].replace("NUMBER", encodeURIComponent(form.dataset.number))
        });
        item.body = {
          type: "form",
          fields: [["key", item.key], ["seen_stage", form.dataset.stage], [verdictName, verdict.value],
                   ["opinion", opinion]],
          files: filesOf(photos, "photos")
        };
        outbox.add(item).then(function () {
          toast(navigator.onLine ? T.saved : T.savedOffline);
          markQueueForms();
          return drain(true);
        });
      });
    });
    markQueueForms();
  }

  /* A case whose action waits in the outbox (or was sent) cannot be acted on twice from the page. */
  function markQueueForms() {
    var forms = document.querySelectorAll("form.queue-action");
    if (!forms.length) { return; }
    outbox.all().then(function (items) {
      Array.prototype.forEach.call(forms, function (form) {
        var latest = null;
        items.forEach(function (item) {
          if (item.user === config.user && item.number === form.dataset.number && item.kind === form.dataset.kind) {
            latest = item;
          }
        });
        var done = form.querySelector(".queue-action__done");
        var refused = latest && latest.status === "refused";
        var locked = latest && !refused;
        Array.prototype.forEach.call(form.querySelectorAll("input, textarea, button, label.photo-button"), function (element) {
          if (element.tagName === "LABEL") { element.hidden = Boolean(locked); } else { element.disabled = Boolean(locked); }
        });
        form.classList.toggle("is-done", Boolean(locked));
        done.hidden = !locked;
        if (locked) { done.textContent = latest.status === "sent" ? (latest.message || T.sent) : T.queued; }
        var error = form.querySelector(".field-error");
        if (refused) { error.hidden = false; error.textContent = latest.message; }
      });
    });
  }

  // ---------------------------------------------------------------- patrols

  var patrolRules = config.patrol;
  var watchId = null;

  function currentPatrol() {
    return transact(["patrol"], "readonly", function (stores) { return requestValue(stores.patrol.get("current")); });
  }

  function savePatrol(state) {
    return transact(["patrol"], "readwrite", function (stores) { stores.patrol.put(state); });
  }

  /* Move the points waiting in the patrol into one outbox item, in one transaction: a point is
     either still waiting in the patrol or in exactly one batch. */
  function flushPatrol(state) {
    if (!state || !state.pending.length) { return Promise.resolve(null); }
    var batch = outboxItem({
      kind: "patrol_points", label: fmt(T.patrolPoints, { n: state.pending.length }),
      url: config.urls.patrolPoints.replace(ZERO_UUID, state.clientId)
    });
    batch.body = { type: "json", data: { key: batch.key, crs: "wgs84", points: state.pending } };
    state.pending = [];
    state.lastFlush = Date.now();
    return transact(["patrol", "outbox"], "readwrite", function (stores) {
      stores.patrol.put(state);
      stores.outbox.put(batch);
    }).then(function () { render(); return batch; });
  }

  function onPosition(position) {
    var coords = position.coords;
    var help = document.getElementById("patrol-help");
    if (help && help.dataset.text) { help.textContent = help.dataset.text; }
    if (coords.accuracy && coords.accuracy > 100) { return; }  // a poor fix adds zig-zags, not a track
    var point = [Number(coords.longitude.toFixed(7)), Number(coords.latitude.toFixed(7)),
                 Math.round(position.timestamp || Date.now()) / 1000];
    withLock("jiedao-field-patrol", function () { return currentPatrol().then(function (state) {
      if (!state) { return null; }
      var last = state.last;
      if (last) {
        var elapsed = point[2] - last[2];
        if (elapsed <= 0) { return null; }
        var distance = haversine(last[0], last[1], point[0], point[1]);
        if (distance / elapsed > patrolRules.maxSpeed) { return null; }
        if (distance < patrolRules.minDistance && elapsed < patrolRules.minInterval) { return null; }
        state.distance += distance;
      }
      state.last = point;
      state.count += 1;
      state.pending.push(point);
      var due = state.pending.length >= Math.min(patrolRules.uploadEveryPoints, patrolRules.maxBatch) ||
        Date.now() - state.lastFlush >= patrolRules.uploadEverySeconds * 1000;
      return savePatrol(state).then(function () {
        renderPatrol(state);
        if (due) { return flushPatrol(state).then(function () { drain(); }); }
        return null;
      });
    }); });
  }

  function watchPatrol() {
    if (watchId !== null || !("geolocation" in navigator)) { return; }
    watchId = navigator.geolocation.watchPosition(onPosition, function (error) {
      // A timeout while standing still is not a failure; a refusal or no fix at all is.
      var help = document.getElementById("patrol-help");
      if (help && error.code !== error.TIMEOUT) {
        help.dataset.text = help.dataset.text || help.textContent;
        help.textContent = T.patrolNoGps;
      }
    }, { enableHighAccuracy: true, maximumAge: 5000 });
  }

  function startPatrol() {
    var state = {
      id: "current", clientId: newKey(), startedAt: Date.now(), last: null, pending: [], count: 0,
      distance: 0, lastFlush: Date.now()
    };
    var start = outboxItem({ kind: "patrol_start", label: T.patrolStart, url: config.urls.patrolStart });
    start.body = { type: "json", data: { client_id: state.clientId, started_at: state.startedAt / 1000 } };
    return transact(["patrol", "outbox"], "readwrite", function (stores) {
      stores.patrol.put(state);
      stores.outbox.put(start);
    }).then(function () {
      watchPatrol();
      renderPatrol(state);
      render();
      return drain(true);
    });
  }

  function stopPatrol() {
    return withLock("jiedao-field-patrol", stopPatrolLocked);
  }

  function stopPatrolLocked() {
    return currentPatrol().then(function (state) {
      if (!state) { return null; }
      if (watchId !== null) { navigator.geolocation.clearWatch(watchId); watchId = null; }
      return flushPatrol(state).then(function () {
        var stop = outboxItem({
          kind: "patrol_stop", label: T.patrolStop, url: config.urls.patrolStop.replace(ZERO_UUID, state.clientId)
        });
        stop.body = { type: "json", data: { ended_at: Date.now() / 1000 } };
        return transact(["patrol", "outbox"], "readwrite", function (stores) {
          stores.patrol.delete("current");
          stores.outbox.put(stop);
        });
      }).then(function () {
        renderPatrol(null, state);
        render();
        return drain(true);
      });
    });
  }

  function clockText(milliseconds) {
    var seconds = Math.max(0, Math.floor(milliseconds / 1000));
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return (hours ? hours + ":" + two(minutes) : String(minutes)) + ":" + two(rest);
  }

  function renderPatrol(state, finished) {
    var badge = document.getElementById("patrol-badge");
    if (badge) {
      badge.hidden = !state;
      if (state) {
        badge.textContent = T.patrolRunning + " " + clockText(Date.now() - state.startedAt) + " · " +
          fmt(T.meters, { n: Math.round(state.distance) });
      }
      renderStatusBar();
    }
    var startButton = document.getElementById("patrol-start");
    if (!startButton) { return; }
    var stopButton = document.getElementById("patrol-stop");
    var figures = document.getElementById("patrol-figures");
    var stateText = document.getElementById("patrol-state");
    startButton.hidden = Boolean(state);
    stopButton.hidden = !state;
    figures.hidden = !state;
    if (state) {
      stateText.textContent = T.patrolRunning;
      stateText.classList.add("is-running");
      document.getElementById("patrol-elapsed").textContent = clockText(Date.now() - state.startedAt);
      document.getElementById("patrol-distance").textContent = fmt(T.meters, { n: Math.round(state.distance) });
      document.getElementById("patrol-points").textContent = String(state.count);
    } else {
      stateText.classList.remove("is-running");
      stateText.textContent = T.patrolStopped;
      if (finished) {
        stateText.textContent = "";
        var link = document.createElement("a");
        link.href = config.urls.patrolPage.replace(ZERO_UUID, finished.clientId);
        link.textContent = T.viewPatrol;
        stateText.appendChild(link);
      }
    }
  }

  function patrolCard() {
    var startButton = document.getElementById("patrol-start");
    if (startButton) {
      startButton.addEventListener("click", function () {
        startButton.disabled = true;
        startPatrol().then(function () { startButton.disabled = false; });
      });
      document.getElementById("patrol-stop").addEventListener("click", function () { stopPatrol(); });
    }
    currentPatrol().then(function (state) {
      renderPatrol(state);
      if (state) { watchPatrol(); }
    });
    setInterval(function () {
      currentPatrol().then(function (state) {
        if (!state) { return null; }
        renderPatrol(state);
        if (state.pending.length && Date.now() - state.lastFlush >= patrolRules.uploadEverySeconds * 1000) {
          return withLock("jiedao-field-patrol", function () {
            return currentPatrol().then(function (fresh) { return fresh && flushPatrol(fresh); });
          }).then(function () { drain(); });
        }
        return null;
      });
    }, 1000);
  }

  function patrolMap() {
    var element = document.getElementById("patrol-map");
    if (!element || typeof L === "undefined") { return; }
    leafletImages();
    var data = JSON.parse(document.getElementById(element.dataset.map).textContent);
    var map = baseMap(element, data);
    var bounds = L.latLngBounds([]);
    var grids = L.geoJSON(data.grids, {
      style: { color: "#4a6c8f", weight: 1, fillOpacity: 0.05, fillColor: "#4a6c8f" }, interactive: false
    });
    // The walk and what it found fill the map; the grids it crossed are the frame only without a track.
    data.track.forEach(function (point) { bounds.extend(point); });
    data.cases.forEach(function (found) { bounds.extend([found.lat, found.lon]); });
    if (!bounds.isValid() && grids.getLayers().length) { bounds.extend(grids.getBounds()); }
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.2), { maxZoom: 18 }); } else { map.setView([30.25, 120.15], 13); }
    grids.addTo(map);
    if (data.track.length) {
      L.polyline(data.track, { color: "#1f5fa8", weight: 4, opacity: 0.9, className: "patrol-track" }).addTo(map);
      L.circleMarker(data.track[0], { radius: 6, color: "#145c34", fillColor: "#22a55a", fillOpacity: 1, weight: 2 }).addTo(map);
      L.circleMarker(data.track[data.track.length - 1], { radius: 6, color: "#8e2418", fillColor: "#d92d20",
                                                           fillOpacity: 1, weight: 2 }).addTo(map);
    }
    data.cases.forEach(function (found) {
      var marker = L.circleMarker([found.lat, found.lon], {
        radius: 8, color: "#8a5a00", fillColor: "#e0a800", fillOpacity: 0.9, weight: 2, className: "patrol-case-marker"
      }).addTo(map);
      marker.bindTooltip(found.number + " " + found.item, { direction: "top" });
      if (found.url) { marker.on("click", function () { window.location.href = found.url; }); }
    });
  }

  // ---------------------------------------------------------------- start

  function start() {
    window.JiedaoField = { config: config, outbox: outbox, currentPatrol: currentPatrol, newItem: outboxItem,
                           toast: toast, fmt: fmt, newKey: newKey, previewPhotos: previewPhotos };
    patrolMap();
    if (!config.fieldUser) { return; }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(config.urls.serviceWorker, { scope: config.urls.scope }).catch(function (error) {
        if (window.console) { window.console.warn("service worker", error); }
      });
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.type === "drain-outbox") { drain(true); }
      });
    }
    reportScreen();
    queueScreen();
    patrolCard();
    var sendNow = document.getElementById("outbox-send");
    if (sendNow) { sendNow.addEventListener("click", function () { drain(true); }); }
    window.addEventListener("online", function () {
      renderStatusBar();
      drain(true);
      // The first request after the signal returns sometimes still fails: try once more shortly.
      setTimeout(function () { drain(true); }, 3000);
    });
    window.addEventListener("offline", renderStatusBar);
    // Background retry: items whose next try is due go out even without an online event.
    setInterval(function () { if (navigator.onLine) { drain(false); } }, 10000);
    render().then(function () { return drain(true); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
