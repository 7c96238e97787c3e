"""Application storage: the case, its hash-chained events, and the projections derived from it.

Key scheme (see infra/ACCESS_PATTERNS.md):
    APP#<id> / #                 the case (head, guarded by its revision)
                                 GSI1: APPLICANT#<applicant> / <submitted_at>#<id>  (my applications;
                                 PERSON#<identifier> for a window case filed without an account)
    APP#<id> / EV#<000001>       audit events, create-only, never updated or deleted
    TRACK#<code> / #             tracking code -> case id (create-only: codes are unique)
    INBOX#<queue> / <due>#<id>   worklists sorted by deadline (intake per centre, review and
                                 decision per department, rejection reports for supervisors)
    DUE#<kind> / <date>#<id>#<ref>  deadlines the scheduled sweep reads with one Query each
    LEDGER#REJECTIONS#<yyyy-mm> / <reported_at>#<id>  the rejection-report ledger
    CREDIT#<identifier> / DEFAULT#<at>#<id>          credit records (storage/identity_repository.py)
    VIOLATION#<department> / <at>#<id>#<kind>        violations (storage/supervision_repository.py)
    AGENT#<applicant> / <agent>                      proxy-agent authorisations
    DUE#warning / <warn on>#<id>#<deadline key>      yellow warnings to raise (electronic supervision)
    STAT#...                                         statistics counters (storage/statistics_repository.py)

Projections are recomputed from the case on every change and written in the same transaction
as the case, so a worklist or a due date can never disagree with the case it points at.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from pynamodb.expressions.operand import Path

from chalicelib.domain import application as da
from chalicelib.domain import credit as dcr
from chalicelib.domain import supervision as ds
from chalicelib.domain.application import Application, Effect, State, TaskStatus
from chalicelib.domain.audit import Event
from chalicelib.domain.intake_refusal import RefusalStatus
from chalicelib.domain.statistics import case_deltas
from chalicelib.domain.working_days import WorkingDayCalendar
from chalicelib.domain.worklist import InboxEntry, LedgerEntry
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.decoded_documents import text_decoder
from chalicelib.storage.identity_repository import IdentityRepository
from chalicelib.storage.pagination import Page, decode_cursor, encode_cursor, query_items_page, query_page
from chalicelib.storage.raw_items import QueryShape, data_text, derived_of, parse_data, rev_of, sk_of
from chalicelib.storage.statistics_repository import StatisticsRepository
from chalicelib.storage.supervision_repository import SupervisionRepository
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"
# A case's head and its audit events: `#` and `EV#…` sort at or before `EV#~` (one Query, its
# request built once: raw_items.QueryShape).
_HEAD_AND_EVENTS = QueryShape(Record.sk <= "EV#~")


@dataclass(frozen=True)
class DueEntry:
    kind: str  # intake | co_review | promised | pledge
    due_on: date
    application_id: str
    ref: str


@dataclass(frozen=True)
class Authorisation:
    applicant_id: str
    agent_id: str
    valid_until: date
    granted_at: str


@dataclass(frozen=True)
class OpenCase:
    """A case still open (or awaiting its certificate) at a centre or lead department."""

    application_id: str
    tracking_code: str
    state: State


def open_cases_key(kind: str, ident: str) -> str:
    return f"OPEN#{kind}#{ident}"


def inbox_queue(kind: str, scope: str) -> str:
    return f"INBOX#{kind}#{scope}"


def _projections(
    case: Application, calendar: WorkingDayCalendar, today: date, lead_days: int
) -> dict[tuple[str, str], tuple[str, Any]]:
    """Every derived record the case implies right now: (PK, SK) -> (entity, data)."""
    out: dict[tuple[str, str], tuple[str, Any]] = {}

    def inbox(kind: str, scope: str, due: date) -> None:
        entry = InboxEntry(
            case.id,
            case.tracking_code,
            case.item.code,
            case.item.elements.name,
            case.applicant.name,
            case.state,
            due,
            kind,
            case.red_flag,
        )
        out[(inbox_queue(kind, scope), f"{due.isoformat()}#{case.id}")] = ("InboxEntry", entry)

    def due(kind: str, when: date, ref: str = "-") -> None:
        out[(f"DUE#{kind}", f"{when.isoformat()}#{case.id}#{ref}")] = ("DueEntry", DueEntry(kind, when, case.id, ref))

    if case.state is State.SUBMITTED:
        deadline = da.intake_deadline(case, calendar)
        inbox("intake", case.centre_id, deadline)
        due("intake", deadline)
    if case.state is State.IN_REVIEW:
        promised = da.promised_deadline(case, calendar, today)
        assert promised is not None
        open_tasks = [t for t in case.tasks if t.status is TaskStatus.OPEN]
        for task in open_tasks:
            task_due = da.task_deadline(case, task, calendar, today)
            assert task_due is not None
            inbox("review", task.department_id, task_due)
        if not open_tasks:
            inbox("decision", case.lead_department_id, promised)
    if case.state is State.REJECTION_REPORTED:
        inbox("rejection", "supervision", today)  # the city's supervisors: the whole network
        for centre_id in case.oversight_centre_ids:  # and each centre's that oversees the case
            inbox("rejection", f"supervision#{centre_id}", today)
    review = case.revocation_review
    if review is not None and review.is_open:  # 容缺后补 lapsed: the bureau and supervisors decide
        opened = da.china_date(datetime.fromisoformat(review.opened_at))
        inbox("revocation_review", case.handling_centre_id, opened)
        inbox("revocation_review", "supervision", opened)
    if case.awaiting_issue:  # the bureau's worklist, oldest approval first
        decided = da.china_date(datetime.fromisoformat(case.decision.decided_at)) if case.decision else today
        inbox("issuance", case.handling_centre_id, decided)
    # The deadlines the sweep enforces (a co-reviewer's limit, the promised limit, a pledge), each
    # with its yellow-warning day until that warning has been raised (electronic supervision).
    for open_deadline in ds.case_deadlines(case, calendar, today, {}):
        due(open_deadline.kind.value, open_deadline.due_on, open_deadline.ref)
        if open_deadline.key not in case.warned:
            due("warning", ds.warn_on(open_deadline.due_on, lead_days, calendar), open_deadline.key)
    # Counterpart oversight (seed 003 二(五)3): the delegating department's monitoring row.
    from chalicelib.storage.counterpart_repository import case_projection

    out.update(case_projection(case, calendar, today))
    # Referrals upward (seed 004 三级联动): the tracker's worklist and the sweep's warning day.
    from chalicelib.storage import referral_repository

    out.update(referral_repository.case_projection(case))
    # 延续 (art. 50): the day the sweep may deem a renewal granted (storage/renewal_repository.py).
    from chalicelib.storage import renewal_repository

    out.update(renewal_repository.case_projection(case))
    # Open-case markers: closing a centre or department with open cases is refused (one Query each).
    if case.is_open or case.awaiting_issue:
        marker = OpenCase(case.id, case.tracking_code, case.state)
        for centre_id in {case.centre_id, case.handling_centre_id}:
            out[(open_cases_key("CENTRE", centre_id), case.id)] = ("OpenCase", marker)
        out[(open_cases_key("DEPT", case.lead_department_id), case.id)] = ("OpenCase", marker)
    for report in case.reports:
        entry = LedgerEntry(case.id, case.tracking_code, case.item.elements.name, case.lead_department_id, report)
        month = da.china_date(datetime.fromisoformat(report.reported_at)).isoformat()[:7]
        out[(f"LEDGER#REJECTIONS#{month}", f"{report.reported_at}#{case.id}")] = ("LedgerEntry", entry)
    # 不予受理 at the window: filed to the clerk's unit leader (worklist), and once ruled on, in the
    # same ledger as approvers' refusals, marked as the window's.
    for refusal in case.intake_refusals:
        if refusal.status is RefusalStatus.OBJECTED and case.state is State.INTAKE_REFUSAL_REPORTED:
            objected_on = da.china_date(datetime.fromisoformat(refusal.objected_at or ""))
            inbox("intake_refusal", refusal.department_id, objected_on)
            inbox("intake_refusal", "supervision", objected_on)  # where no head is recorded, supervisors rule
        if not refusal.in_ledger:
            continue
        as_report = da.RejectionReport(
            refusal.reason,
            refusal.legal_basis,
            refusal.refused_by,
            refusal.refused_at,
            da.ReportStatus.CONFIRMED if refusal.status is RefusalStatus.CONFIRMED else da.ReportStatus.CORRECTED,
            refusal.leader_id,
            refusal.leader_note,
            refusal.resolved_at,
        )
        entry = LedgerEntry(
            case.id, case.tracking_code, case.item.elements.name, refusal.department_id, as_report, "window"
        )
        month = da.china_date(datetime.fromisoformat(refusal.refused_at)).isoformat()[:7]
        out[(f"LEDGER#REJECTIONS#{month}", f"{refusal.refused_at}#{case.id}#W")] = ("LedgerEntry", entry)
    return out


#: Audit events decoded per process (~1 KB each). Events are create-only and `Event` is a frozen
#: dataclass of str and int: application detail reads a case's whole trail on every request, and this
#: keeps it from decoding the same events again and again. A tampered event is other text, decoded
#: afresh (and `historyVerification` then finds it). Rules: storage/decoded_documents.py.
EVENT_ENTRIES = 2048
_event = text_decoder(Event, EVENT_ENTRIES)

#: Case heads decoded per process (~20 KB each with the item filed under), for application detail,
#: which reads the head on every request. Keyed by the exact stored text the request has just read
#: (every change to a case writes other text: its revision, event count and hash), so nothing older
#: than that read is served. An `Application` is a frozen dataclass, but not deeply immutable: its
#: form answers (`form_data`, and each `form_history` revision's `answers`) are dicts (of str, numbers
#: and lists of str). So the decoded head is never handed out: each read gets its own copy
#: (`_own_head`) sharing only the immutable rest, with fresh dicts and lists for the answers; no
#: request can change what another gets (`tests/unit/test_application_head_reads.py` walks both
#: reads' objects and finds no mutable one shared).
HEAD_ENTRIES = 256


@lru_cache(maxsize=HEAD_ENTRIES)
def _decoded_head(text: str) -> Application:
    return decode_as(Application, parse_data(text))


def _answers(answers: dict[str, Any]) -> dict[str, Any]:
    """Form answers copied down to their lists (their other values are str, int, float, bool)."""
    return {k: list(v) if isinstance(v, list) else v for k, v in answers.items()}


def _own_head(text: str) -> Application:
    """The head stored as `text`, equal to `decode_as(Application, parse_data(text))`, with its own
    form answers: the immutable rest is shared with the other reads of the same text."""
    shared = _decoded_head(text)
    case: Application = object.__new__(Application)
    fields = case.__dict__
    fields.update(shared.__dict__)  # what `copy.copy` does for a dataclass without slots, directly
    fields["form_data"] = _answers(shared.form_data)
    if shared.form_history:
        fields["form_history"] = tuple(replace(r, answers=_answers(r.answers)) for r in shared.form_history)
    return case


@lru_cache(maxsize=EVENT_ENTRIES)
def _event_cursor(partition: str, seq: int) -> str:
    """The cursor a Query gives after event `seq` of a case (a pure function of the two: only the
    case id, which the caller sent, and the position)."""
    return encode_cursor({"PK": {"S": partition}, "SK": {"S": f"EV#{seq:06d}"}})


def _inbox_entry(raw: dict[str, Any]) -> InboxEntry:
    return _inbox_row(data_text(raw) or "null")


#: Worklist rows decoded per process (~0.3 KB each), as events: which worklist a caller may read is
#: decided before the Query, and a changed row is other text.
INBOX_ROW_ENTRIES = 4096
_inbox_row = text_decoder(InboxEntry, INBOX_ROW_ENTRIES)


class ApplicationRepository:
    def __init__(self, calendar: WorkingDayCalendar, warning_lead_days: int | None = None) -> None:
        from chalicelib.config import get_settings

        self.calendar = calendar
        self.warning_lead_days = get_settings().warning_lead_days if warning_lead_days is None else warning_lead_days
        self.statistics = StatisticsRepository()
        self.supervision = SupervisionRepository()
        self._derived: dict[str, list[list[str]]] = {}  # case id -> projection keys as stored

    # --- reads -----------------------------------------------------------------------------------

    def get(self, application_id: str) -> tuple[Application, int] | None:
        try:
            record = Record.get(f"APP#{application_id}", HEAD)
        except Record.DoesNotExist:
            return None
        self._derived[application_id] = record.derived or []
        return decode_as(Application, record.data), int(record.rev)

    def by_tracking_code(self, code: str) -> str | None:
        try:
            record = Record.get(f"TRACK#{code}", HEAD)
        except Record.DoesNotExist:
            return None
        application_id: str = record.data["id"]
        return application_id

    def events(self, application_id: str) -> list[Event]:
        condition = Path("SK").startswith("EV#")
        return [decode_as(Event, r.data) for r in Record.query(f"APP#{application_id}", range_key_condition=condition)]

    def get_with_events(self, application_id: str) -> tuple[Application, int, list[Event]] | None:
        """The head and its whole audit trail in one Query: the partition holds only `#` and `EV#…`,
        and `#` sorts first (what application detail reads once for timeline and verification)."""
        items = _HEAD_AND_EVENTS.all_raw(f"APP#{application_id}")
        if not items or sk_of(items[0]) != HEAD:
            return None
        head = items[0]
        self._derived[application_id] = derived_of(head) or []
        # Raw items, not PynamoDB models: a case with its trail is a dozen records (raw_items.py).
        events = [_event(data_text(r) or "null") for r in items[1:] if sk_of(r).startswith("EV#")]
        return _own_head(data_text(head) or "null"), rev_of(head), events

    @staticmethod
    def events_page_of(application_id: str, events: list[Event], first: int, after: str | None) -> Page[Event]:
        """A page of an audit trail already read, with the same cursors `events_page` makes."""
        partition = f"APP#{application_id}"
        start = decode_cursor(after, None, partition)["SK"]["S"] if after else ""

        def cursor(event: Event) -> str:
            return _event_cursor(partition, event.seq)

        rest = [e for e in events if f"EV#{e.seq:06d}" > start]
        shown = rest[:first]
        return Page([(e, cursor(e)) for e in shown], len(rest) > first, cursor(shown[-1]) if shown else None)

    def events_page(self, application_id: str, first: int, after: str | None) -> Page[Event]:
        page = query_page(
            f"APP#{application_id}", first=first, after=after, range_condition=Path("SK").startswith("EV#")
        )
        return Page([(decode_as(Event, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    def of_applicant(self, applicant_id: str, first: int, after: str | None) -> Page[Application]:
        """Newest first, from GSI1."""
        page = query_page(f"APPLICANT#{applicant_id}", first=first, after=after, index="GSI1", forward=False)
        return Page([(decode_as(Application, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    def inbox(self, queue: str, first: int, after: str | None) -> Page[InboxEntry]:
        """Soonest deadline first: one Query per page."""
        # Each row straight from its raw `data` (no PynamoDB model per row: raw_items.py).
        return query_items_page(queue, _inbox_entry, first=first, after=after)

    def ledger(self, month: str, first: int, after: str | None) -> Page[LedgerEntry]:
        page = query_page(f"LEDGER#REJECTIONS#{month}", first=first, after=after)
        return Page([(decode_as(LedgerEntry, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    def due(self, kind: str, before: date, limit: int = 100) -> list[DueEntry]:
        """Deadlines of one kind that passed before `before` (one Query; the sweep loops)."""
        condition = Record.sk < before.isoformat()
        return [
            decode_as(DueEntry, r.data) for r in Record.query(f"DUE#{kind}", range_key_condition=condition, limit=limit)
        ]

    def due_from(self, kind: str, first_day: date, limit: int) -> list[DueEntry]:
        """Deadlines of one kind falling on or after `first_day`, soonest first (one Query per
        page; the calendar sweep recounts them when that year's arrangement is loaded)."""
        condition = Record.sk >= first_day.isoformat()
        found = Record.query(f"DUE#{kind}", range_key_condition=condition, limit=limit)
        return [decode_as(DueEntry, r.data) for r in found]

    def authorisation(self, applicant_id: str, agent_id: str) -> Authorisation | None:
        try:
            return decode_as(Authorisation, Record.get(f"AGENT#{applicant_id}", agent_id).data)
        except Record.DoesNotExist:
            return None

    # --- writes ----------------------------------------------------------------------------------

    def stage_new(self, uow: UnitOfWork, case: Application, event: Event, today: date) -> None:
        uow.create(Record(f"TRACK#{case.tracking_code}", HEAD, entity="TrackingCode", data={"id": case.id}))
        self._stage(uow, case, None, event, today)
        self.statistics.stage(uow, case_deltas(case, event, (), self.calendar), case.id)

    def stage_change(
        self,
        uow: UnitOfWork,
        before: Application,
        after: Application,
        rev: int,
        event: Event,
        today: date,
        effects: tuple[Effect, ...] = (),
    ) -> None:
        self._stage(uow, after, rev, event, today)
        for effect in effects:
            if effect.kind == "credit_default":
                self._stage_credit_default(uow, after, effect, event.at, today)
        violations = [
            ds.Violation(effect.subject, after.id, effect.detail, event.at)
            for effect in effects
            if effect.kind == "violation"
        ]
        self.supervision.stage_violations(uow, violations)
        self.statistics.stage(uow, case_deltas(after, event, effects, self.calendar), after.id)
        # Seed 003 二(五)3: a decision on a delegated power goes to the delegating department, once.
        from chalicelib.domain.counterpart import decision_push
        from chalicelib.storage.outbox_repository import OutboxRepository

        push = decision_push(after, event)
        if push is not None:
            OutboxRepository().stage(uow, push)

    def stage_authorisation_removal(self, uow: UnitOfWork, applicant_id: str, agent_id: str) -> None:
        uow.delete(Record(f"AGENT#{applicant_id}", agent_id))

    def stage_authorisation(self, uow: UnitOfWork, authorisation: Authorisation) -> None:
        uow.upsert(
            Record(
                f"AGENT#{authorisation.applicant_id}",
                authorisation.agent_id,
                entity="Authorisation",
                data=encode(authorisation),
            )
        )

    def stage_refresh(self, uow: UnitOfWork, case: Application, rev: int, today: date) -> None:
        """Re-derive the projections of a case without an audited change (a paused deadline moved
        later, or a yellow warning was raised)."""
        self._stage(uow, case, rev, None, today)

    def _stage(self, uow: UnitOfWork, case: Application, rev: int | None, event: Event | None, today: date) -> None:
        new = _projections(case, self.calendar, today, self.warning_lead_days)
        head = Record(
            f"APP#{case.id}",
            HEAD,
            entity="Application",
            data=encode(case),
            # A case filed at a window without an account is kept under its identity, not in one
            # shared "no account" partition.
            gsi1pk=f"APPLICANT#{case.applicant.id}" if case.applicant.id else f"PERSON#{case.applicant.identifier}",
            gsi1sk=f"{case.submitted_at}#{case.id}",
            derived=[list(key) for key in sorted(new)],
        )
        if rev is None:
            uow.create(head)
        else:
            uow.replace(head, rev)
        if event is not None:
            # Create-only at the next sequence number: of two racing transitions only one lands.
            uow.create(Record(f"APP#{case.id}", f"EV#{event.seq:06d}", entity="Event", data=encode(event)))
        stored = {(k[0], k[1]) for k in self._derived.get(case.id, [])}
        for key in sorted(stored - new.keys()):
            uow.delete(Record(*key))
        for key, (entity, value) in sorted(new.items()):
            uow.upsert(Record(key[0], key[1], entity=entity, data=encode(value)))

    def _stage_credit_default(self, uow: UnitOfWork, case: Application, effect: Effect, at: str, today: date) -> None:
        """A broken pledge is a credit default of the applicant's verified identity (not of the
        account), so it follows them to any other account."""
        record = dcr.new_record(
            case.applicant.identifier,
            dcr.Severity.DEFAULT,
            case.id,
            case.centre_id,
            effect.detail,
            at,
            today,
            case.applicant.name,
        )
        IdentityRepository().stage_credit(uow, record)
