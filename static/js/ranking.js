/* Ranking page: draw the charts; changing a filter or the followed region applies it at once
 * (the forms also work without JavaScript through their buttons). */
(function () {
  "use strict";
  window.DashboardCharts.drawAll();
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
})();
