"""Statistics cost the same few requests whatever the number of cases (issue: 10,000 on moto).

10,000 immediate-item cases are filed, accepted and approved through the real domain
transitions over the month, and staged through the repository's own staging (the head at its
final state, every audit event, every counter increment). moto copies the whole table for every
TransactWriteItems (for its rollback), which makes 10,000 transactions quadratic; so the staged
writes are loaded in bulk instead, the way the seed import does (BatchWriteItem for records,
one UpdateItem ADD per merged counter). The transactional path itself is covered by the month
simulation and its recount.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.expressions.operand import Path

from chalicelib.domain import application as da
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.statistics import case_deltas, scope
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.supervision import SupervisionService
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.codec import encode
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork
from tests.conftest import CallCounter
from tests.forms import answers

CASES = int(os.environ.get("UAP_VOLUME_CASES", "10000"))
PER_BATCH = 500
MARKET = "city-market"


def _history(item: Any, n: int, clerk: Principal, approver: Principal) -> list[da.Transition]:
    """File, accept and approve one immediate case on a working day of November 2026."""
    working = [d for d in (date(2026, 11, 1) + timedelta(days=i) for i in range(30)) if d.weekday() < 5]
    day = working[n % len(working)]
    now = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
    applicant = da.Applicant(f"applicant-{n}", f"申请人{n}", f"33090219900101{n:04d}")
    materials = tuple(
        da.SubmittedMaterial(m.code, "材料.pdf", f"blob-{n}-{m.code}", "0" * 64, 1, 1) for m in item.elements.materials
    )
    filed = da.file(
        application_id=secrets.token_hex(10),
        tracking_code=secrets.token_hex(5).upper(),
        item=item,
        applicant=applicant,
        actor=clerk,
        channel=da.Channel.WINDOW,
        centre_id="zs-city",
        materials=materials,
        now=now,
        agent_authorised=False,
        form_data=answers(item.elements.form),
    )
    accepted = da.accept(filed.case, clerk, now + timedelta(minutes=5))
    approved = da.decide(accepted.case, approver, now + timedelta(minutes=30), da.Outcome.APPROVED, "符合条件", "")
    return [filed, accepted, approved]


def _write(uow: UnitOfWork, repo: ApplicationRepository, history: list[da.Transition]) -> None:
    final = history[-1].case
    day = da.china_date(datetime.fromisoformat(history[-1].event.at))
    repo.stage_new(uow, final, history[0].event, day)  # the head as it ends, with its first event
    for t in history:
        if t is not history[0]:
            uow.create(Record(f"APP#{final.id}", f"EV#{t.event.seq:06d}", entity="Event", data=encode(t.event)))
            repo.statistics.stage(uow, case_deltas(t.case, t.event, t.effects, repo.calendar), final.id)


def _load(uow: UnitOfWork) -> None:
    with Record.batch_write() as batch:
        for record in uow.staged_records():
            if record.entity is not None:  # counters are the increments below
                batch.save(record)
    connection = Record._get_connection()
    for (pk, sk), counts in uow.staged_increments().items():
        actions = [Path("T").set("Counter"), *(Path(f"n_{k}").add(v) for k, v in sorted(counts.items()))]
        connection.update_item(pk, sk, actions=actions)


def test_a_department_month_costs_one_query_with_10000_cases(seeded: Any, ddb_calls: CallCounter) -> None:
    item = CatalogueRepository().get_item("ZS-SCJG-003")
    assert item is not None and item[0].elements.kind.value == "immediate"
    clerk = Principal("clerk-volume", frozenset({Role.CLERK}), department_id="city-bureau", centre_id="zs-city")
    approver = Principal("approver-volume", frozenset({Role.APPROVER}), department_id=MARKET, centre_id="zs-city")
    repo = ApplicationRepository(DEFAULT_CALENDAR)
    supervisor = Principal("sup", frozenset({Role.SUPERVISOR}), centre_id="zs-city")  # a city supervisor

    def month() -> Any:
        service = SupervisionService(CatalogueRepository())  # one per request, as in the API
        ddb_calls.reset()
        figures = service.statistics_of(supervisor, "department", MARKET, date(2026, 11, 1), date(2026, 11, 30))
        return figures, dict(ddb_calls.calls)

    written = 0
    checkpoints: dict[int, dict[str, int]] = {}
    while written < CASES:
        size = 10 if written == 0 else min(PER_BATCH, CASES - written)
        uow = UnitOfWork()
        for n in range(written, written + size):
            _write(uow, repo, _history(replace(item[0]), n, clerk, approver))
        _load(uow)
        written += size
        if written in (10, CASES):
            figures, calls = month()
            assert figures["received"] == figures["decided"] == figures["decided_on_time"] == written
            checkpoints[written] = calls
    # The same single Query for 10 cases and for 10,000 (plus one for the supervisor's scope).
    assert checkpoints[10] == checkpoints[CASES] == {"Query": 2}
    figures, _ = month()
    assert figures.immediate_share == 1.0 and figures.p90_working_days == 0
    item_figures = repo.statistics.totals(scope("item", "ZS-SCJG-003"), date(2026, 11, 1), date(2026, 11, 30))
    assert item_figures["accepted"] == CASES
