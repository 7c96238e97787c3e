"""一把手督办 use cases: flag a major project (supervisors), the head's worklist, the flag on cases
and warnings (read through a batch loader: one BatchGetItem per page, only when asked)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import oversight as do
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import MessageKind, make_message
from chalicelib.domain.oversight import Oversight, OversightCode, ProjectKind
from chalicelib.domain.supervision import department_feed
from chalicelib.services import clock
from chalicelib.services.applications import ApplicationService
from chalicelib.services.outbox import Relay
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.oversight_repository import OversightRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork


class OversightService:
    def __init__(
        self,
        catalogue: CatalogueRepository,
        applications: ApplicationService,
        repo: OversightRepository | None = None,
        now: Callable[[], datetime] | None = None,
        relay: Relay | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.applications = applications
        self.repo = repo or OversightRepository()
        self.now = now or (lambda: clock.utc_now())
        self.relay = relay

    def flag(self, principal: Principal, application_id: str, project: ProjectKind, reason: str) -> Oversight:
        if not principal.has_any(Role.SUPERVISOR):
            raise DomainError.one(OversightCode.FORBIDDEN, "只有监察人员可以确定一把手督办项目")
        try:
            case, _ = self.applications.load(application_id, principal)
        except DomainError as error:
            raise DomainError.one(OversightCode.NOT_FOUND, "办件不存在", "applicationId") from error
        department = self.catalogue.get_department(case.lead_department_id)
        head = department.head_staff_id if department else None
        text = do.check(reason, head, case.state in da.OPEN_STATES)
        assert head is not None
        at = self.now().isoformat(timespec="seconds")
        oversight = Oversight(
            case.id,
            case.tracking_code,
            case.item.elements.name,
            case.lead_department_id,
            head,
            project,
            text,
            principal.subject or "",
            at,
        )
        uow = UnitOfWork()
        self.repo.stage(uow, oversight)
        title = f"一把手督办:{oversight.item_name}({oversight.tracking_code})"
        message = make_message(
            MessageKind.WARNING,
            ("oversight", case.id),
            (head, department_feed(case.lead_department_id)),
            title,
            case.id,
            at,
            {"oversight": project.value},
        )
        OutboxRepository().stage(uow, message)
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one(
                    OversightCode.ALREADY_FLAGGED, "该办件已列入一把手督办", "applicationId"
                ) from error
            raise
        (self.relay or Relay()).deliver_soon([message])
        return oversight

    def of_head(self, principal: Principal, first: int, after: str | None) -> Page[Oversight]:
        return self.repo.of_head(principal.subject or "-", first, after)

    def of_cases(self, application_ids: set[str]) -> dict[str, Oversight]:
        return self.repo.of_cases(application_ids)
