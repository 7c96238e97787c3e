"""City counterpart oversight use cases (seed 003 二(五)3, 二(六)).

The monitoring view (open delegated cases, warnings) is read from projections written with the
cases and the sweep. Inspections, rectification opinions, answers and letters are one transaction
each: the inspection (replaced at the revision read), its due-date projections, the outbox message
to the other side and, where a due date lapsed, the violation. The sweep raises the yellow warning
before a demand's due date and, the day after it passes, marks it overdue with a red warning and
the violation of the receiving department; running it twice changes nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta

from chalicelib.domain import application as da
from chalicelib.domain import counterpart as dcp
from chalicelib.domain import supervision as ds
from chalicelib.domain.counterpart import CounterpartCode, CounterpartEntry, Demand, OversightInspection
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.supervision import SupervisionWarning, WarningLevel
from chalicelib.services import clock
from chalicelib.services.outbox import Relay
from chalicelib.storage.application_repository import DueEntry
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.counterpart_repository import DUE_RED, DUE_YELLOW, CounterpartRepository, warning_copy
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

log = logging.getLogger(__name__)
MAX_PER_KIND = 1000
RECORD = "oversightInspectionRecord"
LABEL = {"opinion": "整改意见", "letter": "整改意见书"}


def _message(inspection: OversightInspection, which: str, event: str, at: str, recipients: tuple[str, ...]) -> Message:
    demand = inspection.letter if which == "letter" else inspection.opinion
    assert demand is not None
    title = f"{LABEL[which]}{event}:{inspection.item_name}(整改期限{demand.due_on.isoformat()})"
    data = {
        "inspectionId": inspection.id,
        "itemCode": inspection.item_code,
        "centreId": inspection.centre_id,
        "demand": which,
        "dueOn": demand.due_on.isoformat(),
        "status": demand.status.value,
    }
    return make_message(
        MessageKind.OVERSIGHT, (inspection.id, which, event), recipients, title, inspection.id, at, data
    )


def _warning(
    inspection: OversightInspection, which: str, demand: Demand, level: WarningLevel, at: str
) -> SupervisionWarning:
    recipients = (ds.department_feed(inspection.receiving_department_id), ds.department_feed(inspection.department_id))
    return SupervisionWarning(
        inspection.id,
        inspection.item_code,
        inspection.item_name,
        dcp.DEMAND_DEADLINE[which],
        "-",
        level,
        demand.due_on,
        inspection.receiving_department_id,
        recipients,
        at,
    )


class CounterpartService:
    def __init__(
        self,
        repo: CounterpartRepository,
        catalogue: CatalogueRepository,
        now: Callable[[], datetime] | None = None,
        relay: Relay | None = None,
    ) -> None:
        self.repo = repo
        self.catalogue = catalogue
        self.outbox = OutboxRepository()
        self.idempotency = IdempotencyRepository()
        self.now = now or (lambda: clock.utc_now())
        self._relay = relay

    @property
    def relay(self) -> Relay:
        if self._relay is None:
            self._relay = Relay()
        return self._relay

    # --- monitoring ------------------------------------------------------------------------------

    def _own_department(self, principal: Principal, department_id: str) -> None:
        if principal.has_any(Role.SUPERVISOR) or dcp.is_department_staff(principal, department_id):
            return
        raise DomainError.one(CounterpartCode.FORBIDDEN, "只能查看本部门的对口监管信息", "departmentId")

    def cases(self, principal: Principal, department_id: str, first: int, after: str | None) -> Page[CounterpartEntry]:
        self._own_department(principal, department_id)
        return self.repo.cases(department_id, first, after)

    def warnings(
        self, principal: Principal, department_id: str, first: int, after: str | None
    ) -> Page[SupervisionWarning]:
        self._own_department(principal, department_id)
        return self.repo.warnings(department_id, first, after)

    def inspections(
        self, principal: Principal, department_id: str, receiving: bool, first: int, after: str | None
    ) -> Page[OversightInspection]:
        """A delegating department's inspections, or (receiving) those of a receiving department."""
        self._own_department(principal, department_id)
        return self.repo.of_department(department_id, receiving, first, after)

    def load(self, principal: Principal, inspection_id: str) -> tuple[OversightInspection, int]:
        found = self.repo.get(inspection_id)
        if found is None or not dcp.may_read(principal, found[0]):
            raise DomainError.one(CounterpartCode.NOT_FOUND, "检查记录不存在", "id")
        return found

    # --- commands --------------------------------------------------------------------------------

    def record(
        self,
        principal: Principal,
        item_code: str,
        centre_id: str,
        receiving_department_id: str,
        inspected_on: date,
        outcome: dcp.InspectionOutcome,
        findings: str,
        key: str | None = None,
    ) -> OversightInspection:
        """A retry with the same idempotency key returns the first inspection."""
        target = f"{item_code}@{centre_id}"
        earlier = self._remembered(principal, key, target)
        if earlier is not None:
            return earlier
        found = self.catalogue.get_item(item_code)
        if found is None:
            raise DomainError.one(CounterpartCode.NOT_FOUND, "事项不存在", "itemId")
        item = found[0]
        receiving = self.catalogue.get_department(receiving_department_id)
        inspection = dcp.record(
            secrets.token_hex(8),
            principal,
            item.code,
            item.elements.name,
            item.elements.department_id,
            centre_id in item.delegated_centre_ids,
            centre_id,
            receiving.centre_id if receiving else None,
            receiving_department_id,
            inspected_on,
            outcome,
            findings,
            self.now(),
        )
        uow = UnitOfWork()
        self.repo.stage(uow, inspection, None)
        if key and principal.subject:
            self.idempotency.remember(uow, principal.subject, RECORD, key, {"id": inspection.id, "target": target})
        try:
            uow.commit()
        except DomainError as error:
            again = self._remembered(principal, key, target) if error.violations[0].code == CONFLICT else None
            if again is not None:
                return again
            raise
        return inspection

    def _remembered(self, principal: Principal, key: str | None, target: str) -> OversightInspection | None:
        if not key or principal.subject is None:
            return None
        if len(key) > 100:
            raise DomainError.one(CounterpartCode.TOO_LONG, "幂等键不能超过100个字符", "idempotencyKey")
        earlier = self.idempotency.remembered(principal.subject, RECORD, key)
        if earlier is None:
            return None
        if earlier.get("target") != target:
            raise DomainError.one(
                CounterpartCode.IDEMPOTENCY_KEY_REUSED, "该幂等键已用于另一请求,请换用新的幂等键", "idempotencyKey"
            )
        found = self.repo.get(str(earlier["id"]))
        return found[0] if found else None

    def _change(
        self,
        principal: Principal,
        inspection_id: str,
        decide: Callable[
            [OversightInspection, datetime], tuple[OversightInspection, list[Message], list[ds.Violation]]
        ],
    ) -> OversightInspection:
        inspection, rev = self.load(principal, inspection_id)
        changed, messages, violations = decide(inspection, self.now())
        uow = UnitOfWork()
        self.repo.stage(uow, changed, rev)
        for message in messages:
            self.outbox.stage(uow, message)
        self.repo.supervision.stage_violations(uow, violations)
        uow.commit()
        self.relay.deliver_soon(messages)
        return changed

    def issue_opinion(
        self, principal: Principal, inspection_id: str, requirements: str, due_on: date
    ) -> OversightInspection:
        def decide(
            i: OversightInspection, now: datetime
        ) -> tuple[OversightInspection, list[Message], list[ds.Violation]]:
            changed = dcp.issue_opinion(i, principal, requirements, due_on, now)
            to = (ds.department_feed(i.receiving_department_id),)
            return changed, [_message(changed, "opinion", "下达", now.isoformat(timespec="seconds"), to)], []

        return self._change(principal, inspection_id, decide)

    def answer(self, principal: Principal, inspection_id: str, text: str) -> OversightInspection:
        def decide(
            i: OversightInspection, now: datetime
        ) -> tuple[OversightInspection, list[Message], list[ds.Violation]]:
            changed = dcp.answer(i, principal, text, now)
            which = "letter" if changed.letter is not None else "opinion"
            to = (ds.department_feed(i.department_id),)
            return changed, [_message(changed, which, "已答复", now.isoformat(timespec="seconds"), to)], []

        return self._change(principal, inspection_id, decide)

    def issue_letter(
        self, principal: Principal, inspection_id: str, requirements: str, due_on: date
    ) -> OversightInspection:
        def decide(
            i: OversightInspection, now: datetime
        ) -> tuple[OversightInspection, list[Message], list[ds.Violation]]:
            changed, lapsed = dcp.issue_letter(i, principal, requirements, due_on, now)
            at = now.isoformat(timespec="seconds")
            to = (ds.department_feed(i.receiving_department_id),)
            violations = (
                [ds.Violation(i.receiving_department_id, i.id, dcp.DEMAND_VIOLATION["opinion"], at)] if lapsed else []
            )
            return changed, [_message(changed, "letter", "下达", at, to)], violations

        return self._change(principal, inspection_id, decide)


# --- the sweep -----------------------------------------------------------------------------------


def sweep_oversight(repo: CounterpartRepository, now: datetime, relay: Relay) -> Counter[str]:
    """Yellow warnings on `DUE#cp_warning` days; a passed `DUE#cp_due` marks the demand overdue
    with its red warning and the receiving department's violation. One inspection per transaction."""
    today = da.china_date(now)
    at = now.isoformat(timespec="seconds")
    done: Counter[str] = Counter()
    for kind, before in ((DUE_YELLOW, today + timedelta(days=1)), (DUE_RED, today)):
        handled: set[tuple[str, str]] = set()
        while len(handled) < MAX_PER_KIND:
            batch = [e for e in repo.due(kind, before) if (e.application_id, e.ref) not in handled]
            if not batch:
                break
            for entry in batch:
                handled.add((entry.application_id, entry.ref))
                try:
                    done[_step(entry, repo, today, at, relay)] += 1
                except Exception:
                    log.exception("oversight sweep failed on %s: left for the next run", entry.application_id)
                    done["failed"] += 1
    return done


def _step(entry: DueEntry, repo: CounterpartRepository, today: date, at: str, relay: Relay) -> str:
    found = repo.get(entry.application_id)
    if found is None:
        return "missing"
    inspection, rev = found
    open_demand = inspection.open_demand()
    uow = UnitOfWork()
    messages: list[Message] = []
    if open_demand is None or open_demand[0] != entry.ref:
        repo.stage(uow, inspection, rev)  # settled meanwhile: the projections follow the record
        outcome = "oversight_settled"
    elif entry.kind == DUE_YELLOW:
        which, demand = open_demand
        marked = _replace_demand(inspection, which, warned=True)
        repo.stage(uow, marked, rev)
        outcome = "oversight_warning_skipped"
        if demand.due_on >= today:
            messages.append(_stage_warning(uow, repo, inspection, which, demand, WarningLevel.YELLOW, at))
            outcome = "oversight_warning_yellow"
    else:
        which, demand = open_demand
        if demand.due_on >= today:
            return "oversight_not_due"
        overdue = dcp.mark_overdue(inspection, which, at)
        repo.stage(uow, overdue, rev)
        red = _warning(inspection, which, demand, WarningLevel.RED, at)
        if repo.supervision.warning(inspection.id, red.key) is None:
            messages.append(_stage_warning(uow, repo, inspection, which, demand, WarningLevel.RED, at))
        violation = ds.Violation(inspection.receiving_department_id, inspection.id, dcp.DEMAND_VIOLATION[which], at)
        repo.supervision.stage_violations(uow, [violation])
        outcome = f"{which}_overdue"
    try:
        uow.commit()
    except DomainError as error:
        log.warning("oversight sweep skipped %s (%s): retried next run", inspection.id, error)
        return "conflict"
    relay.deliver_soon(messages)
    return outcome


def _replace_demand(inspection: OversightInspection, which: str, **changes: object) -> OversightInspection:
    from dataclasses import replace

    demand = inspection.letter if which == "letter" else inspection.opinion
    assert demand is not None
    return replace(inspection, **{which: replace(demand, **changes)})  # type: ignore[arg-type]


def _stage_warning(
    uow: UnitOfWork,
    repo: CounterpartRepository,
    inspection: OversightInspection,
    which: str,
    demand: Demand,
    level: WarningLevel,
    at: str,
) -> Message:
    warning = _warning(inspection, which, demand, level, at)
    repo.supervision.stage_warning(uow, warning)
    warning_copy(uow, inspection.department_id, warning)
    message = make_message(
        MessageKind.WARNING,
        (warning.subject_id, warning.key),
        warning.recipients,
        warning.title,
        warning.subject_id,
        at,
        {"level": level.value, "deadline": warning.kind.value, "dueOn": demand.due_on.isoformat()},
    )
    OutboxRepository().stage(uow, message)
    return message
