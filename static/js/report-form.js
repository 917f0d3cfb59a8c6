// Report form: a reason belongs to one category, so choosing another category clears it.
(function () {
  "use strict";
  var form = document.querySelector(".report-form");
  if (!form) return;
  form.addEventListener("change", function (event) {
    if (event.target.name !== "category") return;
    form.querySelectorAll('input[name="reason"]').forEach(function (reason) {
      if (reason.dataset.category !== event.target.value) reason.checked = false;
    });
  });
})();
