"""`make bundle`: the course offline, in one zip, xentdoc-course-VERSION.zip.

    python scripts/make_bundle.py --pdf xentdoc-course.pdf --wheel dist/xentdoc-VERSION-py3-none-any.whl

The zip holds one folder, xentdoc-course-VERSION/, with
- site/: the site built from mkdocs-offline.yml, to be opened from disk (file://): navigation,
  figures, formulas, the interactive figures and search work without a server;
- xentdoc-course.pdf: the whole course (`make pdf`);
- notebooks/: each course page as a Jupyter notebook, and its exercises' solutions;
- the wheel of the package (`make dist`);
- README.txt: what is inside and how to start.
Entries are sorted and dated SOURCE_DATE_EPOCH (else 1980-01-01): the same inputs give the same zip.
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import xentdoc  # noqa: E402

README = """xentdoc {version}: the course on cross-entropy loss, offline
===============================================================

What is inside
- site/             the course's web site, made to be opened from disk: open site/index.html in a
                    browser. Navigation, figures, formulas, interactive figures and search work
                    without a network or a server.
- {pdf}  the whole course as one PDF, with a bookmark per chapter.
- notebooks/        every course page as a Jupyter notebook (NAME.ipynb), and the solutions of its
                    exercises (NAME-solutions.ipynb).
- {wheel}
                    the xentdoc package, which the code of the pages and notebooks imports.

How to start
1. Read: open site/index.html (or the PDF).
2. Run the code: in a Python 3.11+ environment with NumPy,
       pip install {wheel}
   (or `pip install xentdoc` when online), then `pip install jupyter` and open a notebook:
       jupyter notebook notebooks/softmax.ipynb
   The figure cells also need matplotlib; the PyTorch tabs need torch.

Corrections: site/errata.html lists every correction by version. This is version {version};
the published course is at {site_url}
"""


def build_site(out: Path, config: str = "mkdocs-offline.yml") -> Path:
    """The offline site, built by the generator into `out`."""
    run = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", config, "-d", str(out)],
                         cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"the offline site failed to build:\n{run.stderr[-4000:]}")
    return out


def _date():
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return (1980, 1, 1, 0, 0, 0)
    return datetime.datetime.fromtimestamp(max(int(epoch), 315532800), datetime.timezone.utc).timetuple()[:6]


def make_bundle(pdf: Path, wheel: Path, out_dir: Path, site: Path | None = None) -> Path:
    """Write xentdoc-course-VERSION.zip into `out_dir`; returns its path."""
    version = xentdoc.__version__
    top = f"xentdoc-course-{version}"
    pdf, wheel = Path(pdf), Path(wheel)
    for needed in (pdf, wheel):
        if not needed.is_file():
            raise SystemExit(f"{needed} is missing (make pdf, make dist)")
    with tempfile.TemporaryDirectory(prefix="xentdoc-bundle-") as tmp:
        site = Path(site) if site else build_site(Path(tmp) / "site")
        from coursebuild.errata import site_url

        entries = {f"{top}/site/{p.relative_to(site).as_posix()}": p for p in site.rglob("*") if p.is_file()}
        entries.update({f"{top}/notebooks/{p.name}": p for p in (site / "notebooks").glob("*.ipynb")})
        entries[f"{top}/{pdf.name}"] = pdf
        entries[f"{top}/{wheel.name}"] = wheel
        readme = README.format(version=version, pdf=pdf.name.ljust(16), wheel=wheel.name, site_url=site_url())
        zip_path = Path(out_dir) / f"{top}.zip"
        stamp = _date()
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            info = zipfile.ZipInfo(f"{top}/README.txt", stamp)
            bundle.writestr(info, readme, compress_type=zipfile.ZIP_DEFLATED)
            for name in sorted(entries):
                info = zipfile.ZipInfo(name, stamp)
                info.external_attr = 0o644 << 16
                bundle.writestr(info, entries[name].read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    return zip_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf", type=Path, default=ROOT / "xentdoc-course.pdf")
    parser.add_argument("--wheel", type=Path,
                        default=ROOT / "dist" / f"xentdoc-{xentdoc.__version__}-py3-none-any.whl")
    parser.add_argument("--out-dir", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    path = make_bundle(args.pdf, args.wheel, args.out_dir)
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
