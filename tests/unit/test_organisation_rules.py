"""The organisation's pure rules: the hierarchy of seed 000 一, routing by competence (seed 000
三(一)2 在地受理、按职权内部流转) and the changes administrators make."""

from __future__ import annotations

import pytest

from chalicelib.domain import organisation as org
from chalicelib.domain.errors import DomainError

L = org.CentreLevel
CENTRES = {
    "city": org.Centre("city", "市中心", L.CITY, None),
    "dinghai": org.Centre("dinghai", "定海区分中心", L.DISTRICT, "city"),
    "putuo": org.Centre("putuo", "普陀区分中心", L.DISTRICT, "city"),
    "huannan": org.Centre("huannan", "环南街道", L.TOWNSHIP, "dinghai"),
    "station": org.Centre("station", "社区便民服务站", L.COMMUNITY, "huannan"),
}


def ctx(reason: str = "调整", centres: dict[str, org.Centre] | None = None) -> org.OrgContext:
    departments = {
        "city-bureau": org.Department("city-bureau", "市行政审批局", "city", kind=org.DepartmentKind.BUREAU),
        "dh-market": org.Department("dh-market", "定海区市场监督管理局", "dinghai"),
    }
    return org.OrgContext("admin-1", "2026-11-20T02:00:00+00:00", reason, centres or dict(CENTRES), departments)


def codes(error: pytest.ExceptionInfo[DomainError]) -> list[str]:
    return sorted(v.code for v in error.value.violations)


def test_seed000_five_levels_nest_one_below_the_other() -> None:
    org.validate_hierarchy(CENTRES)
    wrong = {**CENTRES, "x": org.Centre("x", "挂错的服务站", L.COMMUNITY, "dinghai")}
    with pytest.raises(DomainError) as error:
        org.validate_hierarchy(wrong)
    assert codes(error) == ["INVALID_HIERARCHY"]
    assert org.subtree("dinghai", CENTRES) == ["dinghai", "huannan", "station"]
    assert org.in_subtree("station", "dinghai", CENTRES) and not org.in_subtree("putuo", "dinghai", CENTRES)


def test_seed000_a_case_goes_to_the_nearest_centre_holding_the_power() -> None:
    assert org.competent_centre("station", {"city"}, CENTRES) == "city"
    assert org.competent_centre("station", {"city", "dinghai"}, CENTRES) == "dinghai"
    assert org.competent_centre("dinghai", {"city", "dinghai"}, CENTRES) == "dinghai"
    assert org.competent_centre("city", {"city", "dinghai"}, CENTRES) == "city"
    with pytest.raises(DomainError) as error:
        org.competent_centre("putuo", {"dinghai"}, CENTRES)  # only a sibling holds it
    assert codes(error) == ["NO_COMPETENT_CENTRE"]
    closed = {**CENTRES, "dinghai": org.Centre("dinghai", "定海", L.DISTRICT, "city", status=org.OrgStatus.CLOSED)}
    assert org.competent_centre("huannan", {"city", "dinghai"}, closed) == "city"  # a closed holder is skipped


def test_routing_loop_is_an_error_not_an_endless_walk() -> None:
    looped = {
        **CENTRES,
        "dinghai": org.Centre("dinghai", "定海", L.DISTRICT, "huannan"),  # corrupt data: a cycle
    }
    with pytest.raises(DomainError) as error:
        org.competent_centre("huannan", {"city"}, looped)
    assert codes(error) == ["ROUTING_LOOP"]
    assert not org.is_subordinate("huannan", "city", looped)


def test_closing_reports_every_blocker_at_once() -> None:
    usage = org.Usage(open_cases=3, sub_centres=("环南街道",), departments=("定海区市场监督管理局",), powers=("DH-1",))
    with pytest.raises(DomainError) as error:
        org.close_centre(CENTRES["dinghai"], usage, ctx(""), expected_version=2)
    assert codes(error) == [
        "HAS_DEPARTMENTS",
        "HAS_OPEN_CASES",
        "HAS_POWERS",
        "HAS_SUB_CENTRES",
        "REASON_REQUIRED",
        "STALE_VERSION",
    ]
    closed = org.close_centre(CENTRES["putuo"], org.Usage(), ctx("撤并"), expected_version=1)
    assert closed.centre.status is org.OrgStatus.CLOSED and closed.centre.version == 2
    assert closed.change is org.OrgChangeKind.CLOSE and closed.actor_id == "admin-1"


def test_one_approval_bureau_per_centre() -> None:
    bureau = org.Department("city-bureau-2", "第二审批局", "city", kind=org.DepartmentKind.BUREAU)
    with pytest.raises(DomainError) as error:
        org.create_department(bureau, ctx())
    assert codes(error) == ["DUPLICATE_BUREAU"]
    district = org.Department("dinghai-bureau", "定海区行政审批局", "dinghai", kind=org.DepartmentKind.BUREAU)
    assert org.create_department(district, ctx()).department.kind is org.DepartmentKind.BUREAU
