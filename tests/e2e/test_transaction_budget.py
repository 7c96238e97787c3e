"""DynamoDB's TransactWriteItems takes at most 100 items, and every change of a case is one
transaction (the case, its audit event, its projections and effects). A joint item's co-reviewers
multiply the projections (each has a review worklist row, a due date and a warning day), so the
catalogue refuses an item whose worst-case case transaction would exceed the limit; the bound is
computed in one place (`chalicelib/domain/transaction_budget.py`).

Here the largest joint item the catalogue accepts is filed at a township window (intake ≠ competent
centre: open-case markers for both centres) and carried end to end through `/graphql` — notice,
supplement, acceptance, a clock-pausing expert review re-filed by the sweep, an extension, a referral
upward and its result, twelve co-reviews and the lead's, yellow and red warnings, the decision, the
certificate and delivery at the intake window — plus the approval-on-pledge fast track; every
transaction is measured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from chalicelib.domain import transaction_budget as budget
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.sweep import sweep
from chalicelib.storage import unit_of_work
from chalicelib.storage.application_repository import ApplicationRepository
from tests.certificate_type_flows import FACT_FIELDS, registered, template
from tests.conftest import Api, Clock
from tests.delegation_flows import result_input
from tests.e2e.test_catalogue_api import elements_input
from tests.flows import op
from tests.lifecycle_desk import IDENTIFIERS, Desk, gid
from tests.lifecycle_desk import desk as desk

CODE = "ZS-JOINT-012"
LEAD = "city-housing"
REVIEWER, APPROVER = "reviewer-housing-xie", "approver-housing-ding"
CLERK, TOWNSHIP = "clerk-hn-song", "dinghai-huannan"  # a township window: the city decides
CO = [f"city-joint-{i:02d}" for i in range(budget.max_co_reviewers())]


class Sizes:
    """Every committed transaction's item count, per step of the scenario."""

    def __init__(self) -> None:
        self.current = "setup"
        self.by_step: dict[str, int] = {}

    def record(self, size: int) -> None:
        self.by_step[self.current] = max(self.by_step.get(self.current, 0), size)


@pytest.fixture
def sizes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sizes]:
    measured = Sizes()
    original = unit_of_work.UnitOfWork.commit

    def commit(self: unit_of_work.UnitOfWork, token: str | None = None) -> None:
        measured.record(len(self))
        original(self, token)

    monkeypatch.setattr(unit_of_work.UnitOfWork, "commit", commit)
    yield measured


def _ok(api: Api, name: str, value: dict[str, Any], **who: Any) -> dict[str, Any]:
    body = api.gql(op(name), {"input": value}, **who)
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert payload["userErrors"] == [], payload
    result: dict[str, Any] = payload
    return result


def _item(api: Api, co_reviewers: list[str], code: str = CODE, **extra: Any) -> dict[str, Any]:
    steps = [
        {"kind": "EXPERT_REVIEW", "name": "专家评审", "maxDays": 10, "countsTowardLimit": False},
        {"kind": "REFERRAL_UPWARD", "name": "报省厅审批", "maxDays": 10, "countsTowardLimit": False},
    ]
    elements = elements_input(
        api,
        name="联合审批测试事项",
        departmentId=gid("Department", LEAD),
        coReviewers=[{"departmentId": gid("Department", d), "limitDays": 2} for d in co_reviewers],
        specialSteps=steps,
        promisedLimitDays=5,
        certificateType={"code": "JOINT", "name": "联合审批决定书", "validityYears": 5},
        **extra,
    )
    body = api.gql(
        op("ServiceItemCreate"), {"input": {"code": code, "elements": elements, "reason": "新增"}}, as_="admin-xu"
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["serviceItemCreate"]
    return result


def _departments(api: Api) -> None:
    for department in CO:
        value = {
            "code": department,
            "name": f"联审部门{department[-2:]}",
            "centreId": gid("Centre", "zs-city"),
            "reason": "新设",
        }
        _ok(api, "DepartmentCreate", value, as_="admin-xu")


def _file(desk: Desk, code: str, omit: tuple[str, ...] = ()) -> str:
    materials = desk.upload(code, [c for c in ("M-APPLY", "M-COPY") if c not in omit], as_=CLERK)
    value = {
        "itemId": gid("ServiceItem", code),
        "centreId": gid("Centre", TOWNSHIP),
        "applicant": {
            "name": desk.name_of("applicant-wang"),
            "identifier": IDENTIFIERS["applicant-wang"],
            "accountId": "applicant-wang",
            "bindingCode": desk.binding_code("applicant-wang"),  # her account goes on the case (she supplements later)
        },
        "materials": materials,
        "formData": {},
    }
    case_id: str = desk.ok("applicationFile", value, as_=CLERK)["id"]
    return case_id


def test_a_joint_case_at_the_bound_fits_every_transaction_end_to_end(desk: Desk, clock: Clock, sizes: Sizes) -> None:
    api = desk.api
    clock.set_china(date(2026, 11, 2), 9)
    _departments(api)
    assert _item(api, CO)["userErrors"] == []
    # 统一制证 (seed 002 四(六)): the lead department's template for the item's type, handed over.
    registered(api, "JOINT", template(LEAD, FACT_FIELDS, name="联合审批决定书", validity_years=5), as_=APPROVER)
    co_token = {d: api.token(f"reviewer-{d}", ["reviewer"], department=d, centre="zs-city") for d in CO}

    def step(name: str) -> None:
        sizes.current = name

    step("file")
    case_id = _file(desk, CODE, omit=("M-COPY",))
    step("notice")
    notice = {
        "id": case_id,
        "procedure": "补正后重新提交",
        "entries": [{"materialCode": "M-COPY", "problem": "MISSING", "description": "请提交身份证复印件"}],
    }
    desk.ok("applicationNoticeIssue", notice, as_=CLERK)
    step("supplement")
    desk.ok(
        "applicationSupplement",
        {"id": case_id, "materials": desk.upload(CODE, ["M-COPY"], as_="applicant-wang")},
        as_="applicant-wang",
    )
    step("accept")
    desk.ok("applicationAccept", {"id": case_id, "idempotencyKey": "accept-1"}, as_=CLERK)
    step("pause")
    desk.ok(
        "applicationSpecialStepStart", {"id": case_id, "kind": "EXPERT_REVIEW", "idempotencyKey": "p-1"}, as_=REVIEWER
    )
    repo = ApplicationRepository(DEFAULT_CALENDAR)
    for day in (3, 4, 5):
        clock.set_china(date(2026, 11, day), 21)
        step(f"sweep-paused-{day}")
        sweep(repo)  # the open pause moves every deadline later: re-filed by the sweep
    step("resume")
    desk.ok(
        "applicationSpecialStepEnd", {"id": case_id, "kind": "EXPERT_REVIEW", "idempotencyKey": "r-1"}, as_=REVIEWER
    )
    step("extend")
    desk.ok(
        "applicationExtensionGrant",
        {"id": case_id, "days": 5, "reason": "情况复杂", "idempotencyKey": "e-1"},
        as_="supervisor-fang",
    )
    step("refer")
    refer = {
        "id": case_id,
        "authority": "浙江省住房和城乡建设厅",
        "referenceNumber": "舟建报〔2026〕7号",
        "idempotencyKey": "ref-1",
    }
    _ok(api, "ApplicationReferralStart", refer, as_=REVIEWER)
    step("referral-result")
    _ok(api, "ApplicationReferralResultRecord", result_input(api, case_id, REVIEWER)["input"], as_=REVIEWER)
    for day in (9, 10, 11, 12, 13):
        clock.set_china(date(2026, 11, day), 21)
        step(f"sweep-{day}")
        sweep(repo)  # yellow, then red warnings and deemed consent of silent co-reviewers
    for i, department in enumerate(CO):
        step(f"co-review-{i}")
        body = api.gql(
            op("ApplicationReview"),
            {"input": {"id": case_id, "opinion": "AGREE", "text": "同意"}},
            token=co_token[department],
        )
        assert "errors" not in body, body
    step("review")
    desk.ok("applicationReview", {"id": case_id, "opinion": "AGREE", "text": "符合要求"}, as_=REVIEWER)
    step("decide")
    desk.ok("applicationDecide", {"id": case_id, "outcome": "APPROVED", "reason": "准予许可"}, as_=APPROVER)
    step("issue")
    issued = api.gql(
        """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
        certificate { id } userErrors { code message } } }""",
        {"input": {"applicationId": case_id}},
        as_="bureau-sun",
    )
    assert issued["data"]["certificateIssue"]["userErrors"] == [], issued
    step("deliver")
    cert = issued["data"]["certificateIssue"]["certificate"]["id"]
    delivered = api.gql(
        """mutation($input: CertificateDeliverInput!) { certificateDeliver(input: $input) {
        userErrors { code } } }""",
        {"input": {"id": cert, "method": "WINDOW"}},
        as_=CLERK,
    )
    assert delivered["data"]["certificateDeliver"]["userErrors"] == [], delivered
    measured = {k: v for k, v in sizes.by_step.items() if k != "setup"}
    largest = max(measured.values())
    # Every transaction of the case fits the bound the catalogue checked the item against ...
    assert largest <= budget.worst_case_writes(len(CO)) <= budget.TRANSACTION_LIMIT, measured
    # ... and the worst case (every co-reviewer's deadline moved at once) was really exercised.
    assert largest > budget.WRITES_PER_CO_REVIEWER * len(CO), measured
    assert max(measured["extend"], measured["sweep-paused-3"]) == largest


def test_the_fast_track_of_a_joint_case_at_the_bound_fits_one_transaction(
    desk: Desk, clock: Clock, sizes: Sizes
) -> None:
    """告知承诺制 on the largest joint item: notice, pledge (accepted straight to the decision), approval."""
    api = desk.api
    clock.set_china(date(2026, 11, 2), 9)
    _departments(api)
    terms = {"verificationDays": 10, "barDays": 365, "liability": "承诺不实的,撤销许可并记入严重失信记录"}
    assert _item(api, CO, code="ZS-JOINT-P12", approvalOnPledge=terms)["userErrors"] == []
    case_id = _file(desk, "ZS-JOINT-P12")
    sizes.by_step.clear()
    desk.ok("applicationPledgeNoticeIssue", {"id": case_id}, as_=CLERK)
    desk.ok("applicationPledgeSign", {"id": case_id}, as_="applicant-wang")
    desk.ok("applicationDecide", {"id": case_id, "outcome": "APPROVED", "reason": "承诺符合条件"}, as_=APPROVER)
    assert 0 < max(sizes.by_step.values()) <= budget.worst_case_writes(len(CO))


def test_the_catalogue_refuses_an_item_whose_case_transactions_would_exceed_the_limit(api: Api) -> None:
    """One co-reviewer more than the bound: refused with the computed maximum, nothing published."""
    _departments(api)
    too_many = [*CO, "city-fire"]
    payload = _item(api, too_many)
    assert payload["serviceItem"] is None
    (error,) = payload["userErrors"]
    assert (error["field"], error["code"]) == ("elements.coReviewers", "TRANSACTION_TOO_LARGE")
    writes = budget.worst_case_writes(len(too_many))
    assert (
        f"最多需写入{writes}条记录" in error["message"]
        and f"协办部门最多{budget.max_co_reviewers()}个" in error["message"]
    )
    body = api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", CODE)})
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
