// Buttons with data-confirm ask before they submit (submit for review, approve, rotate or
// revoke a token …). One listener for the page; no inline handlers (the CSP forbids them).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
