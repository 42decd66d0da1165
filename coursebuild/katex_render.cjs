// Renders TeX for hooks/katex.py, in one node process per page.
// stdin: JSON [[tex, displayMode], ...]; stdout: JSON [{html} (MathML) or {error}, ...] in the same order.
// katex is resolved from the project's node_modules (pinned in package.json, installed by npm ci).
"use strict";
const katex = require("katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(([tex, displayMode]) => {
    try {
      // strict "error": TeX that only KaTeX would accept (e.g. unicode in math) fails as well.
      return { html: katex.renderToString(tex, {
        displayMode, output: "mathml", throwOnError: true, strict: "error" }) };
    } catch (err) {
      return { error: String(err && err.message ? err.message : err) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
