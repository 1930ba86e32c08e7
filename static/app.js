// Progressive enhancement only: every page works without it.
// Resident search on the intake form: results follow the typing.
(function () {
  var input = document.querySelector("input[data-search]");
  if (!input) return;
  var into = document.getElementById(input.getAttribute("data-into"));
  var timer = null, seq = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var mine = ++seq;
      fetch(input.getAttribute("data-search") + "?q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (mine === seq && html) into.innerHTML = html; });
    }, 200);
  });
})();

// A photo picker says which photo was chosen (the portal's pickers hide the browser's own).
(function () {
  document.querySelectorAll("input[type=file][data-shows]").forEach(function (input) {
    input.addEventListener("change", function () {
      var into = document.getElementById(input.getAttribute("data-shows"));
      if (into) into.textContent = input.files.length ? into.getAttribute("data-label") + input.files[0].name : "";
    });
  });
})();
