"""Every formula turned into MathML at build time with Temml (node): no CDN, no script in the page.

pymdownx.arithmatex (generic mode) leaves `<span class="arithmatex">\\(...\\)</span>` and
`<div class="arithmatex">\\[...\\]</div>`; `render_math` sends all of a page's formulas to node in one
call (coursebuild/temml_render.cjs) and puts Temml's MathML in their place. TeX that Temml rejects
fails the build with the page and the formula.

Temml (npm `temml`, pinned in package.json) writes MathML for display by browsers' MathML Core,
which every current browser lays out natively with the site's math font (coursebuild/math_font.py),
and which screen readers read. It replaced KaTeX's MathML, which is KaTeX's accessibility layer
(KaTeX itself draws with HTML and CSS) and, shown by the browser, put the function-application
space between `\\log` and its subscript, drew `\\underbrace` as a row of dashes, spaced
`\\left( ... \\right)` away from their content and set primes as raised superscripts; the hand
patches that fixed KaTeX's spacing are gone with it (tests/browser/test_formula_gallery.py measures
the result). The few classes Temml puts on elements are styled in docs/stylesheets/extra.css.

It runs on the finished page, so formulas in headings and in the table of contents are replaced
too; the search index gets each formula as plain Unicode text (coursebuild/search_text.py).
"""

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from coursebuild import ROOT, BuildError
from coursebuild.math_font import vertical_variants
from coursebuild.mathml_core import explicit_variants, flat_fences, inline_primes, prefix_signs, slim, tight_scripts

TEMML_PACKAGE = ROOT / "node_modules" / "temml" / "package.json"
HERE = Path(__file__).resolve().parent
RENDERER = HERE / "temml_render.cjs"
POSTPROCESS = HERE / "mathml_core.py"  # explicit_variants, flat_fences, inline_primes, tight_scripts, slim, prefix_signs
FONT_CODE = HERE / "math_font.py"  # vertical_variants

MATH = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
DELIMITERS = {r"\(": r"\)", r"\[": r"\]"}

# (tex, display) -> MathML. Module state survives `serve` rebuilds (the generator keeps imported
# modules), so a rebuild only sends new formulas to node; .cache/temml/ keeps it between builds.
_rendered: dict[tuple[str, bool], str] = {}
_disk_cache: Path | None = None  # .cache/temml/<hash of Temml's version, the renderer and mathml_core>.json


def open_cache(cache_dir: Path) -> None:
    """Check that Temml and node are there; read the formulas rendered by earlier builds."""
    global _disk_cache
    if not TEMML_PACKAGE.is_file():
        raise BuildError("Temml is missing from node_modules: run `npm ci` (or `make venv`).")
    if shutil.which("node") is None:
        raise BuildError("Node.js is needed to render the formulas with Temml: `node` is not on PATH.")
    version = hashlib.sha256(TEMML_PACKAGE.read_bytes() + RENDERER.read_bytes() + POSTPROCESS.read_bytes()
                             + FONT_CODE.read_bytes())
    _disk_cache = Path(cache_dir) / "temml" / f"{version.hexdigest()[:16]}.json"
    if not _rendered and _disk_cache.is_file():
        _rendered.update(((tex, display == "display"), out) for display, tex, out in
                         json.loads(_disk_cache.read_text(encoding="utf-8")))


def save_cache() -> None:
    if _disk_cache is None:
        return
    _disk_cache.parent.mkdir(parents=True, exist_ok=True)
    for stale in _disk_cache.parent.glob("*.json"):
        if stale != _disk_cache:
            stale.unlink(missing_ok=True)  # rendered by another Temml version or renderer
    rows = sorted(("display" if display else "inline", tex, out) for (tex, display), out in _rendered.items())
    # Written aside then renamed: a build running at the same time never reads half a file.
    temporary = _disk_cache.with_name(f"{_disk_cache.stem}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(rows), encoding="utf-8")
    temporary.replace(_disk_cache)


FIXED_SIZE = re.compile(r'<mo\b([^>]*?) minsize="([0-9.]+)em" maxsize="\2em"([^>]*)>([^<]+)</mo>')


def fixed_size_widths(mathml: str) -> str:
    """`mathml` with each fixed-size bracket (`\\bigl(`, `\\Bigr]`...) as wide as the shape it is drawn in.

    Chromium gives a bracket that stretches the width of the widest shape the font has for it
    (STIX Two Math: its 13th size), and centres the shape it draws in that box: a `\\Bigl(`
    stood 0.13 em away from its content on each side. A fixed size says which shape is drawn
    (MathML Core: the first size variant at least that tall, else the assembly), so the
    surplus is taken back with a negative margin on each side.
    """

    def rewrite(match):
        before, size, after, character = match.groups()
        known = vertical_variants().get(html.unescape(character))
        if known is None or "style=" in before + after:
            return match.group(0)
        widest, sizes, assembly = known
        drawn = next((width for height, width in sizes if height >= float(size)), assembly or sizes[-1][1])
        surplus = round((widest - drawn) / 2, 3)
        if surplus <= 0:
            return match.group(0)
        return (f'<mo{before} minsize="{size}em" maxsize="{size}em"{after} '
                f'style="margin-inline:-{surplus}em">{character}</mo>')

    return FIXED_SIZE.sub(rewrite, mathml)


def _formula(match):
    """(tex, display) of an arithmatex element; its content is HTML-escaped TeX."""
    tag, body = match.group(1), html.unescape(match.group(2)).strip()
    opener = body[:2]
    if opener in DELIMITERS and body.endswith(DELIMITERS[opener]):
        return body[2:-2], opener == r"\["
    return body, tag == "div"  # a bare \begin{...}...\end{...} block from arithmatex


def _render(formulas, where):
    """Render the formulas not yet in the cache, in a single node process."""
    missing = sorted({f for f in formulas if f not in _rendered})
    if not missing:
        return
    try:
        run = subprocess.run(["node", str(RENDERER)], input=json.dumps(missing), cwd=ROOT,
                             capture_output=True, text=True, check=True)
    except subprocess.CalledProcessError as error:
        raise BuildError(f"Temml (node) failed on {where}:\n{error.stderr}") from None
    for (tex, display), result in zip(missing, json.loads(run.stdout), strict=True):
        if "error" in result:
            kind = "display" if display else "inline"
            raise BuildError(f"Bad TeX in {kind} math on page {where}:\n"
                             f"    {tex}\n{result['error']}")
        mathml = tight_scripts(inline_primes(flat_fences(explicit_variants(result["html"]))))
        _rendered[tex, display] = fixed_size_widths(prefix_signs(slim(mathml)))


def mathml_of(formulas, where: str) -> dict:
    """{(tex, display): MathML} of `formulas`, rendered now where no page had them."""
    _render(formulas, where)
    return {formula: _rendered[formula] for formula in formulas}


def render_math(output: str, page) -> str:
    """Each arithmatex formula of `output` as MathML; `page.source` names the page in errors."""
    formulas = [_formula(m) for m in MATH.finditer(output)]
    if not formulas:
        return output
    _render(formulas, page.source)
    replacements = iter(formulas)

    def replace(match):
        tag = match.group(1)
        return f'<{tag} class="arithmatex">{_rendered[next(replacements)]}</{tag}>'

    return MATH.sub(replace, output)
