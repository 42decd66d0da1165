"""Each code block's copy button written into the page, not inserted at load.

With Material's `content.code.copy` feature, its script inserts a copy button into every code
block when the page loads; each insertion changes the layout, and the browser lays the whole page
out again, twice (scripts/lighthouse, total blocking time). The button is plain HTML, so it is
written here at build time instead, with the same markup and the same title. Material's script
still does the copying: it listens for clicks on any `[data-clipboard-target]` in the page,
feature or not, and copies the target's `data-copy` attribute (docs/javascripts/copy.js sets it on
console examples) or else its text.

The target is the block's <code>, by an id of its own: Material renames each <pre> at load.
The print page gets none (coursebuild/print_page.py): it loads no Material script to do the copying.
"""

import itertools
import re

from coursebuild import BuildError

# A code block: <pre>, for a highlighted one (pymdownx.highlight, mkdocstrings' examples)
# Pygments' empty <span>, then <code>. Material gives every `pre > code` a button, plain ones
# (the figures' sources) too.
CODE_BLOCK = re.compile(r'(<pre>(?:<span></span>)?)<code>')
TITLE = "Copy to clipboard"  # Material's "clipboard.copy" in English (theme.language: en)


def add_copy_buttons(output: str, page=None) -> str:
    """`output` with a copy button in each code block (none on the print page)."""
    if page is not None and page.is_print:
        return output
    numbers = itertools.count(1)

    def button(match):
        target = f"xd-code-{next(numbers)}"
        return (f'{match.group(1)}<nav class="md-code__nav"><button class="md-code__button" '
                f'title="{TITLE}" data-clipboard-target="#{target}" data-md-type="copy"></button>'
                f'</nav><code id="{target}">')

    return CODE_BLOCK.sub(button, output)


def check_theme(language: str, features) -> None:
    """The buttons' titles are English, and Material must not add buttons of its own."""
    if language != "en":
        raise BuildError(f"coursebuild/copy_buttons.py writes English button titles; theme.language is {language!r}")
    if "content.code.copy" in features:
        raise BuildError("coursebuild/copy_buttons.py adds the copy buttons: remove `content.code.copy` from "
                         "theme.features, or every block gets two")
