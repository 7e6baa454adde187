// Cairn's small behaviours: focus on what needs attention, and the idle sign-out warning.
// No inline script anywhere (CSP).
(function () {
  "use strict";
  // Text being written survives a dropped connection or a reload in this tab (sessionStorage:
  // gone when the tab closes or the person signs out), until the server confirms the save.
  var store = window.sessionStorage;
  if (!document.body.dataset.idleTimeout) {
    // Signed out (by choice or after a quiet spell): nothing written stays in this tab.
    Object.keys(store).forEach(function (key) {
      if (key.indexOf("cairn:") === 0) { store.removeItem(key); }
    });
    return;
  }
  document.querySelectorAll("[data-clear-kept]").forEach(function (marker) {
    marker.getAttribute("data-clear-kept").split(" ").forEach(function (key) {
      store.removeItem("cairn:" + key);
    });
  });
  document.querySelectorAll("form[data-keep-text]").forEach(function (form) {
    var key = "cairn:" + form.getAttribute("data-keep-text");
    var fields = form.querySelectorAll("textarea, input[type=text]");
    var kept = {};
    try { kept = JSON.parse(store.getItem(key) || "{}"); } catch (e) { kept = {}; }
    fields.forEach(function (field) {
      if (!field.value && kept[field.name]) { field.value = kept[field.name]; }
    });
    form.addEventListener("input", function () {
      var values = {};
      fields.forEach(function (field) { if (field.value) { values[field.name] = field.value; } });
      store.setItem(key, JSON.stringify(values));
    });
  });
})();

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

(function () {
  "use strict";
  // One-click replace from the language checker: swap the words, keep the caret, re-check.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-replace]") : null;
    if (!button) { return; }
    var field = document.getElementById(button.dataset.field);
    if (!field) { return; }
    var start = parseInt(button.dataset.start, 10);
    var end = parseInt(button.dataset.end, 10);
    var text = button.dataset.text;
    if (field.value.slice(start, end) !== text) {
      start = field.value.indexOf(text);  // the text moved since the check ran
      end = start + text.length;
      if (start < 0) { return; }
    }
    var replacement = button.dataset.replacement;
    field.value = field.value.slice(0, start) + replacement + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + replacement.length, start + replacement.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();

(function () {
  "use strict";
  // Print buttons on print views (a button, so it works by keyboard; CSP forbids inline onclick).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-print]") : null;
    if (button) { window.print(); }
  });
})();

(function () {
  "use strict";
  // "Leave quickly": sign out in the background and replace this page in the history with a
  // neutral one, so Back does not return here. Without JavaScript the link still leaves.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-quick-exit]") : null;
    if (!link) { return; }
    event.preventDefault();
    var headers = {};
    try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }
    try {
      fetch(link.dataset.logoutUrl, { method: "POST", headers: headers, keepalive: true, credentials: "same-origin" });
    } catch (e) { /* leaving matters more than signing out */ }
    try { sessionStorage.clear(); } catch (e) { /* private mode */ }
    window.location.replace(link.href);
  });
})();

(function () {
  "use strict";
  // A drawn signature: strokes become SVG path data ("M x y L x y …") in a 400 x 150 box, kept
  // in a hidden field. The pad stays hidden without JavaScript; a typed name always works.
  document.querySelectorAll("[data-signature-pad]").forEach(function (pad) {
    var canvas = pad.querySelector("canvas");
    var field = document.getElementById(pad.dataset.target);
    if (!canvas || !field || !canvas.getContext) { return; }
    pad.hidden = false;
    var context = canvas.getContext("2d");
    context.lineWidth = 2;
    context.lineCap = "round";
    context.strokeStyle = "#1d2b36";
    var drawing = false;
    function point(event) {
      var box = canvas.getBoundingClientRect();
      var x = Math.round((event.clientX - box.left) * 400 / box.width);
      var y = Math.round((event.clientY - box.top) * 150 / box.height);
      return [Math.max(0, Math.min(400, x)), Math.max(0, Math.min(150, y))];
    }
    function replay(path) {
      context.clearRect(0, 0, canvas.width, canvas.height);
      var parts = path.trim().split(/\s+/);
      context.beginPath();
      for (var i = 0; i + 2 < parts.length; i += 3) {
        var x = parseFloat(parts[i + 1]);
        var y = parseFloat(parts[i + 2]);
        if (parts[i] === "M") { context.moveTo(x, y); } else { context.lineTo(x, y); }
      }
      context.stroke();
    }
    if (field.value) { replay(field.value); }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      field.value = (field.value ? field.value + " " : "") + "M " + p[0] + " " + p[1];
      context.beginPath();
      context.moveTo(p[0], p[1]);
      var method = document.querySelector("input[name=signature_method][value=drawn]");
      if (method) { method.checked = true; }
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      field.value += " L " + p[0] + " " + p[1];
      context.lineTo(p[0], p[1]);
      context.stroke();
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    pad.querySelector("[data-signature-clear]").addEventListener("click", function () {
      field.value = "";
      context.clearRect(0, 0, canvas.width, canvas.height);
    });
  });
})();

(function () {
  "use strict";
  // Choosing another instrument or language shows its statements straight away; without
  // script the form's "Show these statements" button does the same. Focus stays in the menu
  // and a status line says what changed (no change of context).
  var chooser = document.querySelector("form[data-show-on-change]");
  if (!chooser || !window.fetch || !window.DOMParser || !window.URLSearchParams) { return; }
  var targetId = chooser.getAttribute("data-show-on-change");
  var status = document.getElementById(targetId + "-shown");
  chooser.querySelectorAll("[data-without-script]").forEach(function (el) { el.hidden = true; });
  chooser.addEventListener("change", function () {
    var url = chooser.action + "?" + new URLSearchParams(new FormData(chooser)).toString();
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById(targetId);
        var current = document.getElementById(targetId);
        if (!fresh || !current) { throw new Error("no statements"); }
        current.replaceWith(fresh);
        var heading = page.querySelector("h1");
        var shownHeading = document.querySelector("h1");
        if (heading && shownHeading) { shownHeading.textContent = heading.textContent; }
        document.title = page.title;
        window.history.replaceState(null, "", url);
        if (window.htmx) { window.htmx.process(fresh); }
        if (status) { status.textContent = fresh.getAttribute("data-shown") || ""; }
      })
      .catch(function () { chooser.submit(); });
  });
  // A "Copy" button beside a value shown once (a signing secret): copies it and says so.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var said = document.getElementById(button.getAttribute("data-copy") + "-copied");
      if (!field) { return; }
      field.select();
      var done = function () { if (said) { said.textContent = button.getAttribute("data-copied"); } };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(done, function () {});
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
})();

(function () {
  "use strict";
  // A copy button (a new API token's secret): copies the named field and says so to screen
  // readers. Without the clipboard, the field is selected so the person can copy it themselves.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy") + "-status")
      || document.querySelector("[role=status][id$='-copy-status']");
    if (!field) { return; }
    field.select();
    var said = function () { if (status) { status.textContent = button.getAttribute("data-copied") || ""; } };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(said, function () { field.select(); });
    } else {
      try { document.execCommand("copy"); said(); } catch (e) { field.select(); }
    }
  });
})();

(function () {
  "use strict";
  // Skip logic on SUPRT forms: a question (or section) with data-show-if appears only when an
  // earlier answer is one of the listed values, and data-hide-if hides it when one is. Without
  // script every question stays visible and the server ignores answers that do not apply.
  document.querySelectorAll("form[data-skip-logic]").forEach(function (form) {
    function chosen(key) {
      var values = [];
      form.querySelectorAll('[name="item_' + key + '"], [name="item_' + key + '__special"]')
        .forEach(function (input) {
          if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
          if (input.value !== "") { values.push(Number(input.value)); }
        });
      return values;
    }
    function holds(conditions) {
      return conditions.every(function (c) {
        return chosen(c.item).some(function (v) { return c.values.indexOf(v) !== -1; });
      });
    }
    function update() {
      form.querySelectorAll("[data-show-if]").forEach(function (el) {
        var show = JSON.parse(el.getAttribute("data-show-if") || "[]");
        var hide = JSON.parse(el.getAttribute("data-hide-if") || "[]");
        el.hidden = (show.length > 0 && !holds(show)) || (hide.length > 0 && holds(hide));
      });
    }
    form.addEventListener("change", update);
    update();
  });
})();
