/* Public display: draw the charts; the print button prints the page (print CSS in
 * dashboards.css hides the controls and lets the charts take the page width). */
(function () {
  "use strict";
  window.DashboardCharts.drawAll();
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
  var button = document.querySelector("[data-print]");
  if (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }
})();
