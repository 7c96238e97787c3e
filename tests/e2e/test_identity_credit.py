"""Verified identities and credit (issue 12 point 10), through `/graphql`.

seed 001 三(二)3 「建立……办事群众身份认证库」; seed 002 四(八) 「对严重失信的,建立失信名单或“黑名单”」;
seed 002 四(十一) 「形成“一处违法、处处受限”工作格局」. A credit record belongs to the verified
identity (resident ID number / unified social credit code), not to an account.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.forms import answers
from tests.lifecycle_desk import IDENTIFIERS, Desk, gid, run_sweep

WANG = IDENTIFIERS["applicant-wang"]
ITEM = "ZS-SCJG-001"
OTHER_CENTRE_CLERK = "clerk-dh-sun"  # dinghai
RESTRICTED = "query($id: ID!) { application(id: $id) { applicantCreditRestricted applicant { identifier } } }"
RECORDS = """query($id: ID!) { application(id: $id) {
  applicantCreditRestricted applicantCreditRecords { identifier identityKind severity detail expiresOn } } }"""
BLACKLIST = """query($centre: ID) { creditBlacklist(centreId: $centre, first: 20) {
  nodes { identifier identityKind name severity detail expiresOn centreId } } }"""


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(date(2026, 11, 2))
    return Desk(api)


def _new_account_token(api: Api, account: str, identifier: str | None, name: str = "王海燕") -> str:
    """A second account of a person, as the portal's real-name authentication issues it."""
    extra = {"custom:identifier": identifier} if identifier else None
    return api.token(account, ["applicant"], name=name, extra=extra)


def _file_as(
    desk: Desk, token: str, account: str, identifier: str, omit: tuple[str, ...] = (), name: str = "王海燕"
) -> dict[str, Any]:
    codes = [c for c in desk.material_codes(ITEM) if c not in omit]
    uploads = [_upload(desk.api, code, token) for code in codes]
    value = {
        "itemId": gid("ServiceItem", ITEM),
        "centreId": gid("Centre", "zs-city"),
        "applicant": {"name": name, "identifier": identifier},
        "materials": uploads,
        "formData": answers(desk.item(ITEM).elements.form),
    }
    return desk.mutate("applicationFile", value, token=token)


def _upload(api: Api, code: str, token: str) -> dict[str, Any]:
    import hashlib

    from chalicelib.config import get_settings
    from chalicelib.storage.blobs import LocalBlobStore, blob_store_from_config

    content = f"{code} 内容 {token[-8:]}".encode()
    digest = hashlib.sha256(content).hexdigest()
    body = api.gql(
        """mutation($input: MaterialUploadCreateInput!) { materialUploadCreate(input: $input) {
            upload { url blobKey } userErrors { code message } } }""",
        {"input": {"sha256": digest, "size": len(content), "contentType": "application/pdf"}},
        token=token,
    )
    target = body["data"]["materialUploadCreate"]["upload"]
    store = blob_store_from_config(get_settings())
    assert isinstance(store, LocalBlobStore)
    store.receive(target["url"].rsplit("/", 1)[1], content, "application/pdf")
    return {
        "code": code,
        "fileName": f"{code}.pdf",
        "blobKey": target["blobKey"],
        "sha256": digest,
        "size": len(content),
    }


def test_seed002_credit_default_follows_the_person_to_a_new_account(desk: Desk, clock: Clock) -> None:
    """一处违法、处处受限: a pledge broken under one account bars deficiency acceptance under another
    account of the same verified person, and shows at filing and at intake."""
    first = desk.file(ITEM, omit=("M04",))
    assert first["applicant"]["accountId"] == "applicant-wang"
    desk.ok(
        "applicationAcceptWithDeficiency",
        {"id": first["id"], "missingMaterialCodes": ["M04"], "pledgeDueOn": "2026-11-04"},
        as_="clerk-li",
    )
    clock.set_china(date(2026, 11, 5))
    assert run_sweep()["pledge_broken"] == 1

    # The same person under a new account (verified by the same real-name authentication).
    token = _new_account_token(desk.api, "wang-new-account", WANG)
    filed = _file_as(desk, token, "wang-new-account", WANG, omit=("M04",))
    assert filed["userErrors"] == []
    case_id = filed["application"]["id"]
    # Shown at filing (the filer's own case) and at intake (the clerk's screen).
    mine = desk.api.gql(RESTRICTED, {"id": case_id}, token=token)["data"]["application"]
    assert mine == {"applicantCreditRestricted": True, "applicant": {"identifier": WANG}}
    seen = desk.api.gql(RECORDS, {"id": case_id}, as_="clerk-li")["data"]["application"]
    assert seen["applicantCreditRestricted"] is True
    assert [(r["identifier"], r["identityKind"], r["severity"]) for r in seen["applicantCreditRecords"]] == [
        (WANG, "PERSON", "DEFAULT")
    ]
    refused = desk.refused(
        "applicationAcceptWithDeficiency",
        {"id": case_id, "missingMaterialCodes": ["M04"], "pledgeDueOn": "2026-11-09"},
        as_="clerk-li",
    )
    assert refused == ["CREDIT_DEFAULT"]
    # A broken pledge is a credit default, not a serious record: not on the 失信名单.
    listed = desk.api.gql(BLACKLIST, {}, as_="clerk-li")["data"]["creditBlacklist"]["nodes"]
    assert listed == []

    # Another person's new account is not touched.
    zhou = IDENTIFIERS["applicant-zhou"]
    other_token = _new_account_token(desk.api, "zhou-new-account", zhou, name="周建国")
    other = _file_as(desk, other_token, "zhou-new-account", zhou, omit=("M04",), name="周建国")
    assert other["userErrors"] == []
    assert (
        desk.api.gql(RESTRICTED, {"id": other["application"]["id"]}, token=other_token)["data"]["application"][
            "applicantCreditRestricted"
        ]
        is False
    )
    desk.ok(
        "applicationAcceptWithDeficiency",
        {"id": other["application"]["id"], "missingMaterialCodes": ["M04"], "pledgeDueOn": "2026-11-09"},
        as_="clerk-li",
    )


def test_invalid_or_unverified_identities_are_refused_with_specific_codes(desk: Desk) -> None:
    def codes(token: str, identifier: str) -> list[tuple[str | None, str]]:
        payload = _file_as(desk, token, "x", identifier)
        assert payload["application"] is None
        assert all(e["message"] for e in payload["userErrors"])
        return [(e["field"], e["code"]) for e in payload["userErrors"]]

    wang = desk.api.token_for("applicant-wang")
    wrong_digit = WANG[:-1] + ("7" if WANG[-1] != "7" else "8")
    assert codes(wang, wrong_digit) == [("applicant.identifier", "INVALID_ID_NUMBER")]
    assert codes(wang, "91330900MA2A1B2C3D") == [("applicant.identifier", "INVALID_CREDIT_CODE")]
    assert codes(wang, IDENTIFIERS["applicant-zhou"]) == [("applicant.identifier", "IDENTITY_MISMATCH")]
    unverified = _new_account_token(desk.api, "no-real-name", None)
    assert codes(unverified, WANG) == [("applicant.identifier", "IDENTITY_UNVERIFIED")]
    # At the window the clerk checks the document: a bad number is still refused.
    value = desk.file_input(ITEM, as_="clerk-li", applicant="applicant-zhou")
    value["applicant"]["identifier"] = "330903198502304418"  # 30 February
    assert desk.refused("applicationFile", value, as_="clerk-li") == ["INVALID_ID_NUMBER"]


def test_an_agent_files_under_the_identity_the_applicant_verified(desk: Desk) -> None:
    desk.verified_account("agent-chen")
    grant = """mutation($input: AgentAuthorisationGrantInput!) { agentAuthorisationGrant(input: $input) {
        userErrors { code } } }"""
    body = desk.api.gql(grant, {"input": {"agentId": "agent-chen", "validUntil": "2027-01-31"}}, as_="applicant-wang")
    assert body["data"]["agentAuthorisationGrant"]["userErrors"] == [], body
    value = desk.file_input(ITEM, as_="agent-chen", applicant="applicant-wang")
    case = desk.ok("applicationFile", value, as_="agent-chen")
    assert case["applicant"]["accountId"] == "applicant-wang"
    value = desk.file_input(ITEM, as_="agent-chen", applicant="applicant-wang")
    value["applicant"]["identifier"] = IDENTIFIERS["applicant-zhou"]
    assert desk.refused("applicationFile", value, as_="agent-chen") == ["IDENTITY_MISMATCH"]


def test_seed002_serious_record_is_on_the_blacklist_of_its_centre(api: Api, clock: Clock) -> None:
    """失信名单: a serious violation found by the supervising department lists the holder's verified
    identity for the centre where the case was; staff of that centre read it, others do not."""
    from tests.e2e.test_result_push import DAY, issued, record

    clock.set_china(DAY)
    _case, cert = issued(api)
    found = record(api, "approver-nr-chen", cert["id"], outcome="SERIOUS_VIOLATION", findings="擅自改变规划用途")
    assert found["userErrors"] == []
    listed = api.gql(BLACKLIST, {}, as_="clerk-li")["data"]["creditBlacklist"]["nodes"]
    assert [(n["identifier"], n["identityKind"], n["name"], n["severity"], n["centreId"]) for n in listed] == [
        (WANG, "PERSON", "王海燕", "SERIOUS", "zs-city")
    ]
    assert listed[0]["expiresOn"] == "2027-11-02"
    assert api.gql(BLACKLIST, {"centre": gid("Centre", "zs-city")}, as_="supervisor-fang")["data"] == {
        "creditBlacklist": {"nodes": listed}
    }
    elsewhere = api.gql(BLACKLIST, {}, as_=OTHER_CENTRE_CLERK)["data"]["creditBlacklist"]["nodes"]
    assert elsewhere == []
    probe = api.gql(BLACKLIST, {"centre": gid("Centre", "zs-city")}, as_=OTHER_CENTRE_CLERK)
    assert probe["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = api.gql(BLACKLIST, {})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    applicant = api.gql(BLACKLIST, {}, as_="applicant-wang")
    assert applicant["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_blacklist_page_is_one_query_whatever_its_size(api: Api, clock: Clock, ddb_calls: CallCounter) -> None:
    from chalicelib.domain import credit as dcr
    from chalicelib.domain.identifiers import credit_code_check
    from chalicelib.storage.identity_repository import IdentityRepository
    from chalicelib.storage.unit_of_work import UnitOfWork

    clock.set_china(date(2026, 11, 2))
    repo = IdentityRepository()
    for n in range(12):  # setup: serious records of 12 organisations, one expired long ago
        body = f"91330900MA2B{n:05d}"
        code = body + credit_code_check(body)
        today = date(2026, 11, 2) if n else date(2025, 1, 1)
        uow = UnitOfWork()
        record = dcr.new_record(code, dcr.Severity.SERIOUS, f"cert-{n}", "zs-city", "严重违法", f"t{n}", today, "公司")
        repo.stage_credit(uow, record)
        uow.commit()
    counts: dict[int, dict[str, int]] = {}
    for first in (20, 3):
        ddb_calls.reset()
        body = api.gql(
            "query($first: Int) { creditBlacklist(first: $first) { nodes { identifier } pageInfo { hasNextPage } } }",
            {"first": first},
            as_="clerk-li",
        )
        nodes = body["data"]["creditBlacklist"]["nodes"]
        assert len(nodes) == min(first, 11)  # the expired one is not in force
        counts[first] = dict(ddb_calls.calls)
    assert counts[20] == counts[3] == {"Query": 1}


def test_a_clerk_cannot_file_an_account_under_another_persons_identity(desk: Desk) -> None:
    desk.file(ITEM)  # applicant-wang's account is linked to her verified identity
    value = desk.file_input(ITEM, as_="clerk-li", applicant="applicant-wang")
    value["applicant"]["identifier"] = IDENTIFIERS["applicant-zhou"]
    assert desk.refused("applicationFile", value, as_="clerk-li") == ["IDENTITY_MISMATCH"]
    value = desk.file_input(ITEM, as_="clerk-li", applicant="applicant-wang")
    assert desk.ok("applicationFile", value, as_="clerk-li")["applicant"]["accountId"] == "applicant-wang"


def test_the_applicants_name_must_be_the_verified_one_whoever_files(desk: Desk) -> None:
    """The holder name a certificate shows comes from the case, so the name filed must be the one the
    identity was verified with: for the applicant's real-name token, for an agent filing for her and
    for a clerk filing for an account verified before. Width and spaces do not count; the verified
    name is not echoed back."""

    def as_named(who: str, name: str) -> dict[str, Any]:
        value = desk.file_input(ITEM, as_=who, applicant="applicant-wang")
        value["applicant"]["name"] = name
        return value

    assert desk.refused("applicationFile", as_named("applicant-wang", "王海"), as_="applicant-wang") == [
        "NAME_MISMATCH"
    ]
    refused = desk.mutate("applicationFile", as_named("applicant-wang", "王海"), as_="applicant-wang")
    assert "王海燕" not in refused["userErrors"][0]["message"]
    desk.ok("applicationFile", as_named("applicant-wang", " 王 海燕 "), as_="applicant-wang")  # links the account
    _authorise_agent(desk)
    assert desk.refused("applicationFile", as_named("agent-chen", "李四"), as_="agent-chen") == ["NAME_MISMATCH"]
    assert desk.refused("applicationFile", as_named("clerk-li", "李四"), as_="clerk-li") == ["NAME_MISMATCH"]
    assert desk.ok("applicationFile", as_named("clerk-li", "王海燕"), as_="clerk-li")["applicant"]["name"] == "王海燕"
    # At a window for an account never linked: the identity checked was verified before, under its name.
    other_account = as_named("clerk-li", "周建国")
    other_account["applicant"]["accountId"] = "walk-in-unlinked"
    assert desk.refused("applicationFile", other_account, as_="clerk-li") == ["NAME_MISMATCH"]


AGENT_ID = "330902198808083318"  # agent-chen, as the portal verified him


def _authorise_agent(desk: Desk, agent: str = "agent-chen") -> None:
    desk.verified_account(agent)
    grant = """mutation($input: AgentAuthorisationGrantInput!) { agentAuthorisationGrant(input: $input) {
        userErrors { code } } }"""
    body = desk.api.gql(grant, {"input": {"agentId": agent, "validUntil": "2027-01-31"}}, as_="applicant-wang")
    assert body["data"]["agentAuthorisationGrant"]["userErrors"] == [], body


def test_seed002_an_agents_own_verified_identity_is_recorded_and_its_credit_record_bars_its_pledges(
    desk: Desk, ddb_calls: CallCounter
) -> None:
    """seed 001 三(二)3 身份认证库 and seed 002 四(十一) 一处违法、处处受限: a case filed by an agent (代办) carries the
    agent's own verified identity — in full for staff and the agent, masked for the applicant and the
    public — and the agent, who signs credit pledges in the applicant's name, is barred by their own record."""
    from chalicelib.domain import credit as dcr
    from chalicelib.storage.identity_repository import IdentityRepository
    from chalicelib.storage.unit_of_work import UnitOfWork

    _authorise_agent(desk)
    value = desk.file_input(ITEM, as_="agent-chen", applicant="applicant-wang", omit=("M04",))
    ddb_calls.reset()
    case = desk.ok("applicationFile", value, as_="agent-chen")
    # the item, the authorisation, the applicant's verified identity; the agent's is in the token (no
    # read); Query: the consultations (the centre hierarchy is the process's copy)
    assert dict(ddb_calls.calls) == {"GetItem": 3, "Query": 1, "TransactWriteItems": 1}
    query = "query($id: ID!) { application(id: $id) { agentIdentifier applicant { identifier } } }"
    seen = {
        who: desk.api.gql(query, {"id": case["id"]}, as_=who)["data"]["application"]
        for who in ("clerk-li", "agent-chen", "applicant-wang")
    }
    assert seen["clerk-li"]["agentIdentifier"] == seen["agent-chen"]["agentIdentifier"] == AGENT_ID
    assert seen["applicant-wang"]["agentIdentifier"] == "33**************18"
    assert seen["applicant-wang"]["applicant"]["identifier"] == WANG  # the applicant's own stays theirs
    public = desk.api.gql(
        "query($c: String!) { publicProgress(trackingCode: $c) { agentIdentifierMasked applicantNameMasked } }",
        {"c": case["trackingCode"]},
    )["data"]["publicProgress"]
    assert public == {"agentIdentifierMasked": "33**************18", "applicantNameMasked": "王*燕"}
    own = desk.file(ITEM)  # filed by the applicant herself: no agent
    assert desk.api.gql(query, {"id": own["id"]}, as_="clerk-li")["data"]["application"]["agentIdentifier"] is None

    # The agent's own serious record (from another case) bars the pledge the agent would sign ...
    uow = UnitOfWork()
    record = dcr.new_record(
        AGENT_ID, dcr.Severity.SERIOUS, "other-case", "zs-city", "虚假承诺", "t0", date(2026, 11, 2), "陈晓东"
    )
    IdentityRepository().stage_credit(uow, record)
    uow.commit()
    deficiency = {"id": case["id"], "missingMaterialCodes": ["M04"], "pledgeDueOn": "2026-11-06"}
    ddb_calls.reset()
    payload = desk.mutate("applicationAcceptWithDeficiency", deficiency, as_="clerk-li")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("agent", "CREDIT_DEFAULT")]
    assert dict(ddb_calls.calls) == {"GetItem": 1, "Query": 2}  # the case; the applicant's and the agent's credit
    # ... not the applicant's own filing.
    mine = desk.file(ITEM, omit=("M04",))
    assert desk.ok("applicationAcceptWithDeficiency", {**deficiency, "id": mine["id"]}, as_="clerk-li")["pledge"]


def test_an_agent_without_a_verified_identity_may_not_file(desk: Desk) -> None:
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.storage.application_repository import ApplicationRepository, Authorisation
    from chalicelib.storage.unit_of_work import UnitOfWork

    token = desk.api.token("agent-unverified", ["agent"], name="李代办")
    grant = """mutation($input: AgentAuthorisationGrantInput!) { agentAuthorisationGrant(input: $input) {
        userErrors { code } } }"""
    body = desk.api.gql(
        grant, {"input": {"agentId": "agent-unverified", "validUntil": "2027-01-31"}}, as_="applicant-wang"
    )
    assert [e["code"] for e in body["data"]["agentAuthorisationGrant"]["userErrors"]] == ["AGENT_ACCOUNT_INVALID"]
    # An authorisation granted before grants checked the agent's account still meets the filing's own check.
    uow = UnitOfWork()
    earlier = Authorisation("applicant-wang", "agent-unverified", date(2027, 1, 31), "2026-10-01T09:00:00+08:00")
    ApplicationRepository(DEFAULT_CALENDAR).stage_authorisation(uow, earlier)
    uow.commit()
    value = desk.file_input(ITEM, as_="agent-chen", applicant="applicant-wang")
    payload = desk.mutate("applicationFile", value, token=token)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("agent", "IDENTITY_UNVERIFIED")]


def test_seed002_account_keyed_credit_records_are_migrated_to_the_identity(desk: Desk) -> None:
    """seed 002 四(十一) 一处违法、处处受限 for records written before credit followed the identity: the
    migration command moves each `CREDIT#<account>` record to the identity the account was verified with
    (bounded per run, one transaction each, idempotent); an account never verified keeps its records."""
    from chalicelib.storage.tables import Record
    from infra.migrate_credit import main

    case = desk.file(ITEM, omit=("M04",))  # applicant-wang's account is linked to her identity by now
    legacy = {
        "applicant-wang": [
            ("DEFAULT#2026-10-01T02:00:00+00:00#old-case", "pledge old-case", "2027-10-01"),
            ("DEFAULT#2026-10-05T02:00:00+00:00#old-cert", "inspection serious violation: certificate X", "2027-10-05"),
        ],
        "never-verified": [("DEFAULT#2026-10-02T02:00:00+00:00#c2", "pledge c2", "2027-10-02")],
    }
    for account, rows in legacy.items():
        for sk, detail, expires in rows:
            at, cause = sk.split("#")[1:]
            data = {"application_id": cause, "at": at, "expires_on": expires, "detail": detail}
            Record(f"CREDIT#{account}", sk, entity="CreditDefault", data=data).save()
    assert (
        desk.api.gql(RESTRICTED, {"id": case["id"]}, as_="clerk-li")["data"]["application"]["applicantCreditRestricted"]
        is False
    )  # the old records hang on the account: nothing finds them

    dry = main(["--limit", "10", "--dry-run"])
    assert (dry.migrated, dry.unlinked, dry.more) == (2, ["never-verified"], False)
    first = main(["--limit", "2"])  # bounded: two records looked at, the third waits
    assert first.more is True and first.migrated + len(first.unlinked) == 2
    rest = main(["--limit", "10"])
    assert (first.migrated + rest.migrated, rest.unlinked, rest.more) == (2, ["never-verified"], False)
    again = main(["--limit", "10"])  # idempotent: nothing left to move
    assert (again.migrated, again.unlinked, again.conflicts) == (0, ["never-verified"], 0)

    assert [r.sk for r in Record.query("CREDIT#applicant-wang")] == []
    assert len(list(Record.query("CREDIT#never-verified"))) == 1
    seen = desk.api.gql(RECORDS, {"id": case["id"]}, as_="clerk-li")["data"]["application"]
    assert seen["applicantCreditRestricted"] is True
    assert sorted((r["identifier"], r["severity"], r["expiresOn"]) for r in seen["applicantCreditRecords"]) == [
        (WANG, "DEFAULT", "2027-10-01"),
        (WANG, "SERIOUS", "2027-10-05"),
    ]
    deficiency = {"id": case["id"], "missingMaterialCodes": ["M04"], "pledgeDueOn": "2026-11-06"}
    assert desk.refused("applicationAcceptWithDeficiency", deficiency, as_="clerk-li") == ["CREDIT_DEFAULT"]


BIND = """mutation($input: IdentityBindingCodeCreateInput!) { identityBindingCodeCreate(input: $input) {
  bindingCode { code expiresAt } userErrors { field code } } }"""


def test_seed001_a_window_links_an_account_only_with_its_holders_binding_code(desk: Desk, clock: Clock) -> None:
    """seed 001 三(二)3 (身份认证库): the clerk's document check files the case under the identity, but
    links the applicant's account to it only with the code its holder created in their app (single
    use, ten minutes, five wrong tries); otherwise a clerk could bind anyone's account to anyone."""
    api = desk.api
    account = "walk-in-li"
    token = api.token(account, ["applicant"], name="周建国")  # an account without real-name verification
    zhou = IDENTIFIERS["applicant-zhou"]

    def at_window(code: str | None = None) -> dict[str, Any]:
        value = desk.file_input(ITEM, as_="clerk-li", applicant="applicant-zhou")
        value["applicant"]["accountId"] = account
        value["applicant"].pop("bindingCode")  # not applicant-zhou's: walk-in-li's own, if any
        if code is not None:
            value["applicant"]["bindingCode"] = code
        return desk.mutate("applicationFile", value, as_="clerk-li")

    # Without a code the account is not attached (tests/e2e/test_window_accounts.py) and stays unverified.
    assert [e["code"] for e in at_window()["userErrors"]] == ["ACCOUNT_NOT_LINKED"]
    online = _file_as(desk, token, account, zhou, name="周建国")
    assert [e["code"] for e in online["userErrors"]] == ["IDENTITY_UNVERIFIED"]

    # Only an applicant creates a code, for their own account, for at most ten minutes.
    assert api.gql(BIND, {"input": {}}, as_="clerk-li")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    too_long = api.gql(BIND, {"input": {"validMinutes": 30}}, token=token)["data"]["identityBindingCodeCreate"]
    assert [e["code"] for e in too_long["userErrors"]] == ["OUT_OF_RANGE"]
    created = api.gql(BIND, {"input": {}}, token=token)["data"]["identityBindingCodeCreate"]["bindingCode"]
    code = created["code"]
    assert len(code) == 8 and code.isdigit()

    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    assert [e["code"] for e in at_window(wrong)["userErrors"]] == ["BINDING_CODE_INVALID"]
    bound = at_window(code)
    assert bound["userErrors"] == []
    assert _file_as(desk, token, account, zhou, name="周建国")["userErrors"] == []  # linked now
    assert [e["code"] for e in at_window("12345678")["userErrors"]] == []  # linked: a code is not needed

    # Expired, used or tried five times: invalid.
    other = api.token("walk-in-wu", ["applicant"], name="周建国")
    again = api.gql(BIND, {"input": {"validMinutes": 1}}, token=other)["data"]["identityBindingCodeCreate"]
    clock.advance(minutes=2)
    value = desk.file_input(ITEM, as_="clerk-li", applicant="applicant-zhou")
    value["applicant"].update(accountId="walk-in-wu", bindingCode=again["bindingCode"]["code"])
    assert desk.refused("applicationFile", value, as_="clerk-li") == ["BINDING_CODE_INVALID"]
    fresh = api.gql(BIND, {"input": {}}, token=other)["data"]["identityBindingCodeCreate"]["bindingCode"]["code"]
    for _ in range(5):
        value["applicant"]["bindingCode"] = "9" * 8 if fresh != "9" * 8 else "8" * 8
        assert desk.refused("applicationFile", value, as_="clerk-li") == ["BINDING_CODE_INVALID"]
    value["applicant"]["bindingCode"] = fresh  # the right code, after five wrong tries
    assert desk.refused("applicationFile", value, as_="clerk-li") == ["BINDING_CODE_INVALID"]
