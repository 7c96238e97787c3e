"""Seed 003 二(一)–(二): guidance tiers, adjustment requests, memos that change the delegations."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.delegation_flows import (
    CITY_ADMIN,
    ZONE,
    ZONE_DEPARTMENT,
    applied,
    give_back,
    memo_of,
    ok,
    run,
    submitted,
    take_on,
    tiers,
    zone_admin,
)
from tests.flows import Case, gid, op


def centres_of(api: Api, code: str) -> set[str]:
    body = api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", code)})
    return {c["id"] for c in body["data"]["serviceItem"]["centres"]}


def history(api: Api, code: str) -> list[str]:
    body = api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", code)})
    return [e["node"]["change"] for e in body["data"]["serviceItem"]["history"]["edges"]]


def test_seed003_adjustment_request_becomes_memo_and_changes_delegations(api: Api, clock: Any) -> None:
    zone = gid("Centre", ZONE)
    # An open case of a power the zone is about to return: it finishes where it was filed.
    open_case = Case(api, "ZS-ZRZY-002")
    open_case.centre = ZONE
    open_case.clerk = "clerk-jt-le"
    open_case.filed()

    tiers(api)
    request_id = submitted(api, [take_on("ZS-SCJG-004"), give_back("ZS-ZRZY-002")])
    memo_id = memo_of(api, request_id)
    # Published, not yet applied: nothing changed yet.
    assert zone not in centres_of(api, "ZS-SCJG-004")
    assert zone in centres_of(api, "ZS-ZRZY-002")
    memos = api.gql(op("AdjustmentMemos"), {"centreId": zone})["data"]["adjustmentMemos"]["edges"]
    memo = memos[0]["node"]
    assert memo["id"] == memo_id and memo["appliedAt"] is None
    assert [(c["kind"], c["itemCode"]) for c in memo["changes"]] == [
        ("TAKE_ON", "ZS-SCJG-004"),
        ("RETURN", "ZS-ZRZY-002"),
    ]
    assert memo["changes"][0]["receivingDepartment"]["id"] == gid("Department", "jintang-office")
    assert memo["changes"][0]["itemName"] == "特种设备使用登记"

    result = ok(api, "AdjustmentMemoApply", {"input": {"id": memo_id}}, as_=CITY_ADMIN)
    assert result["memo"]["appliedAt"]
    assert zone in centres_of(api, "ZS-SCJG-004")
    assert zone not in centres_of(api, "ZS-ZRZY-002")
    assert history(api, "ZS-SCJG-004")[0] == "DELEGATE"
    assert history(api, "ZS-ZRZY-002")[0] == "UNDELEGATE"

    # A memo applied twice: a specific error, and nothing changes.
    again = run(api, "AdjustmentMemoApply", {"input": {"id": memo_id}}, as_=CITY_ADMIN)
    assert [e["code"] for e in again["userErrors"]] == ["MEMO_ALREADY_APPLIED"]
    assert len(history(api, "ZS-SCJG-004")) == 2

    # The returned power: the open case still finishes at the zone; a new case taken at the zone's
    # window is routed to the city, which holds the power again (seed 000 在地受理、内部流转).
    open_case.run("ApplicationAccept", {"input": {"id": open_case.id}}, open_case.clerk)
    late = Case(api, "ZS-ZRZY-002")
    late.centre = ZONE
    body = api.gql(op("ApplicationFile"), late.file_input(), as_="applicant-wang")
    filed = body["data"]["applicationFile"]
    assert filed["userErrors"] == []
    routed = api.gql(
        "query($id: ID!) { application(id: $id) { centre { id } competentCentre { id } } }",
        {"id": filed["application"]["id"]},
        as_="applicant-wang",
    )["data"]["application"]
    assert routed == {"centre": {"id": gid("Centre", ZONE)}, "competentCentre": {"id": gid("Centre", "zs-city")}}


def test_seed003_delegation_outside_tier_is_refused_with_every_problem(api: Api) -> None:
    tiers(api)
    token = zone_admin(api)
    body = api.gql(
        op("AdjustmentRequestSubmit"),
        {
            "input": {
                "centreId": gid("Centre", ZONE),
                "reason": "调整",
                "changes": [
                    take_on("ZS-FGW-001"),  # not in 一类指导目录
                    {**take_on("ZS-SCJG-005"), "receivingDepartmentId": None},  # no receiving department
                    give_back("ZS-SCJG-004"),  # never delegated to the zone
                    take_on("ZS-JT-001", department="city-market"),  # a department of another centre
                ],
            }
        },
        token=token,
    )
    errors = body["data"]["adjustmentRequestSubmit"]["userErrors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("changes[0].itemId", "OUTSIDE_TIER"),
        ("changes[1].receivingDepartmentId", "RECEIVING_DEPARTMENT_REQUIRED"),
        ("changes[2].itemId", "NOT_DELEGATED"),
        ("changes[3].receivingDepartmentId", "DEPARTMENT_NOT_AT_CENTRE"),
    }
    assert all(e["message"] for e in errors)
    listed = api.gql(op("AdjustmentRequests"), {"centreId": gid("Centre", ZONE)}, token=token)
    assert listed["data"]["adjustmentRequests"]["edges"] == []  # nothing half-written

    # The direct catalogue path respects the tier too (二类 centre, a power outside it).
    direct = api.gql(
        op("ServiceItemDelegate"),
        {
            "input": {
                "id": gid("ServiceItem", "ZS-FGW-001"),
                "centreId": gid("Centre", "putuoshan-zhujiajian"),
                "expectedVersion": 1,
                "reason": "下放",
            }
        },
        as_=CITY_ADMIN,
    )
    assert [e["code"] for e in direct["data"]["serviceItemDelegate"]["userErrors"]] == ["OUTSIDE_TIER"]


def test_seed003_only_the_reform_office_reviews_and_refusals_need_reasons(api: Api) -> None:
    tiers(api)
    request_id = submitted(api, [take_on("ZS-SCJG-004")])
    token = zone_admin(api)
    # The zone's administrator can neither review its own request nor record the approval.
    body = api.gql(op("AdjustmentRequestReview"), {"input": {"id": request_id, "passed": True}}, token=token)
    assert [e["code"] for e in body["data"]["adjustmentRequestReview"]["userErrors"]] == ["FORBIDDEN"]
    # Approval before review is out of order.
    early = run(
        api,
        "AdjustmentRequestApprove",
        {"input": {"id": request_id, "passed": True, "approvalReference": "舟政发〔2026〕1号"}},
        as_=CITY_ADMIN,
    )
    assert [e["code"] for e in early["userErrors"]] == ["ILLEGAL_TRANSITION"]
    refusal = run(api, "AdjustmentRequestReview", {"input": {"id": request_id, "passed": False}}, as_=CITY_ADMIN)
    assert [e["code"] for e in refusal["userErrors"]] == ["REQUIRED"]
    refused = ok(
        api,
        "AdjustmentRequestReview",
        {"input": {"id": request_id, "passed": False, "note": "承接条件不具备"}},
        as_=CITY_ADMIN,
    )
    assert refused["adjustmentRequest"]["status"] == "REFUSED"
    worklist = api.gql(op("AdjustmentRequests"), {"status": "REFUSED"}, as_=CITY_ADMIN)
    assert [e["node"]["id"] for e in worklist["data"]["adjustmentRequests"]["edges"]] == [request_id]
    # Another centre's administrator does not see it.
    other = zone_admin(api, "putuo", "putuo-service-office")
    hidden = api.gql(op("AdjustmentRequests"), {"centreId": gid("Centre", ZONE)}, token=other)
    assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_seed003_memo_applied_in_one_transaction(api: Api) -> None:
    """A change the catalogue refuses at application time (the item was delegated meanwhile)
    leaves every delegation and the memo as they were."""
    tiers(api)
    memo_id = memo_of(api, submitted(api, [take_on("ZS-SCJG-005"), take_on("ZS-SCJG-004")]))
    direct = {
        "input": {
            "id": gid("ServiceItem", "ZS-SCJG-004"),
            "centreId": gid("Centre", ZONE),
            "leadDepartmentId": gid("Department", ZONE_DEPARTMENT),
            "expectedVersion": 1,
            "reason": "先行下放",
        }
    }
    ok(api, "ServiceItemDelegate", direct, as_=CITY_ADMIN)
    body = run(api, "AdjustmentMemoApply", {"input": {"id": memo_id}}, as_=CITY_ADMIN)
    assert [(e["field"], e["code"]) for e in body["userErrors"]] == [("changes[1].itemId", "ALREADY_DELEGATED")]
    assert gid("Centre", ZONE) not in centres_of(api, "ZS-SCJG-005")
    memo = api.gql(op("AdjustmentMemos"), {})["data"]["adjustmentMemos"]["edges"][0]["node"]
    assert memo["appliedAt"] is None


def test_seed003_applied_memo_lists_items_with_their_new_centres(api: Api) -> None:
    result = applied(api, [take_on("ZS-SCJG-005")])
    (item,) = result["serviceItems"]
    assert item["code"] == "ZS-SCJG-005" and gid("Centre", ZONE) in {c["id"] for c in item["centres"]}


def test_seed003_retried_submission_returns_the_first_request(api: Api) -> None:
    tiers(api)
    variables = {
        "input": {
            "centreId": gid("Centre", ZONE),
            "reason": "调整",
            "changes": [take_on("ZS-SCJG-004")],
            "idempotencyKey": "adj-2026-001",
        }
    }
    token = zone_admin(api)
    first = api.gql(op("AdjustmentRequestSubmit"), variables, token=token)["data"]["adjustmentRequestSubmit"]
    again = api.gql(op("AdjustmentRequestSubmit"), variables, token=token)["data"]["adjustmentRequestSubmit"]
    assert first["adjustmentRequest"]["id"] == again["adjustmentRequest"]["id"]
    listed = api.gql(op("AdjustmentRequests"), {"centreId": gid("Centre", ZONE)}, token=token)
    assert len(listed["data"]["adjustmentRequests"]["edges"]) == 1
    other = {"input": {**variables["input"], "centreId": gid("Centre", "putuo")}}
    reused = api.gql(op("AdjustmentRequestSubmit"), other, token=token)["data"]["adjustmentRequestSubmit"]
    assert [e["code"] for e in reused["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
