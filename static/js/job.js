/* Job page: poll the job's status once a second and move the progress bar; when the job has
 * finished, reload the page, which then shows the result (download, message, error, retry). */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) {
    return;
  }
  var bar = document.getElementById("job-progress");
  var state = document.getElementById("job-state");
  var stage = document.getElementById("job-stage");
  var waiting = document.getElementById("job-waiting");

  function show(progress) {
    if (!bar) {
      return;
    }
    bar.style.width = progress + "%";
    bar.textContent = progress + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(progress));
  }

  function update(data) {
    if (data.finished) {
      window.location.reload();
      return true;
    }
    show(data.progress);
    state.textContent = data.label;
    stage.textContent = data.stage || "";
    waiting.hidden = !data.waiting_long;
    return false;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (!update(data)) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  show(Number(bar ? bar.dataset.progress || 0 : 0));
  if (box.dataset.finished !== "true") {
    window.setTimeout(poll, 500);
  }
})();
