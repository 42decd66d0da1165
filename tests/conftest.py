"""Shared fixtures and helpers of the test suite (others may append; keep each piece small).

- ``require(name)``: import an optional dependency (torch, playwright, ...), or skip the test, or,
  under ``XENTDOC_REQUIRE_OPTIONAL=1`` (CI), fail it.
- ``site_build`` / ``built_site``: ``properdocs build --strict`` run once per session into a
  temporary directory; ``built_site`` is the ``Path`` of the built site (browser tests use it).
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# coursebuild/, the build's own code, is not installed: importable from the repository.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def optional_required() -> bool:
    """True when a missing optional dependency must fail the test instead of skipping it."""
    return os.environ.get("XENTDOC_REQUIRE_OPTIONAL") == "1"


def require(module_name: str):
    """Return the imported module ``module_name``; if it is missing, skip (or fail under CI)."""
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        message = f"optional dependency {module_name!r} is not installed ({error})"
        if optional_required():
            pytest.fail(f"{message}, and XENTDOC_REQUIRE_OPTIONAL=1 forbids skipping", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def site_build(tmp_path_factory):
    """``(completed_process, site_dir)`` of one ``properdocs build --strict`` for the whole session."""
    site_dir = tmp_path_factory.mktemp("site")
    # Plain --strict, never -q or -v: -q hides warnings from the exit code, -v skips anchor checks.
    run = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml",
                          "-d", str(site_dir)], cwd=ROOT, capture_output=True, text=True)
    return run, site_dir


@pytest.fixture(scope="session")
def built_site(site_build) -> Path:
    """Path of the site built by ``properdocs build --strict``; fails the test if the build failed."""
    run, site_dir = site_build
    if run.returncode != 0:
        pytest.fail(f"properdocs build --strict failed (exit {run.returncode}):\n{run.stderr[-4000:]}",
                    pytrace=False)
    return site_dir


def numpy_simd_line() -> str:
    """The SIMD extensions NumPy dispatches to on this CPU, as `numpy.show_runtime()` lists them
    (float32 `exp` and `log` differ by ulps between the AVX-512 and the AVX2 kernels)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    found = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    missing = [name for name in __cpu_dispatch__ if not __cpu_features__.get(name)]
    disabled = os.environ.get("NPY_DISABLE_CPU_FEATURES", "")
    return (f"numpy SIMD found: {', '.join(found) or 'none'}; not found: {', '.join(missing) or 'none'}"
            + (f" (NPY_DISABLE_CPU_FEATURES={disabled!r})" if disabled else ""))


def pytest_report_header(config):
    return numpy_simd_line()
