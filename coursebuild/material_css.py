"""Material's stylesheets as the built site serves them: the steps that follow Material's styling read them.

Read from the built site (assets/stylesheets/main.<hash>.min.css), not from the theme's package:
the standalone run (`python -m coursebuild.page_pipeline site/`) has only the site.
"""

import functools
from pathlib import Path

from coursebuild import BuildError


@functools.cache
def _read(path: Path, mtime: float) -> str:
    return path.read_text(encoding="utf-8")


def main_stylesheet_in(folders) -> str:
    """The text of assets/stylesheets/main.<hash>.min.css from the first of `folders` that has it."""
    for folder in folders:
        for css in sorted(Path(folder, "assets", "stylesheets").glob("main.*.min.css")):
            return _read(css, css.stat().st_mtime)
    raise BuildError("Material's main stylesheet (assets/stylesheets/main.*.min.css) was not found")
