"""The listing summary: what a catalogue page shows of a published item, stored on its listing rows.

Why: a listing row carries the whole item (~10 KB of JSON) so that any selection can be answered
from one Query, but the public catalogue page (graphql/operations/CatalogueBrowse.graphql) shows a
dozen scalars and the owning department and centres. Reading only this summary (a projection of
the row) cuts what DynamoDB returns, botocore parses and we decode by about twenty times
(issue 14 points 2 and 3). It is derived from the item and written with every listing row, so it
can never say something the item does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.catalogue import CentreLevel, ItemKind, ItemStatus, ProjectCategory, ServiceItem, TimeoutRule


@dataclass(frozen=True)
class ListingSummary:
    """Every scalar a service item shows, plus the ids its department and centres resolve from."""

    code: str
    version: int
    status: ItemStatus
    name: str
    kind: ItemKind
    level: CentreLevel
    statutory_limit_days: int
    promised_limit_days: int
    is_joint: bool
    supervision_phone: str
    timeout_rule: TimeoutRule
    confidential: bool
    merged_into: str | None
    project_category: ProjectCategory | None
    is_free: bool
    department_id: str
    supervising_department_id: str
    centre_ids: tuple[str, ...]


def summary_fields(item: ServiceItem) -> dict[str, Any]:
    """The listing summary's fields of `item`, by name: the one mapping from an item to what a page
    shows (`ListingSummary` and the API's `ServiceItem.from_domain` both take it, so they cannot drift)."""
    e = item.elements
    return {
        "code": item.code,
        "version": item.version,
        "status": item.status,
        "name": e.name,
        "kind": e.kind,
        "level": e.level,
        "statutory_limit_days": e.statutory_limit_days,
        "promised_limit_days": e.promised_limit_days,
        "is_joint": e.is_joint,
        "supervision_phone": e.supervision_phone,
        "timeout_rule": e.timeout_rule,
        "confidential": e.confidential,
        "merged_into": item.merged_into,
        "project_category": e.project_category,
        "is_free": not e.fees,
        "department_id": e.department_id,
        "supervising_department_id": e.effective_supervising_department_id,
        "centre_ids": item.centre_ids,
    }


def listing_summary(item: ServiceItem) -> ListingSummary:
    return ListingSummary(**summary_fields(item))
