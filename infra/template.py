"""CloudFormation resources merged into Chalice's SAM template (`chalice package --merge-template`).

The DynamoDB table comes from the PynamoDB model (`chalicelib.storage.tables`), so the deployed
table is exactly the one the code and the tests use. The table name per stage is read from
`.chalice/config.json`, the same place the Lambda reads it from.

    python -m infra.template --stage prod --out build/merge-prod.json

Cold starts in production: Lambda SnapStart for Python is the option (README "Cold start and
SnapStart"). It is not switched on here because it needs a python3.12+ managed runtime (the
package is built for python3.11) and a published version behind an alias that API Gateway
invokes; when both hold, add to the API function `"SnapStart": {"ApplyOn": "PublishedVersions"}`
and `"AutoPublishAlias": "live"`, and point the API integration at the alias. The hooks that
run before the snapshot and after each restore are in `chalicelib/api/snapstart.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.domain.record_retention import PENDING_UPLOAD_DAYS, RETENTION_YEARS, UPLOAD_AREA
from chalicelib.storage.blobs import PENDING, UPLOAD_TAG
from chalicelib.storage.tables import cloudformation_resource

ROOT = Path(__file__).resolve().parent.parent


def stage_table_name(stage: str) -> str:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    name: str = config["stages"][stage]["environment_variables"]["UAP_TABLE_NAME"]
    return name


P = "${AWS::Partition}"
ROLES = ("applicant", "agent", "clerk", "reviewer", "approver", "bureau", "supervisor", "admin")

# Chalice's resource names for app.py's functions and the roles it generates for them.
FUNCTIONS = ("APIHandler", "DeadlineSweep", "OutboxRelay")
ROLE_OF = {"APIHandler": "ApiHandlerRole", "DeadlineSweep": "DeadlineSweepRole", "OutboxRelay": "OutboxRelayRole"}
# Fixed function names, so their log groups (created with retention before the functions) and the
# roles' log permissions name them without a dependency cycle.
FUNCTION_NAME = {"APIHandler": "api", "DeadlineSweep": "sweep", "OutboxRelay": "relay"}


def function_name(stage: str, function: str) -> str:
    return f"uap-{stage}-{FUNCTION_NAME[function]}"


PARAMETERS: dict[str, Any] = {
    "JwtAudience": {
        "Type": "String",
        "Description": "Cognito app client id the API accepts (aud of ID tokens, client_id of access tokens)",
        "MinLength": 1,
    },
    "MaterialsBucketName": {
        "Type": "String",
        "Default": "",
        "Description": "Name of the materials/certificates bucket; empty lets CloudFormation choose a unique one",
    },
    "RecordRetentionYears": {
        "Type": "Number",
        "Default": RETENTION_YEARS,
        "MinValue": 1,
        "MaxValue": 100,
        "Description": "Years cited materials and certificates are kept under object lock (GOVERNANCE)",
    },
    "AlarmEmail": {"Type": "String", "Default": "", "Description": "Operator mail subscribed to the alarm topic"},
    "LogRetentionDays": {
        "Type": "Number",
        "Default": 365,
        "AllowedValues": [30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653],
    },
    "ApiThrottleRate": {"Type": "Number", "Default": 50, "Description": "API Gateway steady requests per second"},
    "ApiThrottleBurst": {"Type": "Number", "Default": 100},
}

CONDITIONS: dict[str, Any] = {
    "JwksFromIssuer": {"Fn::Equals": [{"Ref": "JwksUrl"}, ""]},
    "NamedBucket": {"Fn::Not": [{"Fn::Equals": [{"Ref": "MaterialsBucketName"}, ""]}]},
    "MailAlarms": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
}


def has_user_pools(region: str) -> bool:
    """Cognito user pools exist in the global partition only, not in AWS China (cn-north-1,
    cn-northwest-1): there the tokens come from an existing issuer (a pool in another region or
    an OIDC provider issuing the same claims), named by the `TokenIssuer` parameter."""
    return not region.startswith("cn-")


@dataclass(frozen=True)
class Identity:
    """Who issues the tokens, as CloudFormation values (parameters, conditions, env, outputs)."""

    parameters: dict[str, Any]
    conditions: dict[str, Any]
    issuer: Any
    jwks_url: Any
    outputs: dict[str, Any]


def identity(region: str) -> Identity:
    existing = (
        "Issuer URL of an existing user pool (https://cognito-idp.<region>.amazonaws.com/<pool id>) or of an "
        "OIDC provider issuing the same claims (cognito:groups, custom:department, custom:centre)"
    )
    jwks: dict[str, Any] = {
        "Type": "String",
        "Default": "",
        "Description": "JWKS URL of the token issuer; empty: <issuer>/.well-known/jwks.json (Cognito's)",
    }
    parameters: dict[str, Any]
    outputs: dict[str, Any]
    conditions: dict[str, Any]
    if has_user_pools(region):
        parameters = {
            "TokenIssuer": {"Type": "String", "Default": "", "Description": existing + "; empty creates a pool"},
            "JwksUrl": jwks,
        }
        conditions = {"CreateUserPool": {"Fn::Equals": [{"Ref": "TokenIssuer"}, ""]}}
        issuer: Any = {
            "Fn::If": [
                "CreateUserPool",
                {"Fn::Sub": "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${UserPool}"},
                {"Ref": "TokenIssuer"},
            ]
        }
        outputs = {"UserPoolId": {"Condition": "CreateUserPool", "Value": {"Ref": "UserPool"}}}
    else:
        parameters = {
            "TokenIssuer": {"Type": "String", "MinLength": 1, "Description": existing + " (required in AWS China)"},
            "JwksUrl": jwks,
        }
        conditions, issuer, outputs = {}, {"Ref": "TokenIssuer"}, {}
    jwks_url = {
        "Fn::If": [
            "JwksFromIssuer",
            {"Fn::Sub": ["${Issuer}/.well-known/jwks.json", {"Issuer": issuer}]},
            {"Ref": "JwksUrl"},
        ]
    }
    return Identity(parameters, conditions, issuer, jwks_url, outputs)


def _skip(*checks: tuple[str, str]) -> dict[str, Any]:
    """checkov findings accepted on purpose, each with its reason (read by checkov and people)."""
    return {"checkov": {"skip": [{"id": check, "comment": reason} for check, reason in checks]}}


#: The bureaus that seal certificates (seed 003 二(七): each bureau's own e-seal), each with its
#: own KMS key: bureau code -> logical id of its key. The first is the city bureau, whose key keeps
#: the original names (`SealKey`, `alias/uap-<stage>-seal`). Adding a bureau is one entry here and
#: its seal certificate in the seal registry (`UAP_SEAL_REGISTRY`); the functions get the mapping
#: bureau -> key alias as `UAP_SEAL_KEYS`.
SEAL_BUREAUS: dict[str, str] = {
    "city-bureau": "SealKey",
    "dinghai-bureau": "SealKeyDinghaiBureau",
    "putuo-bureau": "SealKeyPutuoBureau",
}


def seal_alias(stage: str, bureau: str, bureaus: dict[str, str] = SEAL_BUREAUS) -> str:
    """The KMS alias of a bureau's seal key (the alias lets an operator re-key without a deploy)."""
    return f"alias/uap-{stage}-seal" if bureaus[bureau] == "SealKey" else f"alias/uap-{stage}-seal-{bureau}"


def seal_keys_env(stage: str, bureaus: dict[str, str] = SEAL_BUREAUS) -> str:
    """`UAP_SEAL_KEYS`: bureau code -> KMS key alias (signing.config.seal_keys_from_env)."""
    return json.dumps({bureau: seal_alias(stage, bureau, bureaus) for bureau in bureaus}, sort_keys=True)


def seal_key(stage: str, bureaus: dict[str, str] = SEAL_BUREAUS) -> dict[str, Any]:
    """One approval seal key per sealing bureau (行政审批专用章): asymmetric KMS keys that never leave
    KMS. Only the account's administrators manage them; only the API function's role may sign."""
    resources: dict[str, Any] = {}
    for bureau, logical_id in bureaus.items():
        resources[logical_id] = _seal_key_resource(stage, bureau)
        resources[f"{logical_id}Alias"] = {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": seal_alias(stage, bureau, bureaus), "TargetKeyId": {"Ref": logical_id}},
        }
    return resources


def _seal_key_resource(stage: str, bureau: str) -> dict[str, Any]:
    return {
        "Type": "AWS::KMS::Key",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Metadata": _skip(("CKV_AWS_7", "asymmetric signing keys cannot rotate in KMS; re-key with a new certificate")),
        "Properties": {
            "Description": f"Approval seal of {bureau} ({stage})",
            "KeySpec": "RSA_3072",
            "KeyUsage": "SIGN_VERIFY",
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AccountAdministersAndDelegatesToIam",
                        "Effect": "Allow",
                        "Principal": {"AWS": {"Fn::Sub": f"arn:{P}:iam::${{AWS::AccountId}}:root"}},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "NeverDecryptOrExport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
                        "Resource": "*",
                    },
                ],
            },
        },
    }


def data_key(stage: str) -> dict[str, Any]:
    """Encrypts the bucket, the log groups, the alarm topic and the dead-letter queue; the
    services that write them (CloudWatch Logs, CloudWatch alarms, EventBridge) may use it."""
    services = {
        "logs": {"Service": {"Fn::Sub": "logs.${AWS::Region}.${AWS::URLSuffix}"}},
        "alarms": {"Service": "cloudwatch.amazonaws.com"},
        "events": {"Service": "events.amazonaws.com"},
    }
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AccountAdministersAndDelegatesToIam",
            "Effect": "Allow",
            "Principal": {"AWS": {"Fn::Sub": f"arn:{P}:iam::${{AWS::AccountId}}:root"}},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    for name, principal in services.items():
        statements.append(
            {
                "Sid": f"{name.capitalize()}Use",
                "Effect": "Allow",
                "Principal": principal,
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
            }
        )
    return {
        "DataKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": f"Unified approval data at rest ({stage})",
                "EnableKeyRotation": True,
                "KeyPolicy": {"Version": "2012-10-17", "Statement": statements},
            },
        },
        "DataKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": f"alias/uap-{stage}-data", "TargetKeyId": {"Ref": "DataKey"}},
        },
    }


def user_pool(stage: str) -> dict[str, Any]:
    """Cognito: sign-in for staff and applicants. Tokens carry `cognito:groups` (the roles) and
    `custom:department` / `custom:centre` (staff scope), which chalicelib/api/auth.py reads.
    Created where Cognito exists unless `TokenIssuer` names an existing issuer."""
    resources: dict[str, Any] = {
        "UserPool": {
            "Type": "AWS::Cognito::UserPool",
            "Condition": "CreateUserPool",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "UserPoolName": f"uap-{stage}",
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                "MfaConfiguration": "OPTIONAL",
                "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
                "Policies": {
                    "PasswordPolicy": {
                        "MinimumLength": 12,
                        "RequireLowercase": True,
                        "RequireUppercase": True,
                        "RequireNumbers": True,
                        "RequireSymbols": False,
                        "TemporaryPasswordValidityDays": 3,
                    }
                },
                "Schema": [
                    {
                        "Name": "department",
                        "AttributeDataType": "String",
                        "Mutable": True,
                        "StringAttributeConstraints": {"MaxLength": "64"},
                    },
                    {
                        "Name": "centre",
                        "AttributeDataType": "String",
                        "Mutable": True,
                        "StringAttributeConstraints": {"MaxLength": "64"},
                    },
                ],
            },
        }
    }
    for role in ROLES:
        resources[f"Group{role.capitalize()}"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Condition": "CreateUserPool",
            "Properties": {"GroupName": role, "UserPoolId": {"Ref": "UserPool"}},
        }
    return resources


def materials_bucket() -> dict[str, Any]:
    """Material files (申请材料) and sealed certificates: private, KMS-encrypted, TLS only,
    versioned, object lock on but without a default retention: browsers PUT with presigned URLs
    that sign the SHA-256 checksum and the `uap-upload=pending` tag (chalicelib/storage/blobs.py);
    the API locks a file (RecordRetentionYears) and retags it `cited` when a change cites it, and
    writes certificates locked; the lifecycle rule removes uploads still pending after
    PENDING_UPLOAD_DAYS. A default retention would lock every abandoned upload for years."""
    return {
        "MaterialsBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Metadata": _skip(
                ("CKV_AWS_18", "access is logged by CloudTrail data events of the account, not S3 server logs"),
                ("CKV_AWS_144", "cross-region replication is a per-deployment decision (data residency)"),
            ),
            "Properties": {
                "BucketName": {"Fn::If": ["NamedBucket", {"Ref": "MaterialsBucketName"}, {"Ref": "AWS::NoValue"}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "ServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": {"Fn::GetAtt": ["DataKey", "Arn"]},
                            },
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
                "VersioningConfiguration": {"Status": "Enabled"},
                # Sealed certificates and cited materials are records, locked per object by the API
                # (no "Rule": a default retention would keep abandoned uploads as long).
                "ObjectLockEnabled": True,
                "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"},
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            # Uploaded and never cited (the applicant gave up): the current version
                            # gets a delete marker, then the version itself is removed a day later.
                            # A cited file is tagged `cited` and locked, so the rule leaves it alone.
                            "Id": "expire-uncited-uploads",
                            "Status": "Enabled",
                            "Prefix": UPLOAD_AREA,
                            "TagFilters": [{"Key": UPLOAD_TAG, "Value": PENDING}],
                            "ExpirationInDays": PENDING_UPLOAD_DAYS,
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                        },
                        {
                            # Parts of a multipart upload a browser never completed: not objects, so
                            # object lock does not keep them; without the rule they are billed forever.
                            "Id": "abort-abandoned-multipart-uploads",
                            "Status": "Enabled",
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                        },
                        {
                            # A delete marker left alone once every locked version under it expired.
                            "Id": "expired-delete-markers",
                            "Status": "Enabled",
                            "ExpiredObjectDeleteMarker": True,
                        },
                    ]
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "CorsConfiguration": {
                    "CorsRules": [
                        {
                            "AllowedMethods": ["PUT"],
                            "AllowedOrigins": ["*"],
                            "AllowedHeaders": [
                                "content-type",
                                "x-amz-checksum-sha256",
                                "x-amz-tagging",
                                "if-none-match",
                            ],
                            "MaxAge": 3000,
                        }
                    ]
                },
            },
        },
        "MaterialsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "MaterialsBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [
                                {"Fn::GetAtt": ["MaterialsBucket", "Arn"]},
                                {"Fn::Sub": "${MaterialsBucket.Arn}/*"},
                            ],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                        {
                            # Defence in depth: no upload under materials/ escapes the lifecycle rule.
                            "Sid": "UploadsArePending",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:PutObject",
                            "Resource": {"Fn::Sub": f"${{MaterialsBucket.Arn}}/{UPLOAD_AREA}*"},
                            "Condition": {"StringNotEquals": {f"s3:RequestObjectTag/{UPLOAD_TAG}": PENDING}},
                        },
                    ],
                },
            },
        },
    }


def verification_uploads_bucket() -> dict[str, Any]:
    """PDFs to verify that are too large for one Lambda request (POST /verify takes 4 MiB): browsers
    POST them here with a presigned form bounded to 10 MiB (chalicelib/storage/verification_uploads.py),
    the API reads and deletes each once verified. Scratch space, not records: no object lock, no
    versions, everything expires after a day; private, KMS-encrypted, TLS only."""
    return {
        "VerificationUploadsBucket": {
            "Type": "AWS::S3::Bucket",
            "Metadata": _skip(
                ("CKV_AWS_18", "access is logged by CloudTrail data events of the account, not S3 server logs"),
                (
                    "CKV_AWS_144",
                    "scratch files deleted after verification and expired within a day: nothing to replicate",
                ),
                (
                    "CKV_AWS_21",
                    "scratch files deleted after verification and expired within a day: no versions to keep",
                ),
            ),
            "Properties": {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "ServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": {"Fn::GetAtt": ["DataKey", "Arn"]},
                            },
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
                "LifecycleConfiguration": {
                    "Rules": [
                        {"Id": "expire-after-a-day", "Status": "Enabled", "ExpirationInDays": 1},
                        {
                            "Id": "abort-abandoned-multipart-uploads",
                            "Status": "Enabled",
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                        },
                    ]
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "CorsConfiguration": {
                    "CorsRules": [{"AllowedMethods": ["POST"], "AllowedOrigins": ["*"], "MaxAge": 3000}]
                },
            },
        },
        "VerificationUploadsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "VerificationUploadsBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [
                                {"Fn::GetAtt": ["VerificationUploadsBucket", "Arn"]},
                                {"Fn::Sub": "${VerificationUploadsBucket.Arn}/*"},
                            ],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                },
            },
        },
    }


def events_topic(stage: str) -> dict[str, Any]:
    """The outbox's external channel (warnings, result push): FIFO, so the message id is the
    deduplication id and a relay retry after a crash is never delivered twice."""
    return {
        "Type": "AWS::SNS::Topic",
        "Properties": {
            "TopicName": f"uap-{stage}-events.fifo",
            "FifoTopic": True,
            "ContentBasedDeduplication": False,
            "KmsMasterKeyId": "alias/aws/sns",
        },
    }


def operators(stage: str) -> dict[str, Any]:
    """Where alarms and failed scheduled events go: an SNS topic for operators (mail optional,
    subscribe chat/pager integrations there) and a dead-letter queue for the schedules."""
    return {
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": f"uap-{stage}-alarms", "KmsMasterKeyId": {"Ref": "DataKey"}},
        },
        "AlarmMail": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "MailAlarms",
            "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}},
        },
        "ScheduleDeadLetters": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"uap-{stage}-schedule-dlq",
                "MessageRetentionPeriod": 1209600,
                "KmsMasterKeyId": {"Ref": "DataKey"},
            },
        },
        "ScheduleDeadLettersPolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": "ScheduleDeadLetters"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "LambdaAsyncFailures",
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": ["ScheduleDeadLetters", "Arn"]},
                        }
                    ],
                },
            },
        },
    }


def _alarm(name: str, description: str, metric: dict[str, Any], threshold: float, periods: int = 1) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": {"Fn::Sub": f"${{AWS::StackName}}-{name}"},
            "AlarmDescription": description,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": threshold,
            "EvaluationPeriods": periods,
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
            "OKActions": [{"Ref": "AlarmTopic"}],
            **metric,
        },
    }


def alarms() -> dict[str, Any]:
    lam = "AWS/Lambda"

    def function_metric(function: str, name: str, stat: str = "Sum", period: int = 300) -> dict[str, Any]:
        return {
            "Namespace": lam,
            "MetricName": name,
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": function}}],  # Ref: the name
            "Statistic": stat,
            "Period": period,
        }

    api = {"Name": "ApiName", "Value": "unified-approval"}
    return {
        "AlarmApi5xx": _alarm(
            "api-5xx",
            "API Gateway answered 5xx (bugs, timeouts): look up the request ids in the API access log",
            {
                "Namespace": "AWS/ApiGateway",
                "MetricName": "5XXError",
                "Dimensions": [api, {"Name": "Stage", "Value": "api"}],
                "Statistic": "Sum",
                "Period": 300,
            },
            5,
        ),
        "AlarmApiThrottles": _alarm(
            "api-throttles",
            "The API function hit its reserved concurrency (callers get 429/502)",
            function_metric("APIHandler", "Throttles"),
            1,
        ),
        "AlarmSweepFailed": _alarm(
            "sweep-failed",
            "A deadline sweep run failed (a phase or a case raised; the others ran): see its log lines",
            function_metric("DeadlineSweep", "Errors", period=3600),
            1,
        ),
        "AlarmRelayFailed": _alarm(
            "relay-failed",
            "The outbox relay failed 3 minutes running (SNS refused messages)",
            function_metric("OutboxRelay", "Errors", period=60),
            1,
            periods=3,
        ),
        "AlarmOutboxBacklogAge": _alarm(
            "outbox-backlog-age",
            "The oldest undelivered notification is over 15 minutes old",
            {
                "Namespace": "UnifiedApproval",
                "MetricName": "OutboxOldestAge",
                "Dimensions": [{"Name": "phase", "Value": "relay"}, {"Name": "service", "Value": "unified-approval"}],
                "Statistic": "Maximum",
                "Period": 300,
            },
            900,
        ),
        "AlarmScheduleDeadLetters": _alarm(
            "schedule-dead-letters",
            "A scheduled invocation failed all its retries and landed in the dead-letter queue",
            {
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["ScheduleDeadLetters", "QueueName"]}}],
                "Statistic": "Maximum",
                "Period": 300,
            },
            1,
        ),
    }


def log_groups(stage: str) -> dict[str, Any]:
    """Created here (not by Lambda on first write) so they have a retention and are encrypted."""
    groups: dict[str, Any] = {}
    for function in FUNCTIONS:
        groups[f"{function}Logs"] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": f"/aws/lambda/{function_name(stage, function)}",
                "RetentionInDays": {"Ref": "LogRetentionDays"},
                "KmsKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]},
            },
        }
    groups["ApiAccessLogs"] = {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": {"Fn::Sub": "/aws/apigateway/${AWS::StackName}-access"},
            "RetentionInDays": {"Ref": "LogRetentionDays"},
            "KmsKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]},
        },
    }
    return groups


def _statement(sid: str, actions: list[str], resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resource, **extra}


def policies(stage: str) -> dict[str, list[dict[str, Any]]]:
    """Least privilege per function (Chalice cannot see PynamoDB's calls, so nothing is
    generated): the API reads and writes the table, the bucket and signs; the sweep writes the
    table and publishes; the relay only moves outbox records and publishes."""
    table = [{"Fn::GetAtt": ["MainTable", "Arn"]}, {"Fn::Sub": "${MainTable.Arn}/index/*"}]
    read = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"]
    write = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    publish = _statement("EventsTopicPublish", ["sns:Publish"], {"Ref": "EventsTopic"})
    traces = _statement("XRay", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*")
    logs = {
        name: _statement(
            "OwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], {"Fn::GetAtt": [f"{name}Logs", "Arn"]}
        )
        for name in FUNCTIONS
    }
    dlq = _statement("DeadLetters", ["sqs:SendMessage"], {"Fn::GetAtt": ["ScheduleDeadLetters", "Arn"]})
    data_key = _statement(
        "DataKeyForBucket", ["kms:Decrypt", "kms:GenerateDataKey"], {"Fn::GetAtt": ["DataKey", "Arn"]}
    )
    return {
        "APIHandler": [
            _statement("MainTableReadWrite", read + write, table),
            _statement(
                "MaterialsObjects",
                [
                    "s3:PutObject",
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:PutObjectTagging",  # presigned uploads carry the pending tag
                    "s3:PutObjectVersionTagging",  # a cited version is retagged
                    "s3:PutObjectRetention",  # cited versions and certificates are locked
                ],
                {"Fn::Sub": "${MaterialsBucket.Arn}/*"},
            ),
            _statement("MaterialsList", ["s3:ListBucket"], {"Fn::GetAtt": ["MaterialsBucket", "Arn"]}),
            _statement(
                "VerificationUploads",  # presigned POST (signed as this role), read once, delete
                ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                {"Fn::Sub": "${VerificationUploadsBucket.Arn}/verifications/*"},
            ),
            data_key,
            _statement(
                "ApprovalSeal",
                ["kms:Sign", "kms:GetPublicKey"],
                [{"Fn::GetAtt": [logical_id, "Arn"]} for logical_id in SEAL_BUREAUS.values()],
            ),
            publish,
            traces,
            logs["APIHandler"],
        ],
        "DeadlineSweep": [
            _statement("MainTableReadWrite", read + write, table),
            # Re-time-stamping archived certificates (services/archival_timestamps.py, only when a
            # TSA is configured): read the sealed file, write its renewed copy (locked like the first).
            _statement(
                "CertificateFiles",
                ["s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"],
                {"Fn::Sub": "${MaterialsBucket.Arn}/certificates/*"},
            ),
            data_key,
            publish,
            traces,
            logs["DeadlineSweep"],
            dlq,
        ],
        "OutboxRelay": [
            # The relay reads pending markers and messages, removes markers and fills feeds.
            _statement(
                "MainTableOutbox",
                ["dynamodb:Query", "dynamodb:BatchGetItem", *write, "dynamodb:ConditionCheckItem"],
                table,
            ),
            publish,
            traces,
            logs["OutboxRelay"],
            dlq,
        ],
    }


def functions(stage: str, who: Identity) -> dict[str, Any]:
    """What CloudFormation alone knows, handed to the functions; their roles' policies; the
    schedules' failure destination (after Lambda's two retries of an async event)."""
    env = {
        "UAP_EVENTS_TOPIC_ARN": {"Ref": "EventsTopic"},
        "UAP_BLOB_BUCKET": {"Ref": "MaterialsBucket"},
        "UAP_BLOB_RETENTION_YEARS": {"Ref": "RecordRetentionYears"},
        "UAP_JWT_AUDIENCE": {"Ref": "JwtAudience"},
        "UAP_JWT_ISSUER": who.issuer,
        "UAP_JWT_KEYS": who.jwks_url,  # a URL: chalicelib/api/auth.py fetches and caches the keys (PyJWKClient)
        "UAP_SEAL_KMS_KEY_ID": {"Ref": "SealKeyAlias"},
        "UAP_SEAL_KEYS": seal_keys_env(stage),
    }
    resources: dict[str, Any] = {}
    for name, statements in policies(stage).items():
        variables = {**env, "UAP_VERIFY_BUCKET": {"Ref": "VerificationUploadsBucket"}} if name == "APIHandler" else env
        properties: dict[str, Any] = {
            "FunctionName": function_name(stage, name),
            "Environment": {"Variables": variables},
        }
        if name != "APIHandler":
            properties["DeadLetterQueue"] = {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["ScheduleDeadLetters", "Arn"]}}
        skips = [
            ("CKV_AWS_117", "reaches only AWS APIs (DynamoDB, S3, KMS, SNS) over TLS with IAM; no private network"),
            ("CKV_AWS_173", "no secrets in the environment (names, ARNs, URLs); Lambda encrypts it at rest"),
        ]
        if name == "APIHandler":
            skips.append(
                ("CKV_AWS_116", "invoked synchronously by API Gateway: no DLQ applies, the caller gets the error")
            )
        resources[name] = {"DependsOn": [f"{name}Logs"], "Metadata": _skip(*skips), "Properties": properties}
        resources[ROLE_OF[name]] = {
            "Properties": {
                "Policies": [
                    {
                        "PolicyName": f"{name}Policy",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                    }
                ]
            }
        }
    return resources


def api_stage() -> dict[str, Any]:
    """Throttling and an access log (JSON, with the request id the function logs as correlation_id)
    on the REST API's stage, through the SAM API Chalice generates (`RestAPI`)."""
    access_format = {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "method": "$context.httpMethod",
        "path": "$context.resourcePath",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationStatus": "$context.integrationStatus",
        "error": "$context.error.message",
        "bytes": "$context.responseLength",
    }
    return {
        # API Gateway writes access logs only with a CloudWatch role set for the account (region).
        "ApiGatewayLogsRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    {"Fn::Sub": f"arn:{P}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"}
                ],
            },
        },
        "ApiGatewayAccount": {
            "Type": "AWS::ApiGateway::Account",
            "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": ["ApiGatewayLogsRole", "Arn"]}},
        },
        "RestAPI": {
            "DependsOn": ["ApiGatewayAccount"],
            "Metadata": _skip(("CKV_AWS_120", "answers are per caller (GraphQL POST, tokens): never cached")),
            "Properties": {
                "MethodSettings": [
                    {
                        "ResourcePath": "/*",
                        "HttpMethod": "*",
                        "ThrottlingRateLimit": {"Ref": "ApiThrottleRate"},
                        "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurst"},
                        "MetricsEnabled": True,
                        "LoggingLevel": "OFF",
                    }
                ],
                "AccessLogSetting": {
                    "DestinationArn": {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]},
                    "Format": json.dumps(access_format, separators=(",", ":")),
                },
                "TracingEnabled": True,
            },
        },
    }


def merge_template(stage: str, region: str = "cn-north-1") -> dict[str, Any]:
    """The resources to merge for `stage` in `region` (the user pool only where Cognito exists)."""
    who = identity(region)
    table = cloudformation_resource()
    table["Properties"]["TableName"] = stage_table_name(stage)
    table["Metadata"] = _skip(
        (
            "CKV_AWS_119",
            "encrypted at rest with DynamoDB's AWS-managed KMS key; a CMK would add a KMS call per cold read",
        )
    )
    resources: dict[str, Any] = {
        "MainTable": table,
        **seal_key(stage),
        **data_key(stage),
        **(user_pool(stage) if has_user_pools(region) else {}),
        **materials_bucket(),
        **verification_uploads_bucket(),
        "EventsTopic": events_topic(stage),
        **operators(stage),
        **alarms(),
        **log_groups(stage),
        **functions(stage, who),
        **api_stage(),
    }
    return {
        "Parameters": {**PARAMETERS, **who.parameters},
        "Conditions": {**CONDITIONS, **who.conditions},
        "Resources": resources,
        "Outputs": {
            **who.outputs,
            "Issuer": {"Value": who.issuer},
            "JwksUrl": {"Value": who.jwks_url},
            "MaterialsBucket": {"Value": {"Ref": "MaterialsBucket"}},
            "VerificationUploadsBucket": {"Value": {"Ref": "VerificationUploadsBucket"}},
            "SealKeyArn": {"Value": {"Fn::GetAtt": ["SealKey", "Arn"]}},
            "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
            "EventsTopicArn": {"Value": {"Ref": "EventsTopic"}},
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "cn-north-1"))
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(merge_template(args.stage, args.region), indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
