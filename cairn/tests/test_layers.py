"""Layers read from the source (`scripts/app_graph.py`'s reading of imports): `lib` is the bottom
layer and imports nothing of Cairn's, and only `audit` appends to the audit chain."""

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"node_modules", ".venv", "var", "migrations", "tests", ".git"}


def _app_graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("app_graph", ROOT / "scripts" / "app_graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("app_graph", module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_lib_imports_no_cairn_app() -> None:
    """lib's own code, at the top of a module or inside a function; its tests may use the demo
    world to exercise the helpers."""
    graph = _app_graph()
    cairn = {*graph.cairn_apps(), "cairn"} - {"lib"}
    reaching = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in graph.source_files("lib")
        for module in graph.imported_modules(path)
        if module.split(".")[0] in cairn
    ]
    assert not reaching, f"lib must not import Cairn's apps; move these into their app: {reaching}"


def test_the_app_graph_finds_cycles_and_sorts_imports_by_kind() -> None:
    graph = _app_graph()
    small = graph.Graph(
        apps=["a", "b", "c", "d"],
        edges={"a": Counter({"b": 1}), "b": Counter({"c": 2}), "c": Counter({"a": 1}), "d": {}},
    )
    assert small.cycles() == [["a", "b", "c"]]
    assert graph.kind_of("participants.models") == "models"
    assert graph.kind_of("organizations.access_services") == "services/selectors"
    assert graph.kind_of("consent.views") == "other"
    whole = graph.build()
    assert "lib" in whole.apps and not whole.edges["lib"]
    assert all("lib" not in cycle for cycle in whole.cycles())


# Writing an audit row or moving a chain's head, by the ORM, by COPY or by SQL.
CHAIN_WRITES = re.compile(
    r"AuditEvent(\.objects|\._default_manager)\.(create|bulk_create|get_or_create|update_or_create)"
    r"|\bAuditEvent\("
    r"|(copy_rows|bulk_insert)\(\s*AuditEvent\b"
    r"|\bAuditChainHead\b"
    r"|\b(INSERT\s+INTO|COPY)\s+\W?audit_audit(event|chainhead)"
    r"|from audit\.chain import|audit\.services import[^\n]*\blocked_head\b",
    re.IGNORECASE,
)


def test_only_audit_appends_to_the_audit_chain() -> None:
    """Outside `audit/`, events are written through `audit.services` (`record_event`,
    `record_events`, `start_chain`), never by hand."""
    writers = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED & set(relative.parts) or relative.parts[0] == "audit":
            continue
        for match in CHAIN_WRITES.finditer(path.read_text(encoding="utf-8")):
            writers.append(f"{relative}: {match.group(0)}")
    assert not writers, f"append through audit.services instead: {writers}"


# The layers from the bottom: lib, audit (the trail), organizations, accounts, then the domain
# apps; oversight (the audit review) sits above organizations.
BOTTOM_UP = ["lib", "audit", "organizations", "accounts"]


def test_no_import_cycle_among_apps() -> None:
    """Every import counts, at the top of a module or inside a function (`apps.py`'s `ready()`
    included): an app reaches a higher one only through an extension point the lower app
    declares (`<app>/extensions.py`), or the project composes them (`cairn/`)."""
    graph = _app_graph().build()
    cycles = graph.cycles()
    assert not cycles, f"import cycles among apps: {cycles}\n" + "\n".join(
        f"  {app} -> {', '.join(sorted(graph.edges[app]))}" for cycle in cycles for app in cycle
    )


def test_the_core_layers_import_only_downward() -> None:
    """The trail knows no organization or account class, organizations knows no account class:
    each names what is above it by interface (a row's key, Django's base user)."""
    graph = _app_graph().build()
    upward = [
        f"{low} -> {high}"
        for i, low in enumerate(BOTTOM_UP)
        for high in BOTTOM_UP[i + 1 :]
        if graph.edges[low].get(high)
    ]
    assert not upward, f"a lower layer imports a higher one: {upward}"
