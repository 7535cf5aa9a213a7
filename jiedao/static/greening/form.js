/* The planting form: a click on the map writes the point as GeoJSON (WGS-84) into the location
   field; a geometry already there (sent back with an error, or pasted) is drawn. */
(function () {
  "use strict";

  function pickerMap(element, field) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data);
    var grids = L.geoJSON(data.grids || { type: "FeatureCollection", features: [] },
                          { style: window.JiedaoMap.thinGridStyle, interactive: false });
    if (grids.getLayers().length) { map.fitBounds(grids.getBounds().pad(0.05)); } else { map.setView([30.25, 120.15], 13); }
    grids.addTo(map);
    var drawn = null;

    function draw(fit) {
      if (drawn) { map.removeLayer(drawn); drawn = null; }
      var geometry;
      try { geometry = JSON.parse(field.value); } catch (error) { return; }
      if (!geometry || !geometry.type) { return; }
      drawn = L.geoJSON(geometry, { style: { color: "#1f7a4d", weight: 2, fillOpacity: 0.3 } }).addTo(map);
      if (fit && drawn.getLayers().length) { map.fitBounds(drawn.getBounds().pad(0.5), { maxZoom: 17 }); }
    }

    map.on("click", function (event) {
      field.value = JSON.stringify({ type: "Point",
                                     coordinates: [Number(event.latlng.lng.toFixed(6)), Number(event.latlng.lat.toFixed(6))] });
      draw(false);
    });
    field.addEventListener("change", function () { draw(true); });
    draw(true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("planting-map");
    var field = document.getElementById("planting-geometry");
    if (element && field && typeof L !== "undefined") { pickerMap(element, field); }
  });
}());
