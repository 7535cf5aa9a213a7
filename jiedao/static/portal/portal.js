/* The residents' pages: duplicate suggestions while reporting, the case map and the public map.
   Leaflet from static/, no tile server needed (the grids draw on a plain background). */
(function () {
  "use strict";

  // The map helpers of the staff pages (static/js/map.js, loaded before this file).
  var readData = window.JiedaoMap.readData;
  var gridStyle = window.JiedaoMap.gridStyle;
  var thinGridStyle = window.JiedaoMap.thinGridStyle;

  function baseMap(element, data) {
    // maxZoom: with no tile layer nothing else sets it, and clustering needs to know the deepest zoom.
    return window.JiedaoMap.baseMap(element, data, { zoomSnap: 0.25, maxZoom: 19 });
  }

  var statusColours = { received: "#d97706", accepted: "#d97706", in_progress: "#d97706", fixed: "#2563eb",
                        closed: "#15803d", merged: "#6b7684", voided: "#6b7684" };

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  // ------------------------------------------------------------ one case's location
  function caseMap(element) {
    var data = readData(element);
    var map = baseMap(element, data);
    var point = L.latLng(data.point[1], data.point[0]);
    var bounds = L.latLngBounds([point]);
    if (data.grid) {
      var grid = L.geoJSON(data.grid, { style: gridStyle, interactive: false }).addTo(map);
      bounds.extend(grid.getBounds());
    }
    if (data.approximate) {
      var area = L.circle(point, { radius: (data.radius || 200) / 2, color: "#b45309", weight: 2,
                                   fillColor: "#f59e0b", fillOpacity: 0.25 }).addTo(map);
      bounds.extend(area.getBounds());
    } else {
      L.marker(point, { keyboard: false }).addTo(map);
    }
    map.fitBounds(bounds.pad(0.15), { maxZoom: 18 });
  }

  // ------------------------------------------------------------ the public map
  var OPEN_STATUSES = { received: true, accepted: true, in_progress: true };

  // A cluster says how many reports it holds, orange while any of them is still open.
  function clusterIcon(cluster) {
    var children = cluster.getAllChildMarkers();
    var open = children.some(function (marker) { return OPEN_STATUSES[marker.options.status]; });
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var pixels = { small: 30, medium: 36, large: 44 }[size];
    return L.divIcon({
      html: "<span>" + count + "</span>",
      className: "map-cluster map-cluster--" + size + (open ? " map-cluster--open" : ""),
      iconSize: L.point(pixels, pixels)
    });
  }

  // Many reports (a year of them on a phone) are grouped into clusters that open as the map zooms in;
  // without the plugin the points are drawn one by one.
  function pointsLayer() {
    if (typeof L.markerClusterGroup !== "function") { return L.layerGroup(); }
    return L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 48, chunkedLoading: true,
                                  disableClusteringAtZoom: 18, spiderfyOnMaxZoom: true,
                                  iconCreateFunction: clusterIcon });
  }

  function publicMap(element) {
    var data = readData(element);
    var map = baseMap(element, data);
    var grids = L.geoJSON(data.grids || { type: "FeatureCollection", features: [] },
                          { style: thinGridStyle, interactive: false });
    if (grids.getLayers().length) {
      map.fitBounds(grids.getBounds().pad(0.05));
    } else {
      map.setView([30.25, 120.15], 13);
    }
    grids.addTo(map);
    var count = document.getElementById("public-map-count");
    fetch(data.pointsUrl, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (payload) {
        var points = payload.points || [];
        if (count) {
          count.textContent = points.length ? count.dataset.template.replace("N", points.length) : element.dataset.empty;
        }
        // Open problems drawn last, on top of the (many) closed ones.
        var order = { closed: 0, merged: 0, voided: 0, fixed: 1 };
        points.sort(function (a, b) { return (order[a.status] === undefined ? 2 : order[a.status]) -
                                             (order[b.status] === undefined ? 2 : order[b.status]); });
        var layer = pointsLayer();
        points.forEach(function (point) {
          var colour = statusColours[point.status] || "#6b7684";
          var marker = point.approximate
            ? L.circle([point.lat, point.lon], { radius: 60, color: colour, weight: 1, dashArray: "3",
                                                 fillColor: colour, fillOpacity: 0.25, status: point.status })
            : L.circleMarker([point.lat, point.lon], { radius: 5.5, weight: 1.5, color: "#fff",
                                                       fillColor: colour, fillOpacity: 0.95, status: point.status });
          var html = "<div class='map-popup'>" +
            (point.photo ? "<img src='" + escapeHtml(point.photo) + "' alt=''>" : "") +
            "<strong>" + escapeHtml(point.category) + "</strong><br>" +
            "<span>" + escapeHtml(point.status_label) + "</span> · <span>" + escapeHtml(point.reported) + "</span><br>" +
            "<a href='" + escapeHtml(point.url) + "'>" + escapeHtml(element.dataset.openLabel || "›") + " " +
            escapeHtml(point.number) + "</a></div>";
          marker.bindPopup(html, { maxWidth: 220 });
          layer.addLayer(marker);
        });
        layer.addTo(map);
        element.dataset.points = String(points.length);
      });
  }

  // ------------------------------------------------------------ the report form
  function reportForm(form) {
    var nearby = document.getElementById("nearby");
    var item = document.getElementById("item-id");
    var longitude = document.getElementById("longitude");
    var latitude = document.getElementById("latitude");
    var addTo = document.getElementById("add-to");
    var notice = document.getElementById("add-to-notice");
    var noticeText = document.getElementById("add-to-text");
    var submit = document.getElementById("submit-report");
    var newLabel = submit.textContent;
    var photos = document.getElementById("photos");
    var photoNames = document.getElementById("photo-names");
    var asked = "";

    function choose(number) {
      addTo.value = number || "";
      notice.hidden = !number;
      if (number) { noticeText.textContent = noticeText.dataset.template.replace("NUMBER", number); }
      submit.textContent = number ? submit.dataset.addLabel : newLabel;
    }

    // The category and the point are set by other scripts (suggestions, map): look for changes.
    window.setInterval(function () {
      if (!item.value || !longitude.value || !latitude.value || typeof htmx === "undefined") { return; }
      var query = "item=" + encodeURIComponent(item.value) + "&longitude=" + encodeURIComponent(longitude.value) +
                  "&latitude=" + encodeURIComponent(latitude.value) + "&crs=wgs84";
      if (query === asked) { return; }
      asked = query;
      htmx.ajax("GET", form.dataset.nearbyUrl + "?" + query, { target: "#nearby", swap: "innerHTML" });
    }, 600);

    nearby.addEventListener("click", function (event) {
      var button = event.target.closest("[data-add-to]");
      if (button) { choose(button.dataset.addTo); notice.scrollIntoView({ block: "nearest" }); }
    });
    document.getElementById("add-to-cancel").addEventListener("click", function () { choose(""); });
    if (addTo.value) { choose(addTo.value); }

    if (photos && photoNames) {
      photos.addEventListener("change", function () {
        var names = Array.prototype.map.call(photos.files, function (file) { return file.name; });
        if (names.length) { photoNames.textContent = "📷 " + names.join("、"); }
      });
    }
    // A second tap while the first upload is still going would only repeat it (same key): say so instead.
    form.addEventListener("submit", function () {
      window.setTimeout(function () { submit.disabled = true; }, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("portal-report");
    if (form) { reportForm(form); }
    if (typeof L === "undefined") { return; }
    var css = document.querySelector("link[href*='vendor/leaflet/leaflet.css']");
    if (css) { L.Icon.Default.imagePath = css.href.replace(/leaflet\.css.*$/, "images/"); }
    var caseElement = document.getElementById("public-case-map");
    if (caseElement) { caseMap(caseElement); }
    var mapElement = document.getElementById("public-map");
    if (mapElement) { publicMap(mapElement); }
  });
}());
