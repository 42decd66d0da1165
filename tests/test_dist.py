"""The package as users get it: `make dist` builds an sdist and a wheel; the wheel installs into a
fresh virtual environment without the network and runs a page snippet; a version tag publishes it
to PyPI by trusted publishing; every page whose code imports xentdoc says how to install it."""

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import numpy
import pytest
import yaml

import xentdoc
from conftest import DOCS, ROOT
from site_config import built_path, nav_pages

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """dist/ as `make dist` writes it (the same command), in a temporary folder."""
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out


def test_make_dist_builds_an_sdist_and_a_wheel_of_the_version(dist):
    names = sorted(path.name for path in dist.iterdir())
    assert names == [f"xentdoc-{xentdoc.__version__}-py3-none-any.whl", f"xentdoc-{xentdoc.__version__}.tar.gz"]
    assert PROJECT["version"] == xentdoc.__version__
    wheel = zipfile.ZipFile(next(dist.glob("*.whl")))
    files = wheel.namelist()
    package = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "xentdoc").rglob("*.py"))
    assert sorted(f for f in files if f.startswith("xentdoc/")) == package
    assert not [f for f in files if f.startswith(("coursebuild/", "tests/", "docs/", "hooks/"))]
    metadata = wheel.read(f"xentdoc-{xentdoc.__version__}.dist-info/METADATA").decode()
    assert re.search(r"^Requires-Dist: numpy>=", metadata, re.M)
    assert "License-Expression: MIT" in metadata


def _numpy_only(folder: Path) -> Path:
    """A folder holding only the running environment's NumPy (links to it, and its dist-info)."""
    folder.mkdir()
    site = Path(numpy.__file__).resolve().parent.parent
    for entry in site.iterdir():
        if entry.name == "numpy" or entry.name == "numpy.libs" or re.match(r"numpy-[\d.]+\.dist-info$", entry.name):
            (folder / entry.name).symlink_to(entry)
    return folder


def test_the_wheel_installs_into_a_fresh_venv_and_runs_a_page_snippet(dist, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # NumPy from this environment, seen by the new one; nothing else of this environment is.
    (Path(purelib) / "numpy-from-tests.pth").write_text(str(_numpy_only(tmp_path / "numpy-only")) + "\n")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_NO_INDEX"] = "1"  # never the network
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(dist),
                              "--disable-pip-version-check", "xentdoc"], capture_output=True, text=True,
                             env=env, cwd=tmp_path)
    assert install.returncode == 0, install.stdout + install.stderr
    # The home page's first snippet, run from a folder with no xentdoc/ in it.
    from test_snippets import expected_output, fenced_blocks

    block = next(b for b in fenced_blocks(DOCS / "index.md") if b.lang == "python")
    code = f"import xentdoc, sys\nprint(xentdoc.__file__, file=sys.stderr)\n{block.code}"
    run = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert Path(run.stderr.strip()).is_relative_to(venv), f"xentdoc imported from {run.stderr.strip()}"
    assert run.stdout.splitlines() == expected_output(block.code)


def test_a_version_tag_publishes_to_pypi_by_trusted_publishing():
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers == {"push": {"tags": ["v*"]}}
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    step = next(s for s in publish["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@"))
    assert not step.get("with"), "trusted publishing takes no password or token"
    assert not re.search(r"secrets\.|password|api[-_]token|PYPI_TOKEN", yaml.safe_dump(workflow), re.I)  # comments aside
    assert "python -m build" in text and "build==" in text


def test_home_page_and_readme_say_how_to_install():
    home = (DOCS / "index.md").read_text(encoding="utf-8")
    assert re.search(r"`pip install xentdoc`.*`pip install \.`.*\n\{: #install \}", home)
    assert home.index("{: #install }") < home.index("```python")  # near the top: before any code
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`pip install xentdoc`" in readme and "`pip install .`" in readme


def _imports_xentdoc(src):
    return bool(re.search(r"^[ \t]*(?:import|from) xentdoc\b", (DOCS / src).read_text(encoding="utf-8"), re.M))


PAGES_WITH_XENTDOC = [src for src in nav_pages() if src != "index.md" and _imports_xentdoc(src)]


def test_pages_import_xentdoc():
    assert len(PAGES_WITH_XENTDOC) >= 9


@pytest.mark.parametrize("src", PAGES_WITH_XENTDOC)
def test_every_page_that_imports_xentdoc_links_to_the_install_line(built_site, src):
    page = built_path(built_site, src)
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'<p class="xd-page-tools">(.*?)</p>', html, re.S)
    assert len(links) == 1, f"{src}: no install line under the title"
    href = re.search(r'href="([^"]+)"', links[0])[1]
    target, _, anchor = href.partition("#")
    home = (page.parent / target).resolve()
    home = home / "index.html" if home.is_dir() else home
    assert home == (built_site / "index.html").resolve() and anchor == "install"
    assert 'id="install"' in (built_site / "index.html").read_text(encoding="utf-8")
