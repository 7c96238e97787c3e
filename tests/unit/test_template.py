"""The merge template's parameters and conditions (issue 16, point 4), without packaging: where
Cognito exists a user pool with the role groups is created unless an existing issuer is named;
in AWS China (no Cognito user pools) the issuer is a required parameter; the JWKS URL follows
the issuer; the audience and the bucket name are parameters."""

from __future__ import annotations

import json
from typing import Any

from infra.template import ROLES, merge_template


def _pools(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r.get("Type", "").startswith("AWS::Cognito::UserPool")]


def test_where_cognito_exists_a_pool_is_created_unless_an_issuer_is_given() -> None:
    template = merge_template("prod", "ap-east-1")
    assert template["Parameters"]["TokenIssuer"]["Default"] == ""
    assert template["Conditions"]["CreateUserPool"] == {"Fn::Equals": [{"Ref": "TokenIssuer"}, ""]}
    pools = _pools(template)
    assert len(pools) == 1 + len(ROLES) and all(r["Condition"] == "CreateUserPool" for r in pools)
    groups = {r["Properties"]["GroupName"] for r in pools if r["Type"] == "AWS::Cognito::UserPoolGroup"}
    assert groups == {"applicant", "agent", "clerk", "reviewer", "approver", "bureau", "supervisor", "admin"}
    (pool,) = [r for r in pools if r["Type"] == "AWS::Cognito::UserPool"]
    assert {a["Name"] for a in pool["Properties"]["Schema"]} == {"department", "centre"}
    issuer = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]["UAP_JWT_ISSUER"]
    assert issuer["Fn::If"][0] == "CreateUserPool" and issuer["Fn::If"][2] == {"Ref": "TokenIssuer"}
    assert "${UserPool}" in issuer["Fn::If"][1]["Fn::Sub"]
    assert template["Outputs"]["UserPoolId"]["Condition"] == "CreateUserPool"


def test_in_aws_china_the_issuer_is_a_required_parameter() -> None:
    template = merge_template("prod", "cn-north-1")
    assert _pools(template) == [] and "CreateUserPool" not in template["Conditions"]
    parameter = template["Parameters"]["TokenIssuer"]
    assert "Default" not in parameter and parameter["MinLength"] == 1  # CloudFormation insists on it
    variables = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["UAP_JWT_ISSUER"] == {"Ref": "TokenIssuer"}


def test_audience_jwks_url_and_bucket_are_deployment_parameters() -> None:
    template = merge_template("prod", "cn-north-1")
    for function in ("APIHandler", "DeadlineSweep", "OutboxRelay"):
        variables = template["Resources"][function]["Properties"]["Environment"]["Variables"]
        assert variables["UAP_JWT_AUDIENCE"] == {"Ref": "JwtAudience"}
        condition, derived, given = variables["UAP_JWT_KEYS"]["Fn::If"]
        assert (condition, given) == ("JwksFromIssuer", {"Ref": "JwksUrl"})
        assert derived == {"Fn::Sub": ["${Issuer}/.well-known/jwks.json", {"Issuer": {"Ref": "TokenIssuer"}}]}
        assert variables["UAP_BLOB_BUCKET"] == {"Ref": "MaterialsBucket"}
    name = template["Resources"]["MaterialsBucket"]["Properties"]["BucketName"]
    assert name == {"Fn::If": ["NamedBucket", {"Ref": "MaterialsBucketName"}, {"Ref": "AWS::NoValue"}]}
    assert "Default" not in template["Parameters"]["JwtAudience"]  # must be given
    assert json.dumps(template).count("uap-prod-materials") == 0  # no fixed global bucket name


def test_every_checkov_skip_gives_its_reason() -> None:
    for name, resource in merge_template("prod", "ap-east-1")["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert skip["id"].startswith("CKV_") and len(skip["comment"]) > 20, name


def test_the_seal_key_can_only_sign() -> None:
    key = merge_template("prod")["Resources"]["SealKey"]["Properties"]
    deny = next(s for s in key["KeyPolicy"]["Statement"] if s["Effect"] == "Deny")
    assert "kms:Decrypt" in deny["Action"] and deny["Principal"] == "*"
    assert key["KeyUsage"] == "SIGN_VERIFY"


def test_each_sealing_bureau_has_its_own_key_and_only_the_api_signs() -> None:
    """Seed 003 二(七): each bureau's own e-seal. One KMS key and alias per bureau, the mapping
    bureau -> alias handed to the functions as UAP_SEAL_KEYS, kms:Sign on all of them for the API."""
    from infra.template import SEAL_BUREAUS

    template = merge_template("prod")
    resources = template["Resources"]
    aliases = {
        bureau: resources[f"{logical_id}Alias"]["Properties"]["AliasName"]
        for bureau, logical_id in SEAL_BUREAUS.items()
    }
    assert aliases["city-bureau"] == "alias/uap-prod-seal"
    assert aliases["dinghai-bureau"] == "alias/uap-prod-seal-dinghai-bureau"
    assert len(set(aliases.values())) == len(SEAL_BUREAUS) >= 3
    for logical_id in SEAL_BUREAUS.values():
        assert resources[logical_id]["Properties"]["KeyUsage"] == "SIGN_VERIFY"
    for function in ("APIHandler", "DeadlineSweep", "OutboxRelay"):
        keys = json.loads(resources[function]["Properties"]["Environment"]["Variables"]["UAP_SEAL_KEYS"])
        assert keys == aliases
    api_role = json.dumps(resources["ApiHandlerRole"])
    assert all(f'"{logical_id}", "Arn"' in api_role for logical_id in SEAL_BUREAUS.values())
    for role in ("DeadlineSweepRole", "OutboxRelayRole"):
        assert "kms:Sign" not in json.dumps(resources[role])


def _pending_rule(bucket: dict[str, Any]) -> dict[str, Any]:
    rules = bucket["LifecycleConfiguration"]["Rules"]
    (rule,) = [r for r in rules if r.get("TagFilters")]
    return rule


def test_uploads_nobody_cites_expire_and_nothing_locks_them_by_default() -> None:
    """Object lock without a default retention (which would keep every abandoned upload for
    years); the lifecycle rule expires pending uploads and their versions; the API locks what is
    cited, for the years the stack is given."""
    template = merge_template("prod")
    bucket = template["Resources"]["MaterialsBucket"]["Properties"]
    assert bucket["ObjectLockEnabled"] is True and bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}  # no "Rule"
    assert "DefaultRetention" not in json.dumps(template)
    rule = _pending_rule(bucket)
    assert rule["Status"] == "Enabled" and rule["Prefix"] == "materials/"
    assert rule["TagFilters"] == [{"Key": "uap-upload", "Value": "pending"}]
    assert rule["ExpirationInDays"] == 7 and rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    statements = {
        s["Sid"]: s for s in template["Resources"]["MaterialsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    }
    untagged = statements["UploadsArePending"]
    assert untagged["Effect"] == "Deny" and untagged["Action"] == "s3:PutObject"
    assert untagged["Condition"] == {"StringNotEquals": {"s3:RequestObjectTag/uap-upload": "pending"}}
    api = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert api["UAP_BLOB_RETENTION_YEARS"] == {"Ref": "RecordRetentionYears"}
    assert template["Parameters"]["RecordRetentionYears"]["Default"] == 10
    (policy,) = template["Resources"]["ApiHandlerRole"]["Properties"]["Policies"]
    actions = {a for s in policy["PolicyDocument"]["Statement"] for a in s["Action"]}
    assert {"s3:PutObjectRetention", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"} <= actions
    assert "s3:BypassGovernanceRetention" not in actions
    cors = bucket["CorsConfiguration"]["CorsRules"][0]["AllowedHeaders"]
    assert {"x-amz-tagging", "if-none-match", "x-amz-checksum-sha256"} <= set(cors)


def test_verification_uploads_have_their_own_short_lived_bucket() -> None:
    """PDFs too large for one Lambda request are POSTed here: no object lock, gone after a day,
    encrypted, TLS only, CORS for the browser's form POST; only the API may presign, read, delete."""
    template = merge_template("prod")
    resources = template["Resources"]
    bucket = resources["VerificationUploadsBucket"]["Properties"]
    assert "ObjectLockEnabled" not in bucket and "VersioningConfiguration" not in bucket
    rules = {r["Id"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-after-a-day"] == {"Id": "expire-after-a-day", "Status": "Enabled", "ExpirationInDays": 1}
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert encryption == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["DataKey", "Arn"]}}
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"] == ["POST"]
    (tls,) = resources["VerificationUploadsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    api = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert api["UAP_VERIFY_BUCKET"] == {"Ref": "VerificationUploadsBucket"}
    assert "UAP_VERIFY_BUCKET" not in resources["DeadlineSweep"]["Properties"]["Environment"]["Variables"]
    (policy,) = resources["ApiHandlerRole"]["Properties"]["Policies"]
    (grant,) = [s for s in policy["PolicyDocument"]["Statement"] if s["Sid"] == "VerificationUploads"]
    assert grant["Action"] == ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
    assert grant["Resource"] == {"Fn::Sub": "${VerificationUploadsBucket.Arn}/verifications/*"}


def test_the_sweep_may_renew_certificate_files_and_nothing_else_in_the_bucket() -> None:
    """Re-time-stamping (issue 13 point 6) reads a sealed file and writes its renewed copy."""
    resources = merge_template("prod", "cn-north-1")["Resources"]
    (policy,) = resources["DeadlineSweepRole"]["Properties"]["Policies"]
    s3 = [s for s in policy["PolicyDocument"]["Statement"] if any(a.startswith("s3:") for a in s["Action"])]
    assert [(s["Sid"], s["Resource"]) for s in s3] == [
        ("CertificateFiles", {"Fn::Sub": "${MaterialsBucket.Arn}/certificates/*"})
    ]
    assert s3[0]["Action"] == ["s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"]
