/* Rectification progress: draw the completion-over-time chart. */
(function () {
  "use strict";
  window.DashboardCharts.drawAll();
})();
