/* Keepwarm: small touches on top of pages that already work without JavaScript. */
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 56rem)");
  var TOAST_MS = 5000;
  var toastTimer = null;

  /* On wide screens the main nav is a row, not a menu: keep its <details> open. */
  function syncNavMenu() {
    document.querySelectorAll("details.nav-menu").forEach(function (menu) {
      menu.open = WIDE.matches;
    });
  }

  function isPinnedOpen(details) {
    return details.classList.contains("nav-menu") && WIDE.matches;
  }

  function openMenus() {
    return Array.prototype.filter.call(
      document.querySelectorAll("details.nav-menu[open], details.user-menu[open], details[data-menu][open]"),
      function (details) {
        return !isPinnedOpen(details);
      }
    );
  }

  /* Close dropdown menus on a click outside them. */
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (details) {
      if (!details.contains(event.target)) {
        details.open = false;
      }
    });
  });

  /* Escape closes the innermost open menu and gives focus back to its button. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var menus = openMenus();
    if (!menus.length) {
      return;
    }
    var active = document.activeElement;
    var inner = menus.filter(function (d) {
      return d.contains(active);
    });
    var target = inner.length ? inner[inner.length - 1] : menus[menus.length - 1];
    target.open = false;
    var summary = target.querySelector("summary");
    if (summary) {
      summary.focus();
    }
  });

  /* A short confirmation after an htmx action: the server sends HX-Trigger {"toast": "..."}. */
  function showToast(message) {
    var toast = document.getElementById("toast");
    if (!toast || !message) {
      return;
    }
    toast.hidden = false;
    toast.textContent = "";
    // Set the words after the region is shown so screen readers announce them.
    window.requestAnimationFrame(function () {
      toast.textContent = message;
    });
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () {
      toast.hidden = true;
      toast.textContent = "";
    }, TOAST_MS);
  }

  function toastMessage(detail) {
    if (detail == null) {
      return "";
    }
    if (typeof detail === "string") {
      return detail;
    }
    if (typeof detail.value === "string") {
      return detail.value;
    }
    if (typeof detail.message === "string") {
      return detail.message;
    }
    if (detail.value && typeof detail.value.message === "string") {
      return detail.value.message;
    }
    return "";
  }

  /* GOV.UK pattern: the error summary takes focus; its links focus the field itself. */
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    if (!link) {
      return;
    }
    var input = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!input) {
      return;
    }
    event.preventDefault();
    var label = input.id ? document.querySelector("label[for='" + CSS.escape(input.id) + "']") : null;
    var legend = input.closest("fieldset") ? input.closest("fieldset").querySelector("legend") : null;
    (label || legend || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });

  function init() {
    syncNavMenu();
    if (WIDE.addEventListener) {
      WIDE.addEventListener("change", syncNavMenu);
    }
    document.body.addEventListener("toast", function (event) {
      showToast(toastMessage(event.detail));
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.detail && event.detail.target;
      if (target && target.querySelector) {
        focusErrorSummary(target);
      }
    });
    focusErrorSummary(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
