"""Who edits a certificate type's template before its handover, through `/graphql`.

Seed 002 四(六): the line department (行业主管部门) owns its templates until it hands them over to the
approval bureau. Before the handover the department's approvers edit it, and catalogue
administrators only within the organisation's scope: of the department's centre or a centre above
it (as after the handover). An administrator of a lower or sibling centre is refused and nothing is
written.
"""

from __future__ import annotations

from typing import Any

from tests import certificate_type_flows as ctf
from tests.conftest import Api, CallCounter
from tests.flows import gid, op

CITY_DEPARTMENT = "city-natural-resources"  # zs-city
DISTRICT_DEPARTMENT = "dinghai-market"  # dinghai, under zs-city
JINTANG_DEPARTMENT = "jintang-office"  # jintang, under zs-city
CITY_ADMIN = "admin-xu"  # zs-city
JINTANG_ADMIN = "admin-jt-cai"  # jintang
DETAIL = "query($code: String!) { certificateType(code: $code) { version changedBy } }"


def _codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def _change(api: Api, code: str, department: str, version: int, as_: str) -> dict[str, Any]:
    value = {
        "id": gid(ctf.NODE, code),
        "expectedVersion": version,
        "template": ctf.template(department, ctf.FACT_FIELDS, name="修订后的许可证"),
        "reason": "修订模板",
    }
    return ctf.payload(api.gql(op("CertificateTypeChange"), {"input": value}, as_=as_), "certificateTypeChange")


def _stored(api: Api, code: str) -> Any:
    return api.gql(DETAIL, {"code": code}, as_="bureau-sun")["data"]["certificateType"]


def test_before_the_handover_only_admins_of_the_departments_centre_or_above_edit_its_template(
    api: Api, ddb_calls: CallCounter
) -> None:
    # A city department's template: the 金塘 administrator may neither define nor change it.
    city = ctf.template(CITY_DEPARTMENT, ctf.FACT_FIELDS)
    refused = ctf.create(api, "ZJ-SCOPE-CITY", city, as_=JINTANG_ADMIN)
    assert _codes(refused) == [(None, "FORBIDDEN")] and refused["certificateType"] is None
    assert "事项管理员" in refused["userErrors"][0]["message"]
    assert _stored(api, "ZJ-SCOPE-CITY") is None  # nothing written
    ddb_calls.reset()
    assert ctf.create(api, "ZJ-SCOPE-CITY", city, as_=CITY_ADMIN)["userErrors"] == []
    # The department (GetItem, read once), the centre hierarchy (Query), the department's items
    # (Query + BatchGetItem), one transaction.
    assert ddb_calls.calls == {"GetItem": 1, "Query": 2, "BatchGetItem": 1, "TransactWriteItems": 1}, ddb_calls.calls
    assert _codes(_change(api, "ZJ-SCOPE-CITY", CITY_DEPARTMENT, 1, JINTANG_ADMIN)) == [(None, "FORBIDDEN")]
    assert _stored(api, "ZJ-SCOPE-CITY") == {"version": 1, "changedBy": CITY_ADMIN}
    assert _change(api, "ZJ-SCOPE-CITY", CITY_DEPARTMENT, 1, "approver-nr-chen")["certificateType"]["version"] == 2

    # A district department's template: the city administrator (above) may, a sibling district's may not.
    district = ctf.template(DISTRICT_DEPARTMENT, ctf.FACT_FIELDS)
    assert _codes(ctf.create(api, "ZJ-SCOPE-DH", district, as_=JINTANG_ADMIN)) == [(None, "FORBIDDEN")]
    assert ctf.create(api, "ZJ-SCOPE-DH", district, as_=CITY_ADMIN)["userErrors"] == []
    assert _codes(_change(api, "ZJ-SCOPE-DH", DISTRICT_DEPARTMENT, 1, JINTANG_ADMIN)) == [(None, "FORBIDDEN")]
    assert _change(api, "ZJ-SCOPE-DH", DISTRICT_DEPARTMENT, 1, CITY_ADMIN)["certificateType"]["version"] == 2

    # 金塘's own department: its administrator may.
    jintang = ctf.template(JINTANG_DEPARTMENT, ctf.FACT_FIELDS)
    assert ctf.create(api, "ZJ-SCOPE-JT", jintang, as_=JINTANG_ADMIN)["userErrors"] == []
    assert _change(api, "ZJ-SCOPE-JT", JINTANG_DEPARTMENT, 1, JINTANG_ADMIN)["certificateType"]["version"] == 2


def test_an_unknown_department_is_reported_as_such_to_an_administrator(api: Api) -> None:
    value = ctf.template("no-such-department", ctf.FACT_FIELDS)
    assert ("departmentId", "UNKNOWN_DEPARTMENT") in _codes(ctf.create(api, "ZJ-SCOPE-NONE", value, as_=JINTANG_ADMIN))
