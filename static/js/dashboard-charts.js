/* Draws every chart of a results page: each [data-chart] element names the json_script block
 * that holds its Plotly figure ({data, layout, narrow}, built on the server by
 * assessment/core/charts.py and the apps' charts modules). On a phone-sized container the
 * figure's `narrow` overrides apply (smaller text, no cell labels). Loaded after plotly.min.js; page scripts (ranking.js,
 * profile.js, public.js) call DashboardCharts.drawAll(). */
(function () {
  "use strict";

  var CONFIG = { responsive: true, displayModeBar: false, displaylogo: false };
  var NARROW = 576;

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function merge(target, extra) {
    Object.keys(extra || {}).forEach(function (key) {
      if (isObject(extra[key]) && isObject(target[key])) {
        merge(target[key], extra[key]);
      } else {
        target[key] = extra[key];
      }
    });
    return target;
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-chart"));
    if (!source || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    if (figure.narrow && container.clientWidth < NARROW) {
      merge(figure.layout, figure.narrow.layout);
      figure.data.forEach(function (trace) {
        merge(trace, figure.narrow.traces);
      });
    }
    window.Plotly.newPlot(container, figure.data, figure.layout, CONFIG);
  }

  function containers() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  }

  function drawAll() {
    containers().forEach(draw);
  }

  function resizeAll() {
    containers().forEach(function (container) {
      if (container.classList.contains("js-plotly-plot")) {
        window.Plotly.Plots.resize(container);
      }
    });
  }

  // Printing changes the page width: let the charts follow it.
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);

  window.DashboardCharts = { drawAll: drawAll, resizeAll: resizeAll };
})();
