"""The contract files: `graphql/schema.graphql` matches the code, and every client operation in
`graphql/operations/` runs against the seeded API with the role it is meant for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from infra.schema_export import SCHEMA_FILE, render
from tests.conftest import ROOT, Api
from tests.flows import Case, gid, op

OPERATIONS = sorted((ROOT / "graphql" / "operations").glob("*.graphql"))


def test_schema_file_has_no_drift() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), "run: python -m infra.schema_export"


def elements(api: Api) -> dict[str, Any]:
    city = api.seed.centres[0].id
    department = next(d.id for d in api.seed.departments if d.centre_id == city)
    return {
        "name": "契约测试许可",
        "departmentId": gid("Department", department),
        "level": "CITY",
        "kind": "COMMITMENT",
        "conditions": ["符合法定条件"],
        "materials": [
            {
                "code": "M-1",
                "name": "申请书",
                "kind": "PRIMARY",
                "form": "ORIGINAL",
                "legalBasis": "《行政许可法》第二十九条",
            }
        ],
        "procedure": [{"name": "受理", "description": "窗口受理"}],
        "statutoryLimitDays": 20,
        "promisedLimitDays": 5,
        "legalBasis": ["《中华人民共和国行政许可法》"],
        "supervisionPhone": "0580-2280000",
        "timeoutRule": "ESCALATE",
    }


def scenario(name: str, api: Api) -> tuple[dict[str, Any], str | None]:
    """Variables and the caller for each operation; mutations run on items they create."""
    item = api.seed.items[0]
    city = api.seed.centres[0]
    admin = api.staff_with("admin")

    def create(code: str) -> str:
        body = api.gql(
            (ROOT / "graphql/operations/ServiceItemCreate.graphql").read_text(),
            {"input": {"code": code, "elements": elements(api), "reason": "契约测试"}},
            as_=admin,
        )
        created: str = body["data"]["serviceItemCreate"]["serviceItem"]["id"]
        return created

    if name == "CatalogueBrowse":
        return {"first": 5, "keyword": "许可"}, None
    if name == "ServiceItemDetail":
        return {"id": gid("ServiceItem", item.code)}, None
    if name in {"Centres", "Departments"}:
        return {"first": 10}, None
    if name == "Me":
        return {}, api.staff_with("clerk")
    if name == "WindowPosts":
        return {"id": gid("Centre", city.id)}, api.staff_with("clerk")
    if name == "ServiceItemCreate":
        return {"input": {"code": "ZS-OP-CREATE", "elements": elements(api), "reason": "契约测试"}}, admin
    if name == "ServiceItemChange":
        return {
            "input": {"id": create("ZS-OP-CHANGE"), "expectedVersion": 1, "elements": elements(api), "reason": "改"}
        }, admin
    if name == "ServiceItemCancel":
        return {"input": {"id": create("ZS-OP-CANCEL"), "expectedVersion": 1, "reason": "取消"}}, admin
    if name == "ServiceItemTransfer":
        other = [d.id for d in api.seed.departments if d.centre_id == city.id][1]
        return {
            "input": {
                "id": create("ZS-OP-TRANSFER"),
                "departmentId": gid("Department", other),
                "expectedVersion": 1,
                "reason": "划转",
            }
        }, admin
    if name == "ServiceItemDelegate":
        below = next(c.id for c in api.seed.centres if c.parent_id == city.id)
        return {
            "input": {
                "id": create("ZS-OP-DELEGATE"),
                "centreId": gid("Centre", below),
                "expectedVersion": 1,
                "reason": "下放",
            }
        }, admin
    if name == "ServiceItemMerge":
        target, source = create("ZS-OP-MERGE-A"), create("ZS-OP-MERGE-B")
        return {"input": {"id": target, "sourceIds": [source], "expectedVersion": 1, "reason": "合并"}}, admin
    lifecycle = LIFECYCLE.get(name)
    if lifecycle is not None:
        return lifecycle(Case(api))
    supervision = SUPERVISION.get(name)
    if supervision is not None:
        result: tuple[dict[str, Any], str | None] = supervision(api)
        return result
    staff_op = STAFF_OPS.get(name)
    if staff_op is not None:
        found: tuple[dict[str, Any], str | None] = staff_op(api)
        return found
    raise AssertionError(f"no scenario for operation {name}: add one")


def _secondary(case: Case) -> list[str]:
    return [m.code for m in case.item.elements.materials if m.kind.value == "secondary"]


LIFECYCLE: dict[str, Any] = {
    "MaterialUploadCreate": lambda c: ({"input": {"sha256": "ab" * 32, "size": 1024}}, "applicant-wang"),
    "AgentAuthorisationGrant": lambda c: (
        {"input": {"agentId": "agent-chen", "validUntil": (date.today() + timedelta(days=30)).isoformat()}},
        "applicant-wang",
    ),
    "AgentAuthorisationRevoke": lambda c: (_authorised_agent(c), "applicant-wang"),
    "ApplicationFile": lambda c: (c.file_input(), "applicant-wang"),
    "ApplicationAccept": lambda c: ({"input": {"id": c.filed().id}}, c.clerk),
    "ApplicationAcceptWithDeficiency": lambda c: (
        {
            "input": {
                "id": c.filed(skip=1).id,
                "missingMaterialCodes": _secondary(c)[:1],
                "pledgeDueOn": (date.today() + timedelta(days=3)).isoformat(),
            }
        },
        c.clerk,
    ),
    "ApplicationNoticeIssue": lambda c: (
        {
            "input": {
                "id": c.filed(skip=1).id,
                "entries": [{"materialCode": _secondary(c)[0], "problem": "MISSING", "description": "未提交"}],
                "procedure": "请于5个工作日内补正后重新提交",
            }
        },
        c.clerk,
    ),
    "ApplicationSupplement": lambda c: (_supplement(c), "applicant-wang"),
    "ApplicationWithdraw": lambda c: ({"input": {"id": c.filed().id, "reason": "不再需要"}}, "applicant-wang"),
    "ApplicationReview": lambda c: (c.accepted().review_input(), c.reviewer),
    "ApplicationSpecialStepStart": lambda c: (
        {"input": {"id": c.accepted().id, "kind": "EXPERT_REVIEW", "note": "组织专家评审"}},
        c.reviewer,
    ),
    "ApplicationSpecialStepEnd": lambda c: (_special_step_started(c), c.reviewer),
    "ApplicationMeetingRecord": lambda c: (
        {
            "input": {
                "id": c.accepted().id,
                "kind": "JOINT_INSPECTION",
                "heldOn": date.today().isoformat(),
                "opinions": [
                    {"departmentId": gid("Department", d), "opinion": "同意"}
                    for d in [c.item.elements.department_id, *(x.department_id for x in c.item.elements.co_reviewers)]
                ],
            }
        },
        c.reviewer,
    ),
    "ApplicationExtensionGrant": lambda c: (
        {"input": {"id": c.accepted().id, "days": 5, "reason": "需补充专家论证"}},
        c.supervisor,
    ),
    "ApplicationDecide": lambda c: (
        {"input": {"id": c.reviewed().id, "outcome": "APPROVED", "reason": "符合条件,准予许可"}},
        c.approver,
    ),
    "RejectionReportConfirm": lambda c: ({"input": {"id": c.refused().id, "note": "依据充分"}}, c.supervisor),
    "RejectionReportCorrect": lambda c: ({"input": {"id": c.refused().id, "note": "依据不足,退回重审"}}, c.supervisor),
    "ApplicationDetail": lambda c: ({"id": c.accepted().id}, "applicant-wang"),
    "MyApplications": lambda c: ({"first": 10} if c.filed().id else {}, "applicant-wang"),
    "Inbox": lambda c: ({"queue": "REVIEW", "first": 10} if c.accepted().id else {}, c.reviewer),
    "CertificateIssue": lambda c: ({"input": {"applicationId": c.approved().id}}, c.staff("bureau")),
    "CertificateDeliver": lambda c: (
        {"input": {"id": _issued(c)["id"], "method": "MAIL", "trackingNumber": "SF1234567890"}},
        c.staff("bureau"),
    ),
    "CertificateRevoke": lambda c: ({"input": {"id": _issued(c)["id"], "reason": "依法撤销"}}, c.supervisor),
    "CertificateCorrect": lambda c: ({"input": {"id": _issued(c)["id"], "reason": "更正"}}, c.staff("bureau")),
    "CertificateVerify": lambda c: ({"verificationCode": _issued(c)["verificationCode"]}, None),
    "CertificateVerifyUpload": lambda c: ({"pdfBase64": _pdf(c)}, None),
    "MyCertificates": lambda c: ({"first": 5} if _issued(c) else {}, "applicant-wang"),
    "CertificateDetail": lambda c: ({"id": _issued(c)["id"]}, "applicant-wang"),
    "RejectionLedger": lambda c: (
        {"month": datetime.now(UTC).strftime("%Y-%m")} if c.refused().id else {},
        c.supervisor,
    ),
    # Public transparency (anonymous callers)
    "PublicProgress": lambda c: ({"trackingCode": _tracking_code(c.accepted())}, None),
    "PublicOnTimeRates": lambda c: ({"month": _decided_month(c)}, None),
    # --- result push and inspections (审管联动): the case's item is supervised by its own department
    "InspectionRecord": lambda c: (_inspection_input(c), c.reviewer),
    "Inspections": lambda c: ({"certificateId": _inspected(c), "first": 5}, c.reviewer),
}


# --- Public transparency -------------------------------------------------------------------------


def _tracking_code(case: Case) -> str:
    body = case.api.gql(op("ApplicationDetail"), {"id": case.id}, as_="applicant-wang")
    code: str = body["data"]["application"]["trackingCode"]
    return code


def _decided_month(case: Case) -> str:
    """The China month of a decision made now (statistics count decisions by their China day)."""
    from chalicelib.domain.application import CHINA

    case.approved()
    return datetime.now(CHINA).strftime("%Y-%m")


def _inspection_input(case: Case) -> dict[str, Any]:
    china_today = datetime.now(UTC).astimezone(timezone(timedelta(hours=8))).date()
    cert_id = _issued(case)["id"]
    findings = "现场检查,经营条件与许可一致"
    return {
        "input": {
            "certificateId": cert_id,
            "inspectedOn": china_today.isoformat(),
            "outcome": "COMPLIANT",
            "findings": findings,
        }
    }


def _inspected(case: Case) -> str:
    value = _inspection_input(case)
    case.run("InspectionRecord", value, case.reviewer)
    cert_id: str = value["input"]["certificateId"]
    return cert_id


def _authorised_agent(case: Case) -> dict[str, Any]:
    until = (date.today() + timedelta(days=30)).isoformat()
    case.run("AgentAuthorisationGrant", {"input": {"agentId": "agent-chen", "validUntil": until}}, "applicant-wang")
    return {"input": {"agentId": "agent-chen"}}


def _issued(case: Case) -> dict[str, Any]:
    issued: dict[str, Any] = case.approved().run(
        "CertificateIssue", {"input": {"applicationId": case.id}}, case.staff("bureau")
    )["certificate"]
    return issued


def _pdf(case: Case) -> str:
    cert = _issued(case)
    body = case.api.gql(op("CertificateDetail"), {"id": cert["id"]}, as_="applicant-wang")
    pdf: str = body["data"]["certificate"]["pdfBase64"]
    return pdf


def _supplement(case: Case) -> dict[str, Any]:
    missing = _secondary(case)[0]
    case.filed(skip=1).run(
        "ApplicationNoticeIssue",
        {
            "input": {
                "id": case.id,
                "entries": [{"materialCode": missing, "problem": "MISSING", "description": "未提交"}],
                "procedure": "补正",
            }
        },
        case.clerk,
    )
    upload = case.api.upload(missing, b"supplement", as_="applicant-wang")
    return {"input": {"id": case.id, "materials": [upload]}}


def _special_step_started(case: Case) -> dict[str, Any]:
    start = {"input": {"id": case.accepted().id, "kind": "EXPERT_REVIEW", "note": "组织专家评审"}}
    case.run("ApplicationSpecialStepStart", start, case.reviewer)
    return {"input": {"id": case.id, "kind": "EXPERT_REVIEW", "note": "评审结束"}}


# --- Electronic supervision (电子监察): warnings, statistics, violation ledger, notifications ---------


def _warned(api: Api) -> Case:
    """A 2-working-day market case accepted today: today's sweep gives it its yellow warning."""
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services.sweep import sweep
    from chalicelib.storage.application_repository import ApplicationRepository

    case = Case(api, "ZS-SCJG-004").accepted()
    sweep(ApplicationRepository(DEFAULT_CALENDAR))
    return case


def _yellow(api: Api) -> tuple[str, str]:
    case = _warned(api)
    body = api.gql(op("Warnings"), {}, as_=case.reviewer)
    return body["data"]["warnings"]["edges"][0]["node"]["id"], case.reviewer


def _violation(api: Api) -> str:
    """A corrected refusal is a violation of the lead department at once."""
    case = Case(api).refused()
    case.run("RejectionReportCorrect", {"input": {"id": case.id, "note": "事实认定有误"}}, case.supervisor)
    body = api.gql(op("ViolationLedger"), {"year": _year()}, as_=case.supervisor)
    violation_id: str = body["data"]["violationLedger"]["edges"][0]["node"]["id"]
    return violation_id


def _year() -> int:
    from chalicelib.domain.application import china_date

    return china_date(datetime.now(UTC)).year


def _head(api: Api, department: str) -> str:
    return next(d.head_staff_id for d in api.seed.departments if d.id == department) or ""


SUPERVISION: dict[str, Any] = {
    "Statistics": lambda api: (
        {
            "scope": {"kind": "DEPARTMENT", "id": gid("Department", "city-market")},
            "from": date.today().replace(day=1).isoformat(),
            "to": date.today().isoformat(),
        },
        api.staff_with("supervisor"),
    ),
    "Warnings": lambda api: ({}, _warned(api).reviewer),
    "WarningAcknowledge": lambda api: (lambda found: ({"input": {"id": found[0]}}, found[1]))(_yellow(api)),
    "ViolationLedger": lambda api: (
        (lambda _: {"year": _year()})(_violation(api)),
        api.staff_with("supervisor"),
    ),
    "ViolationAnnotate": lambda api: (
        {"input": {"id": _violation(api), "note": "已约谈整改"}},
        api.staff_with("supervisor"),
    ),
    "Notifications": lambda api: (
        (lambda _: {"feed": "PERSONAL"})(_warned(api)),
        _head(api, "city-market"),
    ),
}


@pytest.mark.parametrize("path", OPERATIONS, ids=[p.stem for p in OPERATIONS])
def test_every_client_operation_runs(api: Api, path: Path) -> None:
    variables, caller = scenario(path.stem, api)
    body = api.gql(path.read_text(encoding="utf-8"), variables, as_=caller)
    assert "errors" not in body, body
    (root,) = body["data"].values()
    assert root, body
    if isinstance(root, dict) and "userErrors" in root:
        assert root["userErrors"] == [], body
        assert any(v for k, v in root.items() if k != "userErrors"), body
    if isinstance(root, dict) and "edges" in root:
        assert root["edges"], body


# --- ratings and complaints (好差评) ---------------------------------------------------------

RATE_BAD = {
    "level": "VERY_DISSATISFIED",
    "indicators": {"efficiency": 1, "guideAccuracy": 2, "convenience": 1, "attitude": 2},
}


def _ended(case: Case) -> str:
    """A case the applicant withdrew: ended, so it may be rated."""
    case.filed().run("ApplicationWithdraw", {"input": {"id": case.id, "reason": "不再需要"}}, "applicant-wang")
    return case.id


def _rated_badly(case: Case) -> str:
    case.run("ApplicationRate", {"input": {"applicationId": _ended(case), **RATE_BAD}}, "applicant-wang")
    return case.id


def _complaint(case: Case) -> str:
    body = case.run(
        "ComplaintFile", {"input": {"applicationId": case.filed().id, "text": "窗口推诿"}}, "applicant-wang"
    )
    complaint_id: str = body["complaint"]["id"]
    return complaint_id


def _department(case: Case) -> str:
    return gid("Department", case.item.elements.department_id)


LIFECYCLE.update(
    {
        "ApplicationRate": lambda c: (
            {"input": {"applicationId": _ended(c), **RATE_BAD, "comment": "多次往返", "idempotencyKey": "rate-1"}},
            "applicant-wang",
        ),
        "RectificationRecord": lambda c: (
            {"input": {"applicationId": _rated_badly(c), "followUp": "已电话回访并优化办事指南"}},
            c.reviewer,
        ),
        "Rectifications": lambda c: ({"first": 10} if _rated_badly(c) else {}, c.reviewer),
        "DepartmentRatings": lambda c: (
            {"departmentId": _department(c), "first": 10} if _rated_badly(c) else {},
            c.supervisor,
        ),
        "ComplaintFile": lambda c: (
            {"input": {"windowPostId": gid("WindowPost", "zs-city/zs-city-w01"), "text": "窗口工作人员态度冷漠"}},
            "applicant-wang",
        ),
        "ComplaintResolve": lambda c: (
            {"input": {"id": _complaint(c), "outcome": "SUBSTANTIATED", "note": "经调查属实,已约谈"}},
            c.supervisor,
        ),
        "Complaints": lambda c: ({"status": "OPEN", "first": 10} if _complaint(c) else {}, c.supervisor),
        "MyComplaints": lambda c: ({"first": 10} if _complaint(c) else {}, "applicant-wang"),
    }
)


# --- staff, window posts and AB cover (seeds 001, 004) ------------------------------------------


def _staff_ops() -> dict[str, Any]:
    from tests.e2e import test_staff_posts as sp

    def create(api: Api) -> tuple[dict[str, Any], str | None]:
        return {"input": {"account": "clerk-op", "record": sp.record("契约", "OP001"), "reason": "契约"}}, sp.admin(api)

    def assign(api: Api) -> tuple[dict[str, Any], str | None]:
        for account, number in (("clerk-op-a", "OP002"), ("clerk-op-b", "OP003")):
            sp.create_staff(api, account, "契约", number)
        post = sp.new_market_post(api)
        ids = {"staffId": gid("Staff", "clerk-op-a"), "backupStaffId": gid("Staff", "clerk-op-b")}
        return {"input": {"postId": post, **ids, "reason": "派驻"}}, sp.admin(api)

    def leave(api: Api) -> tuple[dict[str, Any], str | None]:
        start = str(datetime.now(timezone(timedelta(hours=8))).date() + timedelta(days=1))
        return {"input": {"postId": sp.W02, "start": start, "end": start, "reason": "事假"}}, "clerk-wu"

    w11 = gid("WindowPost", "zs-city/zs-city-w11")

    def worklist(api: Api) -> tuple[dict[str, Any], str | None]:
        api.gql(op("WindowPostFeedback"), {"input": {"windowPostId": w11, "text": "等候太久"}})
        return {"postId": w11}, "clerk-market-zhou"

    def charged(api: Api) -> tuple[dict[str, Any], str | None]:
        evidence = {"staffId": gid("Staff", "clerk-market-xu"), "kind": "CONDUCT_RULES", "evidence": "窗口吸烟"}
        return {"input": evidence}, api.staff_with("supervisor")

    def bulletins(api: Api) -> tuple[dict[str, Any], str | None]:
        variables, supervisor = charged(api)
        api.gql(op("StaffViolationRecord"), variables, as_=supervisor)
        return {"centreId": gid("Centre", "zs-city")}, None

    def matrix(api: Api) -> tuple[dict[str, Any], str | None]:
        from tests.e2e import test_responsibility as tr

        tr.make_section_head(api, "approver-market-mao", "city-market", "食品经营许可科", ["APPROVER"])
        ids = {"itemId": gid("ServiceItem", "ZS-SCJG-004"), "centreId": gid("Centre", "zs-city")}
        return {"input": {**ids, "assignments": tr.market_steps(), "reason": "明确分工"}}, sp.admin(api)

    def on_case(api: Api) -> tuple[dict[str, Any], str | None]:
        variables, admin = matrix(api)
        api.gql(op("ResponsibilityMatrixSet"), variables, as_=admin)
        return {"applicationId": Case(api, "ZS-SCJG-004").filed().id}, "clerk-li"

    def next_working_day() -> str:
        from chalicelib.domain.working_days import DEFAULT_CALENDAR

        day = datetime.now(timezone(timedelta(hours=8))).date() + timedelta(days=1)
        while not DEFAULT_CALENDAR.is_working_day(day):
            day += timedelta(days=1)
        return str(day)

    def rostered(api: Api) -> tuple[dict[str, Any], str | None]:
        head = {"departmentId": gid("Department", "city-market"), "staffId": gid("Staff", "approver-market-mao")}
        return {"input": {**head, "days": [next_working_day()]}}, api.staff_with("supervisor")

    def register(api: Api) -> tuple[dict[str, Any], str | None]:
        variables, supervisor = rostered(api)
        api.gql(op("DutyRosterSet"), variables, as_=supervisor)
        return {"month": next_working_day()[:7]}, supervisor

    def oversee(api: Api) -> tuple[dict[str, Any], str | None]:
        case = Case(api, "ZS-SCJG-004").accepted()
        return {"input": {"applicationId": case.id, "project": "MAJOR", "reason": "市重大工程"}}, api.staff_with(
            "supervisor"
        )

    def head_worklist(api: Api) -> tuple[dict[str, Any], str | None]:
        variables, supervisor = oversee(api)
        api.gql(op("ApplicationOversightFlag"), variables, as_=supervisor)
        return {}, "approver-market-mao"

    return {
        "ApplicationOversightFlag": oversee,
        "HeadOversightWorklist": head_worklist,
        "DutyRosterSet": rostered,
        "DutyRegister": register,
        "ResponsibilityMatrixSet": matrix,
        "CaseResponsibility": on_case,
        "StaffViolationRecord": charged,
        "Bulletins": bulletins,
        "StaffCreate": create,
        "StaffReturnToUnit": lambda api: (
            {"input": {"staffId": gid("Staff", "clerk-market-xu"), "reason": "不符合派驻条件"}},
            sp.admin(api),
        ),
        "WindowPostAssign": assign,
        "WindowPostLeaveRequest": leave,
        "WindowPostWorklist": worklist,
        "SupervisionCard": lambda api: ({"windowPostId": w11}, None),
        "WindowPostFeedback": lambda api: ({"input": {"windowPostId": w11, "text": "服务很好"}}, None),
    }


STAFF_OPS: dict[str, Any] = _staff_ops()
