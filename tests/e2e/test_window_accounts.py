"""Which account a window filing goes to (seed 001 三(二)3 身份认证库; seed 002 四(四) 综合窗口受理).

The clerk checks the identity document in person. The case reaches an applicant account only if that
account is linked to the identity checked, or with the binding code its holder created in their app
(which links it); without either it is filed to the identity alone (no account), or refused with
`ACCOUNT_NOT_LINKED` when the clerk names an account. Otherwise a namesake's unlinked account would
receive another person's case, with their identity number. An unknown account, a staff member's id
and an unlinked applicant account get the same answer, so the window cannot probe which exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chalicelib.storage.tables import Record
from tests.conftest import Api, CallCounter, Clock
from tests.lifecycle_desk import Desk

ITEM = "ZS-SCJG-001"
BIND = """mutation($input: IdentityBindingCodeCreateInput!) { identityBindingCodeCreate(input: $input) {
  bindingCode { code } userErrors { code } } }"""


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(date(2026, 11, 2))
    return Desk(api)


def _stored() -> list[tuple[str, str, int | None]]:
    """Every record of the table with its revision: a refused filing changes none (test-only Scan)."""
    return sorted((r.pk, r.sk, r.rev) for r in Record.scan())


def _mine(api: Api, token: str) -> list[str]:
    body = api.gql("query { myApplications(first: 5) { nodes { id } } }", token=token)
    return [n["id"] for n in body["data"]["myApplications"]["nodes"]]


def _at_window(desk: Desk, account: str | None, code: str | None = None) -> dict[str, Any]:
    value = desk.file_input(ITEM, as_="clerk-li", applicant="applicant-zhou")
    del value["applicant"]["bindingCode"]  # the desk's default: applicant-zhou's own code
    if account is None:
        del value["applicant"]["accountId"]
    else:
        value["applicant"]["accountId"] = account
    if code is not None:
        value["applicant"]["bindingCode"] = code
    return value


def test_seed001_a_window_does_not_attach_a_case_to_a_namesakes_unlinked_account(desk: Desk) -> None:
    """周建国 (verified) comes to the window; another 周建国 has an account never linked to any identity.
    Naming that account without its holder's binding code is refused and writes nothing; the namesake
    never sees the case. Left without an account, the case is filed to the identity alone."""
    api = desk.api
    namesake = api.token("namesake-zhou", ["applicant"], name="周建国")
    value = _at_window(desk, "namesake-zhou")
    before = _stored()
    refused = desk.mutate("applicationFile", value, as_="clerk-li")
    assert refused["application"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("applicant.accountId", "ACCOUNT_NOT_LINKED")]
    assert "绑定码" in refused["userErrors"][0]["message"]
    assert _stored() == before  # no case, no link, no audit event
    assert _mine(api, namesake) == []

    filed = desk.ok("applicationFile", _at_window(desk, None), as_="clerk-li")
    assert filed["applicant"]["accountId"] is None
    assert desk.read(filed["id"], as_="clerk-li")["state"] == "SUBMITTED"  # the window works it as any case
    assert _mine(api, namesake) == []
    hidden = api.gql("query($id: ID!) { application(id: $id) { id } }", {"id": filed["id"]}, token=namesake)
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_seed001_a_window_files_to_an_account_linked_to_the_identity_or_with_its_code(desk: Desk) -> None:
    """The allowed paths: an account linked to the identity checked (its holder verified online), and
    an unlinked account whose holder gives the binding code (linked in the filing's transaction)."""
    api = desk.api
    desk.file(ITEM, as_="applicant-zhou")  # the real-name token links applicant-zhou's account
    linked = desk.ok("applicationFile", _at_window(desk, "applicant-zhou"), as_="clerk-li")
    assert linked["applicant"]["accountId"] == "applicant-zhou"
    assert linked["id"] in {c["id"] for c in desk.mine("applicant-zhou")}

    second = api.token("zhou-second-phone", ["applicant"], name="周建国")
    code = api.gql(BIND, {"input": {}}, token=second)["data"]["identityBindingCodeCreate"]["bindingCode"]["code"]
    bound = desk.ok("applicationFile", _at_window(desk, "zhou-second-phone", code), as_="clerk-li")
    assert bound["applicant"]["accountId"] == "zhou-second-phone"
    assert _mine(api, second) == [bound["id"]]
    # Linked now: the next window filing needs no code.
    again = desk.ok("applicationFile", _at_window(desk, "zhou-second-phone"), as_="clerk-li")
    assert again["applicant"]["accountId"] == "zhou-second-phone"


def test_a_window_account_must_be_an_applicant_account_and_cannot_be_probed(desk: Desk) -> None:
    """A staff id, an unknown id, an absurd string and an unlinked applicant account all get the same
    answer (with a code: BINDING_CODE_INVALID; without: ACCOUNT_NOT_LINKED), and nothing is written.
    A staff member's records never make their id an applicant account."""
    api = desk.api
    api.token("walk-in-unlinked", ["applicant"], name="周建国")
    accounts = ("clerk-zheng", "supervisor-fang", "no-such-account", "x" * 300, "bad\nid", "walk-in-unlinked")
    inputs = {a: (_at_window(desk, a), _at_window(desk, a, "12345678")) for a in accounts}
    before = _stored()
    answers = {}
    for account in accounts:
        without = desk.mutate("applicationFile", inputs[account][0], as_="clerk-li")
        with_code = desk.mutate("applicationFile", inputs[account][1], as_="clerk-li")
        answers[account] = (
            [(e["field"], e["code"], e["message"]) for e in without["userErrors"]],
            [(e["field"], e["code"], e["message"]) for e in with_code["userErrors"]],
        )
        assert without["application"] is None and with_code["application"] is None
    assert len(set(map(repr, answers.values()))) == 1, answers
    codes = answers["clerk-zheng"]
    assert [c[1] for c in codes[0]] == ["ACCOUNT_NOT_LINKED"] and [c[1] for c in codes[1]] == ["BINDING_CODE_INVALID"]
    assert _stored() == before
    # A binding code without an account has nothing to bind.
    no_account = desk.mutate("applicationFile", _at_window(desk, None, "12345678"), as_="clerk-li")
    assert [(e["field"], e["code"]) for e in no_account["userErrors"]] == [("applicant.bindingCode", "OUT_OF_RANGE")]


def test_window_filing_account_checks_are_one_read(desk: Desk, ddb_calls: CallCounter) -> None:
    """The account's link, the identity, whether the id is a staff member's (one BatchGetItem); without
    an account, the identity alone (one GetItem)."""
    value = _at_window(desk, "clerk-zheng")
    ddb_calls.reset()
    assert desk.refused("applicationFile", value, as_="clerk-li") == ["ACCOUNT_NOT_LINKED"]
    assert ddb_calls.calls["BatchGetItem"] == 1 and "TransactWriteItems" not in ddb_calls.calls
    value = _at_window(desk, None)
    ddb_calls.reset()
    desk.ok("applicationFile", value, as_="clerk-li")
    assert "BatchGetItem" not in ddb_calls.calls and ddb_calls.calls["TransactWriteItems"] == 1


def test_a_clerk_of_another_centre_learns_nothing_about_the_applicants_account(
    desk: Desk, ddb_calls: CallCounter
) -> None:
    """Staff who may not file at this centre are refused with OUTSIDE_CENTRE before anything about the
    applicant is read: a linked, an unlinked, a staff and an unknown account, a wrong binding code (not
    counted against the code) and a wrong name at a walk-in filing all get that one answer, and
    nothing is written."""
    api = desk.api
    desk.file(ITEM, as_="applicant-zhou")  # applicant-zhou's account is linked to 周建国's identity
    api.token("walk-in-unlinked", ["applicant"], name="周建国")
    second = api.token("zhou-second-phone", ["applicant"], name="周建国")  # unlinked, with a live code
    live_code = api.gql(BIND, {"input": {}}, token=second)["data"]["identityBindingCodeCreate"]["bindingCode"]["code"]
    wrong = "00000000" if live_code != "00000000" else "11111111"
    walk_in = _at_window(desk, None)
    walk_in["applicant"]["name"] = "周建军"  # not the verified name: NAME_MISMATCH for the centre's own clerk
    inputs = {
        "linked": _at_window(desk, "applicant-zhou"),
        "unlinked, wrong code": _at_window(desk, "zhou-second-phone", wrong),
        "unlinked": _at_window(desk, "walk-in-unlinked"),
        "staff": _at_window(desk, "clerk-zheng"),
        "unknown": _at_window(desk, "no-such-account", wrong),
        "walk-in, wrong name": walk_in,
    }
    before = _stored()
    answers = {}
    for what, value in inputs.items():
        ddb_calls.reset()
        payload = desk.mutate("applicationFile", value, as_="clerk-dh-sun")  # 定海's window, not the city's
        assert payload["application"] is None, what
        answers[what] = [(e["field"], e["code"], e["message"]) for e in payload["userErrors"]]
        assert dict(ddb_calls.calls) == {}, what  # refused before any read
    assert len(set(map(repr, answers.values()))) == 1, answers
    assert [code for _, code, _ in answers["linked"]] == ["OUTSIDE_CENTRE"]
    assert _stored() == before  # no case, no wrong try counted against the code
    # The centre's own clerk: the same inputs get the account answers, and the code still works.
    assert desk.refused("applicationFile", inputs["unlinked"], as_="clerk-li") == ["ACCOUNT_NOT_LINKED"]
    assert desk.refused("applicationFile", walk_in, as_="clerk-li") == ["NAME_MISMATCH"]
    bound = desk.ok("applicationFile", _at_window(desk, "zhou-second-phone", live_code), as_="clerk-li")
    assert bound["applicant"]["accountId"] == "zhou-second-phone"
