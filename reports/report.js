(function () {
  "use strict";
  // Zoom and pan for the context maps: the image starts scaled to fit its box; the wheel
  // zooms around the pointer, a drag pans, the buttons zoom in, out and back to fit. A drag
  // never follows a context's link.
  var MAX_HEIGHT = 0.75;  // of the window
  Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), function (box) {
    var img = box.querySelector("img");
    if (!img) { return; }
    var w = Number(img.getAttribute("width")), h = Number(img.getAttribute("height"));
    if (!w || !h) { return; }
    var view = {s: 1, x: 0, y: 0, fit: 1}, drag = null, moved = false;
    box.classList.add("pannable");
    function apply() {
      img.style.transform = "translate(" + view.x + "px," + view.y + "px) scale(" + view.s + ")";
    }
    function fit() {
      var width = box.clientWidth;
      view.fit = Math.min(1, width / w, (window.innerHeight * MAX_HEIGHT) / h);
      box.style.height = Math.ceil(h * view.fit) + "px";
      view.s = view.fit;
      view.x = (width - w * view.s) / 2;
      view.y = 0;
      apply();
    }
    function zoom(factor, cx, cy) {
      var s = Math.min(4, Math.max(view.fit, view.s * factor));
      view.x = cx - (cx - view.x) * (s / view.s);
      view.y = cy - (cy - view.y) * (s / view.s);
      view.s = s;
      if (s === view.fit) { fit(); } else { apply(); }
    }
    var bar = document.createElement("div");
    bar.className = "mapbar";
    [["+", "Zoom in", function () { zoom(1.5, box.clientWidth / 2, box.clientHeight / 2); }],
     ["\u2212", "Zoom out", function () { zoom(1 / 1.5, box.clientWidth / 2, box.clientHeight / 2); }],
     ["fit", "Fit the map to its box", fit]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b[0];
      button.title = b[1];
      button.addEventListener("click", b[2]);
      bar.appendChild(button);
    });
    box.appendChild(bar);
    box.addEventListener("wheel", function (event) {
      var r = box.getBoundingClientRect();
      event.preventDefault();
      zoom(event.deltaY < 0 ? 1.25 : 1 / 1.25, event.clientX - r.left, event.clientY - r.top);
    }, {passive: false});
    box.addEventListener("pointerdown", function (event) {
      if (event.target.tagName === "BUTTON") { return; }
      drag = {x: event.clientX, y: event.clientY, vx: view.x, vy: view.y};
      moved = false;
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) { moved = true; box.classList.add("dragging"); }
      view.x = drag.vx + dx;
      view.y = drag.vy + dy;
      apply();
    });
    window.addEventListener("pointerup", function () { drag = null; box.classList.remove("dragging"); });
    box.addEventListener("click", function (event) {
      if (moved) { event.preventDefault(); moved = false; }
    }, true);
    img.addEventListener("dragstart", function (event) { event.preventDefault(); });
    window.addEventListener("resize", fit);
    fit();
  });
}());
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-severity]"));
  var keys = ["severity", "rule", "context", "q"];
  function apply() {
    var want = {};
    keys.forEach(function (k) { want[k] = form.elements[k].value; });
    var query = want.q.toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var contexts = JSON.parse(row.getAttribute("data-contexts"));
      var ok = (!want.severity || row.getAttribute("data-severity") === want.severity) &&
        (!want.rule || row.getAttribute("data-rule") === want.rule) &&
        (!want.context || contexts.indexOf(want.context) >= 0) &&
        (!query || row.textContent.toLowerCase().indexOf(query) >= 0);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.getElementById("shown").textContent = String(shown);
    var hash = keys.filter(function (k) { return want[k]; }).map(function (k) {
      return k + "=" + encodeURIComponent(want[k]);
    }).join("&");
    try { history.replaceState(null, "", hash ? "#" + hash : location.pathname); } catch (e) { /* file: URLs in some browsers */ }
    // the other pages of a long list keep the filter
    Array.prototype.forEach.call(document.querySelectorAll(".pager a"), function (a) {
      a.setAttribute("href", a.getAttribute("href").split("#")[0] + (hash ? "#" + hash : ""));
    });
  }
  location.hash.slice(1).split("&").forEach(function (pair) {
    var parts = pair.split("=");
    if (keys.indexOf(parts[0]) >= 0 && parts.length === 2) {
      try {
        var value = decodeURIComponent(parts[1]);
        var field = form.elements[parts[0]];
        if (field.tagName === "SELECT" && value &&
            !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
          // a rule or context this page does not list: filter by it all the same (it shows
          // nothing here) rather than silently show everything
          var option = document.createElement("option");
          option.value = value;
          option.textContent = value;
          field.appendChild(option);
        }
        field.value = value;
      } catch (e) { /* a bad link */ }
    }
  });
  form.addEventListener("input", apply);
  form.hidden = false;
  apply();
}());
