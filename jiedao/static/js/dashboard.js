/* The leader's dashboard charts: ECharts from static/, data from the page (json_script). Drawn on
   canvas with the tooltip drawn there too (renderMode richText): ECharts' SVG renderer and its
   HTML tooltip write style attributes, which the Content-Security-Policy refuses. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") { return; }
    var source = document.getElementById("dashboard-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var font = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

    var trendElement = document.getElementById("chart-trend");
    if (trendElement) {
      var trend = echarts.init(trendElement, null, { renderer: "canvas" });
      trend.setOption({
        textStyle: { fontFamily: font },
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { data: [data.labels.reported, data.labels.closed], top: 0 },
        grid: { left: 40, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: data.trend.map(function (row) { return row[0].slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: data.labels.reported, type: "line", smooth: true, data: data.trend.map(function (r) { return r[1]; }),
            itemStyle: { color: "#1f5fa8" } },
          { name: data.labels.closed, type: "line", smooth: true, data: data.trend.map(function (r) { return r[2]; }),
            itemStyle: { color: "#32a467" } }
        ]
      });
      window.addEventListener("resize", function () { trend.resize(); });
    }

    var mixElement = document.getElementById("chart-categories");
    if (mixElement) {
      var rows = data.categories.slice().reverse();
      var mix = echarts.init(mixElement, null, { renderer: "canvas" });
      mix.setOption({
        textStyle: { fontFamily: font },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
        series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }), itemStyle: { color: "#4a6c8f" },
                   label: { show: true, position: "right" } }]
      });
      window.addEventListener("resize", function () { mix.resize(); });
    }
  });
}());
