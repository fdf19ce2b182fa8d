// Samverkan: "Kopiera" buttons for read-only fields. Without JavaScript the buttons stay
// hidden and the field can be selected and copied by hand.
(function () {
  "use strict";
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) { return; }
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.value).then(function () {
          button.textContent = button.getAttribute("data-copied");
          window.setTimeout(function () { button.textContent = label; }, 2000);
        }, function () {
          source.select();
        });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".copy-source"), function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
