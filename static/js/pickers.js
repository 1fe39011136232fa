// Pickers that offer only what the save accepts (admin_views/pickers.py): a picker marked
// data-picker-context="field ..." sends, with each search, the values of those fields of
// its form and the id of the record the page edits, so the server can narrow the offer
// (the enrollment's clients depend on the class chosen above them).
(function () {
  "use strict";
  var $ = window.jQuery;
  if (!$ || !$.ajaxPrefilter) { return; }
  var editing = new URLSearchParams(window.location.search).get("id");

  $.ajaxPrefilter(function (options) {
    var pickers = document.querySelectorAll("[data-picker-context][data-url]");
    for (var i = 0; i < pickers.length; i++) {
      var picker = pickers[i];
      // jQuery has already joined the search's data into a string; the URL is still bare.
      if (options.url !== picker.getAttribute("data-url")) { continue; }
      var extra = [];
      picker.getAttribute("data-picker-context").split(" ").forEach(function (name) {
        var field = name && document.getElementById(name);
        if (field) { extra.push(encodeURIComponent(name) + "=" + encodeURIComponent(field.value)); }
      });
      if (editing) { extra.push("id=" + encodeURIComponent(editing)); }
      if (extra.length) { options.data = (options.data ? options.data + "&" : "") + extra.join("&"); }
      return;
    }
  });
})();
