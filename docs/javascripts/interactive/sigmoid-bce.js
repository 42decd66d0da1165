// Interactive figure: the sigmoid and binary cross-entropy for a chosen logit z and label y.
// Placed by <div class="xd-interactive" data-xd-widget="sigmoid-bce" data-logit="..." data-label="...">
// </div> on a page. Plain JavaScript, no dependency, no network. Computes as xentdoc does:
// sigmoid without overflow on either side, and the loss from the logit as
// (1 - y) softplus(z) + y softplus(-z) (binary_cross_entropy_with_logits), never as -log of a
// rounded probability.
(function () {
  "use strict";
  var kit = window.xentdocWidgets;  // widget-kit.js
  var el = kit.el, svgEl = kit.svgEl, fmt = kit.fmt;
  var Z_MIN = -10, Z_MAX = 10, Z_LIMIT = 1000;

  function sigmoid(z) {
    if (z >= 0) return 1 / (1 + Math.exp(-z));
    var e = Math.exp(z);
    return e / (1 + e);
  }
  // softplus(z) = log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)).
  function softplus(z) { return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))); }
  // (1 - y) softplus(z) + y softplus(-z): two non-negative terms, so a confident and correct
  // prediction keeps its tiny loss (softplus(z) - y z would cancel to 0 at z = 50, y = 1).
  function bceWithLogits(z, y) {
    var positive = y === 0 ? 0 : y * softplus(-z);
    var negative = y === 1 ? 0 : (1 - y) * softplus(z);
    return positive + negative;
  }

  var counter = 0;

  function build(root) {
    if (root.getAttribute("data-xd-ready")) return;
    root.setAttribute("data-xd-ready", "1");
    var id = "xd-bce-" + (++counter);
    var z0 = Number(root.getAttribute("data-logit") || "1.5");
    var y0 = Number(root.getAttribute("data-label") || "1");
    root.innerHTML = "";
    root.classList.add("xd-widget");

    var controls = el("div", { "class": "xd-controls", role: "group", "aria-label": "Settings of the binary cross-entropy figure" });
    var zRow = el("div", { "class": "xd-control" });
    var zRange = el("input", { type: "range", id: id + "-z-range", min: String(Z_MIN), max: String(Z_MAX), step: "0.1",
                               value: String(z0), "data-xd": "logit-range" });
    var zNumber = el("input", { type: "number", id: id + "-z-number", min: String(-Z_LIMIT), max: String(Z_LIMIT), step: "0.1",
                                value: String(z0), "aria-label": "Logit z (exact value)", "data-xd": "logit" });
    zRow.appendChild(el("label", { "for": zRange.id }, "Logit z"));
    zRow.appendChild(zRange); zRow.appendChild(zNumber);
    controls.appendChild(zRow);
    var yRow = el("div", { "class": "xd-control" });
    var yNumber = el("input", { type: "number", id: id + "-y", min: "0", max: "1", step: "1", value: String(y0),
                                "data-xd": "label", "aria-describedby": id + "-y-help" });
    yRow.appendChild(el("label", { "for": yNumber.id }, "Label y"));
    yRow.appendChild(yNumber);
    yRow.appendChild(el("span", { id: id + "-y-help", "class": "xd-help" },
                        "1 or 0; a value in between is a soft label"));
    controls.appendChild(yRow);
    var message = el("p", { "class": "xd-message", role: "alert" });
    controls.appendChild(message);

    var figure = el("div", { "class": "xd-plot" });
    var svg = svgEl("svg", { viewBox: "0 0 320 200", role: "img", width: "320", height: "200" });
    var svgTitle = svgEl("title", {});
    svg.appendChild(svgTitle);
    figure.appendChild(svg);

    var table = el("table", { "class": "xd-numbers" });
    table.appendChild(el("caption", {}, "The prediction and its loss"));
    var tbody = el("tbody", { "aria-live": "polite", "aria-atomic": "true" });
    table.appendChild(tbody);
    var rows = {};
    [["probability", "Probability σ(z) of class 1"],
     ["loss", "Binary cross-entropy"],
     ["gradient", "Gradient σ(z) − y of the loss"]].forEach(function (spec) {
      var row = el("tr", {});
      row.appendChild(el("th", { scope: "row" }, spec[1]));
      rows[spec[0]] = el("td", { "data-xd": spec[0] });
      row.appendChild(rows[spec[0]]);
      tbody.appendChild(row);
    });

    var layout = el("div", { "class": "xd-layout" });
    layout.appendChild(figure);
    var side = el("div", { "class": "xd-side" });
    side.appendChild(table);
    layout.appendChild(side);
    root.appendChild(controls);
    root.appendChild(layout);

    var left = 30, right = 310, top = 12, bottom = 170;
    function sx(z) { return left + (z - Z_MIN) / (Z_MAX - Z_MIN) * (right - left); }
    function path(f, yMax) {
      var d = [];
      for (var i = 0; i <= 200; i++) {
        var z = Z_MIN + (Z_MAX - Z_MIN) * i / 200;
        var y = bottom - Math.min(f(z) / yMax, 1.05) * (bottom - top);
        d.push((i ? "L" : "M") + sx(z).toFixed(2) + " " + y.toFixed(2));
      }
      return d.join(" ");
    }

    function draw(z, y, p, loss) {
      while (svg.childNodes.length > 1) svg.removeChild(svg.lastChild);
      var yMax = 5;  // the loss axis: 0 to 5 nats; the sigmoid is drawn on 0..1 scaled to the same height
      svg.appendChild(svgEl("line", { x1: left, y1: bottom, x2: right, y2: bottom, stroke: "currentColor" }));
      svg.appendChild(svgEl("line", { x1: sx(0), y1: top, x2: sx(0), y2: bottom, stroke: "currentColor", "stroke-dasharray": "2 3" }));
      svg.appendChild(svgEl("path", { d: path(sigmoid, 1), "class": "xd-curve-sigmoid", fill: "none" }));
      svg.appendChild(svgEl("path", { d: path(function (t) { return bceWithLogits(t, y); }, yMax),
                                      "class": "xd-curve-loss", fill: "none" }));
      var zc = Math.min(Math.max(z, Z_MIN), Z_MAX);
      svg.appendChild(svgEl("circle", { cx: sx(zc), cy: bottom - p * (bottom - top), r: 4, "class": "xd-point-sigmoid" }));
      svg.appendChild(svgEl("circle", { cx: sx(zc), cy: bottom - Math.min(loss / yMax, 1.05) * (bottom - top), r: 4,
                                        "class": "xd-point-loss" }));
      [[Z_MIN, String(Z_MIN)], [0, "0"], [Z_MAX, String(Z_MAX)]].forEach(function (tick) {
        var t = svgEl("text", { x: sx(tick[0]), y: bottom + 14, "text-anchor": "middle", "font-size": "11", fill: "currentColor" });
        t.textContent = tick[1];
        svg.appendChild(t);
      });
      var key = svgEl("text", { x: left, y: bottom + 28, "font-size": "11", fill: "currentColor" });
      key.textContent = "solid: σ(z) (0 to 1)   dashed: loss (0 to 5 nats)";
      svg.appendChild(key);
      svgTitle.textContent = "The sigmoid of z and the binary cross-entropy for label " + fmt(y) +
        " over z from -10 to 10; at z = " + fmt(z) + " the probability is " + fmt(p) +
        " and the loss is " + fmt(loss) + ".";
    }

    function update() {
      var z = zNumber.value === "" ? NaN : Number(zNumber.value);
      var y = yNumber.value === "" ? NaN : Number(yNumber.value);
      var problems = [];
      zNumber.removeAttribute("aria-invalid"); yNumber.removeAttribute("aria-invalid");
      if (!isFinite(z) || Math.abs(z) > Z_LIMIT) {
        zNumber.setAttribute("aria-invalid", "true");
        problems.push("the logit must be a number from " + (-Z_LIMIT) + " to " + Z_LIMIT);
      }
      if (!isFinite(y) || y < 0 || y > 1) {
        yNumber.setAttribute("aria-invalid", "true");
        problems.push("the label must be a number from 0 to 1");
      }
      if (problems.length) {
        message.textContent = "Not updated: " + problems.join("; ") + ".";
        return;
      }
      message.textContent = "";
      var p = sigmoid(z), loss = bceWithLogits(z, y);
      rows.probability.textContent = fmt(p);
      rows.loss.textContent = fmt(loss);
      // sigma(z) - y, written so that no digit cancels when sigma(z) is close to y.
      rows.gradient.textContent = fmt((1 - y) * p - y * sigmoid(-z));
      draw(z, y, p, loss);
    }

    zRange.addEventListener("input", function () { zNumber.value = zRange.value; update(); });
    zNumber.addEventListener("input", function () {
      var z = Number(zNumber.value);
      if (zNumber.value !== "" && isFinite(z)) zRange.value = String(Math.min(Math.max(z, Z_MIN), Z_MAX));
      update();
    });
    yNumber.addEventListener("input", update);
    update();
  }

  window.xentdocBCE = { sigmoid: sigmoid, softplus: softplus, bceWithLogits: bceWithLogits };
  kit.mount("sigmoid-bce", build);
})();
