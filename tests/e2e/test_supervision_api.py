"""Supervision queries and commands: who may see and do what, bad input, and request counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.sweep import sweep
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.tables import Record
from tests.conftest import Api, CallCounter, Clock
from tests.flows import Case, gid, op
from tests.forms import answers

MARKET = "city-market"


@pytest.fixture
def warned(api: Api, clock: Clock) -> Case:
    """A market case accepted Monday (due Wednesday): yellow Monday, red and two violations
    (overdue, ignored warning) in Thursday's sweep."""
    case = Case(api, "ZS-SCJG-004").accepted()
    for day in (2, 3, 4, 5):
        clock.set_china(date(2026, 11, day), 21)
        sweep(ApplicationRepository(DEFAULT_CALENDAR))
    return case


def _errors(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def _stats(api: Api, as_: str, kind: str, ident: str, start: str, end: str) -> dict[str, Any]:
    result: dict[str, Any] = api.gql(
        op("Statistics"), {"scope": {"kind": kind, "id": ident}, "from": start, "to": end}, as_=as_
    )
    return result


def _warnings(api: Api, as_: str) -> list[dict[str, Any]]:
    body = api.gql(op("Warnings"), {"departmentId": gid("Department", MARKET)}, as_=as_)
    return [e["node"] for e in body["data"]["warnings"]["edges"]]


def _snapshot() -> list[tuple[str, str, int]]:
    """Every warning and violation record with its revision: bad commands must leave them as they were."""
    keys: list[tuple[str, str, int]] = []
    for prefix in ("VIOLATION#", "WARN#"):
        for record in Record.scan(Record.pk.startswith(prefix)):  # test-only inspection
            keys.append((record.pk, record.sk, int(record.rev)))
    return sorted(keys)


def test_statistics_ranges_and_scopes_are_checked(warned: Case, api: Api) -> None:
    supervisor = api.staff_with("supervisor")
    market = gid("Department", MARKET)
    assert _errors(_stats(api, supervisor, "DEPARTMENT", market, "2026-11-30", "2026-11-01")) == ["RANGE_REVERSED"]
    assert _errors(_stats(api, supervisor, "DEPARTMENT", market, "2025-01-01", "2026-11-30")) == ["RANGE_TOO_LONG"]
    assert _errors(_stats(api, supervisor, "DEPARTMENT", "bm90LWFuLWlk", "2026-11-01", "2026-11-30")) == ["INVALID_ID"]
    # Department staff see their own department and its items, not another department.
    other = next(s.id for s in api.seed.staff if s.department_id == "city-housing" and "reviewer" in s.roles)
    assert _errors(_stats(api, other, "DEPARTMENT", market, "2026-11-01", "2026-11-30")) == ["SCOPE_FORBIDDEN"]
    item = gid("ServiceItem", "ZS-SCJG-004")
    assert _errors(_stats(api, other, "ITEM", item, "2026-11-01", "2026-11-30")) == ["SCOPE_FORBIDDEN"]
    assert _errors(_stats(api, warned.reviewer, "ITEM", item, "2026-11-01", "2026-11-30")) == []
    assert _errors(_stats(api, warned.reviewer, "STAFF", warned.approver, "2026-11-01", "2026-11-30")) == []
    assert _errors(_stats(api, warned.clerk, "STAFF", warned.clerk, "2026-11-01", "2026-11-30")) == []
    assert _errors(_stats(api, warned.clerk, "STAFF", warned.approver, "2026-11-01", "2026-11-30")) == [
        "SCOPE_FORBIDDEN"
    ]
    # Applicants are not staff at all.
    assert _errors(_stats(api, "applicant-wang", "DEPARTMENT", market, "2026-11-01", "2026-11-30")) == ["FORBIDDEN"]
    figures = _stats(api, warned.reviewer, "DEPARTMENT", market, "2026-11-01", "2026-11-30")["data"]["statistics"]
    assert (figures["received"], figures["accepted"], figures["warningsYellow"], figures["warningsRed"]) == (1, 1, 1, 1)
    assert figures["violations"] == 2 and figures["decided"] == 0 and figures["averageWorkingDays"] is None


def test_statistics_cost_one_query(warned: Case, api: Api, ddb_calls: CallCounter) -> None:
    supervisor = api.staff_with("supervisor")
    ddb_calls.reset()
    body = _stats(api, supervisor, "DEPARTMENT", gid("Department", MARKET), "2026-11-01", "2026-11-30")
    assert body["data"]["statistics"]["received"] == 1
    # The counters, and the hierarchy for the supervisor's scope (seed 000: a centre's subtree).
    assert dict(ddb_calls.calls) == {"Query": 2}


def test_acknowledging_warnings(warned: Case, api: Api) -> None:
    yellow, red = sorted(_warnings(api, warned.reviewer), key=lambda w: w["level"] != "YELLOW")
    assert (yellow["level"], red["level"]) == ("YELLOW", "RED")
    outsider = next(s.id for s in api.seed.staff if s.department_id == "city-housing" and "reviewer" in s.roles)
    before = _snapshot()

    def ack(warning_id: str, as_: str) -> list[str]:
        body = api.gql(op("WarningAcknowledge"), {"input": {"id": warning_id}}, as_=as_)
        return [e["code"] for e in body["data"]["warningAcknowledge"]["userErrors"]]

    assert ack(yellow["id"], outsider) == ["NOT_FOUND"]  # not theirs: looks unknown
    assert ack(red["id"], warned.reviewer) == ["NOT_ACKNOWLEDGEABLE"]
    assert ack(gid("SupervisionWarning", "nope"), warned.reviewer) == ["NOT_FOUND"]
    assert ack(gid("Application", "x"), warned.reviewer) == ["INVALID_ID"]
    assert _snapshot() == before
    assert ack(yellow["id"], warned.reviewer) == []
    assert ack(yellow["id"], warned.reviewer) == ["ALREADY_ACKNOWLEDGED"]
    (acked,) = [w for w in _warnings(api, warned.reviewer) if w["acknowledgedBy"]]
    assert acked["acknowledgedBy"] == warned.reviewer and acked["acknowledgedAt"]
    body = api.gql(op("WarningAcknowledge"), {"input": {"id": yellow["id"]}}, as_="applicant-wang")
    assert _errors(body) == ["FORBIDDEN"]


def test_violation_ledger_scope_and_annotations(warned: Case, api: Api) -> None:
    supervisor = api.staff_with("supervisor")
    market = gid("Department", MARKET)
    body = api.gql(op("ViolationLedger"), {"year": 2026, "departmentId": market}, as_=supervisor)
    overdue, ignored = [e["node"] for e in body["data"]["violationLedger"]["edges"]]
    # One lapse (a missed deadline whose warning was ignored) is one incident: the first is a notice.
    assert [(v["kind"], v["ordinal"], v["escalation"]) for v in (overdue, ignored)] == [
        ("OVERDUE_DECISION", 1, "NOTICE"),
        ("WARNING_IGNORED", 1, "NOTICE"),
    ]
    # Department staff read their own ledger; another department's is refused.
    own = api.gql(op("ViolationLedger"), {"year": 2026}, as_=warned.reviewer)
    assert len(own["data"]["violationLedger"]["edges"]) == 2
    outsider = next(s.id for s in api.seed.staff if s.department_id == "city-housing" and "reviewer" in s.roles)
    refused = api.gql(op("ViolationLedger"), {"year": 2026, "departmentId": market}, as_=outsider)
    assert _errors(refused) == ["SCOPE_FORBIDDEN"]
    assert _errors(api.gql(op("ViolationLedger"), {"year": 2027}, as_=supervisor)) == ["OUT_OF_RANGE"]

    before = _snapshot()

    def annotate(violation_id: str, note: str, as_: str) -> dict[str, Any]:
        payload: dict[str, Any] = api.gql(
            op("ViolationAnnotate"), {"input": {"id": violation_id, "note": note}}, as_=as_
        )
        return payload

    assert _errors(annotate(overdue["id"], "整改", warned.reviewer)) == ["FORBIDDEN"]
    result = annotate(overdue["id"], "   ", supervisor)["data"]["violationAnnotate"]
    assert [e["code"] for e in result["userErrors"]] == ["NOTE_REQUIRED"]
    result = annotate(overdue["id"], "长" * 1001, supervisor)["data"]["violationAnnotate"]
    assert [e["code"] for e in result["userErrors"]] == ["OUT_OF_RANGE"]
    result = annotate(gid("Violation", "city-market|nope"), "x", supervisor)["data"]["violationAnnotate"]
    assert [e["code"] for e in result["userErrors"]] == ["NOT_FOUND"]
    assert _snapshot() == before
    result = annotate(overdue["id"], "已约谈部门负责人,限期整改", supervisor)["data"]["violationAnnotate"]
    assert result["userErrors"] == []
    (note,) = result["violation"]["annotations"]
    assert note["by"] == supervisor and note["note"] == "已约谈部门负责人,限期整改"


def test_notification_feeds(warned: Case, api: Api) -> None:
    body = api.gql(op("Notifications"), {"feed": "DEPARTMENT"}, as_="applicant-wang")
    assert _errors(body) == ["SCOPE_FORBIDDEN"]
    body = api.gql(op("Notifications"), {"feed": "DEPARTMENT"}, as_=warned.reviewer)
    titles = [e["node"]["title"] for e in body["data"]["notifications"]["edges"]]
    assert len(titles) == 2 and titles[0].startswith("红牌警告") and titles[1].startswith("黄牌预警")
    assert _errors(api.gql(op("Notifications"), {}, token=None)) == ["UNAUTHENTICATED"]


def test_the_local_scheduler_runs_the_schedules(api: Api, clock: Clock, capsys: pytest.CaptureFixture[str]) -> None:
    """`chalice local` runs no schedules; scripts/dev runs infra.local_scheduler beside it."""
    import json

    from infra import local_scheduler

    Case(api, "ZS-SCJG-004").accepted()
    clock.set_china(date(2026, 11, 2), 21)
    assert local_scheduler.main(["--once"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["warning_yellow"] == 1 and result["outbox_delivered"] == 0  # delivered inline already
    assert local_scheduler.main(["--once"]) == 0
    assert "warning_yellow" not in json.loads(capsys.readouterr().out)


def test_every_change_of_the_largest_joint_case_fits_one_transaction(seeded: Any) -> None:
    """Each co-reviewer adds a worklist row, a due date and a warning day; a change that moves
    every deadline deletes and rewrites all of them. At the catalogue's bound on co-reviewers the
    worst changes (acceptance, a pause re-filed by the sweep, an extension with an idempotency
    key) still fit DynamoDB's 100 writes per transaction."""
    import secrets
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain import application as da
    from chalicelib.domain.catalogue import MAX_CO_REVIEWERS, CoReviewer, SpecialStepKind
    from chalicelib.domain.identity import Principal, Role
    from chalicelib.storage.catalogue_repository import CatalogueRepository
    from chalicelib.storage.unit_of_work import MAX_ITEMS, UnitOfWork

    found = CatalogueRepository().get_item("ZS-ZRZY-001")
    assert found is not None
    co = tuple(CoReviewer(f"department-{i}", 5) for i in range(MAX_CO_REVIEWERS))
    item = replace(found[0], elements=replace(found[0].elements, co_reviewers=co))
    lead = item.elements.department_id
    clerk = Principal("clerk-x", frozenset({Role.CLERK}), department_id="city-bureau", centre_id="zs-city")
    reviewer = Principal("reviewer-x", frozenset({Role.REVIEWER}), department_id=lead, centre_id="zs-city")
    supervisor = Principal("supervisor-x", frozenset({Role.SUPERVISOR}), department_id="sup", centre_id="zs-city")
    now = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    materials = tuple(
        da.SubmittedMaterial(m.code, "a.pdf", f"b-{m.code}", "0" * 64, 1, 1) for m in item.elements.materials
    )
    filed = da.file(
        application_id=secrets.token_hex(10),
        tracking_code="ABCDEFGHJK",
        item=item,
        applicant=da.Applicant("a", "王海燕", "330902199001011234"),
        actor=clerk,
        channel=da.Channel.WINDOW,
        centre_id="zs-city",
        materials=materials,
        now=now,
        agent_authorised=False,
        form_data=answers(item.elements.form),
    )
    repo = ApplicationRepository(DEFAULT_CALENDAR)
    sizes: dict[str, int] = {}

    def commit(name: str, stage: Any, extra: int = 0) -> None:
        uow = UnitOfWork()
        stage(uow)
        sizes[name] = len(uow) + extra
        assert sizes[name] <= MAX_ITEMS, sizes
        uow.commit()

    commit("file", lambda uow: repo.stage_new(uow, filed.case, filed.event, date(2026, 11, 2)))
    case, rev = repo.get(filed.case.id) or (filed.case, 1)
    accepted = da.accept(case, clerk, now)
    commit("accept", lambda uow: repo.stage_change(uow, case, accepted.case, rev, accepted.event, date(2026, 11, 2)), 1)
    case, rev = repo.get(case.id) or (case, 0)
    paused = da.start_special_step(case, reviewer, now, SpecialStepKind.EXPERT_REVIEW, "专家评审")
    commit("pause", lambda uow: repo.stage_change(uow, case, paused.case, rev, paused.event, date(2026, 11, 2)), 1)
    case, rev = repo.get(case.id) or (case, 0)
    later = date(2026, 11, 5)  # the open pause has pushed every deadline: the sweep re-files them all
    commit("refile", lambda uow: repo.stage_refresh(uow, case, rev, later))
    case, rev = repo.get(case.id) or (case, 0)
    extended = da.grant_extension(case, supervisor, now + timedelta(days=3), 5, "情况复杂")
    commit("extend", lambda uow: repo.stage_change(uow, case, extended.case, rev, extended.event, later), 1)
    assert max(sizes.values()) > 6 * MAX_CO_REVIEWERS  # the worst case was really exercised


def test_an_acknowledgement_racing_the_sweep_is_not_charged_as_ignored(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep guards the yellow warning it found unacknowledged: if someone acknowledges it
    before the sweep commits, the sweep's transaction fails and the next run sees the truth."""
    from chalicelib.domain.identity import Principal
    from chalicelib.services.supervision import SupervisionService
    from chalicelib.storage.catalogue_repository import CatalogueRepository
    from chalicelib.storage.supervision_repository import SupervisionRepository

    case = Case(api, "ZS-SCJG-004").accepted()
    repo = ApplicationRepository(DEFAULT_CALENDAR)
    for day in (2, 3, 4):
        clock.set_china(date(2026, 11, day), 21)
        sweep(repo)
    (yellow,) = _warnings(api, case.reviewer)
    reviewer = next(s for s in api.seed.staff if s.id == case.reviewer)
    principal = Principal(
        reviewer.id, frozenset(reviewer.roles), department_id=reviewer.department_id, centre_id=reviewer.centre_id
    )
    original = SupervisionRepository.warning
    raced: list[str] = []

    def read_then_acknowledged(self: SupervisionRepository, subject_id: str, key: str) -> Any:
        found = original(self, subject_id, key)
        if found and key.endswith(":yellow") and not raced:
            raced.append(key)  # the reviewer acknowledges just after the sweep read the warning
            SupervisionService(CatalogueRepository()).acknowledge(principal, subject_id, key)
        return found

    monkeypatch.setattr(SupervisionRepository, "warning", read_then_acknowledged)
    clock.set_china(date(2026, 11, 5), 21)
    assert sweep(repo)["conflict"] == 1  # lost to the acknowledgement: nothing written
    monkeypatch.setattr(SupervisionRepository, "warning", original)
    assert sweep(repo)["escalate"] == 1
    body = api.gql(op("ViolationLedger"), {"year": 2026}, as_=case.reviewer)
    kinds = [e["node"]["kind"] for e in body["data"]["violationLedger"]["edges"]]
    assert kinds == ["OVERDUE_DECISION"] and yellow["level"] == "YELLOW"


def test_one_failing_case_does_not_stop_the_sweep(api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.api.relay import decode_id
    from chalicelib.services import sweep as sweep_module

    broken, fine = Case(api, "ZS-SCJG-004").accepted(), Case(api, "ZS-SCJG-004").accepted()
    broken_id = decode_id(broken.id, "Application")
    original = sweep_module._apply

    def failing(entry: Any, *args: Any) -> str:
        if entry.application_id == broken_id:
            raise ValueError("a bug in one case")
        return original(entry, *args)

    monkeypatch.setattr(sweep_module, "_apply", failing)
    clock.set_china(date(2026, 11, 2), 21)
    done = sweep(ApplicationRepository(DEFAULT_CALENDAR))
    assert (done["failed"], done["warning_yellow"]) == (1, 1)  # the other case still got its warning
    assert fine.id

    def broken_expiry(*args: Any) -> int:
        raise RuntimeError("certificate registry unavailable")

    monkeypatch.setattr(sweep_module, "expire_certificates", broken_expiry)
    result = sweep_module.run_sweep()
    assert result["certificate_expired_failed"] == 1 and "outbox_delivered" in result  # later phases ran
