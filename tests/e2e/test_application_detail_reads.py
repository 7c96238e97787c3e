"""Issue 14 point 3, application detail: what is remembered between requests never changes which
DynamoDB requests a document makes, nor its answer.

`application(id:)` reads the head and its events in one Query only when the document selects
`timeline` or `historyVerification` (else one GetItem). Whether it does is worked out once per
parsed document and field path (`api/applications/queries._selects_history`), so a document
must never take the answer worked out for another one.
"""

from __future__ import annotations

from datetime import date, timedelta

from pytest import MonkeyPatch

from chalicelib.api.applications import queries, types
from chalicelib.api.relay import decode_id
from chalicelib.domain import application as da
from chalicelib.domain.audit import Event
from chalicelib.storage.codec import decode_as
from chalicelib.storage.tables import Record
from tests.conftest import Api, CallCounter
from tests.e2e.test_contract import scenario
from tests.e2e.test_review_regressions import mutate
from tests.flows import Case, op, verified_account

NO_HISTORY = "query($id: ID!) { application(id: $id) { id state trackingCode } }"
HISTORY_IN_FRAGMENT = """
query($id: ID!) { application(id: $id) { id ...Trail } }
fragment Trail on Application { historyVerification { intact events } }
"""
ALIASED = """
query($id: ID!) {
  plain: application(id: $id) { id }
  audited: application(id: $id) { id timeline(first: 5) { edges { node { seq } } } }
}
"""


def test_each_document_reads_what_it_selects_every_time(api: Api, ddb_calls: CallCounter) -> None:
    variables, caller = scenario("ApplicationDetail", api)
    answers: dict[str, object] = {}
    for _ in range(2):  # the second round is served by the remembered answers
        for name, document, calls in (
            ("detail", op("ApplicationDetail"), {"Query": 1, "BatchGetItem": 1}),
            ("plain", NO_HISTORY, {"GetItem": 1}),
            ("fragment", HISTORY_IN_FRAGMENT, {"Query": 1}),
            ("aliased", ALIASED, {"GetItem": 1, "Query": 1}),
        ):
            ddb_calls.reset()
            body = api.gql(document, variables, as_=caller)
            assert "errors" not in body, body
            assert dict(ddb_calls.calls) == calls, name
            assert answers.setdefault(name, body) == body, name
    assert answers["fragment"]["data"]["application"]["historyVerification"]["intact"] is True  # type: ignore[index]


def test_the_remembered_answers_are_bounded(api: Api, ddb_calls: CallCounter, monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setattr(queries._selects_history, "entries", 2)
    variables, caller = scenario("ApplicationDetail", api)
    for n, (document, calls) in enumerate(((NO_HISTORY, {"GetItem": 1}), (HISTORY_IN_FRAGMENT, {"Query": 1})) * 3):
        ddb_calls.reset()
        assert "errors" not in api.gql(f"{document} # {n}", variables, as_=caller)  # a new document each time
        assert dict(ddb_calls.calls) == calls
        assert len(queries._selects_history.remembered) <= 2


TRAIL = """
query($id: ID!) {
  application(id: $id) {
    timeline(first: 100) { edges { node { seq actor action reason post hash } } }
    historyVerification { intact events brokenAt headHash }
  }
}
"""


def test_shared_decoded_events_are_shown_to_each_caller_as_that_caller_may_see_them(api: Api) -> None:
    """Audit events are decoded once per process and the chain check remembered per trail
    (storage/application_repository._event, services/application_reads._chain_check): the applicant
    still sees staff as a role, staff see the staff id, in any order of asking."""
    case = Case(api).accepted()
    answers: dict[str, list[dict[str, object]]] = {}
    for caller in (case.clerk, "applicant-wang", case.clerk, "applicant-wang"):
        body = api.gql(TRAIL, {"id": case.id}, as_=caller)
        assert body["data"]["application"]["historyVerification"]["intact"] is True, body
        nodes = [e["node"] for e in body["data"]["application"]["timeline"]["edges"]]
        assert answers.setdefault(caller, nodes) == nodes
    staff_view, applicant_view = answers[case.clerk], answers["applicant-wang"]
    assert [e["seq"] for e in staff_view] == [e["seq"] for e in applicant_view] == [1, 2]
    assert staff_view[1]["actor"] == case.clerk and applicant_view[1]["actor"] != case.clerk


def test_a_stored_event_changed_behind_the_api_is_found_at_the_next_read(api: Api) -> None:
    """What is remembered is keyed by the exact stored text and by every field of every event: a
    tampered event is decoded afresh and the chain check recomputed, so it cannot hide behind an
    earlier `intact` (and putting the text back is intact again)."""
    case = Case(api).accepted()
    case_id = decode_id(case.id, "Application")
    before = api.gql(TRAIL, {"id": case.id}, as_=case.clerk)["data"]["application"]
    assert before["historyVerification"] == {
        "intact": True,
        "events": 2,
        "brokenAt": None,
        "headHash": before["timeline"]["edges"][-1]["node"]["hash"],
    }
    stored = Record.get(f"APP#{case_id}", "EV#000001")
    original = stored.data
    stored.data = {**original, "reason": "改过的理由"}
    stored.save()
    after = api.gql(TRAIL, {"id": case.id}, as_=case.clerk)["data"]["application"]
    assert after["historyVerification"]["intact"] is False and after["historyVerification"]["brokenAt"] == 1
    assert after["timeline"]["edges"][0]["node"]["reason"] == "改过的理由"
    stored.data = original
    stored.save()
    again = api.gql(TRAIL, {"id": case.id}, as_=case.clerk)["data"]["application"]
    assert again == before


INBOX = "query { inbox(queue: REVIEW, first: 50) { edges { node { applicationId applicantName dueOn } } } }"


def test_worklist_rows_decoded_once_still_follow_the_stored_rows(api: Api) -> None:
    """Worklist rows are decoded once per stored text (storage/application_repository._inbox_row),
    and their nodes built once per row (api/applications/types.inbox_node, bounded): each reviewer
    still reads their own department's rows, and a row changed in storage is read as it now is."""
    types.inbox_node.cache_clear()
    case = Case(api).accepted()
    case_id = decode_id(case.id, "Application")
    lead_department = case.item.elements.department_id
    co_reviewer = case.staff("reviewer", department=case.item.elements.co_reviewers[0].department_id)

    def rows(caller: str) -> dict[str, dict[str, object]]:
        body = api.gql(INBOX, as_=caller)
        assert "errors" not in body, body
        return {e["node"]["applicationId"]: e["node"] for e in body["data"]["inbox"]["edges"]}

    for _ in range(2):
        assert rows(case.reviewer)[case.id]["applicantName"] == "王海燕"
        assert case.id in rows(co_reviewer)
    (stored,) = [r for r in Record.query(f"INBOX#review#{lead_department}") if r.sk.endswith(f"#{case_id}")]
    original = stored.data
    stored.data = {**original, "applicant_name": "改过的姓名"}
    stored.save()
    assert rows(case.reviewer)[case.id]["applicantName"] == "改过的姓名"
    assert rows(co_reviewer)[case.id]["applicantName"] == "王海燕"  # the other department's own row
    stored.data = original
    stored.save()
    assert rows(case.reviewer)[case.id]["applicantName"] == "王海燕"
    info = types.inbox_node.cache_info()
    assert info.hits > 0 and info.maxsize == types.INBOX_NODES


AGENT_TRAIL = "query($id: ID!) { application(id: $id) { timeline { edges { node { seq action actor post } } } } }"


def test_timeline_nodes_remembered_per_event_are_each_callers_own_view(api: Api) -> None:
    """Timeline nodes are built once per event and kind of viewer (api/applications/types._event_node):
    the applicant, the agent who filed for them and the clerk read the same stored events in turn and
    each still sees only their own view (the other party as 申请人 / 代办人, staff as a role, staff
    ids to staff), and a remembered node is what building it afresh gives."""
    until = (date.today() + timedelta(days=30)).isoformat()
    verified_account(api, "agent-chen")  # the portal verified the agent's real name
    mutate(api, "AgentAuthorisationGrant", {"agentId": "agent-chen", "validUntil": until}, as_="applicant-wang")
    case = Case(api)
    value = case.file_input()
    value["input"]["applicant"]["accountId"] = "applicant-wang"
    case_id = case.run("ApplicationFile", value, "agent-chen")["application"]["id"]
    case.run("ApplicationAccept", {"input": {"id": case_id}}, case.clerk)
    types._event_node.cache_clear()
    views: dict[str, list[dict[str, object]]] = {}
    for _ in range(2):
        for viewer in ("applicant-wang", "agent-chen", case.clerk):
            edges = api.gql(AGENT_TRAIL, {"id": case_id}, as_=viewer)["data"]["application"]["timeline"]["edges"]
            assert views.setdefault(viewer, [e["node"] for e in edges]) == [e["node"] for e in edges], viewer
    assert [n["actor"] for n in views["applicant-wang"]] == ["代办人", "工作人员"]
    assert [n["actor"] for n in views["agent-chen"]] == ["agent-chen", "工作人员"]
    assert [n["actor"] for n in views[case.clerk]] == ["agent-chen", case.clerk]
    info = types._event_node.cache_info()
    assert info.hits >= 6 and info.currsize == 6 and info.maxsize == types.EVENT_NODES  # 2 events x 3 views
    stored = Record.query(f"APP#{decode_id(case_id, 'Application')}", Record.sk.startswith("EV#"))
    events = [decode_as(Event, r.data) for r in stored]
    parties = (("applicant-wang", "申请人"), ("agent-chen", "代办人"))
    for event in events:
        for staff, viewer, shown_to in ((True, None, ()), (False, "applicant-wang", parties)):
            fresh = types.ApplicationEvent.from_domain(da.shown_event(event, staff, viewer, dict(shown_to)))
            assert types._event_node(event, staff, viewer, shown_to) == fresh
