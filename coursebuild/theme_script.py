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

The loader also holds back Material's request for the search index until the reader first goes to
search. Material requests search/search_index.json (about 90 KB gzip, more than all of the page's
scripts) with an XMLHttpRequest as it starts, on every page, and parses it on the main thread;
most readers of a page never search. Wrappers of XMLHttpRequest's open and send, set before the
bundle runs, hold that one request's send until the search form gets focus (a click on it or on
the search button, or Material's keyboard shortcuts, which focus it), the search toggle changes,
or a pointer moves over the search box; Material waits for the response before it sends the
worker its index, as it always does, and shows "Initializing search" meanwhile. A page opened
with a query in its address (?q=), or from a search result (?h=, whose words Material highlights
with the index's word separator), requests it at once. The offline bundle (file://) loads the
index with a <script> instead, and is not affected.
"""

import re

from coursebuild import BuildError

BUNDLE_TAG = re.compile(r'<script src="((?:\.\./)*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"(?: defer)?></script>')

# `parsed` is set by our own DOMContentLoaded listener, added before the bundle exists: if it is
# true when the bundle has run, Material's listener (added by the bundle) will never fire.
# The mount goes in a task of its own (setTimeout), not in the bundle's.
LOADER = """<script>(function () {
  var xhr = XMLHttpRequest.prototype, open = xhr.open, send = xhr.send, index = "search/search_index.json";
  if (!/[?&][qh]=/.test(location.search)) {
    xhr.open = function (method, url) {
      this.xdIndex = String(url).split(/[?#]/)[0].slice(-index.length) === index;
      return open.apply(this, arguments);
    };
    xhr.send = function () {
      if (!this.xdIndex) return send.apply(this, arguments);
      xhr.open = open;
      xhr.send = send;
      var request = this, args = arguments, started = false;
      var form = document.forms.namedItem("search"), toggle = document.getElementById("__search");
      var box = document.querySelector(".md-search");
      function start() {
        if (!started) { started = true; send.apply(request, args); }
      }
      if (!form || form.contains(document.activeElement)) return start();
      form.addEventListener("focusin", start);
      if (toggle) toggle.addEventListener("change", start);
      if (box) box.addEventListener("pointerover", start);
    };
  }
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

