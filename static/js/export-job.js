/* Export job page: poll the job's status once a second, move the progress bar, and show the
 * download link (or the error) when the job has finished. */
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) {
    return;
  }
  var bar = document.getElementById("job-progress");
  var status = document.getElementById("job-status");
  var stage = document.getElementById("job-stage");
  var error = document.getElementById("job-error");
  var download = document.getElementById("job-download");
  var hint = document.getElementById("job-hint");

  function show(progress) {
    bar.style.width = progress + "%";
    bar.textContent = progress + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(progress));
  }

  function update(data) {
    show(data.progress);
    status.textContent = data.label;
    var colour = data.status === "done" ? "success" : data.finished ? "danger" : "primary";
    status.className = "badge text-bg-" + colour;
    stage.textContent = data.stage || "";
    if (data.error) {
      error.textContent = data.error;
      error.hidden = false;
    }
    if (data.download) {
      download.href = data.download;
      download.hidden = false;
    }
    if (data.finished) {
      hint.hidden = true;
    }
    return data.finished;
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

  show(Number(bar.dataset.progress || 0));
  poll();
})();
