"""A seal per issuing bureau, pinned by verifiers (seed 003 二(七), issue 13 point 4).

Seed 003 二(七): 「由市政府发布文件公告,明确各新区行政审批局……电子签章的法律效力」— the legal effect
belongs to each bureau's own e-seal, so a verifier must accept a certificate only under the seal
the registry lists for its issuing bureau, not under any key the same CA certified. The attack:
re-seal a genuine certificate's content with another key certified by the same dev CA; it is
rejected by the GraphQL lookup and upload, `POST /verify`, the public page and the offline CLI.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.conftest import Api
from tests.e2e.test_certificates import bureau, issued, pdf_of
from tests.flows import Case

LOOKUP = """query($code: String) { certificateVerify(verificationCode: $code, reasonForUse: "银行开户核验") {
  valid report { indication subIndication findings { code }
  registration { registered code authorityCode authorityName legalBasis registryVersion } } } }"""

UPLOAD_REG = """query($pdf: String!) { certificateVerifyUpload(pdfBase64: $pdf) {
  valid sealValid registryMatch report { indication findings { code } registration { registered code } } } }"""

CITY_BASIS = "《舟山市人民政府关于舟山市行政审批局行政审批专用章及电子印章法律效力的公告》(开发环境示例)"


def unsealed_content(sealed: bytes) -> bytes:
    """The PDF as it was before sealing: pyHanko seals by an incremental update, so the original
    revision is the prefix up to its %%EOF."""
    end = sealed.index(b"%%EOF") + len(b"%%EOF")
    return sealed[: end + 1] if sealed[end : end + 1] == b"\n" else sealed[:end]


def rogue_reseal(genuine: bytes, seal_pki: Path, tmp_path: Path, authority_name: str = "舟山市行政审批局") -> bytes:
    """The genuine certificate's content sealed with a look-alike key the same dev CA certified."""
    from signing import LocalKeyBackend, SealAppearance, Sealer
    from signing.devpki import issue_seal_certificate, new_key

    ca_cert = x509.load_pem_x509_certificate((seal_pki / "ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((seal_pki / "ca-key.pem").read_bytes(), None)
    key = new_key("ec")
    cert = issue_seal_certificate(key.public_key(), ca_cert, ca_key, authority=authority_name)  # type: ignore[arg-type]
    key_path, cert_path = tmp_path / "rogue-key.pem", tmp_path / "rogue-cert.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    sealer = Sealer(LocalKeyBackend(key_path, cert_path, [seal_pki / "ca.pem"]))
    return sealer.seal(unsealed_content(genuine), SealAppearance(authority_name=authority_name))


def cli(*args: str) -> tuple[int, dict[str, Any]]:
    from contextlib import redirect_stdout

    from signing.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["verify", *args, "--json"])
    return code, json.loads(out.getvalue())


def swap_stored_file(cert_id: str, pdf: bytes) -> None:
    """An insider with write access to storage replaces the file and its registered digest."""
    from chalicelib.api.context import RequestContext
    from chalicelib.config import get_settings
    from chalicelib.domain.identity import ANONYMOUS
    from tests.e2e.test_public_page import update

    raw_id = base64.b64decode(cert_id).decode().split(":", 1)[1]  # the opaque global ID
    key = f"certificates/forged/{raw_id}-{hashlib.sha256(pdf).hexdigest()[:8]}"  # stored files are write-once
    RequestContext(principal=ANONYMOUS, settings=get_settings()).blobs.put(key, pdf, "application/pdf")
    update(raw_id, lambda c: replace(c, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), blob_key=key))


def test_seed003_certificate_carries_its_bureaus_registered_seal_and_legal_basis(api: Api, seal_pki: Path) -> None:
    """The genuine certificate: sealed with the city bureau's own key, registered, its legal basis on
    the PDF, in the API and on the public page. (A district bureau issuing under its own seal:
    tests/e2e/test_multilevel.py, 同权审批.)"""
    import subprocess

    _, cert = issued(api)
    pdf = pdf_of(api, cert["id"], "applicant-wang")
    body = api.gql(LOOKUP, {"code": cert["verificationCode"]})
    result = body["data"]["certificateVerify"]
    assert result["valid"] is True and result["report"]["indication"] == "PASSED", body
    registration = result["report"]["registration"]
    assert registration == {
        "registered": True,
        "code": "SEAL_REGISTERED",
        "authorityCode": "city-bureau",
        "authorityName": "舟山市行政审批局",
        "legalBasis": CITY_BASIS,
        "registryVersion": 1,
    }
    assert "SEAL_REGISTERED" in [f["code"] for f in result["report"]["findings"]]
    path = seal_pki.parent / f"genuine-{cert['id']}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "印章依据" in text and "舟山市人民政府关于舟山市行政审批局" in text, text
    registry = json.loads((seal_pki / "seal-registry.json").read_text(encoding="utf-8"))
    city = [s for s in registry["seals"] if s["authority"] == "city-bureau"]
    signer = x509.load_pem_x509_certificate(city[0]["certificate"].encode())
    from tests.signing.independent import cms_certificates

    assert signer.public_bytes(serialization.Encoding.DER) in cms_certificates(pdf)
    with Client(__import__("app").app, stage_name="local") as client:
        page = client.http.get(f"/v/{cert['verificationCode']}?reason=bank-kyc").body.decode()
    assert "发证机关登记印章" in page and "电子印章效力依据" in page and "舟山市人民政府关于舟山市行政审批局" in page


def test_seed003_reseal_with_another_key_of_the_same_ca_is_rejected_everywhere(
    api: Api, seal_pki: Path, tmp_path: Path
) -> None:
    _, cert = issued(api)
    genuine = pdf_of(api, cert["id"], "applicant-wang")
    forged = rogue_reseal(genuine, seal_pki, tmp_path)
    assert forged != genuine and unsealed_content(forged) == unsealed_content(genuine)

    from signing import verify_pdf

    # Cryptographically the forgery is sound and chains to the trusted CA: only the pin catches it.
    assert verify_pdf(forged, [(seal_pki / "ca.pem").read_bytes()]).passed

    # GraphQL upload
    body = api.gql(UPLOAD_REG, {"pdf": base64.b64encode(forged).decode()})
    upload = body["data"]["certificateVerifyUpload"]
    assert upload["valid"] is False and upload["sealValid"] is False, body
    assert upload["report"]["indication"] == "FAILED"
    assert upload["report"]["registration"] == {"registered": False, "code": "SEAL_NOT_REGISTERED"}
    assert "SEAL_VALID" not in [f["code"] for f in upload["report"]["findings"]]

    # POST /verify
    from app import app

    with Client(app, stage_name="local") as client:
        response = client.http.post(
            "/verify?reasonForUse=bank-kyc", headers={"Content-Type": "application/pdf"}, body=forged
        )
    rest = json.loads(response.body)
    assert response.status_code == 200 and rest["valid"] is False and rest["sealValid"] is False
    assert rest["report"]["indication"] == "FAILED"
    assert rest["report"]["registration"]["code"] == "SEAL_NOT_REGISTERED"

    # The offline CLI, against the published registry: the forgery fails, the genuine file passes.
    trust, registry = str(seal_pki / "ca.pem"), str(seal_pki / "seal-registry.json")
    code, report = cli(str(_write(tmp_path / "forged.pdf", forged)), "--trust", trust, "--registry", registry)
    assert code == 2 and report["indication"] == "FAILED"
    assert report["registration"]["code"] == "SEAL_NOT_REGISTERED"
    code, report = cli(
        str(_write(tmp_path / "genuine.pdf", genuine)),
        "--trust",
        trust,
        "--registry",
        registry,
        "--authority",
        "city-bureau",
    )
    assert code == 0 and report["registration"]["registered"] is True
    assert report["registration"]["legal_basis"] == CITY_BASIS

    # The public page and the GraphQL lookup, had an insider swapped the stored file and its digest.
    swap_stored_file(cert["id"], forged)
    looked_up = api.gql(LOOKUP, {"code": cert["verificationCode"]})["data"]["certificateVerify"]
    assert looked_up["valid"] is False and looked_up["report"]["indication"] == "FAILED"
    assert looked_up["report"]["registration"]["code"] == "SEAL_NOT_REGISTERED"
    with Client(app, stage_name="local") as client:
        page = client.http.get(f"/v/{cert['verificationCode']}?reason=bank-kyc").body.decode()
    assert "<strong>印章验证未通过</strong>" in page and "<strong>有效</strong>" not in page
    assert "签章证书不是任何发证机关登记的电子印章" in page


def test_seed003_another_bureaus_genuine_seal_is_not_this_certificates_seal(
    api: Api, seal_pki: Path, tmp_path: Path
) -> None:
    """A city certificate's content sealed with the Dinghai bureau's own registered key: a real
    bureau seal, but not the issuing authority's."""
    from signing import LocalKeyBackend, SealAppearance, Sealer

    _, cert = issued(api)
    genuine = pdf_of(api, cert["id"], "applicant-wang")
    seals = seal_pki / "seals"
    other = Sealer(LocalKeyBackend(seals / "dinghai-bureau-key.pem", seals / "dinghai-bureau-cert.pem"))
    forged = other.seal(unsealed_content(genuine), SealAppearance(authority_name="舟山市行政审批局"))
    trust, registry = str(seal_pki / "ca.pem"), str(seal_pki / "seal-registry.json")
    path = str(_write(tmp_path / "other.pdf", forged))
    code, report = cli(path, "--trust", trust, "--registry", registry, "--authority", "city-bureau")
    assert code == 2 and report["registration"]["code"] == "SEAL_OF_ANOTHER_AUTHORITY"
    swap_stored_file(cert["id"], forged)
    looked_up = api.gql(LOOKUP, {"code": cert["verificationCode"]})["data"]["certificateVerify"]
    assert looked_up["report"]["indication"] == "FAILED"
    assert looked_up["report"]["registration"]["code"] == "SEAL_OF_ANOTHER_AUTHORITY"


def test_a_bureau_without_a_registered_seal_cannot_issue(
    api: Api, seal_pki: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A seal key outside its registered validity: issuance is refused with a specific code and the
    case stays awaiting issue (nothing half-written); verification of the earlier certificate
    still passes (it was sealed inside the validity)."""
    from chalicelib.services.seal_registry import REGISTRY

    _, earlier = issued(api)
    document = json.loads((seal_pki / "seal-registry.json").read_text(encoding="utf-8"))
    retired = datetime.now(UTC)  # after the earlier seal, before the next issuance
    for seal in document["seals"]:
        if seal["authority"] == "city-bureau":
            seal["valid_to"] = retired.isoformat()
    document["version"] = 2
    monkeypatch.setenv("UAP_SEAL_REGISTRY", str(_write(tmp_path / "registry-v2.json", json.dumps(document).encode())))
    REGISTRY.invalidate()
    try:
        case = Case(api, Case.ITEM).approved()
        body = api.gql(
            """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
            certificate { id } userErrors { code message } } }""",
            {"input": {"applicationId": case.id}},
            as_=bureau(case),
        )
        payload = body["data"]["certificateIssue"]
        assert payload["certificate"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["SEAL_NOT_REGISTERED"]
        inbox = api.gql("{ inbox(queue: ISSUANCE) { nodes { applicationId } } }", as_=bureau(case))
        assert [n["applicationId"] for n in inbox["data"]["inbox"]["nodes"]] == [case.id]  # still awaiting issue
        result = api.gql(LOOKUP, {"code": earlier["verificationCode"]})["data"]["certificateVerify"]
        assert result["report"]["indication"] == "PASSED", result
        assert result["report"]["registration"]["registryVersion"] == 2
    finally:
        REGISTRY.invalidate()


def test_verification_without_a_registry_is_indeterminate_not_passed(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.services.seal_registry import REGISTRY

    _, cert = issued(api)
    monkeypatch.setenv("UAP_SEAL_REGISTRY", "/nonexistent/seal-registry.json")
    REGISTRY.invalidate()
    try:
        result = api.gql(LOOKUP, {"code": cert["verificationCode"]})["data"]["certificateVerify"]
        assert result["valid"] is False and result["report"]["indication"] == "INDETERMINATE"
        assert result["report"]["registration"]["code"] == "SEAL_REGISTRY_UNAVAILABLE"
    finally:
        REGISTRY.invalidate()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_issuing_with_the_bureaus_key_costs_no_extra_request(api: Api, ddb_calls: Any) -> None:
    """The bureau's key and the registry are loaded once per process: issuing and verifying cost
    the same DynamoDB requests for the second certificate as for the third, and the registry is not
    read again (no request per issuance for the seal)."""
    from chalicelib.services.seal_registry import REGISTRY

    issued(api)  # warms the process: registry read, the city bureau's sealer built
    reads = REGISTRY.reads
    counts = []
    for _ in range(2):
        case = Case(api).approved()
        ddb_calls.reset()
        body = api.gql(
            """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
            certificate { verificationCode } userErrors { code } } }""",
            {"input": {"applicationId": case.id}},
            as_=bureau(case),
        )
        assert body["data"]["certificateIssue"]["userErrors"] == []
        issuing = dict(ddb_calls.calls)
        ddb_calls.reset()
        api.gql(LOOKUP, {"code": body["data"]["certificateIssue"]["certificate"]["verificationCode"]})
        counts.append((issuing, dict(ddb_calls.calls)))
    assert counts[0] == counts[1], counts
    assert REGISTRY.reads == reads
    assert counts[0] == EXPECTED_COUNTS, counts[0]


#: (issuing, verifying by lookup). None of these requests is the seal's: the registry is a document
#: read once per process (not DynamoDB) and each bureau's key is loaded once per process.
# Issuing: the case, then the bureau's department, the number counter and the item in one BatchGetItem
# (tests/e2e/test_round_trips.py); verifying by lookup: the caller's rate count (public lookups are
# limited per caller), the registry entry, the stored record, the verification log.
EXPECTED_COUNTS = (
    {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 2},
    {"UpdateItem": 1, "GetItem": 2, "PutItem": 1},
)
