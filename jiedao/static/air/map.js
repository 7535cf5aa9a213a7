/* The register's map: each source a dot (red when it exceeded a limit this month), a click opens it.
   Drawn without tiles (closed networks have none); data from the page's json_script. */
(function () {
  "use strict";
  var element = document.getElementById("air-map");
  if (!element || typeof L === "undefined") { return; }
  var source = document.getElementById(element.dataset.map);
  var points = source ? JSON.parse(source.textContent) : [];
  if (!points.length) { element.hidden = true; return; }
  element.classList.add("map--no-tiles");
  var map = L.map(element, { attributionControl: false });
  var bounds = [];
  points.forEach(function (point) {
    var marker = L.circleMarker([point.lat, point.lon], {
      radius: 7, weight: 2, color: point.exceeding ? "#a3231b" : "#1d6b35",
      fillColor: point.exceeding ? "#e5534b" : "#4caf73", fillOpacity: 0.85
    }).addTo(map);
    var link = document.createElement("a");
    link.href = "/air/sources/" + point.id + "/";
    link.textContent = point.name;
    var box = document.createElement("div");
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(point.type));
    marker.bindPopup(box);
    bounds.push([point.lat, point.lon]);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
}());
