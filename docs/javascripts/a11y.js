// Accessibility fixes on top of Material, checked by tests/browser (axe-core) and scripts/lighthouse.
//
// 1. Material's search panel has role="dialog" but no name (axe/Lighthouse aria-dialog-name).
// 2. Regions that scroll sideways (a display formula or a table wider than the column) must be
// reachable by keyboard (WCAG 2.1.1; axe-core's scrollable-region-focusable). Material already
// does this for code blocks; here, each formula or table that overflows gets tabindex="0" and a
// name, and loses them again when the window grows wide enough to show it whole.
(function () {
  "use strict";
  var SELECTOR = ".md-typeset div.arithmatex, .md-typeset .md-typeset__scrollwrap";

  function update() {
    // Regions the browser has not drawn (a print-page section off screen, content-visibility) are
    // skipped: measuring them would make it draw them. Each is measured when it is drawn.
    var regions = Array.prototype.slice.call(document.querySelectorAll(SELECTOR)).filter(function (region) {
      return !region.checkVisibility || region.checkVisibility({ contentVisibilityAuto: true });
    });
    // Every width is read before any attribute changes: a change between two reads would make the
    // browser style and lay out the page again for the second one (hundreds of times on the
    // print page). Even a pixel of overflow makes a region scrollable (and axe-core counts it so).
    var overflowing = regions.map(function (region) { return region.scrollWidth > region.clientWidth; });
    regions.forEach(function (region, index) {
      var overflows = overflowing[index];
      if (overflows && !region.hasAttribute("tabindex")) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", region.classList.contains("arithmatex")
          ? "Formula, scrolls sideways" : "Table, scrolls sideways");
        region.setAttribute("data-xd-scrollable", "");
      } else if (!overflows && region.hasAttribute("data-xd-scrollable")) {
        ["tabindex", "role", "aria-label", "data-xd-scrollable"].forEach(function (name) {
          region.removeAttribute(name);
        });
      }
    });
  }

  function nameDialogs() {
    document.querySelectorAll('[role="dialog"]:not([aria-label]):not([aria-labelledby])').forEach(
      function (dialog) {
        if (dialog.matches(".md-search")) dialog.setAttribute("aria-label", "Search");
      });
  }
  nameDialogs();

  // Widths are read after the browser has laid the page out (the frame after a change), never
  // in the middle of a script: reading them earlier would force the whole page to be laid out
  // while it loads (scripts/lighthouse counted up to 400 ms of blocking time for it).
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      window.setTimeout(function () { pending = false; update(); }, 0);
    });
  }
  window.addEventListener("resize", schedule);
  document.addEventListener("contentvisibilityautostatechange", schedule, true);
  // A formula in a collapsed <details> or an inactive tab has no width until it is shown. The
  // reader has just opened it: check at once, so that it can be reached before the next frame.
  document.addEventListener("toggle", update, true);
  document.addEventListener("change", update);
  // Material publishes each page load on document$; the math font changes widths when it loads.
  if (typeof document$ !== "undefined") {
    document$.subscribe(schedule);
  } else {
    document.addEventListener("DOMContentLoaded", schedule);
  }
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(schedule);
  }
})();
