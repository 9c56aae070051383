// Entry form: cheap checks while typing (bounds, review thresholds), conflict choices, a
// warning before leaving with unsaved changes, and confirmation before submitting.
// The server checks everything again; this only saves a round trip.
(function () {
  "use strict";
  var messagesNode = document.getElementById("entry-messages");
  var text = messagesNode ? JSON.parse(messagesNode.textContent) : {};
  var form = document.getElementById("entry-form");

  // The server's number syntax (assessment/collection/services/values.py): ASCII or
  // full-width digits, thousands in groups of three, a decimal point; no exponents, no decimal
  // comma.
  function parseNumber(raw, kind) {
    var value = raw.replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/[\s\u3000\u00a0\u2009\u202f]+/g, "");
    if (kind === "percent" && value.slice(-1) === "%") {
      value = value.slice(0, -1);
    }
    if (value === "") {
      return null;
    }
    if (!/^([-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?|[-+]?\.\d+)$/.test(value)) {
      return NaN;
    }
    return Number(value.replace(/,/g, ""));
  }

  function check(input) {
    var message = "";
    var flag = "";
    var value = parseNumber(input.value, input.dataset.kind);
    var data = input.dataset;
    if (value !== null) {
      if (isNaN(value)) {
        message = text.number;
      } else if (data.kind === "count" && Math.floor(value) !== value) {
        message = text.whole;
      } else if (data.min !== undefined && value < Number(data.min)) {
        message = text.min.replace("%s", data.min);
      } else if (data.max !== undefined && value > Number(data.max)) {
        message = text.max.replace("%s", data.max);
      } else if (data.reviewBelow !== undefined && value < Number(data.reviewBelow)) {
        flag = "below";
      } else if (data.reviewAbove !== undefined && value > Number(data.reviewAbove)) {
        flag = "above";
      }
    }
    var bound = document.getElementById(data.bound);
    if (bound) {
      bound.textContent = message;
      bound.classList.toggle("d-block", message !== "");
    }
    input.classList.toggle("is-invalid", message !== "");
    var flagNode = document.getElementById(data.flag);
    if (flagNode) {
      flagNode.textContent = "";
      if (flag) {
        var span = document.createElement("span");
        span.className = "flag-" + flag;
        span.textContent = (flag === "below" ? text.below : text.above)
          .replace("%s", flag === "below" ? data.reviewBelow : data.reviewAbove);
        flagNode.appendChild(span);
      }
    }
  }

  document.querySelectorAll("input.js-value").forEach(function (input) {
    input.addEventListener("input", function () { check(input); });
  });

  // A conflict: choosing "theirs" or "mine" puts that value into the field.
  document.querySelectorAll("input.js-resolve").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var target = document.getElementById(radio.dataset.target);
      if (target && radio.checked) {
        target.value = radio.dataset.value;
        target.dispatchEvent(new Event("input"));
      }
    });
  });

  // Leaving the page with unsaved changes asks first. A form shown again with problems or
  // conflicts holds input that is not saved yet, so it counts as changed from the start.
  var dirty = Boolean(form && document.querySelector("[data-testid=form-alert]"));
  if (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () {
      dirty = false;
      // With no file chosen the form goes URL-encoded: the server reads that in a fraction of
      // the time multipart takes (docs/BENCHMARKS.md, "Deadline-day load").
      var chosen = Array.prototype.some.call(
        form.querySelectorAll("input[type=file]"),
        function (input) { return input.files && input.files.length > 0; }
      );
      form.enctype = chosen ? "multipart/form-data" : "application/x-www-form-urlencoded";
    });
  }
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = text.unsaved || "";
    }
  });
})();
