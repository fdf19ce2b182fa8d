/* The respondent's form (templates/questionnaire_public): show a question with a condition
   only while the earlier question's answer has that option; focus the error summary; the
   receipt's print button. Progressive enhancement: without JavaScript every question is
   shown and the server ignores answers to questions whose condition is not met. */
(function () {
  "use strict";

  function chosen(form, name) {
    var values = [];
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
        values.push(input.value);
      }
    }
    return values;
  }

  function update(form) {
    // In document order, so a question whose earlier question is hidden is hidden too.
    var hidden = {};
    var questions = form.querySelectorAll(".question");
    for (var i = 0; i < questions.length; i++) {
      var question = questions[i];
      var name = question.id.replace(/-question$/, "");
      var earlier = question.getAttribute("data-show-if");
      var show = true;
      if (earlier) {
        show = !hidden[earlier] &&
          chosen(form, earlier).indexOf(question.getAttribute("data-show-value")) !== -1;
      }
      question.hidden = !show;
      hidden[name] = !show;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".questionnaire-form");
    if (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
      if (form.getAttribute("data-preview")) {
        form.addEventListener("submit", function (event) { event.preventDefault(); });
      }
    }
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    var print = document.querySelector("[data-print]");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
  });
})();
