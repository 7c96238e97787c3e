"""DynamoDB requests of the application lifecycle are bounded constants (moto, deterministic).

Cases are set up through `ApplicationService` directly (a dict stands in for the blob store);
the counted requests go through `/graphql` with real tokens of seeded staff and applicants.
Counts are exact dicts of DynamoDB API calls by operation (the `ddb_calls` fixture).

The `*_is_one_batch` tests guard against N+1: every department/centre/item a page references
loads in one `BatchGetItem` per kind (the resolvers `want` the ids before the first `get`).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from strawberry import relay

from chalicelib.domain import application as da
from chalicelib.domain.identity import Principal
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.applications import ApplicationService, MaterialRef
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.catalogue_repository import CatalogueRepository
from tests.conftest import Api, CallCounter, Clock
from tests.forms import answers

JOINT = "ZS-ZRZY-001"  # lead city-natural-resources, co-reviewers city-housing and city-fire: 3 tasks
SINGLE = "ZS-ZRZY-002"  # city-natural-resources alone: 1 task
DELEGATED = "ZS-SCJG-001"  # city-market, applied for at zs-city, jintang and putuoshan-zhujiajian
APPLICANT = "applicant-wang"
OTHER_APPLICANT = "applicant-zhou"
CLERK = "clerk-li"  # zs-city
LEAD_REVIEWER = "reviewer-nr-yu"
CO_REVIEWERS = ("reviewer-housing-xie", "reviewer-fire-yao")
APPROVER = "approver-nr-chen"

INBOX = """query($first: Int, $after: String) { inbox(queue: REVIEW, first: $first, after: $after) {
  edges { cursor node { trackingCode itemCode itemName applicantName state dueOn queue redFlag applicationId } }
  pageInfo { hasNextPage endCursor } } }"""

DETAIL = """query($id: ID!) { application(id: $id) {
  id trackingCode state round acceptedOn deadline workingDaysLeft acceptedBy
  applicant { name } materials { code } tasks { role status dueOn reviewerId opinion }
  centre { name } item { code name }
  timeline(first: 50) { edges { node { seq action actor } } pageInfo { hasNextPage } }
  historyVerification { intact events } } }"""

DETAIL_WITH_DEPARTMENTS = """query($id: ID!) { application(id: $id) {
  state tasks { role status department { name } } centre { name }
  timeline(first: 50) { edges { node { seq action } } } } }"""

REVIEW = """mutation($input: ApplicationReviewInput!) { applicationReview(input: $input) {
  application { id state tasks { role status } } userErrors { code message } } }"""

ACCEPT = """mutation($input: ApplicationAcceptInput!) { applicationAccept(input: $input) {
  application { id state tasks { role status } } userErrors { code message } } }"""

DECIDE = """mutation($input: ApplicationDecideInput!) { applicationDecide(input: $input) {
  application { id state decision { outcome } } userErrors { code message } } }"""

MINE = """query($first: Int) { myApplications(first: $first) {
  edges { node { id trackingCode state submittedAt item { code } } } pageInfo { hasNextPage endCursor } } }"""

MINE_WITH_CENTRE = """query($first: Int) { myApplications(first: $first) {
  edges { node { id state centre { name } } } pageInfo { hasNextPage } } }"""


class Cases:
    """Sets cases up through the service (no GraphQL), as quickly as the storage allows."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self._blobs: dict[str, tuple[int, str]] = {}
        self.service = ApplicationService(
            ApplicationRepository(DEFAULT_CALENDAR), CatalogueRepository(), self._blobs.get
        )

    def principal(self, person_id: str) -> Principal:
        for staff in self.api.seed.staff:
            if staff.id == person_id:
                return Principal(
                    staff.id, frozenset(staff.roles), department_id=staff.department_id, centre_id=staff.centre_id
                )
        user = next(u for u in self.api.seed.users if u.id == person_id)
        return Principal(user.id, frozenset(user.roles), identifier=user.identifier or None)

    def file(self, item_code: str, applicant: str = APPLICANT, centre: str = "zs-city") -> da.Application:
        item = next(i for i in self.api.seed.items if i.code == item_code)
        refs: list[MaterialRef] = []
        for material in item.elements.materials:
            content = f"{applicant}/{item_code}/{material.code}".encode()
            key = f"materials/{applicant}/{hashlib.sha256(content).hexdigest()[:16]}"
            digest = hashlib.sha256(content).hexdigest()
            self._blobs[key] = (len(content), digest)
            refs.append(MaterialRef(material.code, f"{material.code}.pdf", key, digest, len(content)))
        verified = next(u.identifier for u in self.api.seed.users if u.id == applicant)
        who = da.Applicant(applicant, "王海", verified)
        return self.service.file(
            self.principal(applicant),
            item_code,
            centre,
            who,
            refs,
            da.Channel.ONLINE,
            key=None,
            form_data=answers(item.elements.form),
        )

    def accepted(self, item_code: str, applicant: str = APPLICANT) -> da.Application:
        case = self.file(item_code, applicant)
        return self.service.accept(self.principal(CLERK), case.id)

    def review(self, case: da.Application, reviewer: str) -> da.Application:
        return self.service.review(self.principal(reviewer), case.id, da.Opinion.AGREE, "符合要求")


def _gid(case: da.Application) -> str:
    return str(relay.GlobalID("Application", case.id))


@pytest.fixture
def cases(api: Api, clock: Clock) -> Cases:
    return Cases(api)


def _counted(
    api: Api, ddb_calls: CallCounter, query: str, variables: dict[str, Any], as_: str
) -> tuple[Any, dict[str, int]]:
    """One request through `/graphql`: its body and the DynamoDB calls it made, by operation."""
    ddb_calls.reset()
    body = api.gql(query, variables, as_=as_)
    return body, dict(ddb_calls.calls)


def _ok(body: Any) -> Any:
    assert "errors" not in body, body
    return body["data"]


# --- worklists -------------------------------------------------------------------------------


def test_review_inbox_page_is_one_query_whatever_its_size(api: Api, cases: Cases, ddb_calls: CallCounter) -> None:
    for _ in range(55):
        cases.accepted(SINGLE)

    counts: dict[int, dict[str, int]] = {}
    pages: dict[int, Any] = {}
    for first in (50, 10):
        body, counts[first] = _counted(api, ddb_calls, INBOX, {"first": first}, LEAD_REVIEWER)
        pages[first] = _ok(body)["inbox"]
        assert len(pages[first]["edges"]) == first
        assert pages[first]["pageInfo"]["hasNextPage"] is True

    assert counts[50] == counts[10] == {"Query": 1}
    # The next page (from a cursor) costs the same, and the pages do not overlap.
    after = pages[50]["pageInfo"]["endCursor"]
    body, rest = _counted(api, ddb_calls, INBOX, {"first": 50, "after": after}, LEAD_REVIEWER)
    tail = _ok(body)["inbox"]
    assert rest == {"Query": 1}
    assert len(tail["edges"]) == 5 and tail["pageInfo"]["hasNextPage"] is False
    codes = [e["node"]["trackingCode"] for e in pages[50]["edges"] + tail["edges"]]
    assert len(set(codes)) == 55


# --- one case --------------------------------------------------------------------------------


def test_application_detail_is_constant_in_tasks_and_events(api: Api, cases: Cases, ddb_calls: CallCounter) -> None:
    """Case, tasks, centre, item, timeline and hash-chain check: one Query + one BatchGetItem."""
    one_task = cases.accepted(SINGLE)
    three_tasks = cases.accepted(JOINT)
    longer = cases.accepted(JOINT)
    for reviewer in (LEAD_REVIEWER, *CO_REVIEWERS):
        longer = cases.review(longer, reviewer)
    longer = cases.service.decide(cases.principal(APPROVER), longer.id, da.Outcome.APPROVED, "准予许可", "")
    assert (one_task.events, three_tasks.events, longer.events) == (2, 2, 6)

    counts = {}
    for name, case in (("one_task", one_task), ("three_tasks", three_tasks), ("six_events", longer)):
        body, counts[name] = _counted(api, ddb_calls, DETAIL, {"id": _gid(case)}, APPROVER)
        detail = _ok(body)["application"]
        assert detail["historyVerification"] == {"intact": True, "events": case.events}
        assert len(detail["timeline"]["edges"]) == case.events
        assert len(detail["tasks"]) == len(case.tasks)

    # Query: the case and its events (one partition); timeline and the chain check reuse them.
    # BatchGetItem: the centre. Issue 14: 4 -> 2 (GetItem case + Query timeline + Query chain).
    expected = {"BatchGetItem": 1, "Query": 1}
    assert counts == {"one_task": expected, "three_tasks": expected, "six_events": expected}


def test_application_detail_with_task_departments_is_one_batch(api: Api, cases: Cases, ddb_calls: CallCounter) -> None:
    counts = {}
    for name, code in (("one_task", SINGLE), ("three_tasks", JOINT)):
        case = cases.accepted(code)
        body, counts[name] = _counted(api, ddb_calls, DETAIL_WITH_DEPARTMENTS, {"id": _gid(case)}, APPROVER)
        assert all(t["department"] for t in _ok(body)["application"]["tasks"])
    # Query: the case and its events. BatchGetItem: every task's department and the centre at once.
    # Issue 14: 4 -> 2 (a GetItem for the case; departments and centres were a BatchGetItem each).
    expected = {"BatchGetItem": 1, "Query": 1}
    assert counts == {"one_task": expected, "three_tasks": expected}


# --- transitions -----------------------------------------------------------------------------


def test_transitions_read_the_case_once_and_write_one_transaction(
    api: Api, cases: Cases, ddb_calls: CallCounter
) -> None:
    case = cases.file(JOINT)
    gid = _gid(case)
    steps: list[tuple[str, str, str, dict[str, Any]]] = [
        ("applicationAccept", ACCEPT, CLERK, {}),
        ("applicationReview", REVIEW, LEAD_REVIEWER, {"opinion": "AGREE", "text": "符合规划条件"}),
        ("applicationReview", REVIEW, CO_REVIEWERS[0], {"opinion": "AGREE", "text": "同意"}),
        ("applicationReview", REVIEW, CO_REVIEWERS[1], {"opinion": "AGREE", "text": "同意"}),
        ("applicationDecide", DECIDE, APPROVER, {"outcome": "APPROVED", "reason": "准予许可"}),
    ]
    seen = []
    for field, mutation, who, extra in steps:
        body, calls = _counted(api, ddb_calls, mutation, {"input": {"id": gid, **extra}}, who)
        payload = _ok(body)[field]
        assert payload["userErrors"] == [], payload
        seen.append((field, payload["application"]["state"], calls))

    one_read_one_write = {"GetItem": 1, "TransactWriteItems": 1}
    assert seen == [
        ("applicationAccept", "IN_REVIEW", one_read_one_write),
        ("applicationReview", "IN_REVIEW", one_read_one_write),
        ("applicationReview", "IN_REVIEW", one_read_one_write),
        ("applicationReview", "IN_REVIEW", one_read_one_write),
        ("applicationDecide", "APPROVED", one_read_one_write),
    ]


def test_transition_with_idempotency_key_adds_one_read_and_a_retry_writes_nothing(
    api: Api, cases: Cases, ddb_calls: CallCounter
) -> None:
    case = cases.accepted(JOINT)
    variables = {"input": {"id": _gid(case), "opinion": "AGREE", "text": "同意", "idempotencyKey": "review-1"}}

    first, first_calls = _counted(api, ddb_calls, REVIEW, variables, LEAD_REVIEWER)
    retry, retry_calls = _counted(api, ddb_calls, REVIEW, variables, LEAD_REVIEWER)

    assert _ok(first)["applicationReview"]["userErrors"] == []
    assert _ok(retry)["applicationReview"] == _ok(first)["applicationReview"]
    # GetItem: the key (not yet remembered), the case; the key is created in the same transaction.
    assert first_calls == {"GetItem": 2, "TransactWriteItems": 1}
    # GetItem: the remembered key, the case it names. Nothing is written again.
    assert retry_calls == {"GetItem": 2}


# --- my applications -------------------------------------------------------------------------


def test_my_applications_page_is_one_query(api: Api, cases: Cases, ddb_calls: CallCounter) -> None:
    for n in range(25):
        cases.file(JOINT if n % 2 else SINGLE)
    cases.file(SINGLE, applicant=OTHER_APPLICANT)  # someone else's: never listed

    counts = {}
    for first in (20, 5):
        body, counts[first] = _counted(api, ddb_calls, MINE, {"first": first}, APPLICANT)
        page = _ok(body)["myApplications"]
        assert len(page["edges"]) == first and page["pageInfo"]["hasNextPage"] is True
    assert counts[20] == counts[5] == {"Query": 1}

    # With the centre asked for: one BatchGetItem more (every case here is at one centre).
    body, with_centre = _counted(api, ddb_calls, MINE_WITH_CENTRE, {"first": 20}, APPLICANT)
    assert {e["node"]["centre"]["name"] for e in _ok(body)["myApplications"]["edges"]} == {"舟山市行政审批服务中心"}
    assert with_centre == {"Query": 1, "BatchGetItem": 1}


def test_my_applications_centres_are_one_batch(api: Api, cases: Cases, ddb_calls: CallCounter) -> None:
    for centre in ("zs-city", "jintang", "putuoshan-zhujiajian"):
        cases.file(DELEGATED, centre=centre)
    body, calls = _counted(api, ddb_calls, MINE_WITH_CENTRE, {"first": 20}, APPLICANT)
    assert len({e["node"]["centre"]["name"] for e in _ok(body)["myApplications"]["edges"]}) == 3
    assert calls == {"Query": 1, "BatchGetItem": 1}


def test_my_applications_item_departments_are_one_batch(api: Api, cases: Cases, ddb_calls: CallCounter) -> None:
    for code in (JOINT, DELEGATED, "ZS-FGW-001"):
        cases.file(code)
    query = "{ myApplications(first: 20) { edges { node { item { code department { name } } } } } }"
    body, calls = _counted(api, ddb_calls, query, {}, APPLICANT)
    assert len({e["node"]["item"]["department"]["name"] for e in _ok(body)["myApplications"]["edges"]}) == 3
    assert calls == {"Query": 1, "BatchGetItem": 1}


# --- the rejection-report ledger -------------------------------------------------------------


def test_rejection_ledger_departments_are_one_batch(api: Api, cases: Cases, ddb_calls: CallCounter) -> None:
    for code, reviewer, approver in (
        (SINGLE, LEAD_REVIEWER, APPROVER),
        (DELEGATED, "reviewer-market-zhao", "approver-market-mao"),
        ("ZS-FGW-003", "reviewer-dev-jiang", "approver-dev-shen"),
    ):
        case = cases.review(cases.accepted(code), reviewer)
        cases.service.decide(
            cases.principal(approver), case.id, da.Outcome.REJECTED, "不符合条件", "《行政许可法》第三十八条"
        )
    query = '{ rejectionLedger(month: "2026-11", first: 20) { edges { node { trackingCode department { name } } } } }'
    body, calls = _counted(api, ddb_calls, query, {}, "supervisor-fang")
    assert len({e["node"]["department"]["name"] for e in _ok(body)["rejectionLedger"]["edges"]}) == 3
    # The ledger page, the hierarchy (is the supervisor the city's? seed 000 scopes), the departments.
    assert calls == {"Query": 2, "BatchGetItem": 1}
