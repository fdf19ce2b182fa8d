// The session warning (WCAG 2.2.1, timing adjustable). An idle session ends
// PERMANENT_SESSION_LIFETIME after the last request; the layout's #session-warning says how
// long that is and how early to warn. The warning counts down and offers a button that
// extends the session (POST /sessionen/forlang with the CSRF token). When the warning shows,
// and again when time is up, the text typed into the page's forms is saved in
// sessionStorage; after logging in again the same page fills it back in (once).
(function () {
  "use strict";

  var PREFIX = "samverkan:formulär:";
  var GRACE_MS = 1000;
  var SKIPPED_TYPES = ["password", "file", "hidden", "submit", "button", "reset", "image"];

  function storageKey() {
    return PREFIX + window.location.pathname + window.location.search;
  }

  function savableFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.name !== "csrf_token" && !field.disabled &&
        SKIPPED_TYPES.indexOf(field.type) === -1;
    });
  }

  function pageForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return (form.method || "").toLowerCase() === "post" && !form.closest(".site-header");
    });
  }

  function saveForms() {
    var saved = [];
    pageForms().forEach(function (form, index) {
      savableFields(form).forEach(function (field) {
        var entry = { form: index, name: field.name };
        if (field.type === "checkbox" || field.type === "radio") {
          entry.value = field.value;
          entry.checked = field.checked;
        } else if (field.multiple) {
          entry.values = Array.prototype.filter.call(field.options, function (o) {
            return o.selected;
          }).map(function (o) { return o.value; });
        } else {
          entry.value = field.value;
        }
        saved.push(entry);
      });
    });
    try {
      if (saved.length) {
        window.sessionStorage.setItem(storageKey(), JSON.stringify(saved));
      }
    } catch (error) { /* storage full or off: nothing to keep */ }
  }

  function restoreForms() {
    var raw;
    try {
      raw = window.sessionStorage.getItem(storageKey());
      window.sessionStorage.removeItem(storageKey());
    } catch (error) { return false; }
    if (!raw) { return false; }
    var forms = pageForms();
    var restored = false;
    JSON.parse(raw).forEach(function (entry) {
      var form = forms[entry.form];
      if (!form) { return; }
      savableFields(form).forEach(function (field) {
        if (field.name !== entry.name) { return; }
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === entry.value) { field.checked = entry.checked; restored = true; }
        } else if (entry.values) {
          Array.prototype.forEach.call(field.options, function (o) {
            o.selected = entry.values.indexOf(o.value) !== -1;
          });
          restored = true;
        } else if (field.value !== entry.value) {
          field.value = entry.value;
          restored = true;
        }
      });
    });
    return restored;
  }

  function forget() {
    try { window.sessionStorage.removeItem(storageKey()); } catch (error) { /* off */ }
  }

  function clock(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function start(box) {
    var lifetime = parseInt(box.getAttribute("data-lifetime"), 10);
    var warning = parseInt(box.getAttribute("data-warning"), 10);
    var active = box.querySelector("[data-session-active]");
    var expired = box.querySelector("[data-session-expired]");
    var countdown = box.querySelector("[data-session-countdown]");
    var button = box.querySelector("[data-session-extend]");
    var endsAt = 0;
    var timer = null;
    var returnFocus = null;

    function reset(seconds) {
      endsAt = Date.now() + seconds * 1000;
      box.hidden = true;
      active.hidden = false;
      expired.hidden = true;
      if (timer) { window.clearInterval(timer); }
      timer = window.setInterval(tick, 1000);
    }

    function tick() {
      var now = Date.now();
      // Time is up only once the server has surely ended the session: the cookie's signature
      // counts whole seconds, so a second after the end (never before it, or "Logga in igen"
      // would find the session alive and lead straight back here).
      if (now >= endsAt + GRACE_MS) {
        window.clearInterval(timer);
        saveForms();
        // Back to this page after logging in (the same address the saved text is kept under).
        var login = box.querySelector("[data-session-login]");
        login.href = login.getAttribute("href").split("?")[0] + "?next=" +
          encodeURIComponent(window.location.pathname + window.location.search);
        active.hidden = true;
        expired.hidden = false;
        box.hidden = false;
        return;
      }
      var left = Math.max(1, Math.ceil((endsAt - now) / 1000));
      if (left <= warning) {
        countdown.textContent = clock(left);
        if (box.hidden) {
          saveForms();
          returnFocus = document.activeElement;
          box.hidden = false;
          button.focus();
        }
      }
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      window.fetch(box.getAttribute("data-extend-url"), {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": box.getAttribute("data-csrf"), "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error("not extended"); }
        return response.json();
      }).then(function (answer) {
        forget();
        reset(answer.seconds || lifetime);
        if (returnFocus && returnFocus.focus) { returnFocus.focus(); }
      }).catch(function () {
        endsAt = Date.now() - GRACE_MS;
        tick();
      }).then(function () {
        button.disabled = false;
      });
    });

    reset(lifetime);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("session-warning");
    if (!box) { return; }
    if (restoreForms()) {
      var notice = document.getElementById("session-restored");
      if (notice) { notice.hidden = false; }
    }
    start(box);
  });
})();
