"""What verification keeps per process (issue 14 point 4) never changes a verdict.

`verify_pdf` normalises the trust roots once per configuration and decodes a certificate's
report facts once per certificate; the certificate service reads its trust root files once per
version of them. Each cache is keyed on content, so a changed configuration or a different
certificate is a different entry at once, and each is bounded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from signing import verify as verify_module
from signing.keys import LocalKeyBackend
from signing.report import Indication
from signing.seal import SealAppearance, Sealer
from signing.verify import verify_pdf

from .conftest import Pki
from .helpers import AUTHORITY


def test_a_changed_trust_configuration_is_seen_at_once(sealed_pdf: bytes, pki: Pki) -> None:
    verify_module._trust_config.cache_clear()
    assert verify_pdf(sealed_pdf, [pki.ca_pem]).passed
    assert verify_pdf(sealed_pdf, [pki.ca_pem]).passed
    info = verify_module._trust_config.cache_info()
    assert (info.misses, info.hits) == (1, 1)  # built once for the configuration, then reused
    assert info.maxsize == verify_module.TRUST_CONFIGS_KEPT

    other = verify_pdf(sealed_pdf, [pki.rogue_ca_pem])  # the next call, another root: not trusted
    assert other.indication is Indication.INDETERMINATE
    assert "CHAIN_NOT_TRUSTED" in other.codes
    assert other.identity.chains_to_trust_anchor is False
    none = verify_pdf(sealed_pdf, [])
    assert {"NO_TRUST_ANCHORS", "CHAIN_NOT_TRUSTED"} <= set(none.codes)
    both = verify_pdf(sealed_pdf, [pki.rogue_ca_pem, pki.ca_cert])  # a root added: trusted again
    assert both.passed and both.identity.chains_to_trust_anchor is True
    assert verify_pdf(sealed_pdf, [pki.ca_cert]).passed  # the same root as an object
    assert not verify_pdf(sealed_pdf, [bytearray(pki.rogue_ca_pem)]).passed


def test_the_trust_configuration_cache_is_bounded(sealed_pdf: bytes, pki: Pki) -> None:
    verify_module._trust_config.cache_clear()
    for n in range(verify_module.TRUST_CONFIGS_KEPT + 3):  # distinct configurations, same verdict
        assert verify_pdf(sealed_pdf, [pki.ca_pem] * (n + 1)).passed
    assert verify_module._trust_config.cache_info().currsize == verify_module.TRUST_CONFIGS_KEPT


def test_unusable_trust_roots_still_raise(sealed_pdf: bytes) -> None:
    """A configuration error, not a property of the document, as before the cache."""
    with pytest.raises(ValueError, match="unsupported trust root type"):
        verify_pdf(sealed_pdf, [12345])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        verify_pdf(sealed_pdf, [b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"])


def test_a_look_alike_seal_never_gets_the_genuine_seals_facts(sealed_pdf: bytes, sample_pdf: bytes, pki: Pki) -> None:
    """The rogue certificate has the genuine one's names; its facts are its own."""
    genuine = verify_pdf(sealed_pdf, [pki.ca_pem])
    forged = Sealer(LocalKeyBackend(pki.rogue_key, pki.rogue_cert)).seal(
        sample_pdf, SealAppearance(authority_name=AUTHORITY)
    )
    rogue_cert = x509.load_pem_x509_certificate(pki.rogue_cert.read_bytes())
    report = verify_pdf(
        forged, [pki.ca_pem, pki.rogue_ca_pem], expected_signer_fingerprint=genuine.identity.sha256_fingerprint
    )
    assert report.identity.subject == genuine.identity.subject
    assert report.identity.sha256_fingerprint == rogue_cert.fingerprint(hashes.SHA256()).hex()
    assert report.identity.sha256_fingerprint != genuine.identity.sha256_fingerprint
    assert report.identity.serial_number == format(rogue_cert.serial_number, "x")
    assert report.identity.matches_expected_signer is False
    assert "SIGNER_MISMATCH" in report.codes
    assert verify_pdf(sealed_pdf, [pki.ca_pem]) == genuine  # and the genuine report is unchanged


def _big_certificate() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "big")])
    now = dt.datetime.now(dt.UTC)
    names = [x509.DNSName(f"host-{i:05d}.example.test") for i in range(1000)]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(Encoding.DER)


def test_certificate_facts_are_bounded_and_big_certificates_are_not_kept() -> None:
    remembered = verify_module._remembered_cert_facts
    assert remembered.cache_info().maxsize == verify_module.CERT_FACTS_KEPT
    big = _big_certificate()
    assert len(big) > verify_module.CERT_FACTS_MAX_DER
    before = remembered.cache_info()
    facts = verify_module._cert_facts(big)
    assert facts.subject == "Common Name: big" and facts.serial_number == "7"
    after = remembered.cache_info()
    assert (after.hits, after.misses, after.currsize) == (before.hits, before.misses, before.currsize)


def test_the_certificate_service_sees_a_replaced_trust_root_file(
    sealed_pdf: bytes, pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`certificate_parts.verify` reads `UAP_SEAL_TRUST_ROOTS` once per version of the files: a
    root rotated in place (same path) is used by the very next verification."""
    from chalicelib.services import certificate_parts

    roots = tmp_path / "roots.pem"
    roots.write_bytes(pki.ca_pem)
    monkeypatch.setenv("UAP_SEAL_TRUST_ROOTS", str(roots))
    monkeypatch.delenv("UAP_SEAL_REGISTRY", raising=False)
    assert certificate_parts.verify(sealed_pdf).identity.chains_to_trust_anchor is True
    assert certificate_parts.verify(sealed_pdf).identity.chains_to_trust_anchor is True

    replacement = tmp_path / "roots.pem.new"
    replacement.write_bytes(pki.rogue_ca_pem)
    os.replace(replacement, roots)  # atomic rotation, as a deployment would do it
    rotated = certificate_parts.verify(sealed_pdf)
    assert rotated.identity.chains_to_trust_anchor is False
    assert "CHAIN_NOT_TRUSTED" in rotated.codes

    roots.write_bytes(pki.ca_pem + pki.rogue_ca_pem)  # rewritten in place: seen too
    assert certificate_parts.verify(sealed_pdf).identity.chains_to_trust_anchor is True
    assert certificate_parts._trust_roots_of.cache_info().maxsize == 4


def test_a_digest_the_caller_already_has_is_the_reports(sealed_pdf: bytes, pki: Pki) -> None:
    """The certificate service looks an upload up by its SHA-256 and hands it over, so the file is
    hashed once per verification; the report is the one verify_pdf would make on its own."""
    digest = hashlib.sha256(sealed_pdf).hexdigest()
    assert verify_pdf(sealed_pdf, [pki.ca_pem], file_sha256=digest) == verify_pdf(sealed_pdf, [pki.ca_pem])


def test_each_thread_verifies_on_its_own_loop_closed_when_the_thread_ends(sealed_pdf: bytes, pki: Pki) -> None:
    """pyHanko's coroutines run on a loop kept per thread (not a new one per verification): threads
    verifying at once get the same reports, and a finished thread's loop is closed, not leaked."""
    import gc
    import threading

    expected = verify_pdf(sealed_pdf, [pki.ca_pem])
    verify_module._trust_config.cache_clear()  # the threads build and share a fresh configuration
    reports: list[object] = []
    loops: list[object] = []
    start = threading.Barrier(3)

    def work() -> None:
        start.wait()
        for _ in range(2):
            reports.append(verify_pdf(sealed_pdf, [pki.ca_pem]))
        loops.append(verify_module._LOOPS.holder.loop)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gc.collect()
    assert reports == [expected] * 6
    assert len({id(loop) for loop in loops}) == 3
    assert all(loop.is_closed() for loop in loops)  # type: ignore[attr-defined]


def test_verifying_inside_a_running_loop_is_a_report_not_a_crash(sealed_pdf: bytes, pki: Pki) -> None:
    """As with `asyncio.run` before: refused inside a running loop, told as INTERNAL_ERROR."""
    import asyncio

    async def inside() -> object:
        return verify_pdf(sealed_pdf, [pki.ca_pem])

    report = asyncio.run(inside())
    assert report.indication is Indication.INDETERMINATE  # type: ignore[attr-defined]
    assert report.codes == ["INTERNAL_ERROR"]  # type: ignore[attr-defined]
    assert verify_pdf(sealed_pdf, [pki.ca_pem]).passed  # and the thread's loop still works after


def test_the_object_count_is_skipped_only_when_it_cannot_exceed_the_limit() -> None:
    """A file too short to hold more than `max_objects` "endobj" is not counted: same verdicts."""
    from signing.verify import Limits, _byte_scan_problem

    for objects in range(6):
        for padding in (0, 1, 5, 6, 7, 13):
            data = b"endobj" * objects + b" " * padding
            for limit in range(6):
                problem = _byte_scan_problem(data, Limits(max_objects=limit))
                assert (problem is not None) == (objects > limit), (objects, padding, limit)
