"""Roles, stages, attendance codes and KK recommendations are compared as typed members
(models/choices.py), never as bare strings: a misspelt member fails at once, a misspelt
string silently matches nothing."""

from __future__ import annotations

import ast
from pathlib import Path

from models.choices import AttendanceCode, Recommendation, Role, Stage

ROOT = Path(__file__).resolve().parent.parent
CODE = [ROOT / "app.py", ROOT / "cli.py", ROOT / "errors.py",
        *[path for folder in ("admin_views", "auth", "forms", "models", "services")
          for path in (ROOT / folder).rglob("*.py")]]
# What a compared value is named after, and the codes it holds.
SUBJECTS = {
    "role": {m.value for m in Role},
    "roles": {m.value for m in Role},
    "stage": {m.value for m in Stage},
    "stages": {m.value for m in Stage},
    "code": {m.value for m in AttendanceCode},
    "recommendation": {m.value for m in Recommendation},
}


def _subject(node: ast.AST) -> str | None:
    """The name a compared expression goes by (``user.role``, ``stage``, ``Client.stage``)."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "in_":
        return _subject(node.func.value)
    if isinstance(node, ast.Call):  # values.get("stage"), getattr(record, "role")
        named = [arg.value for arg in node.args
                 if isinstance(arg, ast.Constant) and arg.value in SUBJECTS]
        return named[0] if named else None
    return None


def _literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [v for element in node.elts for v in _literals(element)]
    return []


def _bare_codes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            pairs = [(a, b) for a in sides for b in sides if a is not b]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "in_":
            pairs = [(node.func.value, arg) for arg in node.args]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "acting":
            pairs = [(ast.Name("role"), arg) for arg in node.args]
        if isinstance(node, ast.Call):  # Client(stage="…"), values(role="…")
            pairs += [(ast.Name(kw.arg), kw.value) for kw in node.keywords if kw.arg]
        if isinstance(node, ast.Assign):  # client.stage = "…"
            pairs = [(target, node.value) for target in node.targets]
        for named, other in pairs:
            codes = SUBJECTS.get(_subject(named) or "")
            if codes:
                found += [(node.lineno, text) for text in _literals(other) if text in codes]
    return found


def test_no_code_is_compared_as_a_bare_string():
    offenders = []
    for path in CODE:
        if path.name == "choices.py":
            continue
        for line, text in _bare_codes(ast.parse(path.read_text(), str(path))):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert offenders == [], "use the typed members of models/choices.py:\n" + \
        "\n".join(offenders)


def test_the_guard_sees_the_usual_spellings():
    tree = ast.parse('user.role == "head"\nif stage in ("termination", "x"): pass\n'
                     'Client.stage.in_(["aftercare"])\nrow.code != "H"\nacting("staff")\n'
                     'client.stage = "planning"\nClient(stage="approach")\n'
                     'if get("stage") in ("aftercare",): pass\n')
    assert sorted(text for _line, text in _bare_codes(tree)) == sorted([
        "head", "termination", "aftercare", "H", "staff", "planning", "approach",
        "aftercare"])


def test_a_member_is_its_code():
    assert Role.HEAD == "head" and f"{Stage.TERMINATION}" == "termination"
    assert Role("social_worker") is Role.SOCIAL_WORKER
    assert [m.value for m in AttendanceCode] == ["H", "I", "S", "A"]


def test_role_keyed_tables_name_only_roles():
    """A misspelt role in the matrix or the visibility policy would silently grant nothing,
    or fall back to the screen's default; both name members of Role only."""
    from services.permissions import MATRIX
    from services.scopes import POLICY

    for endpoint, roles in MATRIX.items():
        assert set(roles) <= set(Role), endpoint
    for model, entry in POLICY.items():
        assert set(entry.rules) <= set(Role), model.__name__
        assert entry.screen in MATRIX, model.__name__
