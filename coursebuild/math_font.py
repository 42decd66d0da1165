"""The math font, cut down to the glyphs the site's formulas use (written after the pages are finished).

coursebuild/math.py writes each formula as MathML, which the browser lays out itself. Good MathML
layout needs a font with an OpenType MATH table (big operators, stretchy brackets, script sizes,
fraction rules); without one, Chromium draws a display sum at text size with its limits beside it.
STIX Two Math (SIL Open Font License, npm package @fontsource/stix-two-math, pinned in
package.json) has one, but weighs 400 KB. Once every page is finished, `write_math_font` gathers
the characters their formulas draw and writes a subset of the font that holds exactly those
(about 17 KB, MATH table and size variants included) to assets/fonts/, with the font's licence.

A single-letter `<mi>x</mi>` is drawn as the italic letter U+1D465, not as "x" (MathML Core's
`text-transform: math-auto`), so those forms go into the subset as well (coursebuild/mathml_core.py).

The subset is cached in .cache/math-font/ under a hash of the font and the characters, so a
`serve` rebuild that adds no new character costs nothing.
"""

import functools
import hashlib
import shutil
from pathlib import Path

from coursebuild import ROOT, BuildError
from coursebuild.mathml_core import drawn_characters

FONT_PACKAGE = ROOT / "node_modules" / "@fontsource" / "stix-two-math"
SOURCE_FONT = FONT_PACKAGE / "files" / "stix-two-math-latin-400-normal.woff"  # the whole font
SITE_FONT = "assets/fonts/stix-two-math.woff2"  # extra.css points here; coursebuild/lean.py preloads it
SITE_LICENCE = "assets/fonts/stix-two-math-LICENSE.txt"


def subset_font(characters: set[str], cache_dir: Path) -> Path:
    """The woff2 subset of the source font holding `characters`, from the cache or made now."""
    key = hashlib.sha256(SOURCE_FONT.read_bytes())
    key.update("".join(sorted(characters)).encode("utf-8"))
    cached = cache_dir / f"{key.hexdigest()[:16]}.woff2"
    if cached.is_file():
        return cached
    from fontTools import subset  # only when a new subset is needed

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # math layout uses ssty (script sizes) and others
    options.name_IDs = ["*"]  # keeps the copyright and licence URL in the font
    options.notdef_outline = True
    font = subset.load_font(str(SOURCE_FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(map(ord, characters)))
    subsetter.subset(font)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("*.woff2"):
        stale.unlink(missing_ok=True)
    temporary = cached.with_suffix(".tmp")
    subset.save_font(font, str(temporary), options)
    temporary.replace(cached)
    return cached


@functools.lru_cache(maxsize=None)
def vertical_variants() -> dict[str, tuple[float, tuple[tuple[float, float], ...], float | None]]:
    """{character: (widest, ((height, width) of each size variant), width of the assembly or None)}, in em.

    Read from the MATH table of the whole font for each bracket that stretches vertically; what
    coursebuild/math.py needs to give a fixed-size bracket (`\\bigl(`) the width it is drawn at.
    """
    from fontTools.ttLib import TTFont  # only when a formula has a fixed-size bracket

    font = TTFont(str(SOURCE_FONT))
    per_em = font["head"].unitsPerEm
    advance = font["hmtx"]
    variants = font["MATH"].table.MathVariants
    glyph_of = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    found = {}
    for glyph, construction in zip(variants.VertGlyphCoverage.glyphs, variants.VertGlyphConstruction):
        if glyph not in glyph_of:
            continue
        sizes = tuple((record.AdvanceMeasurement / per_em, advance[record.VariantGlyph][0] / per_em)
                      for record in construction.MathGlyphVariantRecord)
        assembly = construction.GlyphAssembly
        parts = max((advance[part.glyph][0] / per_em for part in assembly.PartRecords), default=None) \
            if assembly else None
        widest = max([width for _, width in sizes] + ([parts] if parts else []))
        found[glyph_of[glyph]] = (widest, sizes, parts)
    return found


def check_font() -> None:
    if not SOURCE_FONT.is_file():
        raise BuildError("The math font is missing from node_modules: run `npm ci` (or `make venv`).")


def write_math_font(site_dir: Path, finished_pages, cache_dir: Path) -> None:
    """The subset of the math font that draws every formula of `finished_pages` (HTML), and its licence."""
    characters = set().union(set(), *(drawn_characters(page) for page in finished_pages))
    if not characters:
        return
    site = Path(site_dir)
    font = subset_font(characters, Path(cache_dir) / "math-font")
    (site / SITE_FONT).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(font, site / SITE_FONT)
    shutil.copyfile(FONT_PACKAGE / "LICENSE", site / SITE_LICENCE)
