/* Region profile: draw the radar, the dimension comparison and the history. */
(function () {
  "use strict";
  window.DashboardCharts.drawAll();
})();
