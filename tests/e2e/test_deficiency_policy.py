"""Per-item deficiency policy (seed 002 四(八)): 容缺办理 vs 容缺后补, through `/graphql`."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.flows import gid, op
from tests.lifecycle_desk import Desk, run_sweep

ITEM = "ZS-SCJG-004"  # 特种设备使用登记: allows both, 5 working days to supply under 容缺后补
ISSUE = """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
  certificate { id number status issuedOn } userErrors { field code message } } }"""
REVIEW = """query($id: ID!) { application(id: $id) {
  state pledge { status mode materialCodes dueOn }
  revocationReview { openedAt reason closedAt outcome certificateId } } }"""


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    return Desk(api)


def _accepted(desk: Desk, mode: str, due: str = "2026-11-04", item: str = ITEM) -> str:
    filed = desk.file(item, omit=("M05",))
    value = {"id": filed["id"], "missingMaterialCodes": ["M05"], "pledgeDueOn": due, "mode": mode}
    accepted = desk.ok("applicationAcceptWithDeficiency", value, as_="clerk-li")
    assert (accepted["pledge"]["status"], accepted["state"]) == ("OPEN", "IN_REVIEW")
    case_id: str = filed["id"]
    return case_id


def _approved(desk: Desk, mode: str) -> str:
    case_id = _accepted(desk, mode)
    desk.review(case_id, "reviewer-market-zhao")
    assert desk.decide(case_id, "approver-market-mao")["state"] == "APPROVED"
    return case_id


def _issue(api: Api, case_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = api.gql(ISSUE, {"input": {"applicationId": case_id}}, as_="bureau-sun")["data"][
        "certificateIssue"
    ]
    return payload


def _review(api: Api, case_id: str, as_: str = "supervisor-fang") -> dict[str, Any]:
    found: dict[str, Any] = api.gql(REVIEW, {"id": case_id}, as_=as_)["data"]["application"]
    return found


def test_seed002_deficiency_acceptance_waits_for_materials_before_the_certificate(desk: Desk, api: Api) -> None:
    """seed 002 容缺办理: 「在承诺办结时限内及时出具办理结果意见,待申请人补正全部材料后,颁发相关批文、证照」."""
    case_id = _approved(desk, "WAIT")
    payload = _issue(api, case_id)
    assert payload["certificate"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["PLEDGE_OUTSTANDING"]
    assert desk.inbox("ISSUANCE", "bureau-sun") == []


def test_seed002_same_day_issuance_on_pledge_then_a_lapse_puts_the_certificate_under_review(
    desk: Desk, api: Api, clock: Clock, ddb_calls: CallCounter
) -> None:
    """seed 002 容缺后补: 「申请人自愿签订《信用承诺书》,承诺规定时限内补齐补正全部材料,审批部门实行非主审要件
    缺项当天受理审批发证。注重承诺运用,对严重失信的,建立失信名单或“黑名单”,协调相关部门给予联合惩戒」."""
    case_id = _approved(desk, "SAME_DAY")  # accepted, reviewed and approved on Monday 2 November
    assert [e["applicationId"] for e in desk.inbox("ISSUANCE", "bureau-sun")] == [case_id]
    payload = _issue(api, case_id)
    assert payload["userErrors"] == []
    cert = payload["certificate"]
    assert (cert["status"], cert["issuedOn"]) == ("VALID", "2026-11-02")  # the same day
    assert _review(api, case_id)["pledge"]["mode"] == "SAME_DAY"
    assert _review(api, case_id)["revocationReview"] is None

    # The pledge lapses: a credit default, and the certificate goes under review for revocation.
    clock.set_china(date(2026, 11, 5))
    assert run_sweep()["pledge_broken"] == 1
    lapsed = _review(api, case_id)
    assert lapsed["pledge"]["status"] == "BROKEN"
    review = lapsed["revocationReview"]
    assert review["certificateId"] == cert["id"] and review["closedAt"] is None and "2026-11-04" in review["reason"]
    assert desk.timeline(case_id)[-1]["reason"].endswith("证照转入撤销审查")
    # Visible to the bureau of the centre and to supervisors as a worklist, and to the holder.
    assert [e["applicationId"] for e in desk.inbox("REVOCATION_REVIEW", "bureau-sun")] == [case_id]
    ddb_calls.reset()
    assert [e["applicationId"] for e in desk.inbox("REVOCATION_REVIEW", "supervisor-fang")] == [case_id]
    assert dict(ddb_calls.calls) == {"Query": 1}  # a worklist page is one Query
    assert _review(api, case_id, as_="applicant-wang")["revocationReview"]["closedAt"] is None
    forbidden = api.gql(
        "query { inbox(queue: REVOCATION_REVIEW) { nodes { applicationId } } }", {}, as_="reviewer-market-zhao"
    )
    assert {e["extensions"]["code"] for e in forbidden["errors"]} == {"FORBIDDEN"}
    # ... and notified: the holder and the issuing bureau's feed.
    notes = api.gql(op("Notifications"), {"first": 10}, as_="applicant-wang")["data"]["notifications"]["edges"]
    [note] = [n["node"] for n in notes if n["node"]["kind"] == "REVOCATION_REVIEW"]  # beside the red warning
    assert "撤销审查" in note["title"]
    feed = api.gql(op("Notifications"), {"feed": "DEPARTMENT", "first": 10}, as_="bureau-sun")
    assert "REVOCATION_REVIEW" in [n["node"]["kind"] for n in feed["data"]["notifications"]["edges"]]
    # A new 容缺 for this applicant is refused: the lapse is a credit default.
    again = desk.file(ITEM, omit=("M05",))
    value = {"id": again["id"], "missingMaterialCodes": ["M05"], "pledgeDueOn": "2026-11-09", "mode": "SAME_DAY"}
    assert desk.refused("applicationAcceptWithDeficiency", value, as_="clerk-li") == ["CREDIT_DEFAULT"]

    # The bureau revokes: the review closes and leaves the worklists.
    revoke = {"input": {"id": cert["id"], "reason": "容缺后补承诺未履行,依法撤销"}}
    revoked = api.gql(op("CertificateRevoke"), revoke, as_="bureau-sun")["data"]["certificateRevoke"]
    assert revoked["userErrors"] == [] and revoked["certificate"]["status"] == "REVOKED"
    closed = _review(api, case_id)["revocationReview"]
    assert closed["outcome"] == "REVOKED" and closed["closedAt"]
    assert desk.inbox("REVOCATION_REVIEW", "bureau-sun") == []
    assert desk.inbox("REVOCATION_REVIEW", "supervisor-fang") == []


def test_seed002_materials_supplied_late_close_the_review(desk: Desk, api: Api, clock: Clock) -> None:
    case_id = _approved(desk, "SAME_DAY")
    assert _issue(api, case_id)["userErrors"] == []
    clock.set_china(date(2026, 11, 5))
    run_sweep()
    value = {"id": case_id, "materials": desk.upload(ITEM, ["M05"], as_="applicant-wang")}
    assert desk.ok("applicationSupplement", value, as_="applicant-wang")["pledge"]["status"] == "FULFILLED_LATE"
    assert _review(api, case_id)["revocationReview"]["outcome"] == "SUPPLIED_LATE"
    assert desk.inbox("REVOCATION_REVIEW", "bureau-sun") == []


def test_a_revocation_scheduled_for_later_closes_the_review_when_the_sweep_applies_it(
    desk: Desk, api: Api, clock: Clock
) -> None:
    """The sweep applying a revocation scheduled for a later day closes the 容缺后补 revocation review
    exactly as `certificateRevoke` does (one domain rule, `dcert.record_change`): outcome REVOKED,
    off both worklists; while it is only scheduled the review stays open."""
    case_id = _approved(desk, "SAME_DAY")
    cert = _issue(api, case_id)["certificate"]
    clock.set_china(date(2026, 11, 5))
    assert run_sweep()["pledge_broken"] == 1
    assert _review(api, case_id)["revocationReview"]["closedAt"] is None

    change = """mutation($input: CertificateStatusChangeInput!) { certificateStatusChange(input: $input) {
      certificate { status pendingStatusChange { target effectiveOn } } userErrors { code } } }"""
    value = {
        "id": cert["id"],
        "target": "REVOKED",
        "reason": "容缺后补承诺未履行,依法吊销",
        "effectiveOn": "2026-11-09",
    }
    scheduled = api.gql(change, {"input": value}, as_="supervisor-fang")["data"]["certificateStatusChange"]
    assert scheduled["userErrors"] == [] and scheduled["certificate"]["status"] == "VALID"
    assert scheduled["certificate"]["pendingStatusChange"] == {"target": "REVOKED", "effectiveOn": "2026-11-09"}
    assert _review(api, case_id)["revocationReview"]["closedAt"] is None  # decided, not yet in effect
    assert [e["applicationId"] for e in desk.inbox("REVOCATION_REVIEW", "bureau-sun")] == [case_id]

    from chalicelib.services.sweep import run_sweep as run_every_phase  # the hourly run, certificate phases too

    clock.set_china(date(2026, 11, 9), hour=1)
    assert run_every_phase()["certificate_status"] == 1
    closed = _review(api, case_id)["revocationReview"]
    assert closed["outcome"] == "REVOKED" and closed["closedAt"], closed
    assert desk.inbox("REVOCATION_REVIEW", "bureau-sun") == []
    assert desk.inbox("REVOCATION_REVIEW", "supervisor-fang") == []
    assert desk.timeline(case_id)[-1]["action"] == "CHANGE_CERTIFICATE_STATUS"


def test_seed002_the_item_policy_decides_mode_materials_and_supply_time(desk: Desk) -> None:
    """seed 002 四(八): 「各业务部门根据业务办理要求梳理事项清单,明确可纳入实行容缺办理和容缺后补事项」."""
    # 容缺后补: the pledge is due within the item's set time (5 working days from Monday: 9 November).
    filed = desk.file(ITEM, omit=("M05",))
    late = {"id": filed["id"], "missingMaterialCodes": ["M05"], "pledgeDueOn": "2026-11-10", "mode": "SAME_DAY"}
    assert desk.refused("applicationAcceptWithDeficiency", late, as_="clerk-li") == ["PLEDGE_AFTER_SUPPLY_LIMIT"]
    # An item that allows only 容缺办理.
    joint = desk.file("ZS-ZJ-001", as_="company-qiandao", omit=("M04", "M05"))
    value = {"id": joint["id"], "missingMaterialCodes": ["M04", "M05"], "pledgeDueOn": "2026-11-04", "mode": "SAME_DAY"}
    payload = desk.mutate("applicationAcceptWithDeficiency", value, as_="clerk-li")
    assert payload["application"] is None
    # Every problem at once: the mode and the material the policy does not list (施工图审查合格书 M04).
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("mode", "DEFICIENCY_MODE_NOT_ALLOWED"),
        ("missingMaterialCodes", "DEFICIENCY_NOT_ALLOWED"),
    ]
    assert "M04" in payload["userErrors"][1]["message"]
    assert len(desk.timeline(joint["id"])) == 1  # nothing written
    body = desk.api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", "ZS-ZJ-001")})
    assert body["data"]["serviceItem"]["deficiency"] == {
        "modes": ["WAIT"],
        "materialCodes": ["M05", "M07"],
        "supplyDays": 0,
    }


def test_seed002_same_day_acceptance_is_due_the_day_it_is_accepted(desk: Desk) -> None:
    """seed 002 四(八) 容缺后补: 「审批部门实行非主审要件缺项当天受理审批发证」: the case accepted under it is
    due that very day — its promised deadline, every review task's and the stored worklist rows."""
    same_day = desk.read(_accepted(desk, "SAME_DAY"))
    assert (same_day["deadline"], same_day["workingDaysLeft"]) == ("2026-11-02", 0)
    assert {t["dueOn"] for t in same_day["tasks"]} == {"2026-11-02"}
    [row] = [e for e in desk.inbox("REVIEW", "reviewer-market-zhao") if e["applicationId"] == same_day["id"]]
    assert row["dueOn"] == "2026-11-02"
    # 容缺办理 keeps the item's promised limit.
    waiting = desk.read(_accepted(desk, "WAIT"))
    promised = desk.item(ITEM).elements.promised_limit_days
    assert waiting["workingDaysLeft"] == promised and waiting["deadline"] > "2026-11-02"


def test_seed002_the_bureau_may_close_a_revocation_review_keeping_the_certificate(
    desk: Desk, api: Api, clock: Clock, ddb_calls: CallCounter
) -> None:
    """seed 002 四(八) 容缺后补: the review after a lapse ends either in revocation (certificateRevoke) or, the
    bureau of the competent centre weighing the case, with the certificate kept — reason required, in the
    case's audit trail, idempotent; the credit default of the lapse stays."""
    case_id = _approved(desk, "SAME_DAY")
    cert = _issue(api, case_id)["certificate"]
    clock.set_china(date(2026, 11, 5))
    run_sweep()
    events = len(desk.timeline(case_id))

    def close(reason: str, as_: str = "bureau-sun", key: str | None = None) -> dict[str, Any]:
        value = {"id": case_id, "reason": reason, **({"idempotencyKey": key} if key else {})}
        body = api.gql(op("RevocationReviewClose"), {"input": value}, as_=as_)
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"]["revocationReviewClose"]
        return payload

    assert [(e["field"], e["code"]) for e in close("  ")["userErrors"]] == [("reason", "REASON_REQUIRED")]
    refused = api.gql(op("RevocationReviewClose"), {"input": {"id": case_id, "reason": "保留"}}, as_="clerk-li")
    assert {e["extensions"]["code"] for e in refused["errors"]} == {"FORBIDDEN"}
    assert [e["code"] for e in close("保留", as_="bureau-dh-jiang")["userErrors"]] == ["NOT_FOUND"]
    assert len(desk.timeline(case_id)) == events  # refusals write nothing

    ddb_calls.reset()
    kept = close("已补充说明经营场所符合要求,证照继续有效", key="keep-1")
    # the idempotency key and the case, one change; the departments the answer names in one batch
    assert dict(ddb_calls.calls) == {"GetItem": 2, "TransactWriteItems": 1, "BatchGetItem": 1}
    review = kept["application"]["revocationReview"]
    assert (review["outcome"], review["closedBy"]) == ("KEPT", "bureau-sun")
    assert review["note"] == "已补充说明经营场所符合要求,证照继续有效" and review["closedAt"]
    assert desk.timeline(case_id)[-1]["action"] == "KEEP_CERTIFICATE"
    assert (
        desk.inbox("REVOCATION_REVIEW", "bureau-sun") == [] and desk.inbox("REVOCATION_REVIEW", "supervisor-fang") == []
    )
    status = api.gql(op("CertificateDetail"), {"id": cert["id"]}, as_="bureau-sun")["data"]["certificate"]["status"]
    assert status == "VALID"
    # A retry with the key returns the first result; without it, there is no open review to close.
    again = close("已补充说明经营场所符合要求,证照继续有效", key="keep-1")  # a retry: the first answer
    assert again["userErrors"] == [] and again["application"]["revocationReview"]["note"] == review["note"]
    changed = close("重复提交", key="keep-1")  # the same key with another input is not a retry
    assert [e["code"] for e in changed["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert [(e["field"], e["code"]) for e in close("再次结束")["userErrors"]] == [("id", "REVIEW_NOT_OPEN")]
    assert len(desk.timeline(case_id)) == events + 1
    # The lapse stays a credit default; revoking later through the certificate stays possible.
    again_filed = desk.file(ITEM, omit=("M05",))
    value = {"id": again_filed["id"], "missingMaterialCodes": ["M05"], "pledgeDueOn": "2026-11-09", "mode": "WAIT"}
    assert desk.refused("applicationAcceptWithDeficiency", value, as_="clerk-li") == ["CREDIT_DEFAULT"]
    revoke = {"input": {"id": cert["id"], "reason": "经复查,依法撤销"}}
    assert api.gql(op("CertificateRevoke"), revoke, as_="bureau-sun")["data"]["certificateRevoke"]["userErrors"] == []
