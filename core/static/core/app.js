// Small progressive enhancements; the platform works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form && el.form.requestSubmit(); });
  });
  document.body.addEventListener("htmx:configRequest", function (evt) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { evt.detail.headers["X-CSRFToken"] = token.value; }
  });

  // Narrow screens: the header's menu collapses behind its button (only once this script
  // runs, so without JavaScript the menu simply stays open).
  var header = document.querySelector(".site-header");
  var toggle = document.querySelector("[data-menu-toggle]");
  if (header && toggle) {
    header.classList.add("collapsible");
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Destructive actions ask first: data-confirm="…" on a button, a submit input, a link or a
  // form. Cancelling stops the click (or the submission): nothing is sent.
  // An empty data-confirm asks the page's standard question (data-confirm-template on <body>,
  // translated) about the button's own label.
  function question(el) {
    var text = el.getAttribute("data-confirm");
    if (text) { return text; }
    var label = (el.value && el.tagName === "INPUT" ? el.value : el.textContent || "").trim();
    var template = document.body.getAttribute("data-confirm-template") || "%s?";
    return template.replace("%s", label);
  }
  function confirmed(el, evt) {
    if (!window.confirm(question(el))) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
      return false;
    }
    return true;
  }
  document.addEventListener("click", function (evt) {
    var el = evt.target instanceof Element ? evt.target.closest("[data-confirm]") : null;
    if (el && el.tagName !== "FORM") { confirmed(el, evt); }
  }, true);
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      confirmed(form, evt);
    }
  }, true);

  // Tables that scroll sideways say so: a shadow on the side with more to see.
  function markScroll(wrap) {
    var more = wrap.scrollWidth - wrap.clientWidth;
    wrap.classList.toggle("scroll-right", more > 1 && wrap.scrollLeft < more - 1);
    wrap.classList.toggle("scroll-left", more > 1 && wrap.scrollLeft > 1);
  }
  function watchTables(root) {
    root.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (!wrap.dataset.scrollWatched) {
        wrap.dataset.scrollWatched = "1";
        wrap.addEventListener("scroll", function () { markScroll(wrap); }, { passive: true });
      }
      markScroll(wrap);
    });
  }
  watchTables(document);
  window.addEventListener("resize", function () { watchTables(document); });
  document.body.addEventListener("htmx:afterSettle", function () { watchTables(document); });
});
