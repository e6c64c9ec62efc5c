// Session expiry warning (quality targets S6, A5). The server ends a session after
// data-session-idle-seconds without a request; this page shows a dialog
// data-session-warning-seconds before that, whose "Tiếp tục làm việc" button posts to the
// keep-alive URL (which only touches the session) and restarts the count. When the time is up
// the page goes to the expired URL, which sends to the login page with a message.
// The server moves the expiry at most once a minute, so the page is told the seconds really left
// (data-session-left-seconds) rather than assuming a full idle period from its own load.
// Tabs of the same browser share one session: each tells the others through localStorage
// when the session now ends, so an idle tab does not log out a user busy in another.
(function () {
  "use strict";
  var body = document.body;
  var dialog = document.getElementById("session-timeout");
  var idle = parseInt(body.getAttribute("data-session-idle-seconds"), 10);
  var warning = parseInt(body.getAttribute("data-session-warning-seconds"), 10);
  var left = parseInt(body.getAttribute("data-session-left-seconds"), 10);
  if (!dialog || !(idle > 0) || !window.bootstrap) { return; }
  var form = document.getElementById("session-timeout-extend");
  var button = form.querySelector("button");
  var countdown = document.getElementById("session-timeout-countdown");
  var modal = new window.bootstrap.Modal(dialog, { backdrop: "static", keyboard: false });
  var STORAGE_KEY = "session-expires-at";
  var expiresAt = 0;
  var shown = false;

  function here() { return window.location.pathname + window.location.search; }

  function go(url) {
    window.location.assign(url + (url.indexOf("?") < 0 ? "?" : "&") + "next=" + encodeURIComponent(here()));
  }

  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function extendTo(at) {
    if (at <= expiresAt) { return; }
    expiresAt = at;
    if (shown && expiresAt - Date.now() > warning * 1000) { modal.hide(); }
  }

  function announce(at) {
    extendTo(at);
    try { window.localStorage.setItem(STORAGE_KEY, String(at)); } catch (e) { /* private mode */ }
  }

  function tick() {
    var left = Math.ceil((expiresAt - Date.now()) / 1000);
    if (left <= 0) {
      window.clearInterval(timer);
      go(body.getAttribute("data-session-expired-url"));
      return;
    }
    countdown.textContent = format(left);
    if (left <= warning && !shown) { modal.show(); }
  }

  dialog.addEventListener("show.bs.modal", function () { shown = true; });
  dialog.addEventListener("shown.bs.modal", function () {
    // Bootstrap gives the modal role="dialog"; this one needs an answer, so it is an alert
    // dialog, and focus goes to the button that answers it (read out with the text).
    dialog.setAttribute("role", "alertdialog");
    button.focus();
  });
  dialog.addEventListener("hidden.bs.modal", function () { shown = false; });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    window.fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.ok) { announce(Date.now() + idle * 1000); return; }
      return response.json().then(function (data) {
        // The absolute lifetime ended: the login page already has the server's message.
        go(data && data.expired === "absolute" ? body.getAttribute("data-session-login-url")
                                                : body.getAttribute("data-session-expired-url"));
      });
    }).catch(function () {
      // Network trouble: keep the dialog; the user can try again.
    }).then(function () { button.disabled = false; });
  });

  window.addEventListener("storage", function (event) {
    if (event.key === STORAGE_KEY && event.newValue) { extendTo(parseInt(event.newValue, 10)); }
  });
  // What the server said when it sent this page (its own request may have extended the session).
  announce(Date.now() + (left >= 0 ? Math.min(left, idle) : idle) * 1000);
  var timer = window.setInterval(tick, 1000);
  tick();
})();
