"""Handover use cases (seed 003 二(二)3): deliver and confirm parts, list handovers, and the sweep
that warns the delegating department of parts not confirmed by their due date.

Handover records are opened by `stage_opening`, in the same transaction as the delegation they
support: when an adjustment memo is applied (services/delegation.py) and when a power is delegated
directly (`serviceItemDelegate`, services/catalogue.py), so both paths behave the same.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import handover as dh
from chalicelib.domain.catalogue import ItemVersion
from chalicelib.domain.errors import DomainError
from chalicelib.domain.handover import HANDOVER_WORKING_DAYS, Handover, HandoverCode, HandoverPartKind, open_handover
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.supervision import DeadlineKind, SupervisionWarning, WarningLevel, department_feed
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services import clock
from chalicelib.services.outbox import Relay
from chalicelib.storage.counterpart_repository import warning_copy
from chalicelib.storage.handover_repository import HandoverRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.supervision_repository import SupervisionRepository
from chalicelib.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
MAX_PER_RUN = 1000


class HandoverService:
    def __init__(self, repo: HandoverRepository | None = None, now: Callable[[], datetime] | None = None) -> None:
        self.repo = repo or HandoverRepository()
        self.now = now or (lambda: clock.utc_now())

    def load(self, principal: Principal, handover_id: str) -> tuple[Handover, int]:
        found = self.repo.get(handover_id)
        if found is None or not dh.may_read(principal, found[0]):
            raise DomainError.one(HandoverCode.NOT_FOUND, "移交记录不存在", "id")
        return found

    def _change(
        self, principal: Principal, handover_id: str, rule: Callable[[Handover, datetime], Handover]
    ) -> Handover:
        handover, rev = self.load(principal, handover_id)
        changed = rule(handover, self.now())
        uow = UnitOfWork()
        self.repo.stage(uow, changed, rev)
        uow.commit()
        return changed

    def deliver(self, principal: Principal, handover_id: str, part: HandoverPartKind, note: str) -> Handover:
        return self._change(principal, handover_id, lambda h, now: dh.deliver(h, part, principal, note, now))

    def confirm(self, principal: Principal, handover_id: str, part: HandoverPartKind, note: str) -> Handover:
        return self._change(principal, handover_id, lambda h, now: dh.confirm(h, part, principal, note, now))

    def list(
        self, principal: Principal, department_id: str | None, centre_id: str | None, first: int, after: str | None
    ) -> Page[Handover]:
        """A delegating department's handovers (its staff), or a receiving centre's (its staff)."""
        oversight = principal.has_any(Role.SUPERVISOR)
        if department_id is not None:
            if not (oversight or principal.department_id == department_id):
                raise DomainError.one(HandoverCode.FORBIDDEN, "只能查看本部门的移交记录", "departmentId")
            return self.repo.of_department(department_id, first, after)
        if centre_id is not None:
            if not (oversight or principal.centre_id == centre_id):
                raise DomainError.one(HandoverCode.FORBIDDEN, "只能查看本中心的移交记录", "centreId")
            return self.repo.of_centre(centre_id, first, after)
        raise DomainError.one(HandoverCode.FORBIDDEN, "请指定部门或中心", "departmentId")


def stage_opening(uow: UnitOfWork, version: ItemVersion, centre_id: str, memo_id: str | None = None) -> Handover:
    """Open the handover of the power `version` delegates to `centre_id` (seed 003 二(二)3): each
    part due 10 working days after the delegation, from the delegating department to the
    receiving department named by the delegation. `memo_id` when an adjustment memo delegated it;
    otherwise the record names the catalogue version of the direct delegation."""
    item = version.item
    delegation = item.delegation_at(centre_id)
    due = DEFAULT_CALENDAR.add_working_days(da.china_date(datetime.fromisoformat(version.at)), HANDOVER_WORKING_DAYS)
    handover = open_handover(
        memo_id,
        item.code,
        item.elements.name,
        centre_id,
        item.elements.department_id,
        delegation.lead_department_id if delegation else None,
        due,
        version.at,
        None if memo_id is not None else item.version,
    )
    HandoverRepository().stage(uow, handover, None)
    return handover


def sweep_handovers(repo: HandoverRepository, now: datetime, relay: Relay) -> Counter[str]:
    """Parts not confirmed by their due date: one red warning each to the delegating department."""
    today = da.china_date(now)
    at = now.isoformat(timespec="seconds")
    done: Counter[str] = Counter()
    handled: set[str] = set()
    while len(handled) < MAX_PER_RUN:
        batch = [e for e in repo.due(today) if e.application_id not in handled]
        if not batch:
            break
        for entry in batch:
            handled.add(entry.application_id)
            found = repo.get(entry.application_id)
            if found is None:
                done["missing"] += 1
                continue
            handover, rev = found
            updated, overdue = dh.mark_warned(handover, today)
            uow = UnitOfWork()
            repo.stage(uow, updated, rev)
            messages = [_stage_warning(uow, handover, part, at) for part in overdue]
            try:
                uow.commit()
            except DomainError as error:
                log.warning("handover sweep skipped %s (%s): retried next run", handover.id, error)
                done["conflict"] += 1
                continue
            relay.deliver_soon(messages)
            done["handover_overdue" if overdue else "handover_refiled"] += len(overdue) or 1
    return done


def _stage_warning(uow: UnitOfWork, handover: Handover, part: dh.HandoverPart, at: str) -> Message:
    warning = SupervisionWarning(
        handover.id,
        handover.item_code,
        f"{handover.item_name}{dh.PART_LABEL[part.kind]}移交",
        DeadlineKind.HANDOVER,
        part.kind.value,
        WarningLevel.RED,
        part.due_on,
        handover.department_id,
        (department_feed(handover.department_id),),
        at,
    )
    SupervisionRepository().stage_warning(uow, warning)
    warning_copy(uow, handover.department_id, warning)
    message = make_message(
        MessageKind.WARNING,
        (warning.subject_id, warning.key),
        warning.recipients,
        warning.title,
        warning.subject_id,
        at,
        {"level": "red", "deadline": DeadlineKind.HANDOVER.value, "dueOn": part.due_on.isoformat()},
    )
    OutboxRepository().stage(uow, message)
    return message
