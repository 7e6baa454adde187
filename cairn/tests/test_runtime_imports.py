"""`make run` installs only the runtime dependencies: application code must not import dev tools."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEV_ONLY = {"django_stubs_ext", "mypy", "pytest", "pytest_django", "playwright", "ruff"}
SKIP_PARTS = {".venv", "node_modules", "tests", "migrations", "var"}


def test_application_code_imports_no_development_only_package() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIP_PARTS & set(relative.parts) or relative.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            offenders += [f"{relative}: {n}" for n in names if n.split(".")[0] in DEV_ONLY]
    assert not offenders, offenders
