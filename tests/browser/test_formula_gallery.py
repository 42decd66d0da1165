"""The formula gallery (docs/formula-gallery.md), measured in Chromium as drawn with the site's math font.

The gallery holds one example of each construct the course's formulas use. What is measured is
ink: each element of interest is drawn alone (everything else of its formula made invisible),
in black on white, photographed at twice the pixel density, and the dark pixels give its shape.
Boxes alone would not do: Chromium's box of a stretchy bracket is wider than what it draws.

- A subscript sits against its base: no gap between the base's last letter or bracket and the
  script (TeX puts none; KaTeX's MathML put the function-application space there, `\\log_2`).
- A prime stands where LaTeX puts it: right after its base, its foot at the top of the letter.
- Each stretchy glyph (underbrace, brackets drawn taller than a line) is one continuous shape:
  its stroke as heavy at the joints of its pieces as around them, not a row of dashes.
- Each bracket pair spans its content (TeX: at least 90 % of its height) and stands against it.
"""

import io

import pytest

GALLERY = "formula-gallery/"
SCALE = 1.5  # device pixels per CSS pixel: the 1.5x zoom the issue compared at
EM = 1.0  # measurements below are in em of the formula's font size

ISOLATE = """([ids]) => {
  document.querySelectorAll('[data-xd-ink]').forEach(node => node.removeAttribute('data-xd-ink'));
  document.querySelectorAll('math').forEach(math => math.removeAttribute('data-xd-ink-hide'));
  const nodes = ids.map(id => document.querySelector(`[data-xd-id="${id}"]`));
  nodes.forEach(node => { node.setAttribute('data-xd-ink', ''); node.closest('math').setAttribute('data-xd-ink-hide', ''); });
  const math = nodes[0].closest('math');
  const box = math.getBoundingClientRect();
  const x = box.x + window.scrollX - 40, y = box.y + window.scrollY - 20;
  const rects = nodes.map(node => node.getBoundingClientRect());
  const boxes = [Math.min(...rects.map(r => r.left)) + window.scrollX - x, Math.min(...rects.map(r => r.top)) + window.scrollY - y,
                 Math.max(...rects.map(r => r.right)) + window.scrollX - x, Math.max(...rects.map(r => r.bottom)) + window.scrollY - y];
  return {x, y, width: box.width + 80, height: box.height + 40, em: parseFloat(getComputedStyle(math).fontSize), boxes};
}"""
STYLE = """math[data-xd-ink-hide], math[data-xd-ink-hide] * { visibility: hidden !important; }
math[data-xd-ink-hide] [data-xd-ink], math[data-xd-ink-hide] [data-xd-ink] * { visibility: visible !important; color: #000 !important; }
body, .md-main, .md-content, article, .arithmatex { background: #fff !important; }"""


@pytest.fixture(scope="module")
def gallery(open_tab):
    tab = open_tab(color_scheme="light", device_scale_factor=SCALE, viewport={"width": 1280, "height": 900})
    tab.goto(GALLERY)
    tab.page.add_style_tag(content=STYLE)
    tab.page.evaluate("""() => document.querySelectorAll('.xd-gallery math *').forEach((node, index) => {
        node.setAttribute('data-xd-id', String(index)); })""")
    assert not tab.take_errors()
    return tab


def ink(tab, ids):
    """(left, top, right, bottom) of what the elements `ids` draw, and the rows and columns holding
    ink, in em of the formula's font size relative to the formula's box corner; None if no ink."""
    from PIL import Image

    clip = tab.page.evaluate(ISOLATE, [list(ids)])
    image = Image.open(io.BytesIO(tab.page.screenshot(clip={key: clip[key] for key in ("x", "y", "width", "height")},
                                                      full_page=True, animations="disabled"))).convert("L")
    width, height = image.size
    pixels = image.load()
    dark = [[pixels[x, y] < 140 for x in range(width)] for y in range(height)]
    rows = [y for y in range(height) if any(dark[y])]
    columns = [x for x in range(width) if any(dark[y][x] for y in rows)]
    if not rows:
        return None
    unit = clip["em"] * SCALE
    # How dark the darkest pixel of each row and each column across the shape is (0 to 255).
    row_weight = [sum(255 - pixels[x, y] for x in range(width)) for y in range(rows[0], rows[-1] + 1)]
    column_weight = [sum(255 - pixels[x, y] for y in range(height)) for x in range(columns[0], columns[-1] + 1)]
    box = clip["boxes"]
    return {"box": (columns[0] / unit, rows[0] / unit, (columns[-1] + 1) / unit, (rows[-1] + 1) / unit),
            "row_weight": row_weight, "column_weight": column_weight, "unit": unit,
            # The elements' own boxes (layout, not ink), in the same coordinates.
            "layout": (box[0] / clip["em"], box[1] / clip["em"], box[2] / clip["em"], box[3] / clip["em"])}


def elements(tab, script):
    """[{id, text, ...}] of the gallery's elements that `script` (a function of the gallery) picks."""
    return tab.page.evaluate(script)


SUBSCRIPTS = """() => [...document.querySelectorAll('.xd-gallery :is(msub, msubsup)')].map(script => {
  // The base's last token that draws something (not an invisible operator such as U+2061).
  const tokens = [...script.children[0].querySelectorAll('mi, mn, mo, mtext')];
  if (script.children[0].matches('mi, mn, mo, mtext')) tokens.push(script.children[0]);
  const drawn = tokens.filter(token => token.textContent.replace(/[\\u2061-\\u2064]/g, '').length);
  const last = drawn[drawn.length - 1];
  return {base: last.getAttribute('data-xd-id'), text: last.textContent, script: script.children[1].getAttribute('data-xd-id'),
          where: script.closest('.xd-gallery').id, formula: script.textContent};
}).filter(pair => pair.text.length > 1 || /[)\\]]/.test(pair.text))"""


def test_each_subscript_sits_against_its_base(gallery):
    # Subscripts on words (\log_2, \log_b, \max_j) and on brackets (\operatorname{softmax}(x)_i):
    # TeX puts the script right after the base's last glyph.
    pairs = elements(gallery, SUBSCRIPTS)
    assert len(pairs) >= 6, pairs
    problems = []
    for pair in pairs:
        base, script = ink(gallery, [pair["base"]]), ink(gallery, [pair["script"]])
        gap = script["box"][0] - base["box"][2]
        if not -0.12 <= gap <= 0.13:  # ink to ink: side bearings leave up to about 0.1 em
            problems.append(f"#{pair['where']} {pair['formula']!r}: subscript {gap:+.3f} em from {pair['text']!r}")
    assert not problems, "\n".join(problems)


PRIMES = """() => [...document.querySelectorAll('.xd-gallery mo')].filter(mo => mo.textContent === '′').map(mo => {
  // The prime's base: the element before it in its row, or the base of the superscript it is.
  const holder = mo.parentElement.matches('msup') && mo.parentElement.children[1] === mo ? mo.parentElement : null;
  const base = holder ? holder.children[0] : mo.previousElementSibling;
  return {prime: mo.getAttribute('data-xd-id'), base: base.getAttribute('data-xd-id'), text: base.textContent,
          where: mo.closest('.xd-gallery').id};
})"""


def test_each_prime_stands_after_its_base_at_the_top_of_the_letter(gallery):
    # LaTeX (\sigma', c'): the prime starts right after the letter, its foot near the top of a small
    # letter (it reaches down to about the x-height); not a small tick floating above it.
    primes = elements(gallery, PRIMES)
    assert len(primes) >= 3, primes
    problems = []
    for prime in primes:
        mark, base = ink(gallery, [prime["prime"]]), ink(gallery, [prime["base"]])
        scale = mark["unit"]
        gap = mark["box"][0] - base["box"][2]
        foot_above_top = base["box"][1] - mark["box"][3]  # > 0: the prime's foot is above the letter
        height = mark["box"][3] - mark["box"][1]
        base_height = base["box"][3] - base["box"][1]
        if gap > 0.12 or foot_above_top > 0.05 or height < 0.5 * base_height:
            problems.append(f"#{prime['where']} {prime['text']}′: gap {gap:+.3f} em, foot {foot_above_top:+.3f} em "
                            f"above the letter, {height:.3f} em tall for a {base_height:.3f} em letter "
                            f"({scale:.0f} px/em)")
    assert not problems, "\n".join(problems)


STRETCHY = """() => [...document.querySelectorAll('.xd-gallery mo')].filter(mo => {
  const box = mo.getBoundingClientRect(), em = parseFloat(getComputedStyle(mo).fontSize);
  return (/[()\\[\\]{}‖]/.test(mo.textContent) && box.height > 1.15 * em) || mo.textContent === '⏟';
}).map(mo => ({id: mo.getAttribute('data-xd-id'), text: mo.textContent, where: mo.closest('.xd-gallery').id,
               horizontal: mo.textContent === '⏟'}))"""


def test_each_stretchy_glyph_is_one_continuous_shape(gallery):
    glyphs = elements(gallery, STRETCHY)
    assert any(glyph["horizontal"] for glyph in glyphs) and sum(not glyph["horizontal"] for glyph in glyphs) >= 6, glyphs
    problems = []
    for glyph in glyphs:
        shape = ink(gallery, [glyph["id"]])
        # The stroke's weight (ink summed across it) in each pixel column of the underbrace, or row
        # of a bracket, against the heaviest within 0.25 em (0.1 em) around: one shape has no sudden dip.
        # KaTeX's underbrace, pieces at the script's size, lost 15 % at every joint: a row of dashes.
        weight = shape["column_weight"] if glyph["horizontal"] else shape["row_weight"]
        n = len(weight)
        reach = max(2, round((0.25 if glyph["horizontal"] else 0.1) * shape["unit"]))
        # Not the curled ends or the cusp of the brace, not the thin tips of a bracket.
        spans = ([range(n // 10, n * 42 // 100), range(n * 58 // 100, n * 9 // 10)] if glyph["horizontal"]
                 else [range(n // 4, n * 3 // 4)])
        # Measured at 1.5x: Temml's underbrace keeps 0.84 of its weight at the joints, KaTeX's 0.79.
        threshold = 0.82 if glyph["horizontal"] else 0.6
        dips = [(i, weight[i] / max(weight[max(0, i - reach): i + reach + 1]))
                for span in spans for i in span]
        dips = [(i, ratio) for i, ratio in dips if ratio < threshold]
        if dips:
            problems.append(f"#{glyph['where']} {glyph['text']}: {len(dips)} of {n} pixel "
                            f"{'columns' if glyph['horizontal'] else 'rows'} are joints lighter than the "
                            f"stroke around them (down to {min(r for _, r in dips):.2f} of it)")
    assert not problems, "\n".join(problems)


PAIRS = """() => {
  const opening = '([{', closing = ')]}';
  const pairs = [];
  document.querySelectorAll('.xd-gallery math').forEach(math => math.querySelectorAll('mo').forEach(mo => {
    const kind = opening.indexOf(mo.textContent);
    if (kind < 0) return;
    let depth = 0;
    const inside = [];
    for (let node = mo.nextElementSibling; node; node = node.nextElementSibling) {
      if (node.matches('mo') && node.textContent === opening[kind]) depth++;
      if (node.matches('mo') && node.textContent === closing[kind]) {
        if (depth-- === 0) {
          const sized = mo.hasAttribute('minsize') ? 'fixed' : mo.getAttribute('stretchy') === 'false' ? 'normal' : 'auto';
          if (inside.length) pairs.push({open: mo.getAttribute('data-xd-id'), close: node.getAttribute('data-xd-id'), sized,
            inside: inside.map(n => n.getAttribute('data-xd-id')), text: mo.textContent + inside.map(n => n.textContent).join('') + node.textContent,
            where: mo.closest('.xd-gallery').id});
          return;
        }
      }
      inside.push(node);
    }
  }));
  return pairs;
}"""


def test_each_bracket_pair_spans_its_content_and_stands_against_it(gallery):
    pairs = elements(gallery, PAIRS)
    assert len(pairs) >= 12, pairs
    problems = []
    for pair in pairs:
        left, right, content = (ink(gallery, [pair["open"]]), ink(gallery, [pair["close"]]),
                                ink(gallery, pair["inside"]))
        assert left and right and content, pair
        top, bottom = content["box"][1], content["box"][3]
        if pair["sized"] == "auto":
            # \left...\right: TeX's \delimiterfactor, at least 90 % as tall as what it encloses.
            for side, bracket in (("opening", left), ("closing", right)):
                height = bracket["box"][3] - bracket["box"][1]
                if height < 0.9 * (bottom - top) or bracket["box"][1] > top + 0.15 or bracket["box"][3] < bottom - 0.15:
                    problems.append(f"#{pair['where']} {pair['text']!r}: {side} bracket {height:.2f} em tall "
                                    f"for {bottom - top:.2f} em of content")
        # Against its content: from the bracket's ink to the content's first (last) element, no
        # more than the side bearing of the font's normal bracket (about 0.05 em) and a little.
        gaps = (content["layout"][0] - left["box"][2], right["box"][0] - content["layout"][2])
        if bottom - top > 1.5:
            # Taller content (\left(\dfrac{z}{T}\right)): Chromium's box of a bracket it stretches
            # is as wide as the font's widest, and which size it draws is not known at build time.
            continue
        if max(gaps) > 0.1:
            problems.append(f"#{pair['where']} {pair['text']!r}: brackets {gaps[0]:.3f} and {gaps[1]:.3f} em "
                            "away from their content")
    assert not problems, "\n".join(problems)


SCRIPT_OPERATORS = """() => [...document.querySelectorAll('.xd-gallery math mo')].filter(mo => {
  const text = mo.textContent.replace(/[\\u2061-\\u2064]/g, '');
  return text && !/[()\\[\\]{}|‖∑∏∫⏟^~¯]/.test(text) && Number(getComputedStyle(mo).mathDepth) > 0
    && mo.previousElementSibling && mo.nextElementSibling;
}).map(mo => ({id: mo.getAttribute('data-xd-id'), text: mo.textContent, where: mo.closest('.xd-gallery').id,
               before: mo.previousElementSibling.getAttribute('data-xd-id'),
               after: mo.nextElementSibling.getAttribute('data-xd-id'), script: mo.parentElement.textContent}))"""


def test_operators_in_scripts_stand_against_their_neighbours(gallery):
    # TeX puts no space around a relation, binary operator or punctuation in script style (the
    # limit n=1 of a sum, the subscript n,t_n); Chromium gave them their full dictionary space
    # there, a thick space (0.2 em of the formula's size at script size) on each side of "=".
    operators = elements(gallery, SCRIPT_OPERATORS)
    assert {"=", ","} <= {operator["text"] for operator in operators}, operators
    problems = []
    for operator in operators:
        before, mo, after = (ink(gallery, [operator[key]]) for key in ("before", "id", "after"))
        if not (before and mo and after):
            continue
        # Ink to ink: the side bearings of the three glyphs at script size, about 0.1 em at most.
        gaps = (mo["box"][0] - before["box"][2], after["box"][0] - mo["box"][2])
        if max(gaps) > 0.12:
            problems.append(f"#{operator['where']} {operator['script']!r}: {operator['text']!r} "
                            f"{gaps[0]:.3f} and {gaps[1]:.3f} em from its neighbours")
    assert not problems, "\n".join(problems)
