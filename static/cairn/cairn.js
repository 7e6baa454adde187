// Cairn's small behaviours: focus on what needs attention, and the idle sign-out warning.
// No inline script anywhere (CSP).
(function () {
  "use strict";
  // After a refused submit, move focus to the message that explains it (screen readers read it).
  var attention = document.querySelector("#conflict, #duplicates, #form-errors");
  if (attention) { attention.focus(); }
})();

(function () {
  "use strict";
  var body = document.body;
  var timeout = parseInt(body.dataset.idleTimeout || "0", 10);
  var warning = parseInt(body.dataset.idleWarning || "0", 10);
  var dialog = document.getElementById("idle-warning");
  if (!timeout || !dialog) { return; }
  var warnTimer = null;
  var endTimer = null;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function signedOut() {
    var next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(body.dataset.loginUrl + "?next=" + next);
  }

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(function () {
      if (typeof dialog.showModal === "function" && !dialog.open) { dialog.showModal(); }
      var stay = document.getElementById("idle-stay");
      if (stay) { stay.focus(); }
    }, Math.max(timeout - warning, 1) * 1000);
    endTimer = window.setTimeout(signedOut, (timeout + 2) * 1000);
  }

  document.getElementById("idle-stay").addEventListener("click", function () {
    fetch(body.dataset.keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (!response.ok) { signedOut(); return; }
      if (dialog.open) { dialog.close(); }
      schedule();
    }).catch(signedOut);
  });
  document.body.addEventListener("htmx:afterRequest", schedule);
  schedule();
})();
