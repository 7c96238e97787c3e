"""Closing a 容缺后补 revocation review keeping the certificate: one transition of the case
(`domain/revocation_review.py`), committed with its audit event; the worklist rows go with it."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.application import Application, Transition
from chalicelib.domain.identity import Principal
from chalicelib.domain.revocation_review import close_keeping_certificate
from chalicelib.services.applications import ApplicationService


class RevocationReviewService:
    def __init__(self, applications: ApplicationService) -> None:
        self.applications = applications

    def keep(self, principal: Principal, application_id: str, reason: str, key: str | None = None) -> Application:
        def decide(case: Application, now: datetime) -> Transition:
            # The competent centre's bureau, or the one above a centre that has none (it issues there).
            issuing = principal.centre_id == case.handling_centre_id or self.applications._bureau_of_parent_centre(
                case, principal
            )
            return close_keeping_certificate(case, principal, now, reason, issuing)

        return self.applications.apply_transition(
            application_id, principal, "revocationReviewClose", key, decide, [reason]
        )
