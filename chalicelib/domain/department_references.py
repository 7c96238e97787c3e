"""Which departments a catalogue item names, and in which role (seed 000 三(一)2, seed 003 二(二)).

An item names departments in its own elements (the owning lead department, its co-reviewers, the
supervising department of 审管联动) and in each delegation (同权审批: the receiving centre's lead
department and its co-reviewers, which may be kept city departments). Local tunings name none
(only the centre). A department an item still names cannot be closed: new cases would be routed to
a department that no longer exists. Storage keeps one reference row per (department, item),
written in the item's publish transaction, so a closure finds them with one Query.
"""

from __future__ import annotations

from enum import StrEnum

from chalicelib.domain.catalogue import ServiceItem


class DepartmentRole(StrEnum):
    LEAD = "lead"  # owns the item (牵头/实施部门)
    CO_REVIEWER = "co_reviewer"  # 协办部门 of the item itself
    SUPERVISING = "supervising"  # 审管联动: supervises holders after approval
    DELEGATED_LEAD = "delegated_lead"  # exercises a delegated power at a receiving centre
    DELEGATED_CO_REVIEWER = "delegated_co_reviewer"  # co-reviews a delegated power there


EXERCISING = frozenset({DepartmentRole.LEAD, DepartmentRole.DELEGATED_LEAD})

ROLE_LABEL = {
    DepartmentRole.LEAD: "实施",
    DepartmentRole.CO_REVIEWER: "协办",
    DepartmentRole.SUPERVISING: "监管",
    DepartmentRole.DELEGATED_LEAD: "承接实施",
    DepartmentRole.DELEGATED_CO_REVIEWER: "承接协办",
}


def named_departments(item: ServiceItem) -> dict[str, frozenset[DepartmentRole]]:
    """Every department the item's current elements and delegations name, with its roles."""
    roles: dict[str, set[DepartmentRole]] = {}

    def add(department_id: str | None, role: DepartmentRole) -> None:
        if department_id:
            roles.setdefault(department_id, set()).add(role)

    e = item.elements
    add(e.department_id, DepartmentRole.LEAD)
    for co in e.co_reviewers:
        add(co.department_id, DepartmentRole.CO_REVIEWER)
    if e.supervising_department_id != e.department_id:
        add(e.supervising_department_id, DepartmentRole.SUPERVISING)
    for delegation in item.delegations:
        add(delegation.lead_department_id, DepartmentRole.DELEGATED_LEAD)
        for co in delegation.co_reviewers:
            add(co.department_id, DepartmentRole.DELEGATED_CO_REVIEWER)
    return {department: frozenset(r) for department, r in roles.items()}


def roles_of(department_id: str, item: ServiceItem) -> frozenset[DepartmentRole]:
    """The roles `department_id` holds in a published item (none once it is cancelled or merged)."""
    if not item.is_listed:
        return frozenset()
    return named_departments(item).get(department_id, frozenset())


def describe(code: str, roles: frozenset[DepartmentRole]) -> str:
    """`ZS-ZRZY-001(协办)`: an item and what it names the department as, for a refusal message."""
    labels = "、".join(ROLE_LABEL[r] for r in DepartmentRole if r in roles)
    return f"{code}({labels})"
