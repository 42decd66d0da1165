// Copy button for Python console examples (">>> " blocks, as mkdocstrings renders docstring
// Examples): Material's button copies the nearest [data-copy] attribute if there is one, so we
// set it to the code lines only, without prompts and without the printed output. Blocks with
// no prompt (the course's own snippets) are left alone and copy as they are.
(function () {
  "use strict";
  var PROMPT = /^(>>>|\.\.\.)( |$)/;

  function codeOnly(text) {
    return text.split("\n")
      .filter(function (line) { return PROMPT.test(line); })
      .map(function (line) { return line.slice(4); })
      .join("\n");
  }

  function mark(root) {
    root.querySelectorAll(".highlight code").forEach(function (code) {
      var text = code.textContent;
      if (!code.hasAttribute("data-copy") && /^>>>( |$)/m.test(text)) {
        code.setAttribute("data-copy", codeOnly(text));
      }
    });
  }

  // Material publishes each page load (also with instant navigation) on document$.
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { mark(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { mark(document); });
  }
})();
