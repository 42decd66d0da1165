"""MathML as browsers draw it (MathML Core): styled letters, fences, and nothing that draws nothing.

coursebuild/math.py and coursebuild/math_font.py use it, on Temml's MathML.

A `mathvariant` other than "normal" is dropped by MathML Core (Chromium draws `<mi
mathvariant="double-struck">E</mi>` as a plain E). Temml writes styled letters as the characters
themselves (U+1D53C for `\\mathbb{E}`); `explicit_variants` rewrites any token that still has one
that way.

`flat_fences`: Chromium gives a stretchy bracket (`\\left( ... \\right)`) the width of the widest
shape it could stretch to (its largest size variant and the parts of its assembly: for STIX Two
Math's parenthesis 0.63 em instead of 0.36 em), whatever height it is drawn at, so around content
no taller than a line the bracket stands apart from what it encloses. TeX draws such a pair at
its normal size; so does `flat_fences`, by making the pair not stretchy when nothing between them
is taller than a line with scripts (no fraction, big operator with limits, table, root or inner
stretchy bracket).

`prefix_signs`: a minus or plus sign right after an opening bracket is a sign, not a subtraction:
Temml marks it so after a relation (`= -`), not after a fixed-size bracket (`\\bigl[-\\log`), where
the browser gave it a binary operator's space on both sides.

`inline_primes`: STIX Two Math draws U+2032 PRIME already raised, as Unicode intends (a prime is
a superscript by itself). Temml writes `\\sigma'` as a superscript prime and expects the font's
`ss04` forms to lower it, which the font the site subsets from does not have: raised twice and
drawn at script size, the prime floated small above the letter. Written after its base at
the base's size, it stands where LaTeX puts it, its foot at the top of a small letter.

`tight_scripts`: TeX puts no space around a relation, a binary operator or punctuation in a
script or a text-style fraction's numerator and denominator (script style): `\\sum_{n=1}` reads
"n=1", `p_{n,t_n}` "n,t". Chromium spaces an operator as its dictionary says at any depth, and
set "n = 1" under a sum with a thick space on each side. The depth is followed as MathML Core
sets math-depth (scripts one deeper, accents not; a fraction's parts one deeper unless it is in
display style; `scriptlevel` and `displaystyle` as written), and each operator below depth 0
gets lspace and rspace 0, except big operators, whose thin space TeX keeps.

Every element of a formula costs style and layout work each time the page is restyled, so
`slim` drops what draws nothing: a `<semantics>` wrapper with its TeX `<annotation>`, a `<mrow>`
that holds a whole formula (`<math>` is a row itself), and each `<mrow>` around a single element
(not around a lone operator, whose form and spacing depend on being alone in its row).

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


# Elements taller than a line with its scripts: a bracket around one of them stretches.
TALL = {"mfrac", "munder", "mover", "munderover", "mtable", "msqrt", "mroot", "mstyle"}


def _local(tag: str) -> str:
    """An element's name without its namespace (Temml writes none, KaTeX wrote MathML's)."""
    return tag.rpartition("}")[2]


def _is_stretchy_fence(element: ET.Element, form: str) -> bool:
    return (_local(element.tag) == "mo" and element.get("fence") == "true" and element.get("form") == form
            and element.get("stretchy") == "true")


def _is_tall(element: ET.Element) -> bool:
    return any(_local(node.tag) in TALL or (_local(node.tag) == "mo" and node.get("stretchy") == "true")
               for node in element.iter())


def _flatten_fences(element: ET.Element) -> None:
    for child in element:
        _flatten_fences(child)
    children = list(element)
    if (len(children) >= 2 and _is_stretchy_fence(children[0], "prefix")
            and _is_stretchy_fence(children[-1], "postfix") and not any(map(_is_tall, children[1:-1]))):
        for fence in (children[0], children[-1]):
            fence.set("stretchy", "false")


def flat_fences(mathml: str) -> str:
    """Each `<math>` of `mathml` with its stretchy bracket pairs drawn at normal size where nothing
    they enclose is taller than a line (see the module's docstring)."""

    def rewrite(match):
        root = ET.fromstring(match.group(0))
        _flatten_fences(root)
        return ET.tostring(root, encoding="unicode", short_empty_elements=False)

    return MATH.sub(rewrite, mathml)


SIGN_AFTER_OPENING = re.compile(r"(<mo\b[^>]*>[(\[{]</mo>)<mo>([−+])</mo>")


def prefix_signs(mathml: str) -> str:
    """`mathml` with each + or − right after an opening bracket drawn as a sign (no space around it)."""
    return SIGN_AFTER_OPENING.sub(r'\1<mo form="prefix">\2</mo>', mathml)


PRIMES = set("′″‴⁗")


def _inline_primes(element: ET.Element) -> None:
    for index, child in enumerate(list(element)):
        _inline_primes(child)
        if (_local(child.tag) == "msup" and len(child) == 2 and _local(child[1].tag) == "mo"
                and (child[1].text or "") and set(child[1].text) <= PRIMES):
            base, prime = child
            row = ET.Element(child.tag.replace("msup", "mrow"))
            row.append(base)
            row.append(ET.Element(prime.tag, {"lspace": "0em", "rspace": "0em"}))
            row[1].text = prime.text
            row.tail = child.tail
            element[index] = row


def inline_primes(mathml: str) -> str:
    """Each `<math>` of `mathml` with its primes after their base, not above it (see the module's docstring)."""

    def rewrite(match):
        root = ET.fromstring(match.group(0))
        _inline_primes(root)
        return ET.tostring(root, encoding="unicode", short_empty_elements=False)

    return MATH.sub(rewrite, mathml)


# Scripts of these elements are drawn smaller, one level deeper (MathML Core's math-depth).
SCRIPTED = {"msub", "msup", "msubsup", "munder", "mover", "munderover", "mmultiscripts"}
# Operators TeX spaces in every style (a big operator's thin space): left as the browser spaces them.
LARGE_OPERATORS = set("∑∏∐⋂⋃⨁⨂∫∬∭∮")


def _tight_scripts(element: ET.Element, depth: int, display: bool) -> None:
    tag = _local(element.tag)
    if element.get("displaystyle") is not None:
        display = element.get("displaystyle") == "true"
    level = element.get("scriptlevel")
    if level is not None and level.lstrip("+-").isdigit():
        depth = depth + int(level) if level[0] in "+-" else int(level)
    if (tag == "mo" and depth > 0 and "lspace" not in element.attrib and "rspace" not in element.attrib
            and element.get("largeop") != "true" and not set(element.text or "") & LARGE_OPERATORS):
        element.set("lspace", "0em")
        element.set("rspace", "0em")
    for index, child in enumerate(element):
        child_depth, child_display = depth, display
        if tag in SCRIPTED and index >= 1:
            accent = (tag in ("mover", "munderover") and index == len(element) - 1 and element.get("accent") == "true"
                      or tag in ("munder", "munderover") and index == 1 and element.get("accentunder") == "true")
            child_depth, child_display = depth + (0 if accent else 1), False
        elif tag == "mfrac":
            child_depth, child_display = depth + (0 if display else 1), False
        elif tag == "mroot" and index == 1:
            child_depth, child_display = depth + 2, False
        _tight_scripts(child, child_depth, child_display)


def tight_scripts(mathml: str) -> str:
    """Each `<math>` of `mathml` with no space around the operators of its scripts (see the module's docstring)."""

    def rewrite(match):
        root = ET.fromstring(match.group(0))
        _tight_scripts(root, 0, root.get("display") == "block")
        return ET.tostring(root, encoding="unicode", short_empty_elements=False)

    return MATH.sub(rewrite, mathml)


def _slim_element(element: ET.Element) -> ET.Element:
    """`element` with its slimmed children; itself replaced when it is a wrapper that draws nothing."""
    for index, child in enumerate(list(element)):
        slimmed = _slim_element(child)
        if slimmed is not child:
            slimmed.tail = child.tail
            element[index] = slimmed
    tag = _local(element.tag)
    if tag == "semantics" and len(element) and not (element.text or "").strip():
        return element[0]  # the presentation; the rest are annotations
    if (tag == "mrow" and len(element) == 1 and not element.attrib and not (element.text or "").strip()
            and _local(element[0].tag) != "mo"):
        return element[0]
    return element


def slim(mathml: str) -> str:
    """Each `<math>` of `mathml` without elements that draw nothing (see the module's docstring)."""

    def rewrite(match):
        root = _slim_element(ET.fromstring(match.group(0)))  # <math> itself is never unwrapped
        if len(root) == 1 and _local(root[0].tag) == "mrow" and not root[0].attrib:
            row = root[0]  # <math> lays out its children as a row already
            root.remove(row)
            root.text, root[:] = row.text, list(row)
        return ET.tostring(root, encoding="unicode", short_empty_elements=False)

    return MATH.sub(rewrite, mathml)


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

