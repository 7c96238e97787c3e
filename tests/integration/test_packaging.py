"""Deployability: the real `chalice package` output lints and imports on its own.

Catches what unit tests cannot: a module Chalice does not ship (e.g. `signing/` without the
vendor symlink), a dependency missing from requirements.txt, or an invalid template.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pkg")
    env = {**os.environ, "AWS_DEFAULT_REGION": "cn-north-1"}
    # The seal's CJK font ships inside signing/ (it is installed, not committed).
    subprocess.run([sys.executable, "-m", "signing", "install-font"], cwd=ROOT, check=True, env=env)
    subprocess.run(
        [sys.executable, "-m", "infra.template", "--stage", "prod", "--out", str(out / "merge.json")],
        cwd=ROOT,
        check=True,
        env=env,
    )
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run(
        [str(chalice), "package", "--stage", "prod", "--merge-template", str(out / "merge.json"), str(out / "pkg")],
        cwd=ROOT,
        check=True,
        env=env,
        timeout=900,
    )
    return out / "pkg"


def test_template_has_the_table_from_the_model_and_passes_cfn_lint(package: Path) -> None:
    from chalicelib.storage.tables import cloudformation_resource

    template = json.loads((package / "sam.json").read_text())
    table = template["Resources"]["MainTable"]["Properties"]
    assert table["TableName"] == "uap-prod-main"
    assert table["KeySchema"] == cloudformation_resource()["Properties"]["KeySchema"]
    role = template["Resources"]["ApiHandlerRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    actions = {a for s in role["Statement"] for a in s["Action"]}
    assert "dynamodb:Scan" not in actions and "dynamodb:*" not in actions  # least privilege
    # The outbox's FIFO topic reaches every function (API, sweep, relay) through its ARN.
    assert template["Resources"]["EventsTopic"]["Properties"]["FifoTopic"] is True
    for name in ("APIHandler", "DeadlineSweep", "OutboxRelay"):
        function = template["Resources"][name]
        assert function["Type"] == "AWS::Serverless::Function"
        assert function["Properties"]["Environment"]["Variables"]["UAP_EVENTS_TOPIC_ARN"] == {"Ref": "EventsTopic"}
        assert function["Properties"]["Environment"]["Variables"]["UAP_TABLE_NAME"] == "uap-prod-main"
    assert "sns:Publish" in actions
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(cfn_lint), str(package / "sam.json")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zip_imports_app_and_signing_in_a_clean_interpreter(package: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path)
    assert {"app.py", "signing/__init__.py", "signing/fonts/wqy-microhei.ttf"} <= names
    assert not any(n.startswith(("tests/", "infra/", "bench/")) for n in names)
    code = (
        "import app, signing, chalicelib.rendering.certificate_pdf, reportlab, qrcode; "
        "from chalicelib.api.schema import build_schema; "
        "from chalicelib.config import get_settings; build_schema(get_settings()); "
        "from reportlab.lib.rl_accel import fp_str; assert type(fp_str).__name__ == 'builtin_function_or_method'; "
        "print(app.app.app_name)"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unified-approval"
