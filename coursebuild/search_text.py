"""The site's search index with each formula as readable text, not TeX.

The generator's search plugin indexes each page's HTML as it was before the page steps, where
every formula is still TeX (`\\(D_{\\mathrm{KL}}(y \\Vert p)\\)`): a reader searching "KL divergence"
was shown backslash commands. Once the pages are finished, `index_formulas_as_text` rewrites
search/search_index.json: each formula of an entry's title and text becomes a line of Unicode
("D_KL(y ‖ p)"), made from the MathML Temml wrote for it (coursebuild/math.py) by `linear_text`.
A script reads as `_x` or `^x`, in brackets when it is longer than one character
("e^(−z)", "∑_(c=1)^C"); a fraction as a/b; accents as combining characters ("ȳ").
"""

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from coursebuild import math as math_step

INDEX = "search/search_index.json"
FORMULA = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
INVISIBLE = dict.fromkeys(map(ord, "\u2061\u2062\u2063\u2064"))
# Operators written with a space on each side in running text (relations and binary operators).
SPACED = set("=≠≈≤≥<>∈∉∼≡→←⇒⟹∝+−±×⋅·⊙‖∥∣")
BIG_OPERATORS = set("∑∏∫")
ACCENTS = {"‾": "\u0304", "¯": "\u0304", "ˉ": "\u0304", "^": "\u0302", "ˆ": "\u0302", "~": "\u0303",
           "˜": "\u0303", "˙": "\u0307", "→": "\u20d7", "⃗": "\u20d7"}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _script(text: str) -> str:
    """A script as it reads inline: one character as it is, more in brackets."""
    text = re.sub(r"\s+", "", text.replace("\0", ""))
    return text if len(text) <= 1 or re.fullmatch(r"[A-Za-z]+|[0-9]+", text) else f"({text})"


def _group(text: str) -> str:
    """An operand of a fraction: in brackets unless it is one word or number."""
    text = text.strip()
    return text if re.fullmatch(r"[\w.′]+", text) else f"({text})"


def _text(element: ET.Element) -> str:
    tag = _local(element.tag)
    children = list(element)
    if tag in ("mi", "mn", "mtext", "ms"):
        text = (element.text or "").translate(INVISIBLE)
        if text in SPACED:
            return f" {text} "  # \Vert is an identifier in Temml's MathML
        # A function name: a space after it, and before it after a letter, a number or a bracket.
        return f"\0{text} " if tag == "mi" and len(text) > 1 else text
    if tag == "mo":
        symbol = (element.text or "").translate(INVISIBLE)
        if element.get("form") == "prefix" or element.get("separator") == "true":
            return symbol + (" " if element.get("separator") == "true" else "")
        return f" {symbol} " if symbol in SPACED else symbol
    if tag == "mspace":  # a thin space or wider (\, \quad) reads as a space; a negative one as none
        width = element.get("width", "0").removesuffix("em")
        return " " if re.fullmatch(r"[0-9.]+", width) and float(width) >= 0.16 else ""
    if tag in ("msub", "msup", "msubsup", "munder", "mover", "munderover"):
        base = _text(children[0]).replace("\0", "").strip()
        scripts = [_text(child) for child in children[1:]]
        if tag == "mover" and scripts and scripts[0].strip() in ACCENTS:
            return base + ACCENTS[scripts[0].strip()]
        if tag == "munder" and scripts and scripts[0].strip() in ("⏟", "_"):
            return base
        if tag == "munder" and _local(children[0].tag) == "munder" and len(children[0]) == 2 \
                and (children[0][1].text or "").strip() == "⏟":
            return f"{base} (= {scripts[0].strip()})"  # \underbrace{...}_{label}
        marks = {"msub": "_", "munder": "_", "msup": "^", "mover": "^"}
        after = " " if base in BIG_OPERATORS or re.fullmatch(r"[A-Za-z]{2,}", base) else ""  # ∑_c y_c, log_2 p
        if tag in marks:
            return f"{base}{marks[tag]}{_script(scripts[0])}{after}"
        return f"{base}_{_script(scripts[0])}^{_script(scripts[1])}{after}"
    if tag == "mfrac":
        return f"{_group(_text(children[0]))}/{_group(_text(children[1]))}"
    if tag in ("msqrt",):
        return f"√({''.join(map(_text, children))})"
    if tag == "mtable":
        return "; ".join(" ".join(_text(cell).strip() for cell in row).rstrip(",.;") for row in children)
    return "".join(map(_text, children))  # math, mrow, mstyle, mpadded, menclose, mtd...


def linear_text(mathml: str) -> str:
    """A formula's MathML as one line of Unicode text.

    >>> linear_text('<math><msub><mi>D</mi><mi>KL</mi></msub><mo>(</mo><mi>y</mi><mo>‖</mo><mi>p</mi><mo>)</mo></math>')
    'D_KL(y ‖ p)'
    >>> linear_text('<math><mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo form="prefix">−</mo><mi>z</mi></mrow></msup></mrow></mfrac></math>')
    '1/(1 + e^(−z))'
    """
    text = _text(ET.fromstring(mathml))
    text = re.sub(r"(?<=[\w)\]′])\0", " ", text).replace("\0", "")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(?<=[A-Za-z]{2}) (?=\()", "", text)  # softmax(z), log(1 − p)
    text = re.sub(r"([(\[{]) | ([)\]},;])", r"\1\2", text)  # no space inside brackets, before a comma
    return text.strip()


def _formulas(text: str):
    return [_key(match) for match in FORMULA.finditer(text)]


def _key(match):
    """(tex, display) of a formula of the index, as coursebuild/math.py keys it."""
    inline, display = match.groups()
    return html.unescape(inline if inline is not None else display), display is not None


def readable(text: str, source: str) -> str:
    """`text` (HTML-escaped, as the index holds it) with each TeX formula as readable text."""
    formulas = _formulas(text)
    if not formulas:
        return text
    rendered = math_step.mathml_of(formulas, source)

    def replace(match):
        return html.escape(linear_text(rendered[_key(match)]), quote=False)

    return FORMULA.sub(replace, text)


def index_formulas_as_text(site_dir: Path, finished_pages, cache_dir: Path) -> None:
    """AFTER_PAGES: search/search_index.json with every formula in its titles and texts as text."""
    index_file = Path(site_dir) / INDEX
    if not index_file.is_file():
        return  # a build without the search plugin
    index = json.loads(index_file.read_text(encoding="utf-8"))
    for entry in index.get("docs", []):
        for field in ("title", "text"):
            if field in entry:
                entry[field] = readable(entry[field], f"the search index ({entry.get('location') or 'home'})")
    # As the search plugin writes it: compact, non-ASCII characters as they are.
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
