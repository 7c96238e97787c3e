"""Complaints (投诉, seeds 001 and 004: the complaint channel of electronic supervision).

An applicant (or their agent) complains about one of their cases or about a window post; a
supervisor resolves it once, as substantiated or not, with a note. Every step is kept in the
complaint's history (who, when, what), and each complaint counts against the department
concerned: the case's lead department, or the department that staffs the window post.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role

MAX_TEXT = 1000
MAX_NOTE = 1000


class ComplaintCode:
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"
    TARGET_REQUIRED = "TARGET_REQUIRED"
    TEXT_REQUIRED = "TEXT_REQUIRED"
    NOTE_REQUIRED = "NOTE_REQUIRED"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    ALREADY_RESOLVED = "ALREADY_RESOLVED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ComplaintOutcome(StrEnum):
    SUBSTANTIATED = "substantiated"  # 属实
    UNSUBSTANTIATED = "unsubstantiated"  # 不属实


class TargetKind(StrEnum):
    APPLICATION = "application"
    WINDOW_POST = "window_post"


@dataclass(frozen=True)
class Target:
    """What the complaint is about, and who answers for it."""

    kind: TargetKind
    ref: str  # the application id, or `<centre>/<post>` for a window post
    label: str  # tracking code and item name, or the window's name
    department_id: str
    centre_id: str


@dataclass(frozen=True)
class HistoryEntry:
    action: str  # "file" | "resolve"
    by: str
    role: str  # "filer" | "supervisor"
    at: str
    note: str


@dataclass(frozen=True)
class Complaint:
    id: str
    target: Target
    text: str
    filed_by: str
    filed_at: str
    status: ComplaintStatus = ComplaintStatus.OPEN
    outcome: ComplaintOutcome | None = None
    history: tuple[HistoryEntry, ...] = ()


def _text(value: str, code: str, message: str, field: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise DomainError.one(code, message, field)
    if len(text) > limit:
        raise DomainError.one(ComplaintCode.OUT_OF_RANGE, f"内容不能超过{limit}个字符", field)
    return text


def check_text(text: str) -> str:
    return _text(text, ComplaintCode.TEXT_REQUIRED, "请填写投诉内容", "text", MAX_TEXT)


def file(complaint_id: str, target: Target, actor: Principal, text: str, now: datetime) -> Complaint:
    """An authenticated applicant or agent files a complaint (the target is already checked)."""
    if actor.subject is None or actor.is_staff:
        raise DomainError.one(ComplaintCode.FORBIDDEN, "只有申请人或代办员可以投诉")
    body = check_text(text)
    at = now.isoformat(timespec="seconds")
    entry = HistoryEntry("file", actor.subject, "filer", at, body)
    return Complaint(complaint_id, target, body, actor.subject, at, history=(entry,))


def resolve(complaint: Complaint, actor: Principal, outcome: ComplaintOutcome, note: str, now: datetime) -> Complaint:
    """A supervisor settles the complaint once."""
    if not actor.has_any(Role.SUPERVISOR) or actor.subject is None:
        raise DomainError.one(ComplaintCode.FORBIDDEN, "只有监察人员可以处理投诉")
    if complaint.status is ComplaintStatus.RESOLVED:
        raise DomainError.one(ComplaintCode.ALREADY_RESOLVED, "该投诉已处理", "id")
    text = _text(note, ComplaintCode.NOTE_REQUIRED, "请填写处理意见", "note", MAX_NOTE)
    at = now.isoformat(timespec="seconds")
    entry = HistoryEntry(f"resolve:{outcome.value}", actor.subject, "supervisor", at, text)
    return replace(complaint, status=ComplaintStatus.RESOLVED, outcome=outcome, history=(*complaint.history, entry))


PUBLIC_FILER = "public"  # an anonymous feedback form (反馈意见表) at the window's supervision card


def file_public(complaint_id: str, target: Target, text: str, now: datetime) -> Complaint:
    """Seed 001 三(四)3: anyone may give feedback on a window from its public supervision card."""
    body = check_text(text)
    at = now.isoformat(timespec="seconds")
    entry = HistoryEntry("file", PUBLIC_FILER, "filer", at, body)
    return Complaint(complaint_id, target, body, PUBLIC_FILER, at, history=(entry,))


def reply(complaint: Complaint, by: str, text: str, now: datetime) -> Complaint:
    """The window post's holder answers a complaint addressed to the post (kept in its history)."""
    if complaint.target.kind is not TargetKind.WINDOW_POST:
        raise DomainError.one(ComplaintCode.NOT_FOUND, "投诉不存在", "complaintId")
    if complaint.status is ComplaintStatus.RESOLVED:
        raise DomainError.one(ComplaintCode.ALREADY_RESOLVED, "该投诉已处理", "complaintId")
    body = _text(text, ComplaintCode.NOTE_REQUIRED, "请填写答复内容", "text", MAX_NOTE)
    entry = HistoryEntry("reply", by, f"window_post:{complaint.target.ref}", now.isoformat(timespec="seconds"), body)
    return replace(complaint, history=(*complaint.history, entry))
