"""`GET /v/{code}`: the public verification page behind a certificate's QR code.

Certificates are registered without the renderer: a one-page PDF sealed with the dev PKI, stored
in the blob store and staged in the registry. The page is read through Chalice's test client, and
once in headless Chromium (served from 127.0.0.1 by a thread that forwards to the test client, so
moto stays in-process): the DOM and a phone-sized screenshot.
"""

from __future__ import annotations

import hashlib
import http.server
import re
import secrets
import shutil
import struct
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from chalice.test import Client

from app import app
from chalicelib.api.context import RequestContext
from chalicelib.config import get_settings
from chalicelib.domain import certificate as dcert
from chalicelib.domain.application import china_date
from chalicelib.domain.identity import ANONYMOUS
from chalicelib.services import clock as app_clock
from chalicelib.services.certificates import CertificateService, new_verification_code
from chalicelib.storage.certificate_repository import CertificateRepository
from chalicelib.storage.unit_of_work import UnitOfWork
from tests.signing.helpers import make_pdf

HOLDER = "舟山海星水产有限公司"
IDENTIFIER = "91330900MA2A0B1C2D"
MASKED_HOLDER = dcert.mask_name(HOLDER)  # 舟山海*****公司 (mask_name's docstring says 舟山海星****公司)
AUTHORITY_NAME = "舟山市行政审批局"
AUTHORITY = "ZS-SPJ"
ISSUING_BUREAU = "city-bureau"  # its seal is registered in the dev seal registry (seed 003 二(七))
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VALID_BANNER = "<strong>有效</strong>"


# --- registering certificates without the renderer -----------------------------------------------


def register(*, sealed: bool = True, item_name: str = "食品经营许可(新办)", note: str = "") -> dcert.Certificate:
    """Seal a one-page PDF with the city bureau's registered seal, store it and stage the registry
    record (as issuance would)."""
    import signing
    from chalicelib.services.seal_registry import current_registry
    from signing.config import sealer_for

    pdf = make_pdf(text=f"Food business licence {secrets.token_hex(4)} {note}")
    if sealed:
        sealer = sealer_for(ISSUING_BUREAU, current_registry(), datetime.now(UTC))
        pdf = sealer.seal(pdf, signing.SealAppearance(authority_name=AUTHORITY_NAME))
    now = app_clock.utc_now()
    today = china_date(now)
    repository = CertificateRepository()
    last, counter_rev = repository.last_sequence(AUTHORITY, today.year)
    cert_id = secrets.token_hex(10)
    key = f"certificates/org-haixing/{cert_id}"
    RequestContext(principal=ANONYMOUS, settings=get_settings()).blobs.put(key, pdf, "application/pdf")
    cert = dcert.Certificate(
        id=cert_id,
        number=dcert.format_number(AUTHORITY, today.year, last + 1),
        verification_code=new_verification_code(),
        type_code="SPJY",
        type_name="食品经营许可证",
        holder_account="org-haixing",
        holder_name=HOLDER,
        holder_identifier=IDENTIFIER,
        authority_code=AUTHORITY,
        authority_name=AUTHORITY_NAME,
        issued_on=today,
        valid_until=dcert.valid_until(today, 5),
        item_code="330900-SPJY-001",
        item_name=item_name,
        application_id=f"app-{cert_id}",
        sha256=hashlib.sha256(pdf).hexdigest(),
        blob_key=key,
        size=len(pdf),
        issued_by="staff-bureau-1",
        issued_at=now.isoformat(timespec="seconds"),
        issuer_department_id=ISSUING_BUREAU,
    )
    uow = UnitOfWork()
    repository.stage_issue(uow, cert, AUTHORITY, last + 1, counter_rev)
    uow.commit()
    return cert


def update(cert_id: str, change: Any) -> dcert.Certificate:
    repository = CertificateRepository()
    found = repository.get(cert_id)
    assert found is not None
    updated: dcert.Certificate = change(found[0])
    uow = UnitOfWork()
    repository.stage_update(uow, updated, found[1])
    uow.commit()
    return updated


def log_entries(cert_id: str) -> list[Any]:
    return [entry for entry, _ in CertificateRepository().verifications(cert_id, first=50, after=None).items]


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def client(api: Any, clock: Any) -> Iterator[Client]:
    """The `api` fixture's environment (moto, seed, dev PKI, blob folder) with the clock pinned."""
    with Client(app, stage_name="local") as test_client:
        yield test_client


def get(client: Client, path: str, reason: str | None = "银行开户核验") -> tuple[int, dict[str, str], str]:
    """GET the page; with the 用证事由 the verifier states on the form (issue 13), unless None."""
    if reason is not None and "?" not in path:
        path = f"{path}?reason={quote(reason)}"
    response = client.http.get(path)
    body = response.body.decode("utf-8") if isinstance(response.body, bytes) else str(response.body)
    headers = {k.lower(): v for k, v in response.headers.items()}
    return response.status_code, headers, body


def assert_security_headers(headers: dict[str, str]) -> None:
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"


# --- through the test client -----------------------------------------------------------------------


def test_valid_certificate_shows_verdict_masked_holder_and_seal(client: Client) -> None:
    cert = register()
    status, headers, body = get(client, f"/v/{cert.verification_code}")
    assert status == 200, body
    assert_security_headers(headers)
    assert "<title>电子证照验证</title>" in body
    assert VALID_BANNER in body
    assert MASKED_HOLDER in body  # exactly what public_view() shows
    assert re.search(r"舟山海星?\*{4,}公司", body)  # a recognisable prefix, the rest starred
    assert HOLDER not in body and IDENTIFIER not in body
    assert dcert.mask_identifier(IDENTIFIER) in body
    for text in (cert.number, "食品经营许可证", AUTHORITY_NAME, "食品经营许可(新办)", "2026年11月2日"):
        assert text in body
    assert "2026年11月2日 至 2031年11月1日" in body
    for label in ("印章完整", "签章者", "是否可信", "签章时间", "PAdES 级别"):
        assert label in body
    assert "完整,盖章后未被修改" in body and "可信(证书链可信)" in body and "B-B" in body
    assert "行政审批专用章" in body  # the seal certificate's common name
    # self-contained: no scripts, no external resources
    assert "<script" not in body and "<link" not in body and "src=" not in body
    assert "http://" not in body and "https://" not in body

    entries = log_entries(cert.id)
    assert [(e.channel, e.indication, e.registry_match, e.status) for e in entries] == [
        ("public-page", "PASSED", True, "VALID")
    ]
    get(client, f"/v/{cert.verification_code}")
    assert len(log_entries(cert.id)) == 2  # every view is a logged verification


MALFORMED = (
    "lowercase-is-not",
    "23456789abcdefgh",  # right length, wrong case
    "23456789ABCDEFG",  # 15 characters
    "23456789ABCDEFGHJ",  # 17 characters
    "0123456789ABCDEF",  # 0 and 1 are not in the alphabet
    "23456789ABCDEFGI",  # nor is I
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "..%2F..%2Fetc%2Fpasswd",
    "X" * 300,
)


def test_unknown_and_malformed_codes_get_the_same_404(client: Client) -> None:
    cert = register()
    unknown = next(c for c in iter(new_verification_code, None) if c != cert.verification_code)
    status, headers, reference = get(client, f"/v/{unknown}")
    assert status == 404
    assert_security_headers(headers)
    assert "未找到该证照" in reference and unknown not in reference
    assert "<strong>" in reference and MASKED_HOLDER not in reference

    for code in (*MALFORMED, new_verification_code(), cert.verification_code.lower()):
        status, headers, body = get(client, f"/v/{code}")
        assert (status, body) == (404, reference), code
        assert_security_headers(headers)
    assert log_entries(cert.id) == []  # nothing was verified, nothing logged


def test_lookups_on_the_page_share_the_public_rate_limit(client: Client) -> None:
    """The page answers lookups as GraphQL and POST /verify do, so it counts against the same
    per-minute budget of the caller: guessing holder names (or codes) here stops at the limit."""
    cert = register()
    limit = get_settings().public_lookups_per_minute
    for _ in range(limit):
        assert get(client, f"/v/{new_verification_code()}")[0] == 404  # well-formed, unknown
    status, _, body = get(client, f"/v/{cert.verification_code}")
    assert status == 429 and '<meta name="licence-error" content="RATE_LIMITED">' in body
    assert "查询过于频繁" in body and cert.number not in body


def test_revoked_certificate_shows_revocation_and_reason(client: Client) -> None:
    cert = register()
    reason = "申请人以欺骗手段取得行政许可,依法撤销"
    update(cert.id, lambda c: dcert.revoke(c, reason, app_clock.utc_now(), "bureau-sun"))
    status, headers, body = get(client, f"/v/{cert.verification_code}")
    assert status == 200
    assert_security_headers(headers)
    assert "<strong>已吊销</strong>" in body and VALID_BANNER not in body
    assert reason in body and "吊销原因" in body
    assert '<meta name="licence-status" content="REVOKED">' in body  # machine-readable, as in GraphQL
    assert MASKED_HOLDER in body and HOLDER not in body
    assert [(e.channel, e.status) for e in log_entries(cert.id)] == [("public-page", "REVOKED")]


def test_superseded_certificate_names_its_replacement(client: Client) -> None:
    old = register(note="old")
    new = register(note="new")
    update(old.id, lambda c: dcert.supersede(c, new.id, "持证主体名称填写有误,更正换发", app_clock.utc_now()))
    _, _, body = get(client, f"/v/{old.verification_code}")
    assert "<strong>已被更正换发</strong>" in body
    assert "持证主体名称填写有误,更正换发" in body and new.number in body
    _, _, body = get(client, f"/v/{new.verification_code}")
    assert VALID_BANNER in body


def test_expired_certificate(client: Client, clock: Any) -> None:
    cert = register()
    clock.advance(days=5 * 366)
    _, _, body = get(client, f"/v/{cert.verification_code}")
    assert "<strong>已失效</strong>" in body and VALID_BANNER not in body
    assert '<meta name="licence-status" content="EXPIRED">' in body


def test_unsealed_or_replaced_file_is_not_reported_valid(client: Client) -> None:
    unsealed = register(sealed=False)
    _, _, body = get(client, f"/v/{unsealed.verification_code}")
    assert "<strong>印章验证未通过</strong>" in body and VALID_BANNER not in body
    assert "文件中没有电子印章" in body

    swapped = register()  # the stored file no longer matches the registered digest
    update(swapped.id, lambda c: replace(c, sha256=hashlib.sha256(b"another file").hexdigest()))
    _, _, body = get(client, f"/v/{swapped.verification_code}")
    assert "<strong>无法确认</strong>" in body and VALID_BANNER not in body
    assert [e.registry_match for e in log_entries(swapped.id)] == [False]


def test_every_value_is_escaped(client: Client) -> None:
    cert = register(item_name='<img src=x onerror="alert(1)">&食品')
    _, _, body = get(client, f"/v/{cert.verification_code}")
    assert "<img" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;食品" in body


def test_unexpected_error_gives_a_neutral_503(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cert = register()

    def broken(self: CertificateService, **kwargs: Any) -> None:
        raise RuntimeError("table unavailable: secret-internal-detail")

    monkeypatch.setattr(CertificateService, "lookup", broken)
    status, headers, body = get(client, f"/v/{cert.verification_code}")
    assert status == 503
    assert_security_headers(headers)
    assert "暂时无法验证,请稍后再试" in body
    assert "secret-internal-detail" not in body and "Traceback" not in body
    assert "public verification page failed" in caplog.text


# --- in a real browser ------------------------------------------------------------------------------


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium binary installed (Debian package chromium; scripts/bootstrap installs it)")


class _Forwarder(http.server.BaseHTTPRequestHandler):
    """Serves GET /v/... from the Chalice test client (same process, so moto's mock applies)."""

    client: Client

    def do_GET(self) -> None:
        if self.path.startswith("/v/"):
            response = self.client.http.get(self.path)
            status, headers, body = response.status_code, dict(response.headers), response.body
        else:  # e.g. /favicon.ico
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        payload = body if isinstance(body, bytes) else str(body).encode("utf-8")
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in {"content-length", "connection"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def served(client: Client) -> Iterator[str]:
    handler = type("Forwarder", (_Forwarder,), {"client": client})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    profile.mkdir()
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        timeout=45,
        check=False,
    )


def test_page_in_headless_chromium(served: str, tmp_path: Path) -> None:
    binary = chromium_binary()
    cert = register()
    url = f"{served}/v/{cert.verification_code}?reason={quote('银行开户核验')}"

    dom = run_chromium(binary, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    text = dom.stdout.decode("utf-8")
    assert VALID_BANNER in text and MASKED_HOLDER in text and cert.number in text
    assert HOLDER not in text and IDENTIFIER not in text

    shot = tmp_path / "public-page.png"
    result = run_chromium(
        binary, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=420,900", "--hide-scrollbars", url
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (420, 900)
    assert len(data) > 8 * 1024, f"screenshot suspiciously small ({len(data)} bytes)"
    # both browser visits went through the real route and were logged
    assert len(log_entries(cert.id)) == 2


def test_reason_for_use_form_then_result_logged_with_the_reason(client: Client) -> None:
    """用证事由 (issue 13; DESIGN: lookups state a reason, at most 200 characters): the QR link first
    shows a one-field form, the same for every well-formed code (nothing looked up, nothing logged);
    a bad reason gets the form again with every problem; the result logs the reason."""
    cert = register()
    unknown = next(c for c in iter(new_verification_code, None) if c != cert.verification_code)
    status, headers, form = get(client, f"/v/{cert.verification_code}", reason=None)
    assert status == 200 and '<input id="reason" name="reason" maxlength="200" required' in form
    assert_security_headers(headers)
    assert get(client, f"/v/{unknown}", reason=None)[2] == form  # the form reveals nothing
    assert cert.number not in form and MASKED_HOLDER not in form and log_entries(cert.id) == []
    status, _, refused = get(client, f"/v/{cert.verification_code}?reason={quote('x' * 201 + chr(0x200B))}")
    assert status == 400 and "用证事由不能超过200个字符" in refused and "零宽字符" in refused
    assert get(client, f"/v/{cert.verification_code}?reason=%20")[0] == 400  # blank
    assert log_entries(cert.id) == []
    status, _, body = get(client, f"/v/{cert.verification_code}", reason="招投标资格审查")
    assert status == 200 and VALID_BANNER in body
    assert [(e.channel, e.reason_for_use) for e in log_entries(cert.id)] == [("public-page", "招投标资格审查")]
