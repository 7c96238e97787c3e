"""Issue 14 point 1: the front ends' read operations at their fewest DynamoDB requests.

Each client operation of `graphql/operations/` the front ends use most runs exactly as the
contract test runs it (`tests/e2e/test_contract.py` `scenario`), and its requests are pinned.
Before -> after (issue 14): ApplicationDetail 5 -> 2, ServiceItemDetail 4 -> 2, CatalogueBrowse
3 -> 2, CertificateIssue 7 -> 4, PublicProgress 6 -> 5; Inbox 1, MyApplications 1, Warnings 2
were already at their minimum. The sharing behind the cuts must not change an answer: the
timeline paged from the events read with the case has the cursors a Query gives, and an item
read from its newest version is the item its head holds.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services import catalogue as catalogue_service
from chalicelib.services.catalogue import CatalogueChange
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.catalogue_repository import CatalogueRepository
from tests.conftest import Api, CallCounter
from tests.e2e.test_contract import scenario
from tests.flows import Case, gid, op

# operation -> its DynamoDB requests by API call (the figure the issue's targets are about)
PINNED: dict[str, dict[str, int]] = {
    # One Query: the case head and its events (one partition), reused by timeline and
    # historyVerification; one BatchGetItem: the centre and every department the case names.
    "ApplicationDetail": {"Query": 1, "BatchGetItem": 1},
    # One Query: the newest versions, the first of which is the head; one BatchGetItem: departments
    # and centres.
    "ServiceItemDetail": {"Query": 1, "BatchGetItem": 1},
    # One Query for the listing page; one BatchGetItem for its departments and centres together.
    "CatalogueBrowse": {"Query": 1, "BatchGetItem": 1},
    # GetItem: the case (checked, then reused); BatchGetItem: the bureau's department, the number
    # counter and the item; one transaction; the relay's delivery of the result push (best effort).
    "CertificateIssue": {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 2},
    # The rate counter, the tracking code, the case, the item (confidential now?), then one
    # BatchGetItem for the department and centre shown (they were one BatchGetItem each).
    "PublicProgress": {"UpdateItem": 1, "GetItem": 3, "BatchGetItem": 1},
    # The idempotency key's record, the certificate (read once: scope and revision), the case; one
    # transaction (it read the certificate twice before).
    "CertificateStatusChange": {"GetItem": 3, "TransactWriteItems": 1},
    # The certificate (scope and revision), the case; one transaction.
    "CertificateStatusChangeCancel": {"GetItem": 2, "TransactWriteItems": 1},
    "Inbox": {"Query": 1},
    "MyApplications": {"Query": 1},
    "Warnings": {"Query": 1, "BatchGetItem": 1},
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_front_end_operation_request_counts(api: Api, ddb_calls: CallCounter, name: str) -> None:
    variables, caller = scenario(name, api)
    ddb_calls.reset()
    body = api.gql(op(name), variables, as_=caller)
    assert "errors" not in body, body
    (root,) = body["data"].values()
    assert root, body
    assert dict(ddb_calls.calls) == PINNED[name]


TIMELINE = """query($id: ID!, $first: Int, $after: String) { application(id: $id) {
  timeline(first: $first, after: $after) { edges { cursor node { seq action } } pageInfo { hasNextPage endCursor } }
} }"""


def test_timeline_pages_from_the_shared_read_have_the_query_cursors(api: Api, ddb_calls: CallCounter) -> None:
    """Paging the events read with the case gives the pages and cursors `events_page` gives."""
    case = Case(api).approved()  # filed, accepted, three reviews, approved: several events
    from strawberry import relay

    case_id = relay.GlobalID.from_id(case.id).node_id
    repo = ApplicationRepository(DEFAULT_CALENDAR)
    after: str | None = None
    seen = 0
    while True:
        ddb_calls.reset()
        body = api.gql(TIMELINE, {"id": case.id, "first": 2, "after": after}, as_="applicant-wang")
        assert dict(ddb_calls.calls) == {"Query": 1}  # the case and its events; the page costs nothing
        page = body["data"]["application"]["timeline"]
        expected = repo.events_page(case_id, 2, after)
        assert [e["cursor"] for e in page["edges"]] == [c for _, c in expected.items]
        assert [e["node"]["seq"] for e in page["edges"]] == [e.seq for e, _ in expected.items]
        assert page["pageInfo"] == {"hasNextPage": expected.has_next_page, "endCursor": expected.end_cursor}
        seen += len(page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == len(repo.events(case_id)) >= 6
    # Selected inside an inline fragment, the timeline still comes with the case in one Query.
    ddb_calls.reset()
    inline = "query($id: ID!) { application(id: $id) { ... on Application { historyVerification { intact events } } } }"
    verified = api.gql(inline, {"id": case.id}, as_="applicant-wang")["data"]["application"]["historyVerification"]
    assert verified == {"intact": True, "events": seen}
    assert dict(ddb_calls.calls) == {"Query": 1}
    # A cursor from another case's timeline is refused, as by the Query path.
    other = Case(api).accepted()
    body = api.gql(TIMELINE, {"id": other.id, "first": 2, "after": after}, as_="applicant-wang")
    assert body["data"] is None or body["data"]["application"] is None
    assert body["errors"]


ITEM_FIELDS = "code version status name department { name } centres { name } coReviewers { department { name } }"


def test_item_detail_from_its_newest_version_is_the_head(api: Api, ddb_calls: CallCounter) -> None:
    """After a change, the item read with its history (one Query) equals the head read alone."""
    item = next(i for i in api.seed.items if i.elements.co_reviewers)
    admin = Principal("admin-test", frozenset({Role.ADMIN}), department_id="x", centre_id="zs-city")
    changed = replace(item.elements, name=item.elements.name + "(变更)")
    catalogue_service.change_item(CatalogueRepository(), admin, item.code, changed, CatalogueChange("名称调整"))
    variables = {"id": gid("ServiceItem", item.code)}

    ddb_calls.reset()
    with_history = api.gql(
        f"query($id: ID!) {{ serviceItem(id: $id) {{ {ITEM_FIELDS} history(first: 1) {{ edges {{ node {{ number }} }} }} }} }}",
        variables,
    )["data"]["serviceItem"]
    assert dict(ddb_calls.calls) == {"Query": 1, "BatchGetItem": 1}
    ddb_calls.reset()
    alone = api.gql(f"query($id: ID!) {{ serviceItem(id: $id) {{ {ITEM_FIELDS} }} }}", variables)["data"]["serviceItem"]
    assert dict(ddb_calls.calls) == {"GetItem": 1, "BatchGetItem": 1}
    history = with_history.pop("history")
    assert with_history == alone
    assert alone["name"].endswith("(变更)") and alone["version"] == history["edges"][0]["node"]["number"] >= 2


def test_certificate_issue_answer_and_retry_are_unchanged(api: Api, ddb_calls: CallCounter) -> None:
    """The batched read issues the same certificate; a retry returns it (reading the case and it)."""
    case = Case(api).approved()
    issuer = case.staff("bureau")
    first = case.run("CertificateIssue", {"input": {"applicationId": case.id}}, issuer)["certificate"]
    ddb_calls.reset()
    again = case.run("CertificateIssue", {"input": {"applicationId": case.id}}, issuer)["certificate"]
    assert again == first
    assert dict(ddb_calls.calls) == {"GetItem": 2}  # the case, the certificate it names
