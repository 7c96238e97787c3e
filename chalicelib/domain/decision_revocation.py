"""A false 告知承诺 found before issuance revokes the approval decision (seed 002 三(二), 004 二(四)).

行政许可法 art. 69(2): a licence obtained by deception (here a false pledge) is revoked. When the
certificate was issued, its revocation (registry status REVOKED) is that act. When it was not, the
approval decision itself is revoked: a recorded revocation with its reason and legal basis, the
case ends REVOKED (no certificate can follow), the applicant is told, and the serious credit record
is the same as after issuance — all in the verification's one transaction (the service).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, State, Transition
from chalicelib.domain.approval_on_pledge import REVOCATION_BASIS, DecisionRevocation, PledgeApprovalStatus
from chalicelib.domain.identity import Principal

ACTION = "revoke_decision"


def verify(case: Application, actor: Principal, now: datetime, truthful: bool, findings: str) -> Transition:
    """The pledge's verification; a false one found before issuance also revokes the decision."""
    verified = da.verify_pledge(case, actor, now, truthful, findings)
    approval = verified.case.pledge_approval
    if truthful or case.certificate_id is not None or approval is None:
        return verified
    assert approval.status is PledgeApprovalStatus.FALSE
    at = now.isoformat(timespec="seconds")
    revocation = DecisionRevocation(
        f"告知承诺经核查不实,撤销准予许可决定:{approval.findings}", REVOCATION_BASIS, approval.verified_by or "", at
    )
    revoked = replace(case, state=State.REVOKED, pledge_approval=approval, decision_revocation=revocation)
    reason = f"告知承诺核查不实,依法撤销准予许可决定并记入严重失信:{approval.findings}"
    return da.move(case, revoked, ACTION, actor, at, reason, *verified.effects)
