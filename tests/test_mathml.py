"""coursebuild/mathml_core.py: the characters browsers draw for styled letters, and TeX's spacing.

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


def test_a_sign_after_a_relation_takes_no_space():
    assert mathml_core.tex_spacing("<mo>=</mo><mo>−</mo><mi>x</mi><mo>−</mo><mi>y</mi>") == (
        '<mo>=</mo><mo lspace="0" rspace="0">−</mo><mi>x</mi><mo>−</mo><mi>y</mi>')


def test_a_function_name_is_spaced_like_tex():
    log_p = "<mi>p</mi><mi>log</mi><mo>\u2061</mo><mi>p</mi>"
    assert mathml_core.tex_spacing(log_p) == (
        '<mi>p</mi><mspace width="0.1667em"></mspace><mi>log</mi>'
        '<mo rspace="0.1667em">\u2061</mo><mi>p</mi>')
    # Before a bracket, or after an operator, TeX adds nothing.
    log_of = '<mo>=</mo><mi>log</mi><mo>\u2061</mo><mo stretchy="false">(</mo>'
    assert mathml_core.tex_spacing(log_of) == log_of


def test_drawn_characters_include_the_italic_forms_and_skip_the_tex_source():
    page = ('<p>text x</p><math><semantics><mrow><mi>x</mi><mo>=</mo><mi>log</mi>'
            '<mi mathvariant="normal">Δ</mi></mrow>'
            '<annotation encoding="application/x-tex">x = \\log Q</annotation></semantics></math>')
    assert mathml_core.drawn_characters(page) == set("x=logΔ") | {"\U0001D465"}


def test_slim_drops_what_draws_nothing_and_keeps_a_lone_operator_in_its_row():
    mathml = ('<span class="katex"><math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
              '<semantics><mrow><msub><mi>x</mi><mrow><mi>i</mi></mrow></msub><mo>=</mo>'
              '<mrow><mo>−</mo></mrow><mspace width="1em"></mspace><mtext>a &lt; b</mtext></mrow>'
              '<annotation encoding="application/x-tex">x_{i} = {-}\\quad\\text{a &lt; b}</annotation>'
              '</semantics></math></span>')
    assert mathml_core.slim(mathml) == (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
        '<msub><mi>x</mi><mi>i</mi></msub><mo>=</mo><mrow><mo>−</mo></mrow>'
        '<mspace width="1em"></mspace><mtext>a &lt; b</mtext></math>')


def test_the_modules_docstring_examples_hold():
    import doctest

    results = doctest.testmod(mathml_core)
    assert results.attempted > 0 and results.failed == 0
