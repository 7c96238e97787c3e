"""Catalogue rules: the published elements (seed 001) and versioned changes (seed 003)."""

from __future__ import annotations

import pytest

from chalicelib.domain import catalogue as dc
from chalicelib.domain.errors import DomainError
from tests.factories import CENTRES, DEPARTMENTS, ctx, elements


def codes(error: pytest.ExceptionInfo[DomainError]) -> set[str]:
    return {v.code for v in error.value.violations}


def test_seed001_valid_item_publishes_version_one_with_who_when_why() -> None:
    version = dc.add_item("ZS-NR-001", elements(), ctx("新增事项"))
    assert version.item.version == 1
    assert version.change is dc.ChangeKind.ADD
    assert (version.actor_id, version.reason) == ("admin-1", "新增事项")
    assert version.item.home_centre_id == "city"
    assert version.item.elements.is_joint


def test_seed001_every_missing_element_is_reported_at_once() -> None:
    bad = elements(name="", conditions=(), materials=(), procedure=(), legal_basis=(), supervision_phone="x")
    with pytest.raises(DomainError) as error:
        dc.validate_elements(bad, DEPARTMENTS)
    fields = {v.field for v in error.value.violations}
    assert {
        "elements.name",
        "elements.conditions",
        "elements.materials",
        "elements.procedure",
        "elements.legalBasis",
        "elements.supervisionPhone",
    } <= fields


def test_seed001_promised_limit_cannot_exceed_statutory_limit() -> None:
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(promised_limit_days=25), DEPARTMENTS)
    assert dc.CatalogueCode.PROMISED_EXCEEDS_STATUTORY in codes(error)


def test_seed001_immediate_item_is_decided_at_the_window() -> None:
    immediate = elements(kind=dc.ItemKind.IMMEDIATE, promised_limit_days=3, co_reviewers=(), special_steps=())
    with pytest.raises(DomainError) as error:
        dc.validate_elements(immediate, DEPARTMENTS)
    assert codes(error) == {dc.CatalogueCode.IMMEDIATE_ITEM_LIMIT}
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(kind=dc.ItemKind.IMMEDIATE, promised_limit_days=0), DEPARTMENTS)
    assert dc.CatalogueCode.IMMEDIATE_ITEM_JOINT in codes(error)


def test_seed001_needs_a_primary_material_and_each_material_a_legal_basis() -> None:
    secondary_only = tuple(
        dc.Material(m.code, m.name, dc.MaterialKind.SECONDARY, m.form, m.legal_basis) for m in elements().materials
    )
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(materials=secondary_only), DEPARTMENTS)
    assert dc.CatalogueCode.NO_PRIMARY_MATERIAL in codes(error)
    no_basis = (dc.Material("M-A", "申请表", dc.MaterialKind.PRIMARY, dc.MaterialForm.ORIGINAL, " "),)
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(materials=no_basis), DEPARTMENTS)
    assert "elements.materials[0].legalBasis" in {v.field for v in error.value.violations}


def test_seed004_joint_review_co_reviewers_have_own_limit_within_promised_limit() -> None:
    too_long = (dc.CoReviewer("housing", 11),)
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(co_reviewers=too_long), DEPARTMENTS)
    assert codes(error) == {dc.CatalogueCode.CO_REVIEWER_LIMIT}
    lead_as_co = (dc.CoReviewer("nr", 3),)
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(co_reviewers=lead_as_co), DEPARTMENTS)
    assert codes(error) == {dc.CatalogueCode.CO_REVIEWER_IS_LEAD}
    unknown = (dc.CoReviewer("nowhere", 3),)
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(co_reviewers=unknown), DEPARTMENTS)
    assert codes(error) == {dc.CatalogueCode.UNKNOWN_DEPARTMENT}


def test_fees_need_a_basis_and_non_negative_amount() -> None:
    fees = (dc.Fee("工本费", -1, ""),)
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(fees=fees), DEPARTMENTS)
    assert {"elements.fees[0].amountFen", "elements.fees[0].basis"} <= {v.field for v in error.value.violations}


def test_seed003_change_creates_next_version_and_checks_expected_version() -> None:
    v1 = dc.add_item("ZS-NR-001", elements(), ctx())
    v2 = dc.change_item(v1.item, elements(promised_limit_days=8), ctx("压缩承诺时限"), expected_version=1)
    assert v2.item.version == 2 and v2.change is dc.ChangeKind.CHANGE
    assert v2.item.elements.promised_limit_days == 8
    with pytest.raises(DomainError) as error:
        dc.change_item(v2.item, elements(), ctx(), expected_version=1)
    assert codes(error) == {dc.CatalogueCode.STALE_VERSION}


def test_seed003_change_needs_a_reason() -> None:
    v1 = dc.add_item("ZS-NR-001", elements(), ctx())
    with pytest.raises(DomainError) as error:
        dc.change_item(v1.item, elements(), ctx(reason="  "), expected_version=1)
    assert codes(error) == {dc.CatalogueCode.REASON_REQUIRED}


def test_seed003_cancelled_item_cannot_change_again() -> None:
    v1 = dc.add_item("ZS-NR-001", elements(), ctx())
    cancelled = dc.cancel_item(v1.item, ctx("事项取消"), expected_version=1)
    assert cancelled.item.status is dc.ItemStatus.CANCELLED and not cancelled.item.is_listed
    with pytest.raises(DomainError) as error:
        dc.change_item(cancelled.item, elements(), ctx(), expected_version=2)
    assert codes(error) == {dc.CatalogueCode.ITEM_NOT_PUBLISHED}


def test_seed003_transfer_moves_owner_and_refuses_same_department() -> None:
    v1 = dc.add_item("ZS-NR-001", elements(co_reviewers=()), ctx())
    moved = dc.transfer_item(v1.item, "housing", ctx("职能划转"), expected_version=1)
    assert moved.item.elements.department_id == "housing" and moved.change is dc.ChangeKind.TRANSFER
    with pytest.raises(DomainError) as error:
        dc.transfer_item(moved.item, "housing", ctx(), expected_version=2)
    assert codes(error) == {dc.CatalogueCode.SAME_DEPARTMENT}


def test_seed000_delegation_goes_down_the_hierarchy_only() -> None:
    v1 = dc.add_item("ZS-NR-001", elements(), ctx())
    # 同权审批: the receiving centre's department leads; joint review keeps a named city department.
    keep = (dc.CoReviewer("housing", 5), dc.CoReviewer("jt-fire", 5))
    delegated = dc.delegate_item(
        v1.item, "jintang", ctx("下放金塘"), expected_version=1, lead_department_id="jt-office", co_reviewers=keep
    )
    assert delegated.item.centre_ids == ("city", "jintang")
    assert delegated.item.elements == v1.item.elements  # same authority, same elements
    assert delegated.item.delegation_at("jintang") == dc.Delegation("jintang", "jt-office", keep)
    with pytest.raises(DomainError) as error:
        dc.delegate_item(delegated.item, "jintang", ctx(), expected_version=2, lead_department_id="jt-office")
    assert dc.CatalogueCode.ALREADY_DELEGATED in codes(error)
    district_item = dc.add_item(
        "ZS-DH-001",
        elements(department_id="dh-market", level=dc.CentreLevel.DISTRICT, co_reviewers=()),
        ctx(),
    )
    with pytest.raises(DomainError) as error:
        dc.delegate_item(district_item.item, "jintang", ctx(), expected_version=1, lead_department_id="jt-office")
    assert codes(error) == {dc.CatalogueCode.NOT_SUBORDINATE_CENTRE}
    assert dc.delegate_item(
        district_item.item, "huannan", ctx(), expected_version=1, lead_department_id="hn-office"
    ).item.centre_ids == ("dinghai", "huannan")


def test_seed000_delegation_names_receiving_departments_all_problems_at_once() -> None:
    v1 = dc.add_item("ZS-NR-001", elements(), ctx()).item
    with pytest.raises(DomainError) as error:
        dc.delegate_item(v1, "jintang", ctx(), expected_version=1, lead_department_id="")
    assert codes(error) == {dc.CatalogueCode.RECEIVING_DEPARTMENT_REQUIRED, dc.CatalogueCode.CO_REVIEWERS_REQUIRED}
    outside = (dc.CoReviewer("dh-market", 5), dc.CoReviewer("jt-office", 5), dc.CoReviewer("ghost", 5))
    with pytest.raises(DomainError) as error:
        dc.delegate_item(v1, "jintang", ctx(), 1, lead_department_id="dh-market", co_reviewers=outside)
    fields = {(v.field, v.code) for v in error.value.violations}
    assert fields == {
        ("leadDepartmentId", dc.CatalogueCode.DEPARTMENT_OUTSIDE_CENTRE),
        ("coReviewers[0].departmentId", dc.CatalogueCode.DEPARTMENT_OUTSIDE_CENTRE),
        ("coReviewers[2].departmentId", dc.CatalogueCode.UNKNOWN_DEPARTMENT),
    }


def test_seed003_merge_closes_sources_and_records_them_on_the_target() -> None:
    a = dc.add_item("ZS-NR-001", elements(), ctx()).item
    b = dc.add_item("ZS-NR-002", elements(name="乡村建设规划许可"), ctx()).item
    merged, closed = dc.merge_items(a, [b], ctx("事项合并"), expected_version=1)
    assert merged.item.merged_from == ("ZS-NR-002",)
    assert closed[0].item.status is dc.ItemStatus.MERGED and closed[0].item.merged_into == "ZS-NR-001"
    with pytest.raises(DomainError) as error:
        dc.merge_items(a, [a], ctx(), expected_version=1)
    assert codes(error) == {dc.CatalogueCode.MERGE_SELF}


def test_item_level_must_match_owning_department_centre() -> None:
    with pytest.raises(DomainError) as error:
        dc.add_item("ZS-NR-001", elements(level=dc.CentreLevel.DISTRICT), ctx())
    assert codes(error) == {dc.CatalogueCode.LEVEL_MISMATCH}


def test_seed000_centre_hierarchy_city_district_township() -> None:
    dc.validate_hierarchy(CENTRES)
    broken = dict(CENTRES)
    broken["huannan"] = dc.Centre("huannan", "环南", dc.CentreLevel.TOWNSHIP, "city")
    with pytest.raises(DomainError) as error:
        dc.validate_hierarchy(broken)
    assert codes(error) == {dc.CatalogueCode.INVALID_HIERARCHY}


def test_invalid_code_rejected() -> None:
    with pytest.raises(DomainError) as error:
        dc.add_item("bad code", elements(), ctx())
    assert codes(error) == {dc.CatalogueCode.INVALID_CODE}


def test_joint_items_have_at_most_the_co_reviewers_one_transaction_holds() -> None:
    """The bound keeps every change of a joint case within one transaction (domain/transaction_budget.py)."""
    from dataclasses import replace

    from chalicelib.domain import catalogue as dc
    from infra.seed import load

    data = load()
    item = next(i for i in data.items if i.code == "ZS-ZRZY-001")
    departments = {d.id: d for d in data.departments}
    others = [d.id for d in data.departments if d.id != item.elements.department_id]
    many = tuple(dc.CoReviewer(others[i % len(others)], 5) for i in range(dc.MAX_CO_REVIEWERS + 1))
    with pytest.raises(DomainError) as raised:
        dc.validate_elements(replace(item.elements, co_reviewers=many), departments)
    found = {(v.field, v.code): v.message for v in raised.value.violations}
    assert (
        f"协办部门最多{dc.MAX_CO_REVIEWERS}个"
        in found[("elements.coReviewers", dc.CatalogueCode.TRANSACTION_TOO_LARGE)]
    )
    every_other = tuple(dc.CoReviewer(d, 5) for d in others[: dc.MAX_CO_REVIEWERS])
    dc.validate_elements(replace(item.elements, co_reviewers=every_other), departments)


def test_the_co_reviewer_bound_is_computed_from_the_transaction_limit() -> None:
    from chalicelib.domain import catalogue as dc
    from chalicelib.domain import delegation as dd
    from chalicelib.domain import transaction_budget as tb
    from chalicelib.storage.unit_of_work import MAX_ITEMS

    bound = tb.max_co_reviewers()
    assert tb.worst_case_writes(bound) <= tb.TRANSACTION_LIMIT == MAX_ITEMS == 100
    assert tb.worst_case_writes(bound + 1) > tb.TRANSACTION_LIMIT
    assert dc.MAX_CO_REVIEWERS == dd.MAX_CO_REVIEWERS == bound == 12
    assert tb.worst_case_writes(3) - tb.worst_case_writes(2) == 6  # three projections, deleted and rewritten


def test_seed002_approval_on_pledge_terms_are_validated_all_at_once() -> None:
    """告知承诺制 terms: a verification period, a bar period and the liability, on a commitment item."""
    good = dc.ApprovalOnPledgeTerms(10, 365, "虚假承诺的,撤销许可并记入严重失信记录")
    dc.validate_elements(elements(approval_on_pledge=good), DEPARTMENTS)
    bad = elements(
        kind=dc.ItemKind.IMMEDIATE,
        promised_limit_days=0,
        co_reviewers=(),
        special_steps=(),
        approval_on_pledge=dc.ApprovalOnPledgeTerms(0, 5000, " "),
    )
    with pytest.raises(DomainError) as error:
        dc.validate_elements(bad, DEPARTMENTS)
    fields = {(v.field, v.code) for v in error.value.violations}
    assert fields == {
        ("elements.approvalOnPledge.verificationDays", dc.CatalogueCode.OUT_OF_RANGE),
        ("elements.approvalOnPledge.barDays", dc.CatalogueCode.OUT_OF_RANGE),
        ("elements.approvalOnPledge.liability", dc.CatalogueCode.REQUIRED),
        ("elements.approvalOnPledge", dc.CatalogueCode.IMMEDIATE_ITEM_JOINT),
    }
