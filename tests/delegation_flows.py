"""Drive the delegation lifecycle (seed 003 二(一)–(二)) through the client operations."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.flows import gid, op

CITY_ADMIN = "admin-xu"
ZONE = "jintang"
ZONE_DEPARTMENT = "jintang-office"
TIER_ONE = ["ZS-SCJG-004", "ZS-SCJG-001", "ZS-ZRZY-002", "ZS-SCJG-005", "ZS-JT-001"]
TIER_TWO = ["ZS-SCJG-004"]


ZONE_ADMIN = "admin-jt-cai"  # the seeded administrator of 金塘 (the receiving centre)


def zone_admin(api: Api, centre: str = ZONE, department: str = ZONE_DEPARTMENT) -> str:
    """A token for a receiving centre's administrator (seeded for 金塘, minted for the others)."""
    if centre == ZONE:
        return api.token_for(ZONE_ADMIN)
    return api.token(f"admin-{centre}", ["admin"], department=department, centre=centre, name="承接中心管理员")


def run(api: Api, name: str, variables: dict[str, Any], *, as_: str | None = None, token: str | None = None) -> Any:
    body = api.gql(op(name), variables, as_=as_, token=token)
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    return payload


def ok(api: Api, name: str, variables: dict[str, Any], **who: Any) -> dict[str, Any]:
    payload: dict[str, Any] = run(api, name, variables, **who)
    assert payload["userErrors"] == [], payload
    return payload


def tiers(api: Api) -> None:
    """一类: the zones' catalogue; 二类: the narrower one. 金塘 follows 一类, 普陀山-朱家尖 二类."""
    for tier, codes in (("TIER_ONE", TIER_ONE), ("TIER_TWO", TIER_TWO)):
        items = [gid("ServiceItem", c) for c in codes]
        ok(
            api,
            "GuidanceCatalogueSet",
            {"input": {"tier": tier, "itemIds": items, "reason": "制定指导目录"}},
            as_=CITY_ADMIN,
        )
    for centre, tier in ((ZONE, "TIER_ONE"), ("putuoshan-zhujiajian", "TIER_TWO")):
        ok(
            api,
            "CentreTierAssign",
            {"input": {"centreId": gid("Centre", centre), "tier": tier, "reason": "按承接能力确定"}},
            as_=CITY_ADMIN,
        )


def take_on(code: str, department: str = ZONE_DEPARTMENT, reason: str = "招商项目集中,需就近办理") -> dict[str, Any]:
    return {
        "kind": "TAKE_ON",
        "itemId": gid("ServiceItem", code),
        "reason": reason,
        "receivingDepartmentId": gid("Department", department),
    }


def give_back(code: str, reason: str = "业务量小,交回市级办理") -> dict[str, Any]:
    return {"kind": "RETURN", "itemId": gid("ServiceItem", code), "reason": reason}


def submitted(api: Api, changes: list[dict[str, Any]], centre: str = ZONE) -> str:
    payload = ok(
        api,
        "AdjustmentRequestSubmit",
        {
            "input": {
                "centreId": gid("Centre", centre),
                "reason": "按照大稳定、小调整原则调整承接职权",
                "changes": changes,
            }
        },
        token=zone_admin(api, centre),
    )
    request_id: str = payload["adjustmentRequest"]["id"]
    return request_id


def memo_of(api: Api, request_id: str, reference: str = "舟政办发〔2026〕45号") -> str:
    """Reviewed by the reform office and approved by the government: the published memo's id."""
    ok(
        api,
        "AdjustmentRequestReview",
        {"input": {"id": request_id, "passed": True, "note": "经会同市直部门审查,同意"}},
        as_=CITY_ADMIN,
    )
    payload = ok(
        api,
        "AdjustmentRequestApprove",
        {"input": {"id": request_id, "passed": True, "approvalReference": reference}},
        as_=CITY_ADMIN,
    )
    memo_id: str = payload["memo"]["id"]
    return memo_id


def applied(api: Api, changes: list[dict[str, Any]]) -> dict[str, Any]:
    tiers(api)
    memo_id = memo_of(api, submitted(api, changes))
    return ok(api, "AdjustmentMemoApply", {"input": {"id": memo_id}}, as_=CITY_ADMIN)


# --- city counterpart oversight (seed 003 二(五)3, 二(六)) -----------------------------------------

MARKET = "city-market"
MARKET_APPROVER = "approver-market-mao"
ZONE_APPROVER = "approver-jt-shi"
DELEGATED_ITEM = "ZS-SCJG-001"  # 食品经营许可(新办): city-market's power, delegated to 金塘


def zone_case(api: Api, item: str = DELEGATED_ITEM) -> Any:
    """A case of a delegated power filed at the zone's window."""
    from tests.flows import Case

    case = Case(api, item)
    case.centre = ZONE
    case.clerk = "clerk-jt-le"
    # 同权审批: the zone's receiving department reviews and decides the delegated power.
    case.reviewer = case.staff("reviewer", department=ZONE_DEPARTMENT)
    case.approver = case.staff("approver", department=ZONE_DEPARTMENT)
    return case


def inspected(api: Api, outcome: str = "DEFICIENT") -> str:
    from datetime import date

    from chalicelib.domain.application import china_date
    from chalicelib.services import clock

    today: date = china_date(clock.utc_now())
    payload = ok(
        api,
        "OversightInspectionRecord",
        {
            "input": {
                "itemId": gid("ServiceItem", DELEGATED_ITEM),
                "centreId": gid("Centre", ZONE),
                "receivingDepartmentId": gid("Department", ZONE_DEPARTMENT),
                "inspectedOn": today.isoformat(),
                "outcome": outcome,
                "findings": "抽查5件,2件现场核查记录缺失",
            }
        },
        as_=MARKET_APPROVER,
    )
    inspection_id: str = payload["inspection"]["id"]
    return inspection_id


def opinion_issued(api: Api, due_in_days: int = 10) -> tuple[str, str]:
    """An inspection with an opinion due `due_in_days` days from today: (id, due date)."""
    from datetime import timedelta

    from chalicelib.domain.application import china_date
    from chalicelib.services import clock

    inspection_id = inspected(api)
    due = (china_date(clock.utc_now()) + timedelta(days=due_in_days)).isoformat()
    ok(
        api,
        "OversightOpinionIssue",
        {"input": {"id": inspection_id, "requirements": "补齐现场核查记录并建立核查台账", "dueOn": due}},
        as_=MARKET_APPROVER,
    )
    return inspection_id, due


# --- referrals upward (上报件, seed 004 三级联动) ---------------------------------------------------

REFERRAL_ITEM = "ZS-JT-001"  # 港口经营许可 (city-transport): given a provincial referral step below
TRACKER = "reviewer-tr-zhu"


def with_referral_step(counts: bool = False, max_days: int = 15) -> None:
    """The item publishes a referral step (报省交通运输厅审批) that pauses the clock (catalogue change)."""
    from dataclasses import replace

    from chalicelib.domain.catalogue import SpecialStep, SpecialStepKind
    from chalicelib.domain.identity import Principal, Role
    from chalicelib.services import catalogue as service
    from chalicelib.services.catalogue import CatalogueChange
    from chalicelib.storage.catalogue_repository import CatalogueRepository

    repo = CatalogueRepository()
    found = repo.get_item(REFERRAL_ITEM)
    assert found is not None
    item = found[0]
    step = SpecialStep(SpecialStepKind.REFERRAL_UPWARD, "报省交通运输厅审批", max_days, counts)
    elements = replace(item.elements, special_steps=(*item.elements.special_steps, step))
    admin = Principal("admin-xu", frozenset({Role.ADMIN}), department_id="city-service-office", centre_id="zs-city")
    service.change_item(repo, admin, REFERRAL_ITEM, elements, CatalogueChange("增加上报省级审批环节", item.version))


def referred(api: Api, expected_days: int | None = None) -> Any:
    """An accepted case of the item, referred to the province by its reviewer (the tracker)."""
    from tests.flows import Case

    case = Case(api, REFERRAL_ITEM).accepted()
    payload = ok(
        api,
        "ApplicationReferralStart",
        {
            "input": {
                "id": case.id,
                "authority": "浙江省交通运输厅",
                "referenceNumber": "舟交运〔2026〕8号",
                **({"expectedDays": expected_days} if expected_days else {}),
            }
        },
        as_=TRACKER,
    )
    assert payload["application"]["referrals"][-1]["status"] == "PENDING"
    return case


def result_input(api: Api, case_id: str, who: str = TRACKER) -> dict[str, Any]:
    document = api.upload("RESULT", "浙江省交通运输厅批复".encode(), as_=who, file_name="省厅批复.pdf")
    del document["code"]
    return {
        "input": {"id": case_id, "outcome": "APPROVED", "resultReference": "浙交复〔2026〕21号", "document": document}
    }


# --- handover (seed 003 二(二)3) -----------------------------------------------------------------


def handover_of(api: Api) -> str:
    """A memo delegating ZS-SCJG-004 (city-market's) to 金塘, applied: its handover's id."""
    applied(api, [take_on("ZS-SCJG-004")])
    body = api.gql(op("Handovers"), {"departmentId": gid("Department", MARKET)}, as_=MARKET_APPROVER)
    handover_id: str = body["data"]["handovers"]["edges"][0]["node"]["id"]
    return handover_id


# --- local tuning (seed 003 二(五)1) ---------------------------------------------------------------


def tuning_input(deficiency: list[str] | None = None) -> dict[str, Any]:
    return {
        "input": {
            "itemId": gid("ServiceItem", DELEGATED_ITEM),
            "centreId": gid("Centre", ZONE),
            "procedure": [
                {"name": "受理", "description": "金塘便民服务大厅综合窗口收件,材料齐全当场受理"},
                {"name": "审查决定", "description": "金塘管委会行政审批服务科审查并作出决定,3个工作日内办结"},
            ],
            "deficiencyMaterialCodes": ["M04"] if deficiency is None else deficiency,
            "reason": "结合海岛实际,仅健康证明可容缺后补",
        }
    }
