"""Counters shared by unrelated cases do not make their commands fail (DynamoDB Local).

Every filing in one department adds to the same day counters. DynamoDB cancels one of two
transactions that touch the same item at the same moment (TransactionConflict); the unit of
work retries exactly that, so concurrent filings all land and no increment is lost.
"""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

from chalicelib.domain import application as da
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.statistics import scope
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.unit_of_work import UnitOfWork
from infra.seed import Seed, apply
from tests.forms import answers

THREADS = 6
PER_THREAD = 8
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def test_concurrent_filings_in_one_department_all_count(local_table: str, seed_data: Seed) -> None:
    apply(seed_data)
    found = CatalogueRepository().get_item("ZS-SCJG-004")
    assert found is not None
    item = found[0]
    clerk = Principal("clerk-li", frozenset({Role.CLERK}), department_id="city-bureau", centre_id="zs-city")

    def file_some(worker: int) -> int:
        repo = ApplicationRepository(DEFAULT_CALENDAR)
        for n in range(PER_THREAD):
            materials = tuple(
                da.SubmittedMaterial(m.code, "a.pdf", f"b-{worker}-{n}-{m.code}", "0" * 64, 1, 1)
                for m in item.elements.materials
            )
            filed = da.file(
                application_id=secrets.token_hex(10),
                tracking_code=secrets.token_hex(5).upper(),
                item=item,
                applicant=da.Applicant(f"applicant-{worker}-{n}", "王海燕", "330902199001011234"),
                actor=clerk,
                channel=da.Channel.WINDOW,
                centre_id="zs-city",
                materials=materials,
                now=NOW,
                agent_authorised=False,
                form_data=answers(item.elements.form),
            )
            uow = UnitOfWork()
            repo.stage_new(uow, filed.case, filed.event, da.china_date(NOW))
            uow.commit()  # raises CONFLICT if contention outlasted the retries
        return PER_THREAD

    with ThreadPoolExecutor(THREADS) as pool:
        assert sum(pool.map(file_some, range(THREADS))) == THREADS * PER_THREAD
    totals = ApplicationRepository(DEFAULT_CALENDAR).statistics.totals(
        scope("department", "city-market"), date(2026, 11, 2), date(2026, 11, 2)
    )
    assert totals["received"] == THREADS * PER_THREAD
