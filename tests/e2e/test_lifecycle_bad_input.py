"""Refused lifecycle commands: each illegal step gets its specific code and writes nothing.

Every refusal here is checked three ways: the payload carries no case and exactly the expected
`userErrors` code; the case's `timeline` did not grow; and no `TransactWriteItems` reached
DynamoDB while the refused mutation ran (the unit of work commits all or nothing, and a
refused command never gets as far as committing).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from strawberry import relay

from tests.conftest import CallCounter, Clock
from tests.lifecycle_desk import CITY, READ, Desk, gid

CLERK_MUTATION = """mutation($input: ApplicationAcceptInput!) {
  applicationAccept(input: $input) { application { id state } userErrors { code } } }"""


@pytest.fixture
def desk(api: Any, clock: Clock) -> Desk:
    clock.set_china(date(2026, 11, 2))  # Monday; no holiday in November 2026
    return Desk(api)


def refuse(
    desk: Desk,
    ddb_calls: CallCounter,
    name: str,
    value: dict[str, Any],
    code: str,
    *,
    as_: str | None = None,
    token: str | None = None,
    case_id: str | None = None,
) -> None:
    """The mutation is refused with `code`; nothing about the case was written."""
    target = case_id or value.get("id")
    before = len(desk.timeline(target)) if target else None
    ddb_calls.reset()
    assert desk.refused(name, value, as_=as_, token=token) == [code]
    assert ddb_calls.calls["TransactWriteItems"] == 0, dict(ddb_calls.calls)
    if target:
        assert len(desk.timeline(target)) == before


def filed_and_accepted(desk: Desk, item: str = "ZS-SCJG-004", **kwargs: Any) -> str:
    case_id: str = desk.accept(desk.file(item, **kwargs)["id"])["id"]
    return case_id


# --- intake ------------------------------------------------------------------------------------


def test_deciding_a_case_not_yet_accepted_is_refused(desk: Desk, ddb_calls: CallCounter) -> None:
    """The lead department's approver has no task on a SUBMITTED case, so it is hidden from them:
    NOT_FOUND, as for an unknown id (issue 16; the state rule itself is a domain unit test)."""
    case = desk.file("ZS-SCJG-004")
    value = {"id": case["id"], "outcome": "APPROVED", "reason": "同意"}
    refuse(desk, ddb_calls, "applicationDecide", value, "NOT_FOUND", as_="approver-market-mao")
    assert desk.read(case["id"])["state"] == "SUBMITTED"


def test_accepting_an_incomplete_submission_needs_a_notice_or_a_pledge(desk: Desk, ddb_calls: CallCounter) -> None:
    case = desk.file("ZS-SCJG-004", omit=("M05",))
    refuse(desk, ddb_calls, "applicationAccept", {"id": case["id"]}, "MATERIALS_INCOMPLETE", as_="clerk-li")


def test_second_notice_for_the_same_submission(desk: Desk, ddb_calls: CallCounter) -> None:
    case = desk.file("ZS-SCJG-004", omit=("M03",))
    notice = {
        "id": case["id"],
        "entries": [{"materialCode": "M03", "problem": "MISSING", "description": "缺定期检验报告"}],
        "procedure": "补正后重新提交",
    }
    desk.ok("applicationNoticeIssue", notice, as_="clerk-li")
    refuse(desk, ddb_calls, "applicationNoticeIssue", notice, "NOTICE_ALREADY_ISSUED", as_="clerk-li")
    assert len(desk.read(case["id"])["notices"]) == 1


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([], "NOTICE_EMPTY"),
        ([{"materialCode": "M99", "problem": "MISSING", "description": "不存在的材料"}], "UNKNOWN_MATERIAL"),
        ([{"materialCode": "M03", "problem": "MISSING", "description": "   "}], "REASON_REQUIRED"),
        ([{"materialCode": "M01", "problem": "DEFECTIVE", "description": "申请表未盖章"}], "NOTICE_INCOMPLETE"),
    ],
)
def test_malformed_notice(desk: Desk, ddb_calls: CallCounter, entries: list[dict[str, str]], code: str) -> None:
    case = desk.file("ZS-SCJG-004", omit=("M03",))
    value = {"id": case["id"], "entries": entries, "procedure": "补正后重新提交"}
    refuse(desk, ddb_calls, "applicationNoticeIssue", value, code, as_="clerk-li")
    assert desk.read(case["id"])["state"] == "SUBMITTED"


def test_deficiency_acceptance_naming_a_primary_material(desk: Desk, ddb_calls: CallCounter) -> None:
    case = desk.file("ZS-SCJG-004", omit=("M03", "M05"))  # M03 primary, M05 secondary
    value = {"id": case["id"], "missingMaterialCodes": ["M03", "M05"], "pledgeDueOn": "2026-11-04"}
    refuse(desk, ddb_calls, "applicationAcceptWithDeficiency", value, "DEFICIENCY_PRIMARY_MATERIAL", as_="clerk-li")
    assert desk.read(case["id"])["pledge"] is None


@pytest.mark.parametrize(
    ("omit", "named"),
    [
        (("M04", "M05"), ["M05"]),  # fewer than what is missing
        (("M05",), ["M04", "M05"]),  # M04 was submitted
        ((), ["M05"]),  # nothing is missing
        (("M05",), []),  # nothing named
        (("M05",), ["M77"]),  # not a material of the item
    ],
)
def test_deficiency_list_must_match_what_is_missing(
    desk: Desk, ddb_calls: CallCounter, omit: tuple[str, ...], named: list[str]
) -> None:
    case = desk.file("ZS-SCJG-004", omit=omit)
    value = {"id": case["id"], "missingMaterialCodes": named, "pledgeDueOn": "2026-11-04"}
    refuse(desk, ddb_calls, "applicationAcceptWithDeficiency", value, "DEFICIENCY_NOT_MISSING", as_="clerk-li")


@pytest.mark.parametrize(
    ("due", "code"),
    [
        ("2026-11-05", "PLEDGE_AFTER_LIMIT"),  # promised 2 working days: the limit ends Wednesday 4 November
        ("2026-11-02", "PLEDGE_IN_PAST"),
        ("2026-10-30", "PLEDGE_IN_PAST"),
    ],
)
def test_pledge_due_date_outside_the_promised_limit(desk: Desk, ddb_calls: CallCounter, due: str, code: str) -> None:
    case = desk.file("ZS-SCJG-004", omit=("M05",))
    value = {"id": case["id"], "missingMaterialCodes": ["M05"], "pledgeDueOn": due}
    refuse(desk, ddb_calls, "applicationAcceptWithDeficiency", value, code, as_="clerk-li")
    assert desk.read(case["id"])["state"] == "SUBMITTED"


def test_clerk_of_another_centre_cannot_accept(desk: Desk, ddb_calls: CallCounter, api: Any) -> None:
    """A case filed at the 金塘 zone centre (delegated city item)."""
    case = desk.file("ZS-SCJG-001", centre="jintang")
    # A window clerk of another centre does not even learn that the case exists (hidden = unknown).
    refuse(desk, ddb_calls, "applicationAccept", {"id": case["id"]}, "NOT_FOUND", as_="clerk-li")
    refuse(desk, ddb_calls, "applicationAccept", {"id": case["id"]}, "NOT_FOUND", as_="clerk-dh-sun")
    # 同权审批: the city department that owns the item no longer sees a case of the delegated power.
    token = api.posted_token("market-dual", ["approver", "clerk"], department="city-market", centre=CITY)
    refuse(desk, ddb_calls, "applicationAccept", {"id": case["id"]}, "NOT_FOUND", token=token)
    # Someone who may see it (a city supervisor, who is also a clerk there) still cannot accept at another
    # centre's window. (The receiving department's approver sees a case only once it is accepted.)
    token = api.posted_token("supervisor-dual", ["supervisor", "clerk"], department="city-market", centre=CITY)
    refuse(desk, ddb_calls, "applicationAccept", {"id": case["id"]}, "OUTSIDE_CENTRE", token=token)
    assert desk.accept(case["id"], "clerk-jt-le")["state"] == "IN_REVIEW"


# --- review and decision -----------------------------------------------------------------------


def test_deciding_while_a_review_task_is_open(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk, "ZS-ZJ-001")  # lead 住建, co-reviewer 自然资源
    desk.review(case_id, "reviewer-housing-xie")
    value = {"id": case_id, "outcome": "APPROVED", "reason": "同意"}
    refuse(desk, ddb_calls, "applicationDecide", value, "REVIEW_PENDING", as_="approver-housing-ding")


def test_reviewer_of_an_uninvolved_department(desk: Desk, ddb_calls: CallCounter, api: Any) -> None:
    case_id = filed_and_accepted(desk)  # 特种设备使用登记: city-market only
    value = {"id": case_id, "opinion": "AGREE", "text": "同意"}
    # The case is hidden from a department that has no part in it: same answer as an unknown case.
    refuse(desk, ddb_calls, "applicationReview", value, "NOT_FOUND", as_="reviewer-eco-liu")
    # Someone who can see the case (window clerk at its centre) but reviews for another department.
    token = api.posted_token("eco-window", ["clerk", "reviewer"], department="city-ecology", centre=CITY)
    refuse(desk, ddb_calls, "applicationReview", value, "OUTSIDE_DEPARTMENT", token=token)


def test_approver_of_a_co_reviewing_department_cannot_decide(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk, "ZS-ZJ-001")
    desk.review(case_id, "reviewer-housing-xie")
    desk.review(case_id, "reviewer-nr-yu")
    value = {"id": case_id, "outcome": "APPROVED", "reason": "同意"}
    refuse(desk, ddb_calls, "applicationDecide", value, "OUTSIDE_DEPARTMENT", as_="approver-nr-chen")
    assert desk.decide(case_id, "approver-housing-ding")["state"] == "APPROVED"


def test_second_opinion_from_the_same_department(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk)
    desk.review(case_id, "reviewer-market-zhao")
    value = {"id": case_id, "opinion": "OBJECT", "text": "改变主意"}
    refuse(desk, ddb_calls, "applicationReview", value, "TASK_CLOSED", as_="reviewer-market-zhao")


def test_refusal_without_legal_basis(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk)
    desk.review(case_id, "reviewer-market-zhao", "OBJECT", "不符合条件")
    value = {"id": case_id, "outcome": "REJECTED", "reason": "不符合条件", "legalBasis": "  "}
    refuse(desk, ddb_calls, "applicationDecide", value, "LEGAL_BASIS_REQUIRED", as_="approver-market-mao")
    value = {"id": case_id, "outcome": "APPROVED", "reason": ""}
    refuse(desk, ddb_calls, "applicationDecide", value, "REASON_REQUIRED", as_="approver-market-mao")


def test_confirming_a_rejection_that_was_never_reported(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk)
    refuse(desk, ddb_calls, "rejectionReportConfirm", {"id": case_id}, "ILLEGAL_TRANSITION", as_="supervisor-fang")
    value = {"id": case_id, "note": "纠正"}
    refuse(desk, ddb_calls, "rejectionReportCorrect", value, "ILLEGAL_TRANSITION", as_="supervisor-fang")


def test_correcting_a_rejection_needs_a_reason(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk)
    desk.review(case_id, "reviewer-market-zhao", "OBJECT", "不符合条件")
    desk.decide(case_id, "approver-market-mao", "REJECTED", "不符合条件", "《特种设备安全法》第三十三条")
    value = {"id": case_id, "note": " "}
    refuse(desk, ddb_calls, "rejectionReportCorrect", value, "REASON_REQUIRED", as_="supervisor-fang")
    assert desk.read(case_id)["state"] == "REJECTION_REPORTED"


# --- special steps, meetings, extensions --------------------------------------------------------


def test_special_step_not_defined_on_the_item(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk)  # ZS-SCJG-004 has no special steps
    value = {"id": case_id, "kind": "EXPERT_REVIEW", "note": "专家论证"}
    refuse(
        desk, ddb_calls, "applicationSpecialStepStart", value, "SPECIAL_STEP_NOT_DEFINED", as_="reviewer-market-zhao"
    )
    assert desk.read(case_id)["specialSteps"] == []


def test_special_step_started_twice_or_ended_when_not_running(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk, "ZS-FGW-003")
    value = {"id": case_id, "kind": "EXPERT_REVIEW"}
    refuse(desk, ddb_calls, "applicationSpecialStepEnd", value, "SPECIAL_STEP_NOT_RUNNING", as_="reviewer-dev-jiang")
    desk.ok("applicationSpecialStepStart", value, as_="reviewer-dev-jiang")
    refuse(desk, ddb_calls, "applicationSpecialStepStart", value, "SPECIAL_STEP_RUNNING", as_="approver-dev-shen")


def test_only_the_lead_department_runs_special_steps_and_meetings(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk, "ZS-ZRZY-001")  # lead 自然资源; co 住建, 消防
    start = {"id": case_id, "kind": "EXPERT_REVIEW"}
    refuse(desk, ddb_calls, "applicationSpecialStepStart", start, "OUTSIDE_DEPARTMENT", as_="reviewer-housing-xie")
    meeting = {
        "id": case_id,
        "kind": "JOINT_INSPECTION",
        "heldOn": "2026-11-02",
        "opinions": [{"departmentId": gid("Department", "city-ecology"), "opinion": "未参与本件"}],
    }
    refuse(desk, ddb_calls, "applicationMeetingRecord", meeting, "OUTSIDE_DEPARTMENT", as_="reviewer-nr-yu")
    future = {
        **meeting,
        "heldOn": "2026-11-03",
        "opinions": [{"departmentId": gid("Department", "city-fire"), "opinion": "同意"}],
    }
    refuse(desk, ddb_calls, "applicationMeetingRecord", future, "OUT_OF_RANGE", as_="reviewer-nr-yu")
    refuse(
        desk, ddb_calls, "applicationMeetingRecord", {**future, "opinions": []}, "REASON_REQUIRED", as_="reviewer-nr-yu"
    )


@pytest.mark.parametrize(
    ("days", "reason", "code"),
    [(0, "理由", "OUT_OF_RANGE"), (61, "理由", "OUT_OF_RANGE"), (3, "  ", "REASON_REQUIRED")],
)
def test_extension_out_of_range(desk: Desk, ddb_calls: CallCounter, days: int, reason: str, code: str) -> None:
    case_id = filed_and_accepted(desk)
    value = {"id": case_id, "days": days, "reason": reason}
    refuse(desk, ddb_calls, "applicationExtensionGrant", value, code, as_="supervisor-fang")


# --- the applicant's side ------------------------------------------------------------------------


def _ref(desk: Desk, code: str, *, as_: str = "applicant-wang") -> dict[str, Any]:
    return desk.upload("ZS-SCJG-004", [code], as_=as_)[0]


def _filing_with(desk: Desk, broken: dict[str, Any], index: int = 0) -> dict[str, Any]:
    """A complete filing for ZS-SCJG-004 whose `index`-th material is replaced by `broken`."""
    materials = desk.upload("ZS-SCJG-004", desk.material_codes("ZS-SCJG-004"), as_="applicant-wang")
    materials[index] = broken
    return desk.file_input("ZS-SCJG-004", materials=materials)


@pytest.mark.parametrize(
    "breakage",
    ["never_uploaded", "hash_mismatch", "size_mismatch", "someone_elses_file", "foreign_key_shape"],
)
def test_material_file_missing_or_not_as_declared(desk: Desk, ddb_calls: CallCounter, breakage: str) -> None:
    good = _ref(desk, "M01")
    if breakage == "never_uploaded":
        broken = {**good, "blobKey": good["blobKey"][:-6] + "ffffff"}
    elif breakage == "hash_mismatch":
        broken = {**good, "sha256": hashlib.sha256(b"other content").hexdigest()}
    elif breakage == "size_mismatch":
        broken = {**good, "size": good["size"] + 1}
    elif breakage == "someone_elses_file":
        broken = _ref(desk, "M01", as_="applicant-zhou")
    else:
        broken = {**good, "blobKey": "../" + good["blobKey"]}
    refuse(
        desk, ddb_calls, "applicationFile", _filing_with(desk, broken), "MATERIAL_FILE_MISSING", as_="applicant-wang"
    )
    assert desk.mine("applicant-wang") == []


def test_unknown_or_duplicate_material_code(desk: Desk, ddb_calls: CallCounter) -> None:
    unknown = {**_ref(desk, "M99"), "code": "M99"}
    refuse(desk, ddb_calls, "applicationFile", _filing_with(desk, unknown), "UNKNOWN_MATERIAL", as_="applicant-wang")
    duplicate = _ref(desk, "M02")
    refuse(
        desk, ddb_calls, "applicationFile", _filing_with(desk, duplicate), "DUPLICATE_MATERIAL", as_="applicant-wang"
    )
    assert desk.mine("applicant-wang") == []


def test_supplement_with_an_unknown_material_or_nothing(desk: Desk, ddb_calls: CallCounter) -> None:
    case = desk.file("ZS-SCJG-004", omit=("M03",))
    desk.ok(
        "applicationNoticeIssue",
        {
            "id": case["id"],
            "procedure": "补正",
            "entries": [{"materialCode": "M03", "problem": "MISSING", "description": "缺检验报告"}],
        },
        as_="clerk-li",
    )
    unknown = {"id": case["id"], "materials": [{**_ref(desk, "M42"), "code": "M42"}]}
    refuse(desk, ddb_calls, "applicationSupplement", unknown, "UNKNOWN_MATERIAL", as_="applicant-wang")
    refuse(
        desk,
        ddb_calls,
        "applicationSupplement",
        {"id": case["id"], "materials": []},
        "NOTHING_TO_SUPPLEMENT",
        as_="applicant-wang",
    )
    assert desk.read(case["id"])["state"] == "NOTICE_ISSUED"


def test_filing_for_a_cancelled_item(desk: Desk, ddb_calls: CallCounter) -> None:
    admin = "admin-xu"
    item_id = gid("ServiceItem", "ZS-SCJG-004")
    version = desk.api.gql("query($id: ID!) { serviceItem(id: $id) { version } }", {"id": item_id})
    cancel = """mutation($input: ServiceItemCancelInput!) { serviceItemCancel(input: $input) {
        serviceItem { status } userErrors { code } } }"""
    value = {"id": item_id, "expectedVersion": version["data"]["serviceItem"]["version"], "reason": "事项取消"}
    cancelled = desk.api.gql(cancel, {"input": value}, as_=admin)["data"]["serviceItemCancel"]
    assert cancelled == {"serviceItem": {"status": "CANCELLED"}, "userErrors": []}
    refuse(
        desk, ddb_calls, "applicationFile", desk.file_input("ZS-SCJG-004"), "ITEM_NOT_PUBLISHED", as_="applicant-wang"
    )
    assert desk.mine("applicant-wang") == []


def test_seed000_filing_where_no_centre_up_the_hierarchy_holds_the_power(desk: Desk, ddb_calls: CallCounter) -> None:
    # 定海's own item cannot be routed from 普陀 (neither 普陀 nor the city above it holds it).
    value = desk.file_input("DH-SCJG-001", centre="putuo")
    refuse(desk, ddb_calls, "applicationFile", value, "NO_COMPETENT_CENTRE", as_="applicant-wang")
    # A clerk may file at the window only for their own centre.
    value = desk.file_input("ZS-SCJG-001", as_="clerk-li", applicant="applicant-wang", centre="jintang")
    refuse(desk, ddb_calls, "applicationFile", value, "OUTSIDE_CENTRE", as_="clerk-li")
    assert desk.mine("applicant-wang") == []


def test_filing_for_someone_else_without_being_their_agent(desk: Desk, ddb_calls: CallCounter) -> None:
    value = desk.file_input("ZS-SCJG-004", as_="applicant-zhou", applicant="applicant-wang")
    refuse(desk, ddb_calls, "applicationFile", value, "FORBIDDEN", as_="applicant-zhou")
    assert desk.mine("applicant-wang") == []


def test_applicant_reading_someone_elses_case_is_told_it_does_not_exist(desk: Desk) -> None:
    case = desk.file("ZS-SCJG-004")
    stranger = desk.api.gql(READ, {"id": case["id"]}, as_="applicant-zhou")
    ghost_id = str(relay.GlobalID("Application", "0" * 20))
    ghost = desk.api.gql(READ, {"id": ghost_id}, as_="applicant-zhou")
    assert stranger["data"] is None and ghost["data"] is None
    [error] = stranger["errors"]
    [unknown] = ghost["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert (error["message"], error["extensions"]) == (unknown["message"], unknown["extensions"])
    # `node(id:)` hides it the same way, from strangers and from anonymous callers.
    node = "query($id: ID!) { node(id: $id) { ... on Application { state } } }"
    for token in (desk.api.token_for("applicant-zhou"), None):
        body = desk.api.gql(node, {"id": case["id"]}, token=token)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]
    # Nor can they act on it: the same answer from a mutation.
    assert desk.refused("applicationWithdraw", {"id": case["id"]}, as_="applicant-zhou") == ["NOT_FOUND"]
    assert desk.read(case["id"])["state"] == "SUBMITTED"


def test_applicant_calling_a_clerk_mutation_is_forbidden_before_the_resolver(
    desk: Desk, ddb_calls: CallCounter
) -> None:
    case = desk.file("ZS-SCJG-004")
    before = len(desk.timeline(case["id"]))
    ddb_calls.reset()
    body = desk.api.gql(CLERK_MUTATION, {"input": {"id": case["id"]}}, as_="applicant-wang")
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["applicationAccept"]
    assert ddb_calls.total == 0  # the field rule refused before any read
    assert len(desk.timeline(case["id"])) == before
    assert desk.read(case["id"])["state"] == "SUBMITTED"


def test_withdrawing_a_refused_case(desk: Desk, ddb_calls: CallCounter) -> None:
    case_id = filed_and_accepted(desk)
    desk.review(case_id, "reviewer-market-zhao", "OBJECT", "不符合条件")
    desk.decide(case_id, "approver-market-mao", "REJECTED", "不符合条件", "《特种设备安全法》第三十三条")
    desk.ok("rejectionReportConfirm", {"id": case_id}, as_="supervisor-fang")
    refuse(desk, ddb_calls, "applicationWithdraw", {"id": case_id}, "ILLEGAL_TRANSITION", as_="applicant-wang")
    assert desk.read(case_id)["state"] == "REJECTED"
