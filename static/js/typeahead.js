// Typeahead for the nominee of a nomination (progressive enhancement, no inline script: CSP).
// Without JavaScript the "Find" button reloads the page with the matches in the nominee list;
// with it, the same list fills in as the user types, from a small JSON endpoint (at most 20).
(function () {
  "use strict";
  document.querySelectorAll("form[data-typeahead-url]").forEach(function (form) {
    var url = form.getAttribute("data-typeahead-url");
    var input = form.querySelector("[data-typeahead]");
    var select = form.querySelector("[data-typeahead-select]");
    var status = form.querySelector("[data-typeahead-status]");
    var kinds = form.querySelectorAll("[name=kind]");
    if (!input || !select) { return; }
    var timer = null;
    var last = "";
    var placeholder = select.options.length ? select.options[0].textContent : "";

    function kind() {
      var value = "person";
      kinds.forEach(function (el) {
        if ((el.type !== "radio" || el.checked) && el.value) { value = el.value; }
      });
      return value;
    }

    function fill(results) {
      while (select.options.length) { select.remove(0); }
      if (!results.length) {
        select.add(new Option(placeholder, ""));
      }
      results.forEach(function (item, index) {
        select.add(new Option(item.label, String(item.id), index === 0, index === 0));
      });
      if (status) {
        status.textContent = results.length
          ? (select.getAttribute("data-found-text") || "") + " " + results.length
          : (select.getAttribute("data-none-text") || "");
      }
    }

    function search() {
      var text = input.value.trim();
      var key = kind() + ":" + text;
      if (key === last) { return; }
      last = key;
      if (text.length < 2) { return; }
      var query = "?q=" + encodeURIComponent(text) + "&kind=" + encodeURIComponent(kind());
      fetch(url + query, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (kind() + ":" + input.value.trim() === key) { fill(data.results || []); } })
        .catch(function () { /* the Find button still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    kinds.forEach(function (el) {
      el.addEventListener("change", function () { last = ""; search(); });
    });
    // Enter in the name box searches instead of adding an incomplete nomination.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        window.clearTimeout(timer);
        search();
        select.focus();
      }
    });
  });
})();
