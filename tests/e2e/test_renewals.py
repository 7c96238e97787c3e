"""Renewal of a licence (延续, Administrative Licensing Law art. 50) through `/graphql`: applying at
least 30 days before the validity ends, the ordinary review and decision, the renewed licence
linked to the previous one with its validity continued, and the sweep's deemed grant when nobody
decided before the licence ended."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.outbox import Relay
from chalicelib.services.renewals import default_certificates, sweep_renewals
from chalicelib.services.sweep import run_sweep
from tests.conftest import Api, CallCounter, Clock
from tests.flows import Case, gid, op, verified_account

ITEM = "ZS-SCJG-001"  # 食品经营许可证, valid 5 years; timeout rule ESCALATE
ISSUED_ON = date(2026, 11, 2)
LAST_DAY = date(2031, 11, 1)  # a 5-year licence issued 2026-11-02 runs to 2031-11-01
IN_TIME = date(2031, 10, 2)  # 30 calendar days before the last valid day

CERT = """id number status issuedOn validUntil applicationId identifier previousIdentifier
  metadata { validFrom validUntil }
  previousCertificate { id number } renewedBy { id number validUntil }
  renewal { id kind state }"""
ISSUE = f"""mutation($input: CertificateIssueInput!) {{ certificateIssue(input: $input) {{
  certificate {{ {CERT} }} userErrors {{ field code message }} }} }}"""
READ_CERT = f"query($id: ID!) {{ certificate(id: $id) {{ {CERT} }} }}"
APPLY = """mutation($input: RenewalApplyInput!) { renewalApply(input: $input) {
  application { id state kind renewal { previousCertificateId previousCertificateNumber previousValidUntil
                renewedValidFrom latestApplicationDay deemedGranted } }
  userErrors { field code message } } }"""
CASE = """query($id: ID!) { application(id: $id) {
  state kind decision { outcome deemed legalBasis reason }
  renewal { previousCertificateId deemedGranted } timeline { nodes { action actor reason } } } }"""


def _issue(api: Api, case: Case) -> dict[str, Any]:
    body = api.gql(ISSUE, {"input": {"applicationId": case.id}}, as_=case.staff("bureau"))
    payload = body["data"]["certificateIssue"]
    assert payload["userErrors"] == [], body
    cert: dict[str, Any] = payload["certificate"]
    return cert


def licence(api: Api, clock: Clock, item: str = ITEM) -> tuple[Case, dict[str, Any]]:
    """A licence issued on Monday 2026-11-02 to 王海燕 (applicant-wang)."""
    clock.set_china(ISSUED_ON)
    case = Case(api, item).approved()
    return case, _issue(api, case)


def renewal_input(case: Case, certificate_id: str, key: str | None = None) -> dict[str, Any]:
    filed = case.file_input()["input"]
    value = {
        "certificateId": certificate_id,
        "centreId": filed["centreId"],
        "materials": filed["materials"],
        "formData": filed["formData"],
    }
    if key is not None:
        value["idempotencyKey"] = key
    return value


def apply(api: Api, case: Case, certificate_id: str, as_: str = "applicant-wang", key: str | None = None) -> Any:
    body = api.gql(APPLY, {"input": renewal_input(case, certificate_id, key)}, as_=as_)
    assert "errors" not in body, body
    return body["data"]["renewalApply"]


def applied(api: Api, case: Case, certificate_id: str) -> Case:
    """The renewal case, driven by the same client operations as any case of the item."""
    payload = apply(api, case, certificate_id)
    assert payload["userErrors"] == [], payload
    renewal = Case(api, case.ITEM)
    renewal.id = payload["application"]["id"]
    return renewal


def accept_and_review(renewal: Case) -> Case:
    renewal.run("ApplicationAccept", {"input": {"id": renewal.id}}, renewal.clerk)
    for task in renewal.item.elements.co_reviewers:
        reviewer = renewal.staff("reviewer", department=task.department_id)
        renewal.run("ApplicationReview", renewal.review_input(), reviewer)
    renewal.run("ApplicationReview", renewal.review_input(), renewal.reviewer)
    return renewal


def read_case(api: Api, case_id: str, as_: str = "applicant-wang") -> Any:
    body = api.gql(CASE, {"id": case_id}, as_=as_)
    assert "errors" not in body, body
    return body["data"]["application"]


def read_cert(api: Api, cert_id: str, as_: str = "applicant-wang") -> Any:
    body = api.gql(READ_CERT, {"id": cert_id}, as_=as_)
    assert "errors" not in body, body
    return body["data"]["certificate"]


def test_law_art50_holder_applies_in_time_the_case_is_reviewed_granted_and_the_renewed_licence_continues(
    api: Api, clock: Clock
) -> None:
    """行政许可法第五十条: 「被许可人需要延续……应当在该行政许可有效期届满三十日前……提出申请」."""
    case, old = licence(api, clock)
    assert old["validUntil"] == LAST_DAY.isoformat() and old["renewal"] is None

    clock.set_china(IN_TIME)  # exactly 30 days before the last valid day: in time
    payload = apply(api, case, old["id"])
    assert payload["userErrors"] == []
    filed = payload["application"]
    assert (filed["state"], filed["kind"]) == ("SUBMITTED", "RENEWAL")
    assert filed["renewal"] == {
        "previousCertificateId": old["id"],
        "previousCertificateNumber": old["number"],
        "previousValidUntil": "2031-11-01",
        "renewedValidFrom": "2031-11-02",
        "latestApplicationDay": "2031-10-02",
        "deemedGranted": False,
    }
    assert read_cert(api, old["id"])["renewal"] == {"id": filed["id"], "kind": "RENEWAL", "state": "SUBMITTED"}

    # The ordinary flow of the item: intake, parallel review, the approver's decision, the bureau.
    renewal = accept_and_review(applied_case(api, case, filed["id"]))
    approve = {"outcome": "APPROVED", "reason": "符合延续条件,准予延续"}
    renewal.run("ApplicationDecide", {"input": {"id": renewal.id, **approve}}, renewal.approver)
    new = _issue(api, renewal)
    assert new["previousCertificate"] == {"id": old["id"], "number": old["number"]}
    assert new["issuedOn"] == "2031-10-02" and new["validUntil"] == "2036-11-01"  # continues from the old end
    # GB/T 36904/36903: the renewal points to the identifier it renews and starts the day after it ends.
    assert new["previousIdentifier"] == old["identifier"] and new["identifier"] != old["identifier"]
    assert new["metadata"] == {"validFrom": "2031-11-02", "validUntil": "2036-11-01"}
    assert new["number"] != old["number"] and new["applicationId"] == renewal.id
    # The previous licence stays valid to its end and names its renewal; then it expires as usual.
    before = read_cert(api, old["id"])
    assert before["status"] == "VALID" and before["renewedBy"]["id"] == new["id"]
    clock.set_china(date(2031, 11, 2))
    after = read_cert(api, old["id"])
    assert after["status"] == "EXPIRED" and read_cert(api, new["id"])["status"] == "VALID"
    # Nothing is left for the sweep: the renewal was decided in time.
    assert run_sweep().get("deemed_renewal", 0) == 0
    assert read_case(api, renewal.id)["decision"]["deemed"] is False


def applied_case(api: Api, case: Case, case_id: str) -> Case:
    renewal = Case(api, case.ITEM)
    renewal.id = case_id
    return renewal


def test_law_art50_undecided_when_the_licence_ends_the_sweep_deems_it_granted_and_issues_the_renewal(
    api: Api, clock: Clock
) -> None:
    """行政许可法第五十条: 「行政机关应当……在该行政许可有效期届满前作出是否准予延续的决定;逾期未作决定的,视为准予延续」."""
    case, old = licence(api, clock)
    clock.set_china(date(2031, 9, 1))
    renewal = accept_and_review(applied(api, case, old["id"]))  # reviewed; nobody decides

    clock.set_china(LAST_DAY, hour=23)  # the last valid day: the agency may still decide
    assert run_sweep().get("deemed_renewal_issued", 0) == 0
    assert read_case(api, renewal.id)["state"] == "IN_REVIEW"

    clock.set_china(date(2031, 11, 2), hour=1)  # the licence has ended undecided
    outcomes = run_sweep()
    assert outcomes["deemed_renewal_issued"] == 1 and "failed" not in outcomes
    seen = read_case(api, renewal.id)
    assert seen["state"] == "APPROVED" and seen["renewal"]["deemedGranted"] is True
    assert (
        seen["decision"]["deemed"] is True and seen["decision"]["legalBasis"] == "《中华人民共和国行政许可法》第五十条"
    )
    actions = [(e["action"], e["actor"]) for e in seen["timeline"]["nodes"]]
    assert actions[-2:] == [("DEEMED_RENEWAL", "system"), ("ISSUE_CERTIFICATE", "system")]
    # The renewed licence: issued by the previous licence's bureau under its seal, linked, continued.
    new = read_cert(api, old["id"])["renewedBy"]
    assert new["validUntil"] == "2036-11-01"
    renewed = read_cert(api, new["id"])
    assert renewed["previousCertificate"]["id"] == old["id"] and renewed["status"] == "VALID"
    verified = api.gql(
        'query($n: String, $h: String) { certificateVerify(number: $n, holderName: $h, reasonForUse: "银行开户核验") '
        "{ valid report { indication } } }",
        {"n": new["number"], "h": "王海燕"},
    )["data"]["certificateVerify"]
    assert verified["valid"] is True and verified["report"]["indication"] == "PASSED"
    # The applicant is told.
    notes = api.gql(op("Notifications"), {"first": 10}, as_="applicant-wang")["data"]["notifications"]["edges"]
    [note] = [n["node"] for n in notes if n["node"]["kind"] == "RENEWAL_DEEMED_GRANTED"]
    assert "视为准予延续" in note["title"]
    assert {"key": "legalBasis", "value": "《中华人民共和国行政许可法》第五十条"} in note["data"]

    # A deemed renewal is a decision like any other: the item's statistics count it that day.
    scope = {"kind": "ITEM", "id": gid("ServiceItem", ITEM)}
    stats = api.gql(op("Statistics"), {"scope": scope, "from": "2031-11-02", "to": "2031-11-02"}, as_=case.supervisor)
    assert stats["data"]["statistics"]["decided"] == 1, stats

    # Running the sweep again changes nothing.
    again = run_sweep()
    assert not any(k.startswith(("deemed_renewal", "renewal_")) for k in again)
    assert len(read_case(api, renewal.id)["timeline"]["nodes"]) == len(seen["timeline"]["nodes"])


def test_law_art50_deemed_grant_whose_issuing_fails_keeps_the_decision_and_issues_on_the_next_run(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch, ddb_calls: CallCounter
) -> None:
    case, old = licence(api, clock)
    clock.set_china(date(2031, 9, 1))
    renewal = accept_and_review(applied(api, case, old["id"]))
    clock.set_china(date(2031, 11, 2), hour=1)

    def broken_seal(pdf: bytes, cert: Any) -> bytes:
        raise RuntimeError("KMS unavailable")

    from chalicelib.services import certificate_parts

    working_seal = certificate_parts.seal
    monkeypatch.setattr(certificate_parts, "seal", broken_seal)
    assert run_sweep()["failed"] >= 1
    seen = read_case(api, renewal.id)
    assert seen["state"] == "APPROVED"  # decided, and no certificate half-made
    assert read_cert(api, old["id"])["renewedBy"] is None
    assert [e["action"] for e in seen["timeline"]["nodes"]][-1] == "DEEMED_RENEWAL"

    monkeypatch.setattr(certificate_parts, "seal", working_seal)  # the key is back
    clock.set_china(date(2031, 11, 2), hour=2)
    service = default_certificates(DEFAULT_CALENDAR)
    ddb_calls.reset()
    assert sweep_renewals(service, clock.now, Relay()) == {"renewal_issued": 1}
    # Query DUE#renewal (and once more to find it empty); the case; the previous licence (its
    # issuer); the issuance's BatchGetItem (department, counter, item, template, and the previous
    # licence at its revision: no GetItem of its own); the issuing transaction, then the relay's
    # delivery of the result push.
    assert dict(ddb_calls.calls) == {"Query": 2, "GetItem": 2, "BatchGetItem": 1, "TransactWriteItems": 2}
    ddb_calls.reset()
    assert sweep_renewals(service, clock.now, Relay()) == {}  # nothing left: one Query
    assert dict(ddb_calls.calls) == {"Query": 1}
    assert [e["action"] for e in read_case(api, renewal.id)["timeline"]["nodes"]][-1] == "ISSUE_CERTIFICATE"
    assert read_cert(api, old["id"])["renewedBy"] is not None
    notes = api.gql(op("Notifications"), {"first": 10}, as_="applicant-wang")["data"]["notifications"]["edges"]
    assert [n["node"]["kind"] for n in notes].count("RENEWAL_DEEMED_GRANTED") == 1  # told once


def codes(payload: Any) -> list[str]:
    assert payload["application"] is None, payload
    assert all(e["message"] for e in payload["userErrors"])  # a Chinese explanation each
    return [e["code"] for e in payload["userErrors"]]


def test_law_art50_bad_renewal_applications_are_refused_with_a_code_and_nothing_written(
    api: Api, clock: Clock, ddb_calls: CallCounter
) -> None:
    case, old = licence(api, clock)
    # Too late: 29 days before the last valid day.
    clock.set_china(date(2031, 10, 3))
    payload = apply(api, case, old["id"])
    assert codes(payload) == ["RENEWAL_TOO_LATE"]
    assert "第五十条" in payload["userErrors"][0]["message"]
    assert read_cert(api, old["id"])["renewal"] is None  # nothing written

    clock.set_china(date(2031, 9, 1))
    # Someone else's licence, or an unknown one, looks the same: not found.
    assert codes(apply(api, case, old["id"], as_="company-qiandao")) == ["NOT_FOUND"]
    assert codes(apply(api, case, gid("Certificate", "nope"))) == ["NOT_FOUND"]
    assert codes(apply(api, case, gid("Application", "x"))) == ["INVALID_ID"]

    # One renewal per licence; a retry with its idempotency key answers with the first case.
    value = renewal_input(case, old["id"], key="renew-1")
    first = api.gql(APPLY, {"input": value}, as_="applicant-wang")["data"]["renewalApply"]
    assert first["userErrors"] == []
    retried = api.gql(APPLY, {"input": value}, as_="applicant-wang")["data"]["renewalApply"]
    assert retried["userErrors"] == [] and retried["application"]["id"] == first["application"]["id"]
    assert codes(apply(api, case, old["id"], key="renew-2")) == ["RENEWAL_ALREADY_OPEN"]
    assert codes(apply(api, case, old["id"])) == ["RENEWAL_ALREADY_OPEN"]
    # Withdrawn, the licence can be renewed again.
    case.run(
        "ApplicationWithdraw", {"input": {"id": first["application"]["id"], "reason": "重新申请"}}, "applicant-wang"
    )
    assert apply(api, case, old["id"])["userErrors"] == []

    # A revoked licence is not renewable.
    revoke = {"input": {"id": old["id"], "reason": "依法撤销"}}
    assert (
        api.gql(op("CertificateRevoke"), revoke, as_=case.supervisor)["data"]["certificateRevoke"]["userErrors"] == []
    )
    other_case, other = licence(api, clock)
    clock.set_china(date(2031, 9, 1))
    api.gql(op("CertificateRevoke"), {"input": {"id": other["id"], "reason": "依法撤销"}}, as_=case.supervisor)
    assert codes(apply(api, other_case, other["id"])) == ["CERTIFICATE_NOT_VALID"]


def test_law_art50_a_licence_without_a_validity_end_is_not_renewable(api: Api, clock: Clock) -> None:
    case, cert = licence(api, clock, item=Case.ITEM)  # 建设工程规划许可证: no validity period
    assert cert["validUntil"] is None
    assert codes(apply(api, case, cert["id"])) == ["NOT_RENEWABLE"]


def test_renewal_request_counts_stay_small(api: Api, clock: Clock, ddb_calls: CallCounter) -> None:
    case, old = licence(api, clock)
    clock.set_china(IN_TIME)
    value = renewal_input(case, old["id"])
    ddb_calls.reset()
    payload = api.gql(APPLY, {"input": value}, as_="applicant-wang")["data"]["renewalApply"]
    assert payload["userErrors"] == []
    applying = dict(ddb_calls.calls)
    ddb_calls.reset()
    read_cert(api, old["id"])  # the record, its renewal case (pointer + case), and the links
    reading = dict(ddb_calls.calls)
    # An ordinary warm filing (the item; the first-contact consultations Query; one transaction; the
    # centre hierarchy is the process's copy) plus the licence and its renewal pointer: 2 GetItems
    # more than filing.
    assert applying == {"GetItem": 3, "Query": 1, "TransactWriteItems": 1}, applying
    # The licence, its renewal pointer and the renewal case; no links to follow yet.
    assert reading == {"GetItem": 3}, reading
    ddb_calls.reset()
    seen = api.gql(
        "query($id: ID!) { certificate(id: $id) { number previousCertificate { id } renewedBy { id } } }",
        {"id": old["id"]},
        as_="applicant-wang",
    )["data"]["certificate"]
    assert seen["previousCertificate"] is None and seen["renewedBy"] is None
    assert dict(ddb_calls.calls) == {"GetItem": 1}  # a link not set costs nothing

    # Issuing the renewed licence costs what any issuance costs: the previous licence (which the
    # issuing transaction marks `renewedBy` at its revision) rides in issuance's one BatchGetItem.
    renewal = accept_and_review(applied_case(api, case, payload["application"]["id"]))
    approve = {"outcome": "APPROVED", "reason": "符合延续条件,准予延续"}
    renewal.run("ApplicationDecide", {"input": {"id": renewal.id, **approve}}, renewal.approver)
    ddb_calls.reset()
    body = api.gql(
        """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
           certificate { id } userErrors { code } } }""",
        {"input": {"applicationId": renewal.id}},
        as_=renewal.staff("bureau"),
    )
    assert body["data"]["certificateIssue"]["userErrors"] == [], body
    # The case; one BatchGetItem; the issuing transaction; the relay's delivery of the result push.
    assert dict(ddb_calls.calls) == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 2}
    assert read_cert(api, old["id"])["renewedBy"]["id"] == body["data"]["certificateIssue"]["certificate"]["id"]


def test_law_art50_an_agent_applies_for_the_holder_only_while_authorised(api: Api, clock: Clock) -> None:
    """代办 (seed 000): an agent the holder authorised applies on the holder's behalf; the case is the holder's."""
    case, old = licence(api, clock)
    clock.set_china(date(2031, 9, 1))
    assert codes(apply(api, case, old["id"], as_="agent-chen")) == ["NOT_FOUND"]  # not authorised: hidden
    grant = {"input": {"agentId": "agent-chen", "validUntil": "2031-12-31"}}
    verified_account(api, "agent-chen")
    case.run("AgentAuthorisationGrant", grant, "applicant-wang")
    payload = apply(api, case, old["id"], as_="agent-chen")
    assert payload["userErrors"] == [] and payload["application"]["kind"] == "RENEWAL"
    assert read_cert(api, old["id"])["renewal"]["id"] == payload["application"]["id"]  # the holder sees it
