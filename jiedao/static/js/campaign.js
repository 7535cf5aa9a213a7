/* The campaign page (专项行动): the daily trend (ECharts, canvas with the rich-text tooltip, as the
   dashboard draws: the SVG renderer and HTML tooltips write style attributes the Content-Security-
   Policy refuses) and the map of key places and cases (Leaflet, through map.js's JiedaoMap). */
(function () {
  "use strict";

  var font = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
  var groupColours = ["#1f5fa8", "#d97706", "#32a467", "#7c3aed", "#64748b"];

  function trend(element, data) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var series = data.groups.map(function (group, index) {
      return { name: group.name, type: "bar", stack: "done", data: group.done,
               itemStyle: { color: groupColours[index % groupColours.length] } };
    });
    series.push({ name: data.labels.found, type: "line", smooth: true, data: data.found, symbol: "none",
                  itemStyle: { color: "#b42318" }, lineStyle: { type: "dashed" } });
    series.push({ name: data.labels.cumulative, type: "line", yAxisIndex: 1, data: data.cumulative, symbol: "none",
                  itemStyle: { color: "#10355e" },
                  markLine: data.target ? { symbol: "none", label: { position: "insideEndTop", formatter: data.labels.target + " {c}" },
                                            lineStyle: { color: "#10355e", type: "dotted" },
                                            data: [{ yAxis: data.target }] } : undefined });
    chart.setOption({
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 36, right: 44, top: 40, bottom: 28 },
      xAxis: { type: "category", data: data.days.map(function (day) { return day.slice(5); }) },
      yAxis: [{ type: "value", minInterval: 1 },
              { type: "value", minInterval: 1, splitLine: { show: false },
                max: function (value) { return Math.max(value.max, data.target || 0); } }],
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function placeStyle(feature) {
    var kind = feature.properties.kind;
    if (kind === "back_street") { return { color: "#2563eb", weight: 6, opacity: 0.8 }; }
    if (kind === "farmers_market") { return { color: "#7c3aed", weight: 2, fillColor: "#7c3aed", fillOpacity: 0.18 }; }
    return { color: "#0f766e", weight: 2, dashArray: "6 4", fillColor: "#0f766e", fillOpacity: 0.1 };
  }

  function campaignMap(element) {
    var data = JiedaoMap.readData(element);
    var map = JiedaoMap.baseMap(element, data);
    var outline = data.boundary ? L.geoJSON(data.boundary, { style: JiedaoMap.thinGridStyle, interactive: false }) : null;
    var places = L.geoJSON(data.places, {
      style: placeStyle,
      onEachFeature: function (feature, layer) {
        var completion = feature.properties.completion;
        layer.bindTooltip(feature.properties.name + " · " + feature.properties.label +
                          (completion === null ? "" : " · " + completion + "%"), { sticky: true });
      }
    });
    var bounds = outline ? outline.getBounds() : (places.getLayers().length ? places.getBounds() : null);
    var points = (data.points || []).map(function (point) { return [point.lat, point.lon]; });
    if (bounds) { map.fitBounds(bounds.pad(0.05)); }
    else if (points.length) { map.fitBounds(L.latLngBounds(points).pad(0.05)); }
    else { map.setView([30.25, 120.15], 13); }
    if (outline) { outline.addTo(map); }
    places.addTo(map);
    (data.points || []).forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: 5, weight: 1, color: "#b45309", fillColor: "#f59e0b", fillOpacity: 0.9
      }).addTo(map);
      marker.bindTooltip(point.number + " · " + data.labels.open, { direction: "top" });
      marker.on("click", function () { window.location.href = data.caseUrl.replace("NUMBER", point.number); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("campaign-data");
    var trendElement = document.getElementById("campaign-trend");
    if (source && trendElement && typeof echarts !== "undefined") {
      trend(trendElement, JSON.parse(source.textContent));
    }
    var mapElement = document.getElementById("campaign-map");
    if (mapElement && typeof L !== "undefined" && window.JiedaoMap) { campaignMap(mapElement); }
  });
}());
