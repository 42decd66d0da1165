"""coursebuild/page_pipeline.py: one list of page steps, the same bytes through the hook or standalone.

A generator without hooks would build the pages as it writes them and then run the pipeline over
the built site. Here the site is built so (XENTDOC_PAGE_PIPELINE=off turns the adapter's
on_post_page and on_post_build into no-ops), `python -m coursebuild.page_pipeline` finishes it,
and every file must equal the session's build through the hook.
"""

import ast
import os
import subprocess
import sys

from conftest import ROOT
from coursebuild import page_pipeline


def test_standalone_pipeline_gives_the_hook_builds_bytes(built_site, tmp_path):
    raw = tmp_path / "site"
    env = dict(os.environ, XENTDOC_PAGE_PIPELINE="off")
    build = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml",
                            "-d", str(raw)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-4000:]
    unfinished = (raw / "softmax" / "index.html").read_text(encoding="utf-8")
    assert '<span class="arithmatex">\\(' in unfinished, "the pipeline ran although it was turned off"
    run = subprocess.run([sys.executable, "-m", "coursebuild.page_pipeline", str(raw)], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    ours = sorted(path.relative_to(raw) for path in raw.rglob("*") if path.is_file())
    theirs = sorted(path.relative_to(built_site) for path in built_site.rglob("*") if path.is_file())
    assert ours == theirs
    different = [str(path) for path in ours if (raw / path).read_bytes() != (built_site / path).read_bytes()]
    assert not different, different


def test_one_hook_one_on_post_page_and_no_hook_reaches_into_another():
    hooks = sorted((ROOT / "hooks").glob("*.py"))
    assert [hook.name for hook in hooks] == ["properdocs_adapter.py"]
    defining = []
    for source in [*hooks, *(ROOT / "coursebuild").rglob("*.py")]:
        text = source.read_text(encoding="utf-8")
        assert "sys.modules" not in text, source
        names = {node.name for node in ast.walk(ast.parse(text)) if isinstance(node, ast.FunctionDef)}
        if "on_post_page" in names:
            defining.append(source.name)
    assert defining == ["properdocs_adapter.py"]


def test_coursebuild_does_not_import_the_generator():
    for source in (ROOT / "coursebuild").rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"mkdocs", "properdocs", "material"}, source


def test_the_page_steps_are_one_ordered_list_of_html_functions():
    steps = page_pipeline.PAGE_STEPS
    assert len(steps) == len(set(steps)) >= 10
    names = [step.__name__ for step in steps]
    assert names[0] == "assemble_print_page" and names[-1] == "stamp_version"
    assert names.index("render_math") < names.index("preload_math_font")  # the font follows the MathML
    for step in steps:
        assert step.__code__.co_argcount == 2, f"{step.__name__} is not (html, page) -> html"
