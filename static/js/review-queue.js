// The review queue: "select all" ticks the rows (at most the form's data-max), and the bulk
// approval button is usable only when something is ticked. Its question counts the ticked
// rows ({checked:submission}, static/js/confirm.js).
(function () {
  "use strict";
  var form = document.getElementById("bulk-approve");
  if (!form) {
    return;
  }
  var all = form.querySelector("[data-select-all]");
  var button = form.querySelector("[data-testid=bulk-approve]");
  var max = parseInt(form.dataset.max, 10) || 500;

  function update() {
    if (button) {
      var ticked = form.querySelectorAll("input[name=submission]:checked").length;
      button.disabled = ticked === 0 || ticked > max;
    }
  }

  if (all) {
    all.addEventListener("change", function () {
      var boxes = form.querySelectorAll("input[name=submission]");
      for (var i = 0; i < boxes.length; i += 1) {
        boxes[i].checked = all.checked && i < max;
      }
      update();
    });
  }
  form.addEventListener("change", update);
  update();
})();
