"""Two conflicting lifecycle commands racing on DynamoDB Local: exactly one wins, every round.

Each round takes a fresh joint-item case (ZS-ZRZY-001: lead city-natural-resources, co-reviewers
city-housing and city-fire) to the contested point through `ApplicationService`, then runs two
conflicting commands from two threads. A barrier inside `ApplicationRepository.get` holds each
thread after it has loaded the case until the other has loaded it too, so both decide on the
same revision and both try to commit: the transaction (head replaced at its revision, event
created at the next sequence number) must let exactly one through and refuse the other with
CONFLICT. Afterwards the timeline holds exactly one event for the contested step, the hash chain
verifies against the head, and the worklist/due-date rows are exactly those the winner derived
(nothing of the loser's transaction landed).

DynamoDB Local (not moto) because it implements transactions and condition checks as the
service does; the blob store is a dict test double.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.domain import application as da
from chalicelib.domain.audit import verify_chain
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.applications import ApplicationService, MaterialRef
from chalicelib.storage.application_repository import HEAD, ApplicationRepository
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import CONFLICT
from infra.seed import Seed, apply
from tests.forms import answers

ROUNDS = 20
ITEM = "ZS-ZRZY-001"
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in China
APPLICANT = "applicant-wang"
CLERK = "clerk-li"
LEAD_REVIEWERS = ("reviewer-nr-yu", "reviewer-nr-le")  # two reviewers of the SAME department
CO_REVIEWERS = ("reviewer-housing-xie", "reviewer-fire-yao")
APPROVER = "approver-nr-chen"
SUPERVISORS = ("supervisor-fang", "supervisor-ye")

Command = Callable[[ApplicationService, str], da.Application]


class RacingRepository(ApplicationRepository):
    """`get` waits on the armed barrier after loading: both racers hold the same revision."""

    def __init__(self) -> None:
        super().__init__(DEFAULT_CALENDAR)
        self.barrier: threading.Barrier | None = None

    def get(self, application_id: str) -> tuple[da.Application, int] | None:
        found = super().get(application_id)
        if self.barrier is not None:
            self.barrier.wait()
        return found


class Lifecycle:
    """The seed's real staff as principals, and the steps that bring a case to a contested point."""

    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self.blobs: dict[str, tuple[int, str]] = {}
        self.repo = ApplicationRepository(DEFAULT_CALENDAR)
        self.service = self._service(self.repo)
        self.racing_repo = RacingRepository()
        self.racing = self._service(self.racing_repo)
        self.item = next(i for i in seed.items if i.code == ITEM)
        self._filed = 0

    def _service(self, repo: ApplicationRepository) -> ApplicationService:
        return ApplicationService(repo, CatalogueRepository(), self.blobs.get, now=lambda: NOW)

    def principal(self, person_id: str) -> Principal:
        for staff in self.seed.staff:
            if staff.id == person_id:
                return Principal(
                    staff.id, frozenset(staff.roles), department_id=staff.department_id, centre_id=staff.centre_id
                )
        user = next(u for u in self.seed.users if u.id == person_id)
        return Principal(user.id, frozenset(user.roles), identifier=user.identifier or None)

    def accepted(self) -> da.Application:
        self._filed += 1
        refs: list[MaterialRef] = []
        for material in self.item.elements.materials:
            content = f"{self._filed}/{material.code}".encode()
            key = f"materials/{APPLICANT}/{self._filed:03d}-{material.code}"
            self.blobs[key] = (len(content), hashlib.sha256(content).hexdigest())
            refs.append(MaterialRef(material.code, f"{material.code}.pdf", key, self.blobs[key][1], len(content)))
        verified = next(u.identifier for u in self.seed.users if u.id == APPLICANT)
        applicant = da.Applicant(APPLICANT, "王海", verified)
        case = self.service.file(
            self.principal(APPLICANT),
            ITEM,
            "zs-city",
            applicant,
            refs,
            da.Channel.ONLINE,
            key=None,
            form_data=answers(self.item.elements.form),
        )
        return self.service.accept(self.principal(CLERK), case.id)

    def reviewed(self) -> da.Application:
        case = self.accepted()
        for reviewer in (LEAD_REVIEWERS[0], *CO_REVIEWERS):
            case = self.service.review(self.principal(reviewer), case.id, da.Opinion.AGREE, "符合要求")
        return case

    def reported(self) -> da.Application:
        case = self.reviewed()
        return self.service.decide(
            self.principal(APPROVER), case.id, da.Outcome.REJECTED, "用地性质不符", "《城乡规划法》第四十条"
        )


@dataclass(frozen=True)
class Race:
    """Two conflicting commands on a case brought to `setup`'s state; `actions` is the contested step."""

    setup: Callable[[Lifecycle], da.Application]
    racers: tuple[tuple[str, Callable[[Lifecycle], Command]], tuple[str, Callable[[Lifecycle], Command]]]
    actions: frozenset[str]
    refusals: frozenset[str]  # what the domain says to a command that loaded after the winner


def _review(who: str, opinion: da.Opinion) -> Callable[[Lifecycle], Command]:
    return lambda life: lambda svc, case_id: svc.review(life.principal(who), case_id, opinion, f"{who}的意见")


def _approve(life: Lifecycle) -> Command:
    return lambda svc, case_id: svc.decide(life.principal(APPROVER), case_id, da.Outcome.APPROVED, "准予许可", "")


def _withdraw(life: Lifecycle) -> Command:
    return lambda svc, case_id: svc.withdraw(life.principal(APPLICANT), case_id, "不再需要")


def _confirm(life: Lifecycle) -> Command:
    return lambda svc, case_id: svc.confirm_rejection(life.principal(SUPERVISORS[0]), case_id, "理由充分")


def _correct(life: Lifecycle) -> Command:
    return lambda svc, case_id: svc.correct_rejection(life.principal(SUPERVISORS[1]), case_id, "依据适用错误")


RACES = {
    # Two reviewers of the lead department give opinions on the one lead task.
    "same_department_reviewers": Race(
        Lifecycle.accepted,
        (
            (LEAD_REVIEWERS[0], _review(LEAD_REVIEWERS[0], da.Opinion.AGREE)),
            (LEAD_REVIEWERS[1], _review(LEAD_REVIEWERS[1], da.Opinion.OBJECT)),
        ),
        frozenset({"review"}),
        frozenset({da.Code.TASK_CLOSED}),
    ),
    # Every department has reviewed: the approver approves while the applicant withdraws.
    "approve_vs_withdraw": Race(
        Lifecycle.reviewed,
        ((APPROVER, _approve), (APPLICANT, _withdraw)),
        frozenset({"approve", "withdraw"}),
        frozenset({da.Code.ILLEGAL_TRANSITION}),
    ),
    # 否认报备: one supervisor confirms the refusal while another corrects it.
    "supervisors_confirm_vs_correct": Race(
        Lifecycle.reported,
        ((SUPERVISORS[0], _confirm), (SUPERVISORS[1], _correct)),
        frozenset({"confirm_rejection", "correct_rejection"}),
        frozenset({da.Code.ILLEGAL_TRANSITION}),
    ),
}


def _attempt(life: Lifecycle, command: Command, case_id: str) -> str:
    try:
        command(life.racing, case_id)
    except DomainError as error:
        return error.violations[0].code
    return "ok"


def _projection_rows(case_id: str, departments: set[str]) -> set[tuple[str, str]]:
    """Worklist and due-date rows that point at the case, as stored."""
    partitions = [
        *(f"INBOX#{kind}#{d}" for kind in ("review", "decision") for d in departments),
        "INBOX#intake#zs-city",
        "INBOX#rejection#supervision",
        "INBOX#issuance#zs-city",
        *(f"DUE#{kind}" for kind in ("intake", "co_review", "promised", "pledge", "warning")),
    ]
    return {(r.pk, r.sk) for pk in partitions for r in Record.query(pk) if f"#{case_id}" in r.sk}


def _check_round(life: Lifecycle, race: Race, case: da.Application, rev: int, winner: str) -> None:
    stored, stored_rev = life.repo.get(case.id)  # type: ignore[misc]
    assert stored_rev == rev + 1, "exactly one transaction replaced the head"
    events = life.repo.events(case.id)
    contested = [e for e in events if e.action in race.actions]
    assert len(contested) == 1, [(e.seq, e.action, e.actor) for e in events]
    assert contested[0].actor == winner and contested[0].seq == case.events + 1 == len(events)
    check = verify_chain(events, expected_head=stored.last_hash)
    assert check.intact and check.events == stored.events == len(events), check
    head = Record.get(f"APP#{case.id}", HEAD)
    derived = {(k[0], k[1]) for k in head.derived or []}
    departments = {t.department_id for t in stored.tasks}
    rows = _projection_rows(case.id, departments)
    assert rows == {k for k in derived if k[0].startswith(("INBOX#", "DUE#"))}, (rows, derived)


@pytest.fixture
def life(local_table: str, seed_data: Seed) -> Lifecycle:
    apply(seed_data)
    return Lifecycle(seed_data)


@pytest.mark.parametrize("name", list(RACES))
def test_conflicting_commands_one_wins_every_round(life: Lifecycle, name: str) -> None:
    race = RACES[name]
    (first_name, first), (second_name, second) = race.racers
    outcomes: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(ROUNDS):
            case = race.setup(life)
            _, rev = life.repo.get(case.id)  # type: ignore[misc]
            life.racing_repo.barrier = threading.Barrier(2, timeout=30)
            try:
                futures = {
                    first_name: pool.submit(_attempt, life, first(life), case.id),
                    second_name: pool.submit(_attempt, life, second(life), case.id),
                }
                results = {who: future.result(timeout=60) for who, future in futures.items()}
            finally:
                life.racing_repo.barrier = None
            winners = [who for who, result in results.items() if result == "ok"]
            assert len(winners) == 1, results
            loser = next(result for result in results.values() if result != "ok")
            assert loser == CONFLICT or loser in race.refusals, results
            outcomes[loser] += 1
            wins[winners[0]] += 1
            _check_round(life, race, case, rev, winners[0])

    assert sum(wins.values()) == sum(outcomes.values()) == ROUNDS
    # Both racers loaded the same revision before either committed (the barrier), so the loser
    # cannot have been refused by the domain: its transaction was, with CONFLICT.
    assert outcomes == {CONFLICT: ROUNDS}, (outcomes, wins)


@pytest.mark.parametrize("name", list(RACES))
def test_command_loaded_after_the_winner_is_refused_by_the_domain(life: Lifecycle, name: str) -> None:
    """The other path of the same race: the late command sees the new state and the domain says no."""
    race = RACES[name]
    (_, first), (_, second) = race.racers
    case = race.setup(life)
    first(life)(life.service, case.id)
    with pytest.raises(DomainError) as refused:
        second(life)(life.service, case.id)
    assert refused.value.violations[0].code in race.refusals
    events = life.repo.events(case.id)
    assert len([e for e in events if e.action in race.actions]) == 1
    assert verify_chain(events, expected_head=life.repo.get(case.id)[0].last_hash).intact  # type: ignore[index]


def test_racing_repository_really_holds_both_loads(life: Lifecycle) -> None:
    """Guard for the harness: with the barrier armed, neither `get` returns before both started."""
    case = life.accepted()
    order: list[str] = []
    lock = threading.Lock()

    def load(who: str) -> Any:
        with lock:
            order.append(f"start:{who}")
        found = life.racing_repo.get(case.id)
        with lock:
            order.append(f"loaded:{who}")
        return found

    life.racing_repo.barrier = threading.Barrier(2, timeout=30)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            loaded = list(pool.map(load, ["a", "b"]))
    finally:
        life.racing_repo.barrier = None
    assert all(found is not None and found[1] == loaded[0][1] for found in loaded)
    assert {o.split(":")[0] for o in order[:2]} == {"start"}, order
