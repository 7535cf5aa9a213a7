/* Maps of the case pages: Leaflet from static/, a tile layer only when one is configured
   (closed networks have none: the grids and the marker still draw on a plain background). */
(function () {
  "use strict";

  function readData(element) {
    var source = document.getElementById(element.dataset.map);
    return source ? JSON.parse(source.textContent) : {};
  }

  function baseMap(element, data, options) {
    var map = L.map(element, Object.assign({ zoomControl: true, attributionControl: Boolean(data.tileUrl) },
                                           options || {}));
    if (data.tileUrl) {
      // One or more templates (a base and its labels, e.g. 天地图 vec_w + cva_w), drawn in order.
      data.tileUrl.split(/\s+/).filter(Boolean).forEach(function (url, index) {
        L.tileLayer(url, { maxZoom: 19, subdomains: data.tileSubdomains || "abc",
                           attribution: index === 0 ? (data.attribution || "") : "" }).addTo(map);
      });
    } else {
      element.classList.add("map--no-tiles");
    }
    // The register's roads and the grids' names: drawn once the view exists (vector layers need it).
    map.whenReady(function () { referenceLayers(map, element, data); });
    return map;
  }

  // Names on the map without any tile server: the roads of the address register as thin lines
  // with their names, each grid's name at its centre; names shown from a zoom where they fit.
  var ROAD_NAMES_FROM_ZOOM = 15;
  var GRID_NAMES_FROM_ZOOM = 15;

  function label(text, kind, latlng) {
    var span = document.createElement("span");
    span.className = "map-label__text map-label__text--" + kind;
    span.textContent = text;
    // A permanent tooltip of its own (not a marker: markers are what a person clicks).
    return L.tooltip({ permanent: true, direction: "center", interactive: false, opacity: 1,
                       className: "map-label map-label--" + kind }).setLatLng(latlng).setContent(span);
  }

  function referenceLayers(map, element, data) {
    var roads = (data.roads && data.roads.features) || [];
    var grids = data.gridLabels || [];
    if (!roads.length && !grids.length) { return; }
    var pane = map.createPane("reference");
    pane.classList.add("map-reference");
    roads.forEach(function (feature) {
      L.geoJSON(feature, { pane: "reference", interactive: false,
                           style: { color: "#7a8796", weight: 2, opacity: 0.8 } }).addTo(map);
      ((feature.properties && feature.properties.labels) || []).forEach(function (at) {
        label(feature.properties.name, "road", [at[1], at[0]]).addTo(map);
      });
    });
    grids.forEach(function (grid) { label(grid.name, "grid", [grid.lat, grid.lon]).addTo(map); });
    function byZoom() {
      var zoom = map.getZoom();
      element.classList.toggle("map--road-names", zoom >= ROAD_NAMES_FROM_ZOOM);
      element.classList.toggle("map--grid-names", zoom >= GRID_NAMES_FROM_ZOOM);
    }
    map.on("zoomend", byZoom);
    byZoom();
  }

  var gridStyle = { color: "#1f5fa8", weight: 2, fillColor: "#1f5fa8", fillOpacity: 0.08 };
  var thinGridStyle = { color: "#4a6c8f", weight: 1, fillOpacity: 0.03, fillColor: "#4a6c8f" };

  function caseMap(element) {
    var data = readData(element);
    var map = baseMap(element, data);
    var point = L.latLng(data.point[1], data.point[0]);
    var bounds = L.latLngBounds([point]);
    if (data.grid) {
      var grid = L.geoJSON(data.grid, { style: gridStyle, interactive: false }).addTo(map);
      bounds.extend(grid.getBounds());
    }
    L.marker(point, { keyboard: false }).addTo(map);
    map.fitBounds(bounds.pad(0.15), { maxZoom: 18 });
  }

  function reportMap(element) {
    var data = readData(element);
    var map = baseMap(element, data);
    var grids = L.geoJSON(data.grids, {
      style: thinGridStyle,
      onEachFeature: function (feature, layer) {
        if (feature.properties && feature.properties.name) {
          layer.bindTooltip(feature.properties.name, { sticky: true, direction: "top", opacity: 0.85 });
        }
      }
    }).addTo(map);
    if (grids.getLayers().length) {
      map.fitBounds(grids.getBounds().pad(0.05));
    } else {
      map.setView([30.25, 120.15], 13);
    }
    var longitude = document.getElementById("longitude");
    var latitude = document.getElementById("latitude");
    var text = document.getElementById("location-text");
    var marker = null;

    function place(latlng, zoomIn) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(latlng);
      }
      longitude.value = latlng.lng.toFixed(7);
      latitude.value = latlng.lat.toFixed(7);
      if (text) { text.textContent = latlng.lng.toFixed(6) + ", " + latlng.lat.toFixed(6); }
      if (zoomIn) { map.setView(latlng, Math.max(map.getZoom(), 17)); }
      // Whoever offers something near the point (the nearest assets, static/assets/assets.js) listens.
      document.dispatchEvent(new CustomEvent("jiedao:point-picked", { detail: { lon: longitude.value, lat: latitude.value } }));
    }

    if (longitude.value && latitude.value) {
      place(L.latLng(parseFloat(latitude.value), parseFloat(longitude.value)), false);
    }
    map.on("click", function (event) { place(event.latlng, false); });
    grids.on("click", function (event) { place(event.latlng, false); });
    // A standard address picked in the search box (address-search.js) sets the point.
    document.addEventListener("jiedao:address-picked", function (event) {
      var point = event.detail.point;
      place(L.latLng(point[1], point[0]), true);
      if (text) { text.textContent = event.detail.label + (event.detail.grid ? " · " + event.detail.grid : ""); }
    });

    var gps = document.getElementById("use-gps");
    if (gps) {
      if (!("geolocation" in navigator)) {
        gps.disabled = true;
      }
      gps.addEventListener("click", function () {
        gps.disabled = true;
        navigator.geolocation.getCurrentPosition(function (position) {
          gps.disabled = false;
          // Browsers report WGS-84; the form says so (crs=wgs84).
          place(L.latLng(position.coords.latitude, position.coords.longitude), true);
        }, function (error) {
          gps.disabled = false;
          if (text) { text.textContent = gps.dataset.failed || error.message; }
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
      });
    }
  }

  function dashboardMap(element) {
    var data = readData(element);
    var map = baseMap(element, data);
    var grids = L.geoJSON(data.grids || { type: "FeatureCollection", features: [] },
                          { style: thinGridStyle, interactive: false });
    var points = (data.points || []).map(function (point) { return [point.lat, point.lon]; });
    // The unit drilled into (its boundary, or its grids'): the map zooms to it and outlines it.
    var focus = data.focus ? L.geoJSON(data.focus, { style: gridStyle, interactive: false }) : null;
    // The view must exist before vector layers are added to the map.
    if (focus && focus.getLayers().length) {
      map.fitBounds(focus.getBounds().pad(0.05));
    } else if (grids.getLayers().length) {
      map.fitBounds(grids.getBounds().pad(0.05));
    } else if (points.length) {
      map.fitBounds(L.latLngBounds(points).pad(0.05));
    } else {
      map.setView([30.25, 120.15], 13);
    }
    grids.addTo(map);
    if (focus) { focus.addTo(map); }
    element.dataset.focused = focus && focus.getLayers().length ? "yes" : "no";
    window.JiedaoMap.dashboard = map;
    (data.points || []).forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: point.overdue ? 6 : 4, weight: 1, color: point.overdue ? "#b42318" : "#1f7a4d",
        fillColor: point.overdue ? "#d92d20" : "#32a467", fillOpacity: 0.8
      }).addTo(map);
      marker.bindTooltip(point.number, { direction: "top" });
      marker.on("click", function () { window.location.href = data.caseUrl.replace("NUMBER", point.number); });
    });
    // Repeat points (the register's 重复发生点位): an orange square over the spot.
    (data.hotspots || []).forEach(function (point) {
      var marker = L.marker([point.lat, point.lon], {
        icon: L.divIcon({ className: "hotspot-marker", iconSize: [8, 8] }), keyboard: false
      }).addTo(map);
      marker.bindTooltip(data.hotspotLabel + " · " + point.item + " · " + point.number, { direction: "top" });
      marker.on("click", function () { window.location.href = data.caseUrl.replace("NUMBER", point.number); });
    });
  }

  // Shared with the residents' pages (portal.js), which load this file first.
  window.JiedaoMap = { readData: readData, baseMap: baseMap, gridStyle: gridStyle, thinGridStyle: thinGridStyle };

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    var imagePath = document.querySelector("link[href*='vendor/leaflet/leaflet.css']");
    if (imagePath) { L.Icon.Default.imagePath = imagePath.href.replace(/leaflet\.css.*$/, "images/"); }
    var caseElement = document.getElementById("case-map");
    if (caseElement) { caseMap(caseElement); }
    var reportElement = document.getElementById("report-map");
    if (reportElement) { reportMap(reportElement); }
    var dashboardElement = document.getElementById("dashboard-map");
    if (dashboardElement) { dashboardMap(dashboardElement); }
  });
}());
