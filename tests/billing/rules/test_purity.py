"""billing.rules stays pure: standard library only, no clock, no float.

The rules must be importable and testable without Django or the apps, and give
the same answer for the same facts whenever they run (STYLE.md §4 item 4, §5.5).
"""

import ast
import sys
from pathlib import Path

import billing.rules

RULES_DIR = Path(billing.rules.__file__).parent
REPO_ROOT = RULES_DIR.parents[1]
# Standard-library modules that would let the rules read a clock or import by name.
FORBIDDEN_STDLIB = {"time", "importlib"}
CLOCK_ATTRIBUTES = {"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp"}


def _rules_files() -> list[Path]:
    return sorted(RULES_DIR.rglob("*.py"))


def _package_of(path: Path) -> list[str]:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    return parts[:-1]


def _imported_modules(source: str, package: list[str]) -> list[str]:
    """Return the absolute names of the modules imported by source in package."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                names.append(".".join([*base, *([node.module] if node.module else [])]))
            else:
                names.append(node.module)
    return names


def _is_allowed(module: str) -> bool:
    if module == "billing.rules" or module.startswith("billing.rules."):
        return True
    root = module.split(".")[0]
    return root in sys.stdlib_module_names and root not in FORBIDDEN_STDLIB


def test_rules_import_only_the_standard_library_and_themselves():
    # given every module of the package
    files = _rules_files()
    # when
    offenders = [
        f"{path.relative_to(REPO_ROOT)}: {module}"
        for path in files
        for module in _imported_modules(
            path.read_text(encoding="utf-8"), _package_of(path)
        )
        if not _is_allowed(module)
    ]
    # then
    assert len(files) >= 10
    assert offenders == []


def test_the_import_check_refuses_django_apps_models_and_the_clock():
    # given a rules module that imports what it must not
    source = (
        "import django.db\n"
        "from clinic.models import Clinic\n"
        "from billing.models import Payer\n"
        "from .. import models\n"
        "from assessments import selectors\n"
        "import time\n"
        "from importlib import import_module\n"
        "from . import units\n"
        "from .codes import UNTIMED_CODES\n"
        "from decimal import Decimal\n"
    )
    # when
    modules = _imported_modules(source, ["billing", "rules"])
    # then
    assert modules == [
        "django.db",
        "clinic.models",
        "billing.models",
        "billing",
        "assessments",
        "time",
        "importlib",
        "billing.rules",
        "billing.rules.codes",
        "decimal",
    ]
    assert [module for module in modules if _is_allowed(module)] == [
        "billing.rules",
        "billing.rules.codes",
        "decimal",
    ]


def test_rules_never_read_the_clock_or_import_by_name():
    # given / when
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{node.lineno} {ast.unparse(node)}"
        for path in _rules_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Attribute) and node.attr in CLOCK_ATTRIBUTES)
        or (isinstance(node, ast.Name) and node.id == "__import__")
    ]
    # then
    assert offenders == []


def test_rules_never_use_floats():
    # given / when
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
        for path in _rules_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Constant) and isinstance(node.value, float))
        or (isinstance(node, ast.Name) and node.id == "float")
    ]
    # then
    assert offenders == []
