"""The build of the course's site: every step from docs/*.md to the finished site/.

Not part of the `xentdoc` package (it is not installed with it): the code that builds the site.
coursebuild/page_pipeline.py lists the steps in order and tells a page's story; the generator
(ProperDocs) runs them through one hook file, hooks/properdocs_adapter.py. Nothing here imports
the generator.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: docs/, node_modules/, .cache/


class BuildError(Exception):
    """A step cannot do its work; the message names the page and what is wrong."""
