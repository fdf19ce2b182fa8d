// Long submits (the contact import, big exports) say that work is under way and cannot be
// started twice. A submit button or a download link marked data-busy="message" is disabled
// once used, and the message is read out from a live region beside it (aria-live), so
// nobody clicks again while the server works. Progressive enhancement: without JavaScript
// the form submits and the link downloads as before. Coming back with the browser's back
// button (pageshow) enables everything again.
(function () {
  "use strict";

  // A download never leaves the page, so its link is enabled again after this long.
  var LINK_PAUSE_MS = 15000;
  var counter = 0;

  function statusFor(control) {
    var id = control.getAttribute("data-busy-status");
    var status = id ? document.getElementById(id) : null;
    if (!status) {
      counter += 1;
      status = document.createElement("span");
      status.id = "busy-status-" + counter;
      status.className = "busy-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      control.insertAdjacentElement("afterend", status);
      control.setAttribute("data-busy-status", status.id);
    }
    return status;
  }

  function markBusy(control) {
    control.setAttribute("aria-disabled", "true");
    control.classList.add("is-busy");
    if (control.tagName === "BUTTON" || control.tagName === "INPUT") {
      control.disabled = true;
    }
    statusFor(control).textContent = control.getAttribute("data-busy");
  }

  function release(control) {
    control.removeAttribute("aria-disabled");
    control.classList.remove("is-busy");
    if (control.tagName === "BUTTON" || control.tagName === "INPUT") {
      control.disabled = false;
    }
    var form = control.form;
    if (form) {
      form.removeAttribute("data-busy-sent");
    }
    statusFor(control).textContent = "";
  }

  function prepare() {
    // The live regions exist before anything is said in them, so screen readers announce it.
    document.querySelectorAll("[data-busy]").forEach(statusFor);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || form.querySelector("[data-busy]");
    if (!submitter || !submitter.hasAttribute("data-busy")) {
      return;
    }
    if (form.hasAttribute("data-busy-sent")) {
      event.preventDefault(); // the second click: the first is still being worked on
      return;
    }
    if (event.defaultPrevented) {
      return;
    }
    form.setAttribute("data-busy-sent", "true");
    // At once: a page waiting for its next one runs no more timers. (The form data is
    // collected after this event, so a busy button must not carry a name the server reads.)
    markBusy(submitter);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-busy]") : null;
    if (!link) {
      return;
    }
    if (link.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      return;
    }
    window.setTimeout(function () {
      if (!event.defaultPrevented) {
        markBusy(link);
        window.setTimeout(function () { release(link); }, LINK_PAUSE_MS);
      }
    }, 0);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-busy]").forEach(release);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", prepare);
  } else {
    prepare();
  }
})();
