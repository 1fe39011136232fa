// Small helpers for the console's own screens (served from 'self', so the CSP allows it).
(function () {
  "use strict";
  // Flask-Admin's inline handlers, bound from here so the CSP needs no inline script
  // (admin_views/templating.py turns them into these data attributes).
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest(
      "[data-confirm], [data-inert], [data-model-action], [data-inline-add]") : null;
    if (!el) { return; }
    if (el.hasAttribute("data-confirm")) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
      return;
    }
    if (el.hasAttribute("data-inert")) { event.preventDefault(); }
    if (el.hasAttribute("data-model-action")) {
      window.modelActions.execute(el.getAttribute("data-model-action"));
    }
    if (el.hasAttribute("data-inline-add")) {
      window.faForm.addInlineField(el, el.getAttribute("data-inline-add"));
    }
  });
  // Attendance grid: mark every client still blank as present (H).
  var allPresent = document.getElementById("all-present");
  if (allPresent) {
    allPresent.addEventListener("click", function () {
      document.querySelectorAll("#attendance-grid tbody tr").forEach(function (row) {
        var blank = row.querySelector('input[type=radio][value=""]');
        var present = row.querySelector('input[type=radio][value="H"]');
        if (blank && present && blank.checked) { present.checked = true; }
      });
    });
  }
  // Calendar: the print button.
  var print = document.getElementById("print-page");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }
})();
