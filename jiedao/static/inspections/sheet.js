/* 检查评分 — the inspection sheet on the phone (/field/inspections/sheet/<version>/).

   The running score is computed here from the sheet's rules (the same arithmetic as
   jiedao/checklists/scoring.py, in whole cents), so it shows as the inspector counts, with or
   without signal. What is recorded goes through the field app's outbox (field.js: IndexedDB,
   one idempotency key per request, sent in order when there is signal): the start of the
   inspection, each saved item, the submission. The server's answer is authoritative: when an
   item is confirmed and nothing else waits, the total shown is the server's. The sheet in
   progress is kept on the device (localStorage), so a reload or a night offline loses nothing. */
(function () {
  "use strict";

  var MAX_COUNT = 9999;

  function ready(work) {
    // field.js sets window.JiedaoField on DOMContentLoaded; run after every listener of it.
    var run = function () { setTimeout(function () { if (window.JiedaoField) { work(window.JiedaoField); } }, 0); };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
  }

  // ---------------------------------------------------------------- the choose page

  function chooseScreen(field) {
    var form = document.getElementById("inspection-choose");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      // Straight to the sheet (no round trip through the redirect, which needs signal).
      event.preventDefault();
      var kind = form.querySelector("input[name=kind]:checked");
      var url = field.config.urls.sheet.replace("/0/", "/" + encodeURIComponent(form.elements.version.value) + "/") +
        "?unit=" + encodeURIComponent(form.elements.unit.value) + "&kind=" + encodeURIComponent(kind ? kind.value : "");
      window.location.href = url;
    });
  }

  // ---------------------------------------------------------------- arithmetic (cents)

  function cents(text) { return text === null || text === undefined ? null : Math.round(parseFloat(text) * 100); }
  function points(value) { return (value / 100).toFixed(2); }

  function effectiveCap(rule) {
    if (rule.method === "deduct") { return rule.cap === null ? rule.max : Math.min(rule.cap, rule.max); }
    if (rule.method === "add") { return rule.cap === null ? 0 : rule.cap; }
    return 0;
  }

  function itemScore(rule, count, vetoFlag) {
    var vetoed = Boolean(rule.veto) && (vetoFlag || (rule.method === "veto" && count > 0));
    if (rule.method === "add") {
      var added = Math.min(rule.per * count, effectiveCap(rule));
      return { score: added, lost: 0, added: added, vetoed: false };
    }
    var score = rule.method === "veto" ? (vetoed ? 0 : rule.max)
      : (vetoed ? 0 : rule.max - Math.min(rule.per * count, effectiveCap(rule)));
    score = Math.max(score, 0);
    return { score: score, lost: rule.max - score, added: 0, vetoed: vetoed };
  }

  function sheetScore(sheet, entries) {
    var items = {};
    sheet.items.forEach(function (rule) {
      var entry = entries[rule.id] || { count: 0, veto: false };
      items[rule.id] = itemScore(rule, entry.count, entry.veto);
    });
    var vetoedSections = {};
    var totalVetoed = false;
    sheet.items.forEach(function (rule) {
      if (!items[rule.id].vetoed) { return; }
      if (rule.veto === "section") { vetoedSections[rule.section] = true; }
      if (rule.veto === "total") { totalVetoed = true; }
    });
    var sections = {};
    var base = 0;
    sheet.sections.forEach(function (section) {
      var sum = 0;
      sheet.items.forEach(function (rule) {
        if (rule.section === section.id && rule.method !== "add") { sum += items[rule.id].score; }
      });
      var score = (vetoedSections[section.id] || totalVetoed) ? 0 : Math.min(sum, section.max);
      sections[section.id] = score;
      base += score;
    });
    var bonus = 0;
    sheet.items.forEach(function (rule) {
      if (rule.method === "add" && !vetoedSections[rule.section]) { bonus += items[rule.id].added; }
    });
    if (sheet.bonusCap !== null) { bonus = Math.min(bonus, sheet.bonusCap); }
    if (totalVetoed) { base = 0; bonus = 0; }
    var failed = sheet.items.filter(function (rule) { return items[rule.id].lost > 0 || items[rule.id].vetoed; }).length;
    return { total: base + bonus, max: sheet.sections.reduce(function (sum, s) { return sum + s.max; }, 0),
             vetoed: totalVetoed, items: items, sections: sections, failed: failed };
  }

  function parseSheet(raw) {
    return {
      version: raw.version, checklist: raw.checklist, bonusCap: cents(raw.bonusCap),
      sections: raw.sections.map(function (s) { return { id: s.id, max: cents(s.max) }; }),
      items: raw.items.map(function (i) {
        return { id: i.id, section: i.section, method: i.method, max: cents(i.max), per: cents(i.per),
                 cap: cents(i.cap), veto: i.veto || "" };
      })
    };
  }

  // ---------------------------------------------------------------- the sheet page

  function sheetScreen(field) {
    var rulesElement = document.getElementById("sheet-rules");
    if (!rulesElement) { return; }
    var config = field.config;
    var T = config.texts;
    var fmt = field.fmt;
    var raw = JSON.parse(rulesElement.textContent);
    var sheet = parseSheet(raw);
    var storageKey = "jiedao-inspection:" + config.user + ":" + sheet.version;
    var setup = document.getElementById("sheet-setup");
    var unitSelect = document.getElementById("sheet-unit");
    var placeInput = document.getElementById("sheet-place");
    var state = load();
    var serverTotal = null;
    var point = null;

    function fresh() {
      return { clientId: field.newKey(), started: false, submitted: false, unit: unitSelect.value, kind: "",
               place: "", items: {} };
    }

    function load() {
      try {
        var stored = JSON.parse(window.localStorage.getItem(storageKey) || "null");
        if (stored && stored.clientId && !stored.submitted) { return stored; }
      } catch (error) { /* a broken copy starts afresh */ }
      return fresh();
    }

    function save() { window.localStorage.setItem(storageKey, JSON.stringify(state)); }

    function entry(id) {
      if (!state.items[id]) { state.items[id] = { count: 0, veto: false, note: "", lon: null, lat: null, status: "" }; }
      return state.items[id];
    }

    function kindValue() {
      var checked = setup.querySelector("input[name=kind]:checked");
      return checked ? checked.value : "";
    }

    function lockSetup() {
      Array.prototype.forEach.call(setup.querySelectorAll("select, input"), function (element) {
        element.disabled = state.started;
      });
    }

    // ---- what the inspector sees

    function render() {
      var scored = sheetScore(sheet, state.items);
      var totalText = serverTotal !== null && !hasPending() ? serverTotal : points(scored.total);
      document.getElementById("sheet-total").textContent = totalText;
      document.getElementById("sheet-max").textContent = points(scored.max);
      document.getElementById("sheet-meta").textContent = fmt(T.failedItems, { n: scored.failed }) +
        (scored.vetoed ? " · " + T.vetoed : "");
      document.getElementById("sheet-source").textContent = serverTotal !== null && !hasPending() ? T.synced : T.local;
      document.getElementById("sheet-scorebar").classList.toggle("is-vetoed", scored.vetoed);
      Array.prototype.forEach.call(document.querySelectorAll("[data-section]"), function (element) {
        element.querySelector("[data-section-score]").textContent = points(scored.sections[element.dataset.section]);
      });
      Array.prototype.forEach.call(document.querySelectorAll(".sheet-item"), function (card) {
        var id = card.dataset.item;
        var value = state.items[id] || { count: 0, veto: false, note: "", status: "" };
        var result = scored.items[id];
        var rule = sheet.items.filter(function (r) { return String(r.id) === id; })[0];
        card.querySelector("[data-count]").textContent = String(value.count);
        card.querySelector("[data-step='-1']").disabled = value.count <= 0 || state.submitted;
        card.querySelector("[data-step='1']").disabled = value.count >= MAX_COUNT || state.submitted;
        card.querySelector("[data-item-score]").textContent = rule.method === "add" ? "+" + points(result.added)
          : points(result.score);
        card.classList.toggle("is-failed", result.lost > 0 || result.vetoed);
        var veto = card.querySelector("[data-veto]");
        if (veto) { veto.checked = Boolean(value.veto); }
        var note = card.querySelector("[data-note]");
        if (note && document.activeElement !== note) { note.value = value.note || ""; }
        var stateText = card.querySelector("[data-state]");
        stateText.textContent = value.status === "dirty" ? T.itemDirty : value.status === "queued" ? T.itemQueued
          : value.status === "saved" ? T.itemSaved + (value.photos ? " · " + fmt(T.photoCount, { n: value.photos }) : "")
          : value.status === "refused" ? fmt(T.itemRefused, { message: value.message || "" }) : "";
        stateText.className = "sheet-item__state sheet-item__state--" + (value.status || "none");
        card.querySelector("[data-save]").disabled = state.submitted;
        var location = card.querySelector("[data-location]");
        if (location) { location.textContent = value.lon !== null && value.lon !== undefined ? T.located.replace("%(m)s", value.accuracy || "—") : ""; }
      });
      lockSetup();
    }

    function hasPending() {
      return Object.keys(state.items).some(function (id) {
        var status = state.items[id].status;
        return status === "queued" || status === "dirty";
      });
    }

    function changed(id) {
      entry(id).status = "dirty";
      serverTotal = null;
      save();
      render();
    }

    // ---- the outbox

    function queueStart() {
      if (state.started) { return Promise.resolve(); }
      state.unit = unitSelect.value;
      state.kind = kindValue();
      state.place = placeInput.value.trim();
      var planInput = setup.querySelector("input[name=plan]");
      var item = field.newItem({ kind: "inspection_start", inspection: state.clientId, url: config.urls.inspectionStart,
                                 label: T.inspectionStart + "：" + unitSelect.options[unitSelect.selectedIndex].text });
      item.body = { type: "json", data: {
        client_id: state.clientId, version: sheet.version, unit: state.unit, kind: state.kind, place: state.place,
        plan: planInput ? planInput.value : "", started_at: Date.now() / 1000,
        longitude: point ? point.lon : "", latitude: point ? point.lat : "", crs: "wgs84"
      } };
      state.started = true;
      save();
      return field.outbox.put(item);
    }

    function queueItem(card) {
      var id = card.dataset.item;
      var value = entry(id);
      var photos = card.querySelector("[data-photos]");
      var lon = value.lon !== null && value.lon !== undefined ? value.lon : (point ? point.lon : null);
      var lat = value.lat !== null && value.lat !== undefined ? value.lat : (point ? point.lat : null);
      var item = field.newItem({ kind: "inspection_item", inspection: state.clientId, itemId: id,
                                 url: config.urls.inspectionItem.replace("00000000-0000-0000-0000-000000000000", state.clientId),
                                 label: fmt(T.inspectionItem, { item: card.dataset.label }) });
      var fields = [["key", item.key], ["item", id], ["occurrences", String(value.count)],
                    ["vetoed", value.veto ? "true" : "false"], ["note", value.note || ""]];
      if (lon !== null) { fields.push(["longitude", String(lon)], ["latitude", String(lat)], ["crs", "wgs84"]); }
      var files = Array.prototype.map.call((photos && photos.files) || [], function (file) {
        return ["photos", file, file.name || "photo.jpg"];
      });
      item.body = { type: "form", fields: fields, files: files };
      value.status = "queued";
      value.key = item.key;
      save();
      return field.outbox.put(item).then(function () {
        if (photos) { photos.value = ""; card.querySelector("[data-previews]").textContent = ""; }
      });
    }

    function requireUnit() {
      var error = document.getElementById("sheet-setup-error");
      var missing = !state.started && !unitSelect.value;
      error.hidden = !missing;
      error.textContent = missing ? T.noUnit : "";
      if (missing) { unitSelect.focus(); }
      return !missing;
    }

    function saveItem(card) {
      if (!requireUnit()) { return Promise.resolve(); }
      return queueStart().then(function () { return queueItem(card); }).then(function () {
        render();
        field.toast(navigator.onLine ? T.saved : T.savedOffline);
        return field.outbox.drain(true);
      });
    }

    function submit() {
      if (!requireUnit() || !window.confirm(T.confirmSubmit)) { return; }
      var dirty = Array.prototype.filter.call(document.querySelectorAll(".sheet-item"), function (card) {
        var value = state.items[card.dataset.item];
        return value && value.status === "dirty";
      });
      var chain = queueStart();
      dirty.forEach(function (card) { chain = chain.then(function () { return queueItem(card); }); });
      chain.then(function () {
        var results = Object.keys(state.items).map(function (id) {
          return [Number(id), state.items[id].count, Boolean(state.items[id].veto)];
        }).filter(function (row) { return row[1] > 0 || row[2]; });
        var label = fmt(T.inspectionSubmit, { unit: unitSelect.options[unitSelect.selectedIndex].text });
        var item = field.newItem({ kind: "inspection_submit", inspection: state.clientId, label: label,
                                   url: config.urls.inspectionSubmit.replace("00000000-0000-0000-0000-000000000000", state.clientId) });
        item.body = { type: "json", data: { key: item.key, results: results } };
        state.submitted = true;
        save();
        return field.outbox.put(item);
      }).then(function () {
        var done = document.getElementById("sheet-done");
        done.hidden = false;
        done.textContent = T.submitted;
        document.getElementById("sheet-submit").disabled = true;
        render();
        return field.outbox.drain(true);
      });
    }

    document.addEventListener("jiedao-field:outbox", function (event) {
      var item = event.detail;
      if (!item || item.inspection !== state.clientId) { return; }
      if (item.kind === "inspection_item") {
        var value = state.items[item.itemId];
        if (value && value.key === item.key) {
          value.status = item.status === "sent" ? "saved" : "refused";
          value.message = item.message;
          if (item.status === "sent" && item.receipt && item.receipt.item) { value.photos = item.receipt.item.photo_count; }
        }
        if (item.status === "sent" && item.receipt) { serverTotal = item.receipt.total; }
        if (!state.submitted) { save(); }
        render();
      } else if (item.kind === "inspection_submit") {
        var done = document.getElementById("sheet-done");
        done.hidden = false;
        done.textContent = item.status === "sent" ? (item.receipt && item.receipt.message) || T.sent : item.message;
        if (item.status === "refused") {
          // Refused (e.g. an item differs from the server's record): the sheet is the inspector's again.
          state.submitted = false;
          save();
          document.getElementById("sheet-submit").disabled = false;
        }
        if (item.status === "sent" && item.receipt) {
          serverTotal = item.receipt.total;
          var link = document.createElement("a");
          link.href = config.urls.inspectionPage.replace("/0/", "/" + item.receipt.id + "/");
          link.textContent = " " + T.viewInspection;
          done.appendChild(link);
          window.localStorage.removeItem(storageKey);
        }
        render();
      } else if (item.kind === "inspection_start" && item.status === "refused") {
        var error = document.getElementById("sheet-error");
        error.hidden = false;
        error.textContent = item.message;
      }
    });

    // ---- the controls

    Array.prototype.forEach.call(document.querySelectorAll(".sheet-item"), function (card) {
      var id = card.dataset.item;
      Array.prototype.forEach.call(card.querySelectorAll("[data-step]"), function (button) {
        button.addEventListener("click", function () {
          var value = entry(id);
          value.count = Math.max(0, Math.min(MAX_COUNT, value.count + Number(button.dataset.step)));
          if (value.count > 0) { card.querySelector("[data-more]").hidden = false; }
          changed(id);
        });
      });
      var veto = card.querySelector("[data-veto]");
      if (veto) { veto.addEventListener("change", function () { entry(id).veto = veto.checked; changed(id); }); }
      var note = card.querySelector("[data-note]");
      note.addEventListener("input", function () { entry(id).note = note.value; changed(id); });
      var photos = card.querySelector("[data-photos]");
      field.previewPhotos(photos, card.querySelector("[data-previews]"));
      photos.addEventListener("change", function () { changed(id); });
      card.querySelector("[data-locate]").addEventListener("click", function () {
        locate(function (fix) {
          var value = entry(id);
          value.lon = fix.lon; value.lat = fix.lat; value.accuracy = fix.accuracy;
          changed(id);
        });
      });
      card.querySelector("[data-toggle-more]").addEventListener("click", function () {
        var more = card.querySelector("[data-more]");
        more.hidden = !more.hidden;
      });
      card.querySelector("[data-save]").addEventListener("click", function () { saveItem(card); });
      var value = state.items[id];
      if (value && (value.count > 0 || value.veto || value.note)) { card.querySelector("[data-more]").hidden = false; }
    });
    document.getElementById("sheet-submit").addEventListener("click", submit);

    function locate(done) {
      if (!("geolocation" in navigator)) { return; }
      navigator.geolocation.getCurrentPosition(function (position) {
        var fix = { lon: Number(position.coords.longitude.toFixed(7)), lat: Number(position.coords.latitude.toFixed(7)),
                    accuracy: Math.round(position.coords.accuracy || 0) };
        point = fix;
        if (done) { done(fix); }
      }, function () { /* the items keep the last fix, or none */ }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    }

    if (state.started) {
      unitSelect.value = state.unit;
      placeInput.value = state.place;
      var kind = setup.querySelector("input[name=kind][value='" + state.kind + "']");
      if (kind) { kind.checked = true; }
    } else {
      var wanted = new URLSearchParams(window.location.search).get("unit");
      if (wanted && !unitSelect.value) { unitSelect.value = wanted; }
    }
    locate(null);
    render();
  }

  ready(function (field) {
    chooseScreen(field);
    sheetScreen(field);
  });
}());
