"""Every formula turned into MathML at build time with KaTeX (node): no CDN, no script in the page.

pymdownx.arithmatex (generic mode) leaves `<span class="arithmatex">\\(...\\)</span>` and
`<div class="arithmatex">\\[...\\]</div>`; `render_math` sends all of a page's formulas to node in one
call (coursebuild/katex_render.cjs) and puts KaTeX's MathML in their place. TeX that KaTeX rejects
fails the build with the page and the formula.

Only MathML, which every current browser lays out natively with the site's math font
(coursebuild/math_font.py), and which screen readers read. KaTeX's other output, a copy of each formula
in nested spans drawn with KaTeX's stylesheet and fonts, doubled the elements of a course page
(/softmax/: 2,837 with it, 1,434 without) and the work of every style recalculation with them.
It runs on the finished page, so formulas in headings and in the table of contents are replaced
too; the search index keeps the plain TeX, which is what people type.
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
from coursebuild.mathml_core import explicit_variants, slim, tex_spacing

KATEX_PACKAGE = ROOT / "node_modules" / "katex" / "package.json"
HERE = Path(__file__).resolve().parent
RENDERER = HERE / "katex_render.cjs"
POSTPROCESS = HERE / "mathml_core.py"  # explicit_variants, tex_spacing, slim

MATH = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
DELIMITERS = {r"\(": r"\)", r"\[": r"\]"}

# (tex, display) -> MathML. Module state survives `serve` rebuilds (the generator keeps imported
# modules), so a rebuild only sends new formulas to node; .cache/katex/ keeps it between builds.
_rendered: dict[tuple[str, bool], str] = {}
_disk_cache: Path | None = None  # .cache/katex/<hash of KaTeX's version, the renderer and mathml_core>.json


def open_cache(cache_dir: Path) -> None:
    """Check that KaTeX and node are there; read the formulas rendered by earlier builds."""
    global _disk_cache
    if not KATEX_PACKAGE.is_file():
        raise BuildError("KaTeX is missing from node_modules: run `npm ci` (or `make venv`).")
    if shutil.which("node") is None:
        raise BuildError("Node.js is needed to render the formulas with KaTeX: `node` is not on PATH.")
    version = hashlib.sha256(KATEX_PACKAGE.read_bytes() + RENDERER.read_bytes() + POSTPROCESS.read_bytes())
    _disk_cache = Path(cache_dir) / "katex" / f"{version.hexdigest()[:16]}.json"
    if not _rendered and _disk_cache.is_file():
        _rendered.update(((tex, display == "display"), out) for display, tex, out in
                         json.loads(_disk_cache.read_text(encoding="utf-8")))


def save_cache() -> None:
    if _disk_cache is None:
        return
    _disk_cache.parent.mkdir(parents=True, exist_ok=True)
    for stale in _disk_cache.parent.glob("*.json"):
        if stale != _disk_cache:
            stale.unlink(missing_ok=True)  # rendered by another KaTeX version or renderer
    rows = sorted(("display" if display else "inline", tex, out) for (tex, display), out in _rendered.items())
    # Written aside then renamed: a build running at the same time never reads half a file.
    temporary = _disk_cache.with_name(f"{_disk_cache.stem}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(rows), encoding="utf-8")
    temporary.replace(_disk_cache)


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
        raise BuildError(f"KaTeX (node) failed on {where}:\n{error.stderr}") from None
    for (tex, display), result in zip(missing, json.loads(run.stdout), strict=True):
        if "error" in result:
            kind = "display" if display else "inline"
            raise BuildError(f"Bad TeX in {kind} math on page {where}:\n"
                             f"    {tex}\n{result['error']}")
        _rendered[tex, display] = slim(tex_spacing(explicit_variants(result["html"])))


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
