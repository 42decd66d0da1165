"""Material's main stylesheet, read once: hooks/lean_html.py and hooks/tables.py both need it.

Not a hook: the hooks import it (MkDocs puts a hook's folder on sys.path while it imports the hook).
"""

import functools
from pathlib import Path

from mkdocs.exceptions import PluginError


@functools.cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def main_stylesheet(config) -> str:
    """The text of assets/stylesheets/main.<hash>.min.css from the theme's folders."""
    for folder in config["theme"].dirs:
        for css in sorted(Path(folder, "assets", "stylesheets").glob("main.*.min.css")):
            return _read(css)
    raise PluginError("Material's main stylesheet (assets/stylesheets/main.*.min.css) was not found in the theme")
