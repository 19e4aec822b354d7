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
  }
  location.hash.slice(1).split("&").forEach(function (pair) {
    var parts = pair.split("=");
    if (keys.indexOf(parts[0]) >= 0 && parts.length === 2) {
      try { form.elements[parts[0]].value = decodeURIComponent(parts[1]); } catch (e) { /* a bad link */ }
    }
  });
  form.addEventListener("input", apply);
  form.hidden = false;
  apply();
}());
