// Renders TeX for coursebuild/math.py, in one node process per page.
// stdin: JSON [[tex, displayMode], ...]; stdout: JSON [{html} (MathML) or {error}, ...] in the same order.
// temml is resolved from the project's node_modules (pinned in package.json, installed by npm ci).
"use strict";
const temml = require("temml");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(([tex, displayMode]) => {
    try {
      // throwOnError: bad TeX fails the build; strict: TeX that only Temml would accept fails too.
      return { html: temml.renderToString(tex, { displayMode, throwOnError: true, strict: true }) };
    } catch (err) {
      return { error: String(err && err.message ? err.message : err) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
