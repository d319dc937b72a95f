"""What a clinician or a payer reads cites public sources, never the project's notes.

DOMAIN.md, PEERS.md and STYLE.md are the developers' research files: a finding
that cites "DOMAIN.md §1.2" sends a therapist or an auditor to a file they
cannot open. Developers may cite them in comments and docstrings; every other
string of the app and every template must name the CMS manual, MAC article,
statute or paper instead.
"""

import ast
import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
INTERNAL_FILE = re.compile(r"\b(DOMAIN|PEERS|STYLE)\.md\b")
APP_DIRS = ("assessments", "billing", "clinic", "config", "bench")


def _docstring_nodes(tree: ast.AST) -> set[int]:
    """Return the ids of the string nodes that are docstrings (for developers)."""
    nodes = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                nodes.add(id(value))
    return nodes


def internal_citations_in_code(source: str) -> list[str]:
    """Return the string literals of ``source`` (docstrings aside) citing an internal file."""
    tree = ast.parse(source)
    docstrings = _docstring_nodes(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and INTERNAL_FILE.search(node.value)
    ]


def _python_files() -> list[Path]:
    return [
        path
        for directory in APP_DIRS
        for path in sorted((BASE_DIR / directory).rglob("*.py"))
        if "migrations" not in path.parts
    ]


@pytest.mark.parametrize("path", _python_files(), ids=str)
def test_no_string_of_the_app_cites_an_internal_file(path):
    assert internal_citations_in_code(path.read_text()) == []


@pytest.mark.parametrize("path", sorted((BASE_DIR / "templates").rglob("*.*")), ids=str)
def test_no_template_cites_an_internal_file(path):
    assert not INTERNAL_FILE.search(path.read_text())


def test_the_check_finds_a_citation_in_a_string_but_not_in_a_docstring():
    source = (
        '"""Units per DOMAIN.md §1.2."""\n'
        "# a comment on DOMAIN.md\n"
        'SOURCE = "DOMAIN.md §1.2"\n'
        "def f():\n"
        '    """See STYLE.md."""\n'
        '    return "CMS Pub. 100-04 Ch. 5 §20.2"\n'
    )
    assert internal_citations_in_code(source) == ["DOMAIN.md §1.2"]
