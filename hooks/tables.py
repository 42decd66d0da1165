"""MkDocs hook: each table wrapped for sideways scrolling at build time, not moved at load.

When a page loads, Material's script wraps every `table:not([class])` in two <div>s, a box that
scrolls sideways on a narrow screen: it takes the table out of the page and puts it back inside
the wrapper, and the browser styles and lays out every cell again (on the cheat sheet a thousand
elements, most of them formulas; scripts/lighthouse, total blocking time). Here the same wrapper is
written at build time, and the table gets `class="xd-table"`, which Material's script skips.

Material styles tables by that same selector, `.md-typeset table:not([class])`; its rules are
copied from its stylesheet for `table.xd-table` (inside their @media rules, if any) and appended
to stylesheets/extra.css as the site serves it, so tables look exactly as before.
hooks/print_page.py applies `wrap_tables` to the print page as well.
"""

import re

from material_css import main_stylesheet
from mkdocs.exceptions import PluginError

MATERIAL_SELECTOR = "table:not([class])"
OUR_CLASS = "xd-table"
EXTRA_CSS = "stylesheets/extra.css"
TABLE = re.compile(r"<table>(.*?)</table>", re.S)  # Markdown and mkdocstrings tables: no attributes
# A rule `prelude { declarations }`, an at-rule opening `@media ... {`, or a closing brace.
CSS_BLOCK = re.compile(r"([^{}]*)\{([^{}]*)\}|([^{}]*)\{|\}")

_table_rules = ""  # Material's table rules, for table.xd-table (on_config)


def material_rules_for(css: str, selector: str, replacement: str) -> str:
    """Every rule of `css` whose selector mentions `selector`, rewritten for `replacement`.

    Rules inside at-rules (`@media print { ... }`) stay inside a copy of them.
    """
    rules, stack = [], []
    for match in CSS_BLOCK.finditer(css):
        if match.group(1) is not None:  # a rule: prelude { declarations }
            prelude, body = match.group(1).strip(), match.group(2)
            if selector in prelude:
                rule = f"{prelude.replace(selector, replacement)}{{{body}}}"
                rules.append("".join(f"{at}{{" for at in stack) + rule + "}" * len(stack))
        elif match.group(3) is not None:  # an at-rule opens: @media ... {
            stack.append(match.group(3).strip())
        elif stack:  # an at-rule closes
            stack.pop()
    return "\n".join(rules)


def wrap_tables(output: str) -> str:
    """`output` with each table inside Material's scrolling wrapper, marked as done."""
    return TABLE.sub(rf'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
                     rf'<table class="{OUR_CLASS}">\1</table></div></div>', output)


def on_config(config):
    global _table_rules
    _table_rules = material_rules_for(main_stylesheet(config), MATERIAL_SELECTOR, f"table.{OUR_CLASS}")
    if "display:inline-block" not in _table_rules:
        raise PluginError(f"hooks/tables.py: no `.md-typeset {MATERIAL_SELECTOR}` rules found in "
                          "Material's stylesheet; has Material changed how it styles tables?")
    return config


def on_files(files, config):
    extra = files.get_file_from_path(EXTRA_CSS)
    if extra is None:
        raise PluginError(f"hooks/tables.py: {EXTRA_CSS} is not in the site")
    extra.content_string = (extra.content_string + "\n/* Material's table rules for table.xd-table "
                            "(hooks/tables.py) */\n" + _table_rules + "\n")
    return files


def on_post_page(output, page, config):
    return wrap_tables(output)
