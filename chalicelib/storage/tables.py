"""The one DynamoDB table and its indexes, defined once as a PynamoDB model.

This single definition serves the local bootstrap (`infra/local_stack.py` creates it), the
tests (moto and DynamoDB Local) and the deployment template (`infra/template.py` renders the
CloudFormation resource from it), so the three can never drift apart.

Single-table layout: every entity is a record with a partition key `PK`, a sort key `SK`, two
overloaded global secondary indexes and a JSON `data` document. `infra/ACCESS_PATTERNS.md`
lists which key serves which request.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.config import get_settings
from chalicelib.storage._pynamodb_seam import forget_connection, table_schema


class Gsi1(GlobalSecondaryIndex["Record"]):
    """Overloaded index 1: reference lists (all centres, departments of a centre, staff)."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class Gsi2(GlobalSecondaryIndex["Record"]):
    """Overloaded index 2: time-ordered queues (worklists and due dates in later features)."""

    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(range_key=True, attr_name="GSI2SK")


class Record(Model):
    """One stored entity; repositories own the key scheme and the meaning of `data`."""

    class Meta:
        table_name = get_settings().table_name
        region = get_settings().region
        host = get_settings().dynamodb_endpoint
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    entity = UnicodeAttribute(attr_name="T")
    data = JSONAttribute(null=True, attr_name="D")
    search = UnicodeAttribute(null=True, attr_name="Q")
    # Listing rows only: the item's listing summary as JSON text (domain/listing_summary.py), which a
    # catalogue page reads alone through a projection instead of the whole item in `data`.
    summary = UnicodeAttribute(null=True, attr_name="L")
    # Keys of the projection records derived from this one (worklists, due dates), so the next
    # change can delete exactly the ones that no longer apply.
    derived = JSONAttribute(null=True, attr_name="K")
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    # Optimistic locking revision; the unit of work conditions replacements on it explicitly
    # (PynamoDB's VersionAttribute would also guard records that are meant to be upserted).
    rev = NumberAttribute(default=0, attr_name="V")
    # DynamoDB's time to live: short-lived records (public lookup rate counters) set it and are
    # removed by DynamoDB after that moment; every other record leaves it unset and stays.
    expires_at = TTLAttribute(null=True, attr_name="TTL")

    gsi1 = Gsi1()
    gsi2 = Gsi2()


def configure(table_name: str, host: str | None, region: str | None = None) -> None:
    """Point the model at another table/endpoint (tests, local stack); drops cached clients."""
    Record.Meta.table_name = table_name
    Record.Meta.host = host
    if region:
        Record.Meta.region = region
    forget_connection(Record)  # the indexes query through the model's connection


def forget_clients() -> None:
    """Drop the cached DynamoDB connection: the next request creates a fresh client (after a
    Lambda SnapStart restore, see chalicelib/api/snapstart.py)."""
    forget_connection(Record)


def create_table(wait: bool = True) -> bool:
    """Create the table if missing; returns True when it was created."""
    if Record.exists():
        return False
    Record.create_table(wait=wait)
    return True


def cloudformation_resource() -> dict[str, Any]:
    """The table as an `AWS::DynamoDB::Table` resource, derived from the model's own schema."""
    schema = table_schema(Record)
    indexes = [
        {
            "IndexName": index["index_name"],
            "KeySchema": index["key_schema"],
            "Projection": index["projection"],
        }
        for index in schema["global_secondary_indexes"]
    ]
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": schema["attribute_definitions"],
            "KeySchema": schema["key_schema"],
            "GlobalSecondaryIndexes": indexes,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
            "TimeToLiveSpecification": {"AttributeName": Record.expires_at.attr_name, "Enabled": True},
        },
    }
