"""DynamoDB requests per operation are bounded constants (deterministic, unlike timings)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.domain.identity import Principal, Role
from chalicelib.services import catalogue as service
from chalicelib.services.catalogue import CatalogueChange
from chalicelib.storage.catalogue_repository import CatalogueRepository
from tests.conftest import Api

PAGE = """query($first: Int) { serviceItems(first: $first) {
  edges { node { code name materials { name } department { name } coReviewers { department { name } } centres { name } } }
  pageInfo { hasNextPage endCursor } } }"""

ADMIN = Principal("admin-test", frozenset({Role.ADMIN}), department_id="x", centre_id="zs-city")  # a city administrator


def fill_catalogue(api: Api, total: int) -> None:
    repo = CatalogueRepository()
    template = next(i for i in api.seed.items if i.elements.co_reviewers)
    for n in range(total - len(api.seed.items)):
        elements = replace(template.elements, name=f"批量事项{n:03d}")
        service.create_item(repo, ADMIN, f"ZS-BULK-{n:03d}", elements, CatalogueChange("批量导入"))


def test_catalogue_page_of_50_costs_two_requests(api: Api, ddb_calls: Any) -> None:
    fill_catalogue(api, 60)
    counts = {}
    for first in (10, 50):
        ddb_calls.reset()
        body = api.gql(PAGE, {"first": first})
        assert len(body["data"]["serviceItems"]["edges"]) == first
        counts[first] = dict(ddb_calls.calls)
    # One Query for the page, one BatchGetItem for its departments and centres together
    # (issue 14: 3 -> 2, the two kinds of reference rows used to be one BatchGetItem each).
    assert counts[50] == counts[10] == {"Query": 1, "BatchGetItem": 1}


def test_item_detail_with_history_is_constant(api: Api, ddb_calls: Any) -> None:
    from strawberry import relay

    item = next(i for i in api.seed.items if i.elements.co_reviewers)
    ddb_calls.reset()
    api.gql(
        """query($id: ID!) { serviceItem(id: $id) { name department { name } coReviewers { department { name } }
           history(first: 20) { edges { node { number } } } } }""",
        {"id": str(relay.GlobalID("ServiceItem", item.code))},
    )
    # One Query: the newest versions, whose first is the head (every change writes both with the
    # same item); one BatchGetItem: the departments. Issue 14: 3 -> 2 (a GetItem for the head).
    assert ddb_calls.calls == {"BatchGetItem": 1, "Query": 1}
