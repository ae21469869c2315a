/* Draws the charts of the service report with Chart.js (served from this
 * extension's assets, never from a CDN). Each chart is a
 * <div class="utt1service-chart"> holding a <canvas> and its data as
 * <script type="application/json"> (see the helper utt1service_report_chart). */
(function () {
  "use strict";

  function draw(box) {
    var script = box.querySelector("script[type='application/json']");
    var canvas = box.querySelector("canvas");
    if (!script || !canvas || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(script.textContent);
    var colors = spec.colors;
    var datasets = spec.series.map(function (series, index) {
      var color = colors[series.key] || colors.slices[index % colors.slices.length];
      return { label: series.label, data: series.values, backgroundColor: color, borderColor: color };
    });
    var config = { data: { labels: spec.labels, datasets: datasets }, options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: "bottom" } }
    } };
    if (spec.type === "doughnut") {
      config.type = "doughnut";
      datasets[0].backgroundColor = spec.labels.map(function (_l, i) { return colors.slices[i % colors.slices.length]; });
      datasets[0].borderColor = "#fff";
      config.options.plugins.legend.position = "right";
      config.options.plugins.title = { display: true, text: spec.cur };
    } else if (spec.type === "stacked") {
      config.type = "bar";
      config.options.indexAxis = "y";
      config.options.scales = { x: { stacked: true, min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } }, y: { stacked: true } };
      config.options.plugins.title = { display: true, text: spec.cur };
    } else {
      config.type = "bar";
      if (spec.type === "hbar") { config.options.indexAxis = "y"; }
      var valueAxis = spec.type === "hbar" ? "x" : "y";
      config.options.scales = {};
      config.options.scales[valueAxis] = { beginAtZero: true, ticks: { precision: 0 } };
    }
    new Chart(canvas, config);
  }

  function start() {
    var boxes = document.querySelectorAll(".utt1service-chart");
    for (var i = 0; i < boxes.length; i++) { draw(boxes[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
