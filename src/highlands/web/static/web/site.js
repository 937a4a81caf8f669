/* Highlands: the little the pages need beyond HTML and CSS (CSP: served from 'self').
   Every page works without it: the menu is then always open, filters stay expanded and
   tables still scroll (with shadows instead of the text hint). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var phone = window.matchMedia("(max-width: 48rem)");

  function setupMenu() {
    var button = document.querySelector(".nav-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        button.setAttribute("aria-expanded", "false");
        menu.classList.remove("open");
        button.focus();
      }
    });
  }

  // On a phone the filter panel starts collapsed, so the first result is in view.
  function setupFilterPanels() {
    if (!phone.matches) return;
    document.querySelectorAll("details[data-collapse-on-phone][open]").forEach(function (panel) {
      if (!panel.querySelector(".errorlist")) panel.open = false;
    });
  }

  function markOverflow(scope) {
    (scope || document).querySelectorAll(".table-wrap").forEach(function (wrap) {
      wrap.classList.toggle("overflowing", wrap.scrollWidth > wrap.clientWidth + 1);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupMenu();
    setupFilterPanels();
    markOverflow();
  });
  window.addEventListener("resize", function () { markOverflow(); });
  document.addEventListener("htmx:afterSwap", function (event) { markOverflow(event.target); });
})();
