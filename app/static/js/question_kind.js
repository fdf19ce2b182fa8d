// The question form shows only the fields of the chosen kind: an element marked
// data-kinds="ett_val flera_val" is hidden unless the select data-kind-select has one of
// those values, and a fieldset marked data-kind-group is hidden when none of its fields
// apply. Progressive enhancement: without JavaScript every field shows, and the server
// keeps only those of the chosen kind.
(function () {
  "use strict";

  function update(select) {
    var form = select.form;
    var kind = select.value;
    form.querySelectorAll("[data-kinds]").forEach(function (element) {
      var kinds = element.getAttribute("data-kinds").split(" ");
      element.hidden = kinds.indexOf(kind) === -1;
    });
    form.querySelectorAll("[data-kind-group]").forEach(function (group) {
      var shown = group.querySelectorAll("[data-kinds]:not([hidden])").length;
      group.hidden = shown === 0;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-kind-select]").forEach(function (select) {
      select.addEventListener("change", function () { update(select); });
      update(select);
    });
  });
})();
