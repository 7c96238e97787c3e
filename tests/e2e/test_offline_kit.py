"""Offline verification kit (issue 13 point 7; seed 003 二(七) the bureau's seal, seed 002 四(六)
统一制证发证): issue -> the QR payload verifies offline -> revoke -> the signed status list names it ->
the offline CLI says revoked, with how fresh its status data is.
"""

from __future__ import annotations

import base64
import http.server
import json
import subprocess
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib.domain.certificate import mask_name
from signing.cli import main as cli
from tests.conftest import Api, Clock
from tests.e2e.test_certificates import bureau, issued, pdf_of

REVOKE = """mutation($input: CertificateRevokeInput!) { certificateRevoke(input: $input) {
    certificate { status } userErrors { code } } }"""


def _kit(folder: Path) -> tuple[Path, dict[str, Any]]:
    """What `fetch-kit` saves: the seal registry export and every bureau's status list."""
    with Client(app, stage_name="local") as client:
        registry = client.http.get("/seal-registry")
        assert registry.status_code == 200 and "public" in registry.headers["Cache-Control"]
        (folder / "seal-registry.json").write_bytes(registry.body)
        document = json.loads(registry.body)
        for code in document["authorities"]:
            listed = client.http.get(f"/status-lists/{code}")
            assert listed.status_code == 200 and listed.headers["Content-Type"] == "application/jose"
            (folder / f"status-list-{code}.jws").write_bytes(listed.body)
        assert client.http.get("/status-lists/no-such-bureau").status_code == 404
    return folder / "seal-registry.json", document


def _lists(folder: Path) -> list[str]:
    return [arg for path in sorted(folder.glob("status-list-*.jws")) for arg in ("--status-list", str(path))]


def _payload(pdf: bytes) -> str:
    from signing.cli import _payload_of_pdf

    payload = _payload_of_pdf(pdf)
    assert payload is not None
    return payload


def _claims(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # type: ignore[no-any-return]


def _after_list(folder: Path, bureau_code: str, *, minutes: int) -> str:
    """A moment `minutes` after the bureau's downloaded list was signed (lists are signed at the
    real time, like seals)."""
    issued_at = datetime.fromisoformat(_claims((folder / f"status-list-{bureau_code}.jws").read_text())["issued_at"])
    return (issued_at + timedelta(minutes=minutes)).isoformat()


def test_seed003_issue_revoke_status_list_and_offline_cli(
    api: Api, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case, cert = issued(api)
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(pdf_of(api, cert["id"], "applicant-wang"))
    payload = _payload(pdf.read_bytes())
    claims = _claims(payload)
    assert claims["lic"] == cert["identifier"] and claims["hld"] == mask_name("王海燕") and claims["st"] == "VALID"
    assert "王海燕" not in json.dumps(claims, ensure_ascii=False)  # no personal data in clear
    registry, document = _kit(tmp_path)
    assert claims["iss"] in document["authorities"]
    at = _after_list(tmp_path, claims["iss"], minutes=5)

    # Valid: the PDF's seal pinned to the bureau's registered seal, the payload, the current list.
    assert cli(["verify", "--offline", "--seal-registry", str(registry), *_lists(tmp_path), "--at", at, str(pdf)]) == 0
    out = capsys.readouterr().out
    assert "overall: PASSED" in out and "status: VALID" in out and "age 0.1 h" in out and "next update" in out

    # A suspension (暂扣) is listed as well: every status a decision sets but VALID and EXPIRED.
    suspend = """mutation($input: CertificateStatusChangeInput!) { certificateStatusChange(input: $input) {
      userErrors { code } } }"""
    change = {"id": cert["id"], "target": "SUSPENDED", "reason": "停业整顿期间暂扣"}
    assert api.gql(suspend, {"input": change}, as_=bureau(case))["data"]["certificateStatusChange"]["userErrors"] == []
    _kit(tmp_path)
    listed = _claims((tmp_path / f"status-list-{claims['iss']}.jws").read_text())["entries"]
    assert [(e["licence"], e["status"]) for e in listed] == [(cert["identifier"], "SUSPENDED")]

    revoked = api.gql(REVOKE, {"input": {"id": cert["id"], "reason": "以欺骗手段取得"}}, as_=case.supervisor)
    assert revoked["data"]["certificateRevoke"]["certificate"] == {"status": "REVOKED"}
    _kit(tmp_path)  # download the kit again
    bureau_list = (tmp_path / f"status-list-{claims['iss']}.jws").read_text()
    entries = _claims(bureau_list)["entries"]
    assert [(e["licence"], e["status"]) for e in entries] == [(cert["identifier"], "REVOKED")]
    assert "王海燕" not in json.dumps(_claims(bureau_list), ensure_ascii=False)

    at = _after_list(tmp_path, claims["iss"], minutes=5)
    args = ["--seal-registry", str(registry), *_lists(tmp_path), "--at", at]
    assert cli(["verify", "--offline", *args, "--json", str(pdf)]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["indication"] == "FAILED" and result["seal"]["indication"] == "PASSED"
    assert result["offline"]["status"] == "REVOKED"
    assert result["offline"]["statusData"]["age_seconds"] == 300 and not result["offline"]["statusData"]["stale"]
    assert "CERTIFICATE_LISTED" in [f["code"] for f in result["offline"]["findings"]]

    # The scanned QR text (URL#payload) says the same, without the PDF.
    scanned = f"{cert['verificationUrl']}#{payload}"
    assert cli(["verify-qr", "--payload", scanned, *args]) == 2
    assert "status: REVOKED" in capsys.readouterr().out

    # A stale list (past its next update) and a forged one each get their own code.
    later = _after_list(tmp_path, claims["iss"], minutes=2 * 24 * 60)
    fresh = ["verify-qr", "--payload", scanned, "--seal-registry", str(registry), *_lists(tmp_path)]
    assert cli([*fresh, "--at", later, "--json"]) == 2  # listed: revoked stays revoked, list stale
    stale = json.loads(capsys.readouterr().out)
    assert "STATUS_LIST_STALE" in [f["code"] for f in stale["findings"]] and stale["statusData"]["stale"]
    head, _body, sig = bureau_list.split(".")
    emptied = dict(_claims(bureau_list), entries=[])
    forged_body = base64.urlsafe_b64encode(json.dumps(emptied).encode()).rstrip(b"=").decode()
    forged = tmp_path / "forged.jws"
    forged.write_text(f"{head}.{forged_body}.{sig}")
    forged_args = ["--seal-registry", str(registry), "--status-list", str(forged), "--at", at, "--json"]
    assert cli(["verify-qr", "--payload", scanned, *forged_args]) == 1
    codes = [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert "STATUS_LIST_SIGNATURE_INVALID" in codes
    # A payload from another key: the QR of a certificate re-signed by a key nobody registered.
    assert cli(["verify-qr", "--payload", scanned[:-8] + "AAAAAAAA", *args, "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["findings"][0]["code"] == "QR_SIGNATURE_INVALID"
    assert cli(["verify", "--offline", str(pdf)]) == 3  # no seal registry: a usage error
    assert "--seal-registry" in capsys.readouterr().err


def test_status_list_costs_one_query_and_a_rate_count(api: Api, ddb_calls: Any) -> None:
    """Built from its own partition, never a Scan: the rate count and one Query, whatever the registry's size."""
    case, cert = issued(api)
    api.gql(REVOKE, {"input": {"id": cert["id"], "reason": "以欺骗手段取得"}}, as_=case.supervisor)
    issued(api)  # a valid certificate is not listed
    with Client(app, stage_name="local") as client:
        code = json.loads(client.http.get("/seal-registry").body)["authorities"]
        bureau_code = next(c for c in code if client.http.get(f"/status-lists/{c}").body.count(b".") == 2)
        ddb_calls.reset()
        response = client.http.get(f"/status-lists/{bureau_code}")
    assert response.status_code == 200
    assert dict(ddb_calls.calls) == {"UpdateItem": 1, "Query": 1}


def test_qr_code_decoded_from_the_rendered_page_verifies_offline(
    api: Api, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The QR code as printed (pdftoppm at 300 dpi, decoded by zxing-cpp) carries URL#payload."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    from tests.signing.helpers import require_tool

    require_tool("pdftoppm")
    _, cert = issued(api)
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(pdf_of(api, cert["id"], "applicant-wang"))
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    texts = [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(texts) == 1 and texts[0].startswith(cert["verificationUrl"] + "#")
    assert texts[0].split("#", 1)[1] == _payload(pdf.read_bytes())
    registry, _ = _kit(tmp_path)
    at = _after_list(tmp_path, _claims(texts[0].split("#", 1)[1])["iss"], minutes=1)
    assert (
        cli(["verify-qr", "--payload", texts[0], "--seal-registry", str(registry), *_lists(tmp_path), "--at", at]) == 0
    )
    out = capsys.readouterr().out
    assert "offline verification: PASSED" in out and cert["identifier"] in out
    # URL + ES256 payload: version 17 at level M (signing/offline.py has the measurements)
    from chalicelib.rendering.qr import qr_matrix

    assert len(qr_matrix(texts[0])) <= 17 * 4 + 17


LOOKUP = """query($code: String, $reason: String) { certificateVerify(verificationCode: $code, reasonForUse: $reason) {
    valid } }"""
LOOKUPS = """query($id: ID!) { certificate(id: $id) { lookups(first: 10) {
    edges { node { channel reasonForUse caller } } } } }"""


def _codes(body: dict[str, Any]) -> list[str]:
    return [p["code"] for p in body["errors"][0]["extensions"]["problems"]]


def test_reason_for_use_required_of_third_parties_logged_and_shown_to_the_holder(api: Api) -> None:
    """用证事由 (DESIGN "National licence references": lookups state a reason, at most 200
    characters): required of third parties, every problem at once, logged with the verification;
    the holder sees who looked (masked) and why."""
    case, cert = issued(api)
    code = cert["verificationCode"]
    missing = api.gql(LOOKUP, {"code": code})
    assert missing["errors"][0]["extensions"]["code"] == "REASON_FOR_USE_REQUIRED"
    assert missing["errors"][0]["extensions"]["field"] == "reasonForUse"
    assert _codes(api.gql(LOOKUP, {"code": code, "reason": "x" * 201 + "\u202e"})) == [
        "REASON_FOR_USE_TOO_LONG",
        "INVALID_CHARACTERS",
    ]
    # Checked before the lookup: an unknown code gets the same answer (nothing to probe).
    assert api.gql(LOOKUP, {"code": "ABCDEFGHJKLMNPQR"})["errors"][0]["extensions"]["code"] == (
        "REASON_FOR_USE_REQUIRED"
    )
    assert api.gql(LOOKUP, {"code": code, "reason": "银行开户核验"})["data"]["certificateVerify"]["valid"] is True
    # The holder and staff look their own / in-remit certificates up without a reason.
    assert api.gql(LOOKUP, {"code": code}, as_="applicant-wang")["data"]["certificateVerify"]["valid"] is True
    assert api.gql(LOOKUP, {"code": code}, as_=case.supervisor)["data"]["certificateVerify"]["valid"] is True
    # Another applicant (logged in, not the holder) is a third party.
    stranger = api.gql(LOOKUP, {"code": code}, as_="company-haixing")
    assert stranger["errors"][0]["extensions"]["code"] == "REASON_FOR_USE_REQUIRED"

    pdf = pdf_of(api, cert["id"], "applicant-wang")
    with Client(app, stage_name="local") as client:
        refused = client.http.post("/verify", headers={"Content-Type": "application/pdf"}, body=pdf)
        ok = client.http.post(
            "/verify?reasonForUse=%E6%8B%9B%E6%8A%95%E6%A0%87", headers={"Content-Type": "application/pdf"}, body=pdf
        )
    assert refused.status_code == 400 and json.loads(refused.body)["error"]["code"] == "REASON_FOR_USE_REQUIRED"
    assert ok.status_code == 200 and json.loads(ok.body)["valid"] is True

    lookups = api.gql(LOOKUPS, {"id": cert["id"]}, as_="applicant-wang")["data"]["certificate"]["lookups"]
    seen = [(n["node"]["channel"], n["node"]["reasonForUse"], n["node"]["caller"]) for n in lookups["edges"]]
    assert ("REST_UPLOAD", "招投标", "127.0.*.*") in seen
    assert ("GRAPHQL_LOOKUP", "银行开户核验", "匿名") in seen
    assert ("GRAPHQL_LOOKUP", "", "a******g") in seen  # the holder's own lookup, account masked
    assert all("applicant-wang" not in caller and "company-haixing" not in caller for _, _, caller in seen)
    assert len(seen) == 4  # refused lookups were not logged


class _Forwarder(http.server.BaseHTTPRequestHandler):
    """Serves the kit's GET routes from the Chalice test client (same process: moto applies)."""

    client: Client

    def do_GET(self) -> None:
        response = self.client.http.get(self.path)
        body = response.body if isinstance(response.body, bytes) else str(response.body).encode()
        self.send_response(response.status_code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_fetch_kit_downloads_checks_and_saves_registry_and_lists(
    api: Api, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case, cert = issued(api)
    api.gql(REVOKE, {"input": {"id": cert["id"], "reason": "以欺骗手段取得"}}, as_=case.supervisor)
    with Client(app, stage_name="local") as client:
        server = http.server.HTTPServer(("127.0.0.1", 0), type("F", (_Forwarder,), {"client": client}))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}"
            assert cli(["fetch-kit", "--url", url, "--out", str(tmp_path / "kit")]) == 0
        finally:
            server.shutdown()
            server.server_close()
    out = capsys.readouterr().out
    assert "seal registry v1" in out and "1 listed" in out and "next update" in out
    kit = tmp_path / "kit"
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(pdf_of(api, cert["id"], "applicant-wang"))
    args = ["--seal-registry", str(kit / "seal-registry.json"), *_lists(kit)]
    assert cli(["verify", "--offline", *args, str(pdf)]) == 2
    assert "status: REVOKED" in capsys.readouterr().out
    assert cli(["fetch-kit", "--url", "ftp://example.cn"]) == 3
