// Samverkan: small progressive enhancements. Everything works without this file.
(function () {
  "use strict";

  // "/" jumps to the header search box, unless the user is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable) {
      return;
    }
    var box = document.getElementById("header-search");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();
