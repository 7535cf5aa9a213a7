/* The register's maps (部件地图, an asset's page, the cleaning zones) and, on the report forms, the
   nearest assets a reporter may name the case on. Leaflet and markercluster are vendored. */
(function () {
  "use strict";

  var STATE_COLOURS = ["#1f7a4d", "#d92d20", "#b54708", "#6b7684", "#98a2b3"];  // selectors.STATE_ORDER
  var GRADE_COLOURS = { 1: "#b42318", 2: "#dc6803", 3: "#1f5fa8", 4: "#6b7684" };

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function gridsLayer(data) {
    return L.geoJSON(data.grids || { type: "FeatureCollection", features: [] },
                     { style: window.JiedaoMap.thinGridStyle, interactive: false });
  }

  function fitTo(map, layer) {
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds().pad(0.05)); } else { map.setView([30.225, 120.13], 14); }
  }

  function clusterIcon(cluster) {
    var children = cluster.getAllChildMarkers();
    var broken = children.some(function (marker) { return marker.assetRow[3] === 1 || marker.assetRow[3] === 2; });
    var count = cluster.getChildCount();
    var size = count < 100 ? 32 : count < 1000 ? 40 : 48;
    return L.divIcon({ html: "<span>" + count + "</span>", iconSize: [size, size],
                       className: "asset-cluster" + (broken ? " asset-cluster--broken" : "") });
  }

  // 20,000 points stay usable: one small JSON of rows, drawn on a canvas, grouped into clusters
  // that open as the map zooms in (chunked, so the page never freezes while they load).
  function assetMap(element) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data, { preferCanvas: true, maxZoom: 19, zoomSnap: 0.25 });
    var grids = gridsLayer(data);
    fitTo(map, grids);
    grids.addTo(map);
    var count = document.getElementById("asset-map-count");
    if (count) { count.textContent = count.dataset.loading; }
    var renderer = L.canvas({ padding: 0.5 });
    var url = data.pointsUrl + (element.dataset.query ? "?" + element.dataset.query : "");
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (payload) {
        var points = payload.points || [];
        var layer = typeof L.markerClusterGroup === "function"
          ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50, chunkedLoading: true,
                                   disableClusteringAtZoom: 18, spiderfyOnMaxZoom: false,
                                   iconCreateFunction: clusterIcon })
          : L.layerGroup();
        var markers = points.map(function (row) {
          var marker = L.circleMarker([row[2], row[1]], { renderer: renderer, radius: 5, weight: 1, color: "#fff",
                                                          fillColor: STATE_COLOURS[row[3]] || "#6b7684", fillOpacity: 0.95 });
          marker.assetRow = row;
          return marker;
        });
        if (layer.addLayers) { layer.addLayers(markers); } else { markers.forEach(function (m) { layer.addLayer(m); }); }
        layer.on("click", function (event) {
          var row = event.layer && event.layer.assetRow;
          if (!row) { return; }
          var link = data.assetUrl.replace("/0/", "/" + row[0] + "/");
          L.popup().setLatLng(event.latlng).setContent(
            "<div class='map-popup'><strong>" + escapeHtml(row[4]) + "</strong> · " + escapeHtml(data.states[row[3]] || "") +
            "<br><a href='" + escapeHtml(link) + "'>" + escapeHtml(element.dataset.openLabel) + " ›</a></div>").openOn(map);
        });
        layer.addTo(map);
        if (count) {
          count.textContent = count.dataset.template.replace("N", points.length) + (payload.truncated ? count.dataset.truncated : "");
        }
      });
  }

  function caseDots(map, data) {
    (data.near || []).forEach(function (point) {
      L.circleMarker([point.lat, point.lon], { radius: 5, weight: 1, color: "#fff", fillColor: "#dc6803", fillOpacity: 0.9 })
        .bindTooltip(point.number, { direction: "top" }).addTo(map);
    });
  }

  function assetDetailMap(element) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data);
    var point = L.latLng(data.point[1], data.point[0]);
    map.setView(point, 18);
    if (data.line) { L.geoJSON(data.line, { style: { color: "#1f5fa8", weight: 4 } }).addTo(map); }
    caseDots(map, data);
    L.circleMarker(point, { radius: 8, weight: 2, color: "#fff", fillColor: "#1f5fa8", fillOpacity: 1 }).addTo(map);
  }

  function zoneStyle(feature) {
    var colour = GRADE_COLOURS[(feature.properties && feature.properties.grade) || 4] || "#6b7684";
    return { color: colour, weight: 5, opacity: 0.85, fillColor: colour, fillOpacity: 0.25 };
  }

  function zoneListMap(element) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data, { zoomSnap: 0.25 });
    var grids = gridsLayer(data).addTo(map);
    var zones = L.geoJSON(data.zones, {
      style: zoneStyle,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(feature.properties.name, { sticky: true });
        layer.on("click", function () { window.location.href = feature.properties.url; });
      }
    }).addTo(map);
    fitTo(map, zones.getLayers().length ? zones : grids);
  }

  function zoneDetailMap(element) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data);
    var zone = L.geoJSON(data.zone, { style: { color: "#1f5fa8", weight: 6, opacity: 0.8, fillOpacity: 0.2 } }).addTo(map);
    map.fitBounds(zone.getBounds().pad(0.2));
    caseDots(map, data);
  }

  // ---------------------------------------------------------------- the report forms

  function nearestAssets(box) {
    var list = box.querySelector("[data-nearest-list]");
    var status = box.querySelector("[data-nearest-status]");
    var chosen = box.dataset.chosen || "";
    var request = 0;
    function show(payload) {
      list.textContent = "";
      var assets = payload.assets || [];
      status.textContent = assets.length ? box.dataset.pick : box.dataset.none.replace("N", payload.within_m);
      if (!assets.length) { return; }
      var none = document.createElement("label");
      none.className = "choice__option";
      none.innerHTML = "<input type='radio' name='asset' value=''> <span></span>";
      none.querySelector("span").textContent = box.dataset.noneOption;
      none.querySelector("input").checked = !chosen;
      list.appendChild(none);
      assets.forEach(function (asset) {
        var option = document.createElement("label");
        option.className = "choice__option nearest-asset";
        option.innerHTML = "<input type='radio' name='asset'> <span class='nearest-asset__name'></span> " +
                           "<span class='muted small nearest-asset__meta'></span>";
        var input = option.querySelector("input");
        input.value = asset.id;
        input.checked = String(asset.id) === chosen;
        option.querySelector(".nearest-asset__name").textContent = asset.name + " " + asset.identifier;
        option.querySelector(".nearest-asset__meta").textContent = asset.distance_m + " m · " + asset.state_label;
        list.appendChild(option);
      });
    }
    document.addEventListener("jiedao:point-picked", function (event) {
      var mine = ++request;
      chosen = "";
      var url = box.dataset.url + "?lon=" + encodeURIComponent(event.detail.lon) + "&lat=" + encodeURIComponent(event.detail.lat);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { assets: [] }; })
        .then(function (payload) { if (mine === request) { show(payload); } })
        .catch(function () { list.textContent = ""; });
    });
    list.addEventListener("change", function (event) { chosen = event.target.value; });
    // A form sent back with an error keeps the point: ask again for its assets.
    var lon = document.getElementById(box.dataset.lonInput);
    var lat = document.getElementById(box.dataset.latInput);
    if (lon && lat && lon.value && lat.value) {
      var keep = chosen;
      document.dispatchEvent(new CustomEvent("jiedao:point-picked", { detail: { lon: lon.value, lat: lat.value } }));
      chosen = keep;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("nearest-assets");
    if (box) { nearestAssets(box); }
    if (typeof L === "undefined" || !window.JiedaoMap) { return; }
    var imagePath = document.querySelector("link[href*='vendor/leaflet/leaflet.css']");
    if (imagePath) { L.Icon.Default.imagePath = imagePath.href.replace(/leaflet\.css.*$/, "images/"); }
    var element = document.getElementById("asset-map");
    if (element) { assetMap(element); }
    element = document.getElementById("asset-detail-map");
    if (element) { assetDetailMap(element); }
    element = document.getElementById("zone-map");
    if (element) { zoneListMap(element); }
    element = document.getElementById("zone-detail-map");
    if (element) { zoneDetailMap(element); }
  });
}());
