// Small progressive enhancements for the pages; everything works without it.
(function () {
  "use strict";
  // Changing the match mode re-runs the search at once.
  var form = document.getElementById("s");
  if (form) {
    var mode = form.querySelector("select[name=mode]");
    var q = form.querySelector("input[name=q]");
    if (mode && q) {
      mode.addEventListener("change", function () { if (q.value.trim()) form.submit(); });
    }
    // Empty fields and the default mode are left out of the URL, so shared links stay short.
    form.addEventListener("submit", function () {
      var fields = document.querySelectorAll("[form=s], #s input, #s select");
      for (var i = 0; i < fields.length; i++) {
        var f = fields[i];
        if (f.name && (f.value === "" || (f.name === "mode" && f.value === "all"))) f.disabled = true;
      }
    });
  }
  // Coming back with the browser's Back button: enable the fields again.
  window.addEventListener("pageshow", function () {
    var off = document.querySelectorAll("[form=s]:disabled, #s :disabled");
    for (var i = 0; i < off.length; i++) off[i].disabled = false;
  });
  // The article page: "jump to first match" scrolls smoothly and focuses the match.
  var jump = document.querySelector('a[href="#first-match"]');
  var first = document.getElementById("first-match");
  if (jump && first) {
    first.setAttribute("tabindex", "-1");
    jump.addEventListener("click", function (e) {
      e.preventDefault();
      first.scrollIntoView({ behavior: "smooth", block: "center" });
      first.focus({ preventScroll: true });
      if (history.replaceState) history.replaceState(null, "", "#first-match");
    });
  }
})();
