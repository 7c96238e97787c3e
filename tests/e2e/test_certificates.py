"""Certificates through `/graphql`: issuance by the bureau under the one seal (seed 002), the
registry, lifecycle (delivery, revocation, correction, expiry), citing a certificate as a material
(seed 000 批文入库、资料共享), and verification by lookup and by upload."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.certificate import mask_identifier, mask_name, valid_until
from tests.conftest import Api, Clock
from tests.flows import Case, gid, op

ISSUE = """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
  certificate { id number identifier verificationCode status typeName holderName issuedOn validUntil sha256 size
                applicationId verificationUrl }
  userErrors { field code message } } }"""

VERIFY = """query($number: String, $code: String, $holder: String) {
  certificateVerify(number: $number, verificationCode: $code, holderName: $holder, reasonForUse: "银行开户核验") {
  valid certificate { number holderName holderIdentifier status statusReason }
  report { indication subIndication padesLevel intact chainsToTrustAnchor signer findings { code zh } } } }"""

UPLOAD = """query($pdf: String!) { certificateVerifyUpload(pdfBase64: $pdf) {
  valid sealValid registryMatch status certificate { number holderName } report { indication subIndication } } }"""


def bureau(case: Case) -> str:
    return case.staff("bureau")


def issued(api: Api, item: str = Case.ITEM) -> tuple[Case, dict[str, Any]]:
    case = Case(api, item).approved()
    body = api.gql(ISSUE, {"input": {"applicationId": case.id}}, as_=bureau(case))
    payload = body["data"]["certificateIssue"]
    assert payload["userErrors"] == [], body
    return case, payload["certificate"]


def pdf_of(api: Api, cert_id: str, as_: str) -> bytes:
    body = api.gql("query($id: ID!) { certificate(id: $id) { pdfBase64 } }", {"id": cert_id}, as_=as_)
    return base64.b64decode(body["data"]["certificate"]["pdfBase64"])


def test_seed002_bureau_issues_a_sealed_certificate_that_verifies(api: Api, clock: Clock) -> None:
    """seed 002 统一制证发证: 「加盖…行政审批专用章或电子印章,均具有法律效力」."""
    case, cert = issued(api)
    today = clock.now.date()
    assert cert["status"] == "VALID" and cert["holderName"] == "王海燕"
    assert cert["number"].endswith(f"-{today.year}-000001")
    assert cert["applicationId"] == case.id and cert["verificationUrl"].endswith(f"/v/{cert['verificationCode']}")
    pdf = pdf_of(api, cert["id"], "applicant-wang")
    assert hashlib.sha256(pdf).hexdigest() == cert["sha256"] and len(pdf) == cert["size"]
    body = api.gql(VERIFY, {"code": cert["verificationCode"]})  # anyone, no token
    result = body["data"]["certificateVerify"]
    assert result["valid"] is True and result["report"]["indication"] == "PASSED"
    assert result["report"]["chainsToTrustAnchor"] is True and result["report"]["padesLevel"] == "B_B"
    # The public sees the holder masked.
    assert result["certificate"]["holderName"] == mask_name("王海燕") != "王海燕"
    assert result["certificate"]["holderIdentifier"] == mask_identifier("330902199003151226")
    timeline = api.gql(
        "query($id: ID!) { application(id: $id) { timeline { nodes { action } } } }",
        {"id": case.id},
        as_=case.supervisor,
    )["data"]["application"]["timeline"]["nodes"]
    assert timeline[-1]["action"] == "ISSUE_CERTIFICATE"


def test_issuing_twice_returns_the_one_certificate_and_numbers_have_no_gaps(api: Api) -> None:
    case, first = issued(api)
    again = api.gql(ISSUE, {"input": {"applicationId": case.id}}, as_=bureau(case))["data"]["certificateIssue"]
    assert again["certificate"]["id"] == first["id"] and again["userErrors"] == []
    second_case = Case(api).approved()
    second = api.gql(ISSUE, {"input": {"applicationId": second_case.id}}, as_=bureau(case))["data"]["certificateIssue"]
    assert int(second["certificate"]["number"][-6:]) == int(first["number"][-6:]) + 1


def test_seed002_separation_of_duties_and_readiness(api: Api) -> None:
    """seed 002: 「推行受理、审核、制证“三分离”」 — and only approved cases get a certificate."""
    case = Case(api).reviewed()
    body = api.gql(ISSUE, {"input": {"applicationId": case.id}}, as_=bureau(case))
    # The bureau only sees approved cases: anything else is unknown to it, like any hidden case.
    assert [e["code"] for e in body["data"]["certificateIssue"]["userErrors"]] == ["NOT_FOUND"]
    case.run("ApplicationDecide", {"input": {"id": case.id, "outcome": "APPROVED", "reason": "准予"}}, case.approver)
    reviewer = next(s for s in api.seed.staff if s.id == case.reviewer)
    token = api.token(reviewer.id, ["bureau", "reviewer"], department=reviewer.department_id, centre=reviewer.centre_id)
    body = api.gql(ISSUE, {"input": {"applicationId": case.id}}, token=token)
    assert [e["code"] for e in body["data"]["certificateIssue"]["userErrors"]] == ["SEPARATION_OF_DUTIES"]
    body = api.gql(ISSUE, {"input": {"applicationId": case.id}}, as_=case.clerk)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_sealing_failure_leaves_the_case_awaiting_issue_and_a_retry_issues_exactly_one(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import certificate_parts

    case = Case(api).approved()
    real_seal = certificate_parts.seal

    def broken(pdf: bytes, authority: str) -> bytes:
        raise RuntimeError("HSM unavailable")

    monkeypatch.setattr(certificate_parts, "seal", broken)
    body = api.gql(ISSUE, {"input": {"applicationId": case.id}}, as_=bureau(case))
    assert [e["code"] for e in body["data"]["certificateIssue"]["userErrors"]] == ["SEALING_FAILED"]
    inbox = api.gql("{ inbox(queue: ISSUANCE) { nodes { applicationId } } }", as_=bureau(case))
    assert [n["applicationId"] for n in inbox["data"]["inbox"]["nodes"]] == [case.id]
    monkeypatch.setattr(certificate_parts, "seal", real_seal)
    body = api.gql(ISSUE, {"input": {"applicationId": case.id}}, as_=bureau(case))
    cert = body["data"]["certificateIssue"]["certificate"]
    assert cert["number"].endswith("-000001")  # the failed attempt used no number
    mine = api.gql("{ myCertificates { nodes { id } } }", as_="applicant-wang")["data"]["myCertificates"]["nodes"]
    assert [c["id"] for c in mine] == [cert["id"]]
    assert (
        api.gql("{ inbox(queue: ISSUANCE) { nodes { applicationId } } }", as_=bureau(case))["data"]["inbox"]["nodes"]
        == []
    )


def test_delivery_revocation_and_correction(api: Api) -> None:
    case, cert = issued(api)
    deliver = """mutation($input: CertificateDeliverInput!) { certificateDeliver(input: $input) {
        certificate { delivery { method trackingNumber } } userErrors { code } } }"""
    no_tracking = api.gql(deliver, {"input": {"id": cert["id"], "method": "MAIL"}}, as_=bureau(case))
    assert [e["code"] for e in no_tracking["data"]["certificateDeliver"]["userErrors"]] == ["TRACKING_REQUIRED"]
    mailed = api.gql(
        deliver, {"input": {"id": cert["id"], "method": "MAIL", "trackingNumber": "SF1234567890"}}, as_=bureau(case)
    )
    assert mailed["data"]["certificateDeliver"]["certificate"]["delivery"] == {
        "method": "MAIL",
        "trackingNumber": "SF1234567890",
    }

    correct = """mutation($input: CertificateCorrectInput!) { certificateCorrect(input: $input) {
        certificate { id number supersedesId status } userErrors { code } } }"""
    corrected = api.gql(correct, {"input": {"id": cert["id"], "reason": "持证人名称更正"}}, as_=bureau(case))
    new = corrected["data"]["certificateCorrect"]["certificate"]
    assert new["supersedesId"] == cert["id"] and new["number"] != cert["number"] and new["status"] == "VALID"
    old = api.gql(VERIFY, {"number": cert["number"], "holder": "王海燕"})["data"]["certificateVerify"]
    assert old["valid"] is False and old["certificate"]["status"] == "CANCELLED"  # replaced by the correction

    revoke = """mutation($input: CertificateRevokeInput!) { certificateRevoke(input: $input) {
        certificate { status statusReason } userErrors { code } } }"""
    revoked = api.gql(revoke, {"input": {"id": new["id"], "reason": "以欺骗手段取得"}}, as_=case.supervisor)
    assert revoked["data"]["certificateRevoke"]["certificate"] == {
        "status": "REVOKED",
        "statusReason": "以欺骗手段取得",
    }
    again = api.gql(revoke, {"input": {"id": new["id"], "reason": "再次"}}, as_=case.supervisor)
    assert [e["code"] for e in again["data"]["certificateRevoke"]["userErrors"]] == ["ILLEGAL_STATUS_TRANSITION"]


def test_expiry_by_sweep(api: Api, clock: Clock) -> None:
    from chalicelib.services.sweep import expire_certificates
    from chalicelib.storage.certificate_repository import CertificateRepository

    _, cert = issued(api, "ZS-YJGL-001")  # 危险化学品经营许可证: valid 3 years
    assert cert["validUntil"] == str(valid_until(date.fromisoformat(cert["issuedOn"]), 3))
    clock.set_china(date.fromisoformat(cert["validUntil"]))
    assert expire_certificates(CertificateRepository()) == 0  # still valid on its last day
    clock.advance(days=1)
    assert expire_certificates(CertificateRepository()) == 1
    assert expire_certificates(CertificateRepository()) == 0
    assert (
        api.gql(VERIFY, {"number": cert["number"], "holder": "王海燕"})["data"]["certificateVerify"]["certificate"][
            "status"
        ]
        == "EXPIRED"
    )


def test_seed000_certificate_is_cited_as_a_material_instead_of_uploaded(api: Api) -> None:
    """seed 000 「批文入库,资料共享」: an issued certificate serves later applications as a material."""
    _, cert = issued(api)
    case = Case(api)
    value = case.file_input()
    value["input"]["materials"][0] = {"code": value["input"]["materials"][0]["code"], "certificateId": cert["id"]}
    filed = case.run("ApplicationFile", value, "applicant-wang")["application"]
    detail = api.gql(
        "query($id: ID!) { application(id: $id) { materials { code fileName sha256 } } }",
        {"id": filed["id"]},
        as_="applicant-wang",
    )["data"]["application"]["materials"]
    assert detail[0]["sha256"] == cert["sha256"] and cert["number"] in detail[0]["fileName"]
    # Someone else's certificate cannot be cited.
    other = Case(api)
    value = other.file_input()
    value["input"]["applicant"] = {
        "accountId": "company-haixing",
        "name": "舟山海星水产有限公司",
        "identifier": "91330900MA2A1B2C34",
    }
    value["input"]["materials"][0] = {"code": value["input"]["materials"][0]["code"], "certificateId": cert["id"]}
    body = api.gql(op("ApplicationFile"), value, as_="company-haixing")
    assert [e["code"] for e in body["data"]["applicationFile"]["userErrors"]] == ["CERTIFICATE_UNAVAILABLE"]


def test_uploaded_pdf_is_checked_for_seal_registry_and_status(api: Api) -> None:
    case, cert = issued(api)
    pdf = pdf_of(api, cert["id"], "applicant-wang")
    good = api.gql(UPLOAD, {"pdf": base64.b64encode(pdf).decode()})["data"]["certificateVerifyUpload"]
    assert good == {
        "valid": True,
        "sealValid": True,
        "registryMatch": True,
        "status": "VALID",
        "certificate": {"number": cert["number"], "holderName": mask_name("王海燕")},
        "report": {"indication": "PASSED", "subIndication": None},
    }
    flipped = bytearray(pdf)
    flipped[len(pdf) // 3] ^= 0x01
    bad = api.gql(UPLOAD, {"pdf": base64.b64encode(bytes(flipped)).decode()})["data"]["certificateVerifyUpload"]
    assert (
        bad["valid"] is False
        and bad["registryMatch"] is False
        and bad["report"]["indication"] in {"FAILED", "INDETERMINATE"}
    )
    junk = api.gql(UPLOAD, {"pdf": base64.b64encode(b"not a pdf").decode()})["data"]["certificateVerifyUpload"]
    assert junk["report"]["indication"] == "FAILED" and junk["certificate"] is None
    assert api.gql(UPLOAD, {"pdf": "***"})["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    log = api.gql(
        "query($id: ID!) { certificate(id: $id) { verifications { nodes { channel indication } } } }",
        {"id": cert["id"]},
        as_=bureau(case),
    )["data"]["certificate"]["verifications"]["nodes"]
    assert {"channel": "GRAPHQL_UPLOAD", "indication": "PASSED"} in log


def test_rest_verify_route(api: Api) -> None:
    import json

    from chalice.test import Client

    from app import app

    _, cert = issued(api)
    pdf = pdf_of(api, cert["id"], "applicant-wang")
    with Client(app, stage_name="local") as client:
        ok = client.http.post("/verify?reasonForUse=bank-kyc", headers={"Content-Type": "application/pdf"}, body=pdf)
        empty = client.http.post("/verify?reasonForUse=bank-kyc", headers={"Content-Type": "application/pdf"}, body=b"")
        truncated = client.http.post(
            "/verify?reasonForUse=bank-kyc", headers={"Content-Type": "application/pdf"}, body=pdf[: len(pdf) // 2]
        )
    result = json.loads(ok.body)
    assert ok.status_code == 200 and result["valid"] is True and result["certificate"]["number"] == cert["number"]
    assert "王海燕" not in ok.body.decode()
    assert empty.status_code == 400 and json.loads(empty.body)["error"]["code"] == "EMPTY_BODY"
    cut = json.loads(truncated.body)
    assert truncated.status_code == 200 and cut["valid"] is False and cut["report"]["indication"] == "FAILED"


def test_unknown_certificate_lookups(api: Api) -> None:
    unknown = {"number": "NO-SUCH-2026-000001", "holder": "王海燕"}
    assert api.gql(VERIFY, unknown)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert api.gql(VERIFY, {})["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    _, cert = issued(api)
    # Numbers are sequential: a number alone, or with the wrong holder, finds nothing.
    assert api.gql(VERIFY, {"number": cert["number"]})["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    wrong = {"number": cert["number"], "holder": "李四"}
    assert api.gql(VERIFY, wrong)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    stranger = api.gql("query($id: ID!) { certificate(id: $id) { number } }", {"id": cert["id"]}, as_="company-haixing")
    assert stranger["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    forged = api.gql(
        "query($id: ID!) { certificate(id: $id) { number } }", {"id": gid("Certificate", "x")}, as_="applicant-wang"
    )
    assert forged["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_issued_certificate_passes_poppler_pdfsig_and_renders(api: Api, seal_pki: Path, tmp_path: Path) -> None:
    """The independent validators (poppler's pdfsig trusting the dev CA, and endesive) accept an issued certificate,
    and pdftoppm renders it with the Chinese text and the red seal."""
    from tests.signing.helpers import require_tool

    require_tool("pdfsig", "certutil", "pdftoppm")
    _, cert = issued(api)
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf_of(api, cert["id"], "applicant-wang"))
    db = tmp_path / "nss"
    db.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "devca", "-t", "CT,C,C", "-i", str(seal_pki / "ca.pem")], check=True
    )
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{db}", str(path)], capture_output=True, text=True)
    report = out.stdout + out.stderr
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Certificate Validation: Certificate is Trusted." in report, report
    assert "Total document signed" in report, report
    # A second independent implementation (issue 13 point 5): endesive, which rejected every
    # certificate while the CMS carried the seal certificate twice.
    from tests.signing.independent import cms_certificates, endesive_verify

    ders = cms_certificates(path.read_bytes())
    assert len(ders) == len(set(ders)), "each certificate once in the CMS"
    assert endesive_verify(path.read_bytes(), [(seal_pki / "ca.pem").read_bytes()]).valid
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert cert["typeName"] in text and cert["number"] in text and "王海燕" in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
