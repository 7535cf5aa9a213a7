/* 巡河 — the river patrol on the phone (/field/rivers/<segment>/).

   The patrol in progress lives on the device (localStorage): its id (chosen here, so it starts
   without signal), the segment, the points not yet sent, the checklist's answers. Everything sent
   goes through the field app's outbox (field.js: IndexedDB, in order, each with its own key or
   the patrol's id), so a night offline loses nothing and a retry never records twice: the start,
   the track in batches, each problem with its photos, the submission. Points are thinned and
   checked on the device with the same numbers the server uses (PatrolPolicy). */
(function () {
  "use strict";

  var STORE = "jiedao-river-patrol";
  var ZERO_UUID = "00000000-0000-0000-0000-000000000000";

  function ready(work) {
    // field.js sets window.JiedaoField on DOMContentLoaded; run after every listener of it.
    var run = function () { setTimeout(function () { if (window.JiedaoField) { work(window.JiedaoField); } }, 0); };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
  }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "null"); } catch (error) { return null; }
  }
  function save(state) {
    if (state) { window.localStorage.setItem(STORE, JSON.stringify(state)); } else { window.localStorage.removeItem(STORE); }
  }

  function haversine(lon1, lat1, lon2, lat2) {
    var rad = Math.PI / 180;
    var dPhi = (lat2 - lat1) * rad;
    var dLambda = (lon2 - lon1) * rad;
    var a = Math.sin(dPhi / 2) * Math.sin(dPhi / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function clockText(milliseconds) {
    var seconds = Math.max(0, Math.floor(milliseconds / 1000));
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    return (hours ? hours + ":" + two(minutes) : String(minutes)) + ":" + two(seconds % 60);
  }

  function startScreen(field) {
    var note = document.getElementById("river-running");
    var state = load();
    if (note && state && state.user === field.config.user) {
      note.hidden = false;
      note.textContent = field.config.texts.riverOtherRunning + "：" + state.segmentName;
    }
  }

  function patrolScreen(field) {
    var config = field.config;
    var river = config.river;
    var T = config.texts;
    var rules = config.patrol;
    var startButton = document.getElementById("river-start");
    if (!startButton || !river) { return; }
    var mapLine = null;
    var map = null;
    var watchId = null;
    var lastFix = null;

    var element = document.getElementById("river-field-map");
    if (element && window.L && window.JiedaoMap) {
      var data = JSON.parse(document.getElementById(element.dataset.map).textContent);
      map = window.JiedaoMap.baseMap(element, data);
      // Leaflet draws vectors only once the map has a view: bounds first, then the layers.
      var layer = L.geoJSON(data.segment, { style: { color: "#1f6fd1", weight: 5, opacity: 0.8, fillOpacity: 0.15 } });
      map.fitBounds(layer.getBounds().pad(0.2));
      layer.addTo(map);
      mapLine = L.polyline([], { color: "#d92d20", weight: 3 }).addTo(map);
    }

    function current() {
      var state = load();
      return state && state.user === config.user ? state : null;
    }

    function flush(state) {
      if (!state.pending.length) { return Promise.resolve(); }
      var batch = field.newItem({ kind: "river_points", label: field.fmt(T.riverPoints, { n: state.pending.length }),
                                  url: config.urls.riverPoints.replace(ZERO_UUID, state.clientId) });
      batch.body = { type: "json", data: { key: batch.key, crs: "wgs84", points: state.pending } };
      state.pending = [];
      state.lastFlush = Date.now();
      save(state);
      return field.outbox.add(batch).then(function () { return field.outbox.drain(); });
    }

    function render() {
      var state = current();
      var mine = state && state.segment === river.segment;
      var other = state && !mine;
      startButton.hidden = Boolean(mine);
      startButton.disabled = Boolean(other);
      document.getElementById("river-help").textContent = other ? T.riverOtherRunning + "：" + state.segmentName
        : document.getElementById("river-help").textContent;
      ["river-checklist", "river-problem", "river-submit-card", "river-figures"].forEach(function (id) {
        document.getElementById(id).hidden = !mine;
      });
      var stateText = document.getElementById("river-state");
      stateText.classList.toggle("is-running", Boolean(mine));
      if (mine) {
        stateText.textContent = T.riverRunning;
        document.getElementById("river-elapsed").textContent = clockText(Date.now() - state.startedAt);
        document.getElementById("river-distance").textContent = field.fmt(T.meters, { n: Math.round(state.distance) });
        document.getElementById("river-points").textContent = String(state.count);
        if (mapLine) { mapLine.setLatLngs(state.line || []); }
      }
    }

    function onPosition(position) {
      var coords = position.coords;
      lastFix = [Number(coords.longitude.toFixed(7)), Number(coords.latitude.toFixed(7))];
      var location = document.getElementById("river-problem-location");
      if (location) { location.textContent = field.fmt(T.located, { m: Math.round(coords.accuracy || 0) }); }
      var state = current();
      if (!state || state.segment !== river.segment) { return; }
      if (coords.accuracy && coords.accuracy > 100) { return; }
      // The device's clock, as for the patrol's start and end (the server keeps all three in order).
      var point = [lastFix[0], lastFix[1], Date.now() / 1000];
      var last = state.last;
      if (last) {
        var elapsed = point[2] - last[2];
        if (elapsed <= 0) { return; }
        var distance = haversine(last[0], last[1], point[0], point[1]);
        if (distance / elapsed > rules.maxSpeed) { return; }
        if (distance < rules.minDistance && elapsed < rules.minInterval) { return; }
        state.distance += distance;
      }
      state.last = point;
      state.count += 1;
      state.pending.push(point);
      state.line = (state.line || []).concat([[point[1], point[0]]]).slice(-2000);
      save(state);
      render();
      if (state.pending.length >= Math.min(rules.uploadEveryPoints, rules.maxBatch) ||
          Date.now() - state.lastFlush >= rules.uploadEverySeconds * 1000) {
        flush(state);
      }
    }

    function watch() {
      if (watchId !== null || !("geolocation" in navigator)) { return; }
      watchId = navigator.geolocation.watchPosition(onPosition, function () { /* keep waiting for a fix */ },
                                                    { enableHighAccuracy: true, maximumAge: 5000 });
    }

    startButton.addEventListener("click", function () {
      if (current()) { return; }
      var state = { user: config.user, clientId: field.newKey(), segment: river.segment, chief: river.chief,
                    segmentName: river.segmentName, startedAt: Date.now(), last: null, pending: [], count: 0,
                    distance: 0, lastFlush: Date.now(), line: [], problems: [] };
      save(state);
      var start = field.newItem({ kind: "river_start", label: T.riverStart, url: config.urls.riverStart });
      start.body = { type: "json", data: { client_id: state.clientId, segment: river.segment, chief: river.chief,
                                           started_at: state.startedAt / 1000 } };
      field.outbox.add(start).then(function () { return field.outbox.drain(true); });
      render();
      watch();
    });

    // ---------------------------------------------------------------- problems

    var form = document.getElementById("river-problem");
    var itemSelect = document.getElementById("river-problem-item");
    var categorySelect = document.getElementById("river-problem-category");
    var photos = document.getElementById("river-problem-photos");
    field.previewPhotos(photos, document.getElementById("river-problem-previews"));

    function handling() { var checked = form.querySelector("input[name=handling]:checked"); return checked ? checked.value : ""; }
    function showHandling() {
      document.getElementById("river-measure-field").hidden = handling() !== "fixed_on_site";
      document.getElementById("river-category-field").hidden = handling() !== "case";
    }
    Array.prototype.forEach.call(form.querySelectorAll("input[name=handling]"), function (input) {
      input.addEventListener("change", showHandling);
    });
    itemSelect.addEventListener("change", function () {
      var option = itemSelect.options[itemSelect.selectedIndex];
      if (option && option.dataset.category) { categorySelect.value = option.dataset.category; }
      var box = document.querySelector('.river-check[data-item="' + itemSelect.value + '"] input[value=problem]');
      if (box) { box.checked = true; }
    });
    showHandling();

    function listProblems(state) {
      var list = document.getElementById("river-problems");
      list.textContent = "";
      ((state && state.problems) || []).forEach(function (text) {
        var li = document.createElement("li");
        li.textContent = text;
        list.appendChild(li);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var state = current();
      var error = document.getElementById("river-problem-error");
      var description = form.elements.description.value.trim();
      var problem = !state ? T.riverNotStarted : !description ? T.riverNoDescription
        : handling() === "fixed_on_site" && !form.elements.measure.value.trim() ? T.riverNoMeasure
        : handling() === "case" && !categorySelect.value ? T.riverNoCategory
        : !lastFix && !(state && state.last) ? T.noPlace : "";
      error.hidden = !problem;
      error.textContent = problem;
      if (problem) { return; }
      var at = lastFix || state.last;
      var item = field.newItem({ kind: "river_problem", label: field.fmt(T.riverProblem, { text: description.slice(0, 20) }),
                                 url: config.urls.riverProblem.replace(ZERO_UUID, state.clientId) });
      var fields = [["key", item.key], ["description", description], ["handling", handling()],
                    ["longitude", String(at[0])], ["latitude", String(at[1])], ["crs", "wgs84"]];
      if (itemSelect.value) { fields.push(["item", itemSelect.value]); }
      if (handling() === "case") { fields.push(["category", categorySelect.value]); }
      if (handling() === "fixed_on_site") { fields.push(["measure", form.elements.measure.value.trim()]); }
      var files = Array.prototype.map.call(photos.files || [], function (file) { return ["photos", file, file.name]; });
      item.body = { type: "form", fields: fields, files: files };
      // Points recorded so far go first, so the problem's place follows the track it was found on.
      flush(state).then(function () { return field.outbox.add(item); }).then(function () {
        var fresh = current();
        fresh.problems.push(description);
        save(fresh);
        listProblems(fresh);
        form.reset();
        showHandling();
        document.getElementById("river-problem-previews").textContent = "";
        field.toast(T.riverProblemSaved);
        return field.outbox.drain(true);
      });
    });

    // ---------------------------------------------------------------- submit

    document.getElementById("river-submit").addEventListener("click", function () {
      var state = current();
      if (!state || !window.confirm(T.riverConfirmSubmit)) { return; }
      if (watchId !== null) { navigator.geolocation.clearWatch(watchId); watchId = null; }
      var answers = {};
      Array.prototype.forEach.call(document.querySelectorAll(".river-check"), function (fieldset) {
        var checked = fieldset.querySelector("input:checked");
        answers[fieldset.dataset.item] = checked ? checked.value : "ok";
      });
      var submit = field.newItem({ kind: "river_submit", label: field.fmt(T.riverSubmit, { segment: state.segmentName }),
                                   url: config.urls.riverSubmit.replace(ZERO_UUID, state.clientId) });
      submit.body = { type: "json", data: { ended_at: Date.now() / 1000, answers: answers,
                                            note: document.getElementById("river-note").value.trim() } };
      var clientId = state.clientId;
      flush(state).then(function () {
        return field.outbox.add(submit);
      }).then(function () {
        save(null);
        render();
        startButton.hidden = true;
        var done = document.getElementById("river-done");
        done.hidden = false;
        done.textContent = T.riverSubmitted + " ";
        var link = document.createElement("a");
        link.href = config.urls.riverPatrolPage.replace(ZERO_UUID, clientId);
        link.textContent = T.viewPatrol;
        done.appendChild(link);
        return field.outbox.drain(true);
      });
    });

    document.addEventListener("jiedao-field:outbox", function (event) {
      var item = event.detail;
      if (item.kind === "river_submit" && item.status === "sent" && item.receipt) {
        var done = document.getElementById("river-done");
        done.hidden = false;
        done.textContent = item.receipt.message + " ";
        var link = document.createElement("a");
        link.href = item.receipt.url;
        link.textContent = T.viewPatrol;
        done.appendChild(link);
      }
      if (item.kind === "river_problem" && item.receipt && item.receipt.message) { field.toast(item.receipt.message); }
    });

    listProblems(current());
    render();
    if (current()) { watch(); }
    // Points that wait are sent at least every uploadEverySeconds; and the clock ticks.
    setInterval(function () {
      var state = current();
      if (!state) { return; }
      render();
      if (state.pending.length && Date.now() - state.lastFlush >= rules.uploadEverySeconds * 1000) { flush(state); }
    }, 1000);
    // Without a fix yet the problem's place waits for one; ask for one now.
    if ("geolocation" in navigator) {
      navigator.geolocation.getCurrentPosition(onPosition, function () { /* the map page still works */ },
                                               { enableHighAccuracy: true, maximumAge: 30000, timeout: 20000 });
    }
  }

  ready(function (field) {
    startScreen(field);
    patrolScreen(field);
  });
}());
