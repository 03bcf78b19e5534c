/* Draws every dashboard chart with ECharts from its <script type="application/json"> block.
 * Each chart element names its data block in data-chart-source; no inline script (CSP). */
(function () {
  "use strict";
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  var T = english
    ? { forecast: "Forecast", actual: "Actual", goal: "Target" }
    : { forecast: "预测", actual: "实际", goal: "目标" };
  var COLOURS = ["#1f6feb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2"];

  function fmt(v) {
    if (v === null || v === undefined) return "";
    var a = Math.abs(v);
    if (english) {
      if (a >= 1e9) return (v / 1e9).toFixed(2) + " bn";
      if (a >= 1e6) return (v / 1e6).toFixed(1) + " m";
      return String(Math.round(v * 100) / 100);
    }
    if (a >= 1e8) return (v / 1e8).toFixed(2) + "亿";
    if (a >= 1e4) return (v / 1e4).toFixed(1) + "万";
    return String(Math.round(v * 100) / 100);
  }

  function base(spec) {
    return {
      animation: false,
      color: COLOURS,
      title: spec.kind === "trend" ? undefined : { text: spec.title, left: "center", textStyle: { fontSize: 13 } },
      tooltip: { trigger: spec.kind === "pie" || spec.kind === "funnel" || spec.kind === "tilemap" ? "item" : "axis",
                 valueFormatter: fmt },
      grid: { left: 8, right: 16, top: spec.kind === "trend" ? 12 : 36, bottom: 8, containLabel: true }
    };
  }

  function series(spec, type, extra) {
    return spec.series.map(function (s) {
      var out = { name: s.name, type: type, data: s.data };
      for (var k in extra || {}) out[k] = extra[k];
      return out;
    });
  }

  var builders = {
    bar: function (spec) {
      var o = base(spec);
      o.legend = spec.series.length > 1 ? { bottom: 0 } : undefined;
      o.xAxis = { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 8 ? 40 : 0 } };
      o.yAxis = { type: "value", axisLabel: { formatter: fmt } };
      o.series = series(spec, "bar");
      return o;
    },
    bar_stack: function (spec) {
      var o = builders.bar(spec);
      o.series = series(spec, "bar", { stack: "total" });
      o.legend = { bottom: 0 };
      o.grid.bottom = 28;
      return o;
    },
    hbar: function (spec) {
      var o = base(spec);
      o.legend = spec.series.length > 1 ? { bottom: 0 } : undefined;
      o.yAxis = { type: "category", data: spec.categories.slice().reverse(), axisLabel: { width: 140, overflow: "truncate" } };
      o.xAxis = { type: "value", axisLabel: { formatter: fmt } };
      o.series = spec.series.map(function (s) { return { name: s.name, type: "bar", data: s.data.slice().reverse() }; });
      return o;
    },
    pie: function (spec) {
      var o = base(spec);
      o.series = [{ type: "pie", radius: ["35%", "65%"], top: 24,
        data: spec.categories.map(function (c, i) { return { name: c, value: spec.series[0].data[i] }; }) }];
      return o;
    },
    funnel: function (spec) {
      var o = base(spec);
      o.series = [{ type: "funnel", sort: "none", top: 36, bottom: 8, label: { formatter: "{b}: {c}" },
        data: spec.categories.map(function (c, i) { return { name: c, value: spec.series[0].data[i] }; }) }];
      return o;
    },
    trend: function (spec) {
      var years = [], actual = [], forecast = [];
      var last = spec.trend.length ? spec.trend[spec.trend.length - 1] : null;
      for (var y = 2024; y <= spec.deadline_year; y++) years.push(String(y));
      years.forEach(function (y) {
        var hit = spec.trend.filter(function (p) { return String(p[0]) === y; })[0];
        actual.push(hit ? Number(hit[1]) : null);
        forecast.push(last && y === String(last[0]) ? Number(last[1]) : (y === String(spec.deadline_year) ? Number(spec.forecast) : null));
      });
      var o = base(spec);
      o.xAxis = { type: "category", data: years };
      var goal = Number(spec.target_value);
      o.yAxis = { type: "value", axisLabel: { formatter: fmt },
        max: function (v) { return Math.max(v.max, goal * 1.1); } };
      o.series = [
        { name: T.actual, type: "line", data: actual, symbolSize: 6,
          markLine: { symbol: "none", silent: true, lineStyle: { color: "#dc2626", type: "dashed" },
            label: { formatter: T.goal, position: "insideEndTop" }, data: [{ yAxis: goal }] } },
        { name: T.forecast, type: "line", data: forecast, connectNulls: true,
          lineStyle: { type: "dotted", color: spec.status === "at_risk" ? "#dc2626" : "#059669" },
          itemStyle: { color: spec.status === "at_risk" ? "#dc2626" : "#059669" } }
      ];
      return o;
    },
    tilemap: function (spec) {
      var o = base(spec);
      var max = Math.max.apply(null, spec.cells.map(function (c) { return c.value; }).concat([1]));
      var cols = [], rows = [];
      for (var i = 0; i < spec.columns; i++) cols.push(String(i));
      for (var j = 0; j < spec.rows; j++) rows.push(String(j));
      o.xAxis = { type: "category", data: cols, show: false };
      o.yAxis = { type: "category", data: rows, show: false, inverse: true };
      o.visualMap = { min: 0, max: max, calculable: false, orient: "horizontal", left: "center", bottom: 0,
        inRange: { color: ["#e0ecff", "#1f6feb"] }, formatter: fmt };
      o.grid.bottom = 48;
      o.tooltip = { trigger: "item", formatter: function (p) { return p.data.name + "<br>" + fmt(p.data.value[2]); } };
      o.series = [{ type: "heatmap", itemStyle: { borderColor: "#fff", borderWidth: 3 },
        label: { show: true, formatter: function (p) { return p.data.name + "\n" + fmt(p.data.value[2]); } },
        data: spec.cells.map(function (c) { return { name: c.name, value: [String(c.x), String(c.y), c.value] }; }) }];
      return o;
    }
  };

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart-source"));
    if (!source || !window.echarts) return;
    var spec = JSON.parse(source.textContent);
    var build = builders[spec.kind] || builders.bar;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build(spec));
    el.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart-source]"), draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
