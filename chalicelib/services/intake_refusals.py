"""Refusal at intake (不予受理) and its 否认报备: the use cases around `domain/intake_refusal.py`.

Each command is one transition of the case (`ApplicationService._apply`: one read, one
transaction with the audit event, worklists, ledger entries and violations). The objection
deadline is counted on the working-day calendar; the unit leader is looked up in the catalogue.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import intake_refusal as ir
from chalicelib.domain.application import Application, Transition
from chalicelib.domain.identity import Principal, Role
from chalicelib.services.applications import ApplicationService
from chalicelib.storage.catalogue_repository import CatalogueRepository


class IntakeRefusalService:
    def __init__(self, applications: ApplicationService, catalogue: CatalogueRepository) -> None:
        self.applications = applications
        self.catalogue = catalogue

    def refuse(
        self,
        principal: Principal,
        application_id: str,
        ground: ir.RefusalGround,
        reason: str,
        legal_basis: str,
        competent_agency: str,
        key: str | None = None,
    ) -> Application:
        calendar = self.applications.applications.calendar

        def decide(case: Application, now: datetime) -> Transition:
            due = calendar.add_working_days(da.china_date(now), ir.OBJECTION_WORKING_DAYS)
            return da.refuse_at_intake(case, principal, now, ground, reason, legal_basis, competent_agency, due)

        request = [str(ground), reason, legal_basis, competent_agency]
        return self.applications.apply_transition(application_id, principal, "intakeRefusalIssue", key, decide, request)

    def object(self, principal: Principal, application_id: str, objection: str, key: str | None = None) -> Application:
        return self.applications.apply_transition(
            application_id,
            principal,
            "intakeRefusalObject",
            key,
            lambda case, now: da.object_to_intake_refusal(case, principal, now, objection),
            [objection],
        )

    def confirm(self, principal: Principal, application_id: str, note: str, key: str | None = None) -> Application:
        return self.applications.apply_transition(
            application_id,
            principal,
            "intakeRefusalConfirm",
            key,
            lambda case, now: da.confirm_intake_refusal(case, principal, now, note, self._is_leader(case, principal)),
            [note],
        )

    def correct(self, principal: Principal, application_id: str, note: str, key: str | None = None) -> Application:
        return self.applications.apply_transition(
            application_id,
            principal,
            "intakeRefusalCorrect",
            key,
            lambda case, now: da.correct_intake_refusal(case, principal, now, note, self._is_leader(case, principal)),
            [note],
        )

    def _is_leader(self, case: Application, principal: Principal) -> bool:
        """The head of the refusing clerk's department (one BatchGetItem), or a supervisor where
        the department records no head."""
        if case.state is not da.State.INTAKE_REFUSAL_REPORTED or not case.intake_refusals:
            return False  # the transition reports the wrong state
        department_id = case.intake_refusals[-1].department_id
        department = self.catalogue.departments_by_id([department_id]).get(department_id) if department_id else None
        head = department.head_staff_id if department else None
        return ir.may_rule(head, principal.subject or "", principal.has_any(Role.SUPERVISOR))
