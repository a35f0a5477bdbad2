// Poverty dashboard charts (Chart.js 4). Data comes from the json_script element; no inline script (CSP).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("poverty-chart-data");
    if (!source || !window.Chart) { return; }
    var data = JSON.parse(source.textContent);
    var green = "#0b5d4b", amber = "#d89614";
    function bar(id, labels, datasets, horizontal) {
      var el = document.getElementById(id);
      if (!el) { return; }
      new window.Chart(el, {
        type: "bar",
        data: { labels: labels, datasets: datasets },
        options: { responsive: true, maintainAspectRatio: false, indexAxis: horizontal ? "y" : "x",
                   plugins: { legend: { display: datasets.length > 1 } } }
      });
    }
    bar("chart-desil", data.desil.labels, [{ label: data.labels.families, data: data.desil.values, backgroundColor: green }]);
    bar("chart-poor", data.poor.labels, [
      { label: data.labels.poor4, data: data.poor.poor4, backgroundColor: green },
      { label: data.labels.poor5, data: data.poor.poor5, backgroundColor: amber }
    ], true);
    bar("chart-changed", data.changed.labels, [{ label: data.labels.changed, data: data.changed.values, backgroundColor: green }]);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
