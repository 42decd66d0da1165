#!/usr/bin/env python3
"""Format every Python block of the site's pages with black, in place; --check only reports.

    .venv/bin/python scripts/format_snippets.py [--check] [--long] [--docs DIR] [PAGE ...]

Finds the fenced blocks as tests/test_snippets.py does (tests/snippet_blocks.py: any indentation,
in admonitions, `???` details and `===` tabs), formats each ```python block with black (line
length 88) with its `#> ` output lines kept as they are (black would write `# > `), and writes the
block back at the fence's indentation; a block black leaves alone is not touched. Blank lines of
a rewritten block are written empty.

Prints, per page: the Python blocks, how many black changes (with --check: would change), and the
code lines still over 88 characters after formatting, `#>` output lines apart from code (black
cannot wrap an output line or a long string); --long lists each of them. --check names each block
that would change and exits 1 if any would (or cannot be formatted); tests/test_snippet_format.py
fails in the same cases, and on any line over 88.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from snippet_blocks import LINE_LENGTH, OUTPUT, PYTHON, FormatError, fenced_blocks, format_python  # noqa: E402

COLUMNS = ("python", "changed", "before", "output", "code")  # the summary table's, after the page


def format_page(path: Path, docs: Path):
    """The page formatted: (new text or None if unchanged, [(block, new code)], [error],
    [(page line, width, is output) of each line over 88 after formatting], lines over 88 before)."""
    text = path.read_text(encoding="utf-8")
    if len(text.split("\n")) - text.endswith("\n") != len(text.splitlines()):
        return None, [], [f"{path.relative_to(docs)}: a line separator other than \\n; not formatted"], [], 0
    lines = text.split("\n")
    changes, errors, long_lines, before = [], [], [], 0
    for block in fenced_blocks(path, docs):
        code = block.code
        before += sum(len(line) > block.line_length for _, line in block.code_lines)
        if block.lang in PYTHON:
            try:
                code = format_python(block.code, block.line_length)
            except FormatError as error:
                errors.append(f"{block.id}: {error}")
            else:
                if code != block.code:
                    changes.append((block, code))
        # Lines of the block as formatted, numbered as they will stand on the page: the blocks
        # above this one may have changed length.
        shift = sum(len(new.split("\n")) - (b.end - b.line - 1) for b, new in changes if b is not block)
        for number, line in enumerate(code.split("\n") if code or block.end > block.line + 1 else [],
                                      block.line + 1 + shift):
            if len(line) > block.line_length:
                long_lines.append((number, len(line) + len(block.indent), bool(OUTPUT.match(line))))
    for block, code in reversed(changes):
        body = [block.indent + line if line else "" for line in code.split("\n")]
        lines[block.line:block.end - 1] = body  # between the fences (0-based: fence at line - 1)
    return ("\n".join(lines) if changes else None), changes, errors, long_lines, before


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, help="pages to format (default: every page under --docs)")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="the pages' folder (default: docs/)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a block would change")
    parser.add_argument("--long", action="store_true", help=f"list every line over {LINE_LENGTH} characters")
    args = parser.parse_args()
    docs = args.docs.resolve()
    pages = [page.resolve() for page in args.pages] or sorted(docs.rglob("*.md"))

    rows, all_errors, total = [], [], dict.fromkeys(COLUMNS, 0)
    for path in pages:
        new_text, changes, errors, long_lines, before = format_page(path, docs)
        page = str(path.relative_to(docs))
        all_errors += errors
        python = sum(block.lang in PYTHON for block in fenced_blocks(path, docs))
        output = sum(is_output for _, _, is_output in long_lines)
        row = {"python": python, "changed": len(changes), "before": before, "output": output,
               "code": len(long_lines) - output}
        for key in total:
            total[key] += row[key]
        rows.append((page, row))
        for block, _ in changes:
            if args.check:
                print(f"would reformat {block.id}")
        if new_text is not None and not args.check:
            path.write_text(new_text, encoding="utf-8")
        if args.long:
            for number, width, is_output in long_lines:
                print(f"{page}:{number}: {width} characters{' (output line)' if is_output else ''}")

    changed = "would change" if args.check else "changed"
    # Lines over 88 characters on the page as it is, and once black has formatted it.
    header = ["page", "python blocks", changed, f"> {LINE_LENGTH} before", f"> {LINE_LENGTH} after: #> output",
              f"> {LINE_LENGTH} after: code"]
    table = [[page, *(str(row[key]) for key in COLUMNS)] for page, row in rows if row["python"] or row["before"]]
    table.append(["total", *(str(total[key]) for key in COLUMNS)])
    widths = [max(len(line[column]) for line in [header, *table]) for column in range(len(header))]
    print("| " + " | ".join(cell.ljust(width) for cell, width in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for line in table:
        print("| " + " | ".join(cell.ljust(widths[0]) if index == 0 else cell.rjust(widths[index])
                                for index, cell in enumerate(line)) + " |")
    for error in all_errors:
        print(f"cannot format {error}", file=sys.stderr)
    if all_errors or (args.check and total["changed"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
