"""Material's script starts after the page's first frame, not before it.

Material's bundle is the largest script of a page. Loaded as MkDocs writes it (a script at the end
of <body>, deferred by coursebuild/lean.py), it runs as soon as the page is parsed: often before the
browser has painted anything, so the first paint waits for it, and its first reading of the
viewport's size makes the browser compute the style of every element in the middle of the script.

Here its <script> tag becomes a short inline loader in the same place, and <head> preloads the
file so that it still downloads with the stylesheets. The loader adds the script in the task after
the first frame (a timer set from requestAnimationFrame): the text is on screen first, the styles
are already computed when Material reads them, and the bundle's start-up and its mounting of the
page's components are two tasks instead of one (scripts/lighthouse: observed first paint, total
blocking time).

Material mounts its components when DOMContentLoaded fires. If the page has already passed that
event when the bundle arrives, the loader hands Material the page through `document$`, the
observable of page loads that Material publishes for scripts such as ours, once, exactly as the
event would. Scripts of the site that use `document$` test for it and fall back to
DOMContentLoaded (copy.js, a11y.js, widget-kit.js), so they do not depend on this order.

The print page loads no Material script at all (coursebuild/print_page.py).
"""

import re

from coursebuild import BuildError

BUNDLE_TAG = re.compile(r'<script src="((?:\.\./)*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"(?: defer)?></script>')

# `parsed` is set by our own DOMContentLoaded listener, added before the bundle exists: if it is
# true when the bundle has run, Material's listener (added by the bundle) will never fire.
# The mount goes in a task of its own (setTimeout), not in the bundle's.
LOADER = """<script>(function () {
  var parsed = false;
  document.addEventListener("DOMContentLoaded", function () { parsed = true; });
  requestAnimationFrame(function () {
    setTimeout(function () {
      var script = document.createElement("script");
      script.src = "%s";
      script.onload = function () {
        if (parsed) setTimeout(function () { document$.next(document); }, 0);
      };
      document.body.appendChild(script);
    }, 0);
  });
})();</script>"""


def load_after_first_frame(output: str, page=None) -> str:
    """`output` with Material's bundle preloaded in <head> and started after the first frame."""
    if page is not None and page.is_print:
        return output  # it loads no Material script
    tags = BUNDLE_TAG.findall(output)
    if len(tags) != 1 or "</head>" not in output:
        raise BuildError(f"coursebuild/theme_script.py: expected one <script> of Material's bundle and a "
                          f"</head>, found {len(tags)} bundle tags")
    url = tags[0]
    output = BUNDLE_TAG.sub(lambda match: LOADER % url, output)
    return output.replace("</head>", f'<link rel="preload" href="{url}" as="script"></head>', 1)

