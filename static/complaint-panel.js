// The complaint's panel on the officers' pages (templates/complaints/pages/panel.html); a file
// of its own so that the pages' Content-Security-Policy needs no inline script.

// The point on a plain background (no tile server here): a grid every ~50 m, the radius
// used for duplicates, nearby possible duplicates, and a scale.
(function () {
  if (!window.L) { return; }
  document.querySelectorAll(".complaint-map:not(.ready)").forEach(function (el) {
    var d = JSON.parse(el.dataset.map);
    el.classList.add("ready");
    var here = L.latLng(d.lat, d.lng);
    var map = L.map(el, {
      attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.5, minZoom: 15, maxZoom: 19
    });
    map.fitBounds(here.toBounds(d.radius * 2).pad(0.15));
    var step = 0.0005, span = 0.01;
    var lat0 = Math.round(d.lat / step) * step, lng0 = Math.round(d.lng / step) * step;
    var grid = { color: "#c9d3e3", weight: 1, interactive: false };
    for (var i = -span; i <= span + 1e-9; i += step) {
      L.polyline([[lat0 + i, lng0 - span], [lat0 + i, lng0 + span]], grid).addTo(map);
      L.polyline([[lat0 - span, lng0 + i], [lat0 + span, lng0 + i]], grid).addTo(map);
    }
    L.circle(here, {
      radius: d.radius, color: "#1f3b6e", weight: 1, dashArray: "4 4", fillOpacity: 0.04
    }).addTo(map);
    L.circleMarker(here, {
      radius: 9, color: "#fff", weight: 3, fillColor: "#b3261e", fillOpacity: 1, className: "here"
    }).bindTooltip(d.number + " (เรื่องนี้)", { direction: "top", offset: [0, -8] }).addTo(map);
    (d.duplicates || []).forEach(function (dup) {
      L.circleMarker([dup.lat, dup.lng], {
        radius: 7, color: "#fff", weight: 2, fillColor: "#c9a227", fillOpacity: 1
      }).bindTooltip(dup.number).on("click", function () { window.location = dup.url; }).addTo(map);
    });
    L.control.scale({ imperial: false, maxWidth: 120 }).addTo(map);
  });
})();

// "Another agency": type its name instead (the form's agency field is free text).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector('#decision-form select[name="agency"]');
  if (!select) { return; }
  select.dataset.field = "agency";  // it loses its name while the typed box stands in
  var typed = document.createElement("input");
  typed.placeholder = "ชื่อหน่วยงานภายนอก";
  typed.maxLength = 300;
  typed.hidden = true;
  typed.id = "agency-other";
  select.insertAdjacentElement("afterend", typed);
  function sync() {
    var other = select.value === document.getElementById("complaint-screening").dataset.otherAgency;
    typed.hidden = !other;
    typed.name = other ? "agency" : "";
    select.name = other ? "" : "agency";
    if (other) { typed.focus(); }
  }
  select.addEventListener("change", sync);
});
