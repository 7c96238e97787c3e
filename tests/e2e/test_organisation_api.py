"""Organisation administration through `/graphql`: centres of every level of seed 000 一 (「乡镇(街道)行政
审批服务中心和社区便民服务站」) and their departments are created, changed and closed by administrators,
each change a published version with who/when/why (seed 003 「在新闻媒体公布」), scoped to the
administrator's centre subtree (seed 000 「两区行政审批管理机构负责对乡镇(街道)和社区服务中心的指导和管理」)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api, CallCounter, Clock
from tests.flows import op
from tests.lifecycle_desk import Desk, gid
from tests.lifecycle_desk import desk as desk

CENTRE = "centre { id name level status version parent { id } }"
DEPARTMENT = "department { id name kind status version centre { id } }"
ERRORS = "userErrors { field code message }"
HISTORY = """query($id: ID!) { centre(id: $id) { status version
  history(first: 10) { nodes { number change reason name status actorId } } } }"""
DEPT_HISTORY = """query($id: ID!) { department(id: $id) { status version
  history(first: 10) { nodes { number change reason kind status actorId } } } }"""


def run(api: Api, name: str, value: dict[str, Any], as_: str | None = "admin-xu", token: str | None = None) -> Any:
    selection = CENTRE if name.startswith("centre") else DEPARTMENT
    kind = name[0].upper() + name[1:]
    query = f"mutation($input: {kind}Input!) {{ {name}(input: $input) {{ {selection} {ERRORS} }} }}"
    body = api.gql(query, {"input": value}, as_=None if token else as_, token=token)
    assert "errors" not in body, body
    return body["data"][name]


def ok(api: Api, name: str, value: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    payload = run(api, name, value, **kwargs)
    assert payload["userErrors"] == [], payload
    result: dict[str, Any] = payload["centre" if name.startswith("centre") else "department"]
    return result


def refused(api: Api, name: str, value: dict[str, Any], **kwargs: Any) -> list[str]:
    payload = run(api, name, value, **kwargs)
    assert payload["centre" if name.startswith("centre") else "department"] is None, payload
    assert all(e["message"] for e in payload["userErrors"])
    return sorted(e["code"] for e in payload["userErrors"])


def history(api: Api, centre: str) -> dict[str, Any]:
    body = api.gql(HISTORY, {"id": gid("Centre", centre)}, as_="admin-xu")
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["centre"]
    return result


def test_seed000_township_and_community_station_lifecycle(api: Api) -> None:
    township = ok(
        api,
        "centreCreate",
        {
            "code": "dinghai-yancang",
            "name": "定海区盐仓街道便民服务中心",
            "level": "TOWNSHIP",
            "parentId": gid("Centre", "dinghai"),
            "phone": "0580-2011111",
            "reason": "新设街道便民服务中心",
        },
    )
    assert township["status"] == "ACTIVE" and township["version"] == 1
    assert township["parent"] == {"id": gid("Centre", "dinghai")}
    station = ok(
        api,
        "centreCreate",
        {
            "code": "yancang-community",
            "name": "盐仓街道社区便民服务站",
            "level": "COMMUNITY",
            "parentId": township["id"],
            "reason": "就近就便",
        },
    )
    office = ok(
        api,
        "departmentCreate",
        {
            "code": "yancang-office",
            "name": "盐仓街道便民服务科",
            "centreId": township["id"],
            "kind": "OFFICE",
            "reason": "配套科室",
        },
    )
    changed = ok(
        api,
        "centreChange",
        {
            "id": township["id"],
            "expectedVersion": 1,
            "name": "定海区盐仓街道行政审批服务中心",
            "address": "盐仓街道新城大道1号",
            "phone": "0580-2011111",
            "reason": "更名",
        },
    )
    assert changed["version"] == 2 and changed["name"] == "定海区盐仓街道行政审批服务中心"
    # Closing while a station and a department remain: every blocker at once, nothing written.
    value = {"id": township["id"], "expectedVersion": 2, "reason": "撤并"}
    assert refused(api, "centreClose", value) == ["HAS_DEPARTMENTS", "HAS_SUB_CENTRES"]
    assert [n["number"] for n in history(api, "dinghai-yancang")["history"]["nodes"]] == [2, 1]
    ok(api, "centreClose", {"id": station["id"], "expectedVersion": 1, "reason": "撤并"})
    ok(api, "departmentClose", {"id": office["id"], "expectedVersion": 1, "reason": "撤并"})
    closed = ok(api, "centreClose", value)
    assert closed["status"] == "CLOSED" and closed["version"] == 3
    record = history(api, "dinghai-yancang")
    assert [(n["number"], n["change"], n["reason"], n["actorId"]) for n in record["history"]["nodes"]] == [
        (3, "CLOSE", "撤并", "admin-xu"),
        (2, "CHANGE", "更名", "admin-xu"),
        (1, "CREATE", "新设街道便民服务中心", "admin-xu"),
    ]
    # A closed centre takes no new department and is not changed again.
    value = {"code": "yancang-2", "name": "某科", "centreId": township["id"], "reason": "新设"}
    assert refused(api, "departmentCreate", value) == ["CENTRE_CLOSED"]
    value = {"id": township["id"], "expectedVersion": 3, "name": "x", "address": "", "phone": "", "reason": "改"}
    assert refused(api, "centreChange", value) == ["ALREADY_CLOSED"]


def test_seed000_closing_what_cases_powers_and_staff_still_use_is_refused(desk: Desk) -> None:
    api = desk.api
    case = desk.file("ZS-SCJG-004", as_="clerk-hn-song", applicant="applicant-wang", centre="dinghai-huannan")
    before = history(api, "dinghai-huannan")
    value = {"id": gid("Centre", "dinghai-huannan"), "expectedVersion": 1, "reason": "撤并"}
    assert refused(api, "centreClose", value) == ["HAS_DEPARTMENTS", "HAS_OPEN_CASES", "HAS_POWERS", "HAS_STAFF"]
    assert history(api, "dinghai-huannan") == before
    value = {"id": gid("Department", "city-market"), "expectedVersion": 1, "reason": "机构改革"}
    # (city-market also co-reviews ZS-YJGL-001: the items naming it are listed too.)
    assert refused(api, "departmentClose", value) == ["HAS_OPEN_CASES", "HAS_POWERS", "HAS_STAFF", "NAMED_BY_ITEMS"]
    # The receiving department of a delegated power is still exercising it (同权审批).
    value = {"id": gid("Department", "huannan-office"), "expectedVersion": 1, "reason": "机构改革"}
    assert refused(api, "departmentClose", value) == ["HAS_POWERS", "HAS_STAFF"]
    assert desk.read(case["id"])["state"] == "SUBMITTED"


def _department_history(api: Api, department: str) -> dict[str, Any]:
    body = api.gql(DEPT_HISTORY, {"id": gid("Department", department)}, as_="admin-xu")
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["department"]
    return result


def test_seed000_a_department_an_item_still_names_as_co_reviewer_cannot_be_closed(
    api: Api, ddb_calls: CallCounter
) -> None:
    """Seed 000 三(一)2 (跨部门联办的事项,明确牵头办理单位) and 同权审批: closing a department that a published
    item still names — as its own co-reviewer, or as a delegation's receiving co-reviewer — would
    route new cases to a department that no longer exists: refused with the items listed, nothing
    written. Once no current item names it (the item is cancelled), it closes."""
    value = {"id": gid("Department", "city-fire"), "expectedVersion": 1, "reason": "机构改革"}
    payload = run(api, "departmentClose", value)
    named = next(e for e in payload["userErrors"] if e["code"] == "NAMED_BY_ITEMS")
    assert "ZS-ZRZY-001(协办)" in named["message"] and "ZS-ZJ-002(协办)" in named["message"]
    assert {"HAS_STAFF", "NAMED_BY_ITEMS"} <= {e["code"] for e in payload["userErrors"]}

    # A district department named only as the receiving co-reviewer of a delegated joint item.
    new = {"code": "dinghai-fire", "name": "定海区消防救援大队", "centreId": gid("Centre", "dinghai"), "reason": "新设"}
    ok(api, "departmentCreate", new)
    delegation = _delegation("ZS-ZJ-002", "dinghai", "dinghai-housing")
    delegation["input"]["coReviewers"] = [{"departmentId": gid("Department", "dinghai-fire"), "limitDays": 5}]
    body = api.gql(op("ServiceItemDelegate"), delegation, as_="admin-xu")
    assert body["data"]["serviceItemDelegate"]["userErrors"] == [], body
    before = _department_history(api, "dinghai-fire")
    value = {"id": gid("Department", "dinghai-fire"), "expectedVersion": 1, "reason": "撤并"}
    ddb_calls.reset()
    payload = run(api, "departmentClose", value)
    assert [(e["code"], e["message"]) for e in payload["userErrors"]] == [
        ("NAMED_BY_ITEMS", "该部门仍被事项列为协办或监管部门:ZS-ZJ-002(承接协办),请先调整事项要素")
    ]
    # The change's reads (head, hierarchy, departments), open cases, review tasks, the reference
    # rows, staff: a fixed set, plus one BatchGetItem for the items the rows name.
    assert dict(ddb_calls.calls) == {"GetItem": 1, "Query": 6, "BatchGetItem": 1}
    assert _department_history(api, "dinghai-fire") == before

    cancel = {"id": gid("ServiceItem", "ZS-ZJ-002"), "expectedVersion": 2, "reason": "事项取消"}
    body = api.gql(op("ServiceItemCancel"), {"input": cancel}, as_="admin-xu")
    assert body["data"]["serviceItemCancel"]["userErrors"] == [], body
    assert ok(api, "departmentClose", value)["status"] == "CLOSED"


def test_seed000_a_district_administrator_manages_its_own_subtree_only(api: Api) -> None:
    district = api.token("admin-dh", ["admin"], department="dinghai-service-office", centre="dinghai")
    base = {"level": "TOWNSHIP", "reason": "新设"}
    for parent in ("putuo", "jintang"):
        value = {**base, "code": f"{parent}-new", "name": "新街道中心", "parentId": gid("Centre", parent)}
        assert refused(api, "centreCreate", value, token=district) == ["OUTSIDE_SCOPE"]
    value = {**base, "code": "dinghai-new", "name": "新街道中心", "parentId": gid("Centre", "dinghai")}
    assert ok(api, "centreCreate", value, token=district)["status"] == "ACTIVE"
    value = {"code": "city-new", "name": "某局", "centreId": gid("Centre", "zs-city"), "reason": "新设"}
    assert refused(api, "departmentCreate", value, token=district) == ["OUTSIDE_SCOPE"]
    value = {"id": gid("Department", "city-market"), "expectedVersion": 1, "reason": "撤"}
    assert refused(api, "departmentClose", value, token=district) == ["OUTSIDE_SCOPE"]


def test_bad_centre_and_department_input_reports_every_problem(api: Api) -> None:
    value = {"code": "Bad Code", "name": "", "level": "TOWNSHIP", "parentId": gid("Centre", "zs-city"), "phone": "x"}
    codes = refused(api, "centreCreate", value)
    assert codes == ["INVALID_CODE", "INVALID_HIERARCHY", "INVALID_PHONE", "REASON_REQUIRED", "REQUIRED"]
    value = {"code": "zs-city", "name": "第二个市中心", "level": "CITY", "reason": "x"}
    assert refused(api, "centreCreate", value) == ["DUPLICATE_ID", "INVALID_HIERARCHY"]
    # 行政审批局 is a department kind: one per centre.
    value = {"code": "city-bureau-2", "name": "第二审批局", "centreId": gid("Centre", "zs-city"), "kind": "BUREAU"}
    assert refused(api, "departmentCreate", {**value, "reason": "x"}) == ["DUPLICATE_BUREAU"]
    value = {"id": gid("Department", "city-market"), "expectedVersion": 7, "name": "x"}
    value |= {"supervisionPhone": "0580-1234567", "kind": "LINE", "reason": "x"}
    assert refused(api, "departmentChange", value) == ["STALE_VERSION"]
    body = api.gql(
        "mutation($input: CentreCreateInput!) { centreCreate(input: $input) { userErrors { code } } }",
        {"input": {"code": "x-1", "name": "x", "level": "TOWNSHIP", "reason": "x"}},
        as_="clerk-li",
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_seed000_a_department_created_by_an_administrator_receives_a_delegated_power(api: Api, clock: Clock) -> None:
    """The seed is only the initial load: an administrator's department is a receiving department."""
    bureau = ok(
        api,
        "departmentCreate",
        {
            "code": "jintang-bureau",
            "name": "金塘管委会行政审批局",
            "centreId": gid("Centre", "jintang"),
            "kind": "BUREAU",
            "supervisionPhone": "0580-8041299",
            "reason": "设立行政审批局(鄂州经验:新区行政审批局)",
        },
    )
    renamed = ok(
        api,
        "departmentChange",
        {
            "id": gid("Department", "jintang-office"),
            "expectedVersion": 1,
            "name": "金塘管委会经济发展局",
            "supervisionPhone": "0580-8041200",
            "kind": "LINE",
            "reason": "机构调整",
        },
    )
    assert bureau["kind"] == "BUREAU" and renamed["version"] == 2
    body = api.gql(op("ServiceItemDelegate"), _delegation("ZS-SCJG-004", "jintang", "jintang-office"), as_="admin-xu")
    assert body["data"]["serviceItemDelegate"]["userErrors"] == [], body
    # Re-running the seed keeps the administrator's changes.
    from infra.seed import apply

    apply(api.seed)
    record = api.gql(DEPT_HISTORY, {"id": gid("Department", "jintang-office")}, as_="admin-xu")["data"]["department"]
    assert record["version"] == 2 and [n["change"] for n in record["history"]["nodes"]] == ["CHANGE", "CREATE"]


def _delegation(code: str, centre: str, lead: str) -> dict[str, Any]:
    return {
        "input": {
            "id": gid("ServiceItem", code),
            "centreId": gid("Centre", centre),
            "leadDepartmentId": gid("Department", lead),
            "expectedVersion": 1,
            "reason": "下放",
        }
    }


def test_seed000_delegation_bad_input(api: Api) -> None:
    """Not subordinate, no receiving department, a department of another centre: all refused."""
    query = op("ServiceItemDelegate")

    def codes(value: dict[str, Any]) -> list[str]:
        body = api.gql(query, value, as_="admin-xu")
        payload = body["data"]["serviceItemDelegate"]
        assert payload["serviceItem"] is None, body
        return sorted(e["code"] for e in payload["userErrors"])

    version = "query($id: ID!) { serviceItem(id: $id) { version history(first: 10) { nodes { number } } } }"

    def record(code: str) -> Any:
        return api.gql(version, {"id": gid("ServiceItem", code)})["data"]["serviceItem"]

    before = record("ZS-SCJG-004"), record("DH-ZJ-002")
    no_lead = _delegation("ZS-SCJG-004", "dinghai", "dinghai-market")
    del no_lead["input"]["leadDepartmentId"]
    assert codes(no_lead) == ["RECEIVING_DEPARTMENT_REQUIRED"]
    assert codes(_delegation("ZS-SCJG-004", "dinghai", "putuo-market")) == ["DEPARTMENT_OUTSIDE_CENTRE"]
    # 定海's own item cannot go to 普陀 (not below 定海).
    assert codes(_delegation("DH-ZJ-002", "putuo", "putuo-market")) == ["NOT_SUBORDINATE_CENTRE"]
    assert (record("ZS-SCJG-004"), record("DH-ZJ-002")) == before  # nothing written, history unchanged
    joint = _delegation("ZS-ZRZY-001", "dinghai", "dinghai-natural-resources")
    assert codes(joint) == ["CO_REVIEWERS_REQUIRED"]
    joint["input"]["coReviewers"] = [
        {"departmentId": gid("Department", "city-housing"), "limitDays": 5},  # kept city co-reviewer
        {"departmentId": gid("Department", "putuo-market"), "limitDays": 5},  # another centre's
    ]
    assert codes(joint) == ["DEPARTMENT_OUTSIDE_CENTRE"]
    joint["input"]["coReviewers"] = [
        {"departmentId": gid("Department", "city-housing"), "limitDays": 5},
        {"departmentId": gid("Department", "dinghai-housing"), "limitDays": 5},
    ]
    body = api.gql(query, joint, as_="admin-xu")
    delegations = body["data"]["serviceItemDelegate"]["serviceItem"]["delegations"]
    assert [(d["leadDepartment"]["id"], [c["department"]["id"] for c in d["coReviewers"]]) for d in delegations] == [
        (
            gid("Department", "dinghai-natural-resources"),
            [gid("Department", d) for d in ("city-housing", "dinghai-housing")],
        )
    ]


def test_organisation_reads_and_refusals_cost_constant_requests(api: Api, ddb_calls: CallCounter) -> None:
    ddb_calls.reset()
    history(api, "zs-city")
    assert dict(ddb_calls.calls) == {"GetItem": 1, "Query": 1}
    ddb_calls.reset()
    api.gql("{ centres(first: 50) { nodes { name status version history(first: 1) { nodes { number } } } } }")
    assert dict(ddb_calls.calls)["Query"] == 1 + 8  # the list, then one history page per centre asked for
    # Closing the busiest centre reads a fixed set of records whatever its size.
    ddb_calls.reset()
    value = {"id": gid("Centre", "dinghai"), "expectedVersion": 1, "reason": "x"}
    assert refused(api, "centreClose", value) == ["HAS_DEPARTMENTS", "HAS_POWERS", "HAS_STAFF", "HAS_SUB_CENTRES"]
    assert dict(ddb_calls.calls) == {"GetItem": 1, "Query": 5}
    ddb_calls.reset()
    value = {"id": gid("Department", "city-market"), "expectedVersion": 1, "reason": "x"}
    refused(api, "departmentClose", value)
    assert dict(ddb_calls.calls) == {"GetItem": 1, "Query": 6, "BatchGetItem": 1}


def test_seed000_a_district_administrator_delegates_only_its_own_powers(api: Api) -> None:
    """Catalogue administration follows the hierarchy too: 定海 delegates its own item to its township."""
    district = api.token("admin-dh", ["admin"], department="dinghai-service-office", centre="dinghai")
    query = op("ServiceItemDelegate")
    body = api.gql(query, _delegation("ZS-SCJG-004", "dinghai", "dinghai-market"), token=district)
    assert [e["code"] for e in body["data"]["serviceItemDelegate"]["userErrors"]] == ["OUTSIDE_SCOPE"]
    body = api.gql(query, _delegation("DH-ZJ-002", "dinghai-baiquan", "baiquan-office"), token=district)
    payload = body["data"]["serviceItemDelegate"]
    assert payload["userErrors"] == [], body
    assert payload["serviceItem"]["delegations"][0]["leadDepartment"]["id"] == gid("Department", "baiquan-office")
