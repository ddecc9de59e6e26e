"""The tree is the architecture (README, "Architecture"): these tests fail the build when it breaks.

- import-linter's contracts in pyproject.toml: layers (web and cli above demo, above the domain packages,
  above models and the platform), no circle between domain packages, no forms outside the web layer;
- no domain package, nor the CLI, reads Flask's request, session or g: they know nothing of requests;
- `feedback/` holds packages and the app factory only, no package more than ten modules;
- the README's Architecture section names every package there is.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "feedback"
TOP_LEVEL_MODULES = {"__init__.py"}
MAX_MODULES_PER_PACKAGE = 10
REQUEST_STATE = {"request", "session", "g"}
# Code that runs outside any request: it must be handed what it needs, never reach for the request.
NO_REQUEST_PACKAGES = sorted(
    p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"web", "core"}
)


def request_state_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for every `from flask import request|session|g` and every `flask.request` etc."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in {"flask", "flask.globals"}:
            found += [(node.lineno, f"flask.{a.name}") for a in node.names if a.name in REQUEST_STATE]
        elif isinstance(node, ast.Attribute) and node.attr in REQUEST_STATE:
            if isinstance(node.value, ast.Name) and node.value.id == "flask":
                found.append((node.lineno, f"flask.{node.attr}"))
    return found


def test_import_contracts_are_kept():
    lint = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    result = subprocess.run([sys.executable, "-c", lint], cwd=ROOT, capture_output=True, text=True, timeout=120)
    broken = result.stdout.partition("Broken contracts")[2] or result.stdout
    assert result.returncode == 0, "import-linter: the import rule is broken" + broken[-4000:] + result.stderr[-2000:]


@pytest.mark.parametrize("package", NO_REQUEST_PACKAGES)
def test_domain_packages_know_nothing_of_requests(package):
    offences = [
        f"{path.relative_to(ROOT)}:{line} uses {what}"
        for path in sorted((PACKAGE / package).rglob("*.py"))
        for line, what in request_state_uses(path.read_text())
    ]
    assert not offences, "Domain code must be given what it needs, not read the request:\n" + "\n".join(offences)


def test_the_request_check_catches_each_form():
    assert request_state_uses("from flask import current_app, request\n") == [(1, "flask.request")]
    assert request_state_uses("from flask.globals import session\n") == [(1, "flask.session")]
    assert request_state_uses("import flask\nx = flask.g.user\n") == [(2, "flask.g")]
    assert request_state_uses("from flask import current_app\nrequest = 1\n") == []


def test_feedback_holds_packages_not_loose_modules():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in TOP_LEVEL_MODULES)
    assert not loose, f"Put these in their domain's package (README, Architecture): {loose}"


def test_no_package_grows_past_ten_modules():
    for init in PACKAGE.rglob("__init__.py"):
        modules = [p for p in init.parent.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= MAX_MODULES_PER_PACKAGE, f"{init.parent.relative_to(ROOT)} has {len(modules)} modules"


def test_every_package_says_what_it_owns_and_may_import():
    for init in PACKAGE.rglob("__init__.py"):
        if init.parent.parent != PACKAGE:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert "May import" in doc, f"{init.relative_to(ROOT)} needs a docstring saying what it may import"


def test_readme_architecture_names_every_package():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    missing = [name for name in packages if f"{name}/" not in section]
    assert not missing, f"README's Architecture section does not describe: {missing}"
