// The job page (reports:job_detail): poll the job's status every second and show its progress,
// its error or its download. A static file because the Content Security Policy forbids inline
// scripts; without JavaScript a <noscript> refresh reloads the page instead.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  // Recomputed figures are read on the report itself: go there once they are done.
  if (box.getAttribute("data-finished") === "1") {
    if (box.getAttribute("data-kind") === "figures" && box.getAttribute("data-status") === "done") {
      window.location.assign(document.getElementById("job-report").href);
    }
    return;
  }
  var url = box.getAttribute("data-status-url");
  var el = function (id) { return document.getElementById(id); };

  function show(data) {
    el("job-status").textContent = data.status_label;
    el("job-progress").value = data.progress;
    el("job-progress").textContent = data.progress + "%";
    el("job-stage").textContent = data.stage || "";
    if (data.status === "failed") {
      el("job-error").textContent = data.error;
      el("job-error").classList.remove("d-none");
    }
    if (data.download_url) {
      el("job-download").href = data.download_url;
      el("job-download").classList.remove("d-none");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (!data.finished) { window.setTimeout(poll, 1000); return; }
        if (data.status === "done" && data.kind === "figures") {
          window.location.assign(data.report_url);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
