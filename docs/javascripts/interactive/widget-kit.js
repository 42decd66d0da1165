// Shared pieces of the interactive figures (softmax-temperature.js, sigmoid-bce.js): element
// builders, the number format of their tables, and mounting on every page Material shows.
// Plain JavaScript, no dependency; loaded before the figures (mkdocs.yml extra_javascript).
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function setAttributes(node, attrs) {
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function el(tag, attrs, text) {
    var node = setAttributes(document.createElement(tag), attrs);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svgEl(tag, attrs) {
    return setAttributes(document.createElementNS(SVG, tag), attrs);
  }
  // Six significant digits, the way the numbers are shown in the tables.
  function fmt(v) {
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(6)));
    return v.toExponential(5);
  }
  // Build every <div data-xd-widget="NAME"> of the page, also after Material's instant navigation.
  function mount(name, build) {
    function init() {
      document.querySelectorAll('[data-xd-widget="' + name + '"]').forEach(build);
    }
    if (typeof document$ !== "undefined") {
      document$.subscribe(init);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }

  window.xentdocWidgets = { el: el, svgEl: svgEl, fmt: fmt, mount: mount };
})();
