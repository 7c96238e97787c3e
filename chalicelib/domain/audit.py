"""The audit trail's hash chain: each event carries the hash of the one before it.

An event's hash covers its own content and the previous hash, so changing, removing or
reordering any stored event breaks every hash after it; `verify_chain` finds the first break.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

GENESIS = "0" * 64


class EventAction(StrEnum):
    """Every kind of step a case's audit trail records: a closed set the API shows as an enum.

    `tests/unit/test_event_actions.py` finds every action the code writes and fails when one is
    missing here, so a new transition cannot reach the trail without a name clients know.
    """

    FILE = "file"
    ACCEPT = "accept"
    ACCEPT_WITH_DEFICIENCY = "accept_with_deficiency"
    DEEMED_ACCEPT = "deemed_accept"
    ISSUE_NOTICE = "issue_notice"
    SUPPLEMENT = "supplement"
    WITHDRAW = "withdraw"
    REVIEW = "review"
    DEEM_CONSENT = "deem_consent"
    RECORD_MEETING = "record_meeting"
    START_SPECIAL_STEP = "start_special_step"
    END_SPECIAL_STEP = "end_special_step"
    GRANT_EXTENSION = "grant_extension"
    APPROVE = "approve"
    REPORT_REJECTION = "report_rejection"
    CONFIRM_REJECTION = "confirm_rejection"
    CORRECT_REJECTION = "correct_rejection"
    DEEMED_APPROVAL = "deemed_approval"
    ESCALATE = "escalate"
    PLEDGE_BROKEN = "pledge_broken"
    ISSUE_CERTIFICATE = "issue_certificate"
    REISSUE_CERTIFICATE = "reissue_certificate"
    DELIVER_CERTIFICATE = "deliver_certificate"
    REVOKE_CERTIFICATE = "revoke_certificate"
    CHANGE_CERTIFICATE_STATUS = "change_status_of_certificate"  # the seven-status licence model
    CANCEL_CERTIFICATE_STATUS_CHANGE = "cancel_status_change_of_certificate"  # a scheduled change withdrawn
    RETIMESTAMP_CERTIFICATE = "retimestamp_certificate"  # a new archival time-stamp (domain/archival_timestamp.py)
    DEADLINE_RECOMPUTED = "deadline_recomputed"
    REFUSE_INTAKE = "refuse_intake"
    OBJECT_INTAKE_REFUSAL = "object_intake_refusal"
    CONFIRM_INTAKE_REFUSAL = "confirm_intake_refusal"
    CORRECT_INTAKE_REFUSAL = "correct_intake_refusal"
    ISSUE_PLEDGE_NOTICE = "issue_pledge_notice"
    ACCEPT_ON_PLEDGE = "accept_on_pledge"
    VERIFY_PLEDGE = "verify_pledge"
    PLEDGE_FALSE = "pledge_false"
    PLEDGE_VERIFICATION_OVERDUE = "pledge_verification_overdue"
    DECIDE_AT_WINDOW = "decide_at_window"
    ACCEPT_EMERGENCY = "accept_emergency"
    REFER = "refer"  # 上报件 (domain/referral.py), written through `application.move`
    REFERRAL_RESULT = "referral_result"
    KEEP_CERTIFICATE = "keep_certificate"  # 容缺后补 revocation review closed keeping the certificate
    REVOKE_DECISION = "revoke_decision"  # 告知承诺 found false before issuance: the approval is revoked
    DEEMED_RENEWAL = "deemed_renewal"  # 延续 undecided when the licence ended: deemed granted (art. 50)


@dataclass(frozen=True)
class Event:
    """One transition of a case: who (actor, role, and the window post they act from), when,
    from/to state, why."""

    seq: int
    at: str
    action: str
    actor: str
    role: str
    from_state: str | None
    to_state: str
    reason: str
    prev_hash: str
    hash: str
    post: str = ""  # `<centre>/<post>`; empty for back-office staff, applicants and the system
    # Set when the actor acted as AB backup (顶岗) for `post`: their own A post, "-" if they hold none.
    acting_as: str = ""


def event_hash(
    prev_hash: str,
    seq: int,
    at: str,
    action: str,
    actor: str,
    role: str,
    from_state: str | None,
    to_state: str,
    reason: str,
    post: str = "",
    acting_as: str = "",
) -> str:
    fields: list[object] = [prev_hash, seq, at, action, actor, role, from_state, to_state, reason]
    if post:  # events written before posts were recorded keep their hashes
        fields.append(post)
    if acting_as:  # likewise for the AB backup's own post
        fields.append(["acting_as", acting_as])
    body = json.dumps(
        fields,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def make_event(
    prev_hash: str,
    seq: int,
    at: str,
    action: str,
    actor: str,
    role: str,
    from_state: str | None,
    to_state: str,
    reason: str,
    post: str = "",
    acting_as: str = "",
) -> Event:
    digest = event_hash(prev_hash, seq, at, action, actor, role, from_state, to_state, reason, post, acting_as)
    return Event(seq, at, action, actor, role, from_state, to_state, reason, prev_hash, digest, post, acting_as)


def rehash(event: Event, prev_hash: str) -> str:
    """The hash `event` should carry after `prev_hash`: the same fields `make_event` hashes."""
    return event_hash(
        prev_hash,
        event.seq,
        event.at,
        event.action,
        event.actor,
        event.role,
        event.from_state,
        event.to_state,
        event.reason,
        event.post,
        event.acting_as,
    )


@dataclass(frozen=True)
class ChainCheck:
    intact: bool
    events: int
    broken_at: int | None
    head_hash: str


def verify_chain(events: Sequence[Event], expected_head: str | None = None) -> ChainCheck:
    """Recompute every hash in order; `expected_head` (stored on the case) catches truncation."""
    prev = GENESIS
    for index, event in enumerate(events, start=1):
        recomputed = rehash(event, prev)
        if event.seq != index or event.prev_hash != prev or event.hash != recomputed:
            return ChainCheck(False, len(events), index, prev)
        prev = event.hash
    if expected_head is not None and expected_head != prev:
        return ChainCheck(False, len(events), len(events) + 1, prev)
    return ChainCheck(True, len(events), None, prev)
