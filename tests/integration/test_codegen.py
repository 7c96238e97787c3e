"""Front ends generate their types with GraphQL Code Generator (typescript + typescript-operations)
from `graphql/schema.graphql` and the operations and shared fragments in `graphql/`: it must run
on the contract without errors and type every operation and every shared fragment."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

CONFIG = ROOT / "graphql" / "codegen.yml"
CLI = ROOT / "node_modules" / ".bin" / "graphql-codegen"


@pytest.mark.slow
def test_codegen_types_every_operation_and_fragment(tmp_path: Path) -> None:
    if shutil.which("node") is None or not CLI.exists():
        pytest.fail("GraphQL Code Generator is not installed: run scripts/bootstrap (npm ci)")
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    (_, generator), *_ = config["generates"].items()
    out = tmp_path / "graphql.ts"
    config["schema"] = str(ROOT / config["schema"])
    config["documents"] = [str(ROOT / d) for d in config["documents"]]
    config["generates"] = {str(out): generator}
    (tmp_path / "codegen.json").write_text(json.dumps(config), encoding="utf-8")

    run = subprocess.run(
        [str(CLI), "--config", str(tmp_path / "codegen.json")],
        cwd=ROOT,  # plugins resolve from the project's node_modules
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    generated = out.read_text(encoding="utf-8")
    for path in sorted((ROOT / "graphql" / "operations").glob("*.graphql")):
        kind, name = re.search(r"^(query|mutation)\s+(\w+)", path.read_text(encoding="utf-8"), re.M).groups()  # type: ignore[union-attr]
        assert f"export type {name}{kind.capitalize()} = " in generated, path.name
    for path in sorted((ROOT / "graphql" / "fragments").glob("*.graphql")):
        assert f"export type {path.stem}Fragment = " in generated, path.name
    assert "export type Scalars" in generated and "DateTime: { input: string; output: string; }" in generated
