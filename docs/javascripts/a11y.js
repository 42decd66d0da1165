// Accessibility fixes on top of Material, checked by tests/browser (axe-core) and scripts/lighthouse.
//
// 1. Material's search panel has role="dialog" but no name (axe/Lighthouse aria-dialog-name).
// 2. Regions that scroll sideways (a display formula, a table or code wider than the column) must be
// reachable by keyboard (WCAG 2.1.1; axe-core's scrollable-region-focusable). Material already
// does this for code blocks; here, each formula or table that overflows gets tabindex="0" and a
// name, and loses them again when the window grows wide enough to show it whole. One the browser
// has not drawn yet (the print page's sections away from the screen) is reachable until it is
// drawn and found not to overflow.
(function () {
  "use strict";
  // Code blocks too: Material makes them reachable itself, but the print page runs no Material script.
  var SELECTOR = ".md-typeset div.arithmatex, .md-typeset .md-typeset__scrollwrap, .md-typeset pre > code";

  var ATTRIBUTES = ["tabindex", "role", "aria-label", "data-xd-scrollable", "data-xd-unmeasured"];

  function name(region) {
    return region.classList.contains("arithmatex") ? "Formula" : region.matches("code") ? "Code" : "Table";
  }

  function update() {
    // Regions the browser has not drawn (a print-page section off screen, content-visibility) are
    // not measured: measuring them would make it draw them. Until they are drawn, each is
    // reachable by keyboard anyway (focusing it draws it), since it may scroll sideways once drawn;
    // each is measured when it is drawn, and keeps its tab stop only if it does overflow.
    var all = Array.prototype.slice.call(document.querySelectorAll(SELECTOR));
    var drawn = all.map(function (region) {
      return !region.checkVisibility || region.checkVisibility({ contentVisibilityAuto: true });
    });
    // Every width is read before any attribute changes: a change between two reads would make the
    // browser style and lay out the page again for the second one (hundreds of times on the
    // print page). Even a pixel of overflow makes a region scrollable (and axe-core counts it so).
    var overflowing = all.map(function (region, index) {
      return drawn[index] && region.scrollWidth > region.clientWidth;
    });
    all.forEach(function (region, index) {
      if (!drawn[index]) {
        if (!region.hasAttribute("tabindex")) {
          region.setAttribute("tabindex", "0");
          region.setAttribute("role", "region");
          region.setAttribute("aria-label", name(region));
          region.setAttribute("data-xd-unmeasured", "");
        }
        return;
      }
      var overflows = overflowing[index];
      if (overflows && !region.hasAttribute("data-xd-scrollable")) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", name(region) + ", scrolls sideways");
        region.setAttribute("data-xd-scrollable", "");
        region.removeAttribute("data-xd-unmeasured");
      } else if (!overflows && (region.hasAttribute("data-xd-scrollable") || region.hasAttribute("data-xd-unmeasured"))
                 && document.activeElement !== region) {
        ATTRIBUTES.forEach(function (attribute) { region.removeAttribute(attribute); });
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
  // A region kept reachable while it had focus is measured again once focus leaves it.
  document.addEventListener("focusout", schedule, true);
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
