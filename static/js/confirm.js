// Buttons with data-confirm ask before they submit (submit for review, approve, rotate or
// revoke a token, compute, unpublish …). One listener for the page; no inline handlers (the
// CSP forbids them).
//
// The question can depend on the button's form, so that it states what will happen in numbers:
// - data-confirm-by="field" with data-confirm-texts='{"value": "question", …}': the question
//   for the field's current value (e.g. the round whose tasks fill an indicator);
// - {field} in the question: what the field shows (a select's chosen option, else its value);
// - {checked:field}: how many checkboxes named `field` are ticked (e.g. rows to approve).
(function () {
  "use strict";

  function shown(field) {
    if (field.tagName === "SELECT") {
      var option = field.options[field.selectedIndex];
      return option ? option.text : "";
    }
    return field.value;
  }

  function question(button) {
    var text = button.dataset.confirm;
    var form = button.form;
    if (!form) {
      return text;
    }
    var by = button.dataset.confirmBy;
    if (by && form.elements[by] && button.dataset.confirmTexts) {
      var texts = JSON.parse(button.dataset.confirmTexts);
      text = texts[form.elements[by].value] || text;
    }
    return text.replace(/\{(checked:)?([\w-]+)\}/g, function (whole, count, name) {
      if (count) {
        return String(form.querySelectorAll(
          "input[type=checkbox][name='" + name + "']:checked").length);
      }
      var field = form.elements[name];
      return field && field.tagName ? shown(field) : whole;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(question(button))) {
      event.preventDefault();
    }
  });
})();
