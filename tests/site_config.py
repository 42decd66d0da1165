"""mkdocs.yml as data, for tests: the nav in order and the print page's chapters."""

import fnmatch
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads MkDocs' Python tags (!!python/name:..., !ENV) as plain values."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config() -> dict:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def nav_pages() -> list[str]:
    """Source files of the nav, in reading order (nested sections flattened)."""
    found = []

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                walk(value)
            elif isinstance(value, str) and value.endswith(".md"):
                found.append(value)

    walk(mkdocs_config()["nav"])
    return found


def course_pages() -> list[str]:
    """The pages the print page (and so the PDF) holds: the nav less coursebuild.print_page.EXCLUDED."""
    from coursebuild.print_page import EXCLUDED  # glob patterns

    return [page for page in nav_pages() if not any(fnmatch.fnmatch(page, pattern) for pattern in EXCLUDED)]


def built_path(site: Path, src: str) -> Path:
    """Where `src` (e.g. "softmax.md") is in the built site (directory URLs)."""
    stem = src[:-3]
    return site / "index.html" if stem == "index" else site / stem / "index.html"
