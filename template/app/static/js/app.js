/* Progressive enhancement of the server-rendered pages: every page works without it.
   Texts shown by this script come from data-msg-* attributes rendered from the translation files. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  // Service worker: app shell and last seen catalogue offline.
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] !== undefined ? values[key] : "";
    });
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  // Offline banner.
  function offlineBanner() {
    var banner = document.getElementById("offline-banner");
    if (!banner) return;
    var update = function () { banner.hidden = navigator.onLine; };
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    update();
  }

  // Region picker: regency -> district -> village, and search.
  function regionPicker(root) {
    var selects = {
      regency: root.querySelector('[data-region-level="regency"]'),
      district: root.querySelector('[data-region-level="district"]'),
      village: root.querySelector('[data-region-level="village"]')
    };
    var order = ["regency", "district", "village"];
    var choose = root.dataset.msgChoose;

    function fill(level, items, selected) {
      var select = selects[level];
      select.innerHTML = "";
      var first = document.createElement("option");
      first.value = "";
      first.textContent = choose;
      select.appendChild(first);
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.code;
        option.textContent = item.name;
        if (item.code === selected) option.selected = true;
        select.appendChild(option);
      });
      select.disabled = items.length === 0;
    }

    function clearBelow(level) {
      order.slice(order.indexOf(level) + 1).forEach(function (below) { fill(below, [], ""); });
    }

    function load(level, parent, selected) {
      return getJSON("/api/regions?parent=" + encodeURIComponent(parent)).then(function (items) {
        fill(level, items, selected);
      });
    }

    order.forEach(function (level, index) {
      var next = order[index + 1];
      selects[level].addEventListener("change", function () {
        clearBelow(level);
        if (next && selects[level].value) load(next, selects[level].value, "");
      });
    });

    var search = root.querySelector("[data-region-search]");
    var results = root.querySelector("#region-results");
    var timer = null;

    function pick(place) {
      var chain = place.chain;
      selects.regency.value = chain.regency || "";
      clearBelow("regency");
      var steps = Promise.resolve();
      if (chain.regency) steps = steps.then(function () { return load("district", chain.regency, chain.district || ""); });
      if (chain.district) steps = steps.then(function () { return load("village", chain.district, chain.village || ""); });
      return steps.then(function () {
        results.innerHTML = "";
        var status = document.createElement("p");
        status.className = "hint";
        status.textContent = format(root.dataset.msgPicked, { name: place.name, path: place.path });
        results.appendChild(status);
        var deepest = selects[chain.village ? "village" : chain.district ? "district" : "regency"];
        deepest.focus();
      });
    }

    function show(places) {
      results.innerHTML = "";
      var status = document.createElement("p");
      status.className = "hint";
      status.textContent = places.length ? format(root.dataset.msgResults, { count: places.length }) : root.dataset.msgNone;
      results.appendChild(status);
      if (!places.length) return;
      var list = document.createElement("ul");
      places.forEach(function (place) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.dataset.regionCode = place.code;
        button.textContent = place.name + (place.path ? " — " + place.path : "");
        button.addEventListener("click", function () { pick(place); });
        item.appendChild(button);
        list.appendChild(item);
      });
      results.appendChild(list);
    }

    if (search && results) {
      search.addEventListener("input", function () {
        clearTimeout(timer);
        var q = search.value.trim();
        if (q.length < 2) { results.innerHTML = ""; return; }
        timer = setTimeout(function () {
          results.innerHTML = "";
          var status = document.createElement("p");
          status.className = "hint";
          status.textContent = root.dataset.msgLoading;
          results.appendChild(status);
          getJSON("/report/places?q=" + encodeURIComponent(q)).then(show).catch(function () { show([]); });
        }, 250);
      });
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
  }

  // Device position for a report.
  function geolocation(root) {
    if (!("geolocation" in navigator)) return;
    root.hidden = false;
    var button = root.querySelector("[data-geo-button]");
    var status = root.querySelector("[data-geo-status]");
    var lat = root.querySelector('input[name="lat"]');
    var long = root.querySelector('input[name="long"]');
    button.addEventListener("click", function () {
      status.textContent = root.dataset.msgBusy;
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        long.value = position.coords.longitude.toFixed(6);
        lat.dispatchEvent(new Event("change", { bubbles: true }));
        status.textContent = format(root.dataset.msgDone, { lat: lat.value, long: long.value });
      }, function () {
        status.textContent = root.dataset.msgFailed;
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  // At most N photos.
  function photoLimit(input) {
    var max = parseInt(input.dataset.maxFiles, 10);
    input.addEventListener("change", function () {
      input.setCustomValidity(input.files.length > max ? input.dataset.msgTooMany : "");
      input.reportValidity();
    });
  }

  // A note is required for some target statuses.
  function transitionForm(form) {
    var note = form.querySelector('textarea[name="note"]');
    form.querySelectorAll('input[name="to_status"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        note.required = radio.checked && radio.hasAttribute("data-note-required");
      });
    });
  }

  // A required group of checkboxes: at least one.
  function requiredGroup(group) {
    var boxes = group.querySelectorAll('input[type="checkbox"]');
    var form = group.closest("form");
    if (!form || !boxes.length) return;
    var check = function () {
      var any = Array.prototype.some.call(boxes, function (b) { return b.checked; });
      boxes[0].setCustomValidity(any ? "" : group.querySelector("legend").textContent.replace("*", "").trim());
    };
    boxes.forEach(function (b) { b.addEventListener("change", check); });
    check();
  }

  function base64ToBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function bytesToBase64(buffer) {
    var text = "";
    new Uint8Array(buffer).forEach(function (b) { text += String.fromCharCode(b); });
    return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /* The reporter asks for web push: permission, subscription with the VAPID key, sent with the CSRF token. */
  function pushOffer(root) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
    var button = root.querySelector("[data-push-button]");
    var status = root.querySelector("[data-push-status]");
    root.hidden = false;
    button.addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw new Error("denied");
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: base64ToBytes(root.getAttribute("data-push-key"))
        });
      }).then(function (subscription) {
        var body = new URLSearchParams();
        body.set("csrf_token", root.getAttribute("data-csrf"));
        body.set("endpoint", subscription.endpoint);
        body.set("p256dh", bytesToBase64(subscription.getKey("p256dh")));
        body.set("auth", bytesToBase64(subscription.getKey("auth")));
        return fetch(root.getAttribute("data-push-url"), { method: "POST", body: body, credentials: "same-origin" });
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error(answer.detail);
          status.textContent = answer.detail;
          button.hidden = true;
        });
      }).catch(function (error) {
        status.textContent = error && error.message === "denied"
          ? root.getAttribute("data-msg-denied") : root.getAttribute("data-msg-failed");
      });
    });
  }

  ready(function () {
    offlineBanner();
    document.querySelectorAll("[data-push]").forEach(pushOffer);
    document.querySelectorAll("[data-region-picker]").forEach(regionPicker);
    document.querySelectorAll("[data-geo]").forEach(geolocation);
    document.querySelectorAll("input[data-max-files]").forEach(photoLimit);
    document.querySelectorAll("[data-transition-form]").forEach(transitionForm);
    document.querySelectorAll('[data-required-group="true"]').forEach(requiredGroup);
    document.querySelectorAll("[data-reload]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.location.reload(); });
    });
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    var cached = document.querySelector("[data-cached-pages]");
    if (cached && "caches" in window) {
      caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("pages-") === 0; }).map(function (k) {
          return caches.open(k).then(function (c) { return c.keys(); });
        }));
      }).then(function (lists) {
        var seen = {};
        lists.forEach(function (requests) {
          requests.forEach(function (request) {
            var url = new URL(request.url);
            if (url.pathname === "/" || url.pathname.indexOf("/api/") === 0 || seen[url.pathname + url.search]) return;
            seen[url.pathname + url.search] = true;
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = url.pathname + url.search;
            link.textContent = url.pathname + url.search;
            item.appendChild(link);
            cached.appendChild(item);
          });
        });
      }).catch(function () {});
    }
  });
})();
