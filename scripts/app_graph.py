"""Print which Cairn app imports which, the import cycles among apps, and how apps reach each other.

Read from the source with `ast` (nothing is imported or run): every `import` and `from ... import`
counts, at the top of a module or inside a function. Tests, migrations and conftest files are left
out. An app is a top-level folder with an `apps.py`; `lib` is one of them.

A cross-app import reaches into the other app's models (`x.models`, `x.*_models`), through its
services or selectors (`x.services`, `x.selectors`, `x.*_services`, `x.*_selectors`, and the same
names in a subpackage such as `portal.plan.services`), or into anything else (views, forms,
extension points, helpers); each imported module counts once per import statement.

Usage: .venv/bin/python scripts/app_graph.py [--quiet]
"""

import ast
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {"tests", "migrations", "node_modules", ".venv", "var"}
CORE = {"lib", "audit", "organizations", "accounts"}
PROJECT = "cairn"


def cairn_apps(root: Path = ROOT) -> list[str]:
    return sorted(p.parent.name for p in root.glob("*/apps.py"))


def source_files(app: str, root: Path = ROOT) -> list[Path]:
    return sorted(
        path
        for path in (root / app).rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(root).parts)
        and not path.name.startswith("test_")
        and path.name != "conftest.py"
    )


def imported_modules(path: Path) -> list[str]:
    """Every module an import statement in this file names, top-level and function-level."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            # `from audit import services` names the submodule, not only the package.
            if base.count(".") == 0:
                found.extend(f"{base}.{alias.name}" for alias in node.names)
            else:
                found.append(base)
    return found


def kind_of(module: str) -> str:
    parts = module.split(".")
    # The module's own name: `portal.plan.services` is a services module of a subpackage.
    leaf = parts[-1] if len(parts) > 1 else ""
    if leaf == "models" or leaf.endswith("_models"):
        return "models"
    if leaf in {"services", "selectors"} or leaf.endswith(("_services", "_selectors")):
        return "services/selectors"
    return "other"


@dataclass
class Graph:
    apps: list[str]
    edges: dict[str, Counter[str]] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    # Imports into another domain app's models, leaving out the core every app stands on (the
    # trail, organizations and accounts: an organization, a role, a user) and the project
    # package `cairn/`, which composes the apps (the URL map, the demo world).
    domain_model_imports: int = 0

    def cycles(self) -> list[list[str]]:
        """Strongly connected components with more than one app (Tarjan's algorithm)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []

        def visit(app: str) -> None:
            index[app] = low[app] = len(index)
            stack.append(app)
            on_stack.add(app)
            for other in sorted(self.edges.get(app, {})):
                if other not in index:
                    visit(other)
                    low[app] = min(low[app], low[other])
                elif other in on_stack:
                    low[app] = min(low[app], index[other])
            if low[app] == index[app]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == app:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

        for app in self.apps:
            if app not in index:
                visit(app)
        return sorted(found, key=lambda c: (-len(c), c))


def build(root: Path = ROOT) -> Graph:
    apps = cairn_apps(root)
    graph = Graph(apps=apps, edges={app: Counter() for app in apps})
    for app in apps:
        for path in source_files(app, root):
            for module in imported_modules(path):
                target = module.split(".")[0]
                if target in apps and target != app:
                    graph.edges[app][target] += 1
                    graph.kinds[kind_of(module)] += 1
                    if kind_of(module) == "models" and target not in CORE and app != PROJECT:
                        graph.domain_model_imports += 1
    return graph


def report(graph: Graph, *, quiet: bool = False) -> str:
    lines = []
    if not quiet:
        lines.append("app imports (app -> imported app: import count)")
        for app in graph.apps:
            targets = ", ".join(f"{t}: {n}" for t, n in sorted(graph.edges[app].items()))
            lines.append(f"  {app} -> {targets or '(none)'}")
    cycles = graph.cycles()
    lines.append("import cycles among apps (strongly connected components)")
    lines.extend(f"  {len(c)} apps: {', '.join(c)}" for c in cycles)
    if not cycles:
        lines.append("  none")
    in_cycles = sum(len(c) for c in cycles)
    edges = sum(len(targets) for targets in graph.edges.values())
    lines.append("summary")
    lines.append(f"  apps: {len(graph.apps)}; app-to-app edges: {edges}")
    lines.append(f"  apps in cycles: {in_cycles}, cycles among apps: {len(cycles)}")
    lines.append(
        f"  cross-app imports: {sum(graph.kinds.values())}; into models: {graph.kinds['models']}; "
        f"through services/selectors: {graph.kinds['services/selectors']}; "
        f"other: {graph.kinds['other']}"
    )
    lines.append(
        f"  into another domain app's models (not the core {', '.join(sorted(CORE))}, "
        f"not from {PROJECT}/): {graph.domain_model_imports}"
    )
    lib_imports = sorted(graph.edges.get("lib", {}))
    lines.append(f"  lib imports: {', '.join(lib_imports) or 'nothing of Cairn'}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(build(), quiet="--quiet" in sys.argv[1:]))
    sys.exit(0)
