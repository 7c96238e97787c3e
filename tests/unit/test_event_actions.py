"""Every action the code writes into a case's audit trail is a member of `EventAction`, the
enum the API shows: a new transition cannot reach the trail under a name clients do not know."""

from __future__ import annotations

import ast
from pathlib import Path

from chalicelib.domain.audit import EventAction

ROOT = Path(__file__).resolve().parents[2]
#: functions that write an audit event, and the position of their `action` argument
WRITERS = {"_move": 2, "move": 2, "make_event": 3}


def written_actions() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in WRITERS:
                at = WRITERS[name]
                args = node.args[at : at + 1] + [k.value for k in node.keywords if k.arg == "action"]
                # an action kept in a module constant (`ACTION = "..."`) and passed by name
                args = [constants.get(a.id, a) if isinstance(a, ast.Name) else a for a in args]
                for arg in args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found[arg.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
            # actions chosen in a tuple/str constant and passed on (record_issuance, certificate events)
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.endswith("_certificate"):
                    found[arg.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant):
                first = node.elts[0].value
                if isinstance(first, str) and first.endswith("_certificate"):
                    found[first] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_written_action_is_an_event_action() -> None:
    found = written_actions()
    assert len(found) >= 20, found  # the walk really finds the transitions
    unknown = {action: where for action, where in found.items() if action not in set(EventAction)}
    assert not unknown, f"add these to chalicelib/domain/audit.py EventAction: {unknown}"


def test_every_event_action_is_written_somewhere() -> None:
    assert set(EventAction) == set(written_actions()), "remove actions nothing writes any more"
