"""Handover of a delegated power (配套服务下放, seed 003 二(二)3).

「市直部门对下放职权正常运行所需的表格文书、系统账号、中介服务名单等支撑要素,在签订备忘录后迅速移交
新区。」 Each delegated power carries a handover record with three parts — forms and document
templates, system accounts for the receiving staff, the intermediary list — each due by a date.
A power delegated by an adjustment memo opens it when the memo is applied; one delegated directly
(`serviceItemDelegate`) when that catalogue change is published: either way the power cannot be
exercised without its supporting elements, so both paths open the same record.
The delegating department hands each part over; the receiving centre confirms receipt. A part not
confirmed by its due date raises a warning to the delegating department (the sweep), once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role

MAX_NOTE = 500
HANDOVER_WORKING_DAYS = 10  # 「迅速移交」: the seed's timetable gives about ten days after the memo


class HandoverPartKind(StrEnum):
    FORMS = "forms"  # 表格文书 (forms and document templates)
    ACCOUNTS = "accounts"  # 系统账号 (system accounts for the receiving staff)
    INTERMEDIARIES = "intermediaries"  # 中介服务名单 (the intermediary list)


PART_LABEL = {
    HandoverPartKind.FORMS: "表格文书",
    HandoverPartKind.ACCOUNTS: "系统账号",
    HandoverPartKind.INTERMEDIARIES: "中介服务名单",
}


class HandoverCode:
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    TOO_LONG = "TOO_LONG"
    NOT_DELIVERED = "NOT_DELIVERED"
    ALREADY_DELIVERED = "ALREADY_DELIVERED"
    ALREADY_CONFIRMED = "ALREADY_CONFIRMED"
    CONFLICT = "CONFLICT"


@dataclass(frozen=True)
class HandoverPart:
    kind: HandoverPartKind
    due_on: date
    delivered_by: str | None = None
    delivered_at: str | None = None
    delivery_note: str = ""
    confirmed_by: str | None = None
    confirmed_at: str | None = None
    confirmation_note: str = ""
    warned: bool = False  # the overdue warning was raised

    def overdue(self, today: date) -> bool:
        return self.confirmed_at is None and self.due_on < today


@dataclass(frozen=True)
class Handover:
    id: str  # <memo id>:<item code>, or DELEGATE-<item version>:<item code> for a direct delegation
    memo_id: str | None  # the adjustment memo that delegated the power (None: delegated directly)
    item_code: str
    item_name: str
    centre_id: str  # the receiving centre
    department_id: str  # the delegating city department
    receiving_department_id: str | None
    parts: tuple[HandoverPart, ...]
    created_at: str
    item_version: int | None = None  # the catalogue version that delegated it directly

    def part(self, kind: HandoverPartKind) -> HandoverPart:
        return next(p for p in self.parts if p.kind is kind)

    def next_warning_day(self) -> date | None:
        """The earliest due date of a part still unconfirmed and unwarned (the sweep acts the day after)."""
        open_days = [p.due_on for p in self.parts if p.confirmed_at is None and not p.warned]
        return min(open_days) if open_days else None


def open_handover(
    memo_id: str | None,
    item_code: str,
    item_name: str,
    centre_id: str,
    department_id: str,
    receiving_department_id: str | None,
    due_on: date,
    at: str,
    item_version: int | None = None,
) -> Handover:
    """The handover of a power delegated by memo `memo_id`, or directly by the catalogue change
    that published `item_version` (exactly one of the two)."""
    if (memo_id is None) == (item_version is None):
        raise ValueError("a handover follows either a memo or a direct delegation")
    origin = memo_id if memo_id is not None else f"DELEGATE-{item_version:06d}"
    parts = tuple(HandoverPart(kind, due_on) for kind in HandoverPartKind)
    return Handover(
        f"{origin}:{item_code}",
        memo_id,
        item_code,
        item_name,
        centre_id,
        department_id,
        receiving_department_id,
        parts,
        at,
        item_version,
    )


def _note(note: str) -> str:
    text = note.strip()
    if len(text) > MAX_NOTE:
        raise DomainError.one(HandoverCode.TOO_LONG, f"说明不能超过{MAX_NOTE}个字符", "note")
    return text


def _with(handover: Handover, part: HandoverPart) -> Handover:
    return replace(handover, parts=tuple(part if p.kind is part.kind else p for p in handover.parts))


def may_deliver(principal: Principal, handover: Handover) -> bool:
    return principal.has_any(Role.REVIEWER, Role.APPROVER) and principal.department_id == handover.department_id


def may_confirm(principal: Principal, handover: Handover) -> bool:
    """The receiving centre: its administrator, or the receiving department's reviewers/approvers."""
    if principal.has_any(Role.ADMIN) and principal.centre_id == handover.centre_id:
        return True
    return (
        handover.receiving_department_id is not None
        and principal.has_any(Role.REVIEWER, Role.APPROVER)
        and principal.department_id == handover.receiving_department_id
    )


def may_read(principal: Principal, handover: Handover) -> bool:
    return principal.has_any(Role.SUPERVISOR) or may_deliver(principal, handover) or may_confirm(principal, handover)


def deliver(handover: Handover, kind: HandoverPartKind, actor: Principal, note: str, now: datetime) -> Handover:
    """The delegating department hands one part over (移交)."""
    if not may_deliver(actor, handover) or actor.subject is None:
        raise DomainError.one(HandoverCode.NOT_FOUND, "移交记录不存在", "id")
    part = handover.part(kind)
    if part.delivered_at is not None:
        raise DomainError.one(HandoverCode.ALREADY_DELIVERED, f"{PART_LABEL[kind]}已移交", "part")
    at = now.isoformat(timespec="seconds")
    return _with(handover, replace(part, delivered_by=actor.subject, delivered_at=at, delivery_note=_note(note)))


def confirm(handover: Handover, kind: HandoverPartKind, actor: Principal, note: str, now: datetime) -> Handover:
    """The receiving centre confirms it received one part (接收确认)."""
    if not may_confirm(actor, handover) or actor.subject is None:
        raise DomainError.one(HandoverCode.NOT_FOUND, "移交记录不存在", "id")
    part = handover.part(kind)
    if part.confirmed_at is not None:
        raise DomainError.one(HandoverCode.ALREADY_CONFIRMED, f"{PART_LABEL[kind]}已确认接收", "part")
    if part.delivered_at is None:
        raise DomainError.one(HandoverCode.NOT_DELIVERED, f"{PART_LABEL[kind]}尚未移交,不能确认接收", "part")
    at = now.isoformat(timespec="seconds")
    return _with(handover, replace(part, confirmed_by=actor.subject, confirmed_at=at, confirmation_note=_note(note)))


def mark_warned(handover: Handover, today: date) -> tuple[Handover, tuple[HandoverPart, ...]]:
    """Every part overdue and not yet warned: marked, and returned for their warnings."""
    due = tuple(p for p in handover.parts if p.overdue(today) and not p.warned)
    updated = handover
    for part in due:
        updated = _with(updated, replace(part, warned=True))
    return updated, due
