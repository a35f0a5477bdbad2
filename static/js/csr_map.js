// Schematic map of the poor villages no CSR programme reaches (synchronisation board).
// No coordinates exist in the data: points come from the village code on a CRS.Simple grid.
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("csr-map");
    var data = document.getElementById("csr-map-points");
    if (!el || !data || typeof L === "undefined") return;
    var points = JSON.parse(data.textContent);
    if (!points.length) {
      el.textContent = el.getAttribute("data-empty");
      return;
    }
    var map = L.map(el, { crs: L.CRS.Simple, minZoom: -3, attributionControl: false });
    var bounds = [];
    points.forEach(function (p) {
      var radius = Math.max(3, Math.min(14, Math.sqrt(p.poor)));
      L.circleMarker([p.y, p.x], { radius: radius, color: "#b02a37", weight: 1, fillOpacity: 0.6 })
        .bindPopup(p.name + " (" + p.code + ")<br>" + p.poor + " KK miskin, " + p.share + "%")
        .addTo(map);
      bounds.push([p.y, p.x]);
    });
    map.fitBounds(L.latLngBounds(bounds).pad(0.2));
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
