"""CloudFormation resources merged into Chalice's SAM template (`chalice package --merge-template`).

The DynamoDB table comes from the PynamoDB model (`chalicelib.storage.tables`), so the deployed
table is exactly the one the code and the tests use. The table name per stage is read from
`.chalice/config.json`, the same place the Lambda reads it from.

    python -m infra.template --stage prod --out build/merge-prod.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.storage.tables import cloudformation_resource

ROOT = Path(__file__).resolve().parent.parent


def stage_table_name(stage: str) -> str:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    name: str = config["stages"][stage]["environment_variables"]["UAP_TABLE_NAME"]
    return name


def materials_bucket(stage: str) -> dict[str, Any]:
    """Material files (申请材料) and sealed certificates: private, encrypted, versioned, object-locked;
    browsers PUT with presigned URLs that sign the SHA-256 checksum header (chalicelib/storage/blobs.py)."""
    return {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BucketName": f"uap-{stage}-materials",
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            # Sealed certificates and submitted materials are records: write once, keep 10 years.
            "ObjectLockEnabled": True,
            "ObjectLockConfiguration": {
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 10}},
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "CorsConfiguration": {
                "CorsRules": [
                    {
                        "AllowedMethods": ["PUT"],
                        "AllowedOrigins": ["*"],
                        "AllowedHeaders": ["content-type", "x-amz-checksum-sha256"],
                        "MaxAge": 3000,
                    }
                ]
            },
        },
    }


# The Lambda functions `chalice package` generates (app.py: the API and the two schedules); the
# merge gives each the events topic's ARN, which only CloudFormation knows.
FUNCTIONS = ("APIHandler", "DeadlineSweep", "OutboxRelay")


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


def merge_template(stage: str) -> dict[str, Any]:
    table = cloudformation_resource()
    table["Properties"]["TableName"] = stage_table_name(stage)
    resources: dict[str, Any] = {
        "MainTable": table,
        "MaterialsBucket": materials_bucket(stage),
        "EventsTopic": events_topic(stage),
    }
    for name in FUNCTIONS:
        resources[name] = {
            "Properties": {"Environment": {"Variables": {"UAP_EVENTS_TOPIC_ARN": {"Ref": "EventsTopic"}}}}
        }
    return {"Resources": resources}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(merge_template(args.stage), indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
