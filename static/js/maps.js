// Region maps (templates/regions/_map.html): outlines from the portal's own JSON endpoints
// (regions/maps.py describes the payload), drawn with Leaflet as polygons; no tile server unless
// the portal sets one. The legend and the table of the same figures are plain HTML beside the map.
(function () {
  "use strict";

  // Stored outlines: [x0, y0, dx1, dy1, ...] in units of q degrees (regions/geometry.py).
  function ring(flat, q) {
    var x = flat[0], y = flat[1], points = [[y * q, x * q]];
    for (var i = 2; i < flat.length; i += 2) {
      x += flat[i];
      y += flat[i + 1];
      points.push([y * q, x * q]);
    }
    return points;
  }

  function latlngs(outline, q) {
    return outline.map(function (polygon) {
      return polygon.map(function (r) { return ring(r, q); });
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function legend(box, data) {
    box.textContent = "";
    box.appendChild(el("p", { "class": "region-map-legend-title" }, data.legend.title));
    var list = el("ul", { "class": "region-map-legend-items" });
    data.legend.items.forEach(function (item) {
      var li = el("li");
      var swatch = el("span", { "class": "region-map-swatch" + (item.color === "outline" ? " region-map-swatch-outline" : ""), "aria-hidden": "true" });
      if (item.color !== "outline") swatch.style.backgroundColor = item.color;
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(item.label));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function table(box, data) {
    var rows = data.features.filter(function (f) { return f.cells; });
    box.textContent = "";
    if (!rows.length) {
      box.appendChild(el("p", { "class": "small text-body-secondary" }, box.getAttribute("data-empty")));
      return;
    }
    var t = el("table", { "class": "table table-sm align-middle small mb-0" });
    var head = el("tr");
    data.columns.forEach(function (c, i) { head.appendChild(el("th", { scope: "col", "class": i ? "text-end" : "" }, c)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    rows.forEach(function (f) {
      var tr = el("tr");
      var th = el("th", { scope: "row", "class": "fw-normal" });
      if (f.href) th.appendChild(el("a", { href: f.href }, f.n)); else th.textContent = f.n;
      tr.appendChild(th);
      f.cells.forEach(function (c) { tr.appendChild(el("td", { "class": "text-end text-nowrap" }, c)); });
      body.appendChild(tr);
    });
    t.appendChild(body);
    box.appendChild(t);
  }

  function draw(container, data) {
    var colours = {};
    data.legend.items.forEach(function (item) { colours[item.k] = item.color; });
    var map = L.map(container, { attributionControl: !!data.tiles, zoomSnap: 0.25, scrollWheelZoom: false });
    if (data.tiles) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 18 }).addTo(map);
    }
    var byCode = {};
    var all = L.featureGroup().addTo(map);
    (data.background || []).forEach(function (f) {
      var layer = L.polygon(latlngs(f.g, data.q), {
        color: "#555", weight: 1.2, fill: !!data.marker, fillColor: "#f4f4f4", fillOpacity: 1, interactive: false
      }).addTo(all);
      byCode[f.c] = layer;
    });
    var features = L.featureGroup().addTo(map);
    data.features.forEach(function (f) {
      var layer = L.polygon(latlngs(f.g, data.q), {
        color: "#333", weight: 0.5, fillColor: colours[f.k] || "#ffffff", fillOpacity: 0.85,
        className: "region-map-feature"
      });
      layer.feature = { code: f.c, key: f.k };
      var tip = f.n + (f.cells ? " · " + f.cells.join(" · ") : "");
      layer.bindTooltip(tip, { sticky: true });
      if (f.href) {
        layer.on("click", function () { window.location.href = f.href; });
      }
      layer.addTo(features);
      byCode[f.c] = layer;
    });
    // Outlines of the kabupaten/kota over the coloured regions; a locator's filled ones stay beneath.
    if (!data.marker) (data.background || []).forEach(function (f) { byCode[f.c].bringToFront(); });
    var fit = null;
    (data.fit || []).forEach(function (code) {
      if (byCode[code]) fit = fit ? fit.extend(byCode[code].getBounds()) : L.latLngBounds(byCode[code].getBounds().getSouthWest(), byCode[code].getBounds().getNorthEast());
    });
    if (!fit) {
      var group = features.getLayers().length ? features : all;
      if (group.getLayers().length) fit = group.getBounds();
    }
    if (fit) map.fitBounds(fit, { padding: [8, 8] });
    if (data.marker && fit) {  // after the map has a view: a circle marker is drawn in pixels
      L.circleMarker(data.marker, { radius: 6, color: "#000", weight: 2, fillColor: colours.here || "#d55e00", fillOpacity: 1 }).addTo(map);
    }
    container.classList.add("region-map-ready");
    return { map: map, byCode: byCode, data: data };
  }

  function programmes(section, state) {
    var progs = state.data.programmes;
    var box = section.querySelector(".region-map-controls");
    if (!progs || !box) return;
    var id = state.map.getContainer().id + "-programme";
    box.appendChild(el("label", { "for": id, "class": "form-label small mb-1" }, box.getAttribute("data-label")));
    var select = el("select", { id: id, "class": "form-select form-select-sm" });
    select.appendChild(el("option", { value: "" }, box.getAttribute("data-none")));
    progs.forEach(function (p) { select.appendChild(el("option", { value: String(p.id) }, p.title)); });
    box.appendChild(select);
    var note = el("p", { "class": "small text-body-secondary mt-1 mb-0", "aria-live": "polite" });
    box.appendChild(note);
    var drawn = L.featureGroup().addTo(state.map);
    select.addEventListener("change", function () {
      drawn.clearLayers();
      note.textContent = "";
      var p = progs.filter(function (x) { return String(x.id) === select.value; })[0];
      if (!p) return;
      var names = [];
      p.targets.forEach(function (code) {
        var area = state.data.areas[code];
        if (!area) return;
        names.push(area.n);
        L.polygon(latlngs(area.g, state.data.q), {
          color: "#0072b2", weight: 3, dashArray: "6 4", fillColor: "#0072b2", fillOpacity: 0.12,
          interactive: false, className: "region-map-target"
        }).addTo(drawn);
      });
      note.textContent = box.getAttribute("data-targets") + " " + names.join(", ");
      if (drawn.getLayers().length) state.map.fitBounds(drawn.getBounds(), { padding: [8, 8] });
    });
  }

  // Leaflet is loaded when the first map comes into view (a same-origin script: the CSP allows it).
  var leaflet = null;
  function withLeaflet(container, then) {
    if (!leaflet) {
      leaflet = new Promise(function (resolve, reject) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = container.getAttribute("data-leaflet-css");
        document.head.appendChild(css);
        var script = document.createElement("script");
        script.src = container.getAttribute("data-leaflet-js");
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return leaflet.then(then);
  }

  function load(container) {
    var section = container.closest(".region-map-section");
    var status = section.querySelector(".region-map-status");
    withLeaflet(container, function () {
      return fetch(container.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } });
    })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (data) {
        if (status) status.textContent = "";
        var state = draw(container, data);
        legend(section.querySelector(".region-map-legend"), data);
        table(section.querySelector(".region-map-table-box"), data);
        programmes(section, state);
      })
      .catch(function (error) {
        if (status) status.textContent = container.getAttribute("data-error");
        if (window.console) console.warn("map " + container.id + ": " + error);
      });
  }

  function init() {
    var maps = document.querySelectorAll(".region-map[data-url]");
    if (!("IntersectionObserver" in window)) {
      maps.forEach(load);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          load(entry.target);
        }
      });
    });
    maps.forEach(function (container) { observer.observe(container); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
