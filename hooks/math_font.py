"""MkDocs hook: the math font, cut down to the glyphs the site's formulas use.

hooks/katex.py writes each formula as MathML, which the browser lays out itself. Good MathML
layout needs a font with an OpenType MATH table (big operators, stretchy brackets, script sizes,
fraction rules); without one, Chromium draws a display sum at text size with its limits beside it.
STIX Two Math (SIL Open Font License, npm package @fontsource/stix-two-math, pinned in
package.json) has one, but weighs 400 KB. After every page is rendered this hook gathers the
characters its formulas draw, and the build writes a subset of the font that holds exactly those
(about 17 KB, MATH table and size variants included) to assets/fonts/, with the font's licence.

A single-letter `<mi>x</mi>` is drawn as the italic letter U+1D465, not as "x" (MathML Core's
`text-transform: math-auto`), so those forms go into the subset as well (hooks/mathml_core.py).

The subset is cached in .cache/math-font/ under a hash of the font and the characters, so a
`mkdocs serve` rebuild that adds no new character costs nothing.
"""

import hashlib
import shutil
from pathlib import Path

from mathml_core import drawn_characters
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
FONT_PACKAGE = ROOT / "node_modules" / "@fontsource" / "stix-two-math"
SOURCE_FONT = FONT_PACKAGE / "files" / "stix-two-math-latin-400-normal.woff"  # the whole font
SITE_FONT = "assets/fonts/stix-two-math.woff2"  # extra.css points here; hooks/lean_html.py preloads it
SITE_LICENCE = "assets/fonts/stix-two-math-LICENSE.txt"

_characters: dict[str, set[str]] = {}  # page -> characters its formulas draw


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


def on_config(config):
    if not SOURCE_FONT.is_file():
        raise PluginError("The math font is missing from node_modules: run `npm ci` (or `make venv`).")
    _characters.clear()
    return config


def on_post_page(output, page, config):
    _characters[page.file.src_uri] = drawn_characters(output)
    return output


def on_post_build(config):
    characters = set().union(*_characters.values())
    if not characters:
        return
    site = Path(config["site_dir"])
    font = subset_font(characters, Path(config.config_file_path).parent / ".cache" / "math-font")
    (site / SITE_FONT).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(font, site / SITE_FONT)
    shutil.copyfile(FONT_PACKAGE / "LICENSE", site / SITE_LICENCE)
