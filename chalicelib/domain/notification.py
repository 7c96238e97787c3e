"""Notifications: what the outbox carries to people, departments and other systems.

A message is created in the same transaction as the change that causes it (a warning, a
certificate issued, a bad rating) and delivered afterwards by the outbox relay. Its id is
derived from its cause, so the same cause can never create it twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class MessageKind(StrEnum):
    WARNING = "warning"  # 电子监察 yellow/red warnings
    RESULT_PUSH = "result_push"  # 审管联动: a certificate issued, revoked or superseded
    RECTIFICATION = "rectification"  # a bad rating opened a rectification task
    COMPLAINT = "complaint"  # a complaint was filed or resolved
    DELEGATED_DECISION = "delegated_decision"  # seed 003 二(五)3: a decision on a delegated power
    OVERSIGHT = "oversight"  # seed 003 二(六): a rectification opinion or letter to a receiving centre
    REVOCATION_REVIEW = "revocation_review"  # 容缺后补 pledge lapsed: the certificate is under review
    DECISION_REVOKED = "decision_revoked"  # 告知承诺 found false before issuance: the approval revoked
    BULLETIN = "bulletin"  # 通报: a unit's or a person's lapse made public (seed 004)
    RESPONSIBILITY_FILING = "responsibility_filing"  # 责任分工报市直对口部门备案 (seed 003)
    RENEWAL_DEEMED_GRANTED = "renewal_deemed_granted"  # 延续 deemed granted at expiry (art. 50)


@dataclass(frozen=True)
class Message:
    id: str
    kind: MessageKind
    recipients: tuple[str, ...]  # staff or applicant ids, or `department:<id>` feeds
    title: str
    subject_id: str  # the application, certificate, rating or complaint concerned
    created_at: str
    data: dict[str, str] = field(default_factory=dict)


def message_id(*cause: str) -> str:
    """Deterministic: one cause, one message (the outbox refuses a second one)."""
    return hashlib.sha256("|".join(cause).encode()).hexdigest()[:32]


def make_message(
    kind: MessageKind,
    cause: tuple[str, ...],
    recipients: tuple[str, ...],
    title: str,
    subject_id: str,
    at: str,
    data: dict[str, str] | None = None,
) -> Message:
    unique = tuple(dict.fromkeys(r for r in recipients if r))
    return Message(message_id(kind.value, *cause), kind, unique, title, subject_id, at, dict(data or {}))
