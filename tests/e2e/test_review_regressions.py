"""Regressions for the defects an independent review found; each test failed before its fix."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib.domain.certificate import mask_identifier
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.sweep import sweep
from chalicelib.storage.application_repository import ApplicationRepository
from tests.conftest import Api, Clock
from tests.flows import Case, gid, op, verified_account

CASE = """query($id: ID!) { application(id: $id) { state redFlag deadline deemedAccepted
  decision { deemed } tasks { role status dueOn } pledge { status } timeline { nodes { action } } } }"""


def run_sweep() -> dict[str, int]:
    return dict(sweep(ApplicationRepository(DEFAULT_CALENDAR)))


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def mutate(api: Api, name: str, variables: dict[str, Any], as_: str | None = None, token: str | None = None) -> Any:
    body = api.gql(op(name), {"input": variables}, as_=as_, token=token)
    return next(iter(body["data"].values()))


def test_a_filing_without_primary_materials_is_never_deemed_approved(api: Api, clock: Clock) -> None:
    """The 5-day rule accepts it, but the timeout rule may not approve what nobody could review."""
    clock.set_china(date(2026, 11, 2))
    case = Case(api, "ZS-JT-002")  # immediate item, timeout rule: deemed approval
    value = case.file_input()
    value["input"]["materials"] = []
    case.id = case.run("ApplicationFile", value, "applicant-wang")["application"]["id"]
    clock.set_china(date(2026, 11, 10))
    done = run_sweep()
    assert done.get("deemed_accept") == 1 and done.get("deemed_approval", 0) == 0
    seen = api.gql(CASE, {"id": case.id}, as_=case.supervisor)["data"]["application"]
    assert seen["state"] == "IN_REVIEW" and seen["decision"] is None


def test_deemed_acceptance_gives_departments_their_whole_limit(api: Api, clock: Clock) -> None:
    clock.set_china(date(2026, 11, 2))
    case = Case(api, "ZS-ZJ-001").filed()  # joint item, promised 3 working days
    clock.set_china(date(2026, 11, 10))
    done = run_sweep()
    assert done.get("deemed_accept") == 1 and done.get("deem_consent", 0) == 0 and done.get("escalate", 0) == 0
    seen = api.gql(CASE, {"id": case.id}, as_=case.supervisor)["data"]["application"]
    assert seen["deemedAccepted"] and all(t["status"] == "OPEN" for t in seen["tasks"])
    assert all(date.fromisoformat(t["dueOn"]) > date(2026, 11, 10) for t in seen["tasks"])


def test_pledged_supplement_cannot_replace_reviewed_materials(api: Api) -> None:
    case = Case(api, "ZS-SCJG-001").filed(skip=1)
    secondary = [m.code for m in case.item.elements.materials if m.kind.value == "secondary"]
    primary = next(m.code for m in case.item.elements.materials if m.kind.value == "primary")
    due = (date.today() + timedelta(days=3)).isoformat()
    case.run(
        "ApplicationAcceptWithDeficiency",
        {"input": {"id": case.id, "missingMaterialCodes": secondary[:1], "pledgeDueOn": due}},
        case.clerk,
    )
    swapped = [
        api.upload(secondary[0], b"late", as_="applicant-wang"),
        api.upload(primary, b"new", as_="applicant-wang"),
    ]
    payload = mutate(api, "ApplicationSupplement", {"id": case.id, "materials": swapped}, as_="applicant-wang")
    assert codes(payload) == ["NOT_PLEDGED"]


def test_broken_pledge_can_still_be_honoured_late(api: Api, clock: Clock) -> None:
    clock.set_china(date(2026, 11, 2))
    case = Case(api, "ZS-SCJG-001").filed(skip=1)
    missing = next(m.code for m in case.item.elements.materials if m.kind.value == "secondary")
    case.run(
        "ApplicationAcceptWithDeficiency",
        {"input": {"id": case.id, "missingMaterialCodes": [missing], "pledgeDueOn": "2026-11-04"}},
        case.clerk,
    )
    clock.set_china(date(2026, 11, 5))
    assert run_sweep().get("pledge_broken") == 1
    late = [api.upload(missing, b"late", as_="applicant-wang")]
    payload = mutate(api, "ApplicationSupplement", {"id": case.id, "materials": late}, as_="applicant-wang")
    assert payload["userErrors"] == [] and payload["application"]["pledge"]["status"] == "FULFILLED_LATE"


def test_second_notice_cannot_add_demands_the_first_did_not_list(api: Api) -> None:
    """seed 004 一次告知制: everything at once — a later round may not ask for something new."""
    case = Case(api, "ZS-SCJG-001").filed(skip=1)
    materials = case.item.elements.materials
    missing = next(m.code for m in materials if m.kind.value == "secondary")
    entry = {"materialCode": missing, "problem": "MISSING", "description": "未提交"}
    case.run("ApplicationNoticeIssue", {"input": {"id": case.id, "entries": [entry], "procedure": "补正"}}, case.clerk)
    upload = api.upload(missing, b"supplied", as_="applicant-wang")
    case.run("ApplicationSupplement", {"input": {"id": case.id, "materials": [upload]}}, "applicant-wang")
    other = next(m.code for m in materials if m.code != missing)
    new_demand = {"materialCode": other, "problem": "DEFECTIVE", "description": "新的要求"}
    payload = mutate(
        api, "ApplicationNoticeIssue", {"id": case.id, "entries": [new_demand], "procedure": "再补"}, as_=case.clerk
    )
    assert codes(payload) == ["NOTICE_NEW_DEMAND"]


def test_same_day_special_step_pauses_nothing(api: Api, clock: Clock) -> None:
    clock.set_china(date(2026, 11, 2))
    case = Case(api).accepted()  # ZS-ZRZY-001: expert review does not count toward the limit
    before = api.gql(CASE, {"id": case.id}, as_=case.reviewer)["data"]["application"]["deadline"]
    for day in (3, 4, 5):
        clock.set_china(date(2026, 11, day), hour=17)
        case.run("ApplicationSpecialStepStart", {"input": {"id": case.id, "kind": "EXPERT_REVIEW"}}, case.reviewer)
        case.run("ApplicationSpecialStepEnd", {"input": {"id": case.id, "kind": "EXPERT_REVIEW"}}, case.reviewer)
    assert api.gql(CASE, {"id": case.id}, as_=case.reviewer)["data"]["application"]["deadline"] == before


def test_catalogue_administrator_cannot_read_cases(api: Api) -> None:
    case = Case(api).filed()
    body = api.gql(CASE, {"id": case.id}, as_=api.staff_with("admin"))
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_agent_loses_access_when_the_authorisation_expires(api: Api, clock: Clock) -> None:
    clock.set_china(date(2026, 11, 2))
    grant = {"agentId": "agent-chen", "validUntil": "2026-11-03"}
    verified_account(api, "agent-chen")
    assert mutate(api, "AgentAuthorisationGrant", grant, as_="applicant-wang")["userErrors"] == []
    case = Case(api)
    value = case.file_input()
    value["input"]["applicant"]["accountId"] = "applicant-wang"
    case.id = case.run("ApplicationFile", value, "agent-chen")["application"]["id"]
    assert "errors" not in api.gql(CASE, {"id": case.id}, as_="agent-chen")
    clock.set_china(date(2026, 11, 12))
    assert api.gql(CASE, {"id": case.id}, as_="agent-chen")["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    payload = mutate(api, "ApplicationWithdraw", {"id": case.id, "reason": "代办撤回"}, as_="agent-chen")
    assert codes(payload) == ["NOT_FOUND"]


def test_applicant_revokes_an_agent_who_then_loses_access(api: Api) -> None:
    until = (date.today() + timedelta(days=30)).isoformat()
    verified_account(api, "agent-chen")
    mutate(api, "AgentAuthorisationGrant", {"agentId": "agent-chen", "validUntil": until}, as_="applicant-wang")
    case = Case(api)
    value = case.file_input()
    value["input"]["applicant"]["accountId"] = "applicant-wang"
    case.id = case.run("ApplicationFile", value, "agent-chen")["application"]["id"]
    assert mutate(api, "AgentAuthorisationRevoke", {"agentId": "agent-chen"}, as_="applicant-wang")["userErrors"] == []
    assert api.gql(CASE, {"id": case.id}, as_="agent-chen")["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    again = mutate(api, "AgentAuthorisationRevoke", {"agentId": "agent-chen"}, as_="applicant-wang")
    assert codes(again) == ["NOT_FOUND"]


def test_idempotency_key_cannot_be_reused_for_another_case(api: Api) -> None:
    first, second = Case(api).filed(), Case(api).filed()
    assert (
        mutate(api, "ApplicationAccept", {"id": first.id, "idempotencyKey": "k1"}, as_=first.clerk)["userErrors"] == []
    )
    payload = mutate(api, "ApplicationAccept", {"id": second.id, "idempotencyKey": "k1"}, as_=first.clerk)
    assert codes(payload) == ["IDEMPOTENCY_KEY_REUSED"]


def test_idempotency_key_retried_with_another_input_is_refused_and_writes_nothing(api: Api) -> None:
    """A retry is the same request again: the same key with a changed decision (refuse instead of
    approve) is IDEMPOTENCY_KEY_REUSED, not the first result, and the case keeps its approval."""
    case = Case(api).reviewed()
    approve = {"id": case.id, "outcome": "APPROVED", "reason": "符合法定条件", "legalBasis": "", "idempotencyKey": "d1"}
    first = mutate(api, "ApplicationDecide", approve, as_=case.approver)
    assert first["userErrors"] == [] and first["application"]["state"] == "APPROVED"
    again = mutate(api, "ApplicationDecide", approve, as_=case.approver)  # the same request: the same answer
    assert again["userErrors"] == [] and again["application"] == first["application"]
    changed = {**approve, "outcome": "REJECTED", "reason": "不符合法定条件", "legalBasis": "《行政许可法》第三十八条"}
    payload = mutate(api, "ApplicationDecide", changed, as_=case.approver)
    assert codes(payload) == ["IDEMPOTENCY_KEY_REUSED"] and payload["application"] is None
    assert api.gql(CASE, {"id": case.id}, as_=case.approver)["data"]["application"]["state"] == "APPROVED"


def issue(api: Api, case: Case, as_: str | None = None, token: str | None = None) -> Any:
    return mutate(api, "CertificateIssue", {"applicationId": case.id}, as_=as_, token=token)


def test_the_approver_may_not_also_produce_the_certificate(api: Api) -> None:
    """seed 002 受理、审核、制证三分离: whoever decided is on the review side."""
    case = Case(api).reviewed()
    approver = next(s for s in api.seed.staff if s.id == case.approver)
    dual = api.token(approver.id, ["approver", "bureau"], department=approver.department_id, centre=approver.centre_id)
    decide = {"id": case.id, "outcome": "APPROVED", "reason": "准予许可"}
    assert mutate(api, "ApplicationDecide", decide, token=dual)["userErrors"] == []
    assert codes(issue(api, case, token=dual)) == ["SEPARATION_OF_DUTIES"]


def test_a_district_with_its_own_bureau_issues_its_cases_itself(api: Api) -> None:
    """Seed 003 二(七): the district's approval bureau seals with the same legal effect (同权审批);
    the city bureau issues only for centres without a bureau of their own."""
    case = Case(api, "DH-SCJG-001").approved()  # filed and approved at the 定海 sub-centre
    assert codes(issue(api, case, as_="bureau-sun")) == ["NOT_FOUND"]
    payload = issue(api, case, as_=case.staff("bureau", centre="dinghai"))
    assert payload["userErrors"] == [] and payload["certificate"]["number"].startswith("DINGHAI-BUREAU-")


def test_certificates_are_scoped_to_their_centre_and_changes_are_audited(api: Api) -> None:
    case = Case(api).approved()
    cert = issue(api, case, as_=case.staff("bureau"))["certificate"]
    outsider = next(
        s.id for s in api.seed.staff if s.centre_id != case.centre and "clerk" in {r.value for r in s.roles}
    )
    other_department = case.staff("reviewer", department="city-health")
    for who in (outsider, other_department):
        body = api.gql(op("CertificateDetail"), {"id": cert["id"]}, as_=who)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    refused = mutate(api, "CertificateDeliver", {"id": cert["id"], "method": "WINDOW"}, as_=outsider)
    assert codes(refused) == ["NOT_FOUND"]
    mutate(api, "CertificateDeliver", {"id": cert["id"], "method": "WINDOW"}, as_=case.clerk)
    mutate(api, "CertificateRevoke", {"id": cert["id"], "reason": "依法撤销"}, as_=case.supervisor)
    actions = [
        e["action"]
        for e in api.gql(CASE, {"id": case.id}, as_=case.supervisor)["data"]["application"]["timeline"]["nodes"]
    ]
    assert actions[-3:] == ["ISSUE_CERTIFICATE", "DELIVER_CERTIFICATE", "REVOKE_CERTIFICATE"]


def test_public_masking_hides_most_of_any_identifier() -> None:
    assert mask_identifier("R1234567") == "R******7"
    assert mask_identifier("330902199001011234") == "33**************34"
    assert mask_identifier("1234") == "1***"
    assert mask_identifier("AB") == "**"


def test_malformed_requests_get_400_not_500(api: Api) -> None:
    query = "query A { __typename } query B { __typename }"
    for body in (
        {"query": query, "operationName": "Nope"},
        {"query": query, "operationName": 0},
        {"query": "fragment F on Query { __typename }"},
        {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": []},
    ):
        status, answer = api.post(body)
        assert status == 400 and answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST", (body, answer)
    body = api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": gid("ServiceItemVersion", "ZS-SCJG-001:²")})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
