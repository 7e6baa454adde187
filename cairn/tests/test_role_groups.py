"""Role groups are named once, on the role type (`organizations.models.Role`): a module that needs
"coaches and supervisors" asks for `Role.care_team()` instead of spelling its own tuple, so the
same name never means two different sets of people."""

import ast
from pathlib import Path

from organizations.models import Role

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"node_modules", ".venv", "var", "migrations", "tests", ".git"}
HOME = Path("organizations") / "models.py"


def _is_role_member(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
        and node.attr.isupper()
    )


def role_sets_in(source: str) -> list[int]:
    """Line numbers where two or more `Role.X` are gathered by hand: a tuple, list or set literal
    (a `frozenset({...})` holds one), or the arguments of one call (`member_required(A, B)`)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            members = node.elts
        elif isinstance(node, ast.Call):
            members = node.args
        else:
            continue
        if sum(_is_role_member(member) for member in members) >= 2:
            lines.append(node.lineno)
    return lines


def test_the_check_finds_a_hand_made_role_set() -> None:
    assert role_sets_in("READERS = (Role.COACH, Role.SUPERVISOR)\n") == [1]
    assert role_sets_in("x = frozenset({Role.COACH, Role.MANAGER})\n") == [1]
    assert role_sets_in("@member_required(Role.COACH, Role.SUPERVISOR)\ndef f(): ...\n") == [1]
    assert role_sets_in("q.filter(role__in=[Role.COACH, Role.ADMIN])\n") == [1]
    # One role, a mapping keyed by role, and a named group are fine.
    assert role_sets_in("@member_required(Role.MANAGER)\ndef f(): ...\n") == []
    assert role_sets_in("HOME = {Role.COACH: 'today', Role.ADMIN: 'people'}\n") == []
    assert role_sets_in("@member_required(*Role.care_team())\ndef f(): ...\n") == []


def test_no_module_but_the_role_type_builds_its_own_role_set() -> None:
    found: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED & set(relative.parts) or path.name.startswith("test_") or relative == HOME:
            continue
        found.extend(
            f"{relative}:{line}" for line in role_sets_in(path.read_text(encoding="utf-8"))
        )
    assert not found, f"name the group once on organizations.models.Role and use it: {found}"


def test_the_groups_hold_who_the_matrix_expects() -> None:
    assert Role.staff() == {Role.COACH, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}
    assert Role.with_participant_access() == {Role.COACH, Role.SUPERVISOR, Role.MANAGER}
    assert Role.care_team() == {Role.COACH, Role.SUPERVISOR}
    assert Role.oversight() == {Role.SUPERVISOR, Role.MANAGER}
    assert Role.approvers() == {Role.MANAGER, Role.ADMIN}
    assert Role.billing_keepers() == {Role.MANAGER, Role.ADMIN}
    # An administrator never opens participant content, and a participant is never staff.
    assert Role.ADMIN not in Role.with_participant_access()
    assert Role.PARTICIPANT not in Role.staff()
