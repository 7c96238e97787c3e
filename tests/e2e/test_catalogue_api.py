"""Catalogue through `/graphql` (Chalice test client, moto): browsing, detail, administration.

Seed 001 requires every element to be published and browsable; seed 003 requires changes to be
versioned and published; seed 000 lets subordinate centres exercise delegated powers.
"""

from __future__ import annotations

from typing import Any

import pytest
from strawberry import relay

from tests.conftest import Api

BROWSE = """
query($first: Int, $after: String, $centreId: ID, $departmentId: ID, $keyword: String) {
  serviceItems(first: $first, after: $after, centreId: $centreId, departmentId: $departmentId, keyword: $keyword) {
    edges { cursor node { id code name department { id name } centres { id } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

DETAIL = """
query($id: ID!, $version: Int) {
  serviceItem(id: $id, version: $version) {
    code version status name promisedLimitDays statutoryLimitDays isJoint
    materials { code kind legalBasis } coReviewers { limitDays department { name } }
    specialSteps { kind countsTowardLimit } legalBasis supervisionPhone timeoutRule
    history(first: 10) { edges { node { number change reason at } } }
  }
}"""

CREATE = """
mutation($input: ServiceItemCreateInput!) {
  serviceItemCreate(input: $input) {
    serviceItem { id code version status department { id } }
    userErrors { field code message }
  }
}"""


def gid(kind: str, key: str) -> str:
    return str(relay.GlobalID(kind, key))


def codes_of(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def all_codes(api: Api, **variables: Any) -> list[str]:
    """Walk every page; proves cursors neither skip nor repeat items."""
    seen: list[str] = []
    after = None
    while True:
        body = api.gql(BROWSE, {"first": 7, "after": after, **variables})
        connection = body["data"]["serviceItems"]
        seen += [e["node"]["code"] for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return seen
        after = connection["pageInfo"]["endCursor"]


def elements_input(api: Api, **changes: Any) -> dict[str, Any]:
    department = next(d for d in api.seed.departments if d.centre_id == api.seed.centres[0].id)
    value = {
        "name": "测试事项许可",
        "departmentId": gid("Department", department.id),
        "level": "CITY",
        "kind": "COMMITMENT",
        "conditions": ["申请人具有完全民事行为能力"],
        "materials": [
            {
                "code": "M-APPLY",
                "name": "申请表",
                "kind": "PRIMARY",
                "form": "ORIGINAL",
                "legalBasis": "《行政许可法》第二十九条",
            },
            {
                "code": "M-COPY",
                "name": "身份证复印件",
                "kind": "SECONDARY",
                "form": "COPY",
                "legalBasis": "《行政许可法》第三十一条",
            },
        ],
        "procedure": [{"name": "受理", "description": "综合窗口受理"}, {"name": "决定", "description": "作出决定"}],
        "statutoryLimitDays": 20,
        "promisedLimitDays": 2,  # no special step: at most 2 working days (seed 004 二(三))
        "legalBasis": ["《中华人民共和国行政许可法》"],
        "supervisionPhone": "0580-2280000",
        "timeoutRule": "ESCALATE",
    }
    value.update(changes)
    return value


def admin(api: Api) -> str:
    return api.staff_with("admin")


# --- browsing (public) -----------------------------------------------------------------------


def test_seed001_public_catalogue_pages_cover_every_published_item_once(api: Api) -> None:
    codes = all_codes(api)
    assert sorted(codes) == sorted(i.code for i in api.seed.items)
    assert len(codes) == len(set(codes)) >= 15


def test_seed000_delegated_item_is_listed_at_the_subordinate_centre(api: Api) -> None:
    item = next(i for i in api.seed.items if i.delegated_centre_ids)
    centre = item.delegated_centre_ids[0]
    assert item.code in all_codes(api, centreId=gid("Centre", centre))
    body = api.gql(DETAIL, {"id": gid("ServiceItem", item.code)})
    history = body["data"]["serviceItem"]["history"]["edges"]
    assert [e["node"]["change"] for e in history][-1] == "ADD"
    assert "DELEGATE" in [e["node"]["change"] for e in history]


def test_browse_by_department_lists_only_its_items(api: Api) -> None:
    department = api.seed.items[0].elements.department_id
    expected = sorted(i.code for i in api.seed.items if i.elements.department_id == department)
    assert sorted(all_codes(api, departmentId=gid("Department", department))) == expected


def test_keyword_filter_matches_names(api: Api) -> None:
    word = "许可"
    expected = sorted(i.code for i in api.seed.items if word in i.elements.name)
    assert expected, "seed should contain licences"
    assert sorted(all_codes(api, keyword=word)) == expected


def test_seed001_item_detail_shows_every_published_element(api: Api) -> None:
    item = next(i for i in api.seed.items if i.elements.co_reviewers and i.elements.special_steps)
    body = api.gql(DETAIL, {"id": gid("ServiceItem", item.code)})
    assert "errors" not in body, body
    detail = body["data"]["serviceItem"]
    assert detail["code"] == item.code and detail["isJoint"] is True
    assert detail["promisedLimitDays"] == item.elements.promised_limit_days
    assert len(detail["materials"]) == len(item.elements.materials)
    assert all(m["legalBasis"] for m in detail["materials"])
    assert {c["limitDays"] for c in detail["coReviewers"]} == {c.limit_days for c in item.elements.co_reviewers}
    assert all(c["department"]["name"] for c in detail["coReviewers"])


def test_departments_centres_and_node_lookup(api: Api) -> None:
    body = api.gql("{ centres(first: 50) { edges { node { id name level parent { name } } } } }")
    levels = [e["node"]["level"] for e in body["data"]["centres"]["edges"]]
    assert levels[0] == "CITY" and {"DISTRICT", "TOWNSHIP"} <= set(levels)
    department = api.seed.departments[0]
    body = api.gql(
        "query($id: ID!) { node(id: $id) { id ... on Department { name centre { name } } } }",
        {"id": gid("Department", department.id)},
    )
    assert body["data"]["node"]["name"] == department.name


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        (DETAIL, {"id": gid("ServiceItem", "NO-SUCH-ITEM")}, "NOT_FOUND"),
        (DETAIL, {"id": "not-a-global-id"}, "INVALID_ID"),
        (DETAIL, {"id": gid("Department", "x")}, "INVALID_ID"),
        (BROWSE, {"after": "garbage!!"}, "INVALID_CURSOR"),
        (BROWSE, {"first": 101}, "PAGE_LIMIT"),
        (BROWSE, {"first": 0}, "PAGE_LIMIT"),
        (BROWSE, {"keyword": "长" * 51}, "BAD_REQUEST"),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": gid("Centre", "nowhere")}, "NOT_FOUND"),
    ],
)
def test_bad_query_input_gets_a_coded_error(api: Api, query: str, variables: dict[str, Any], code: str) -> None:
    body = api.gql(query, variables)
    assert codes_of(body) == [code], body
    assert body["errors"][0]["message"]  # Chinese explanation, not a stack trace


def test_cursor_from_another_list_is_refused(api: Api) -> None:
    department = api.seed.items[0].elements.department_id
    body = api.gql(BROWSE, {"first": 1, "departmentId": gid("Department", department)})
    cursor = body["data"]["serviceItems"]["pageInfo"]["endCursor"]
    assert codes_of(api.gql(BROWSE, {"first": 1, "after": cursor})) == ["INVALID_CURSOR"]


# --- administration ------------------------------------------------------------------------------


def test_catalogue_mutations_need_an_admin(api: Api) -> None:
    variables = {"input": {"code": "ZS-TEST-001", "elements": elements_input(api), "reason": "新增"}}
    assert codes_of(api.gql(CREATE, variables)) == ["UNAUTHENTICATED"]
    assert codes_of(api.gql(CREATE, variables, as_=api.staff_with("clerk"))) == ["FORBIDDEN"]


def test_seed003_create_change_cancel_are_versioned_and_published(api: Api) -> None:
    who = admin(api)
    body = api.gql(
        CREATE, {"input": {"code": "ZS-TEST-001", "elements": elements_input(api), "reason": "新增事项"}}, as_=who
    )
    payload = body["data"]["serviceItemCreate"]
    assert payload["userErrors"] == [] and payload["serviceItem"]["version"] == 1
    item_id = payload["serviceItem"]["id"]
    assert "ZS-TEST-001" in all_codes(api, keyword="测试事项")

    change = """mutation($input: ServiceItemChangeInput!) { serviceItemChange(input: $input) {
        serviceItem { version promisedLimitDays } userErrors { field code } } }"""
    changed = api.gql(
        change,
        {
            "input": {
                "id": item_id,
                "expectedVersion": 1,
                "elements": elements_input(api, promisedLimitDays=1),
                "reason": "压缩时限",
            }
        },
        as_=who,
    )["data"]["serviceItemChange"]
    assert changed["serviceItem"] == {"version": 2, "promisedLimitDays": 1}
    stale = api.gql(
        change,
        {"input": {"id": item_id, "expectedVersion": 1, "elements": elements_input(api), "reason": "再改"}},
        as_=who,
    )["data"]["serviceItemChange"]
    assert stale["serviceItem"] is None and [e["code"] for e in stale["userErrors"]] == ["STALE_VERSION"]

    history = api.gql(DETAIL, {"id": item_id})["data"]["serviceItem"]["history"]["edges"]
    assert [(e["node"]["number"], e["node"]["change"], e["node"]["reason"]) for e in history] == [
        (2, "CHANGE", "压缩时限"),
        (1, "ADD", "新增事项"),
    ]
    v1 = api.gql(DETAIL, {"id": item_id, "version": 1})["data"]["serviceItem"]
    assert v1["promisedLimitDays"] == 2  # an application keeps the version it was filed under

    cancel = """mutation($input: ServiceItemCancelInput!) { serviceItemCancel(input: $input) {
        serviceItem { status version } userErrors { code } } }"""
    cancelled = api.gql(cancel, {"input": {"id": item_id, "expectedVersion": 2, "reason": "取消"}}, as_=who)
    assert cancelled["data"]["serviceItemCancel"]["serviceItem"] == {"status": "CANCELLED", "version": 3}
    assert "ZS-TEST-001" not in all_codes(api)


def test_invalid_elements_return_all_user_errors_and_write_nothing(api: Api, ddb_calls: Any) -> None:
    bad = elements_input(
        api, name="", promisedLimitDays=30, statutoryLimitDays=20, supervisionPhone="电话", materials=[]
    )
    body = api.gql(CREATE, {"input": {"code": "ZS-BAD-001", "elements": bad, "reason": "新增"}}, as_=admin(api))
    errors = body["data"]["serviceItemCreate"]["userErrors"]
    assert {(e["field"], e["code"]) for e in errors} >= {
        ("elements.name", "REQUIRED"),
        ("elements.promisedLimitDays", "PROMISED_EXCEEDS_STATUTORY"),
        ("elements.supervisionPhone", "INVALID_PHONE"),
        ("elements.materials", "REQUIRED"),
    }
    assert all(e["message"] for e in errors)
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert codes_of(api.gql(DETAIL, {"id": gid("ServiceItem", "ZS-BAD-001")})) == ["NOT_FOUND"]


def test_invalid_department_id_in_input_is_a_user_error(api: Api) -> None:
    bad = elements_input(api, departmentId=gid("Centre", "x"))
    body = api.gql(CREATE, {"input": {"code": "ZS-BAD-002", "elements": bad, "reason": "新增"}}, as_=admin(api))
    errors = body["data"]["serviceItemCreate"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("elements.departmentId", "INVALID_ID")]


def test_duplicate_code_is_refused(api: Api) -> None:
    code = api.seed.items[0].code
    body = api.gql(CREATE, {"input": {"code": code, "elements": elements_input(api), "reason": "新增"}}, as_=admin(api))
    assert [e["code"] for e in body["data"]["serviceItemCreate"]["userErrors"]] == ["DUPLICATE_CODE"]


def test_idempotency_key_makes_a_retried_create_return_the_first_result(api: Api) -> None:
    variables = {
        "input": {"code": "ZS-IDEM-001", "elements": elements_input(api), "reason": "新增", "idempotencyKey": "k-1"}
    }
    first = api.gql(CREATE, variables, as_=admin(api))["data"]["serviceItemCreate"]
    again = api.gql(CREATE, variables, as_=admin(api))["data"]["serviceItemCreate"]
    assert first == again and first["userErrors"] == []
    history = api.gql(DETAIL, {"id": gid("ServiceItem", "ZS-IDEM-001")})["data"]["serviceItem"]["history"]["edges"]
    assert len(history) == 1


def test_seed003_transfer_delegate_merge(api: Api) -> None:
    who = admin(api)
    city = api.seed.centres[0].id
    city_departments = [d.id for d in api.seed.departments if d.centre_id == city]
    for code in ("ZS-T-001", "ZS-T-002"):
        body = api.gql(CREATE, {"input": {"code": code, "elements": elements_input(api), "reason": "新增"}}, as_=who)
        assert body["data"]["serviceItemCreate"]["userErrors"] == []
    original = elements_input(api)["departmentId"]
    target = next(gid("Department", d) for d in city_departments if gid("Department", d) != original)
    transfer = """mutation($input: ServiceItemTransferInput!) { serviceItemTransfer(input: $input) {
        serviceItem { version department { id } } userErrors { code } } }"""
    moved = api.gql(
        transfer,
        {
            "input": {
                "id": gid("ServiceItem", "ZS-T-001"),
                "departmentId": target,
                "expectedVersion": 1,
                "reason": "职能划转",
            }
        },
        as_=who,
    )["data"]["serviceItemTransfer"]
    assert moved["serviceItem"] == {"version": 2, "department": {"id": target}}
    assert "ZS-T-001" in all_codes(api, departmentId=target)
    assert "ZS-T-001" not in all_codes(api, departmentId=original)

    subordinate = next(c.id for c in api.seed.centres if c.parent_id == city)
    receiving = next(d.id for d in api.seed.departments if d.centre_id == subordinate)
    delegate = """mutation($input: ServiceItemDelegateInput!) { serviceItemDelegate(input: $input) {
        serviceItem { centres { id } delegations { centre { id } leadDepartment { id } } } userErrors { code } } }"""
    delegated = api.gql(
        delegate,
        {
            "input": {
                "id": gid("ServiceItem", "ZS-T-002"),
                "centreId": gid("Centre", subordinate),
                "expectedVersion": 1,
                "reason": "下放",
                "leadDepartmentId": gid("Department", receiving),
            }
        },
        as_=who,
    )["data"]["serviceItemDelegate"]
    assert gid("Centre", subordinate) in [c["id"] for c in delegated["serviceItem"]["centres"]]
    assert delegated["serviceItem"]["delegations"] == [
        {"centre": {"id": gid("Centre", subordinate)}, "leadDepartment": {"id": gid("Department", receiving)}}
    ]
    assert "ZS-T-002" in all_codes(api, centreId=gid("Centre", subordinate))

    merge = """mutation($input: ServiceItemMergeInput!) { serviceItemMerge(input: $input) {
        serviceItem { mergedFrom } userErrors { code } } }"""
    merged = api.gql(
        merge,
        {
            "input": {
                "id": gid("ServiceItem", "ZS-T-001"),
                "sourceIds": [gid("ServiceItem", "ZS-T-002")],
                "expectedVersion": 2,
                "reason": "合并",
            }
        },
        as_=who,
    )["data"]["serviceItemMerge"]
    assert merged == {"serviceItem": {"mergedFrom": ["ZS-T-002"]}, "userErrors": []}
    source = api.gql(DETAIL, {"id": gid("ServiceItem", "ZS-T-002")})["data"]["serviceItem"]
    assert source["status"] == "MERGED"
    assert "ZS-T-002" not in all_codes(api)
