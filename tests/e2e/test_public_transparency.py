"""Public transparency (阳光审批, seed 001 四(四)2): progress lookup by tracking code, on-time rates,
and the published catalogue with its promised limits, all without logging in."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib.config import get_settings
from tests.conftest import Api, CallCounter, Clock
from tests.flows import Case, gid, op

PROGRESS = op("PublicProgress")
RATES = op("PublicOnTimeRates")
MONDAY = date(2026, 11, 2)  # no public holiday in November 2026
UNKNOWN_CODE = "2345678923"  # well formed, never issued in a test (codes are random, 50 bits)
WRITES = {"PutItem", "TransactWriteItems", "BatchWriteItem", "DeleteItem"}


def raw(api: Api, query: str, variables: dict[str, Any], token: str | None = None) -> bytes:
    """The response body exactly as sent, to compare answers byte for byte."""
    from chalice.test import Client

    from app import app

    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables}).encode()
    with Client(app, stage_name="local") as client:
        response = client.http.post("/graphql", headers=headers, body=body)
    assert response.status_code == 200
    content: bytes = response.body
    return content


def progress(api: Api, code: str, as_: str | None = None) -> Any:
    return api.gql(PROGRESS, {"trackingCode": code}, as_=as_)


def shown(api: Api, code: str) -> dict[str, Any]:
    body = progress(api, code)
    assert "errors" not in body, body
    view: dict[str, Any] = body["data"]["publicProgress"]
    return view


def tracking_code(case: Case) -> str:
    body = case.api.gql(op("ApplicationDetail"), {"id": case.id}, as_="applicant-wang")
    code: str = body["data"]["application"]["trackingCode"]
    return code


def review_all(case: Case) -> None:
    for task in case.item.elements.co_reviewers:
        case.run("ApplicationReview", case.review_input(), case.staff("reviewer", department=task.department_id))
    case.run("ApplicationReview", case.review_input(), case.reviewer)


def decide(case: Case, outcome: str = "APPROVED") -> None:
    decision = {"outcome": outcome, "reason": "依法作出决定"}
    if outcome == "REJECTED":
        decision["legalBasis"] = "《城乡规划法》第四十条"
    case.run("ApplicationDecide", {"input": {"id": case.id, **decision}}, case.approver)


def decided_case(
    api: Api, clock: Clock, item: str, *, days_before_decision: int = 0, outcome: str = "APPROVED"
) -> Case:
    """Filed and accepted today, decided `days_before_decision` days later."""
    case = Case(api, item).accepted()
    clock.advance(days=days_before_decision)
    review_all(case)
    decide(case, outcome)
    if outcome == "REJECTED":
        case.run("RejectionReportConfirm", {"input": {"id": case.id, "note": "依据充分"}}, case.supervisor)
    return case


@pytest.fixture
def monday(clock: Clock) -> Clock:
    clock.set_china(MONDAY)
    return clock


# --- publicProgress --------------------------------------------------------------------------------


def test_anonymous_lookup_shows_the_masked_staff_free_view(api: Api, monday: Clock) -> None:
    case = Case(api).accepted()
    code = tracking_code(case)
    body = raw(api, PROGRESS, {"trackingCode": code})
    view = json.loads(body)["data"]["publicProgress"]
    assert view == {
        "stage": "IN_REVIEW",
        "itemName": "建设工程规划许可证核发",
        "departmentName": "舟山市自然资源和规划局",
        "centreName": "舟山市行政审批服务中心",
        "applicantNameMasked": "王*燕",
        "agentIdentifierMasked": None,  # filed by the applicant, not an agent
        "submittedOn": "2026-11-02",
        "acceptedOn": "2026-11-02",
        "decidedOn": None,
        "workingDaysUsed": 0,
        "promisedLimitDays": 10,
        "deadline": "2026-11-16",  # 10 working days after Monday 2 November
        "outcome": None,
        "deemed": False,
    }
    text = body.decode()
    staff = [case.clerk, case.reviewer, case.approver, *(s.id for s in api.seed.staff)]
    for secret in ["王海燕", "330902199003151226", "applicant-wang", case.id, *staff]:
        assert secret not in text, secret
    # The type itself has no field that could carry ids, identifiers or materials.
    for leak in ("applicationId", "identifier", "materials", "acceptedBy", "reviewerId"):
        bad = api.gql(f"{{ publicProgress(trackingCode: {json.dumps(code)}) {{ {leak} }} }}")
        assert bad["errors"] and bad["data"] is None


def test_stage_and_working_days_move_with_the_case(api: Api, monday: Clock) -> None:
    case = Case(api).filed()
    code = tracking_code(case)
    filed = shown(api, code)
    assert (filed["stage"], filed["acceptedOn"], filed["workingDaysUsed"], filed["deadline"]) == (
        "SUBMITTED",
        None,
        None,
        None,
    )

    case.run("ApplicationAccept", {"input": {"id": case.id}}, case.clerk)
    monday.advance(days=2)  # Wednesday 4 November: two working days used
    assert (shown(api, code)["workingDaysUsed"], shown(api, code)["deadline"]) == (2, "2026-11-16")

    # The expert review does not count toward the limit: its days pause the clock from Thursday.
    start = {"input": {"id": case.id, "kind": "EXPERT_REVIEW", "note": "组织专家评审"}}
    case.run("ApplicationSpecialStepStart", start, case.reviewer)
    monday.advance(days=5)  # Monday 9 November: Thu, Fri, Mon paused
    paused = shown(api, code)
    assert (paused["stage"], paused["workingDaysUsed"], paused["deadline"]) == ("IN_REVIEW", 2, "2026-11-19")
    end = {"input": {"id": case.id, "kind": "EXPERT_REVIEW", "note": "评审结束"}}
    case.run("ApplicationSpecialStepEnd", end, case.reviewer)

    monday.advance(days=2)  # Wednesday 11 November: Tue and Wed count again
    review_all(case)
    decide(case)
    decided = shown(api, code)
    assert decided["stage"] == "DECIDED" and decided["outcome"] == "APPROVED"
    assert (decided["decidedOn"], decided["workingDaysUsed"], decided["deadline"]) == ("2026-11-11", 4, "2026-11-19")

    monday.advance(days=7)  # the clock stops at the decision
    assert shown(api, code) == decided


def test_a_refusal_is_published_only_once_the_supervisor_confirmed_it(api: Api, monday: Clock) -> None:
    """Seed 004 否认报备: until confirmed, the refusal is internal and the case is still in review."""
    case = Case(api).accepted()
    code = tracking_code(case)
    review_all(case)
    decide(case, "REJECTED")
    reported = shown(api, code)
    assert (reported["stage"], reported["outcome"], reported["decidedOn"]) == ("IN_REVIEW", None, None)

    monday.advance(days=1)
    case.run("RejectionReportConfirm", {"input": {"id": case.id, "note": "依据充分"}}, case.supervisor)
    confirmed = shown(api, code)
    assert (confirmed["stage"], confirmed["outcome"], confirmed["decidedOn"]) == ("DECIDED", "REJECTED", "2026-11-03")
    assert confirmed["workingDaysUsed"] == 1


def test_unknown_confidential_withdrawn_and_malformed_codes_get_byte_identical_answers(
    api: Api, monday: Clock, ddb_calls: CallCounter
) -> None:
    confidential = Case(api, "ZS-ZRZY-005").accepted()  # 不动产抵押权首次登记: personal privacy
    withdrawn = Case(api).filed()
    withdrawn.run("ApplicationWithdraw", {"input": {"id": withdrawn.id, "reason": "不再需要"}}, "applicant-wang")
    published = Case(api).filed()
    codes = {
        "unknown": UNKNOWN_CODE,
        "confidential": tracking_code(confidential),
        "withdrawn": tracking_code(withdrawn),
    }
    assert shown(api, tracking_code(published))["stage"] == "SUBMITTED"  # the same lookup works for others

    answers = {name: raw(api, PROGRESS, {"trackingCode": code}) for name, code in codes.items()}
    ddb_calls.reset()
    for malformed in ("ABC", "0000000000", "2345678923X", "23456789I3", "", "2345678 23", "办件编号办件编号办件"):
        answers[f"malformed {malformed!r}"] = raw(api, PROGRESS, {"trackingCode": malformed})
    assert ddb_calls.total == 0  # malformed codes never reach the table

    assert len(set(answers.values())) == 1, answers
    error = json.loads(answers["unknown"])
    assert error["data"] is None
    assert error["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "trackingCode"}
    assert error["errors"][0]["message"] == "未找到该受理编号对应的公示信息"

    # Hidden from the public only: the applicant still sees the confidential case.
    own = api.gql(op("ApplicationDetail"), {"id": confidential.id}, as_="applicant-wang")
    assert own["data"]["application"]["state"] == "IN_REVIEW"


def test_the_rate_limit_trips_at_one_more_than_the_limit_and_resets_the_next_minute(
    api: Api, monday: Clock, ddb_calls: CallCounter
) -> None:
    from chalicelib.storage.tables import Record

    limit = get_settings().public_lookups_per_minute
    assert limit == 20
    code = tracking_code(Case(api).filed())
    for _ in range(limit):
        assert shown(api, code)["stage"] == "SUBMITTED"

    ddb_calls.reset()
    over = progress(api, code)
    assert over["data"] is None
    assert over["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "field": "trackingCode"}
    assert over["errors"][0]["message"] == "查询过于频繁,请一分钟后再试"
    assert dict(ddb_calls.calls) == {"UpdateItem": 1}  # counted, and the lookup itself not made
    # An unknown code is refused the same way: no probing past the limit either.
    assert progress(api, UNKNOWN_CODE)["errors"][0]["extensions"]["code"] == "RATE_LIMITED"

    # The limit is per caller: a signed-in caller counts against their account, not the address.
    assert "errors" not in progress(api, code, as_="agent-chen")

    counter = Record.get("RATE#ip:127.0.0.1", "2026-11-02T02:00")
    assert counter.expires_at is not None and counter.expires_at > monday.now  # DynamoDB's TTL removes it

    monday.now += timedelta(minutes=1)
    assert shown(api, code)["stage"] == "SUBMITTED"


def test_a_lookup_costs_a_small_constant_number_of_requests(api: Api, monday: Clock, ddb_calls: CallCounter) -> None:
    code = tracking_code(Case(api).accepted())
    ddb_calls.reset()
    shown(api, code)
    # rate counter, tracking code, case, the item as published now, then the department and centre
    # names in one BatchGetItem (issue 14: 6 -> 5, they were one BatchGetItem each)
    assert dict(ddb_calls.calls) == {"UpdateItem": 1, "GetItem": 3, "BatchGetItem": 1}
    ddb_calls.reset()
    progress(api, UNKNOWN_CODE)
    assert dict(ddb_calls.calls) == {"UpdateItem": 1, "GetItem": 1}


# --- publicOnTimeRates -----------------------------------------------------------------------------


def rates(api: Api, month: str) -> Any:
    return api.gql(RATES, {"month": month})


def test_on_time_rates_match_hand_computed_figures(api: Api, monday: Clock, ddb_calls: CallCounter) -> None:
    # Natural resources (promised 10 working days): approved the same day, and a refusal
    # confirmed the same day: 2 decisions, both on time.
    decided_case(api, monday, "ZS-ZRZY-001")
    decided_case(api, monday, "ZS-ZRZY-001", outcome="REJECTED")
    # Market supervision (promised 2 working days): one decided on the third working day (late:
    # due Wednesday 4, decided Thursday 5, before any sweep could red-flag it), one on time.
    decided_case(api, monday, "ZS-SCJG-004", days_before_decision=3)
    decided_case(api, monday, "ZS-SCJG-004")
    # December does not mix into November.
    monday.set_china(date(2026, 12, 1))
    decided_case(api, monday, "ZS-SCJG-004")

    ddb_calls.reset()
    body = rates(api, "2026-11")
    assert "errors" not in body, body
    assert dict(ddb_calls.calls) == {"Query": 1, "BatchGetItem": 1}
    figures = {
        r["department"]["name"]: (r["decided"], r["onTime"], r["overdue"], r["onTimeRate"])
        for r in body["data"]["publicOnTimeRates"]
    }
    assert figures == {
        "舟山市自然资源和规划局": (2, 2, 0, 1.0),
        "舟山市市场监督管理局": (2, 1, 1, 0.5),
    }
    december = rates(api, "2026-12")["data"]["publicOnTimeRates"]
    assert [(r["department"]["name"], r["decided"], r["onTime"]) for r in december] == [("舟山市市场监督管理局", 1, 1)]


def test_a_month_without_decisions_is_an_empty_list(api: Api, monday: Clock) -> None:
    Case(api).accepted()  # accepted, not decided
    assert rates(api, "2026-11") == {"data": {"publicOnTimeRates": []}}
    assert rates(api, "2025-01") == {"data": {"publicOnTimeRates": []}}


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "202611", "2026-11-01", "1999-11", "", "2026-00"])
def test_a_bad_month_is_refused_without_reading(api: Api, ddb_calls: CallCounter, month: str) -> None:
    ddb_calls.reset()
    body = rates(api, month)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_REQUEST", "field": "month"}
    assert body["errors"][0]["message"] == "月份格式应为 YYYY-MM"
    assert ddb_calls.total == 0


# --- the published catalogue -----------------------------------------------------------------------


def test_anyone_can_list_a_departments_items_with_their_promised_limits(api: Api) -> None:
    """Seed 001: every department's items and promised limits are public (no token sent)."""
    department = "city-market"
    query = """query($id: ID!) { department(id: $id) { name serviceItems(first: 50) {
        edges { node { code name statutoryLimitDays promisedLimitDays } } } } }"""
    body = api.gql(query, {"id": gid("Department", department)})
    assert "errors" not in body, body
    listed = {
        e["node"]["code"]: (e["node"]["statutoryLimitDays"], e["node"]["promisedLimitDays"])
        for e in body["data"]["department"]["serviceItems"]["edges"]
    }
    seeded = {
        i.code: (i.elements.statutory_limit_days, i.elements.promised_limit_days)
        for i in api.seed.items
        if i.elements.department_id == department
    }
    assert listed == seeded and len(listed) >= 5


def test_confidential_items_are_marked_in_the_catalogue_and_settable_by_administrators(api: Api) -> None:
    marked = api.gql(
        "query($id: ID!) { serviceItem(id: $id) { confidential } }", {"id": gid("ServiceItem", "ZS-ZRZY-005")}
    )
    assert marked["data"]["serviceItem"]["confidential"] is True
    plain = api.gql(
        "query($id: ID!) { serviceItem(id: $id) { confidential } }", {"id": gid("ServiceItem", "ZS-ZRZY-001")}
    )
    assert plain["data"]["serviceItem"]["confidential"] is False

    from tests.e2e.test_contract import elements

    created = api.gql(
        op("ServiceItemCreate"),
        {
            "input": {
                "code": "ZS-PRIVATE-001",
                "elements": {**elements(api), "confidential": True},
                "reason": "涉及个人隐私",
            }
        },
        as_=api.staff_with("admin"),
    )
    assert created["data"]["serviceItemCreate"]["userErrors"] == []
    read = api.gql(
        "query($id: ID!) { serviceItem(id: $id) { confidential } }", {"id": gid("ServiceItem", "ZS-PRIVATE-001")}
    )
    assert read["data"]["serviceItem"]["confidential"] is True


def test_the_table_expires_records_by_their_ttl_attribute(ddb: None) -> None:
    from chalicelib.storage.tables import Record, cloudformation_resource

    spec = cloudformation_resource()["Properties"]["TimeToLiveSpecification"]
    assert spec == {"AttributeName": "TTL", "Enabled": True}
    described = Record._get_connection().connection.client.describe_time_to_live(TableName=Record.Meta.table_name)
    assert described["TimeToLiveDescription"]["AttributeName"] == "TTL"


def test_an_item_marked_confidential_later_hides_its_earlier_cases(api: Api, monday: Clock) -> None:
    """Confidentiality follows the catalogue as it is now, not the version a case was filed under."""
    from tests.e2e.test_result_push import elements_input
    from tests.flows import gid, op

    case = Case(api, "ZS-SCJG-004").accepted()
    code = tracking_code(case)
    assert shown(api, code)["stage"] == "IN_REVIEW"
    seeded = next(i for i in api.seed.items if i.code == "ZS-SCJG-004")
    item_id = gid("ServiceItem", "ZS-SCJG-004")
    version = api.gql("query($id: ID!) { serviceItem(id: $id) { version } }", {"id": item_id})
    change = {
        "id": item_id,
        "expectedVersion": version["data"]["serviceItem"]["version"],
        "elements": elements_input(seeded.elements, confidential=True),
        "reason": "涉及个人隐私",
    }
    body = api.gql(op("ServiceItemChange"), {"input": change}, as_=api.staff_with("admin"))
    assert body["data"]["serviceItemChange"]["userErrors"] == [], body
    assert progress(api, code) == progress(api, UNKNOWN_CODE)
