"""Seeds 001 and 004 电子监察: a month of simulated cases at the city market bureau, driven through
the client operations and the daily sweep, checked against figures computed by hand.

November 2026 has no public holiday, so working days are Monday to Friday. Warnings come
2 working days before a deadline (the default). The sweep runs every evening; a deadline
"passes" in the first sweep of the following day.

Case  item (limit)                     story                                         decision (working days)
A     ZS-SCJG-004 (2, escalate)        accepted Mon 11-02, approved 11-03            on time (1)
B     ZS-SCJG-004 (2, escalate)        accepted Tue 11-03, warning ignored, red      overdue (4), approved 11-09
                                       flag 11-06
C     ZS-SCJG-001 (5, escalate)        accepted Mon 11-09, warning acknowledged,     overdue (8), refusal confirmed 11-19
                                       red flag 11-17, refused 11-18
D     ZS-SCJG-003 (immediate)          accepted and approved at the window 11-11     on time (0)
E     ZS-SCJG-002 (2, deemed approval) accepted with a pledge 11-16 (due 11-18);    overdue (3), deemed 11-19
                                       nobody acts: deemed approval + broken pledge
F     ZS-SCJG-004                      filed 11-20, one-time notice                  -
G     ZS-SCJG-004                      filed 11-16, no intake: deemed accepted 11-24 on time (1), approved 11-25
H     ZS-ZJ-001 (housing 3, natural    accepted 11-23; the co-reviewer stays silent: overdue (4), approved 11-27
      resources co-reviews in 2)       deemed consent 11-26 (an absence violation)

A is also rated 非常不满意 on 11-04: the market bureau's rectification falls due 15 working days
later (11-25), nobody records a follow-up, and it goes red on 11-26.

One lapse is one incident in the violation ledger: a missed deadline whose yellow warning was
never acknowledged records two violations under one number.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib.domain import statistics as dstat
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.outbox import Relay
from chalicelib.services.sweep import sweep, sweep_rectifications
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.rating_repository import RatingRepository
from tests.conftest import Api, Clock
from tests.flows import Case, gid, op

MARKET = "city-market"
CENTRE = "zs-city"


def _sweep(clock: Clock, day: date, twice: bool = True) -> None:
    """The evening sweep (21:00 China time); run twice to prove it is idempotent."""
    clock.set_china(day, 21)
    repo = ApplicationRepository(DEFAULT_CALENDAR)
    ratings = RatingRepository(DEFAULT_CALENDAR)
    sweep(repo)
    sweep_rectifications(ratings, day, clock.now, Relay())
    if twice:
        again = sweep(repo) + sweep_rectifications(ratings, day, clock.now, Relay())
        acted = ("warning_yellow", "escalate", "deemed", "pledge", "rectification_overdue", "rectification_warning")
        assert not {k for k in again if k.startswith(acted)}, again


def _decide(case: Case, outcome: str = "APPROVED") -> None:
    decision = {"outcome": outcome, "reason": "依法审查" if outcome == "APPROVED" else "不符合条件"}
    if outcome == "REJECTED":
        decision["legalBasis"] = "《行政许可法》第三十八条"
    case.run("ApplicationDecide", {"input": {"id": case.id, **decision}}, case.approver)


def _review(case: Case) -> None:
    case.run("ApplicationReview", case.review_input(), case.reviewer)


def _warnings(api: Api, as_: str, department: str = MARKET) -> list[dict[str, Any]]:
    body = api.gql(op("Warnings"), {"departmentId": gid("Department", department), "first": 100}, as_=as_)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["warnings"]["edges"]]


def _feed(api: Api, as_: str, feed: str = "PERSONAL") -> list[dict[str, Any]]:
    body = api.gql(op("Notifications"), {"feed": feed, "first": 100}, as_=as_)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["notifications"]["edges"]]


def _statistics(api: Api, kind: str, ident: str, as_: str) -> dict[str, Any]:
    body = api.gql(
        op("Statistics"),
        {"scope": {"kind": kind, "id": ident}, "from": "2026-11-01", "to": "2026-11-30"},
        as_=as_,
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["statistics"]
    return result


def test_seed004_a_month_of_supervision(api: Api, clock: Clock) -> None:
    d = date
    cases: dict[str, Case] = {}

    def new(name: str, item: str) -> Case:
        cases[name] = Case(api, item)
        return cases[name]

    supervisor = api.staff_with("supervisor")
    head = next(dep.head_staff_id for dep in api.seed.departments if dep.id == MARKET)
    reviewer = new("A", "ZS-SCJG-004").reviewer

    day = d(2026, 11, 2)
    while day <= d(2026, 11, 30):
        clock.set_china(day)
        if day.weekday() < 5:
            _actions(day, cases, new, api)
        _sweep(clock, day)
        if day == d(2026, 11, 12):
            # The reviewer acknowledges C's yellow warning the day it arrives.
            (warning,) = [w for w in _warnings(api, reviewer) if w["trackingCode"] == _code(api, cases["C"])]
            body = api.gql(op("WarningAcknowledge"), {"input": {"id": warning["id"]}}, as_=reviewer)
            assert body["data"]["warningAcknowledge"]["userErrors"] == [], body
        day += timedelta(days=1)

    # --- warnings: yellow before, red after, stored once -----------------------------------------
    warnings = _warnings(api, supervisor)
    got = sorted((_name(api, cases, w["trackingCode"]), w["deadline"], w["level"], w["dueOn"]) for w in warnings)
    assert got == [
        ("A", "PROMISED", "YELLOW", "2026-11-04"),
        ("A", "RECTIFICATION", "RED", "2026-11-25"),
        ("A", "RECTIFICATION", "YELLOW", "2026-11-25"),
        ("B", "PROMISED", "RED", "2026-11-05"),
        ("B", "PROMISED", "YELLOW", "2026-11-05"),
        ("C", "PROMISED", "RED", "2026-11-16"),
        ("C", "PROMISED", "YELLOW", "2026-11-16"),
        ("E", "PROMISED", "RED", "2026-11-18"),
        ("E", "PROMISED", "YELLOW", "2026-11-18"),
        ("G", "PROMISED", "YELLOW", "2026-11-26"),
    ]
    acknowledged = {_name(api, cases, w["trackingCode"]) for w in warnings if w["acknowledgedBy"]}
    assert acknowledged == {"C"}
    # The joint case: the silent co-reviewer's warnings are its own, the lead's promised limit the lead's.
    joint = {
        department: sorted((w["deadline"], w["level"], w["dueOn"]) for w in _warnings(api, supervisor, department))
        for department in ("city-natural-resources", "city-housing")
    }
    assert joint == {
        "city-natural-resources": [("CO_REVIEW", "RED", "2026-11-25"), ("CO_REVIEW", "YELLOW", "2026-11-25")],
        "city-housing": [("PROMISED", "YELLOW", "2026-11-26")],
    }
    # Once the lead reviewer has reviewed, the promised limit's warning also names them.
    assert [_data(n)["deadline"] for n in _feed(api, cases["H"].reviewer)] == ["promised"]
    # The pledge's warnings go to the applicant and the accepting clerk.
    pledge = sorted((_data(n)["deadline"], _data(n)["level"]) for n in _feed(api, "applicant-wang"))
    assert pledge == [("pledge", "red"), ("pledge", "yellow")]
    clerk_feed = _feed(api, cases["E"].clerk)
    assert sorted(_data(n)["level"] for n in clerk_feed if _data(n).get("deadline") == "pledge") == ["red", "yellow"]
    # Nobody at the window acknowledged the pledge's yellow warning, addressed to the clerk's post:
    # the clerk's lapse (seed 004 四.2), a 通报 in their feed besides the warnings.
    assert [n["kind"] for n in clerk_feed if not _data(n).get("deadline")] == ["BULLETIN"]

    # Each warning (and the rectification task) reached the department's feed and its head once.
    department_feed = _feed(api, reviewer, "DEPARTMENT")
    kinds = sorted(n["kind"] for n in department_feed)
    assert kinds == ["RECTIFICATION"] + ["WARNING"] * 10 and len({n["id"] for n in department_feed}) == 11
    assert len(_feed(api, head)) == 11

    # --- violation ledger: numbered per department-year, escalating from the second ---------------
    body = api.gql(op("ViolationLedger"), {"year": 2026, "departmentId": gid("Department", MARKET)}, as_=supervisor)
    ledger = [e["node"] for e in body["data"]["violationLedger"]["edges"]]
    assert [(_case_of(cases, v["applicationId"]), v["kind"], v["ordinal"], v["escalation"]) for v in ledger] == [
        ("B", "OVERDUE_DECISION", 1, "NOTICE"),
        ("B", "WARNING_IGNORED", 1, "NOTICE"),
        ("C", "OVERDUE_DECISION", 2, "EVALUATION_FLAG"),
        ("E", "OVERDUE_DECISION", 3, "EVALUATION_FLAG"),
        ("E", "WARNING_IGNORED", 3, "EVALUATION_FLAG"),
        ("A", "RECTIFICATION_OVERDUE", 4, "EVALUATION_FLAG"),
        ("A", "WARNING_IGNORED", 4, "EVALUATION_FLAG"),
    ]
    body = api.gql(op("ViolationLedger"), {"year": 2026}, as_=supervisor)
    everyone = [e["node"] for e in body["data"]["violationLedger"]["edges"]]
    window = [v for v in everyone if v["chargedTo"] == CENTRE]
    assert [(_case_of(cases, v["applicationId"]), v["kind"], v["ordinal"]) for v in window] == [
        ("G", "INTAKE_OVERDUE", 1)
    ]
    absent = [v for v in everyone if v["chargedTo"] == "city-natural-resources"]
    assert [(_case_of(cases, v["applicationId"]), v["kind"], v["ordinal"], v["escalation"]) for v in absent] == [
        ("H", "CO_REVIEWER_ABSENT", 1, "NOTICE"),
        ("H", "WARNING_IGNORED", 1, "NOTICE"),
    ]
    assert len(everyone) == 10

    # --- statistics: department and centre for the month, by hand ----------------------------------
    expected = {
        "received": 7,
        "accepted": 6,
        "immediateShare": 1 / 7,
        "decided": 6,
        "decidedOnTime": 3,
        "decidedOverdue": 3,
        "onTimeRate": 0.5,
        "averageWorkingDays": (1 + 4 + 8 + 0 + 3 + 1) / 6,
        "p90WorkingDays": 8,
        "deficiencyAcceptances": 1,
        "pledgeDefaults": 1,
        "noticesIssued": 1,
        "rejectionsConfirmed": 1,
        "rejectionsCorrected": 0,
        "warningsYellow": 6,  # A, B, C, E, G promised limits and A's rectification (E's pledge is the applicant's)
        "warningsRed": 4,  # B, C, E and A's rectification
        "violations": 7,
    }
    figures = _statistics(api, "DEPARTMENT", gid("Department", MARKET), supervisor)
    assert {k: figures[k] for k in expected} == expected
    assert figures["ratings"][-1] == {"level": 1, "count": 1}
    # The counters agree with the records they count.
    assert (len([w for w in warnings if w["level"] == "YELLOW"]), len(ledger)) == (6, 7)
    centre = _statistics(api, "CENTRE", gid("Centre", CENTRE), supervisor)
    assert {k: centre[k] for k in expected} == {
        **expected,
        "received": 8,
        "accepted": 7,
        "immediateShare": 1 / 8,
        "decided": 7,
        "decidedOverdue": 4,
        "onTimeRate": 3 / 7,
        "averageWorkingDays": (1 + 4 + 8 + 0 + 3 + 1 + 4) / 7,
        "warningsYellow": 6 + 1 + 2,  # + E's pledge, H's co-review and promised limit
        "warningsRed": 4 + 1 + 1,  # + E's pledge, H's co-review
        "violations": 1,  # G's late intake is the window's
    }
    item = _statistics(api, "ITEM", gid("ServiceItem", "ZS-SCJG-004"), supervisor)  # A, B, F and G
    assert (item["received"], item["accepted"], item["decidedOnTime"], item["decidedOverdue"]) == (4, 3, 2, 1)
    absent = _statistics(api, "DEPARTMENT", gid("Department", "city-natural-resources"), supervisor)
    assert (absent["received"], absent["warningsYellow"], absent["warningsRed"], absent["violations"]) == (0, 1, 1, 2)
    # A decision is the decider's: the approver decided A, B, C (a refusal the supervisor confirmed),
    # D and G; the supervisor only confirmed. A's rating counts for its decider too.
    approver = cases["A"].approver
    mine = _statistics(api, "STAFF", approver, approver)
    assert (mine["decided"], mine["decidedOnTime"], mine["decidedOverdue"]) == (5, 3, 2)
    assert mine["ratings"][-1] == {"level": 1, "count": 1}
    theirs = _statistics(api, "STAFF", supervisor, supervisor)
    assert (theirs["rejectionsConfirmed"], theirs["decided"]) == (1, 0)

    # --- the counters agree with a recount of every case's audit events -----------------------------
    repo = ApplicationRepository(DEFAULT_CALENDAR)
    recount: dict[str, int] = {}
    for case in cases.values():
        found = repo.get(_raw_id(case.id))
        assert found is not None
        if found[0].lead_department_id != MARKET:
            continue  # H is the housing bureau's
        for event in repo.events(found[0].id):
            for name, value in _recount_event(found[0], event).items():
                recount[name] = recount.get(name, 0) + value
    totals = repo.statistics.totals(dstat.scope("department", MARKET), d(2026, 11, 1), d(2026, 11, 30))
    for name, value in recount.items():
        assert totals[name] == value, name


def _actions(day: date, cases: dict[str, Case], new: Any, api: Api) -> None:
    d = date
    if day == d(2026, 11, 2):
        cases["A"].accepted()
    if day == d(2026, 11, 3):
        _review(cases["A"])
        _decide(cases["A"])
        new("B", "ZS-SCJG-004").accepted()
    if day == d(2026, 11, 4):
        a = cases["A"]
        worst = {"efficiency": 1, "guideAccuracy": 1, "convenience": 1, "attitude": 1}
        rating = {"applicationId": a.id, "level": "VERY_DISSATISFIED", "indicators": worst, "comment": "多次往返"}
        body = api.gql(op("ApplicationRate"), {"input": rating}, as_="applicant-wang")
        assert body["data"]["applicationRate"]["userErrors"] == [], body
    if day == d(2026, 11, 9):
        _review(cases["B"])
        _decide(cases["B"])
        new("C", "ZS-SCJG-001").accepted()
    if day == d(2026, 11, 11):
        immediate = new("D", "ZS-SCJG-003").accepted()
        _decide(immediate)
    if day == d(2026, 11, 16):
        e = new("E", "ZS-SCJG-002").filed(skip=1)
        secondary = [m.code for m in e.item.elements.materials if m.kind.value == "secondary"][:1]
        e.run(
            "ApplicationAcceptWithDeficiency",
            {"input": {"id": e.id, "missingMaterialCodes": secondary, "pledgeDueOn": "2026-11-18"}},
            e.clerk,
        )
        new("G", "ZS-SCJG-004").filed()
    if day == d(2026, 11, 18):
        _review(cases["C"])
        _decide(cases["C"], "REJECTED")
    if day == d(2026, 11, 19):
        c = cases["C"]
        c.run("RejectionReportConfirm", {"input": {"id": c.id, "note": "否认理由成立"}}, c.supervisor)
    if day == d(2026, 11, 20):
        f = new("F", "ZS-SCJG-004").filed(skip=1)
        missing = next(m.code for m in f.item.elements.materials if m.kind.value == "secondary")
        notice = {
            "id": f.id,
            "entries": [{"materialCode": missing, "problem": "MISSING", "description": "未提交"}],
            "procedure": "补正后重新提交",
        }
        f.run("ApplicationNoticeIssue", {"input": notice}, f.clerk)
    if day == d(2026, 11, 23):
        new("H", "ZS-ZJ-001").accepted()
    if day == d(2026, 11, 24):
        _review(cases["H"])  # the lead reviews; the co-reviewer never does
    if day == d(2026, 11, 25):
        _review(cases["G"])
        _decide(cases["G"])
    if day == d(2026, 11, 27):
        _decide(cases["H"])


_DECISIONS = {"approve", "deemed_approval", "confirm_rejection"}


def _recount_event(case: Any, event: Any) -> dict[str, int]:
    """An independent recount from the audit trail: what each recorded action should have added."""
    from datetime import datetime

    from chalicelib.domain import application as da

    out: dict[str, int] = {}
    action = event.action
    names = {
        "file": "received",
        "issue_notice": "notices",
        "pledge_broken": "pledge_defaults",
        "confirm_rejection": "rejections_confirmed",
        "correct_rejection": "rejections_corrected",
        "accept_with_deficiency": "deficiency_accepted",
    }
    if action in names:
        out[names[action]] = 1
    if action in {"accept", "accept_with_deficiency", "deemed_accept"}:
        out["accepted"] = 1
    if action in _DECISIONS:
        day = da.china_date(datetime.fromisoformat(event.at))
        start = case.review_opened_on or case.accepted_on
        used = DEFAULT_CALENDAR.working_days_between(start, day)  # no special steps in this month
        due = DEFAULT_CALENDAR.add_working_days(start, case.item.elements.promised_limit_days)
        out["decided"] = 1
        out["wd_sum"] = used
        out["decided_on_time" if day <= due else "decided_overdue"] = 1
    return out


def _data(notification: dict[str, Any]) -> dict[str, str]:
    return {x["key"]: x["value"] for x in notification["data"]}


def _raw_id(global_id: str) -> str:
    from chalicelib.api.relay import decode_id

    return decode_id(global_id, "Application")


def _code(api: Api, case: Case) -> str:
    body = api.gql(op("ApplicationDetail"), {"id": case.id}, as_="applicant-wang")
    code: str = body["data"]["application"]["trackingCode"]
    return code


def _name(api: Api, cases: dict[str, Case], tracking_code: str) -> str:
    return next(n for n, c in cases.items() if _code(api, c) == tracking_code)


def _case_of(cases: dict[str, Case], application_id: str) -> str:
    return next(n for n, c in cases.items() if c.id == application_id)
