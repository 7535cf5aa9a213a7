/* The project library's maps: all projects (lines and polygons coloured by on time / late / done),
   one project's place, and drawing a new project's line or polygon by clicking the map. */
(function () {
  "use strict";

  var COLOURS = { on_time: "#1f5fa8", late: "#d92d20", done: "#1f7a4d" };

  function styleOf(feature) {
    var colour = COLOURS[(feature.properties && feature.properties.standing) || "on_time"] || "#1f5fa8";
    return { color: colour, weight: 5, opacity: 0.9, fillColor: colour, fillOpacity: 0.25 };
  }

  function gridsLayer(data) {
    return L.geoJSON(data.grids || { type: "FeatureCollection", features: [] },
                     { style: window.JiedaoMap.thinGridStyle, interactive: false });
  }

  function listMap(element) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data, { zoomSnap: 0.25 });
    var grids = gridsLayer(data).addTo(map);
    var projects = L.geoJSON(data.projects, {
      style: styleOf,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(feature.properties.name, { sticky: true });
        layer.on("click", function () { window.location.href = feature.properties.url; });
      }
    }).addTo(map);
    var shown = projects.getLayers().length ? projects : grids;
    if (shown.getLayers().length) { map.fitBounds(shown.getBounds().pad(0.05)); } else { map.setView([30.225, 120.13], 14); }
  }

  function detailMap(element) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data);
    var shape = L.geoJSON(data.project, { style: { color: "#1f5fa8", weight: 6, opacity: 0.85, fillOpacity: 0.2 } })
      .addTo(map);
    map.fitBounds(shape.getBounds().pad(0.3), { maxZoom: 18 });
  }

  // The new-project form: each click adds a vertex; the kind (line / polygon) decides the GeoJSON
  // written into the form's text field, which stays editable (and is what the server checks).
  function drawMap(element) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data, { zoomSnap: 0.25 });
    var grids = gridsLayer(data).addTo(map);
    if (grids.getLayers().length) { map.fitBounds(grids.getBounds().pad(0.05)); } else { map.setView([30.225, 120.13], 14); }
    var field = document.getElementById(element.dataset.field);
    var kind = document.getElementById(element.dataset.kind);
    var clear = document.getElementById(element.dataset.clear);
    var points = [];
    var drawn = null;
    function geometry() {
      var ring = points.map(function (p) { return [Number(p.lng.toFixed(6)), Number(p.lat.toFixed(6))]; });
      if (kind.value === "Polygon") {
        if (ring.length < 3) { return null; }
        return { type: "Polygon", coordinates: [ring.concat([ring[0]])] };
      }
      if (ring.length < 2) { return null; }
      return { type: "LineString", coordinates: ring };
    }
    function redraw() {
      if (drawn) { map.removeLayer(drawn); drawn = null; }
      var shape = geometry();
      if (shape) {
        drawn = L.geoJSON(shape, { style: { color: "#d92d20", weight: 5, fillOpacity: 0.2 } }).addTo(map);
        field.value = JSON.stringify(shape);
      }
    }
    map.on("click", function (event) { points.push(event.latlng); redraw(); });
    kind.addEventListener("change", redraw);
    clear.addEventListener("click", function () {
      points = []; field.value = "";
      if (drawn) { map.removeLayer(drawn); drawn = null; }
    });
    if (field.value) {
      try { drawn = L.geoJSON(JSON.parse(field.value), { style: { color: "#d92d20", weight: 5 } }).addTo(map); } catch (e) { drawn = null; }
    }
  }

  var list = document.getElementById("project-map");
  if (list) { listMap(list); }
  var detail = document.getElementById("project-detail-map");
  if (detail) { detailMap(detail); }
  var draw = document.getElementById("project-draw-map");
  if (draw) { drawMap(draw); }
})();
