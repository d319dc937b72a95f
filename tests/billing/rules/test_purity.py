"""billing.rules stays pure: standard library only, no clock, no float, no state.

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
# functools memos keep results between calls: hidden state that also hands a test the
# result of an earlier call instead of running the code under test.
CACHE_NAMES = {"lru_cache", "cache", "cached_property"}
MUTABLE_DISPLAYS = (
    ast.Dict,
    ast.List,
    ast.Set,
    ast.DictComp,
    ast.ListComp,
    ast.SetComp,
)
MUTABLE_TYPES = {"dict", "list", "set", "bytearray", "defaultdict", "Counter", "deque"}


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


def _hidden_state(source: str) -> list[str]:
    """Return "line: code", in line order, for each way source keeps state.

    That is a functools cache, a global statement, or a module-level name bound to a
    mutable container. __all__ is exempt: only "import *" reads it.
    """
    tree = ast.parse(source)
    functools_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "functools"
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "functools":
            hit = any(alias.name in CACHE_NAMES for alias in node.names)
        elif isinstance(node, ast.Attribute):
            hit = (
                node.attr in CACHE_NAMES
                and isinstance(node.value, ast.Name)
                and node.value.id in functools_names
            )
        else:
            hit = isinstance(node, ast.Global)
        if hit:
            found.append((node.lineno, ast.unparse(node)))
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if [ast.unparse(target) for target in targets] == ["__all__"]:
            continue
        value = node.value
        called = value.func if isinstance(value, ast.Call) else None
        if isinstance(value, MUTABLE_DISPLAYS) or (
            (isinstance(called, ast.Name) and called.id in MUTABLE_TYPES)
            or (isinstance(called, ast.Attribute) and called.attr in MUTABLE_TYPES)
        ):
            found.append((node.lineno, ast.unparse(node)))
    return [f"{line}: {code}" for line, code in sorted(found)]


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


def test_rules_keep_no_state_between_calls():
    # given every module of the package
    files = _rules_files()
    # when
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{found}"
        for path in files
        for found in _hidden_state(path.read_text(encoding="utf-8"))
    ]
    # then
    assert len(files) >= 10
    assert offenders == []


def test_the_state_check_finds_caches_globals_and_mutable_module_values():
    # given a rules module with every kind of hidden state, and harmless lookalikes
    source = (
        "import functools\n"
        "import functools as ft\n"
        "from functools import lru_cache, reduce\n"
        "from functools import cached_property as lazy\n"
        "from collections import defaultdict\n"
        "from types import MappingProxyType\n"
        "__all__ = ['decide']\n"
        "CODES = frozenset({'97750'})\n"
        "RATES = MappingProxyType({'PT': 1})\n"
        "ORDER = ('PT', 'OT')\n"
        "SEEN = set()\n"
        "MODIFIERS = {'PT': 'GP'}\n"
        "NAMES: list[str] = []\n"
        "BY_CODE = defaultdict(list)\n"
        "SQUARES = {n: n * n for n in range(3)}\n"
        "@functools.cache\n"
        "def a(): return functools.reduce(max, [1])\n"
        "@ft.lru_cache(maxsize=8)\n"
        "def b(): return {}\n"
        "def c(ledger):\n"
        "    global SEEN\n"
        "    return ledger.cache\n"
    )
    # when
    found = _hidden_state(source)
    # then locals, tuples, frozensets, read-only mappings and other attributes pass
    assert found == [
        "3: from functools import lru_cache, reduce",
        "4: from functools import cached_property as lazy",
        "11: SEEN = set()",
        "12: MODIFIERS = {'PT': 'GP'}",
        "13: NAMES: list[str] = []",
        "14: BY_CODE = defaultdict(list)",
        "15: SQUARES = {n: n * n for n in range(3)}",
        "16: functools.cache",
        "18: ft.lru_cache",
        "21: global SEEN",
    ]
