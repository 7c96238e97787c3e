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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from infra.local_pki import LocalPki, PkiServer, ensure_local_pki, read_authorities
from infra.local_stack import free_port
from tests.conftest import Api
from tests.e2e.test_certificates import issued, pdf_of

pytestmark = pytest.mark.slow  # certomancer's animator over HTTP, real OCSP/TSA round trips

LEVEL = """query($code: String) { certificateVerify(verificationCode: $code) {
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
        rest = json.loads(client.http.post("/verify", headers={"Content-Type": "application/pdf"}, body=pdf).body)
        page = client.http.get(f"/v/{cert['verificationCode']}").body.decode()
    assert rest["valid"] is True and rest["report"]["pades_level"] == "B-LTA", rest
    assert "B-LTA" in page and "<strong>有效</strong>" in page

    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    code, report = cli_verify(path, local_pki)
    assert code == 0 and report["pades_level"] == "B-LTA" and report["registration"]["registered"]


def test_the_cli_validates_a_local_certificate_offline_with_the_pki_service_down(
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
