/* 绿化专题: the monthly chart (ECharts on canvas, richText tooltip: the CSP refuses style attributes)
   and the map of the plantings, coloured by survival state or by kind; data from json_script. */
(function () {
  "use strict";

  var STATE_COLOURS = { replanting: "#d92d20", ok: "#1f7a4d", unchecked: "#98a2b3" };
  var KIND_COLOURS = { infill: "#32a467", demolition: "#1f5fa8", depaving: "#b54708", replanting: "#7a5af8" };

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function trendChart(element, data) {
    var font = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: [data.labels.area, data.labels.trees], top: 0 },
      grid: { left: 48, right: 40, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.months.map(function (row) { return row[0].slice(2); }) },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
      series: [
        { name: data.labels.area, type: "bar", data: data.months.map(function (r) { return r[1]; }),
          itemStyle: { color: "#32a467" } },
        { name: data.labels.trees, type: "line", yAxisIndex: 1, data: data.months.map(function (r) { return r[2]; }),
          itemStyle: { color: "#1f5fa8" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function plantingMap(element) {
    var data = window.JiedaoMap.readData(element);
    var map = window.JiedaoMap.baseMap(element, data);
    var colouring = "state";
    var colours = function (feature) {
      var p = feature.properties;
      return colouring === "state" ? STATE_COLOURS[p.state] : (KIND_COLOURS[p.kind] || "#6b7684");
    };
    var layer = L.geoJSON(data.plantings, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: feature.properties.state === "replanting" ? 7 : 5, weight: 1,
                                        color: "#fff", fillOpacity: 0.9 });
      },
      style: function (feature) {
        var colour = colours(feature);
        return { color: colour, fillColor: colour, weight: 2, fillOpacity: 0.45 };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var link = data.plantingUrl.replace("/0/", "/" + p.id + "/");
        shape.bindTooltip(p.kindLabel + " · " + p.label, { direction: "top" });
        shape.bindPopup("<div class='map-popup'><strong>" + escapeHtml(p.kindLabel) + "</strong> · " +
                        escapeHtml(p.label) + "<br>" + escapeHtml(data.states[p.state] || "") +
                        (p.rate === null ? "" : " " + escapeHtml(p.rate) + "%") +
                        "<br><a href='" + escapeHtml(link) + "'>" + escapeHtml(element.dataset.openLabel) + " ›</a></div>");
      }
    });
    var focus = data.focus ? L.geoJSON(data.focus, { style: window.JiedaoMap.gridStyle, interactive: false }) : null;
    if (focus && focus.getLayers().length) {
      map.fitBounds(focus.getBounds().pad(0.05));
    } else if (layer.getLayers().length) {
      map.fitBounds(layer.getBounds().pad(0.1), { maxZoom: 17 });
    } else {
      map.setView([30.25, 120.15], 13);
    }
    if (focus) { focus.addTo(map); }
    layer.addTo(map);

    var key = document.getElementById("greening-key");
    function legend() {
      if (!key) { return; }
      key.textContent = "";
      var names = colouring === "state" ? data.states : data.kinds;
      var palette = colouring === "state" ? STATE_COLOURS : KIND_COLOURS;
      Object.keys(names).forEach(function (code) {
        var item = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "map-key__swatch map-key__swatch--" + (colouring === "state" ? "state-" : "kind-") + code;
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(names[code]));
        key.appendChild(item);
      });
    }
    function recolour() {
      layer.eachLayer(function (shape) {
        var colour = colours(shape.feature);
        shape.setStyle(shape.feature.geometry.type === "Point" ? { fillColor: colour } : { color: colour, fillColor: colour });
      });
      legend();
    }
    document.querySelectorAll("#greening-colouring input[name=colouring]").forEach(function (input) {
      input.addEventListener("change", function () { colouring = input.value; recolour(); });
    });
    recolour();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var chartData = document.getElementById("greening-chart-data");
    var chartElement = document.getElementById("greening-trend");
    if (chartData && chartElement && typeof echarts !== "undefined") {
      trendChart(chartElement, JSON.parse(chartData.textContent));
    }
    var mapElement = document.getElementById("greening-map");
    if (mapElement && typeof L !== "undefined") { plantingMap(mapElement); }
  });
}());
