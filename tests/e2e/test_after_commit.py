"""The application lifecycle's after-commit hooks (`ApplicationService.after_commit`).

A handler of a transition stages what the event owes in the transition's one transaction and returns
what to do once that transaction has committed (written decisions: seal the document). Follow-ups
run after the commit, in registration order, and never for a command that did not commit.
"""

from __future__ import annotations

import pytest

from chalicelib.domain import application as da
from chalicelib.domain.errors import DomainError
from chalicelib.services.applications import AfterCommit
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork
from tests.conftest import Api, Clock
from tests.e2e.test_lifecycle_request_counts import CLERK, SINGLE, Cases


@pytest.fixture
def cases(api: Api, clock: Clock) -> Cases:
    return Cases(api)


def test_follow_ups_run_after_the_commit_in_order(cases: Cases) -> None:
    case = cases.file(SINGLE)
    seen: list[tuple[str, str, str]] = []

    def handler(name: str) -> object:
        def handle(uow: UnitOfWork, transition: da.Transition) -> AfterCommit | None:
            seen.append(("staged", name, transition.event.action))

            def follow_up() -> None:
                stored = cases.service.applications.get(transition.case.id)
                assert stored is not None
                seen.append(("after", name, stored[0].state.value))  # the change is committed already

            return follow_up

        return handle

    cases.service.after_commit.extend([handler("first"), handler("second")])  # type: ignore[list-item]
    cases.service.accept(cases.principal(CLERK), case.id)
    assert seen == [
        ("staged", "first", "accept"),
        ("staged", "second", "accept"),
        ("after", "first", "in_review"),
        ("after", "second", "in_review"),
    ]


def test_no_follow_up_for_a_refused_or_failed_command(cases: Cases) -> None:
    case = cases.file(SINGLE)
    ran: list[str] = []
    asked: list[str] = []

    def clashing(uow: UnitOfWork, transition: da.Transition) -> AfterCommit | None:
        asked.append(transition.event.action)
        uow.create(
            Record(f"TRACK#{transition.case.tracking_code}", "#", entity="TrackingCode", data={})
        )  # exists already: the commit fails
        return lambda: ran.append(transition.event.action)

    cases.service.after_commit.append(clashing)
    with pytest.raises(DomainError):
        cases.service.accept(cases.principal(CLERK), case.id)
    assert ran == []
    stored = cases.service.applications.get(case.id)
    assert stored is not None and stored[0].state is da.State.SUBMITTED
    assert asked == ["accept"]
    with pytest.raises(DomainError):  # refused by the domain (an applicant cannot accept): no handler asked
        cases.service.accept(cases.principal("applicant-wang"), case.id)
    assert asked == ["accept"] and ran == []
