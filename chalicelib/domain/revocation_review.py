"""Closing a 容缺后补 revocation review while keeping the certificate (seed 002 四(八)).

A certificate issued the same day on a pledge that then lapsed goes under review for revocation
(`domain/deficiency_policy.py`). The bureau that produces the competent centre's certificates ends
the review either by revoking the certificate (`certificateRevoke`, unchanged) or, weighing the
case, by keeping it with a stated reason: this transition. The lapse stays a credit default.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, Code, Transition
from chalicelib.domain.deficiency_policy import keep_certificate
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role

ACTION = "keep_certificate"


def close_keeping_certificate(
    case: Application, actor: Principal, now: datetime, reason: str, issuing_bureau: bool
) -> Transition:
    """`issuing_bureau`: the actor is the bureau that issues the competent centre's certificates
    (its own, or the parent centre's where the centre has none) — decided by the service."""
    who = da.require_role(actor, Role.BUREAU)
    if not issuing_bureau:
        raise DomainError.one(Code.OUTSIDE_CENTRE, "只有办理中心的审批局可以结束证照撤销审查", "id")
    at = now.isoformat(timespec="seconds")
    review = keep_certificate(case.revocation_review, who, reason, at)
    kept = replace(case, revocation_review=review)
    return da.move(case, kept, ACTION, actor, at, f"证照撤销审查结束,保留证照:{review.note}")
