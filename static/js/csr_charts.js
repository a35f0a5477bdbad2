// Plan vs realisation: committed vs spent as horizontal bars (the table above stays the source).
(function () {
  "use strict";
  function init() {
    var canvas = document.getElementById("csr-plan-chart");
    var data = document.getElementById("csr-plan-data");
    if (!canvas || !data || typeof Chart === "undefined") return;
    var d = JSON.parse(data.textContent);
    var rupiah = function (v) { return "Rp " + Number(v).toLocaleString("id-ID"); };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.committed_label, data: d.committed, backgroundColor: "#0b5d4b" },
          { label: d.spent_label, data: d.spent, backgroundColor: "#f0ad4e" }
        ]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { ticks: { callback: function (v) { return rupiah(v); } } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + rupiah(c.parsed.x); } } } }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
