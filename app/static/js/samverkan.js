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

  // On a narrow screen a list's rows stack (samverkan.css): label each cell with its column's
  // header, as data-label, so "E-post: …" still says what it is. Row headers need no label.
  function columnLabels(table) {
    var head = table.tHead;
    var labels = [];
    if (!head || !head.rows.length) {
      return labels;
    }
    Array.prototype.forEach.call(head.rows[head.rows.length - 1].cells, function (cell) {
      var copy = cell.cloneNode(true);
      copy.querySelectorAll("[aria-hidden='true'], .visually-hidden").forEach(function (hidden) {
        hidden.remove();
      });
      var text = copy.textContent.replace(/\s+/g, " ").trim();
      for (var span = 0; span < (cell.colSpan || 1); span += 1) {
        labels.push(text);
      }
    });
    return labels;
  }

  document.querySelectorAll("table.table").forEach(function (table) {
    var labels = columnLabels(table);
    if (!labels.length) {
      return;
    }
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      rows.push.apply(rows, body.rows);
    });
    if (table.tFoot) {
      rows.push.apply(rows, table.tFoot.rows);
    }
    rows.forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.tagName === "TD" && labels[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", labels[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  });
})();
