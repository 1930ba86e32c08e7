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
// Text with a limit: a counter under the field says how much is left, and how much too
// much once over it. Nothing is cut: the server refuses text over the limit and says so.
(function () {
  var fields = document.querySelectorAll("[data-limit]");
  Array.prototype.forEach.call(fields, function (f) {
    var max = parseInt(f.getAttribute("data-limit"), 10);
    var out = document.getElementById(f.id + "-count");
    if (!out || !max) return;
    var show = function () {
      var n = Array.from(f.value).length;
      out.textContent = n + " / " + max;
      var over = n > max;
      out.classList.toggle("overdue", over);
      if (over) out.textContent += " · " + out.getAttribute("data-over").replace("{n}", n - max);
      f.setAttribute("aria-invalid", over ? "true" : "false");
    };
    f.addEventListener("input", show);
    show();
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

// A form that undoes something asks first (`data-confirm` is the question): the pages run
// no inline handlers, the Content-Security-Policy allows scripts from this file only.
document.addEventListener("submit", function (e) {
  var form = e.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) e.preventDefault();
});
