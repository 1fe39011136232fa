// Small helpers for the console's own screens (served from 'self', so the CSP allows it).
(function () {
  "use strict";
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
