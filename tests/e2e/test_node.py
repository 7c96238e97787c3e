"""`node(id:)` resolves every type that implements `Node`, under the access rule of the type's own
query: what the caller may not see is `NOT_FOUND`, exactly like an unknown id."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chalicelib.api.node import RESOLVERS
from tests.conftest import Api
from tests.delegation_flows import (
    CITY_ADMIN,
    MARKET_APPROVER,
    ZONE_ADMIN,
    handover_of,
    inspected,
)
from tests.flows import gid

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
SCHEMA = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"


def node(api: Api, global_id: str, as_: str | None = None) -> Any:
    return api.gql(NODE, {"id": global_id}, as_=as_)


def missing(body: Any) -> bool:
    return body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_every_node_type_in_the_schema_has_a_resolver() -> None:
    declared = set(re.findall(r"^type (\w+) implements Node\b", SCHEMA.read_text(), flags=re.MULTILINE))
    assert declared and declared == set(RESOLVERS), declared ^ set(RESOLVERS)


def test_organisation_nodes_resolve_under_their_own_access_rules(api: Api) -> None:
    handover_id = handover_of(api)  # a memo applied (delegation) and the handover it opened
    found = node(api, handover_id, as_=MARKET_APPROVER)["data"]["node"]
    assert found == {"__typename": "Handover", "id": handover_id}
    assert missing(node(api, handover_id))  # anonymous: as unknown
    assert missing(node(api, handover_id, as_="approver-nr-chen"))  # another department's staff

    inspection_id = inspected(api)
    assert node(api, inspection_id, as_=MARKET_APPROVER)["data"]["node"]["__typename"] == "OversightInspection"
    assert missing(node(api, inspection_id))
    assert missing(node(api, inspection_id, as_="applicant-wang"))

    requests = api.gql("{ adjustmentRequests(status: APPROVED, first: 5) { edges { node { id } } } }", as_=CITY_ADMIN)[
        "data"
    ]["adjustmentRequests"]["edges"]
    request_id = requests[0]["node"]["id"]  # the request behind the memo handover_of applied
    assert node(api, request_id, as_=CITY_ADMIN)["data"]["node"]["__typename"] == "AdjustmentRequest"
    assert missing(node(api, request_id, as_="applicant-wang"))
    assert missing(node(api, request_id))

    memos = api.gql("{ adjustmentMemos(first: 5) { edges { node { id } } } }")["data"]["adjustmentMemos"]["edges"]
    memo_id = memos[0]["node"]["id"]
    assert node(api, memo_id)["data"]["node"] == {"__typename": "AdjustmentMemo", "id": memo_id}  # published
    # Unknown ids of each kind look like the hidden ones.
    for kind in ("Handover", "OversightInspection", "AdjustmentRequest", "AdjustmentMemo"):
        assert missing(node(api, gid(kind, "no-such-id"), as_=ZONE_ADMIN)), kind
