"""The course's figures, drawn with matplotlib from the xentdoc package at build time.

One module per page (``sigmoid.py``, ``softmax.py``, ...); each figure is a function
decorated with :func:`xentdoc.figures.registry.figure` that returns a
``matplotlib.figure.Figure``. Modules here are found automatically by
:func:`xentdoc.figures.registry.discover`; the MkDocs hook ``hooks/figures.py`` renders
them to SVG and places them where a page says ``{{ figure("NAME") }}``.

matplotlib is imported only inside this subpackage: ``import xentdoc`` needs NumPy alone.
"""

import os

# Figures are drawn on matplotlib.figure.Figure, never pyplot; pinning the non-GUI backend
# anyway means no import here (doctests included) ever looks for a display.
os.environ.setdefault("MPLBACKEND", "Agg")
