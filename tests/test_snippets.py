"""Every ```python block on the site's pages runs, and prints exactly what the page shows.

A block shows its output as `#> ` comment lines (a bare `#>` is an empty line); the block runs
in a fresh namespace, in this process, compiled with the page as file name so that a traceback
points at the page's own line. Blocks nested in admonitions, `???` details and `===` tabs are
found too (any indentation). Blocks that import torch need torch (see conftest.require).
"""

import contextlib
import io
import re

import pytest

from conftest import DOCS, require
# The parser is shared with tests/test_snippet_format.py and scripts/format_snippets.py.
from snippet_blocks import FENCE, OUTPUT, Block, expected_output  # noqa: F401 (imported from here)
from snippet_blocks import fenced_blocks as _fenced_blocks

USES_TORCH = re.compile(r"^[ \t]*(?:import torch|from torch\b)", re.M)


def fenced_blocks(path):
    """All top-level fenced blocks of a Markdown page, at any indentation (snippet_blocks.py)."""
    return _fenced_blocks(path, DOCS)


ALL_BLOCKS = [block for page in sorted(DOCS.rglob("*.md")) for block in fenced_blocks(page)]
PYTHON_BLOCKS = [block for block in ALL_BLOCKS if block.lang in ("python", "py")]


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[b.id for b in PYTHON_BLOCKS])
def test_snippet_prints_what_the_page_shows(block):
    expected = expected_output(block.code)
    assert expected, (f"{block.id}: the block shows no output; print its result and show it as "
                      "`#> ` lines right after the print call (see the site conventions)")
    if USES_TORCH.search(block.code):
        require("torch")
    # Blank lines in front keep line numbers: a traceback names the page's own line.
    code = compile("\n" * block.line + block.code, str(DOCS / block.page), "exec")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        exec(code, {"__name__": "__main__"})
    printed = [line.rstrip() for line in stdout.getvalue().splitlines()]
    assert printed == expected, f"{block.id}: printed output differs from the page's #> lines"


def test_pages_have_python_snippets():
    # Guards the collector itself: if it found nothing, every test above would vanish silently.
    assert len(PYTHON_BLOCKS) > 0


def test_no_console_prompts_on_pages():
    """Snippets must copy and run as they are: no ```pycon blocks, no `>>>` in python blocks."""
    offenders = [f"{b.id}: ```pycon block" for b in ALL_BLOCKS if b.lang == "pycon"]
    offenders += [f"{b.id}: `>>>` prompt in a python block" for b in PYTHON_BLOCKS
                  if re.search(r"^[ \t]*>>>", b.code, re.M)]
    assert not offenders, "\n".join(offenders)


def test_fence_parser_finds_nested_blocks(tmp_path, monkeypatch):
    page = tmp_path / "page.md"
    page.write_text('!!! note\n\n    ```python\n    print(1)\n    #> 1\n    ```\n\n'
                    '=== "NumPy"\n\n    ??? success "Solution"\n\n        ```python\n'
                    '        x = 2\n        #>\n        ```\n\n````markdown\n```python\nhidden\n```\n````\n')
    monkeypatch.setattr("test_snippets.DOCS", tmp_path)
    blocks = fenced_blocks(page)
    assert [(b.line, b.lang, b.code) for b in blocks] == [
        (3, "python", "print(1)\n#> 1"), (12, "python", "x = 2\n#>"), (17, "markdown", "```python\nhidden\n```")]
    # Where each block sits: the fence's indentation and the closing fence's line (for the formatter).
    assert [(b.indent, b.end) for b in blocks] == [("    ", 6), ("        ", 15), ("", 21)]
    assert blocks[0].code_lines == [(4, "print(1)"), (5, "#> 1")]
    assert expected_output(blocks[1].code) == [""]


def test_require_skips_or_fails_when_a_module_is_missing(monkeypatch):
    monkeypatch.delenv("XENTDOC_REQUIRE_OPTIONAL", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require("xentdoc_no_such_module")
    monkeypatch.setenv("XENTDOC_REQUIRE_OPTIONAL", "1")
    with pytest.raises(pytest.fail.Exception, match="XENTDOC_REQUIRE_OPTIONAL"):
        require("xentdoc_no_such_module")
