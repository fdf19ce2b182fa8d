// Samverkan: search-as-you-type for <select multiple data-picker>. Without JavaScript the
// plain multi-select (and its "Visa kontakter" button) does the same job.
//
// The select stays in the form and remains the value that is posted; this script hides it
// and puts an ARIA combobox in front of it: type to filter, arrows and Enter (or a click) to
// pick, a list of chosen items with remove buttons. Texts come from data attributes so they
// are translated with the page.
//   data-picker            "local": filter the select's own options
//   data-picker-url        fetch matches as JSON ({results: [{id, name, detail}]}) instead
//   data-picker-scope      id of another picker select whose chosen values are sent as
//                          ?organisation=..., so only their contacts are offered first
(function () {
  "use strict";

  var MAX_SHOWN = 20;
  var counter = 0;

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function text(select, name, value) {
    var template = select.getAttribute("data-picker-" + name) || "";
    return template.replace("%s", value === undefined ? "" : value);
  }

  function Picker(select) {
    counter += 1;
    this.select = select;
    this.id = "picker-" + counter;
    this.url = select.getAttribute("data-picker-url");
    this.scope = select.getAttribute("data-picker-scope");
    this.matches = [];
    this.active = -1;
    this.request = 0;
    this.build();
    this.renderChosen();
  }

  Picker.prototype.build = function () {
    var select = this.select;
    var self = this;
    var wrapper = element("div", "picker");
    this.chosen = element("ul", "picker__chosen");
    this.chosen.setAttribute("aria-label", text(select, "chosen"));
    this.input = element("input", "picker__input");
    this.input.type = "text";
    this.input.id = select.id + "-search";
    this.input.autocomplete = "off";
    this.input.placeholder = text(select, "placeholder");
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", this.id + "-options");
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (select.hasAttribute(name)) { self.input.setAttribute(name, select.getAttribute(name)); }
    });
    this.options = element("ul", "picker__options");
    this.options.id = this.id + "-options";
    this.options.setAttribute("role", "listbox");
    this.options.setAttribute("aria-label", text(select, "chosen"));
    this.options.hidden = true;
    this.status = element("p", "visually-hidden");
    this.status.setAttribute("aria-live", "polite");
    wrapper.appendChild(this.chosen);
    wrapper.appendChild(this.input);
    wrapper.appendChild(this.options);
    wrapper.appendChild(this.status);
    select.parentNode.insertBefore(wrapper, select.nextSibling);
    select.hidden = true;
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) { label.htmlFor = this.input.id; }

    this.input.addEventListener("input", function () { self.search(); });
    this.input.addEventListener("focus", function () { self.search(); });
    this.input.addEventListener("keydown", function (event) { self.keydown(event); });
    this.input.addEventListener("blur", function () {
      window.setTimeout(function () { self.close(); }, 150);
    });
    this.options.addEventListener("mousedown", function (event) { event.preventDefault(); });
  };

  Picker.prototype.chosenOptions = function () {
    return Array.prototype.filter.call(this.select.options, function (o) { return o.selected && o.value; });
  };

  Picker.prototype.chosenValues = function () {
    return this.chosenOptions().map(function (o) { return o.value; });
  };

  Picker.prototype.renderChosen = function () {
    var self = this;
    this.chosen.textContent = "";
    this.chosenOptions().forEach(function (option) {
      var item = element("li", "picker__chip", option.textContent);
      var remove = element("button", "picker__remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", text(self.select, "remove", option.textContent));
      remove.addEventListener("click", function () {
        option.selected = false;
        self.changed();
        self.input.focus();
      });
      item.appendChild(remove);
      self.chosen.appendChild(item);
    });
  };

  Picker.prototype.changed = function () {
    this.renderChosen();
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Picker.prototype.search = function () {
    var query = this.input.value.trim();
    if (this.url) {
      this.fetchMatches(query);
      return;
    }
    if (!query) {
      this.show([]);
      return;
    }
    var terms = fold(query).split(/\s+/);
    var chosen = this.chosenValues();
    var matches = [];
    Array.prototype.forEach.call(this.select.options, function (option) {
      if (!option.value || chosen.indexOf(option.value) >= 0 || matches.length >= MAX_SHOWN) { return; }
      var haystack = fold(option.textContent);
      if (terms.every(function (term) { return haystack.indexOf(term) >= 0; })) {
        matches.push({ id: option.value, name: option.textContent, detail: "" });
      }
    });
    this.show(matches);
  };

  Picker.prototype.fetchMatches = function (query) {
    var self = this;
    var params = new URLSearchParams();
    params.set("q", query);
    var scope = this.scope && document.getElementById(this.scope);
    if (scope) {
      Array.prototype.forEach.call(scope.options, function (o) {
        if (o.selected && o.value) { params.append("organisation", o.value); }
      });
    }
    var number = ++this.request;
    fetch(this.url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (number !== self.request) { return; }  // a newer search has started
        var chosen = self.chosenValues();
        self.show(data.results.filter(function (r) { return chosen.indexOf(String(r.id)) < 0; }).map(function (r) {
          return { id: String(r.id), name: r.name, detail: r.detail };
        }));
      })
      .catch(function () { self.show([]); });
  };

  Picker.prototype.show = function (matches) {
    var self = this;
    this.matches = matches;
    this.active = matches.length ? 0 : -1;
    this.options.textContent = "";
    matches.forEach(function (match, index) {
      var item = element("li", "picker__option");
      item.id = self.id + "-option-" + index;
      item.setAttribute("role", "option");
      item.appendChild(element("span", "picker__name", match.name));
      if (match.detail) { item.appendChild(element("span", "picker__detail", match.detail)); }
      item.addEventListener("click", function () { self.pick(index); });
      self.options.appendChild(item);
    });
    var query = this.input.value.trim();
    var open = document.activeElement === this.input && (matches.length > 0 || query.length > 0);
    if (open && !matches.length) {
      this.options.appendChild(element("li", "picker__empty", text(this.select, "none")));
    }
    this.options.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    this.status.textContent = open ? text(this.select, "count", matches.length) : "";
    this.highlight();
  };

  Picker.prototype.highlight = function () {
    var self = this;
    Array.prototype.forEach.call(this.options.querySelectorAll('[role="option"]'), function (item, index) {
      var on = index === self.active;
      item.setAttribute("aria-selected", on ? "true" : "false");
      item.classList.toggle("picker__option--active", on);
      if (on) { item.scrollIntoView({ block: "nearest" }); }
    });
    if (this.active >= 0) {
      this.input.setAttribute("aria-activedescendant", this.id + "-option-" + this.active);
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Picker.prototype.pick = function (index) {
    var match = this.matches[index];
    if (!match) { return; }
    var option = Array.prototype.find.call(this.select.options, function (o) { return o.value === match.id; });
    if (!option) {
      option = new Option(match.name, match.id);
      this.select.appendChild(option);
    }
    option.selected = true;
    this.input.value = "";
    this.changed();
    this.input.focus();
    this.search();
  };

  Picker.prototype.close = function () {
    this.options.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.keydown = function (event) {
    var open = !this.options.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) { this.search(); return; }
      var step = event.key === "ArrowDown" ? 1 : -1;
      var count = this.matches.length;
      if (count) { this.active = (this.active + step + count) % count; this.highlight(); }
    } else if (event.key === "Enter") {
      if (open && this.active >= 0) {
        event.preventDefault();  // pick, do not submit the form
        this.pick(this.active);
      }
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      this.close();
    }
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[multiple][data-picker]"), function (select) {
      new Picker(select);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-picker-fallback]"), function (node) {
      node.hidden = true;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
