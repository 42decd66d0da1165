"""Every snippet fits the column and is formatted (issue 21, item 5).

- Every line of every fenced block on the pages, `#>` output lines included and blocks nested in
  admonitions, `???` details and `===` tabs at any indentation, is at most 88 characters, the
  fence's indentation included (a nested block is shown in a narrower box).
- Every ```python block is as black formats it (line length 88), its `#>` output lines kept as
  they are: `scripts/format_snippets.py` formats the pages so (`--check` reports without writing).

The blocks are found by the parser tests/test_snippets.py runs them with (tests/snippet_blocks.py).
"""

import pytest

from snippet_blocks import LINE_LENGTH, OUTPUT, FormatError, expected_output, format_python
from test_snippets import ALL_BLOCKS, PYTHON_BLOCKS, fenced_blocks

PAGES = sorted({block.page for block in ALL_BLOCKS})
FIX = "run `.venv/bin/python scripts/format_snippets.py` (it rewrites the pages' Python blocks)"


@pytest.mark.parametrize("page", PAGES)
def test_no_code_line_is_wider_than_88(page):
    offenders = [f"{page}:{number}: {len(line)} characters{' (an output line)' if OUTPUT.match(line) else ''}"
                 for block in ALL_BLOCKS if block.page == page for number, line in block.code_lines
                 if len(line) > block.line_length]
    assert not offenders, (f"code lines over {LINE_LENGTH} characters (black wraps code; shorten "
                           "long strings, comments and printed lines by hand):\n" + "\n".join(offenders))


@pytest.mark.parametrize("page", [page for page in PAGES if any(b.page == page for b in PYTHON_BLOCKS)])
def test_python_blocks_are_formatted_by_black(page):
    offenders = []
    for block in (b for b in PYTHON_BLOCKS if b.page == page):
        try:
            formatted = format_python(block.code, block.line_length)
        except FormatError as error:
            offenders.append(f"{block.id}: {error}")
            continue
        if formatted != block.code:
            old, new = block.code.split("\n"), formatted.split("\n")
            first = next((k for k, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
            offenders.append(f"{page}:{block.line + 1 + first}: the block at {block.id} is not as black "
                             "formats it, from this line on")
    assert not offenders, "\n".join(offenders) + f"\n{FIX}"


def test_output_lines_survive_black():
    """Black would write `#> x` as `# > x`; format_python keeps each output line as it is."""
    code = ("for x in [1,2]:\n    print( x )\n    #> 1\n#> 2\n#>\nif True:\n  print({'a':1})\n"
            "  #>   {'a': 1}  with spaces\n")
    formatted = format_python(code)
    assert formatted == ('for x in [1, 2]:\n    print(x)\n    #> 1\n#> 2\n#>\nif True:\n    print({"a": 1})\n'
                         "    #>   {'a': 1}  with spaces")
    assert expected_output(formatted) == expected_output(code) == ["1", "2", "", "  {'a': 1}  with spaces"]
    assert format_python(formatted) == formatted
    with pytest.raises(FormatError, match="#:>"):
        format_python("print(1)\n#:> 1")
    with pytest.raises(FormatError, match="black cannot"):
        format_python("print(1\n#> 1")


def test_the_script_formats_nested_blocks_in_place(tmp_path, monkeypatch):
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("format_snippets", ROOT / "scripts" / "format_snippets.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    page = tmp_path / "page.md"
    page.write_text('# Title\n\n!!! note\n\n    ```python\n    x = [1,2]\n    print( x )\n    #> [1, 2]\n    ```\n\n'
                    '=== "NumPy"\n\n    ??? success "Solution"\n\n        ```python\n        import numpy as np\n'
                    '        print(np.zeros(2))\n        #> [0. 0.]\n        ```\n\n```python\nprint(1)\n#> 1\n```\n'
                    f'\n```text\n{"x" * 89}\n```\n', encoding="utf-8")
    new_text, changes, errors, long_lines, before = script.format_page(page, tmp_path)
    assert not errors and [block.line for block, _ in changes] == [5, 15]
    assert new_text == ('# Title\n\n!!! note\n\n    ```python\n    x = [1, 2]\n    print(x)\n    #> [1, 2]\n    ```\n\n'
                        '=== "NumPy"\n\n    ??? success "Solution"\n\n        ```python\n        import numpy as np\n\n'
                        '        print(np.zeros(2))\n        #> [0. 0.]\n        ```\n\n'
                        f'```python\nprint(1)\n#> 1\n```\n\n```text\n{"x" * 89}\n```\n')
    # The text block's long line, numbered as it stands once the blank line is added above it.
    assert long_lines == [(28, 89, False)] and before == 1
    page.write_text(new_text, encoding="utf-8")
    monkeypatch.setattr("test_snippets.DOCS", tmp_path)
    blocks = fenced_blocks(page)
    assert [format_python(b.code) == b.code for b in blocks if b.lang == "python"] == [True] * 3
    assert [b.code_lines[-1] for b in blocks] == [(8, "#> [1, 2]"), (19, "#> [0. 0.]"), (24, "#> 1"), (28, "x" * 89)]
