// The language menu applies a choice at once; without this file its own button does.
(function () {
  "use strict";
  document.querySelectorAll("form.language select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
})();
