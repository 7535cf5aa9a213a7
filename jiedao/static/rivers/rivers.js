/* 河长制 office pages: the compliance map (every segment coloured by this week's patrols), a
   segment's map with the cases near it, a patrol's track on its segment, and the log's print button. */
(function () {
  "use strict";

  var COLOURS = { done: "#1a7f37", not_counting: "#d4a72c", missed: "#cf222e" };

  function data(element) { return JSON.parse(document.getElementById(element.dataset.map).textContent); }

  function complianceMap() {
    var element = document.getElementById("river-map");
    if (!element) { return; }
    var source = data(element);
    var map = window.JiedaoMap.baseMap(element, source, { preferCanvas: true });
    var segments = JSON.parse(document.getElementById("river-segments-data").textContent);
    var layer = L.geoJSON(segments, {
      style: function (feature) {
        return { color: COLOURS[feature.properties.status], weight: 5, opacity: 0.9,
                 fillColor: COLOURS[feature.properties.status], fillOpacity: 0.3 };
      },
      onEachFeature: function (feature, line) {
        line.bindTooltip(feature.properties.code + " " + feature.properties.name + " · " +
                         source.labels[feature.properties.status], { sticky: true });
        line.on("click", function () {
          window.location.href = source.segmentUrl.replace("/0/", "/" + feature.properties.id + "/");
        });
      }
    });
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds().pad(0.05)); } else { map.setView([30.225, 120.13], 13); }
    layer.addTo(map);
  }

  function segmentMap(id) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var source = data(element);
    var map = window.JiedaoMap.baseMap(element, source);
    // Leaflet draws vectors only once the map has a view: bounds first, then the layers.
    var layers = [L.geoJSON(source.segment, { style: { color: "#1f6fd1", weight: 6, opacity: 0.85, fillOpacity: 0.2 } })];
    if (source.track && source.track.length) {
      layers.push(L.polyline(source.track, { color: "#d92d20", weight: 3 }));
    }
    (source.cases || []).forEach(function (found) {
      var marker = L.circleMarker([found.lat, found.lon], { radius: 7, color: "#8a5a00", fillColor: "#e0a800",
                                                             fillOpacity: 0.9, weight: 2 });
      marker.bindTooltip(found.number + " " + found.item, { direction: "top" });
      marker.on("click", function () { window.location.href = found.url; });
      layers.push(marker);
    });
    var group = L.featureGroup(layers);
    map.fitBounds(group.getBounds().pad(0.15));
    group.addTo(map);
  }

  function printButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function start() {
    printButtons();
    if (!window.L || !window.JiedaoMap) { return; }
    complianceMap();
    segmentMap("segment-map");
    segmentMap("patrol-river-map");
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
