"""Every ```python block on the site's pages runs, and prints exactly what the page shows.

A block shows its output as `#> ` comment lines (a bare `#>` is an empty line); the block runs
in a fresh namespace, in this process, compiled with the page as file name so that a traceback
points at the page's own line. Blocks nested in admonitions, `???` details and `===` tabs are
found too (any indentation). Blocks that import torch need torch (see conftest.require).
"""

import contextlib
import io
import re
from dataclasses import dataclass

import pytest

from conftest import DOCS, require

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?[ \t]*\.?(?P<lang>[\w+-]*)")
OUTPUT = re.compile(r"^[ \t]*#>(?: (?P<text>.*))?$")
USES_TORCH = re.compile(r"^[ \t]*(?:import torch|from torch\b)", re.M)


@dataclass
class Block:
    page: str  # path relative to docs/, e.g. "softmax.md"
    line: int  # 1-based line of the opening fence
    lang: str
    code: str  # dedented to the fence's indentation

    @property
    def id(self):
        return f"{self.page}:L{self.line}"


def fenced_blocks(path):
    """All top-level fenced blocks of a Markdown page, at any indentation."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, index = [], 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        index += 1
        if not opening:
            continue
        indent, fence = opening["indent"], opening["fence"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body, start = [], index
        while index < len(lines) and not closing.match(lines[index]):
            line = lines[index]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            index += 1
        index += 1  # past the closing fence (or the end of an unclosed block)
        blocks.append(Block(str(path.relative_to(DOCS)), start, opening["lang"].lower(), "\n".join(body)))
    return blocks


ALL_BLOCKS = [block for page in sorted(DOCS.rglob("*.md")) for block in fenced_blocks(page)]
PYTHON_BLOCKS = [block for block in ALL_BLOCKS if block.lang in ("python", "py")]


def expected_output(code):
    """The `#> ` lines of a block, prefix removed, in order."""
    return [(m["text"] or "").rstrip() for m in map(OUTPUT.match, code.splitlines()) if m]


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
    assert expected_output(blocks[1].code) == [""]


def test_require_skips_or_fails_when_a_module_is_missing(monkeypatch):
    monkeypatch.delenv("XENTDOC_REQUIRE_OPTIONAL", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require("xentdoc_no_such_module")
    monkeypatch.setenv("XENTDOC_REQUIRE_OPTIONAL", "1")
    with pytest.raises(pytest.fail.Exception, match="XENTDOC_REQUIRE_OPTIONAL"):
        require("xentdoc_no_such_module")
