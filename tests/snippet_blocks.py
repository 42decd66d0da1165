"""The fenced blocks of the site's pages, how a block shows its output, and how a Python block is
formatted: one parser for the tests and the formatter.

Used by tests/test_snippets.py (each ```python block runs and prints its `#> ` lines),
tests/test_snippet_format.py (every code line fits 88 characters, every Python block is formatted)
and scripts/format_snippets.py (formats the pages' Python blocks in place). Imports nothing from
the test suite, so that the script can import it without pytest.

Formatting is black's (`format_python`), with the page's output lines protected: black and ruff
both rewrite a comment `#> x` into `# > x`, and both leave `#:> x` alone, so every output line is
written `#:>` before black runs and `#>` again after.
"""

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?[ \t]*\.?(?P<lang>[\w+-]*)")
OUTPUT = re.compile(r"^[ \t]*#>(?: (?P<text>.*))?$")
PYTHON = ("python", "py")
LINE_LENGTH = 88  # black's default, and the longest code line a page may show
# A block nested in an admonition, a `???` note or a tab is shown in a narrower box: its lines
# count with the fence's indentation, as they stand in the Markdown (and as they are formatted).
# `#>` as black leaves it (a comment starting `#:` keeps its prefix), and the way back.
_PROTECT = re.compile(r"^(?P<indent>[ \t]*)#>(?P<rest>(?: .*)?)$")
_PROTECTED = re.compile(r"^(?P<indent>[ \t]*)#:>(?P<rest>.*)$")


@dataclass
class Block:
    page: str  # path relative to docs/, e.g. "softmax.md"
    line: int  # 1-based line of the opening fence
    lang: str
    code: str  # dedented to the fence's indentation
    indent: str = ""  # the opening fence's indentation
    end: int = 0  # 1-based line of the closing fence (one past the page's end if unclosed)

    @property
    def id(self):
        return f"{self.page}:L{self.line}"

    @property
    def line_length(self) -> int:
        """The longest a line of this block may be, dedented: 88 less the fence's indentation."""
        return LINE_LENGTH - len(self.indent.expandtabs(4))

    @property
    def code_lines(self):
        """(page line, code line) of each line of the block, the code dedented as in `code`."""
        return list(enumerate(self.code.split("\n"), self.line + 1)) if self.end > self.line + 1 else []


def fenced_blocks(path: Path, docs: Path):
    """All top-level fenced blocks of a Markdown page, at any indentation; `docs` names the page."""
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
        blocks.append(Block(str(path.relative_to(docs)), start, opening["lang"].lower(), "\n".join(body),
                            indent, index))
    return blocks


def expected_output(code):
    """The `#> ` lines of a block, prefix removed, in order."""
    return [(m["text"] or "").rstrip() for m in map(OUTPUT.match, code.splitlines()) if m]


class FormatError(ValueError):
    """A block that cannot be formatted (black cannot parse it, or it already holds `#:>` lines)."""


def format_python(code: str, line_length: int = LINE_LENGTH) -> str:
    """`code` (a Python block, dedented) as black formats it at `line_length`, output lines kept.

    Raises FormatError when black cannot parse the block, when the block already has a `#:>`
    line (it would come back as `#>`), or when the output lines came out different.
    """
    import black  # the test extra's; imported here so that the snippet tests run without it

    lines = code.split("\n")
    if any(_PROTECTED.match(line) for line in lines):
        raise FormatError("a line starts with `#:>`, which protects the `#>` output lines from black")
    protected = "\n".join(_PROTECT.sub(r"\g<indent>#:>\g<rest>", line) for line in lines)
    try:
        formatted = black.format_str(protected, mode=black.Mode(line_length=line_length))
    except Exception as error:  # black.InvalidInput and the errors of its safety checks
        raise FormatError(f"black cannot format it: {error}") from error
    restored = "\n".join(_PROTECTED.sub(r"\g<indent>#>\g<rest>", line)
                         for line in formatted.rstrip("\n").split("\n"))
    if expected_output(restored) != expected_output(code):
        raise FormatError("formatting changed the block's `#>` output lines")
    return restored
