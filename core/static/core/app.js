// Small progressive enhancements; the platform works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form && el.form.requestSubmit(); });
  });
  document.body.addEventListener("htmx:configRequest", function (evt) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { evt.detail.headers["X-CSRFToken"] = token.value; }
  });
});
