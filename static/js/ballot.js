// The council ballot page (templates/awards/council/ballot*.html). Loaded by those pages only.
//
// Secrecy: choices on secret-ballot items are kept in this browser's localStorage only, under a
// key naming the meeting and the user, and reach the server only with the ballot itself. The
// draft sent to the server (debounced, and by "Lưu nháp") carries the open-vote items only.
// After the ballot is received (or the vote is over) the stored draft is removed.
(function () {
  "use strict";

  function storageKey(el) {
    return "thidua:ballot:" + el.getAttribute("data-meeting") + ":" + el.getAttribute("data-user");
  }

  function readStore(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }

  function writeStore(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode, full */ }
  }

  // The receipt page, or the page saying the member has voted: forget the browser draft.
  var done = document.getElementById("ballot-done");
  if (done) {
    try { window.localStorage.removeItem(storageKey(done)); } catch (e) { /* nothing kept */ }
  }

  var form = document.getElementById("ballot-form");
  if (!form) { return; }
  var key = storageKey(form);
  var items = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-item]"))
    .filter(function (fs) { return !fs.hasAttribute("data-recused"); });
  var status = document.getElementById("ballot-draft-status");
  var confirmInput = document.getElementById("ballot-confirm");
  var dialog = document.getElementById("ballot-dialog");
  var timer = null;

  function isSecret(fs) { return fs.getAttribute("data-mode") === "secret"; }

  function checked(fs) {
    var input = fs.querySelector("input[type=radio]:checked");
    return input ? input.value : "";
  }

  function choose(fs, value) {
    var input = fs.querySelector("input[type=radio][value='" + value + "']");
    if (input) { input.checked = true; }
  }

  function count() {
    var counts = { answered: 0, total: items.length, agree: 0, disagree: 0, abstain: 0 };
    items.forEach(function (fs) {
      var value = checked(fs);
      if (value) { counts.answered += 1; counts[value] = (counts[value] || 0) + 1; }
    });
    counts.missing = counts.total - counts.answered;
    return counts;
  }

  function showCount() {
    document.getElementById("ballot-answered").textContent = count().answered;
  }

  function saveSecret() {
    var secret = {};
    items.forEach(function (fs) {
      var value = checked(fs);
      if (isSecret(fs) && value) { secret[fs.getAttribute("data-item")] = value; }
    });
    writeStore(key, secret);
  }

  // Only open-vote items go to the server before the ballot.
  function sendDraft(keepalive) {
    window.clearTimeout(timer);
    timer = null;
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    items.forEach(function (fs) {
      var value = checked(fs);
      if (!isSecret(fs) && value) { body.append("choice_" + fs.getAttribute("data-item"), value); }
    });
    return window.fetch(form.getAttribute("data-draft-url"), {
      method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Accept": "application/json", "X-CSRFToken": body.get("csrfmiddlewaretoken") }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      if (status) { status.textContent = form.getAttribute("data-saved-text"); }
    }).catch(function () {
      if (status) { status.textContent = form.getAttribute("data-error-text"); }
    });
  }

  var hasOpen = items.some(function (fs) { return !isSecret(fs); });

  function scheduleDraft() {
    if (!hasOpen) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(sendDraft, 800);
  }

  // Restore the secret choices kept in this browser (a choice the page already shows wins: it
  // is the one just posted back with an error).
  var stored = readStore(key);
  items.forEach(function (fs) {
    var value = stored[fs.getAttribute("data-item")];
    if (isSecret(fs) && value && !checked(fs)) { choose(fs, value); }
  });
  showCount();

  form.addEventListener("change", function (event) {
    var fs = event.target.closest("fieldset[data-item]");
    if (!fs) { return; }
    if (isSecret(fs)) { saveSecret(); } else { scheduleDraft(); }
    showCount();
  });

  var agreeRest = document.getElementById("ballot-agree-rest");
  if (agreeRest) {
    agreeRest.addEventListener("click", function (event) {
      event.preventDefault();
      items.forEach(function (fs) { if (!checked(fs)) { choose(fs, "agree"); } });
      saveSecret();
      scheduleDraft();
      showCount();
    });
  }

  var save = document.getElementById("ballot-save");
  if (save) {
    save.addEventListener("click", function (event) {
      event.preventDefault();
      saveSecret();
      sendDraft(false);
    });
  }

  // Focus not obscured (WCAG 2.4.11): a control reached with Tab must not stop behind the sticky
  // bar. A choice's radio is clipped out of sight (its label shows the focus) and the browser's
  // own scrolling on focus does not see the bar, so scroll the label clear of it here.
  var bar = form.querySelector(".ballot-bar");
  form.addEventListener("focusin", function (event) {
    var target = event.target;
    if (!bar || bar.contains(target) || (dialog && dialog.contains(target))) { return; }
    var shown = target.matches("input.btn-check")
      ? form.querySelector("label[for='" + target.id + "']") || target : target;
    var overlap = shown.getBoundingClientRect().bottom - bar.getBoundingClientRect().top;
    if (overlap > -8) { window.scrollBy({ top: overlap + 16, behavior: "instant" }); }
  });

  // Back to the page from the history: the confirmation given before does not carry over.
  window.addEventListener("pageshow", function () { confirmInput.value = ""; });

  // Leaving the page (a filter, a dossier link): send a pending draft on its way.
  window.addEventListener("pagehide", function () { if (timer) { sendDraft(true); } });

  // Sending: ask in place, with the counts; the dialog's button sends with confirm=1.
  var send = document.getElementById("ballot-submit");
  if (send && dialog && typeof dialog.showModal === "function") {
    send.addEventListener("click", function (event) {
      event.preventDefault();
      var counts = count();
      dialog.querySelectorAll("[data-n]").forEach(function (el) {
        el.textContent = counts[el.getAttribute("data-n")];
      });
      dialog.querySelectorAll("[data-when]").forEach(function (el) {
        var missing = el.getAttribute("data-when") === "missing";
        el.hidden = missing ? counts.missing === 0 : counts.missing > 0;
      });
      dialog.showModal();
    });
    document.getElementById("ballot-dialog-back").addEventListener("click", function () {
      dialog.close();
      send.focus();
    });
    document.getElementById("ballot-dialog-send").addEventListener("click", function () {
      confirmInput.value = "1";
      window.clearTimeout(timer);
      timer = null;
      form.submit();
    });
    // Enter in the password asked again (S6) sends, as the dialog's button does: otherwise the
    // form's first button, "Gửi phiếu", would take it and only reopen the dialog.
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.matches("input")) {
        event.preventDefault();
        document.getElementById("ballot-dialog-send").click();
      }
    });
  }
})();
