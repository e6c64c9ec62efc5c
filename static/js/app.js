// No inline scripts (Content Security Policy): page behaviour lives here.
(function () {
  "use strict";
  // After an invalid submit, move keyboard focus to the error summary (GOV.UK pattern).
  var summary = document.getElementById("error-summary");
  if (summary) {
    // base.html prefixes the title when the view's form is called `form`; forms under another
    // name (an opinion per nomination, a second form on the page) get the prefix here.
    var prefix = summary.getAttribute("data-title-prefix");
    if (prefix && document.title.indexOf(prefix) !== 0) { document.title = prefix + " " + document.title; }
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          event.preventDefault();
          target.focus();
          target.scrollIntoView({ block: "center" });
        }
      });
    });
  }
  // Buttons that need a second thought carry data-confirm="question".
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Filter forms submit when a select changes, for users who expect it; the button stays.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
