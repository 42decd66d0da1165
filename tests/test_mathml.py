"""coursebuild/mathml_core.py: the characters browsers draw for styled letters; brackets and primes.

The reference for styled letters is the layout of Unicode's Mathematical Alphanumeric Symbols
block (U+1D400...): each style is a run of 26 capitals then 26 small letters at a fixed start,
with holes where Letterlike Symbols already had the letter. Computed here by code point
arithmetic, independently of the module's lookup by character name.
"""

import string

import pytest

from coursebuild import mathml_core

# style -> (first capital, first small letter) in the Mathematical Alphanumeric Symbols block.
LATIN_RUNS = {"italic": (0x1D434, 0x1D44E), "bold": (0x1D400, 0x1D41A),
              "bold-italic": (0x1D468, 0x1D482), "double-struck": (0x1D538, 0x1D552),
              "fraktur": (0x1D504, 0x1D51E), "script": (0x1D49C, 0x1D4B6),
              "sans-serif": (0x1D5A0, 0x1D5BA), "monospace": (0x1D670, 0x1D68A)}
# The holes: (style, letter) -> the Letterlike Symbols character used instead.
HOLES = {("italic", "h"): 0x210E,
         **{("double-struck", c): cp for c, cp in zip("CHNPQRZ", (0x2102, 0x210D, 0x2115, 0x2119,
                                                                   0x211A, 0x211D, 0x2124))},
         **{("fraktur", c): cp for c, cp in zip("CHIRZ", (0x212D, 0x210C, 0x2111, 0x211C, 0x2128))},
         **{("script", c): cp for c, cp in zip("BEFHILMRego", (0x212C, 0x2130, 0x2131, 0x210B, 0x2110,
                                                                0x2112, 0x2133, 0x211B, 0x212F,
                                                                0x210A, 0x2134))}}


@pytest.mark.parametrize("style", LATIN_RUNS)
def test_styled_latin_letters_follow_the_unicode_block(style):
    capitals, smalls = LATIN_RUNS[style]
    for offset, (capital, small) in enumerate(zip(string.ascii_uppercase, string.ascii_lowercase)):
        for letter, start in ((capital, capitals), (small, smalls)):
            expected = chr(HOLES.get((style, letter), start + offset))
            assert mathml_core.styled_character(letter, style) == expected, (style, letter)


def test_italic_greek_and_symbols_follow_the_unicode_block():
    # Italic small alpha..omega is U+1D6FC..U+1D714, capitals U+1D6E2..; then the symbol forms.
    for offset, letter in enumerate("αβγδεζηθικλμνξοπρςστυφχψω"):
        assert mathml_core.styled_character(letter, "italic") == chr(0x1D6FC + offset), letter
    for offset, letter in enumerate("ΑΒΓΔΕΖΗΘ"):
        assert mathml_core.styled_character(letter, "italic") == chr(0x1D6E2 + offset), letter
    symbols = {"∂": 0x1D715, "ϵ": 0x1D716, "ϑ": 0x1D717, "ϰ": 0x1D718, "ϕ": 0x1D719, "ϱ": 0x1D71A,
               "ϖ": 0x1D71B, "∇": 0x1D6FB}
    for symbol, code_point in symbols.items():
        assert mathml_core.styled_character(symbol, "italic") == chr(code_point), symbol


@pytest.mark.parametrize("character", ["1", "+", "(", "∑", "−"])
def test_characters_without_a_styled_form_stay_themselves(character):
    # Unicode has no italic digits or operators (it has double-struck and bold digits).
    assert mathml_core.styled_character(character, "italic") == character
    assert mathml_core.styled_character(character, "normal") == character


def test_explicit_variants_spell_the_style_out_and_leave_normal_alone():
    mathml = ('<mi mathvariant="double-struck">E</mi><mi mathvariant="normal">softmax</mi>'
              '<mn mathvariant="bold">1</mn><mi mathvariant="bold">x</mi>')
    assert mathml_core.explicit_variants(mathml) == (
        '<mi>𝔼</mi><mi mathvariant="normal">softmax</mi><mn>𝟏</mn><mi>𝐱</mi>')


def test_a_bracket_pair_around_flat_content_is_drawn_at_its_normal_size():
    # Temml's \left( 1 + e^{-z} \right): nothing taller than a line inside, so not stretchy.
    pair = ('<math><mrow><mo fence="true" form="prefix" stretchy="true">(</mo><mn>1</mn>'
            '<msup><mi>e</mi><mi>z</mi></msup><mo fence="true" form="postfix" stretchy="true">)</mo></mrow></math>')
    assert mathml_core.flat_fences(pair) == pair.replace('stretchy="true"', 'stretchy="false"')
    # Around a fraction, or a table (cases), the brackets stretch.
    around_fraction = pair.replace("<mn>1</mn>", "<mfrac><mi>z</mi><mi>T</mi></mfrac>")
    assert mathml_core.flat_fences(around_fraction) == around_fraction
    cases = ('<math><mrow><mo fence="true" form="prefix" stretchy="true">{</mo><mtable><mtr><mtd><mn>1</mn></mtd>'
             '</mtr></mtable><mo fence="true" form="postfix" stretchy="true"></mo></mrow></math>')
    assert mathml_core.flat_fences(cases) == cases


def test_a_sign_after_an_opening_bracket_is_a_prefix():
    mathml = '<mo minsize="1.2em" maxsize="1.2em">[</mo><mo>−</mo><mi>x</mi><mo>−</mo><mi>y</mi>'
    assert mathml_core.prefix_signs(mathml) == (
        '<mo minsize="1.2em" maxsize="1.2em">[</mo><mo form="prefix">−</mo><mi>x</mi><mo>−</mo><mi>y</mi>')


def test_a_prime_follows_its_base_instead_of_being_raised_again():
    sigma_prime = ('<math><msup><mi>σ</mi><mo lspace="0em" rspace="0em" class="tml-prime">′</mo></msup>'
                   '<mo>=</mo><msub><mi>z</mi><msup><mi>c</mi><mo scriptlevel="2">′</mo></msup></msub></math>')
    assert mathml_core.inline_primes(sigma_prime) == (
        '<math><mrow><mi>σ</mi><mo lspace="0em" rspace="0em">′</mo></mrow><mo>=</mo>'
        '<msub><mi>z</mi><mrow><mi>c</mi><mo lspace="0em" rspace="0em">′</mo></mrow></msub></math>')
    # A real superscript stays one.
    squared = "<math><msup><mi>σ</mi><mn>2</mn></msup></math>"
    assert mathml_core.inline_primes(squared) == squared


def test_a_fixed_size_bracket_gives_back_the_width_chromium_adds():
    # Chromium sizes a stretchy bracket's box to the font's widest shape for it and centres the
    # shape it draws: the surplus on each side is half the difference, from the font's MATH table.
    from fontTools.ttLib import TTFont

    from coursebuild import math as math_step
    from coursebuild.math_font import SOURCE_FONT

    font = TTFont(str(SOURCE_FONT))
    table, advance = font["MATH"].table.MathVariants, font["hmtx"]
    construction = table.VertGlyphConstruction[table.VertGlyphCoverage.glyphs.index("parenleft")]
    shapes = [record.VariantGlyph for record in construction.MathGlyphVariantRecord]
    shapes += [part.glyph for part in construction.GlyphAssembly.PartRecords]
    widest = max(advance[glyph][0] for glyph in shapes) / 1000
    drawn = next(advance[record.VariantGlyph][0] for record in construction.MathGlyphVariantRecord
                 if record.AdvanceMeasurement >= 1800) / 1000  # \Bigl: 1.8 em
    big = '<mo fence="true" symmetric="true" minsize="1.8em" maxsize="1.8em">(</mo>'
    assert math_step.fixed_size_widths(big) == big.replace(
        'maxsize="1.8em">', f'maxsize="1.8em" style="margin-inline:-{round((widest - drawn) / 2, 3)}em">')
    assert widest > drawn


def test_drawn_characters_include_the_italic_forms_and_skip_the_tex_source():
    page = ('<p>text x</p><math><semantics><mrow><mi>x</mi><mo>=</mo><mi>log</mi>'
            '<mi mathvariant="normal">Δ</mi></mrow>'
            '<annotation encoding="application/x-tex">x = \\log Q</annotation></semantics></math>')
    assert mathml_core.drawn_characters(page) == set("x=logΔ") | {"\U0001D465"}


def test_slim_drops_what_draws_nothing_and_keeps_a_lone_operator_in_its_row():
    mathml = ('<math display="block">'
              '<semantics><mrow><msub><mi>x</mi><mrow><mi>i</mi></mrow></msub><mo>=</mo>'
              '<mrow><mo>−</mo></mrow><mspace width="1em"></mspace><mtext>a &lt; b</mtext></mrow>'
              '<annotation encoding="application/x-tex">x_{i} = {-}\\quad\\text{a &lt; b}</annotation>'
              '</semantics></math>')
    assert mathml_core.slim(mathml) == (
        '<math display="block">'
        '<msub><mi>x</mi><mi>i</mi></msub><mo>=</mo><mrow><mo>−</mo></mrow>'
        '<mspace width="1em"></mspace><mtext>a &lt; b</mtext></math>')


def test_the_modules_docstring_examples_hold():
    import doctest

    results = doctest.testmod(mathml_core)
    assert results.attempted > 0 and results.failed == 0


def test_operators_in_scripts_and_text_style_fractions_get_no_space_as_in_tex():
    # Temml's own MathML for TeX where script style (TeX's rules 5 and 15: no relation, binary or
    # punctuation space in scripts) and display or text style alternate.
    import xml.etree.ElementTree as ET

    from coursebuild import math

    def spacing(tex, display):
        mathml = math.mathml_of([(tex, display)], "test")[tex, display]
        return [(mo.text, mo.get("lspace"), mo.get("rspace")) for mo in ET.fromstring(mathml).iter("mo")]

    display_sum = spacing(r"\sum_{n=1}^{N} p_{n,t_n} = \frac{a+b}{2}", True)
    assert ("=", "0em", "0em") in display_sum and (",", "0em", "0em") in display_sum  # n=1, n,t_n
    assert ("=", None, None) in display_sum and ("+", None, None) in display_sum  # display: spaced
    assert ("∑", None, None) in display_sum  # the big operator keeps its space
    assert ("+", "0em", "0em") in spacing(r"\frac{a+b}{2}", False)  # text style: parts in script style
    assert ("+", None, None) in spacing(r"\dfrac{a+b}{2}", False)  # \dfrac: display style again
    assert ("=", None, None) in spacing(r"x = \hat{p}", False)
