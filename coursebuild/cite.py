"""The "Cite" page's BibTeX and APA entries, generated from CITATION.cff at build time.

A line holding only `{{ citation("bibtex") }}` or `{{ citation("apa") }}` in a page becomes a code
block with that entry (`write_citations`, on the Markdown), so the citation is typed once, in
CITATION.cff. CITATION.cff itself is added to the site (download link on the Cite page). tests/test_citation.py checks these entries against
cffconvert's reading of the same file.
"""

import datetime
import re
from pathlib import Path

import yaml

from coursebuild import ROOT, BuildError

CFF = ROOT / "CITATION.cff"

PLACEHOLDER = re.compile(r'^(?P<indent>[ \t]*)\{\{\s*citation\(\s*"(?P<kind>[^"]*)"\s*\)\s*\}\}[ \t]*$', re.M)
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def load(path=CFF):
    """The CITATION.cff mapping, with `date-released` as a datetime.date."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    released = data["date-released"]
    if not isinstance(released, datetime.date):
        released = datetime.date.fromisoformat(str(released))
    data["date-released"] = released
    return data


def _author_names(cff):
    """Each author as (family, given) or, for an entity, (name, None)."""
    names = []
    for author in cff["authors"]:
        if "name" in author:
            names.append((author["name"], None))
        else:
            names.append((author["family-names"], author.get("given-names")))
    return names


def _bibtex_escape(text):
    return re.sub(r"([&%$#_])", r"\\\1", text)


def bibtex(cff):
    """A BibTeX @misc entry (the type every BibTeX style knows) for CITATION.cff's data."""
    released = cff["date-released"]
    authors = " and ".join(
        f"{{{_bibtex_escape(family)}}}" if given is None else f"{_bibtex_escape(family)}, {_bibtex_escape(given)}"
        for family, given in _author_names(cff))
    key = re.sub(r"[^a-z0-9]", "", cff["title"].split(":")[0].lower()) + f"{released.year}"
    fields = [
        ("author", f"{{{authors}}}"),
        # Braces keep the package name's lower case in styles that change the title's case.
        ("title", "{" + re.sub(r"^([^:]+):", r"{\1}:", _bibtex_escape(cff["title"])) + "}"),
        ("year", f"{{{released.year}}}"),
        ("month", MONTHS[released.month - 1]),
        ("version", f"{{{cff['version']}}}"),
        ("howpublished", f"{{\\url{{{cff['url']}}}}}"),
        ("url", f"{{{cff['url']}}}"),
        ("note", f"{{Version {cff['version']}}}"),
    ]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def apa(cff):
    """An APA (7th edition) reference to software for CITATION.cff's data."""
    people = []
    for family, given in _author_names(cff):
        if given is None:
            people.append(family)
        else:
            initials = " ".join(part[0] + "." for part in given.replace("-", " ").split())
            people.append(f"{family}, {initials}")
    if len(people) == 1:
        authors = people[0]
    else:
        authors = ", ".join(people[:-1]) + ", & " + people[-1]
    if not authors.endswith("."):
        authors += "."
    year = cff["date-released"].year
    return f"{authors} ({year}). {cff['title']} (Version {cff['version']}) [Computer software]. {cff['url']}"


def _block(kind, cff, indent):
    if kind == "bibtex":
        lines = ["```bibtex", *bibtex(cff).splitlines(), "```"]
    elif kind == "apa":
        lines = ["```text", apa(cff), "```"]
    else:
        raise BuildError(f'unknown citation format {{{{ citation("{kind}") }}}}: use "bibtex" or "apa"')
    return "\n".join(indent + line for line in lines)


def write_citations(markdown: str, source: str, url: str = "") -> str:
    """Each citation line of a page's Markdown as a code block with that entry."""
    if not PLACEHOLDER.search(markdown):
        return markdown
    try:
        cff = load()
    except (OSError, KeyError, ValueError, yaml.YAMLError) as error:
        raise BuildError(f"CITATION.cff cannot be read for {source}: {error!r}") from error
    return PLACEHOLDER.sub(lambda m: _block(m.group("kind"), cff, m.group("indent")), markdown)
