/* 垃圾分类 pages: the register's map (Leaflet, through static/js/map.js) and the overview's trend
   chart (ECharts on canvas with richText tooltips: the CSP refuses style attributes). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("waste-map");
    if (element && window.L && window.JiedaoMap) {
      var data = window.JiedaoMap.readData(element);
      var map = window.JiedaoMap.baseMap(element, data);
      var bounds = [];
      (data.points || []).forEach(function (point) {
        var marker = L.circleMarker([point.lat, point.lon], {
          radius: 6, weight: 1, color: "#ffffff", fillOpacity: 0.9,
          fillColor: point.sorting ? "#32a467" : "#8a8a8a" }).addTo(map);
        marker.bindTooltip(point.name);
        marker.on("click", function () { window.location.href = point.url; });
        bounds.push([point.lat, point.lon]);
      });
      (data.facilities || []).forEach(function (facility) {
        var icon = L.divIcon({ className: "waste-facility", iconSize: [14, 14] });
        L.marker([facility.lat, facility.lon], { icon: icon }).addTo(map).bindTooltip(facility.name);
        bounds.push([facility.lat, facility.lon]);
      });
      if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 }); }
      else { map.setView([30.25, 120.16], 13); }
    }

    var chartElement = document.getElementById("chart-waste-trend");
    var source = document.getElementById("waste-chart-data");
    if (chartElement && source && typeof echarts !== "undefined") {
      var chart = JSON.parse(source.textContent);
      var font = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
      var trend = echarts.init(chartElement, null, { renderer: "canvas" });
      var series = chart.series.map(function (row) {
        return { name: row.name, type: "bar", stack: "t", data: row.data.map(function (v) { return Math.round(v * 10) / 10; }),
                 itemStyle: { color: row.color } };
      });
      series.push({ name: chart.rates.name, type: "line", yAxisIndex: 1, smooth: true, data: chart.rates.data,
                    itemStyle: { color: "#e08a00" } });
      trend.setOption({
        textStyle: { fontFamily: font },
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { top: 0, type: "scroll" },
        grid: { left: 44, right: 44, top: 40, bottom: 28 },
        xAxis: { type: "category", data: chart.months },
        yAxis: [{ type: "value", name: "t" }, { type: "value", name: "%", min: 0, max: 100 }],
        series: series
      });
      window.addEventListener("resize", function () { trend.resize(); });
    }
  });
}());
