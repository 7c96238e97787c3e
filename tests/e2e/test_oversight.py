"""一把手督办 through `/graphql` (seed 004 三(一)): the flag on the case, in the head's worklist and on
its warnings."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api, CallCounter
from tests.flows import Case

FLAG = """mutation($input: ApplicationOversightFlagInput!) { applicationOversightFlag(input: $input) {
  oversight { headStaffId project reason } userErrors { field code message } } }"""
WORKLIST = "{ headOversightWorklist { edges { node { applicationId trackingCode itemName project } } } }"
WARNINGS = "{ warnings { edges { node { applicationId headOversight } } } }"


def flag(api: Api, case_id: str, reason: str = "市重点招商引资项目,总投资5亿元") -> dict[str, Any]:
    body = api.gql(
        FLAG,
        {"input": {"applicationId": case_id, "project": "INVESTMENT", "reason": reason}},
        as_=api.staff_with("supervisor"),
    )
    return body["data"]["applicationOversightFlag"]  # type: ignore[no-any-return]


def test_seed004_head_oversees_a_major_project_on_the_case_worklist_and_warnings(api: Api) -> None:
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services.sweep import sweep
    from chalicelib.storage.application_repository import ApplicationRepository

    case = Case(api, "ZS-SCJG-004").accepted()
    other = Case(api, "ZS-SCJG-004").accepted()
    done = flag(api, case.id)
    assert done["userErrors"] == []
    assert done["oversight"] == {
        "headStaffId": "approver-market-mao",
        "project": "INVESTMENT",
        "reason": "市重点招商引资项目,总投资5亿元",
    }
    # On the case.
    shown = api.gql("query($id: ID!) { application(id: $id) { headOversight } }", {"id": case.id}, as_=case.reviewer)
    assert shown["data"]["application"]["headOversight"] is True
    plain = api.gql("query($id: ID!) { application(id: $id) { headOversight } }", {"id": other.id}, as_=case.reviewer)
    assert plain["data"]["application"]["headOversight"] is False
    # In the head's own worklist (and nobody else's).
    mine = api.gql(WORKLIST, as_="approver-market-mao")["data"]["headOversightWorklist"]["edges"]
    assert [e["node"]["applicationId"] for e in mine] == [case.id]
    assert api.gql(WORKLIST, as_=case.reviewer)["data"]["headOversightWorklist"]["edges"] == []
    # On its warnings (today's sweep raises the yellow warnings of both 2-day cases).
    sweep(ApplicationRepository(DEFAULT_CALENDAR))
    warnings = api.gql(WARNINGS, as_=case.reviewer)["data"]["warnings"]["edges"]
    flags = {w["node"]["applicationId"]: w["node"]["headOversight"] for w in warnings}
    assert flags == {case.id: True, other.id: False}
    # Flagged once; a reason is required; only supervisors flag.
    assert [e["code"] for e in flag(api, case.id)["userErrors"]] == ["ALREADY_FLAGGED"]
    assert [e["code"] for e in flag(api, other.id, " ")["userErrors"]] == ["REQUIRED"]
    denied = api.gql(FLAG, {"input": {"applicationId": other.id, "project": "MAJOR", "reason": "x"}}, as_=case.reviewer)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_oversight_flags_on_a_warnings_page_are_one_batch(api: Api, ddb_calls: CallCounter) -> None:
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services.sweep import sweep
    from chalicelib.storage.application_repository import ApplicationRepository

    cases = [Case(api, "ZS-SCJG-004").accepted() for _ in range(3)]
    flag(api, cases[0].id)
    sweep(ApplicationRepository(DEFAULT_CALENDAR))
    token = api.token_for(cases[0].reviewer)
    api.post({"query": "{ me { subject } }"}, token=token)
    ddb_calls.reset()
    api.post({"query": "{ warnings { edges { node { applicationId } } } }"}, token=token)
    without = dict(ddb_calls.calls)
    ddb_calls.reset()
    status, body = api.post({"query": WARNINGS}, token=token)
    assert status == 200 and len(body["data"]["warnings"]["edges"]) == 3
    assert ddb_calls.calls == {**without, "BatchGetItem": without.get("BatchGetItem", 0) + 1}
