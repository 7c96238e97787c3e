"""Emergency first handling (先予办理, seed 004 二(三)): the supervisor's authorisation is one
transition of the case; its follow-up is then watched by the deadline sweep like a pledge."""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, Transition
from chalicelib.domain.identity import Principal
from chalicelib.services.applications import ApplicationService


class EmergencyHandlingService:
    def __init__(self, applications: ApplicationService) -> None:
        self.applications = applications

    def authorise(
        self,
        principal: Principal,
        application_id: str,
        reason: str,
        legal_basis: str,
        material_codes: list[str],
        due_on: date,
        key: str | None = None,
    ) -> Application:
        calendar = self.applications.applications.calendar

        def decide(case: Application, now: datetime) -> Transition:
            codes = tuple(material_codes)
            return da.authorise_emergency(case, principal, now, reason, legal_basis, codes, due_on, calendar)

        request = [reason, legal_basis, sorted(material_codes), str(due_on)]
        return self.applications.apply_transition(
            application_id, principal, "applicationEmergencyAuthorise", key, decide, request
        )
