"""MathML as browsers draw it (MathML Core): styled letters are characters of their own.

coursebuild/math.py and coursebuild/math_font.py use it.

KaTeX writes `\\mathbb{E}` as `<mi mathvariant="double-struck">E</mi>`. Chromium implements MathML
Core, which drops every `mathvariant` except "normal", so it draws a plain E. The portable form
is the character itself, U+1D53C: `explicit_variants` rewrites each such token that way.

Two spacings KaTeX leaves to TeX's rules, which MathML Core's operator dictionary does not know:
a minus sign right after a relation (`= -\\sum`) is a sign, not a subtraction, so it takes no
space on either side; a function name (`\\log p`) is followed by a thin space unless a bracket
comes next, and preceded by one after a symbol, a number or a closing bracket (`p(x) \\log`).
`tex_spacing` writes both out.

Every element of a formula costs style and layout work each time the page is restyled, so
`slim` drops what draws nothing: KaTeX's `<span class="katex">` around each formula (the
arithmatex element around that is wrapper enough), the `<semantics>` wrapper with its TeX
`<annotation>`, a `<mrow>` that holds a whole formula (`<math>` is a row itself), and each
`<mrow>` around a single element (not around a lone operator, whose form and spacing depend on
being alone in its row).

A single-letter `<mi>x</mi>` keeps its letter: every browser draws it italic by swapping in
U+1D465 (`text-transform: math-auto`). `drawn_characters` lists those swapped-in forms too, since
they are what the math font must hold.
"""

import html
import re
import unicodedata
import xml.etree.ElementTree as ET

MATH = re.compile(r"<math\b.*?</math>", re.S)
ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)  # the TeX source, never drawn
TAG = re.compile(r"<[^>]+>")
IDENTIFIER = re.compile(r"<mi\b([^>]*)>([^<]*)</mi>")
VARIANT = re.compile(r'\s*mathvariant="([a-z-]+)"')
# A + or - sign right after a relation, an arrow or an opening bracket (TeX: a binary operator
# after these is an ordinary symbol).
SIGN_AFTER_RELATION = re.compile(r"(<mo\b[^>]*>(?:[=≠≈≤≥≡∼→←⟹⇒∈(\[{,]|&lt;|&gt;)</mo>)<mo>([−+])</mo>")
# U+2061 FUNCTION APPLICATION after a function name; no extra space before an opening bracket.
FUNCTION_APPLICATION = re.compile(r'<mo>\u2061</mo>(?!(?:<mrow>)?<mo\b[^>]*>[(\[{])')
# A function name (KaTeX: `<mi>log</mi>` then U+2061, perhaps under a subscript) right after an
# ordinary symbol, a number, a script, a fraction, a group or a closing bracket.
FUNCTION_AFTER_ORDINARY = re.compile(
    r"(</mi>|</mn>|</msub>|</msup>|</msubsup>|</mfrac>|</mrow>|<mo\b[^>]*>[)\]}]</mo>)"
    r"((?:<msub>|<msup>)?<mi>[A-Za-z]{2,}</mi>)")
KATEX_WRAPPER = re.compile(r'<span class="katex">(<math\b.*?</math>)</span>', re.S)
NAMESPACE = "http://www.w3.org/1998/Math/MathML"
ET.register_namespace("", NAMESPACE)
STYLED_TOKEN = re.compile(r'<(mi|mn|mo|mtext)\b([^>]*?)\s+mathvariant="([a-z-]+)"([^>]*)>([^<]*)</\1>')

# mathvariant value -> the words Unicode's character names use for that style, in their order.
STYLE_WORDS = {
    "bold-italic": "BOLD ITALIC",
    "bold-sans-serif": "SANS-SERIF BOLD",
    "sans-serif-italic": "SANS-SERIF ITALIC",
    "sans-serif-bold-italic": "SANS-SERIF BOLD ITALIC",
}
# Letters Unicode encoded (in Letterlike Symbols) before the mathematical alphabets, which
# leave a hole for them: italic h is PLANCK CONSTANT, fraktur C is BLACK-LETTER CAPITAL C.
OLDER_STYLE_WORDS = {"italic": ("PLANCK CONSTANT",), "fraktur": ("BLACK-LETTER",)}
LETTER_PREFIX = re.compile(r"^(?:LATIN|GREEK) (SMALL|CAPITAL) LETTER ")
GREEK_SYMBOL_PREFIX = re.compile(r"^GREEK (?:LUNATE )?")  # GREEK PHI SYMBOL -> PHI SYMBOL


def styled_character(character: str, variant: str) -> str:
    """`character` drawn in `variant` ("italic", "double-struck", ...); itself if Unicode has no form.

    >>> styled_character("x", "italic"), styled_character("E", "double-struck")
    ('𝑥', '𝔼')
    >>> styled_character("h", "italic"), styled_character("R", "double-struck")
    ('ℎ', 'ℝ')
    >>> styled_character("∂", "italic"), styled_character("1", "bold"), styled_character("+", "bold")
    ('𝜕', '𝟏', '+')
    """
    if variant == "normal":
        return character
    name = unicodedata.name(character, "")
    name = GREEK_SYMBOL_PREFIX.sub("", LETTER_PREFIX.sub(r"\1 ", name))
    style = STYLE_WORDS.get(variant, variant.upper())
    candidates = [f"MATHEMATICAL {style} {name}", f"{style} {name}"]
    if variant == "italic" and character == "h":
        candidates.append(OLDER_STYLE_WORDS["italic"][0])
    elif variant in OLDER_STYLE_WORDS:
        candidates += [f"{older} {name}" for older in OLDER_STYLE_WORDS[variant]]
    for candidate in candidates:
        try:
            return unicodedata.lookup(candidate)
        except KeyError:
            continue
    return character


def explicit_variants(mathml: str) -> str:
    """`mathml` with each token's `mathvariant` (other than "normal") spelled as styled characters."""

    def rewrite(match):
        tag, before, variant, after, text = match.groups()
        if variant == "normal":
            return match.group(0)
        styled = "".join(styled_character(c, variant) for c in html.unescape(text))
        return f"<{tag}{before}{after}>{html.escape(styled, quote=False)}</{tag}>"

    return STYLED_TOKEN.sub(rewrite, mathml)


def tex_spacing(mathml: str) -> str:
    """`mathml` with TeX's spacing for signs after relations and after function names."""
    mathml = SIGN_AFTER_RELATION.sub(r'\1<mo lspace="0" rspace="0">\2</mo>', mathml)
    mathml = FUNCTION_AFTER_ORDINARY.sub(r'\1<mspace width="0.1667em"></mspace>\2', mathml)
    return FUNCTION_APPLICATION.sub('<mo rspace="0.1667em">\u2061</mo>', mathml)


def _slim_element(element: ET.Element) -> ET.Element:
    """`element` with its slimmed children; itself replaced when it is a wrapper that draws nothing."""
    for index, child in enumerate(list(element)):
        slimmed = _slim_element(child)
        if slimmed is not child:
            slimmed.tail = child.tail
            element[index] = slimmed
    tag = element.tag.removeprefix(f"{{{NAMESPACE}}}")
    if tag == "semantics" and len(element) and not (element.text or "").strip():
        return element[0]  # the presentation; the rest are annotations
    if (tag == "mrow" and len(element) == 1 and not element.attrib and not (element.text or "").strip()
            and element[0].tag != f"{{{NAMESPACE}}}mo"):
        return element[0]
    return element


def slim(mathml: str) -> str:
    """Each `<math>` of `mathml` without elements that draw nothing (see the module's docstring)."""

    def rewrite(match):
        root = _slim_element(ET.fromstring(match.group(0)))  # <math> itself is never unwrapped
        if len(root) == 1 and root[0].tag == f"{{{NAMESPACE}}}mrow" and not root[0].attrib:
            row = root[0]  # <math> lays out its children as a row already
            root.remove(row)
            root.text, root[:] = row.text, list(row)
        return ET.tostring(root, encoding="unicode", short_empty_elements=False)

    return KATEX_WRAPPER.sub(r"\1", MATH.sub(rewrite, mathml))


def drawn_characters(page_html: str) -> set[str]:
    """Every character the formulas (MathML) in `page_html` draw, as the browser draws them."""
    drawn: set[str] = set()
    for formula in MATH.findall(page_html):
        formula = ANNOTATION.sub("", formula)
        drawn |= set(html.unescape(TAG.sub("", formula)))
        for attributes, text in IDENTIFIER.findall(formula):
            text = html.unescape(text)
            variant = VARIANT.search(attributes)
            if variant is None and len(text) == 1:  # math-auto: a lone letter is drawn italic
                drawn.add(styled_character(text, "italic"))
    return drawn - {"\n"}

