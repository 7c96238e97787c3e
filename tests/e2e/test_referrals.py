"""Seed 004 二(四) 三级联动: steps referred to a higher authority are tracked by the window unit until
the result returns; the clock pauses or counts as the item says."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.outbox import Relay
from chalicelib.services.referrals import sweep_referrals
from chalicelib.storage.application_repository import ApplicationRepository
from tests.conftest import Api
from tests.delegation_flows import TRACKER, ok, referred, result_input, run, with_referral_step
from tests.flows import Case, op


def detail(api: Api, case_id: str) -> dict[str, Any]:
    body = api.gql(op("ApplicationReferrals"), {"id": case_id}, as_=TRACKER)
    found: dict[str, Any] = body["data"]["application"]
    return found


def test_seed004_referral_pauses_and_resumes_the_clock(api: Api, clock: Any) -> None:
    with_referral_step(counts=False, max_days=15)
    case = referred(api)
    before = date.fromisoformat(detail(api, case.id)["deadline"])
    (referral,) = detail(api, case.id)["referrals"]
    assert referral["countsTowardLimit"] is False and referral["expectedDays"] == 15
    assert referral["trackerId"] == TRACKER and referral["referenceNumber"] == "舟交运〔2026〕8号"
    worklist = api.gql(op("Referrals"), {}, as_=TRACKER)["data"]["referrals"]["edges"]
    assert [e["node"]["applicationId"] for e in worklist] == [case.id]

    clock.advance(days=7)  # Monday + 7 days: the paused working days push the deadline later
    paused = date.fromisoformat(detail(api, case.id)["deadline"])
    assert paused > before
    # A special step cannot stand in for the referral.
    step = api.gql(
        op("ApplicationSpecialStepEnd"), {"input": {"id": case.id, "kind": "REFERRAL_UPWARD", "note": "x"}}, as_=TRACKER
    )
    assert [e["code"] for e in step["data"]["applicationSpecialStepEnd"]["userErrors"]] == ["REFERRAL_STEP"]

    recorded = ok(api, "ApplicationReferralResultRecord", result_input(api, case.id), as_=TRACKER)["application"]
    (returned,) = recorded["referrals"]
    assert returned["status"] == "RETURNED" and returned["outcome"] == "APPROVED"
    assert returned["document"]["fileName"] == "省厅批复.pdf" and returned["resultOn"]
    # Resumed: the deadline is the original one plus exactly the working days paused, and stays put.
    resumed = date.fromisoformat(recorded["deadline"])
    paused_days = DEFAULT_CALENDAR.working_days_between(date(2026, 11, 2), date(2026, 11, 9))
    assert resumed == DEFAULT_CALENDAR.add_working_days(before, paused_days)
    clock.advance(days=2)
    assert date.fromisoformat(detail(api, case.id)["deadline"]) == resumed
    assert api.gql(op("Referrals"), {}, as_=TRACKER)["data"]["referrals"]["edges"] == []
    again = run(api, "ApplicationReferralResultRecord", result_input(api, case.id), as_=TRACKER)
    assert [e["code"] for e in again["userErrors"]] == ["NO_REFERRAL"]


def test_seed004_referral_result_without_referral_is_refused(api: Api) -> None:
    case = Case(api, "ZS-JT-001").accepted()
    body = run(api, "ApplicationReferralResultRecord", result_input(api, case.id), as_=TRACKER)
    assert [(e["field"], e["code"]) for e in body["userErrors"]] == [("id", "NO_REFERRAL")]
    assert body["application"] is None
    # Without a published referral step the authority's expected days are required, the tracker
    # must belong to the window unit, and the text fields are required: all at once.
    bad = run(
        api,
        "ApplicationReferralStart",
        {"input": {"id": case.id, "authority": " ", "referenceNumber": "", "trackerId": "reviewer-market-zhao"}},
        as_=TRACKER,
    )
    assert {(e["field"], e["code"]) for e in bad["userErrors"]} == {
        ("authority", "REQUIRED"),
        ("referenceNumber", "REQUIRED"),
        ("trackerId", "TRACKER_NOT_IN_DEPARTMENT"),
        ("expectedDays", "REQUIRED"),
    }
    # Nothing was written: the case's history has no referral event.
    history = api.gql(op("ApplicationDetail"), {"id": case.id}, as_=TRACKER)["data"]["application"]
    assert detail(api, case.id)["referrals"] == [] and history["state"] == "IN_REVIEW"


def test_seed004_referral_past_its_expected_duration_is_warned_once(api: Api, clock: Any) -> None:
    case = referred(api, expected_days=2)  # no referral step published: the clock keeps running
    (referral,) = detail(api, case.id)["referrals"]
    assert referral["countsTowardLimit"] is True
    repo = ApplicationRepository(DEFAULT_CALENDAR)
    clock.advance(days=2)  # Wednesday: the expected day, not yet exceeded
    assert sweep_referrals(repo, clock.now, Relay())["referral_overdue"] == 0
    clock.advance(days=1)
    assert sweep_referrals(repo, clock.now, Relay())["referral_overdue"] == 1
    assert sweep_referrals(repo, clock.now, Relay())["referral_overdue"] == 0
    warnings = api.gql(op("Warnings"), {}, as_=TRACKER)["data"]["warnings"]["edges"]
    referral_warnings = [w["node"] for w in warnings if w["node"]["deadline"] == "REFERRAL"]
    assert len(referral_warnings) == 1 and referral_warnings[0]["level"] == "RED"
    # The tracker is still answerable: the referral stays in the worklist until the result returns.
    assert len(api.gql(op("Referrals"), {}, as_=TRACKER)["data"]["referrals"]["edges"]) == 1
