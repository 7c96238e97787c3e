"""Application forms (申请表) and conditional materials, through `/graphql`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, Clock
from tests.flows import op
from tests.forms import ORGANISATION_ID, answers
from tests.lifecycle_desk import Desk, gid


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    return Desk(api)


def _authorise(desk: Desk, applicant: str, agent: str) -> None:
    desk.verified_account(agent)
    grant = desk.api.gql(
        """mutation($i: AgentAuthorisationGrantInput!) { agentAuthorisationGrant(input: $i) { userErrors { code } } }""",
        {"i": {"agentId": agent, "validUntil": "2026-12-31"}},
        as_=applicant,
    )["data"]["agentAuthorisationGrant"]
    assert grant == {"userErrors": []}


def _detail(desk: Desk, case_id: str, as_: str) -> dict[str, Any]:
    body = desk.api.gql(op("ApplicationDetail"), {"id": case_id}, as_=as_)
    return body  # type: ignore[no-any-return]


def test_seed001_power_of_attorney_is_demanded_only_of_an_agents_filing(desk: Desk) -> None:
    """seed 001 (materials published per item) with the item's own note 「本人办理的无需提交;可由代办员持授权书
    代为办理」: the power of attorney (M06) applies only when an agent files. Intake, the one-time notice and
    deficiency acceptance consider only the materials that apply."""
    item = "ZS-SCJG-001"
    attorney = desk.material(item, "M06")
    assert [c.kind.value for c in attorney.applies_when] == ["filed_by_agent"]

    # The applicant in person: no power of attorney, the case is complete and accepted.
    own = desk.file(item, omit=("M06", "M07"))
    assert own["missingMaterialCodes"] == []
    detail = _detail(desk, own["id"], "clerk-li")["data"]["application"]
    assert detail["requiredMaterialCodes"] == ["M01", "M02", "M03", "M04", "M05"]
    # ... and the window may not demand it of them in a notice.
    demand = {
        "id": own["id"],
        "entries": [{"materialCode": "M06", "problem": "MISSING", "description": "请提交授权委托书"}],
        "procedure": "补正后重新提交",
    }
    assert desk.refused("applicationNoticeIssue", demand, as_="clerk-li") == ["MATERIAL_NOT_APPLICABLE"]
    assert desk.accept(own["id"])["state"] == "IN_REVIEW"

    # The same filing by an authorised agent: M06 is missing, intake refuses plain acceptance.
    _authorise(desk, "applicant-wang", "agent-chen")
    value = desk.file_input(item, as_="agent-chen", applicant="applicant-wang", omit=("M06", "M07"))
    by_agent = desk.ok("applicationFile", value, as_="agent-chen")
    assert by_agent["missingMaterialCodes"] == ["M06"]
    assert desk.refused("applicationAccept", {"id": by_agent["id"]}, as_="clerk-li") == ["MATERIALS_INCOMPLETE"]
    # A notice that leaves it out is incomplete; one that lists it is the one-time notice.
    silent = {**demand, "id": by_agent["id"], "entries": []}
    assert desk.refused("applicationNoticeIssue", silent, as_="clerk-li") == ["NOTICE_EMPTY"]
    other = {"materialCode": "M01", "problem": "DEFECTIVE", "description": "申请书未签字"}
    partial = {**demand, "id": by_agent["id"], "entries": [other]}
    assert desk.refused("applicationNoticeIssue", partial, as_="clerk-li") == ["NOTICE_INCOMPLETE"]
    # Deficiency acceptance takes it as the (secondary) missing material.
    pledge = {"id": by_agent["id"], "missingMaterialCodes": ["M06"], "pledgeDueOn": "2026-11-06"}
    accepted = desk.ok("applicationAcceptWithDeficiency", pledge, as_="clerk-li")
    assert accepted["pledge"]["materialCodes"] == ["M06"]


def test_seed001_a_special_circumstance_in_the_form_makes_a_material_apply(desk: Desk) -> None:
    """A material conditioned on a yes/no declaration (入网经营 → 网络食品经营信息) applies only when declared."""
    item = "ZS-SCJG-001"
    plain = desk.file(item, omit=("M06", "M07"))
    assert plain["missingMaterialCodes"] == []
    online = answers(desk.item(item).elements.form, onlineSales=True)
    declared = desk.file(item, omit=("M06", "M07"), form=online)
    assert declared["missingMaterialCodes"] == ["M07"]
    value = {"id": declared["id"], "missingMaterialCodes": ["M07"], "pledgeDueOn": "2026-11-06"}
    assert desk.ok("applicationAcceptWithDeficiency", value, as_="clerk-li")["pledge"]["materialCodes"] == ["M07"]


def test_seed001_form_is_checked_at_filing_every_problem_at_once(desk: Desk) -> None:
    """The form is an element the item publishes (seed 001); a filing's answers are checked like a one-time
    notice (seed 004 一次告知制): every problem at once, each with its field, and nothing is written."""
    item = "ZS-SCJG-001"
    form = desk.item(item).elements.form
    bad = answers(
        form,
        creditCode="91330900MA2A1B2C3X",
        legalRepresentativeId="330902199001011234",
        businessArea="120平方米",
        businessType="bakery",
        contactPhone="12345",
        employees=2.5,
        colour="red",
    )
    del bad["premises"]
    value = desk.file_input(item, form=bad)
    payload = desk.mutate("applicationFile", value, as_="applicant-wang")
    assert payload["application"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("formData.colour", "FORM_UNKNOWN_FIELD"),
        ("formData.creditCode", "FORM_INVALID_CREDIT_CODE"),
        ("formData.legalRepresentativeId", "FORM_INVALID_ID_NUMBER"),
        ("formData.contactPhone", "FORM_PATTERN_MISMATCH"),
        ("formData.premises", "FORM_FIELD_REQUIRED"),
        ("formData.businessArea", "FORM_WRONG_TYPE"),
        ("formData.businessType", "FORM_INVALID_CHOICE"),
        ("formData.employees", "FORM_WRONG_TYPE"),
    ]
    messages = {e["field"]: e["message"] for e in payload["userErrors"]}
    assert messages["formData.premises"] == "请填写“经营场所”"
    assert "校验码" in messages["formData.creditCode"]
    assert desk.mine("applicant-wang") == []  # nothing half-written
    # Form problems come with the materials' problems in the same answer.
    with_bad_material = {**value, "materials": [{**value["materials"][0], "code": "M99"}]}
    codes = desk.refused("applicationFile", with_bad_material, as_="applicant-wang")
    assert codes[-1] == "UNKNOWN_MATERIAL" and "FORM_INVALID_CREDIT_CODE" in codes
    # No form data at all: every required field is named.
    payload = desk.mutate("applicationFile", {k: v for k, v in value.items() if k != "formData"}, as_="applicant-wang")
    required = [f.key for f in form if f.required]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (f"formData.{key}", "FORM_FIELD_REQUIRED") for key in required
    ]


def test_seed001_form_answers_are_kept_normalised_and_shown_to_the_case_parties_only(desk: Desk) -> None:
    """Staff handling the case and the applicant see what was filed; another applicant sees nothing."""
    item = "ZS-SCJG-001"
    given = answers(desk.item(item).elements.form, creditCode=ORGANISATION_ID.lower(), entityName="  舟山海星水产 ")
    filed = desk.file(item, form=given)
    staff = _detail(desk, filed["id"], "clerk-li")["data"]["application"]
    expected = {**given, "creditCode": ORGANISATION_ID, "entityName": "舟山海星水产"}
    assert staff["formData"] == expected
    assert _detail(desk, filed["id"], "applicant-wang")["data"]["application"]["formData"] == expected
    stranger = _detail(desk, filed["id"], "applicant-zhou")
    assert stranger.get("data") is None or stranger["data"]["application"] is None
    assert {e["extensions"]["code"] for e in stranger["errors"]} == {"NOT_FOUND"}
    # The form the case was filed under stays with the case's item version.
    body = desk.api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", item)})
    fields = {f["key"]: f for f in body["data"]["serviceItem"]["form"]}
    assert fields["creditCode"]["type"] == "ORGANISATION_ID"
    assert fields["businessArea"]["type"] == "AREA" and fields["businessArea"]["minimum"] == 1
    assert [c["value"] for c in fields["businessType"]["choices"]] == ["food_sales", "catering", "canteen"]


def test_seed003_a_condition_naming_an_unknown_form_field_is_refused(api: Api) -> None:
    """seed 003: changes are published versions; a published item never carries a condition that cannot hold."""
    from tests.e2e.test_catalogue_api import admin, elements_input

    form = [
        {"key": "buildingUse", "label": "建筑用途", "type": "CHOICE", "choices": [{"value": "shop", "label": "商铺"}]},
        {"key": "historic", "label": "是否历史建筑", "type": "BOOLEAN"},
    ]
    value = elements_input(api, form=form, promisedLimitDays=2)
    value["materials"][1]["appliesWhen"] = [
        {"kind": "FORM_ANSWER_IN", "field": "usage", "values": ["shop"]},
        {"kind": "FORM_ANSWER_IN", "field": "buildingUse", "values": ["office"]},
        {"kind": "SPECIAL_CIRCUMSTANCE", "field": "buildingUse"},
    ]
    create = """mutation($input: ServiceItemCreateInput!) { serviceItemCreate(input: $input) {
        serviceItem { code } userErrors { field code message } } }"""
    body = api.gql(create, {"input": {"code": "ZS-TEST-COND", "elements": value, "reason": "新增"}}, as_=admin(api))
    payload = body["data"]["serviceItemCreate"]
    p = "elements.materials[1].appliesWhen"
    assert payload["serviceItem"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (f"{p}[0].field", "CONDITION_UNKNOWN_FIELD"),
        (f"{p}[1].values", "CONDITION_VALUES"),
        (f"{p}[2].field", "CONDITION_FIELD_TYPE"),
    ]
    assert "usage" in payload["userErrors"][0]["message"]
    value["materials"][1]["appliesWhen"] = [
        {"kind": "FORM_ANSWER_IN", "field": "buildingUse", "values": ["shop"]},
        {"kind": "SPECIAL_CIRCUMSTANCE", "field": "historic"},
    ]
    body = api.gql(create, {"input": {"code": "ZS-TEST-COND", "elements": value, "reason": "新增"}}, as_=admin(api))
    assert body["data"]["serviceItemCreate"] == {"serviceItem": {"code": "ZS-TEST-COND"}, "userErrors": []}
    detail = api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", "ZS-TEST-COND")})["data"]["serviceItem"]
    assert detail["materials"][1]["appliesWhen"] == [
        {"kind": "FORM_ANSWER_IN", "field": "buildingUse", "values": ["shop"]},
        {"kind": "SPECIAL_CIRCUMSTANCE", "field": "historic", "values": []},
    ]


def test_seed004_a_simple_item_promising_more_than_two_days_is_refused(api: Api) -> None:
    """seed 004 二(三): 「除需现场踏勘、专家论证、前置审批、上报上级和特殊事项外,原则上一律实行即办,最长不得超过
    2个工作日。对重大工程及招商引资工程,应确保在30个工作日内完成」."""
    from tests.e2e.test_catalogue_api import admin, elements_input

    create = """mutation($input: ServiceItemCreateInput!) { serviceItemCreate(input: $input) {
        serviceItem { code promisedLimitDays projectCategory specialSteps { kind } } userErrors { field code } } }"""

    def attempt(code: str, **changes: Any) -> Any:
        value = elements_input(api, **changes)
        body = api.gql(create, {"input": {"code": code, "elements": value, "reason": "新增"}}, as_=admin(api))
        return body["data"]["serviceItemCreate"]

    assert attempt("ZS-TEST-T1", promisedLimitDays=5)["userErrors"] == [
        {"field": "elements.promisedLimitDays", "code": "SIMPLE_ITEM_LIMIT"}
    ]
    referral = [{"kind": "REFERRAL_UPWARD", "name": "报省级部门审批", "maxDays": 20, "countsTowardLimit": False}]
    assert attempt("ZS-TEST-T2", promisedLimitDays=5, specialSteps=referral)["serviceItem"]["specialSteps"] == [
        {"kind": "REFERRAL_UPWARD"}
    ]
    major = attempt("ZS-TEST-T3", promisedLimitDays=20, projectCategory="INVESTMENT")
    assert major["serviceItem"]["projectCategory"] == "INVESTMENT"
    too_long = attempt("ZS-TEST-T4", statutoryLimitDays=45, promisedLimitDays=31, projectCategory="MAJOR")
    assert too_long["userErrors"] == [{"field": "elements.promisedLimitDays", "code": "PROJECT_ITEM_LIMIT"}]


def test_seed004_a_supplement_after_the_notice_corrects_the_form_keeping_the_old_answers(desk: Desk) -> None:
    """seed 004 二(四) 两次办结制 / 一次告知制: 「第一次要详实告知所需的审批材料和相关要求,第二次要在手续齐备的情况下」:
    the 补正 answering a one-time notice may correct the 申请表 too — checked like at filing (every problem at
    once, materials' and form's together, nothing written), the replaced answers kept in the case's history."""
    item = "ZS-SCJG-001"
    form = desk.item(item).elements.form
    filed = desk.file(item, omit=("M04", "M06", "M07"))
    entries = [{"materialCode": "M04", "problem": "MISSING", "description": "未提交"}]
    desk.ok(
        "applicationNoticeIssue", {"id": filed["id"], "entries": entries, "procedure": "补正后重新提交"}, as_="clerk-li"
    )
    events = len(desk.timeline(filed["id"]))
    supplied = desk.upload(item, ["M04"], as_="applicant-wang")

    bad = answers(form, businessArea="一百二十", colour="red")
    del bad["premises"]
    value = {"id": filed["id"], "materials": [*supplied, {**supplied[0], "code": "M99"}], "formData": bad}
    payload = desk.mutate("applicationSupplement", value, as_="applicant-wang")
    assert payload["application"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("materials[1].code", "UNKNOWN_MATERIAL"),
        ("formData.colour", "FORM_UNKNOWN_FIELD"),
        ("formData.premises", "FORM_FIELD_REQUIRED"),
        ("formData.businessArea", "FORM_WRONG_TYPE"),
    ]
    assert len(desk.timeline(filed["id"])) == events  # nothing written

    before = _detail(desk, filed["id"], as_="applicant-wang")["data"]["application"]["formData"]
    corrected = answers(form, businessArea=180.5, onlineSales=True)
    after = desk.ok(
        "applicationSupplement", {"id": filed["id"], "materials": supplied, "formData": corrected}, as_="applicant-wang"
    )
    assert (after["state"], after["round"]) == ("SUBMITTED", 2)
    assert after["missingMaterialCodes"] == ["M07"]  # the corrected answer makes 网络食品经营信息 apply
    query = """query($id: ID!) { application(id: $id) { formData formHistory { round answers replacedAt } } }"""
    for who in ("applicant-wang", "clerk-li"):
        seen = desk.api.gql(query, {"id": filed["id"]}, as_=who)["data"]["application"]
        assert seen["formData"]["businessArea"] == 180.5 and seen["formData"]["onlineSales"] is True
        assert [(r["round"], r["answers"]) for r in seen["formHistory"]] == [(1, before)]
        assert seen["formHistory"][0]["replacedAt"]
    assert desk.timeline(filed["id"])[-1]["reason"] == "按告知书补正材料并更正申请表,重新提交"

    # Outside a 补正 (a pledge's supplement) the form stays as reviewed.
    pledged = desk.file(item, omit=("M04", "M06", "M07"))
    value = {"id": pledged["id"], "missingMaterialCodes": ["M04"], "pledgeDueOn": "2026-11-06"}
    desk.ok("applicationAcceptWithDeficiency", value, as_="clerk-li")
    refused = {
        "id": pledged["id"],
        "materials": desk.upload(item, ["M04"], as_="applicant-wang"),
        "formData": corrected,
    }
    assert desk.refused("applicationSupplement", refused, as_="applicant-wang") == ["FORM_CORRECTION_NOT_ALLOWED"]
