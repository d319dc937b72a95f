"""The apps depend on each other in one direction: clinic <- billing <- assessments.

clinic (tenants and people) names nothing of the apps above it; billing (payers,
coverage, decisions and the pure rules) names clinic only; assessments (sessions,
notes and the clinician's pages) may use both. Imports and string model
references ("billing.Payer") both count. Migrations are left out: they name
whatever the models name, and test_migrations checks they import nothing.
"""

import ast
import re
import sys
from pathlib import Path

import pytest

from tests.billing.rules.test_purity import (
    CLOCK_ATTRIBUTES,
    FORBIDDEN_STDLIB,
    _hidden_state,
    _imported_modules,
)

ROOT = Path(__file__).resolve().parents[1]
APPS = ("clinic", "billing", "assessments")
# What each app must never name.
FORBIDDEN = {
    "clinic": {"billing", "assessments"},
    "billing": {"assessments"},
    "assessments": set(),
}
MODEL_REFERENCE = re.compile(r"^(clinic|billing|assessments)\.[A-Z]\w*$")


def _sources(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _named_apps(path: Path) -> set[tuple[str, int]]:
    """Return (app, line) for every import of, or model reference into, an app."""
    named = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = MODEL_REFERENCE.match(node.value)
            names = [match.group(0)] if match else []
        else:
            continue
        for name in names:
            root = name.split(".")[0]
            if root in APPS:
                named.add((root, node.lineno))
    return named


@pytest.mark.parametrize("app", APPS)
def test_app_names_only_the_apps_below_it(app):
    # when
    offenders = [
        f"{path.relative_to(ROOT)}:{line} names {named}"
        for path in _sources(app)
        for named, line in sorted(_named_apps(path))
        if named in FORBIDDEN[app]
    ]
    # then
    assert offenders == []


def test_the_check_sees_imports_and_model_references(tmp_path):
    """A guard that sees nothing would pass forever; show it catches each form."""
    # given
    module = tmp_path / "sample.py"
    module.write_text(
        "import billing.rules\n"
        "from assessments.models import TestSession\n"
        "payer = models.ForeignKey('billing.Payer', on_delete=models.PROTECT)\n"
        "text = 'billing.rules is pure'\n"
    )
    # when
    named = _named_apps(module)
    # then
    assert named == {("billing", 1), ("assessments", 2), ("billing", 3)}


# Pure-Python packages: domain logic with no Django, no app, no clock and no
# float, so they are testable in milliseconds and answer the same every time
# (STYLE.md §4 item 4). billing.rules has its own, stricter checks
# (tests/billing/rules/test_purity.py); each package listed here gets these.
PURE_PACKAGES = ("billing/rules", "assessments/norms")


def _pure_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_packages_import_only_the_standard_library_and_themselves(package):
    # given
    own = package.replace("/", ".")
    files = _pure_files(package)
    # when
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in _imported_modules(
            path.read_text(encoding="utf-8"),
            list(path.relative_to(ROOT).parent.parts),
        )
        if not (
            module == own
            or module.startswith(own + ".")
            or (
                module.split(".")[0] in sys.stdlib_module_names
                and module.split(".")[0] not in FORBIDDEN_STDLIB
            )
        )
    ]
    # then
    assert files
    assert offenders == []


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_packages_use_no_float_no_clock_and_keep_no_state(package):
    # given / when
    offenders = [
        f"{path.relative_to(ROOT)}:{found}"
        for path in _pure_files(package)
        for found in _hidden_state(path.read_text(encoding="utf-8"))
        + [
            f"{node.lineno}: {ast.unparse(node)}"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if (isinstance(node, ast.Constant) and isinstance(node.value, float))
            or (isinstance(node, ast.Name) and node.id in ("float", "__import__"))
            or (isinstance(node, ast.Attribute) and node.attr in CLOCK_ATTRIBUTES)
        ]
    ]
    # then
    assert offenders == []
