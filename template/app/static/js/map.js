/* Maps drawn with Leaflet (served from /static/vendor/leaflet): the reports listed on the page
   ([data-point] items) as coloured dots, and the spot picker of the report form. The HTML list
   stays the fallback: without script, Leaflet or tiles, nothing is lost. Texts come from the
   page's data-msg-* attributes (the translation files). */
(function () {
  "use strict";
  var COLOURS = {
    menunggu: "#6B7280", koordinasi: "#6D28D9", disposisi: "#0369A1",
    proses: "#B45309", selesai: "#047857", ditolak: "#B91C1C"
  };
  var INDONESIA = [-2.5, 118];
  var TILE_WAIT_MS = 8000;

  function show(el, text) {
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
  }

  // A map with the tile layer; `onFail` runs once when no tile could be loaded.
  function baseMap(root, onFail) {
    root.hidden = false;
    var map = L.map(root, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({
      zoomInTitle: root.dataset.msgZoomIn || "+", zoomOutTitle: root.dataset.msgZoomOut || "-"
    }).addTo(map);
    var loaded = false;
    var failed = false;
    var fail = function () {
      if (loaded || failed) return;
      failed = true;
      root.classList.add("map--no-tiles");
      onFail();
    };
    var tiles = L.tileLayer(root.dataset.tiles, { maxZoom: 19, attribution: root.dataset.attribution });
    tiles.on("tileload", function () { loaded = true; });
    tiles.on("tileerror", fail);
    tiles.addTo(map);
    window.setTimeout(fail, TILE_WAIT_MS);
    return map;
  }

  function startView(map, root, bounds) {
    var centre = root.dataset.centre ? root.dataset.centre.split(",").map(parseFloat) : null;
    if (bounds.length === 1) map.setView(bounds[0], 16);
    else if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    else if (centre && !isNaN(centre[0])) map.setView(centre, parseInt(root.dataset.zoom, 10) || 11);
    else map.setView(INDONESIA, 5);
  }

  function reportsMap(root) {
    var notice = root.parentNode.querySelector("[data-map-notice]");
    var map = baseMap(root, function () { show(notice, root.dataset.msgTilesFailed); });
    var list = document.querySelector(root.dataset.list);
    var bounds = [];
    var focus = null;
    (list ? list.querySelectorAll("[data-point]") : []).forEach(function (item) {
      var lat = parseFloat(item.dataset.lat);
      var lng = parseFloat(item.dataset.long);
      if (isNaN(lat) || isNaN(lng)) return;
      var marker = L.circleMarker([lat, lng], {
        radius: 9, color: "#FFFFFF", weight: 2, fillOpacity: 0.95,
        fillColor: COLOURS[item.dataset.status] || "#374151",
        className: "map-marker map-marker--" + item.dataset.status
      });
      marker.bindPopup(function () {
        var box = document.createElement("div");
        box.className = "map-popup";
        item.querySelectorAll("a, .badge").forEach(function (part) {
          box.appendChild(part.cloneNode(true));
          box.appendChild(document.createTextNode(" "));
        });
        return box;
      });
      marker.addTo(map);
      bounds.push([lat, lng]);
      if (item.dataset.number === root.dataset.focus) focus = { marker: marker, at: [lat, lng] };
    });
    if (focus) {
      map.setView(focus.at, 16);
      focus.marker.openPopup();
    } else {
      startView(map, root, bounds);
    }
  }

  // The report form: click (or the centre button) puts the pin; the hidden lat/long get it.
  function picker(root) {
    var form = root.closest("form");
    var lat = form.querySelector('input[name="lat"]');
    var lng = form.querySelector('input[name="long"]');
    var status = form.querySelector("[data-picker-status]");
    var notice = form.querySelector("[data-picker-notice]");
    var centreButton = form.querySelector("[data-picker-centre]");
    var map = baseMap(root, function () { show(notice, root.dataset.msgTilesFailed); });
    var marker = null;
    var put = function (at, fromInputs) {
      if (marker) marker.setLatLng(at);
      else marker = L.marker(at, { keyboard: false, icon: L.divIcon({ className: "pin", iconSize: [22, 22] }) }).addTo(map);
      if (!fromInputs) {
        lat.value = at[0].toFixed(6);
        lng.value = at[1].toFixed(6);
      }
      show(status, root.dataset.msgChosen.replace("{lat}", lat.value).replace("{long}", lng.value));
    };
    var current = [parseFloat(lat.value), parseFloat(lng.value)];
    if (!isNaN(current[0]) && !isNaN(current[1])) {
      startView(map, root, [current]);
      put(current, true);
    } else {
      startView(map, root, []);
    }
    map.on("click", function (event) { put([event.latlng.lat, event.latlng.lng], false); });
    if (centreButton) {
      centreButton.hidden = false;
      centreButton.addEventListener("click", function () {
        var c = map.getCenter();
        put([c.lat, c.lng], false);
      });
    }
    lat.addEventListener("change", function () {  // the device position was taken
      var at = [parseFloat(lat.value), parseFloat(lng.value)];
      if (isNaN(at[0]) || isNaN(at[1])) return;
      map.setView(at, 17);
      put(at, true);
    });
  }

  if (!window.L) return;  // Leaflet did not load: the lists and the form work without it
  document.querySelectorAll("[data-map]").forEach(reportsMap);
  document.querySelectorAll("[data-map-picker]").forEach(picker);
})();
