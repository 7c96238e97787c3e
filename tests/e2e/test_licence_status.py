"""Certificates as national electronic licences through `/graphql`, `POST /verify` and the public
page: the GB/T 36904 identifier and GB/T 36903 metadata on every issued certificate, lookup by
identifier (check character first, no probing), and the seven-status model (suspend/reinstate,
revoke, withdraw, cancel, transfer, expiry by the sweep, effective dates, idempotency).

Seed 002 四(六) (统一制证发证: the bureau issues every licence) and 四(七) (the bureau's seal gives
it legal effect) make the bureau the issuing body the identifier names; seed 003 二(七) (the
notice on each bureau's e-seal) makes that bureau's code part of what verifiers check.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from chalice.test import Client
from stdnum.iso7064 import mod_37_36

from chalicelib.domain import licence_identifier as li
from tests.conftest import Api, CallCounter, Clock
from tests.e2e.test_certificates import VERIFY, bureau, issued
from tests.flows import Case

CITY_BUREAU_USCC = "113309000026140576"  # seeded on city-bureau (infra/seed/catalogue.json)

RECORD = """query($id: ID!) { certificate(id: $id) {
  id number identifier previousIdentifier status statusLabel statusReason statusEffectiveOn replacedById
  pendingStatusChange { id target effectiveOn reason }
  metadata { licenceName licenceType licenceTypeCode licenceNumber identifier holder holderCode holderCodeType
             issuingBody issuingBodyCode issueDate validFrom validUntil jurisdictionCode } } }"""

CHANGE = """mutation($input: CertificateStatusChangeInput!) { certificateStatusChange(input: $input) {
  certificate { id status statusReason statusEffectiveOn pendingStatusChange { target effectiveOn reason } }
  userErrors { field code message } } }"""

BY_IDENTIFIER = """query($identifier: String, $holder: String) {
  certificateVerify(identifier: $identifier, holderName: $holder, reasonForUse: "招投标资格审查") {
  valid certificate { number identifier holderName status statusLabel } } }"""

TIMELINE = """query($id: ID!) { application(id: $id) { timeline(first: 100) { edges { node { action } } } } }"""


def record(api: Api, cert_id: str, as_: str = "applicant-wang") -> dict[str, Any]:
    body = api.gql(RECORD, {"id": cert_id}, as_=as_)
    return dict(body["data"]["certificate"])


def change(api: Api, as_: str, cert_id: str, target: str, reason: str = "依法处理", **extra: Any) -> dict[str, Any]:
    body = api.gql(CHANGE, {"input": {"id": cert_id, "target": target, "reason": reason, **extra}}, as_=as_)
    assert "errors" not in body, body
    return dict(body["data"]["certificateStatusChange"])


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def fields(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def wrong_check(identifier: str) -> str:
    return identifier[:-1] + next(c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != identifier[-1])


def rest(client: Client, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """`POST /verify` by identifier, stating a reason for use (用证事由) as a third party must."""
    body = {"reasonForUse": "银行开户核验", **body}
    response = client.http.post("/verify", headers={"Content-Type": "application/json"}, body=json.dumps(body))
    return response.status_code, json.loads(response.body)


def page(client: Client, path: str) -> tuple[int, str]:
    """The public page's result, past its 用证事由 form."""
    response = client.http.get(f"{path}{'&' if '?' in path else '?'}reason=银行开户核验")
    return response.status_code, response.body.decode()


def timeline(api: Api, case: Case) -> list[str]:
    body = api.gql(TIMELINE, {"id": case.id}, as_=bureau(case))
    return [e["node"]["action"] for e in body["data"]["application"]["timeline"]["edges"]]


@pytest.fixture
def client() -> Any:
    from app import app

    with Client(app, stage_name="local") as c:
        yield c


def test_seed002_issued_licence_carries_identifier_and_metadata(api: Api, clock: Clock) -> None:
    """seed 002 四(六) 统一制证发证: the bureau issues, so its credit code is in the identifier."""
    _, cert = issued(api)
    seen = record(api, cert["id"])
    ident = li.parse(seen["identifier"])
    today = clock.now.date()
    assert (ident.issuer_code, ident.serial, ident.version) == (CITY_BUREAU_USCC, f"{today.year}000001", 1)
    assert mod_37_36.is_valid(seen["identifier"].replace(".", ""))  # the check character, by stdnum
    assert seen["metadata"] == {
        "licenceName": cert["typeName"],
        "licenceType": cert["typeName"],
        "licenceTypeCode": ident.type_code[:2] + "-" + ident.type_code[2:],
        "licenceNumber": cert["number"],
        "identifier": seen["identifier"],
        "holder": "王海燕",
        "holderCode": "330902199003151226",
        "holderCodeType": "111",
        "issuingBody": "舟山市行政审批局",
        "issuingBodyCode": CITY_BUREAU_USCC,
        "issueDate": cert["issuedOn"],
        "validFrom": cert["issuedOn"],
        "validUntil": cert["validUntil"],
        "jurisdictionCode": "330900",
    }
    assert (seen["status"], seen["statusLabel"], seen["previousIdentifier"]) == ("VALID", "有效", None)


def test_lookup_by_identifier_validates_the_check_character_first(
    api: Api, clock: Clock, ddb_calls: CallCounter
) -> None:
    _, cert = issued(api)
    identifier = record(api, cert["id"])["identifier"]
    found = api.gql(BY_IDENTIFIER, {"identifier": identifier, "holder": "王海燕"})["data"]["certificateVerify"]
    assert found["valid"] is True and found["certificate"]["identifier"] == identifier
    assert found["certificate"]["holderName"] == "王*燕" and found["certificate"]["status"] == "VALID"

    ddb_calls.reset()
    bad = api.gql(BY_IDENTIFIER, {"identifier": wrong_check(identifier), "holder": "王海燕"})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_IDENTIFIER"
    assert "校验位" in bad["errors"][0]["message"]
    assert ddb_calls.total == 0  # refused before the rate limit and the registry

    # No probing: a check-valid unknown identifier, a wrong name, a missing name look alike.
    unknown = str(li.new_identifier("ZJ-SPJYXKZ", CITY_BUREAU_USCC, 2026, 999999))
    for variables in ({"identifier": unknown, "holder": "王海燕"}, {"identifier": identifier, "holder": "王海"}):
        assert api.gql(BY_IDENTIFIER, variables)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert api.gql(BY_IDENTIFIER, {"identifier": identifier})["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_identifier_lookup_on_post_verify_and_the_public_page(
    api: Api, clock: Clock, client: Client, ddb_calls: CallCounter
) -> None:
    _, cert = issued(api)
    identifier = record(api, cert["id"])["identifier"]
    status, body = rest(client, {"identifier": identifier, "holderName": "王海燕"})
    assert status == 200 and body["status"] == "VALID" and body["certificate"]["identifier"] == identifier
    assert body["certificate"]["holderName"] == "王*燕" and "王海燕" not in json.dumps(body, ensure_ascii=False)
    status, html = page(client, f"/v/{identifier}?holderName=王海燕")
    assert status == 200 and '<meta name="licence-status" content="VALID">' in html and identifier in html

    ddb_calls.reset()
    status, body = rest(client, {"identifier": wrong_check(identifier), "holderName": "王海燕"})
    assert (status, body["error"]["code"]) == (400, "INVALID_IDENTIFIER")
    status, html = page(client, f"/v/{wrong_check(identifier)}?holderName=王海燕")
    assert status == 400 and '<meta name="licence-error" content="INVALID_IDENTIFIER">' in html
    assert ddb_calls.total == 0

    unknown = str(li.new_identifier("ZJ-SPJYXKZ", CITY_BUREAU_USCC, 2026, 999999))
    assert rest(client, {"identifier": unknown, "holderName": "王海燕"})[0] == 404
    assert rest(client, {"identifier": identifier, "holderName": "李四"})[0] == 404
    not_found = page(client, "/v/NOSUCHCODE234567")
    assert page(client, f"/v/{unknown}?holderName=王海燕") == not_found
    assert page(client, f"/v/{identifier}?holderName=李四") == not_found
    assert page(client, f"/v/{identifier}") == not_found


def test_seed002_suspend_then_reinstate_shows_everywhere(api: Api, clock: Clock, client: Client) -> None:
    case, cert = issued(api)
    staff = bureau(case)
    identifier = record(api, cert["id"])["identifier"]
    suspended = change(api, staff, cert["id"], "SUSPENDED", "停业整顿期间暂扣")
    assert codes(suspended) == [] and suspended["certificate"]["status"] == "SUSPENDED"
    assert suspended["certificate"]["statusEffectiveOn"] == clock.now.date().isoformat()
    looked = api.gql(VERIFY, {"code": cert["verificationCode"]})["data"]["certificateVerify"]
    assert looked["valid"] is False and looked["certificate"]["status"] == "SUSPENDED"
    status, body = rest(client, {"identifier": identifier, "holderName": "王海燕"})
    assert (status, body["valid"], body["status"], body["certificate"]["statusLabel"]) == (
        200,
        False,
        "SUSPENDED",
        "暂扣",
    )
    status, html = page(client, f"/v/{cert['verificationCode']}")
    assert '<meta name="licence-status" content="SUSPENDED">' in html and "<strong>已暂扣</strong>" in html
    assert "停业整顿期间暂扣" in html

    reinstated = change(api, staff, cert["id"], "VALID", "整改完毕,恢复")
    assert codes(reinstated) == [] and reinstated["certificate"]["status"] == "VALID"
    assert api.gql(VERIFY, {"code": cert["verificationCode"]})["data"]["certificateVerify"]["valid"] is True
    assert timeline(api, case).count("CHANGE_CERTIFICATE_STATUS") == 2


def test_seed002_revoked_licence_cannot_be_reinstated_and_nothing_is_written(
    api: Api, clock: Clock, client: Client, ddb_calls: CallCounter
) -> None:
    case, cert = issued(api)
    staff = bureau(case)
    revoked = change(api, case.supervisor, cert["id"], "REVOKED", "以欺骗手段取得,依法吊销")
    assert codes(revoked) == [] and revoked["certificate"]["status"] == "REVOKED"
    status, html = page(client, f"/v/{cert['verificationCode']}")
    assert (
        status == 200 and '<meta name="licence-status" content="REVOKED">' in html and "<strong>已吊销</strong>" in html
    )
    trail = timeline(api, case)

    ddb_calls.reset()
    refused = change(api, staff, cert["id"], "VALID", "恢复")
    assert codes(refused) == ["ILLEGAL_STATUS_TRANSITION"] and refused["certificate"] is None
    assert "「吊销」变更为「有效」" in refused["userErrors"][0]["message"]
    assert ddb_calls.calls.get("TransactWriteItems", 0) == 0
    assert timeline(api, case) == trail and record(api, cert["id"])["status"] == "REVOKED"


def test_who_may_make_which_change(api: Api, clock: Clock) -> None:
    case, cert = issued(api)
    # A supervisor may not suspend; the holder may not revoke; expiry is the sweep's alone.
    assert codes(change(api, case.supervisor, cert["id"], "SUSPENDED")) == ["FORBIDDEN"]
    assert codes(change(api, "applicant-wang", cert["id"], "REVOKED")) == ["FORBIDDEN"]
    assert codes(change(api, bureau(case), cert["id"], "EXPIRED")) == ["FORBIDDEN"]
    # All problems at once: reason missing and a date in the past.
    both = change(api, bureau(case), cert["id"], "SUSPENDED", " ", effectiveOn="2020-01-01")
    assert sorted(codes(both)) == ["EFFECTIVE_DATE_PAST", "REASON_REQUIRED"]
    assert record(api, cert["id"])["status"] == "VALID"


def test_holder_cancels_on_request_and_withdrawal_by_the_bureau(api: Api, clock: Clock) -> None:
    case, cert = issued(api)
    cancelled = change(api, "applicant-wang", cert["id"], "CANCELLED", "企业歇业,申请注销")
    assert codes(cancelled) == [] and cancelled["certificate"]["status"] == "CANCELLED"
    assert codes(change(api, bureau(case), cert["id"], "WITHDRAWN")) == ["ILLEGAL_STATUS_TRANSITION"]
    other_case, other = issued(api)
    withdrawn = change(api, bureau(other_case), other["id"], "WITHDRAWN", "许可条件不具备,依法撤销")
    assert withdrawn["certificate"]["status"] == "WITHDRAWN"


def test_future_effective_date_takes_effect_by_the_sweep(api: Api, clock: Clock) -> None:
    from chalicelib.services.calendar import current_calendar
    from chalicelib.services.certificates import apply_due_status_changes
    from chalicelib.storage.application_repository import ApplicationRepository
    from chalicelib.storage.certificate_repository import CertificateRepository

    case, cert = issued(api)
    day = clock.now.date() + timedelta(days=3)
    scheduled = change(api, bureau(case), cert["id"], "TRANSFERRED_OUT", "迁往外市", effectiveOn=day.isoformat())
    assert codes(scheduled) == [] and scheduled["certificate"]["status"] == "VALID"
    assert scheduled["certificate"]["pendingStatusChange"] == {
        "target": "TRANSFERRED_OUT",
        "effectiveOn": day.isoformat(),
        "reason": "迁往外市",
    }
    again = change(api, bureau(case), cert["id"], "SUSPENDED", "x", effectiveOn=day.isoformat())
    assert codes(again) == ["STATUS_CHANGE_PENDING"]

    def sweep() -> int:
        return apply_due_status_changes(CertificateRepository(), ApplicationRepository(current_calendar()), clock.now)

    assert sweep() == 0
    clock.set_china(day, hour=0)
    assert sweep() == 1 and sweep() == 0
    seen = record(api, cert["id"])
    assert (seen["status"], seen["statusEffectiveOn"], seen["pendingStatusChange"]) == (
        "TRANSFERRED_OUT",
        day.isoformat(),
        None,
    )
    assert timeline(api, case).count("CHANGE_CERTIFICATE_STATUS") == 2  # decided, then took effect


def test_a_suspended_licence_expires_by_the_sweep(api: Api, clock: Clock) -> None:
    from chalicelib.services.sweep import expire_certificates
    from chalicelib.storage.certificate_repository import CertificateRepository

    case, cert = issued(api, "ZS-YJGL-001")  # valid 3 years
    change(api, bureau(case), cert["id"], "SUSPENDED", "暂扣")
    clock.set_china(date.fromisoformat(cert["validUntil"]) + timedelta(days=1))
    assert expire_certificates(CertificateRepository()) == 1
    assert record(api, cert["id"])["status"] == "EXPIRED"
    assert codes(change(api, bureau(case), cert["id"], "VALID", "恢复")) == ["ILLEGAL_STATUS_TRANSITION"]


def test_correction_cancels_and_links_identifiers(api: Api, clock: Clock) -> None:
    case, cert = issued(api)
    old_identifier = record(api, cert["id"])["identifier"]
    body = api.gql(
        """mutation($input: CertificateCorrectInput!) { certificateCorrect(input: $input) {
           certificate { id } userErrors { code } } }""",
        {"input": {"id": cert["id"], "reason": "持证人名称更正"}},
        as_=bureau(case),
    )
    new_id = body["data"]["certificateCorrect"]["certificate"]["id"]
    old, new = record(api, cert["id"]), record(api, new_id)
    assert (old["status"], old["replacedById"], old["statusReason"]) == ("CANCELLED", new_id, "持证人名称更正")
    assert new["previousIdentifier"] == old_identifier
    previous, current = li.parse(old_identifier), li.parse(new["identifier"])
    assert (current.serial, current.version) == (previous.serial, 2)  # same licence, next version


def test_idempotent_retry_changes_once(api: Api, clock: Clock) -> None:
    case, cert = issued(api)
    first = change(api, bureau(case), cert["id"], "SUSPENDED", "暂扣", idempotencyKey="k-1")
    retry = change(api, bureau(case), cert["id"], "SUSPENDED", "暂扣", idempotencyKey="k-1")
    assert codes(first) == codes(retry) == [] and retry["certificate"]["status"] == "SUSPENDED"
    assert timeline(api, case).count("CHANGE_CERTIFICATE_STATUS") == 1
    reused = change(api, bureau(case), cert["id"], "REVOKED", "吊销", idempotencyKey="k-1")
    assert codes(reused) == ["IDEMPOTENCY_KEY_REUSED"]


def test_status_change_and_identifier_lookup_request_counts(api: Api, clock: Clock, ddb_calls: CallCounter) -> None:
    case, cert = issued(api)
    identifier = record(api, cert["id"])["identifier"]
    ddb_calls.reset()
    change(api, bureau(case), cert["id"], "SUSPENDED", "暂扣")
    # The record (read once: scope check and revision), the case, one transaction; the relay adds
    # nothing here. (It read the record twice before.)
    assert dict(ddb_calls.calls) == {"GetItem": 2, "TransactWriteItems": 1}
    ddb_calls.reset()
    change(api, bureau(case), cert["id"], "VALID", "恢复", idempotencyKey="k-count")
    # With an idempotency key: its record too.
    assert dict(ddb_calls.calls) == {"GetItem": 3, "TransactWriteItems": 1}
    ddb_calls.reset()
    body = api.gql(
        """mutation($input: CertificateCorrectInput!) { certificateCorrect(input: $input) {
           certificate { id } userErrors { code } } }""",
        {"input": {"id": cert["id"], "reason": "持证人名称更正"}},
        as_=bureau(case),
    )
    assert body["data"]["certificateCorrect"]["userErrors"] == [], body
    # A correction: the record (scope), the case; the licence it replaces at its revision rides in
    # issuance's one BatchGetItem (no GetItem of its own); the transaction; the relay's delivery of
    # its two result pushes (issued, superseded), one each.
    assert dict(ddb_calls.calls) == {"GetItem": 2, "BatchGetItem": 1, "TransactWriteItems": 3}
    ddb_calls.reset()
    api.gql(BY_IDENTIFIER, {"identifier": identifier, "holder": "王海燕"})
    # The rate counter, the identifier pointer and the record, and the verification log line.
    assert dict(ddb_calls.calls) == {"UpdateItem": 1, "GetItem": 2, "PutItem": 1}


def test_migration_assigns_identifiers_to_old_certificates(
    api: Api, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Certificates stored before identifiers (and with the old lowercase status) get the same
    identifier issuance would have given them; bounded per run, idempotent."""
    from chalicelib.storage.tables import Record
    from infra import migrate

    issued_ids = [issued(api)[1]["id"] for _ in range(2)]
    originals = {cid: record(api, cid)["identifier"] for cid in issued_ids}
    for cid in issued_ids:
        raw = Record.get(f"CERT#{li_raw(cid)}", "#")
        data = {k: v for k, v in raw.data.items() if k not in {"identifier", "issuer_code", "jurisdiction_code"}}
        raw.data = {**data, "status": "valid"}  # as the four-status release stored it
        raw.save()
        Record.get(f"CERTLID#{originals[cid]}", "#").delete()
    assert record(api, issued_ids[0])["identifier"] is None and record(api, issued_ids[0])["status"] == "VALID"

    def run(*argv: str) -> dict[str, Any]:
        assert migrate.main(["certificate-identifiers", *argv]) == 0
        return dict(json.loads(capsys.readouterr().out))

    assert run("--limit", "1") == {"assigned": 1, "more": 1}
    assert run() == {"assigned": 1}
    assert run() == {}
    for cid in issued_ids:
        assert record(api, cid)["identifier"] == originals[cid]
        assert Record.get(f"CERT#{li_raw(cid)}", "#").data["status"] == "VALID"  # stored in the new spelling
    found = api.gql(BY_IDENTIFIER, {"identifier": originals[issued_ids[0]], "holder": "王海燕"})
    assert found["data"]["certificateVerify"]["certificate"]["identifier"] == originals[issued_ids[0]]


def li_raw(global_id: str) -> str:
    from strawberry.relay import GlobalID

    return str(GlobalID.from_id(global_id).node_id)


def test_an_administrator_records_a_bureaus_credit_and_division_codes(api: Api, clock: Clock) -> None:
    """A bureau created later can issue licences once its GB 32100 code is recorded; bad codes are
    refused together with the other problems."""
    from tests.e2e.test_organisation_api import ok, refused

    value = {"code": "jintang-bureau", "name": "金塘管委会行政审批局", "centreId": gid_centre("jintang")}
    value |= {"kind": "BUREAU", "reason": "设立", "creditCode": CITY_BUREAU_USCC[:-1] + "7", "divisionCode": "33"}
    assert refused(api, "departmentCreate", value) == ["INVALID_CREDIT_CODE", "INVALID_DIVISION_CODE"]
    created = ok(api, "departmentCreate", {**value, "creditCode": "", "divisionCode": ""})
    assert (created["kind"], created["version"]) == ("BUREAU", 1)
    changed = {
        "id": created["id"],
        "expectedVersion": 1,
        "name": "金塘管委会行政审批局",
        "supervisionPhone": "0580-8041299",
    }
    changed |= {"kind": "BUREAU", "reason": "登记统一社会信用代码", "creditCode": "11330900MB0000000X"}
    changed["creditCode"] = changed["creditCode"][:-1] + li_uscc_check(changed["creditCode"][:-1])
    assert ok(api, "departmentChange", {**changed, "divisionCode": "330901"})["version"] == 2
    body = api.gql("query($id: ID!) { department(id: $id) { creditCode divisionCode } }", {"id": created["id"]})
    assert body["data"]["department"] == {"creditCode": changed["creditCode"], "divisionCode": "330901"}


def gid_centre(centre_id: str) -> str:
    from strawberry.relay import GlobalID

    return str(GlobalID("Centre", centre_id))


def li_uscc_check(first17: str) -> str:
    from stdnum.cn import uscc

    return str(uscc.calc_check_digit(first17))


def test_a_revocation_effective_later_is_pushed_when_it_takes_effect(api: Api, clock: Clock) -> None:
    """审管联动 (seed 002): the supervising department hears of a revocation when it takes effect."""
    from chalicelib.services.calendar import current_calendar
    from chalicelib.services.certificates import apply_due_status_changes
    from chalicelib.storage.application_repository import ApplicationRepository
    from chalicelib.storage.certificate_repository import CertificateRepository
    from tests.e2e.test_result_push import _node, pushes

    case, cert = issued(api)
    day = clock.now.date() + timedelta(days=1)
    assert codes(change(api, case.supervisor, cert["id"], "REVOKED", "逾期未整改", effectiveOn=day.isoformat())) == []
    assert pushes("city-natural-resources") == [("issued", _node(cert["id"]))]  # not yet in effect
    clock.set_china(day, hour=1)
    assert apply_due_status_changes(CertificateRepository(), ApplicationRepository(current_calendar()), clock.now) == 1
    assert pushes("city-natural-resources") == [("issued", _node(cert["id"])), ("revoked", _node(cert["id"]))]


def test_identifier_lookup_normalises_the_holder_name_on_both_sides_without_probing(
    api: Api, clock: Clock, client: Client
) -> None:
    """The holder's name is compared the way names are compared at filing (NFKC, whitespace
    dropped: `verified_identity.comparable_name`) on GraphQL, `POST /verify` and the public page; a
    wrong name still answers exactly as an unknown identifier."""
    from chalicelib.storage.tables import Record

    _, cert = issued(api)
    identifier = record(api, cert["id"])["identifier"]
    for spelled in (" 王海燕 ", "王 海燕", "王\u3000海燕", "\t王海燕\u3000"):
        found = api.gql(BY_IDENTIFIER, {"identifier": identifier, "holder": spelled})
        assert found["data"]["certificateVerify"]["certificate"]["identifier"] == identifier, (spelled, found)
        assert rest(client, {"identifier": identifier, "holderName": spelled})[0] == 200, spelled
        status, html = page(client, f"/v/{identifier}?holderName={spelled}")
        assert status == 200 and '<meta name="licence-status" content="VALID">' in html, spelled
        clock.advance(minutes=1)  # a fresh per-minute lookup budget

    # A company whose registered name has ASCII brackets, looked up with full-width ones (and back).
    raw = Record.get(f"CERT#{li_raw(cert['id'])}", "#")
    raw.data = {**raw.data, "holder_name": "舟山海星(集团)有限公司"}
    raw.save()
    for spelled in ("舟山海星（集团）有限公司", "舟山海星 (集团) 有限公司", "舟山海星(集团)有限公司"):
        found = api.gql(BY_IDENTIFIER, {"identifier": identifier, "holder": spelled})
        assert found["data"]["certificateVerify"]["certificate"]["holderName"] == "舟山海星******公司", spelled
        assert rest(client, {"identifier": identifier, "holderName": spelled})[0] == 200, spelled
        assert page(client, f"/v/{identifier}?holderName={spelled}")[0] == 200, spelled
        clock.advance(minutes=1)

    # No probing: a wrong name and an unknown identifier get the same answer everywhere.
    unknown = str(li.new_identifier("ZJ-SPJYXKZ", CITY_BUREAU_USCC, 2026, 999999))
    wrong, missing = (
        api.gql(BY_IDENTIFIER, {"identifier": identifier, "holder": "舟山海星（集团）公司"}),
        api.gql(BY_IDENTIFIER, {"identifier": unknown, "holder": "舟山海星（集团）有限公司"}),
    )
    assert wrong == missing and wrong["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert rest(client, {"identifier": identifier, "holderName": "舟山海星集团有限公司"}) == rest(
        client, {"identifier": unknown, "holderName": "舟山海星(集团)有限公司"}
    )
    assert page(client, f"/v/{identifier}?holderName=舟山海星") == page(
        client, f"/v/{unknown}?holderName=舟山海星(集团)有限公司"
    )


CANCEL = """mutation($input: CertificateStatusChangeCancelInput!) { certificateStatusChangeCancel(input: $input) {
  certificate { id status pendingStatusChange { id target effectiveOn reason }
                closedStatusChanges { id target effectiveOn reason outcome closedAt closedBy note } }
  cancelledChange { id target effectiveOn reason outcome closedAt closedBy note }
  userErrors { field code message } } }"""


def cancel(api: Api, as_: str, change_id: str, reason: str = "情况已变化,撤回原安排") -> dict[str, Any]:
    body = api.gql(CANCEL, {"input": {"id": change_id, "reason": reason}}, as_=as_)
    assert "errors" not in body, body
    return dict(body["data"]["certificateStatusChangeCancel"])


def scheduled(api: Api, as_: str, cert_id: str, target: str, day: date, reason: str = "依法处理") -> str:
    """Schedule a change for `day`; its id."""
    value = {"id": cert_id, "target": target, "reason": reason, "effectiveOn": day.isoformat()}
    body = api.gql(CHANGE.replace("pendingStatusChange {", "pendingStatusChange { id"), {"input": value}, as_=as_)
    payload = body["data"]["certificateStatusChange"]
    assert codes(payload) == [], payload
    pending = payload["certificate"]["pendingStatusChange"]
    assert pending["target"] == target and pending["effectiveOn"] == day.isoformat()
    change_id: str = pending["id"]
    return change_id


def sweep_status(clock: Clock) -> int:
    from chalicelib.services.calendar import current_calendar
    from chalicelib.services.certificates import apply_due_status_changes
    from chalicelib.storage.application_repository import ApplicationRepository
    from chalicelib.storage.certificate_repository import CertificateRepository

    return apply_due_status_changes(CertificateRepository(), ApplicationRepository(current_calendar()), clock.now)


def test_a_scheduled_change_is_cancelled_with_who_when_why_and_the_sweep_never_applies_it(
    api: Api, clock: Clock, ddb_calls: CallCounter
) -> None:
    case, cert = issued(api)
    staff = bureau(case)
    day = clock.now.date() + timedelta(days=3)
    change_id = scheduled(api, staff, cert["id"], "SUSPENDED", day, "停业整顿期间暂扣")
    trail = timeline(api, case)

    ddb_calls.reset()
    done = cancel(api, staff, change_id, "整改已提前完成,撤回暂扣安排")
    # The record (scope and revision), the case, one transaction (record, due entry, case + event).
    assert dict(ddb_calls.calls) == {"GetItem": 2, "TransactWriteItems": 1}
    assert codes(done) == [] and done["certificate"]["pendingStatusChange"] is None
    cancelled = done["cancelledChange"]
    assert cancelled == {
        "id": change_id,
        "target": "SUSPENDED",
        "effectiveOn": day.isoformat(),
        "reason": "停业整顿期间暂扣",
        "outcome": "CANCELLED",
        "closedAt": cancelled["closedAt"],
        "closedBy": staff,  # who
        "note": "整改已提前完成,撤回暂扣安排",  # why
    }
    assert cancelled["closedAt"].startswith(clock.now.date().isoformat())  # when
    assert done["certificate"]["closedStatusChanges"] == [cancelled]
    assert timeline(api, case) == [*trail, "CANCEL_CERTIFICATE_STATUS_CHANGE"]
    # The holder sees it too, the staff account as 工作人员.
    seen = api.gql(
        "query($id: ID!) { certificate(id: $id) { closedStatusChanges { outcome closedBy note } } }",
        {"id": cert["id"]},
        as_="applicant-wang",
    )["data"]["certificate"]["closedStatusChanges"]
    assert seen == [{"outcome": "CANCELLED", "closedBy": "工作人员", "note": "整改已提前完成,撤回暂扣安排"}]

    # A retry (the answer was lost): the same answer, nothing written, the trail unchanged.
    ddb_calls.reset()
    again = cancel(api, staff, change_id, "整改已提前完成,撤回暂扣安排")
    assert codes(again) == [] and again["cancelledChange"] == cancelled
    assert ddb_calls.calls.get("TransactWriteItems", 0) == 0
    assert timeline(api, case) == [*trail, "CANCEL_CERTIFICATE_STATUS_CHANGE"]

    # Its day comes: the sweep has nothing to apply; the licence stays valid everywhere.
    clock.set_china(day, hour=1)
    assert sweep_status(clock) == 0
    after = record(api, cert["id"])
    assert (after["status"], after["pendingStatusChange"]) == ("VALID", None)
    assert api.gql(VERIFY, {"code": cert["verificationCode"]})["data"]["certificateVerify"]["valid"] is True
    # A new change may be scheduled again, with a new id.
    assert scheduled(api, staff, cert["id"], "SUSPENDED", day + timedelta(days=1)) != change_id


def test_who_may_cancel_is_who_may_schedule(api: Api, clock: Clock) -> None:
    case, cert = issued(api)
    day = clock.now.date() + timedelta(days=5)
    revocation = scheduled(api, case.supervisor, cert["id"], "REVOKED", day, "逾期未整改,依法吊销")
    # The holder may not withdraw a revocation, nor cancel it; another applicant does not see the
    # licence (unknown == hidden); a bureau of the issuing centre may revoke, so may cancel.
    assert codes(cancel(api, "applicant-wang", revocation)) == ["FORBIDDEN"]
    assert codes(cancel(api, "company-haixing", revocation)) == ["NOT_FOUND"]
    assert codes(cancel(api, bureau(case), revocation)) == []

    # The holder's own request to cancel (注销) is theirs (or the bureau's) to withdraw, not a supervisor's.
    request = scheduled(api, "applicant-wang", cert["id"], "CANCELLED", day, "企业拟歇业,申请注销")
    assert codes(cancel(api, case.supervisor, request)) == ["FORBIDDEN"]
    mine = cancel(api, "applicant-wang", request, "继续经营,撤回注销申请")
    assert codes(mine) == [] and mine["cancelledChange"]["closedBy"] == "applicant-wang"
    outcomes = [(c["target"], c["outcome"]) for c in mine["certificate"]["closedStatusChanges"]]
    assert outcomes == [("REVOKED", "CANCELLED"), ("CANCELLED", "CANCELLED")]


def test_a_change_in_effect_cannot_be_cancelled_and_nothing_is_written(
    api: Api, clock: Clock, ddb_calls: CallCounter
) -> None:
    case, cert = issued(api)
    staff = bureau(case)
    day = clock.now.date() + timedelta(days=1)
    change_id = scheduled(api, staff, cert["id"], "TRANSFERRED_OUT", day, "迁往外市")
    clock.set_china(day, hour=0)  # its day: in effect on every page even before the sweep records it
    trail = timeline(api, case)
    ddb_calls.reset()
    refused = cancel(api, staff, change_id)
    assert codes(refused) == ["STATUS_CHANGE_IN_EFFECT"] and refused["certificate"] is None
    assert f"已于{day.isoformat()}生效" in refused["userErrors"][0]["message"]
    assert ddb_calls.calls.get("TransactWriteItems", 0) == 0 and timeline(api, case) == trail
    assert sweep_status(clock) == 1  # so the sweep applies it
    assert codes(cancel(api, staff, change_id)) == ["STATUS_CHANGE_IN_EFFECT"]
    seen = record(api, cert["id"])
    assert seen["status"] == "TRANSFERRED_OUT"
    history = api.gql(
        "query($id: ID!) { certificate(id: $id) { closedStatusChanges { id outcome closedBy } } }",
        {"id": cert["id"]},
        as_=staff,
    )["data"]["certificate"]["closedStatusChanges"]
    assert history == [{"id": change_id, "outcome": "APPLIED", "closedBy": None}]


def test_cancelling_bad_input_gets_codes_all_at_once(api: Api, clock: Clock) -> None:
    from tests.flows import gid

    case, cert = issued(api)
    staff = bureau(case)
    day = clock.now.date() + timedelta(days=2)
    change_id = scheduled(api, case.supervisor, cert["id"], "WITHDRAWN", day, "许可条件不具备")
    # Every problem at once: the holder may not, and gives no reason.
    assert sorted(codes(cancel(api, "applicant-wang", change_id, "  "))) == ["FORBIDDEN", "REASON_REQUIRED"]
    assert codes(cancel(api, staff, change_id, "x" * 501)) == ["REASON_TOO_LONG"]
    assert codes(cancel(api, staff, change_id, "撤回\u202e")) == ["INVALID_CHARACTERS"]
    # Malformed or foreign ids, and a change that is not this licence's.
    assert codes(cancel(api, staff, "???")) == ["INVALID_ID"]
    assert codes(cancel(api, staff, cert["id"])) == ["INVALID_ID"]  # a certificate's id, not a change's
    assert codes(cancel(api, staff, gid("CertificateStatusChange", "nocolon"))) == ["INVALID_ID"]
    assert codes(cancel(api, staff, gid("CertificateStatusChange", f"{li_raw(cert['id'])}:000000"))) == ["NOT_FOUND"]
    assert codes(cancel(api, staff, gid("CertificateStatusChange", "unknown-cert:000000"))) == ["NOT_FOUND"]
    # A malformed, unknown or hidden id comes with every other input problem, each on its field.
    for bad_id, code in (
        ("???", "INVALID_ID"),
        (cert["id"], "INVALID_ID"),
        (gid("CertificateStatusChange", "unknown-cert:000000"), "NOT_FOUND"),
        (gid("CertificateStatusChange", f"{li_raw(cert['id'])}:000000"), "NOT_FOUND"),
    ):
        assert fields(cancel(api, staff, bad_id, "  ")) == [("id", code), ("reason", "REASON_REQUIRED")]
        assert fields(cancel(api, staff, bad_id, "x" * 501)) == [("id", code), ("reason", "REASON_TOO_LONG")]
    assert fields(cancel(api, "applicant-zhou", change_id, "撤回\u202e")) == [
        ("id", "NOT_FOUND"),  # not her licence: as unknown
        ("reason", "INVALID_CHARACTERS"),
    ]
    assert record(api, cert["id"])["pendingStatusChange"]["id"] == change_id  # still scheduled

    # A change made moot by an immediate one is dropped, not cancellable.
    assert codes(change(api, staff, cert["id"], "REVOKED", "以欺骗手段取得,依法吊销")) == []
    assert codes(cancel(api, staff, change_id)) == ["STATUS_CHANGE_NOT_PENDING"]
    history = api.gql(
        "query($id: ID!) { certificate(id: $id) { pendingStatusChange { id } closedStatusChanges { id outcome } } }",
        {"id": cert["id"]},
        as_=staff,
    )["data"]["certificate"]
    assert history == {"pendingStatusChange": None, "closedStatusChanges": [{"id": change_id, "outcome": "DROPPED"}]}
