"""一把手督办 (seed 004 三(一)): 「对重大工程及招商引资工程,相关部门"一把手"要亲自督办」.

A supervisor marks a case as a major project (重大工程 or 招商引资工程); the head of its lead
department then oversees it personally: the flag shows on the case and on its warnings, and the
case enters the head's own worklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.errors import DomainError, Violation

MAX_REASON = 500


class OversightCode:
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    NO_HEAD = "NO_HEAD"
    CASE_CLOSED = "CASE_CLOSED"
    ALREADY_FLAGGED = "ALREADY_FLAGGED"


class ProjectKind(StrEnum):
    MAJOR = "major"  # 重大工程
    INVESTMENT = "investment"  # 招商引资工程


@dataclass(frozen=True)
class Oversight:
    application_id: str
    tracking_code: str
    item_name: str
    department_id: str
    head_staff_id: str
    project: ProjectKind
    reason: str
    flagged_by: str
    flagged_at: str


def check(reason: str, head_staff_id: str | None, case_open: bool) -> str:
    v: list[Violation] = []
    text = reason.strip()
    if not text:
        v.append(Violation(OversightCode.REQUIRED, "请说明督办事由(重大工程或招商引资项目情况)", "reason"))
    elif len(text) > MAX_REASON:
        v.append(Violation(OversightCode.TOO_LONG, f"督办事由不能超过{MAX_REASON}个字符", "reason"))
    if not head_staff_id:
        v.append(Violation(OversightCode.NO_HEAD, "牵头部门未登记主要负责人,无法督办", "applicationId"))
    if not case_open:
        v.append(Violation(OversightCode.CASE_CLOSED, "办件已办结,无需督办", "applicationId"))
    if v:
        raise DomainError(v)
    return text
