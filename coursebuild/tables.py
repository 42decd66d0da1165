"""Each table wrapped for sideways scrolling at build time, not moved at load.

When a page loads, Material's script wraps every `table:not([class])` in two <div>s, a box that
scrolls sideways on a narrow screen: it takes the table out of the page and puts it back inside
the wrapper, and the browser styles and lays out every cell again (on the cheat sheet a thousand
elements, most of them formulas; scripts/lighthouse, total blocking time). Here the same wrapper is
written at build time, and the table gets `class="xd-table"`, which Material's script skips.

Material styles tables by that same selector, `.md-typeset table:not([class])`; its rules are
copied from its stylesheet for `table.xd-table` (inside their @media rules, if any) and appended
to stylesheets/extra.css as the site serves it (`extra_css_with_table_rules`, before the build), so
tables look exactly as before.
"""

import re

from coursebuild import BuildError

MATERIAL_SELECTOR = "table:not([class])"
OUR_CLASS = "xd-table"
EXTRA_CSS = "stylesheets/extra.css"
TABLE = re.compile(r"<table>(.*?)</table>", re.S)  # Markdown and mkdocstrings tables: no attributes
# A rule `prelude { declarations }`, an at-rule opening `@media ... {`, or a closing brace.
CSS_BLOCK = re.compile(r"([^{}]*)\{([^{}]*)\}|([^{}]*)\{|\}")


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


def wrap_tables(output: str, page=None) -> str:
    """`output` with each table inside Material's scrolling wrapper, marked as done."""
    return TABLE.sub(rf'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
                     rf'<table class="{OUR_CLASS}">\1</table></div></div>', output)


def extra_css_with_table_rules(extra_css: str, material_css: str) -> str:
    """The site's extra.css followed by Material's table rules, rewritten for table.xd-table."""
    rules = material_rules_for(material_css, MATERIAL_SELECTOR, f"table.{OUR_CLASS}")
    if "display:inline-block" not in rules:
        raise BuildError(f"coursebuild/tables.py: no `.md-typeset {MATERIAL_SELECTOR}` rules found in "
                         "Material's stylesheet; has Material changed how it styles tables?")
    return extra_css + "\n/* Material's table rules for table.xd-table (coursebuild/tables.py) */\n" + rules + "\n"
