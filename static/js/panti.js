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
  var $ = window.jQuery;
  var BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];
  var HARI = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"];

  // The date pickers read month and day names and the first weekday from moment's locale:
  // Indonesian, Monday first.
  if (window.moment) {
    // moment 2.9 (Flask-Admin's) defines a locale through locale(name, config).
    var define = window.moment.defineLocale || window.moment.locale;
    define.call(window.moment, "id-panti", {
      months: BULAN,
      monthsShort: BULAN.map(function (m) { return m.slice(0, 3); }),
      weekdays: HARI,
      weekdaysShort: HARI.map(function (d) { return d.slice(0, 3); }),
      weekdaysMin: ["Mg", "Sn", "Sl", "Rb", "Km", "Jm", "Sb"],
      week: { dow: 1, doy: 4 }
    });
    window.moment.locale("id-panti");
  }

  // Select2 (the pickers) speaks Indonesian.
  if ($ && $.fn.select2) {
    $.extend($.fn.select2.defaults, {
      formatNoMatches: function () { return "Tidak ada yang cocok"; },
      formatInputTooShort: function (input, min) {
        return "Ketik " + (min - input.length) + " huruf lagi";
      },
      formatInputTooLong: function (input, max) {
        return "Hapus " + (input.length - max) + " huruf";
      },
      formatSelectionTooBig: function (limit) { return "Paling banyak " + limit + " pilihan"; },
      formatLoadMore: function () { return "Memuat lebih banyak…"; },
      formatSearching: function () { return "Mencari…"; },
      formatAjaxError: function () { return "Gagal memuat; coba lagi"; }
    });
  }

  // Flask-Admin starts its date and time pickers once form.js is ready: give them
  // Indonesian buttons and a year list reaching back to 1920 (birth dates).
  if ($) {
    $(document).on("adminFormReady", function () {
      var original = $.fn.daterangepicker;
      if (!original || original.pantiWrapped) { return; }
      $.fn.daterangepicker = function (options, callback) {
        options = $.extend({
          minDate: window.moment("1920-01-01", "YYYY-MM-DD"),
          maxDate: window.moment().add(10, "years").endOf("year")
        }, options || {});
        options.locale = $.extend({
          applyLabel: "Pilih", cancelLabel: "Batal", fromLabel: "Dari", toLabel: "Sampai",
          weekLabel: "Mg", customRangeLabel: "Rentang lain"
        }, options.locale || {});
        var result = original.call(this, options, callback);
        this.each(function () {
          var picker = $(this).data("daterangepicker");
          if (!picker || !picker.singleDatePicker) { return; }
          // The stock picker re-reads the text on every key and writes a guessed date back
          // ("1" became 01/11/2026 mid-typing). Follow the text only once it is a whole
          // date, in any of the accepted separators, and never rewrite what is typed.
          picker.element.off("keyup.daterangepicker").on("keyup.daterangepicker", function () {
            var text = picker.element.val().trim().replace(/[.\-]/g, "/");
            var parsed = window.moment(text, picker.format.replace(/[.\-]/g, "/"), true);
            if (!parsed.isValid()) { return; }
            picker.startDate = parsed;
            picker.endDate = parsed.clone();
            picker.oldStartDate = parsed.clone();
            picker.oldEndDate = parsed.clone();
            picker.updateView();
            picker.updateCalendars();
          });
        });
        return result;
      };
      $.fn.daterangepicker.pantiWrapped = true;
    });
  }

  // A refused booking's free slots (admin_views/conflicts.py): a click puts the slot's date
  // and times into the form, ready to save.
  document.addEventListener("click", function (event) {
    var slot = event.target.closest ? event.target.closest("[data-slot-start]") : null;
    if (!slot) { return; }
    var form = slot.closest("form") || document;
    [["start_time", "data-slot-start"], ["end_time", "data-slot-end"],
      ["date", "data-slot-date"]].forEach(function (pair) {
      var input = form.querySelector('[name="' + pair[0] + '"]');
      var value = slot.getAttribute(pair[1]);
      if (!input || value === null) { return; }
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    slot.classList.add("active");
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
  // File inputs with an Indonesian button and the chosen file's name (the browser's own
  // "Choose File / No file chosen" follows its language): Bootstrap's custom-file.
  document.querySelectorAll('input[type="file"]').forEach(function (input, index) {
    if (input.closest(".custom-file")) { return; }
    if (!input.id) { input.id = "berkas-" + index; }
    var box = document.createElement("div");
    box.className = "custom-file";
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    input.classList.remove("form-control-file");
    input.classList.add("custom-file-input");
    var none = "Belum ada berkas dipilih";
    var label = document.createElement("label");
    label.className = "custom-file-label";
    label.htmlFor = input.id;
    label.setAttribute("data-browse", "Pilih berkas");
    label.textContent = none;
    box.appendChild(label);
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      label.textContent = names.join(", ") || none;
    });
  });
  // Calendar: the print button.
  var print = document.getElementById("print-page");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }
})();
