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
from typing import Any

import pytest

from tests.conftest import ROOT

MB = 1_000_000


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Step 1 of the README's "Deploying", exactly: `python -m infra.package --stage prod`."""
    out = tmp_path_factory.mktemp("build") / "prod"
    env = {**os.environ, "AWS_DEFAULT_REGION": "cn-north-1"}
    result = subprocess.run(
        [sys.executable, "-m", "infra.package", "--stage", "prod", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "MiB zipped" in result.stdout
    return out


def test_the_readme_documents_the_packaging_this_test_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Deploying") : readme.index("## Operations")]
    for step in (
        "python -m infra.package --stage prod --out build/prod",
        "aws cloudformation package --template-file build/prod/sam.json",
        "aws cloudformation deploy --template-file build/prod/packaged.yaml",
        "aws cognito-idp create-user-pool",
        "aws cognito-idp admin-create-user",
        "aws cognito-idp admin-add-user-to-group",
    ):
        assert step in section, step


def _template(package: Path) -> dict[str, Any]:
    return json.loads((package / "sam.json").read_text())


def test_template_has_the_table_from_the_model_and_passes_cfn_lint(package: Path) -> None:
    from chalicelib.storage.tables import cloudformation_resource

    template = _template(package)
    table = template["Resources"]["MainTable"]["Properties"]
    assert table["TableName"] == "uap-prod-main"
    assert table["KeySchema"] == cloudformation_resource()["Properties"]["KeySchema"]
    # The outbox's FIFO topic reaches every function (API, sweep, relay) through its ARN.
    assert template["Resources"]["EventsTopic"]["Properties"]["FifoTopic"] is True
    for name in ("APIHandler", "DeadlineSweep", "OutboxRelay"):
        function = template["Resources"][name]
        assert function["Type"] == "AWS::Serverless::Function"
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["UAP_EVENTS_TOPIC_ARN"] == {"Ref": "EventsTopic"}
        assert variables["UAP_TABLE_NAME"] == "uap-prod-main"
        assert variables["UAP_BLOB_BUCKET"] == {"Ref": "MaterialsBucket"}  # not a fixed global name
        assert variables["UAP_JWT_AUDIENCE"] == {"Ref": "JwtAudience"}
        assert variables["POWERTOOLS_LOG_LEVEL"] == "INFO"
        assert function["Properties"]["Tracing"] == "Active"
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(cfn_lint), str(package / "sam.json")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _actions(template: dict[str, Any], role: str) -> set[str]:
    (policy,) = template["Resources"][role]["Properties"]["Policies"]
    return {a for s in policy["PolicyDocument"]["Statement"] for a in s["Action"]}


def test_each_function_has_its_own_role_with_only_what_it_needs(package: Path) -> None:
    template = _template(package)
    api, sweep, relay = (_actions(template, r) for r in ("ApiHandlerRole", "DeadlineSweepRole", "OutboxRelayRole"))
    for actions in (api, sweep, relay):
        assert "dynamodb:Scan" not in actions and not any(a.endswith("*") for a in actions)
        assert "sns:Publish" in actions and "logs:PutLogEvents" in actions and "xray:PutTraceSegments" in actions
    assert {"kms:Sign", "s3:PutObject"} <= api
    assert "kms:Sign" not in sweep | relay  # only the API seals
    assert not ({"s3:PutObject", "s3:GetObject"} & relay)
    # The sweep stores only renewed certificate files (re-time-stamping; tests/unit/test_template.py
    # pins the grant to certificates/*).
    assert {"s3:PutObject", "s3:GetObject"} <= sweep
    assert "dynamodb:GetItem" not in relay  # the relay only queries the outbox
    roles = {
        template["Resources"][f]["Properties"]["Role"]["Fn::GetAtt"][0]
        for f in ("APIHandler", "DeadlineSweep", "OutboxRelay")
    }
    assert roles == {"ApiHandlerRole", "DeadlineSweepRole", "OutboxRelayRole"}
    concurrency = {
        f: template["Resources"][f]["Properties"]["ReservedConcurrentExecutions"]
        for f in ("APIHandler", "DeadlineSweep", "OutboxRelay")
    }
    assert concurrency == {"APIHandler": 100, "DeadlineSweep": 1, "OutboxRelay": 1}


def test_the_stack_holds_the_seal_key_alarms_and_a_locked_down_bucket(package: Path) -> None:
    resources = _template(package)["Resources"]
    key = resources["SealKey"]["Properties"]
    assert (key["KeySpec"], key["KeyUsage"]) == ("RSA_3072", "SIGN_VERIFY")
    assert resources["SealKeyAlias"]["Properties"]["AliasName"] == "alias/uap-prod-seal"
    # AWS China has no Cognito user pools: the documented region takes the issuer as a parameter
    # (tests/unit/test_template.py covers the pool the template creates elsewhere).
    assert not any(r["Type"].startswith("AWS::Cognito::") for r in resources.values())
    bucket = resources["MaterialsBucket"]["Properties"]
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert encryption["SSEAlgorithm"] == "aws:kms"
    statements = {s["Sid"]: s for s in resources["MaterialsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    tls = statements["TlsOnly"]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statements["UploadsArePending"]["Effect"] == "Deny"  # no upload escapes the lifecycle rule
    rules = {r["Id"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}
    assert "abort-abandoned-multipart-uploads" in rules
    # Abandoned uploads: tagged pending when uploaded, expired unless a change cited (and locked) them;
    # no default retention that would keep them (chalicelib/domain/record_retention.py).
    pending = rules["expire-uncited-uploads"]
    assert pending["TagFilters"] == [{"Key": "uap-upload", "Value": "pending"}] and pending["ExpirationInDays"] == 7
    assert pending["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    assert bucket["ObjectLockEnabled"] is True and bucket["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
    # Verification uploads too large for one request: their own bucket, expired after a day.
    scratch = resources["VerificationUploadsBucket"]["Properties"]
    assert scratch["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 1 and "ObjectLockEnabled" not in scratch
    api = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert api["UAP_VERIFY_BUCKET"] == {"Ref": "VerificationUploadsBucket"}
    alarms = {n for n, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert alarms == {
        "AlarmApi5xx",
        "AlarmApiThrottles",
        "AlarmSweepFailed",
        "AlarmRelayFailed",
        "AlarmOutboxBacklogAge",
        "AlarmScheduleDeadLetters",
    }
    assert all(resources[a]["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)
    for schedule in ("DeadlineSweep", "OutboxRelay"):
        target = resources[schedule]["Properties"]["DeadLetterQueue"]["TargetArn"]
        assert target == {"Fn::GetAtt": ["ScheduleDeadLetters", "Arn"]}
    for group in ("APIHandlerLogs", "DeadlineSweepLogs", "OutboxRelayLogs", "ApiAccessLogs"):
        assert resources[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    stage = resources["RestAPI"]["Properties"]
    assert stage["MethodSettings"][0]["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRate"}
    assert "$context.requestId" in stage["AccessLogSetting"]["Format"]
    assert "application/pdf" in stage["DefinitionBody"]["x-amazon-apigateway-binary-media-types"]


def _checkov() -> Path:
    """checkov in its own venv (it pins boto3==1.35.49, which requirements-dev.txt cannot share)."""
    venv = ROOT / ".venv-checkov"
    binary = venv / "bin" / "checkov"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "-q", "-r", str(ROOT / "requirements-checkov.txt")]
        subprocess.run(pip, check=True, timeout=1200)
    return binary


def test_checkov_finds_nothing_left_unexplained(package: Path) -> None:
    result = subprocess.run(
        [str(_checkov()), "-f", str(package / "sam.json"), "--framework", "cloudformation", "-o", "json", "--compact"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    failed = [(c["check_id"], c["resource"]) for r in reports for c in r["results"].get("failed_checks", [])]
    assert failed == [], failed
    skipped = [c for r in reports for c in r["results"].get("skipped_checks", [])]
    assert all(c["check_result"].get("suppress_comment") for c in skipped)  # every skip says why
    # The accepted ones, as the README lists them: nothing skipped silently grows this list.
    assert {c["check_id"] for c in skipped} <= {
        "CKV_AWS_7",  # asymmetric seal key: KMS cannot rotate it
        "CKV_AWS_18",  # bucket access logging: CloudTrail data events
        "CKV_AWS_144",  # cross-region replication: data residency decision
        "CKV_AWS_21",  # versioning of the verification uploads bucket: scratch files kept a day at most
        "CKV_AWS_116",  # DLQ on a synchronously invoked function
        "CKV_AWS_117",  # Lambda in a VPC: no private network resources
        "CKV_AWS_173",  # environment encryption with a CMK: no secrets in it
        "CKV_AWS_119",  # DynamoDB with a CMK: AWS-managed key
        "CKV_AWS_120",  # API caching: per-caller answers
    }


def test_the_zip_fits_lambda_and_ships_no_runtime_sdk(package: Path) -> None:
    zipped = (package / "deployment.zip").stat().st_size
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        unzipped = sum(i.file_size for i in archive.infolist())
        tops = {n.split("/", 1)[0] for n in archive.namelist()}
    assert zipped < 50 * MB and unzipped < 250 * MB, (zipped, unzipped)
    assert not tops & {"boto3", "botocore", "s3transfer"}
    assert "aws_lambda_powertools" in tops and "pynamodb" in tops


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
    # What the Lambda runtime adds after /var/task: its own boto3, botocore and s3transfer.
    runtime = tmp_path.parent / f"{tmp_path.name}-runtime"
    runtime.mkdir()
    import boto3
    import botocore
    import s3transfer

    for module in (boto3, botocore, s3transfer):
        (runtime / module.__name__).symlink_to(Path(module.__file__ or "").parent)
    result = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=tmp_path,
        env={
            "PYTHONPATH": f"{tmp_path}:{runtime}",
            "PATH": os.environ.get("PATH", ""),
            "AWS_LAMBDA_FUNCTION_NAME": "uap-prod-api",  # app.py configures JSON logging as in Lambda
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unified-approval"
