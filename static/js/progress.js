// Completeness dashboard: draws the stacked bar chart from the JSON the server embedded.
(function () {
  "use strict";
  var source = document.getElementById("progress-data");
  var target = document.getElementById("progress-chart");
  if (!source || !target || !window.Plotly) {
    return;
  }
  var chart = JSON.parse(source.textContent);
  var narrow = window.matchMedia("(max-width: 576px)").matches;
  if (narrow) {
    chart.layout.title.font = { size: 14 };
    chart.layout.legend = { orientation: "h", y: -0.25, font: { size: 11 } };
  }
  window.Plotly.newPlot(target, chart.data, chart.layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
  });
})();
