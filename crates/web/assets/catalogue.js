// Name suggestions while typing in the search box: fills the box's
// datalist from /api/v1/search/suggest. Everything works without this
// script; it only saves keystrokes.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("forslag");
  if (!input || !list || !window.fetch) {
    return;
  }
  var timer = null;
  var asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === asked) {
        return;
      }
      asked = q;
      fetch("/api/v1/search/suggest?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) {
          while (list.firstChild) {
            list.removeChild(list.firstChild);
          }
          body.items.forEach(function (s) {
            var option = document.createElement("option");
            option.value = s.name;
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are a convenience */ });
    }, 150);
  });
})();
