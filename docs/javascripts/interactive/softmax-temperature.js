// Interactive figure: softmax with a temperature slider and editable logits.
// Placed by <div class="xd-interactive" data-xd-widget="softmax-temperature" data-logits="..."
// data-temperature="..."></div> on a page. Plain JavaScript, no dependency, no network.
// Computes as xentdoc.softmax(z, temperature=T) does: divide by T, subtract the maximum,
// exponentiate, normalise (log-sum-exp), so large logits or tiny temperatures never overflow.
(function () {
  "use strict";
  var kit = window.xentdocWidgets;  // widget-kit.js
  var el = kit.el, svgEl = kit.svgEl, fmt = kit.fmt;
  var T_MIN = 0.05, T_MAX = 10;

  // log_softmax(z / T) and softmax(z / T), computed stably.
  function softmaxT(logits, t) {
    var s = logits.map(function (x) { return x / t; });
    var m = Math.max.apply(null, s);
    var sum = 0;
    s.forEach(function (v) { sum += Math.exp(v - m); });
    var lse = m + Math.log(sum);
    var logp = s.map(function (v) { return v - lse; });
    return { scaled: s, logp: logp, p: logp.map(Math.exp), lse: lse };
  }

  var counter = 0;

  function build(root) {
    if (root.getAttribute("data-xd-ready")) return;
    root.setAttribute("data-xd-ready", "1");
    var id = "xd-softmax-" + (++counter);
    var logits = (root.getAttribute("data-logits") || "2, 1, 0.5, -1").split(",").map(Number);
    var temperature = Number(root.getAttribute("data-temperature") || "1");
    root.innerHTML = "";
    root.classList.add("xd-widget");

    var controls = el("div", { "class": "xd-controls", role: "group", "aria-label": "Settings of the softmax figure" });
    // Temperature: a slider and a number box that follow each other.
    var tRow = el("div", { "class": "xd-control" });
    var tLabel = el("label", { "for": id + "-t-range" }, "Temperature T");
    var tRange = el("input", { type: "range", id: id + "-t-range", min: String(T_MIN), max: "5", step: "0.05",
                               value: String(temperature), "data-xd": "temperature-range" });
    var tNumber = el("input", { type: "number", id: id + "-t-number", min: String(T_MIN), max: String(T_MAX), step: "0.05",
                                value: String(temperature), "aria-label": "Temperature T (exact value)",
                                "data-xd": "temperature" });
    tRow.appendChild(tLabel); tRow.appendChild(tRange); tRow.appendChild(tNumber);
    controls.appendChild(tRow);

    var logitInputs = logits.map(function (value, i) {
      var row = el("div", { "class": "xd-control" });
      var input = el("input", { type: "number", id: id + "-x" + i, step: "0.5", value: String(value),
                                "data-xd": "logit-" + i });
      row.appendChild(el("label", { "for": input.id }, "Logit of class " + i));
      row.appendChild(input);
      controls.appendChild(row);
      return input;
    });
    var message = el("p", { "class": "xd-message", role: "alert" });
    controls.appendChild(message);

    var figure = el("div", { "class": "xd-plot" });
    var svg = svgEl("svg", { viewBox: "0 0 320 200", role: "img", width: "320", height: "200" });
    var svgTitle = svgEl("title", {});
    svg.appendChild(svgTitle);
    figure.appendChild(svg);

    var table = el("table", { "class": "xd-numbers" });
    table.appendChild(el("caption", {}, "Softmax of the logits at temperature T"));
    var head = el("tr", {});
    ["Class", "Logit z", "z / T", "Probability", "Log-probability"].forEach(function (h) {
      head.appendChild(el("th", { scope: "col" }, h));
    });
    var thead = el("thead", {}); thead.appendChild(head); table.appendChild(thead);
    var tbody = el("tbody", { "aria-live": "polite", "aria-atomic": "true" });
    table.appendChild(tbody);
    var summary = el("p", { "class": "xd-summary", "aria-live": "polite" });

    var layout = el("div", { "class": "xd-layout" });
    layout.appendChild(figure);
    var side = el("div", { "class": "xd-side" });
    side.appendChild(table); side.appendChild(summary);
    layout.appendChild(side);
    root.appendChild(controls);
    root.appendChild(layout);

    function readInputs() {
      var t = Number(tNumber.value);
      var xs = logitInputs.map(function (input) { return input.value === "" ? NaN : Number(input.value); });
      var problems = [];
      tNumber.removeAttribute("aria-invalid");
      logitInputs.forEach(function (input) { input.removeAttribute("aria-invalid"); });
      if (tNumber.value === "" || !isFinite(t) || t < T_MIN || t > T_MAX) {
        tNumber.setAttribute("aria-invalid", "true");
        problems.push("the temperature must be a number from " + T_MIN + " to " + T_MAX);
      }
      xs.forEach(function (x, i) {
        if (!isFinite(x) || Math.abs(x) > 1e6) {
          logitInputs[i].setAttribute("aria-invalid", "true");
          problems.push("logit of class " + i + " must be a number between -1000000 and 1000000");
        }
      });
      return { t: t, xs: xs, problems: problems };
    }

    function draw(result, t) {
      while (svg.childNodes.length > 1) svg.removeChild(svg.lastChild);
      var n = result.p.length, left = 36, bottom = 170, height = 150, width = 270;
      var band = width / n;
      svg.appendChild(svgEl("line", { x1: left, y1: bottom, x2: left + width, y2: bottom, stroke: "currentColor" }));
      [0, 0.5, 1].forEach(function (v) {
        var y = bottom - v * height;
        svg.appendChild(svgEl("line", { x1: left - 4, y1: y, x2: left, y2: y, stroke: "currentColor" }));
        var label = svgEl("text", { x: left - 7, y: y + 4, "text-anchor": "end", "font-size": "11", fill: "currentColor" });
        label.textContent = String(v);
        svg.appendChild(label);
      });
      result.p.forEach(function (p, i) {
        var barHeight = Math.max(p * height, 0.5);
        svg.appendChild(svgEl("rect", { x: left + i * band + band * 0.15, y: bottom - barHeight,
                                        width: band * 0.7, height: barHeight, "class": "xd-bar" }));
        var name = svgEl("text", { x: left + (i + 0.5) * band, y: bottom + 15, "text-anchor": "middle",
                                   "font-size": "11", fill: "currentColor" });
        name.textContent = "class " + i;
        svg.appendChild(name);
      });
      svgTitle.textContent = "Bar chart of the softmax probabilities at temperature " + fmt(t) + ": " +
        result.p.map(function (p, i) { return "class " + i + " " + fmt(p); }).join(", ") + ".";
    }

    function update() {
      var input = readInputs();
      if (input.problems.length) {
        message.textContent = "Not updated: " + input.problems.join("; ") + ".";
        return;
      }
      message.textContent = "";
      var result = softmaxT(input.xs, input.t);
      tbody.innerHTML = "";
      result.p.forEach(function (p, i) {
        var row = el("tr", { "data-class": String(i) });
        row.appendChild(el("th", { scope: "row" }, String(i)));
        row.appendChild(el("td", { "data-xd": "logit" }, fmt(input.xs[i])));
        row.appendChild(el("td", { "data-xd": "scaled" }, fmt(result.scaled[i])));
        row.appendChild(el("td", { "data-xd": "probability" }, fmt(p)));
        row.appendChild(el("td", { "data-xd": "log-probability" }, fmt(result.logp[i])));
        tbody.appendChild(row);
      });
      var best = result.p.indexOf(Math.max.apply(null, result.p));
      summary.innerHTML = "";
      summary.appendChild(document.createTextNode("Largest probability: class " + best + ". Log-sum-exp of z / T: "));
      summary.appendChild(el("output", { "data-xd": "logsumexp" }, fmt(result.lse)));
      summary.appendChild(document.createTextNode("."));
      draw(result, input.t);
    }

    tRange.addEventListener("input", function () { tNumber.value = tRange.value; update(); });
    tNumber.addEventListener("input", function () {
      var t = Number(tNumber.value);
      if (tNumber.value !== "" && isFinite(t)) tRange.value = String(Math.min(Math.max(t, T_MIN), 5));
      update();
    });
    logitInputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  }

  window.xentdocSoftmaxT = softmaxT;
  kit.mount("softmax-temperature", build);
})();
