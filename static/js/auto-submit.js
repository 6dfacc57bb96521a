// Submits a filter form when one of its <select data-auto-submit> changes (replaces inline
// onchange handlers, which the Content-Security-Policy refuses).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-auto-submit]") && target.form) {
      target.form.submit();
    }
  });
})();
