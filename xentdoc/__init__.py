"""xentdoc: cross-entropy and its building blocks, computed exactly with NumPy."""
