// Karang Taruna registry dashboard: draws the charts from the JSON the page carries (no inline script: CSP).
(function () {
  "use strict";
  function start() {
    var source = document.getElementById("registry-charts");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var colours = ["#0b5d4b", "#3f8f6b", "#9cc5a1", "#f2b134", "#d9534f", "#6c757d"];
    function bar(id, labels, datasets, options) {
      var canvas = document.getElementById(id);
      if (!canvas) {
        return;
      }
      datasets.forEach(function (set, i) {
        set.backgroundColor = colours[i % colours.length];
      });
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: datasets },
        options: Object.assign({ responsive: true, maintainAspectRatio: false, locale: document.documentElement.lang || "id" }, options || {})
      });
    }
    var labels = data.labels;
    bar("chart-coverage", data.coverage.labels, [
      { label: labels.registered, data: data.coverage.registered },
      { label: labels.with_term, data: data.coverage.with_term }
    ], { scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } });
    bar("chart-classes", data.classes.labels, data.classes.series, { scales: { x: { stacked: true }, y: { stacked: true } } });
    bar("chart-assistance", data.assistance.labels, data.assistance.series, { scales: { x: { stacked: true }, y: { stacked: true } } });
    bar("chart-funding", data.funding.labels, [
      { label: labels.planned, data: data.funding.planned },
      { label: labels.realised, data: data.funding.realised }
    ]);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
