/* 土壤监测专题: the monitoring points coloured by their latest sample's level (≤筛选值, >筛选值,
   >管制值, grey for none), each opening its point; data from json_script, Leaflet vendored. */
(function () {
  "use strict";

  var LEVEL_COLOURS = { below_screening: "#1f7a4d", above_screening: "#dc6803", above_control: "#d92d20" };

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function soilMap(element) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data);
    var focus = data.focus ? L.geoJSON(data.focus, { style: window.JiedaoMap.gridStyle, interactive: false }) : null;
    // [id, lon, lat, level, code, name] (soil/selectors.py points_for_map)
    var points = (data.points || []).map(function (row) {
      var colour = LEVEL_COLOURS[row[3]] || "#98a2b3";
      var marker = L.circleMarker([row[2], row[1]], { radius: row[3] === "above_control" ? 9 : 7, weight: 2,
                                                       color: "#fff", fillColor: colour, fillOpacity: 0.95 });
      var link = data.pointUrl.replace("/0/", "/" + row[0] + "/");
      marker.bindTooltip(row[4] + " " + row[5], { direction: "top" });
      marker.bindPopup("<div class='map-popup'><strong>" + escapeHtml(row[4]) + "</strong> " + escapeHtml(row[5]) +
                       "<br>" + escapeHtml(data.levels[row[3]] || data.levels[""]) +
                       "<br><a href='" + escapeHtml(link) + "'>" + escapeHtml(element.dataset.openLabel) + " ›</a></div>");
      return marker;
    });
    var layer = L.featureGroup(points);
    if (focus && focus.getLayers().length) {
      map.fitBounds(focus.getBounds().pad(0.05));
    } else if (points.length) {
      map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 16 });
    } else {
      map.setView([30.25, 120.15], 13);
    }
    if (focus) { focus.addTo(map); }
    layer.addTo(map);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("soil-map");
    if (element && typeof L !== "undefined") { soilMap(element); }
  });
}());
