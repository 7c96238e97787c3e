"""The direction rules of DESIGN.md ("Layout") as tests: import-linter's contracts in
pyproject.toml, and resolvers that reach repositories only through services.

Neither check lists exceptions: the composition root `chalicelib/api/context.py` is the one
allowed importer of storage in the contract itself, and the only module the repository-access
walk below skips.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "chalicelib" / "api"
COMPOSITION_ROOT = API / "context.py"

# RequestContext members that hold repositories or the blob store: wiring for services only.
WIRING = {"application_repository", "catalogue_repository", "certificate_repository", "blobs"}
# What services call their repositories; a resolver reaching `ctx.<service>.repo` bypasses them.
REPOSITORY_ATTRIBUTES = {"repo", "repository", "repositories"}


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_contracts_list_no_exceptions() -> None:
    """Every DESIGN.md rule has its contract, and none whitelists an import."""
    contracts = _contracts()
    assert {c["id"] for c in contracts} >= {
        "layers",
        "storage-behind-services",
        "rendering-behind-services",
        "domain-is-plain",
        "signing-self-contained",
    }
    for contract in contracts:
        assert not contract.get("ignore_imports"), f"contract {contract['id']} lists exceptions"
        assert not contract.get("allow_indirect_imports"), f"contract {contract['id']} allows indirect imports"
    protected = {c["id"]: c for c in contracts}["storage-behind-services"]
    assert protected["allowed_importers"] == ["chalicelib.services", "chalicelib.api.context"]


def test_import_contracts_are_kept() -> None:
    """`lint-imports` (every import, including lazy ones inside functions and TYPE_CHECKING blocks)."""
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(
        [str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, f"import contracts broken (see DESIGN.md 'Layout'):\n{run.stdout}\n{run.stderr}"
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in run.stdout


def _repository_access(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (
            node.attr in WIRING or node.attr in REPOSITORY_ATTRIBUTES or node.attr.endswith("_repository")
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    return found


def test_resolvers_reach_repositories_only_through_services() -> None:
    """No module under chalicelib/api/ but the composition root touches a repository held by the
    context or by a service: reads go through `info.context.<area>_reads.read_*/page_*` (or a
    service's read method), commands through the command services."""
    offending = [
        hit for path in sorted(API.rglob("*.py")) if path != COMPOSITION_ROOT for hit in _repository_access(path)
    ]
    assert not offending, "resolvers reached a repository directly:\n" + "\n".join(offending)
