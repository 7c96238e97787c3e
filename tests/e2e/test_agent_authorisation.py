"""Who may be authorised as a proxy agent (代办), through `/graphql`.

An applicant names the agent by account id. Only another person's applicant account that the
identity registry (身份认证库, seed 001 三(二)3) knows as verified may be authorised: an agent acts and
pledges in the applicant's name. A malformed id, an unknown one, a staff member's (whatever records
it has), an unverified account and the applicant's own all get the same answer, so the grant cannot
be used to probe which accounts exist or who works at a centre; nothing is written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.flows import verified_account

GRANT = """mutation($input: AgentAuthorisationGrantInput!) { agentAuthorisationGrant(input: $input) {
  authorisation { agentId validUntil } userErrors { field code message } } }"""
UNTIL = "2027-01-31"


@pytest.fixture
def api_on_monday(api: Api, clock: Clock) -> Api:
    clock.set_china(date(2026, 11, 2))
    return api


def _grant(api: Api, agent: str, until: str = UNTIL, as_: str = "applicant-wang") -> dict[str, Any]:
    body = api.gql(GRANT, {"input": {"agentId": agent, "validUntil": until}}, as_=as_)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["agentAuthorisationGrant"]
    return payload


def _stored(agent: str) -> object:
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.storage.application_repository import ApplicationRepository

    return ApplicationRepository(DEFAULT_CALENDAR).authorisation("applicant-wang", agent)


def test_seed001_only_a_verified_applicant_account_may_be_authorised_as_agent(
    api_on_monday: Api, ddb_calls: CallCounter
) -> None:
    """seed 001 三(二)3 身份认证库: the agent's account must be one the registry verified; every other id
    gets one answer (code and message) and nothing is written."""
    api = api_on_monday
    verified_account(api, "agent-chen")
    verified_account(api, "applicant-zhou")
    # A staff member's id is no applicant account even when a verification hangs on it.
    from chalicelib.domain import verified_identity as dvi
    from chalicelib.storage.identity_repository import IdentityRepository
    from chalicelib.storage.unit_of_work import UnitOfWork

    identifier, kind = dvi.classify("330902198808083318")
    uow = UnitOfWork()
    seen = dvi.VerifiedIdentity(
        identifier, kind, "李明", "clerk-li", dvi.Verification.REAL_NAME, "2026-11-01T09:00:00+08:00"
    )
    IdentityRepository().stage_link(uow, seen, "clerk-li")
    uow.commit()

    answers = {}
    for agent in ("agent-nobody", "clerk-li", "reviewer-market-zhao", "agent-unverified"):
        ddb_calls.reset()
        answers[agent] = _grant(api, agent)
        # one BatchGetItem (the account's verification, whether it is a staff member's), no write
        assert dict(ddb_calls.calls) == {"BatchGetItem": 1}, agent
    for agent in ("applicant-wang", "", "   ", "a" * 129, "agent\nchen", "agent\u200bchen"):
        ddb_calls.reset()
        answers[agent] = _grant(api, agent)
        assert dict(ddb_calls.calls) == {}, agent  # her own or malformed: nothing worth looking up
    refused = {
        "authorisation": None,
        "userErrors": [
            {
                "field": "agentId",
                "code": "AGENT_ACCOUNT_INVALID",
                "message": "代办员账号无效:须为他人已通过实名认证的申请人账号,请核对代办员提供的账号",
            }
        ],
    }
    assert all(answer == refused for answer in answers.values()), answers
    assert all(_stored(agent.strip()) is None for agent in answers if agent.strip() and len(agent) < 129)

    ddb_calls.reset()
    assert _grant(api, "agent-chen") == {
        "authorisation": {"agentId": "agent-chen", "validUntil": UNTIL},
        "userErrors": [],
    }
    assert dict(ddb_calls.calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}
    # Any verified applicant account may act as agent (a relative, a colleague).
    assert _grant(api, " applicant-zhou ")["authorisation"] == {"agentId": "applicant-zhou", "validUntil": UNTIL}


def test_an_agent_grant_reports_every_problem_at_once(api_on_monday: Api) -> None:
    payload = _grant(api_on_monday, "agent-nobody", until="2026-11-01")
    assert payload["authorisation"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("validUntil", "OUT_OF_RANGE"),
        ("agentId", "AGENT_ACCOUNT_INVALID"),
    ]
    assert _stored("agent-nobody") is None
