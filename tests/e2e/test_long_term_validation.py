"""Certificates issued at PAdES B-LTA on the local PKI service, and the level every verifier reports
(issue 13 point 6; seed 003 二(七): the bureau's e-seal keeps its legal effect only while it can be
verified, so the validation data travels inside the certificate).

The stage is configured as `infra.local_stack up` configures the local stage (`LocalPki.seal_env`:
the animator's TSA, OCSP/CRL fetched and embedded, a document time-stamp). The GraphQL lookup,
`POST /verify`, the public page and the offline CLI all say B-LTA; with the animator stopped the
CLI still validates the file from the data it carries.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from app import app
from infra.local_pki import LocalPki, PkiServer, ensure_local_pki, read_authorities
from infra.local_stack import free_port
from tests.conftest import Api
from tests.e2e.test_certificates import issued, pdf_of

pytestmark = pytest.mark.slow  # certomancer's animator over HTTP, real OCSP/TSA round trips

LEVEL = """query($code: String) { certificateVerify(verificationCode: $code, reasonForUse: "银行开户核验") {
  valid report { indication padesLevel timing { timestampValid } registration { registered } } } }"""


@pytest.fixture(scope="module")
def local_pki(tmp_path_factory: pytest.TempPathFactory) -> LocalPki:
    return ensure_local_pki(
        tmp_path_factory.mktemp("local-pki"), read_authorities(), url=f"http://127.0.0.1:{free_port()}"
    )


@pytest.fixture
def ltv_api(api: Api, local_pki: LocalPki, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """The e2e stage sealing at B-LTA against a running animator (what the local stage does)."""
    for name, value in local_pki.seal_env().items():
        monkeypatch.setenv(name, value)
    server = PkiServer(local_pki)
    try:
        yield api
    finally:
        server.stop()


def cli_verify(pdf: Path, pki: LocalPki) -> tuple[int, dict[str, Any]]:
    from contextlib import redirect_stdout

    from signing.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["verify", str(pdf), "--trust", str(pki.ca_cert), "--registry", str(pki.registry), "--json"])
    return code, json.loads(out.getvalue())


def test_seed003_local_stage_issues_at_b_lta_and_every_verifier_reports_the_level(
    ltv_api: Api, local_pki: LocalPki, tmp_path: Path
) -> None:
    _, cert = issued(ltv_api)
    body = ltv_api.gql(LEVEL, {"code": cert["verificationCode"]})
    lookup = body["data"]["certificateVerify"]
    assert lookup["valid"] is True and lookup["report"]["indication"] == "PASSED", body
    assert lookup["report"]["padesLevel"] == "B_LTA" and lookup["report"]["timing"]["timestampValid"] is True
    assert lookup["report"]["registration"]["registered"] is True

    pdf = pdf_of(ltv_api, cert["id"], "applicant-wang")
    from app import app

    with Client(app, stage_name="local") as client:
        rest = json.loads(
            client.http.post(
                "/verify?reasonForUse=银行开户核验", headers={"Content-Type": "application/pdf"}, body=pdf
            ).body
        )
        page = client.http.get(f"/v/{cert['verificationCode']}?reason=银行开户核验").body.decode()
    assert rest["valid"] is True and rest["report"]["pades_level"] == "B-LTA", rest
    assert "B-LTA" in page and "<strong>有效</strong>" in page

    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    code, report = cli_verify(path, local_pki)
    assert code == 0 and report["pades_level"] == "B-LTA" and report["registration"]["registered"]


def test_the_cli_validates_a_local_certificate_offline_with_the_network_denied(
    ltv_api: Api, local_pki: LocalPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cert = issued(ltv_api)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf_of(ltv_api, cert["id"], "applicant-wang"))
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network denied in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)  # nothing may be fetched
    code, report = cli_verify(path, local_pki)
    assert code == 0 and report["indication"] == "PASSED" and report["pades_level"] == "B-LTA", report


def test_the_downloaded_kit_alone_validates_a_b_lta_certificate_offline_and_a_tampered_one_fails(
    ltv_api: Api, local_pki: LocalPki, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Without --trust the seal and time-stamp chains anchor at the registry export's published
    CA/TSA certificates (not at the PDF's embedded ones): a B-LTA certificate PASSES from the kit."""
    from signing.cli import main

    _, cert = issued(ltv_api)
    pdf = pdf_of(ltv_api, cert["id"], "applicant-wang")
    (tmp_path / "c1.pdf").write_bytes(pdf)
    with Client(app, stage_name="local") as client:  # what fetch-kit saves
        registry = client.http.get("/seal-registry")
        roles = [a["role"] for a in json.loads(registry.body)["trust_anchors"]]
        assert roles == ["ca", "tsa"], roles
        (tmp_path / "seal-registry.json").write_bytes(registry.body)
        lists = []
        for code in json.loads(registry.body)["authorities"]:
            (tmp_path / f"status-list-{code}.jws").write_bytes(client.http.get(f"/status-lists/{code}").body)
            lists += ["--status-list", str(tmp_path / f"status-list-{code}.jws")]
    kit = ["--offline", "--seal-registry", str(tmp_path / "seal-registry.json"), *lists, "--json"]
    capfd.readouterr()
    code = main(["verify", *kit, str(tmp_path / "c1.pdf")])
    out, err = capfd.readouterr()
    result = json.loads(out)
    assert code == 0 and result["indication"] == result["seal"]["indication"] == "PASSED", result
    assert result["seal"]["pades_level"] == "B-LTA" and result["seal"]["timing"]["timestamp_valid"] is True
    assert "Traceback" not in err

    # A registry without published anchors cannot chain the time-stamp: said so, without a traceback.
    bare = json.loads((tmp_path / "seal-registry.json").read_text())
    (tmp_path / "bare.json").write_text(json.dumps({**bare, "trust_anchors": []}))
    # (A process of its own, as a verifier runs it: pytest's log capture would hide a traceback.)
    bare_run = subprocess.run(
        [
            sys.executable,
            "-m",
            "signing",
            "verify",
            *kit[:2],
            str(tmp_path / "bare.json"),
            *kit[3:],
            str(tmp_path / "c1.pdf"),
        ],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bare_run.returncode == 1, bare_run.stderr
    assert json.loads(bare_run.stdout)["indication"] == "INDETERMINATE"
    assert "TIMESTAMP" in bare_run.stdout and "Traceback" not in bare_run.stderr, bare_run.stderr

    # The same certificate with its content altered: FAILED, still no traceback.
    start = pdf.index(b"/Contents")  # a byte inside the first (sealed) revision, before any signature
    tampered = bytearray(pdf)
    position = pdf.index(b"/MediaBox", 0, start) + 1 if b"/MediaBox" in pdf[:start] else 200
    tampered[position] ^= 0x01
    (tmp_path / "c2.pdf").write_bytes(bytes(tampered))
    code = main(["verify", *kit, str(tmp_path / "c2.pdf")])
    out, err = capfd.readouterr()
    assert code != 0 and json.loads(out)["indication"] != "PASSED"
    assert "Traceback" not in err


# --- the re-time-stamping job (services/archival_timestamps.py) ------------------------------------

CERT = """query($id: ID!) { certificate(id: $id) { sha256 size pdfBase64 } }"""
UPLOAD = """query($pdf: String!) { certificateVerifyUpload(pdfBase64: $pdf) {
  valid registryMatch report { indication padesLevel } } }"""


def renew_run(moment: Any) -> Any:
    """The scheduled phase alone, as the hourly run calls it."""
    from chalicelib.services.budget import UNLIMITED
    from chalicelib.services.calendar import current_calendar
    from chalicelib.services.sweep import _retimestamp_sweep

    return _retimestamp_sweep(current_calendar(), moment, UNLIMITED)


def due_entries() -> list[Any]:
    from datetime import date

    from chalicelib.storage.archival_timestamp_repository import ArchivalTimestampRepository

    return ArchivalTimestampRepository().due_by(date(2100, 1, 1))


def trail(api: Api, case: Any) -> list[str]:
    nodes = api.gql(
        "query($id: ID!) { application(id: $id) { timeline { nodes { action } } } }",
        {"id": case.id},
        as_=case.supervisor,
    )["data"]["application"]["timeline"]["nodes"]
    return [n["action"] for n in nodes]


def test_retimestamp_job_renews_archived_certificates_before_the_tsa_certificate_expires(
    ltv_api: Api, local_pki: LocalPki, monkeypatch: pytest.MonkeyPatch, ddb_calls: Any
) -> None:
    import base64
    import hashlib
    from datetime import UTC, date, datetime

    from signing.archive import last_timestamp_expiry

    case, cert = issued(ltv_api)
    original = pdf_of(ltv_api, cert["id"], "applicant-wang")
    assert [(e.certificate_id, e.expires_on) for e in due_entries()] == [
        (base64.b64decode(cert["id"]).decode().split(":", 1)[1], date(2035, 1, 1))  # the local TSA's certificate
    ]
    actions = trail(ltv_api, case)
    now = datetime.now(UTC)

    # Default margin (180 days): nothing is due; the run is one Query.
    ddb_calls.reset()
    assert sum(renew_run(now).values()) == 0
    assert ddb_calls.calls == {"Query": 1}

    # Within the margin, but the configured TSA is the one whose certificate is expiring: a new
    # time-stamp would expire just as soon, so nothing is stored and the next run tries again.
    monkeypatch.setenv("UAP_RETIMESTAMP_MARGIN_DAYS", "4000")
    assert renew_run(now) == {"retimestamp_tsa_not_rotated": 1}

    # The TSA is down: the old file stays, the entry stays (retried).
    monkeypatch.setenv("UAP_SEAL_TSA_URL", f"http://127.0.0.1:{free_port()}/down")
    assert renew_run(now) == {"retimestamp_failed": 1}
    unchanged = ltv_api.gql(CERT, {"id": cert["id"]}, as_="applicant-wang")["data"]["certificate"]
    assert unchanged["sha256"] == cert["sha256"] and trail(ltv_api, case) == actions
    assert len(due_entries()) == 1

    # A rotated TSA whose certificate outlives the old one: renewed, in one transaction.
    monkeypatch.setenv("UAP_SEAL_TSA_URL", local_pki.next_tsa_url)
    ddb_calls.reset()
    assert renew_run(now) == {"certificate_retimestamped": 1}
    # The due Query, the record GetItem, the case GetItem, one TransactWriteItems.
    assert ddb_calls.calls == {"Query": 1, "GetItem": 2, "TransactWriteItems": 1}
    renewed = ltv_api.gql(CERT, {"id": cert["id"]}, as_="applicant-wang")["data"]["certificate"]
    pdf = base64.b64decode(renewed["pdfBase64"])
    assert pdf.startswith(original) and len(pdf) > len(original)  # appended: the seal untouched
    assert renewed["sha256"] == hashlib.sha256(pdf).hexdigest() != cert["sha256"] and renewed["size"] == len(pdf)
    expiry = last_timestamp_expiry(pdf)
    assert expiry is not None and expiry.date() == date(2044, 1, 1)
    assert [e.expires_on for e in due_entries()] == [date(2044, 1, 1)]
    assert trail(ltv_api, case) == [*actions, "RETIMESTAMP_CERTIFICATE"]
    lookup = ltv_api.gql(LEVEL, {"code": cert["verificationCode"]})["data"]["certificateVerify"]
    assert lookup["valid"] is True and lookup["report"]["padesLevel"] == "B_LTA"
    # A copy handed out before the renewal is still this certificate, and so is the new file.
    for copy in (original, pdf):
        check = ltv_api.gql(UPLOAD, {"pdf": base64.b64encode(copy).decode()})["data"]["certificateVerifyUpload"]
        assert check["valid"] is True and check["registryMatch"] is True, check

    # Idempotent: the next run finds nothing due (2044 is beyond the margin) and changes nothing.
    ddb_calls.reset()
    assert sum(renew_run(now).values()) == 0 and ddb_calls.calls == {"Query": 1}
