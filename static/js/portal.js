// Portal Karang Taruna Kaltara: progressive enhancements only; every page works without JS.
(function () {
  "use strict";
  // <form data-confirm="..."> asks before submitting (no inline handlers: the CSP forbids them).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // <select data-autosubmit> submits its form on change (filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  // A live check (<input data-recheck-on="[name=sex],[name=birth_date]">, htmx) runs again when a field it
  // depends on changes: a NIK typed before the sex and the birth date is re-checked against them.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.form || !window.htmx) {
      return;
    }
    el.form.querySelectorAll("[data-recheck-on]").forEach(function (input) {
      if (input !== el && el.matches(input.getAttribute("data-recheck-on")) && input.value) {
        window.htmx.trigger(input, "recheck");
      }
    });
  });
})();
