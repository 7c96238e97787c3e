"""The contract files: `graphql/schema.graphql` matches the code, and every client operation in
`graphql/operations/` runs against the seeded API with the role it is meant for."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from infra.schema_export import SCHEMA_FILE, render
from tests.conftest import ROOT, Api
from tests.flows import Case, document, gid, op, verified_account

PLEDGE_ITEM = "ZS-WJ-001"  # 公共场所卫生许可(告知承诺制)
WINDOW_ITEM = "ZS-SCJG-003"  # an immediate item of the market bureau, decided at window zs-city-w11
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
        "promisedLimitDays": 2,  # no special step: at most 2 working days (seed 004 二(三))
        "legalBasis": ["《中华人民共和国行政许可法》"],
        "supervisionPhone": "0580-2280000",
        "timeoutRule": "ESCALATE",
    }


def _serious_record(centre_id: str) -> None:
    """A serious credit record (as an inspection records one) of an organisation at the centre."""
    from chalicelib.domain import credit as dcr
    from chalicelib.domain.application import china_date
    from chalicelib.services import clock
    from chalicelib.storage.identity_repository import IdentityRepository
    from chalicelib.storage.unit_of_work import UnitOfWork

    uow = UnitOfWork()
    today = china_date(clock.utc_now())
    record = dcr.new_record(
        "91350100M000100Y43", dcr.Severity.SERIOUS, "cert-x", centre_id, "严重违法", clock.now_iso(), today, "某公司"
    )
    IdentityRepository().stage_credit(uow, record)
    uow.commit()


def scenario(name: str, api: Api) -> tuple[dict[str, Any], str | None]:
    """Variables and the caller for each operation; mutations run on items they create."""
    item = api.seed.items[0]
    city = api.seed.centres[0]
    admin = api.staff_with("admin")

    def create(code: str) -> str:
        body = api.gql(
            op("ServiceItemCreate"),
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
    if name == "WorkingDayCalendar":
        return {"year": 2027}, None
    if name == "WorkingDayArrangementLoad":
        from tests.e2e.test_working_day_calendar import ARRANGEMENT_2027

        return {"input": ARRANGEMENT_2027}, admin
    if name == "CreditBlacklist":
        _serious_record(city.id)
        return {"first": 5}, next(s.id for s in api.seed.staff if s.centre_id == city.id and "clerk" in s.roles)
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
        receiving = next(d.id for d in api.seed.departments if d.centre_id == below)
        return {
            "input": {
                "id": create("ZS-OP-DELEGATE"),
                "centreId": gid("Centre", below),
                "leadDepartmentId": gid("Department", receiving),
                "expectedVersion": 1,
                "reason": "下放",
            }
        }, admin
    if name == "ServiceItemMerge":
        target, source = create("ZS-OP-MERGE-A"), create("ZS-OP-MERGE-B")
        return {"input": {"id": target, "sourceIds": [source], "expectedVersion": 1, "reason": "合并"}}, admin
    organisation = ORGANISATION.get(name)
    if organisation is not None:
        org_result: tuple[dict[str, Any], str | None] = organisation(api)
        return org_result
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
    "AgentAuthorisationGrant": lambda c: _verified_agent(c, "applicant-wang"),
    "AgentAuthorisationRevoke": lambda c: (_authorised_agent(c), "applicant-wang"),
    "IdentityBindingCodeCreate": lambda c: ({"input": {"validMinutes": 5}}, "applicant-wang"),
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
    "RevocationReviewClose": lambda c: (
        {"input": {"id": _under_revocation_review(c), "reason": "经复核,证照继续有效"}},
        c.staff("bureau"),
    ),
    "CertificateCorrect": lambda c: ({"input": {"id": _issued(c)["id"], "reason": "更正"}}, c.staff("bureau")),
    "CertificateVerify": lambda c: (
        {"verificationCode": _issued(c)["verificationCode"], "reasonForUse": "银行开户核验"},
        None,
    ),
    "CertificateVerifyByIdentifier": lambda c: (
        {"identifier": _issued(c)["identifier"], "holderName": "王海燕", "reasonForUse": "招投标资格审查"},
        None,
    ),
    "CertificateStatusChange": lambda c: (
        {"input": {"id": _issued(c)["id"], "target": "SUSPENDED", "reason": "停业整顿", "idempotencyKey": "k"}},
        c.staff("bureau"),
    ),
    "CertificateStatusChangeCancel": lambda c: (
        {"input": {"id": _scheduled_change(c), "reason": "整改已提前完成,撤回暂扣安排"}},
        c.staff("bureau"),
    ),
    "CertificateVerifyUpload": lambda c: ({"pdfBase64": _pdf(c)}, None),
    "CertificateVerificationUploadCreate": lambda c: ({}, None),
    "CertificateVerificationUploadVerify": lambda c: ({"input": {"uploadId": _verification_upload(c)}}, None),
    "MyCertificates": lambda c: ({"first": 5} if _issued(c) else {}, "applicant-wang"),
    "CertificateDetail": lambda c: ({"id": _issued(c)["id"]}, "applicant-wang"),
    "CertificateLookups": lambda c: ({"id": _looked_up(c), "first": 5}, "applicant-wang"),
    "RejectionLedger": lambda c: (
        {"month": datetime.now(UTC).strftime("%Y-%m")} if c.refused().id else {},
        c.supervisor,
    ),
    # Refusal at intake (不予受理) and its 否认报备
    "IntakeRefusalIssue": lambda c: ({"input": {"id": c.filed().id, **c.REFUSAL}}, c.clerk),
    "IntakeRefusalObject": lambda c: (
        {"input": {"id": c.intake_refused().id, "objection": "本事项依法需要许可,请复核"}},
        "applicant-wang",
    ),
    "IntakeRefusalConfirm": lambda c: ({"input": {"id": c.intake_objected().id, "note": "维持"}}, c.unit_leader),
    "IntakeRefusalCorrect": lambda c: (
        {"input": {"id": c.intake_objected().id, "note": "依法应予受理"}},
        c.unit_leader,
    ),
    "IntakeRefusalDecision": lambda c: ({"id": c.intake_refused().id}, "applicant-wang"),
    # Written decisions owed to the applicant, sealed (issue 13)
    "WrittenDecisions": lambda c: ({"applicationId": c.intake_refused().id, "first": 5}, "applicant-wang"),
    "WrittenDecisionVerifyUpload": lambda c: ({"pdfBase64": _written_decision_pdf(c)}, None),
    # The seal registry's administration (seed 003 二(七))
    "BureauSealRegistry": lambda c: ({"bureauId": gid("Department", "city-bureau")}, "admin-xu"),
    "SealRotationRegister": lambda c: ({"input": _seal_rotation()}, "admin-xu"),
    # Approval on pledge (告知承诺制) on the seeded item that allows it
    "ApplicationPledgeNoticeIssue": lambda c: ({"input": {"id": Case(c.api, PLEDGE_ITEM).filed().id}}, c.clerk),
    "ApplicationPledgeSign": lambda c: (
        {"input": {"id": Case(c.api, PLEDGE_ITEM).pledge_noticed().id}},
        "applicant-wang",
    ),
    "ApplicationPledgeVerify": lambda c: (
        {"input": {"id": Case(c.api, PLEDGE_ITEM).pledge_approved().id, "truthful": True, "findings": "核查属实"}},
        Case(c.api, PLEDGE_ITEM).reviewer,
    ),
    # Immediate items decided at the window by an authorised post (seed 004 三(三))
    "WindowPostAuthoritySet": lambda c: (_window_grant(c.api), "admin-xu"),
    "WindowPostAuthority": lambda c: ({"windowPostId": _window_granted(c.api)}, "clerk-market-zhou"),
    "ApplicationDecideAtWindow": lambda c: (
        {
            "input": {
                "id": Case(c.api, WINDOW_ITEM).filed().id,
                "windowPostId": _window_granted(c.api),
                "reason": "材料齐全,当场准予登记",
            }
        },
        "clerk-market-zhou",
    ),
    # Emergency first handling (先予办理)
    # (on an item whose catalogue terms permit it: ZS-SCJG-001)
    "ApplicationEmergencyAuthorise": lambda c: (
        {
            "input": {
                "id": Case(c.api, "ZS-SCJG-001").filed(skip=1).id,
                "reason": "情况紧急,延误将造成损失",
                "legalBasis": "《行政许可法》第三十条",
                "materialCodes": _secondary(Case(c.api, "ZS-SCJG-001"))[:1],
                "dueOn": (date.today() + timedelta(days=3)).isoformat(),
            }
        },
        c.supervisor,
    ),
    # Consultations (咨询, 首问负责制)
    "ConsultationRecord": lambda c: (
        {
            "input": {
                "personName": "王海燕",
                "personIdentifier": "330902199001011234",
                "topic": "食品经营许可如何办理",
                "referredToWindowPostId": gid("WindowPost", "zs-city/zs-city-w11"),
            }
        },
        c.clerk,
    ),
    # Public transparency (anonymous callers)
    "PublicProgress": lambda c: ({"trackingCode": _tracking_code(c.accepted())}, None),
    "PublicOnTimeRates": lambda c: ({"month": _decided_month(c)}, None),
    # --- result push and inspections (审管联动): the case's item is supervised by its own department
    "InspectionRecord": lambda c: (_inspection_input(c), c.reviewer),
    "Inspections": lambda c: ({"certificateId": _inspected(c), "first": 5}, c.reviewer),
}


def _seal_rotation() -> dict[str, Any]:
    """A new city-bureau seal from the dev CA, registered into a copy of the registry (the test's
    stage_env restores `UAP_SEAL_REGISTRY` afterwards, so the shared one is never rewritten)."""
    import os
    import shutil
    import tempfile

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from signing.devpki import issue_seal_certificate, new_key

    source = Path(os.environ["UAP_SEAL_REGISTRY"])
    copy = Path(tempfile.mkdtemp()) / source.name
    shutil.copy(source, copy)
    os.environ["UAP_SEAL_REGISTRY"] = str(copy)
    ca = x509.load_pem_x509_certificate((source.parent / "ca.pem").read_bytes())
    ca_key: Any = serialization.load_pem_private_key((source.parent / "ca-key.pem").read_bytes(), None)
    cert = issue_seal_certificate(new_key("ec").public_key(), ca, ca_key, authority="舟山市行政审批局")
    start = datetime.now(UTC) + timedelta(hours=1)
    return {
        "bureauId": gid("Department", "city-bureau"),
        "certificatePem": cert.public_bytes(serialization.Encoding.PEM).decode(),
        "validFrom": start.isoformat(),
        "validTo": (start + timedelta(days=300)).isoformat(),
        "expectedVersion": 1,
        "note": "年度轮换",
    }


def _written_decision_pdf(case: Case) -> str:
    """The sealed 不予受理决定书 of a case refused at intake, as its applicant downloads it."""
    body = case.api.gql(op("WrittenDecisions"), {"applicationId": case.intake_refused().id}, as_="applicant-wang")
    pdf: str = body["data"]["writtenDecisions"]["edges"][0]["node"]["pdfBase64"]
    return pdf


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


def _verified_agent(case: Case, applicant: str) -> tuple[dict[str, Any], str]:
    """Only an account the identity registry knows as verified may be authorised as an agent."""
    verified_account(case.api, "agent-chen")
    until = (date.today() + timedelta(days=30)).isoformat()
    return {"input": {"agentId": "agent-chen", "validUntil": until}}, applicant


def _authorised_agent(case: Case) -> dict[str, Any]:
    until = (date.today() + timedelta(days=30)).isoformat()
    verified_account(case.api, "agent-chen")
    case.run("AgentAuthorisationGrant", {"input": {"agentId": "agent-chen", "validUntil": until}}, "applicant-wang")
    return {"input": {"agentId": "agent-chen"}}


def _window_grant(api: Api) -> dict[str, Any]:
    post = gid("WindowPost", "zs-city/zs-city-w11")
    return {"input": {"windowPostId": post, "itemIds": [gid("ServiceItem", WINDOW_ITEM)], "reason": "授权窗口审批"}}


def _window_granted(api: Api) -> str:
    body = api.gql(op("WindowPostAuthoritySet"), _window_grant(api), as_="admin-xu")
    assert body["data"]["windowPostAuthoritySet"]["userErrors"] == [], body
    post: str = _window_grant(api)["input"]["windowPostId"]
    return post


def _issued(case: Case) -> dict[str, Any]:
    issued: dict[str, Any] = case.approved().run(
        "CertificateIssue", {"input": {"applicationId": case.id}}, case.staff("bureau")
    )["certificate"]
    return issued


def _scheduled_change(case: Case) -> str:
    """The id of a suspension the bureau scheduled for next week on an issued certificate."""
    later = (datetime.now(UTC).astimezone(timezone(timedelta(hours=8))).date() + timedelta(days=7)).isoformat()
    value = {"id": _issued(case)["id"], "target": "SUSPENDED", "reason": "停业整顿", "effectiveOn": later}
    cert = case.run("CertificateStatusChange", {"input": value}, case.staff("bureau"))["certificate"]
    change_id: str = cert["pendingStatusChange"]["id"]
    return change_id


def _looked_up(case: Case) -> str:
    """An issued certificate a third party has looked up (one logged lookup with its reason)."""
    cert = _issued(case)
    variables = {"verificationCode": cert["verificationCode"], "reasonForUse": "银行开户核验"}
    assert "errors" not in case.api.gql(op("CertificateVerify"), variables)
    cert_id: str = cert["id"]
    return cert_id


def _pdf(case: Case) -> str:
    cert = _issued(case)
    body = case.api.gql(op("CertificateDetail"), {"id": cert["id"]}, as_="applicant-wang")
    pdf: str = body["data"]["certificate"]["pdfBase64"]
    return pdf


def _verification_upload(case: Case) -> str:
    """An issued certificate's PDF, uploaded the way CertificateVerificationUploadCreate says."""
    from tests.e2e.test_verification_uploads import create, post_form

    target = create(case.api)
    assert post_form(target, base64.b64decode(_pdf(case))).status_code == 204
    upload_id: str = target["uploadId"]
    return upload_id


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


def _under_revocation_review(c: Case) -> str:
    """A 容缺后补 case (ZS-SCJG-004) issued the same day whose pledge then lapsed (the sweep runs 15 days on)."""
    from chalicelib.domain.application import china_date
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services import clock as service_clock
    from tests.lifecycle_desk import run_sweep

    case = Case(c.api, "ZS-SCJG-004").filed(skip=1)
    due = DEFAULT_CALENDAR.add_working_days(china_date(datetime.now(UTC)), 1)
    deficiency = {"id": case.id, "missingMaterialCodes": _secondary(case)[:1], "pledgeDueOn": due.isoformat()}
    case.run("ApplicationAcceptWithDeficiency", {"input": {**deficiency, "mode": "SAME_DAY"}}, case.clerk)
    case.run("ApplicationReview", case.review_input(), case.reviewer)
    approve = {"outcome": "APPROVED", "reason": "符合条件,准予许可"}
    case.run("ApplicationDecide", {"input": {"id": case.id, **approve}}, case.approver)
    case.run("CertificateIssue", {"input": {"applicationId": case.id}}, case.staff("bureau"))
    real = service_clock.utc_now
    service_clock.utc_now = lambda: real() + timedelta(days=15)  # type: ignore[assignment]
    try:
        run_sweep()
    finally:
        service_clock.utc_now = real  # type: ignore[assignment]
    return case.id


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
    body = api.gql(document(path.read_text(encoding="utf-8")), variables, as_=caller)
    assert "errors" not in body, body
    (root,) = body["data"].values()
    assert root, body
    if isinstance(root, dict) and "userErrors" in root:
        assert root["userErrors"] == [], body
        assert any(v for k, v in root.items() if k != "userErrors"), body
    if isinstance(root, dict) and "edges" in root:
        assert root["edges"], body


# --- organisation administration (seed 000 一) -------------------------------------------------


def _new_centre(api: Api, code: str) -> str:
    body = api.gql(
        op("CentreCreate"),
        {
            "input": {
                "code": code,
                "name": "契约测试街道中心",
                "level": "TOWNSHIP",
                "parentId": gid("Centre", "dinghai"),
                "reason": "新设",
            }
        },
        as_=api.staff_with("admin"),
    )
    centre_id: str = body["data"]["centreCreate"]["centre"]["id"]
    return centre_id


def _new_department(api: Api, code: str) -> str:
    body = api.gql(
        op("DepartmentCreate"),
        {"input": {"code": code, "name": "契约测试科", "centreId": gid("Centre", "dinghai"), "reason": "新设"}},
        as_=api.staff_with("admin"),
    )
    department_id: str = body["data"]["departmentCreate"]["department"]["id"]
    return department_id


ORGANISATION: dict[str, Any] = {
    "CentreCreate": lambda api: (
        {
            "input": {
                "code": "op-centre",
                "name": "契约测试街道中心",
                "level": "TOWNSHIP",
                "parentId": gid("Centre", "dinghai"),
                "reason": "新设",
            }
        },
        api.staff_with("admin"),
    ),
    "CentreChange": lambda api: (
        {
            "input": {
                "id": _new_centre(api, "op-change"),
                "expectedVersion": 1,
                "name": "改名后的中心",
                "address": "某路1号",
                "phone": "0580-2000000",
                "reason": "更名",
            }
        },
        api.staff_with("admin"),
    ),
    "CentreClose": lambda api: (
        {"input": {"id": _new_centre(api, "op-close"), "expectedVersion": 1, "reason": "撤并"}},
        api.staff_with("admin"),
    ),
    "DepartmentCreate": lambda api: (
        {
            "input": {
                "code": "op-dept",
                "name": "契约测试科",
                "centreId": gid("Centre", "dinghai"),
                "kind": "LINE",
                "reason": "新设",
            }
        },
        api.staff_with("admin"),
    ),
    "DepartmentChange": lambda api: (
        {
            "input": {
                "id": _new_department(api, "op-dept-change"),
                "expectedVersion": 1,
                "name": "改名科",
                "supervisionPhone": "0580-2000000",
                "kind": "OFFICE",
                "reason": "调整",
            }
        },
        api.staff_with("admin"),
    ),
    "DepartmentClose": lambda api: (
        {"input": {"id": _new_department(api, "op-dept-close"), "expectedVersion": 1, "reason": "撤销"}},
        api.staff_with("admin"),
    ),
    "OrganisationHistory": lambda api: ({"id": gid("Centre", "dinghai"), "first": 5}, api.staff_with("admin")),
    "ApplicationRouting": lambda api: (
        {"id": Case(api, "ZS-SCJG-004").filed().id},
        "applicant-wang",
    ),
}


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


# --- delegation lifecycle (seed 003 二(一)–(二)) ------------------------------------------------


def _delegation_scenarios() -> dict[str, Any]:
    from tests import delegation_flows as df

    def tier_input(api: Api) -> dict[str, Any]:
        return {"input": {"tier": "TIER_ONE", "itemIds": [gid("ServiceItem", "ZS-SCJG-004")], "reason": "制定"}}

    def submit_input(api: Api) -> dict[str, Any]:
        df.tiers(api)
        return {"input": {"centreId": gid("Centre", df.ZONE), "reason": "调整", "changes": [df.take_on("ZS-SCJG-004")]}}

    def reviewed(api: Api) -> str:
        df.tiers(api)
        request_id = df.submitted(api, [df.take_on("ZS-SCJG-004")])
        df.ok(api, "AdjustmentRequestReview", {"input": {"id": request_id, "passed": True}}, as_=df.CITY_ADMIN)
        return request_id

    def submitted(api: Api) -> str:
        df.tiers(api)
        return df.submitted(api, [df.take_on("ZS-SCJG-004")])

    def memo(api: Api) -> str:
        df.tiers(api)
        return df.memo_of(api, df.submitted(api, [df.take_on("ZS-SCJG-004")]))

    return {
        "GuidanceCatalogueSet": lambda api: (tier_input(api), df.CITY_ADMIN),
        "CentreTierAssign": lambda api: (
            {"input": {"centreId": gid("Centre", df.ZONE), "tier": "TIER_TWO", "reason": "确定"}},
            df.CITY_ADMIN,
        ),
        "GuidanceCatalogues": lambda api: (df.tiers(api) or {}, None),
        "CentreTier": lambda api: (df.tiers(api) or {"centreId": gid("Centre", df.ZONE)}, None),
        "AdjustmentRequestSubmit": lambda api: (submit_input(api), df.ZONE_ADMIN),
        "AdjustmentRequestReview": lambda api: (
            {"input": {"id": submitted(api), "passed": True}},
            df.CITY_ADMIN,
        ),
        "AdjustmentRequestApprove": lambda api: (
            {"input": {"id": reviewed(api), "passed": True, "approvalReference": "舟政发〔2026〕3号"}},
            df.CITY_ADMIN,
        ),
        "AdjustmentMemoApply": lambda api: ({"input": {"id": memo(api)}}, df.CITY_ADMIN),
        "AdjustmentMemos": lambda api: ((lambda _: {"first": 5})(memo(api)), None),
        "AdjustmentRequests": lambda api: ((lambda _: {"status": "REVIEWED"})(reviewed(api)), df.CITY_ADMIN),
    }


SUPERVISION.update(_delegation_scenarios())


# --- city counterpart oversight (seed 003 二(五)3, 二(六)) ------------------------------------------


def _oversight_scenarios() -> dict[str, Any]:
    from tests import delegation_flows as df

    market = gid("Department", df.MARKET)

    def overdue(api: Api) -> str:
        """An opinion whose due date passed unanswered (moved into the past by the sweep's clock)."""
        from chalicelib.domain.working_days import DEFAULT_CALENDAR
        from chalicelib.services.counterpart import sweep_oversight
        from chalicelib.services.outbox import Relay
        from chalicelib.storage.counterpart_repository import CounterpartRepository

        inspection_id, _ = df.opinion_issued(api, due_in_days=1)
        later = datetime.now(UTC) + timedelta(days=3)
        sweep_oversight(CounterpartRepository(DEFAULT_CALENDAR), later, Relay())
        return inspection_id

    def letter_due() -> str:
        return (date.today() + timedelta(days=20)).isoformat()

    return {
        "CounterpartCases": lambda api: (
            (lambda _: {"departmentId": market})(df.zone_case(api).accepted()),
            df.MARKET_APPROVER,
        ),
        "CounterpartWarnings": lambda api: ((lambda _: {"departmentId": market})(overdue(api)), df.MARKET_APPROVER),
        "OversightInspections": lambda api: (
            (lambda _: {"departmentId": market})(df.inspected(api)),
            df.MARKET_APPROVER,
        ),
        "OversightInspectionRecord": lambda api: (
            {
                "input": {
                    "itemId": gid("ServiceItem", df.DELEGATED_ITEM),
                    "centreId": gid("Centre", df.ZONE),
                    "receivingDepartmentId": gid("Department", df.ZONE_DEPARTMENT),
                    "inspectedOn": date.today().isoformat(),
                    "outcome": "COMPLIANT",
                    "findings": "抽查合格",
                }
            },
            df.MARKET_APPROVER,
        ),
        "OversightOpinionIssue": lambda api: (
            {"input": {"id": df.inspected(api), "requirements": "补齐记录", "dueOn": letter_due()}},
            df.MARKET_APPROVER,
        ),
        "OversightAnswer": lambda api: (
            {"input": {"id": df.opinion_issued(api)[0], "answer": "已整改"}},
            df.ZONE_APPROVER,
        ),
        "OversightLetterIssue": lambda api: (
            {"input": {"id": overdue(api), "requirements": "逾期未整改", "dueOn": letter_due()}},
            df.MARKET_APPROVER,
        ),
    }


SUPERVISION.update(_oversight_scenarios())


# --- referrals upward (上报件, seed 004 三级联动) ---------------------------------------------------


def _referral_scenarios() -> dict[str, Any]:
    from tests import delegation_flows as df

    return {
        "ApplicationReferralStart": lambda api: (
            {
                "input": {
                    "id": Case(api, df.REFERRAL_ITEM).accepted().id,
                    "authority": "浙江省交通运输厅",
                    "referenceNumber": "舟交运〔2026〕9号",
                    "expectedDays": 10,
                }
            },
            df.TRACKER,
        ),
        "ApplicationReferralResultRecord": lambda api: (df.result_input(api, df.referred(api, 10).id), df.TRACKER),
        "Referrals": lambda api: ((lambda _: {"first": 5})(df.referred(api, 10)), df.TRACKER),
        "ApplicationReferrals": lambda api: ({"id": df.referred(api, 10).id}, df.TRACKER),
    }


SUPERVISION.update(_referral_scenarios())


# --- handover of delegated powers (seed 003 二(二)3) -----------------------------------------------


def _handover_scenarios() -> dict[str, Any]:
    from tests import delegation_flows as df

    def delivered(api: Api) -> str:
        handover_id = df.handover_of(api)
        df.ok(api, "HandoverDeliver", {"input": {"id": handover_id, "part": "FORMS"}}, as_=df.MARKET_APPROVER)
        return handover_id

    return {
        "Handovers": lambda api: (
            (lambda _: {"departmentId": gid("Department", df.MARKET)})(df.handover_of(api)),
            df.MARKET_APPROVER,
        ),
        "HandoverDeliver": lambda api: ({"input": {"id": df.handover_of(api), "part": "FORMS"}}, df.MARKET_APPROVER),
        "HandoverConfirm": lambda api: ({"input": {"id": delivered(api), "part": "FORMS"}}, df.ZONE_ADMIN),
    }


SUPERVISION.update(_handover_scenarios())


# --- local tuning of delegated items (seed 003 二(五)1) --------------------------------------------


def _tuning_scenarios() -> dict[str, Any]:
    from tests import delegation_flows as df

    def tuned(api: Api) -> None:
        df.ok(api, "LocalTuningSet", df.tuning_input(), as_=df.ZONE_ADMIN)

    return {
        "LocalTuningSet": lambda api: (df.tuning_input(), df.ZONE_ADMIN),
        "LocalServiceItem": lambda api: (
            (lambda _: {"itemId": gid("ServiceItem", df.DELEGATED_ITEM), "centreId": gid("Centre", df.ZONE)})(
                tuned(api)
            ),
            None,
        ),
        "LocalTunings": lambda api: ((lambda _: {"centreId": gid("Centre", df.ZONE)})(tuned(api)), None),
    }


SUPERVISION.update(_tuning_scenarios())
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


def _renewal(c: Case) -> tuple[dict[str, Any], str]:
    """延续: a licence with a validity (食品经营许可证, 5 years) issued today, renewed by its holder."""
    licensed = Case(c.api, "ZS-SCJG-001")
    cert = _issued(licensed)
    filed = licensed.file_input()["input"]
    value = {k: filed[k] for k in ("centreId", "materials", "formData")}
    return {"input": {"certificateId": cert["id"], **value}}, "applicant-wang"


LIFECYCLE["RenewalApply"] = _renewal
# --- certificate types and their templates, handed over to the bureau (seed 002 四(六)) ----------


def _certificate_type_scenarios() -> dict[str, Any]:
    from tests import certificate_type_flows as ctf

    approver = "approver-market-mao"  # city-market, the owning department

    def drafted(api: Api) -> str:
        created = ctf.create(api, "ZJ-CONTRACT", ctf.template("city-market", ctf.FACT_FIELDS), as_=approver)
        assert created["userErrors"] == [], created
        found: str = created["certificateType"]["id"]
        return found

    def changed(api: Api) -> dict[str, Any]:
        value = ctf.template("city-market", ctf.FACT_FIELDS, name="测试许可证(修订)")
        return {"input": {"id": drafted(api), "expectedVersion": 1, "template": value, "reason": "修订栏目"}}

    return {
        "CertificateTypes": lambda api: ({"first": 5}, "bureau-sun"),
        "CertificateTypeDetail": lambda api: ({"code": "ZJ-SPJYXKZ", "version": 1}, "bureau-sun"),
        "CertificateTypeCreate": lambda api: (
            {
                "input": {
                    "code": "ZJ-CONTRACT",
                    "template": ctf.template("city-market", ctf.FACT_FIELDS),
                    "reason": "新设",
                }
            },
            approver,
        ),
        "CertificateTypeChange": lambda api: (changed(api), approver),
        "CertificateTypeHandOver": lambda api: ({"input": {"id": drafted(api), "expectedVersion": 1}}, approver),
    }


SUPERVISION.update(_certificate_type_scenarios())
