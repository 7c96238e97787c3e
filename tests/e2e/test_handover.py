"""Seed 003 二(二)3: forms, system accounts and the intermediary list follow a delegated power."""

from __future__ import annotations

from typing import Any

from chalicelib.services.handover import sweep_handovers
from chalicelib.services.outbox import Relay
from chalicelib.storage.handover_repository import HandoverRepository
from tests.conftest import Api
from tests.delegation_flows import MARKET, MARKET_APPROVER, ZONE, ZONE_ADMIN, handover_of, ok, run
from tests.flows import gid, op


def test_seed003_handover_is_tracked_and_overdue_parts_are_warned(api: Api, clock: Any) -> None:
    handover_id = handover_of(api)
    listed = api.gql(op("Handovers"), {"centreId": gid("Centre", ZONE)}, as_=ZONE_ADMIN)
    (node,) = [e["node"] for e in listed["data"]["handovers"]["edges"]]
    assert node["id"] == handover_id and node["department"]["id"] == gid("Department", MARKET)
    assert [p["kind"] for p in node["parts"]] == ["FORMS", "ACCOUNTS", "INTERMEDIARIES"]
    assert len({p["dueOn"] for p in node["parts"]}) == 1  # ten working days after the memo

    early = run(api, "HandoverConfirm", {"input": {"id": handover_id, "part": "FORMS"}}, as_=ZONE_ADMIN)
    assert [e["code"] for e in early["userErrors"]] == ["NOT_DELIVERED"]
    ok(
        api,
        "HandoverDeliver",
        {"input": {"id": handover_id, "part": "FORMS", "note": "表格文书模板已发送"}},
        as_=MARKET_APPROVER,
    )
    twice = run(api, "HandoverDeliver", {"input": {"id": handover_id, "part": "FORMS"}}, as_=MARKET_APPROVER)
    assert [e["code"] for e in twice["userErrors"]] == ["ALREADY_DELIVERED"]
    confirmed = ok(
        api, "HandoverConfirm", {"input": {"id": handover_id, "part": "FORMS", "note": "已接收"}}, as_=ZONE_ADMIN
    )
    assert confirmed["handover"]["parts"][0]["confirmedAt"]
    # Only the receiving centre confirms, only the delegating department delivers.
    stranger = run(api, "HandoverDeliver", {"input": {"id": handover_id, "part": "ACCOUNTS"}}, as_="approver-nr-chen")
    assert [e["code"] for e in stranger["userErrors"]] == ["NOT_FOUND"]

    repo = HandoverRepository()
    assert sweep_handovers(repo, clock.now, Relay())["handover_overdue"] == 0
    clock.advance(days=20)
    assert sweep_handovers(repo, clock.now, Relay())["handover_overdue"] == 2  # accounts, intermediaries
    assert sweep_handovers(repo, clock.now, Relay())["handover_overdue"] == 0
    warnings = api.gql(op("CounterpartWarnings"), {"departmentId": gid("Department", MARKET)}, as_=MARKET_APPROVER)
    kinds = sorted(w["node"]["deadline"] for w in warnings["data"]["counterpartWarnings"]["edges"])
    assert kinds == ["HANDOVER", "HANDOVER"]
    Relay().run()
    body = api.gql(op("Notifications"), {"feed": "DEPARTMENT"}, as_=MARKET_APPROVER)
    titles = [n["node"]["title"] for n in body["data"]["notifications"]["edges"] if n["node"]["kind"] == "WARNING"]
    assert any("系统账号" in t for t in titles) and any("中介服务名单" in t for t in titles)


def _delegate_directly(api: Api, code: str = "ZS-SCJG-004", lead: str = "jintang-office") -> Any:
    item = api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", code)})["data"]["serviceItem"]
    return run(
        api,
        "ServiceItemDelegate",
        {
            "input": {
                "id": gid("ServiceItem", code),
                "centreId": gid("Centre", ZONE),
                "leadDepartmentId": gid("Department", lead),
                "expectedVersion": item["version"],
                "reason": "直接下放",
            }
        },
        as_="admin-xu",
    )


def test_seed003_a_power_delegated_directly_opens_the_same_handover_as_a_memo(api: Api, clock: Any) -> None:
    """Seed 003 二(二)3: the supporting elements follow every delegated power, whether a memo or
    `serviceItemDelegate` delegated it; a refused delegation opens nothing."""
    refused = _delegate_directly(api, lead="city-market")  # a department of another centre
    assert [e["code"] for e in refused["userErrors"]] == ["DEPARTMENT_OUTSIDE_CENTRE"]
    none = api.gql(op("Handovers"), {"centreId": gid("Centre", ZONE)}, as_=ZONE_ADMIN)
    assert none["data"]["handovers"]["edges"] == []

    delegated = _delegate_directly(api)
    assert delegated["userErrors"] == []
    version = delegated["serviceItem"]["version"]
    listed = api.gql(op("Handovers"), {"departmentId": gid("Department", MARKET)}, as_=MARKET_APPROVER)
    (node,) = [e["node"] for e in listed["data"]["handovers"]["edges"]]
    assert node["memoId"] is None
    assert node["delegationVersionId"] == gid("ServiceItemVersion", f"ZS-SCJG-004:{version}")
    assert node["centre"]["id"] == gid("Centre", ZONE) and node["department"]["id"] == gid("Department", MARKET)
    assert [p["kind"] for p in node["parts"]] == ["FORMS", "ACCOUNTS", "INTERMEDIARIES"]
    assert len({p["dueOn"] for p in node["parts"]}) == 1

    # The same record as a memo's: delivered by the delegating department, confirmed by the centre,
    # and warned to the delegating department when overdue.
    ok(api, "HandoverDeliver", {"input": {"id": node["id"], "part": "FORMS"}}, as_=MARKET_APPROVER)
    ok(api, "HandoverConfirm", {"input": {"id": node["id"], "part": "FORMS"}}, as_=ZONE_ADMIN)
    clock.advance(days=20)
    assert sweep_handovers(HandoverRepository(), clock.now, Relay())["handover_overdue"] == 2
