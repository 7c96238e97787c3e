"""Offline verification of a sealed PDF into a :class:`VerificationReport`.

Untrusted bytes come from the public verification page, so
:func:`verify_pdf` never raises for bad input: every failure mode (not a PDF,
truncated, encrypted, tampered, foreign seal, oversize...) becomes a report
with a specific code. Validation is offline (no CRL/OCSP fetching): revocation
data embedded in the document (B-LT) is used, otherwise revocation checking
soft-fails, which is the pyHanko default for missing data.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from .keys import load_certificates
from .report import (
    Finding,
    Identity,
    Indication,
    Integrity,
    Timing,
    VerificationReport,
    finding,
)

__all__ = ["DEFAULT_LIMITS", "DEFAULT_MAX_BYTES", "Limits", "TrustRoot", "load_trust_roots", "verify_pdf"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

TrustRoot = x509.Certificate | bytes | str


@dataclass(frozen=True)
class Limits:
    """How much structure a PDF may have before it is even looked at.

    A sealed certificate has one seal field, perhaps a few document timestamps, a handful of
    revisions (B-LT/B-LTA add two or three) and a few hundred objects. pyHanko's work grows with
    each of these (every filled signature field is parsed, every revision's xref is cross-checked),
    so a crafted 10 MB file with tens of thousands of fields used to take over 30 s. The bounds are
    checked on the catalogue, the trailer and the xref table only, before any signature is parsed.
    """

    max_form_fields: int = 50  # AcroForm field nodes, signature or not, /Kids included
    max_revisions: int = 32  # incremental updates
    max_objects: int = 100_000  # the trailer's /Size


DEFAULT_LIMITS = Limits()

_PADES_SUBFILTER = "/ETSI.CAdES.detached"


def load_trust_roots(roots: Iterable[TrustRoot]) -> list[x509.Certificate]:
    """Normalise certificates given as objects, PEM/DER bytes or PEM text.

    Raises ``ValueError`` for unparseable roots: that is a configuration
    error, not a property of the document being checked.
    """
    out: list[x509.Certificate] = []
    for root in roots:
        if isinstance(root, x509.Certificate):
            out.append(root)
        elif isinstance(root, (bytes, bytearray, str)):
            data = root.encode() if isinstance(root, str) else bytes(root)
            out.extend(load_certificates(data))
        else:
            raise ValueError(f"unsupported trust root type {type(root).__name__}")
    return out


@dataclass(frozen=True)
class _TrustConfig:
    """The trust roots, normalised once per configuration: as `cryptography` certificates (for
    callers) and as the asn1crypto certificates pyHanko's `ValidationContext` takes. Reusing the
    same asn1crypto objects matters: pyHanko compares names through `Name.hashable`, an LDAP
    string-prep of every RDN that asn1crypto remembers per object, so a root parsed afresh for every
    verification paid ~0.3 ms (3% of a B-B verification) that a long-lived root pays once."""

    roots: tuple[x509.Certificate, ...]
    anchors: tuple[Any, ...]


#: Distinct trust configurations kept per process (a deployment has one; tests a few).
TRUST_CONFIGS_KEPT = 8


def _trust_key(roots: Iterable[TrustRoot]) -> tuple[TrustRoot, ...]:
    """The configuration as a hashable value of its content (certificates hash and compare by their
    DER encoding), so a changed root is a different key at once; unsupported types raise
    ``ValueError`` as :func:`load_trust_roots` does."""
    key: list[TrustRoot] = []
    for root in roots:
        if isinstance(root, bytearray):
            root = bytes(root)
        if not isinstance(root, (x509.Certificate, bytes, str)):
            raise ValueError(f"unsupported trust root type {type(root).__name__}")
        key.append(root)
    return tuple(key)


@lru_cache(maxsize=TRUST_CONFIGS_KEPT)
def _trust_config(key: tuple[TrustRoot, ...]) -> _TrustConfig:
    from asn1crypto import x509 as asn1_x509

    roots = tuple(load_trust_roots(key))
    anchors = tuple(asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in roots)
    for anchor in anchors:
        # Parsed through here, once: asn1crypto parses a structure's children lazily, filling a
        # list in place, so threads sharing these objects must never be the first to look.
        try:
            anchor.native  # noqa: B018 - parses every child
            anchor.subject.hashable  # noqa: B018 - and the name pyHanko compares by
        except Exception:  # pragma: no cover - a root asn1crypto cannot render stays lazy, as before
            logger.warning("trust root %s not fully parsed", anchor.sha256.hex())
    return _TrustConfig(roots=roots, anchors=anchors)


def _fingerprint(raw: str) -> str:
    return "".join(c for c in raw.lower() if c in "0123456789abcdef")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class _Outcome:
    """Mutable scratchpad while building the report."""

    failures: list[tuple[Indication, str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def add(self, code: str, detail: str | None = None) -> None:
        self.findings.append(finding(code, detail))

    def fail(self, indication: Indication, sub: str, code: str, detail: str | None = None) -> None:
        self.failures.append((indication, sub, code))
        self.add(code, detail)

    def verdict(self) -> tuple[Indication, str | None]:
        for wanted in (Indication.FAILED, Indication.INDETERMINATE):
            for indication, sub, _ in self.failures:
                if indication is wanted:
                    return indication, sub
        return Indication.PASSED, None


def _early(
    indication: Indication, sub: str, code: str, size: int, digest: str | None, detail: str | None = None
) -> VerificationReport:
    return VerificationReport(
        indication=indication,
        sub_indication=sub,
        file_size=size,
        file_sha256=digest,
        findings=(finding(code, detail),),
    )


def verify_pdf(
    pdf: bytes,
    trust_roots: Sequence[TrustRoot],
    *,
    expected_signer_fingerprint: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    validation_time: dt.datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
    file_sha256: str | None = None,
) -> VerificationReport:
    """Verify the approval seal on ``pdf`` against ``trust_roots``.

    ``expected_signer_fingerprint`` (SHA-256 hex, separators ignored) pins the
    seal certificate. ``validation_time`` defaults to now. ``limits`` bound the structure a
    file may have (a file beyond them is FAILED with ``PDF_TOO_COMPLEX``, see :class:`Limits`).
    ``file_sha256``: the caller's own SHA-256 (hex) of these very bytes, when it already has one
    (the certificate service looks an upload up by it), so the file is not hashed twice.
    """
    trust = _trust_config(_trust_key(trust_roots))
    if not isinstance(pdf, (bytes, bytearray, memoryview)):
        return _early(Indication.FAILED, "FORMAT_FAILURE", "NOT_A_PDF", 0, None, type(pdf).__name__)
    size = len(pdf)
    if size > max_bytes:
        return _early(Indication.FAILED, "FORMAT_FAILURE", "INPUT_TOO_LARGE", size, None, f"{size} > {max_bytes} bytes")
    data = bytes(pdf)
    digest = file_sha256 if file_sha256 is not None else hashlib.sha256(data).hexdigest()
    problem = _byte_scan_problem(data, limits)  # before pyHanko is even imported (~0.4 s)
    if problem is not None:
        return _early(Indication.FAILED, "FORMAT_FAILURE", "PDF_TOO_COMPLEX", size, digest, problem)
    try:
        return _verify(data, trust, expected_signer_fingerprint, validation_time, digest, limits)
    except Exception as exc:  # last line of defence: never raise on input
        logger.exception("seal verification crashed")
        return _early(
            Indication.INDETERMINATE,
            "GENERIC",
            "INTERNAL_ERROR",
            size,
            digest,
            f"{type(exc).__name__}: {exc}",
        )


def _open_reader(data: bytes, size: int, digest: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse the PDF, or return an early report explaining why not."""
    if b"%PDF-" not in data[:1024]:
        return _early(Indication.FAILED, "FORMAT_FAILURE", "NOT_A_PDF", size, digest)
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data))
        reader.root  # noqa: B018 - force catalog parsing
    except Exception as exc:
        code = "PDF_TRUNCATED" if b"%%EOF" not in data[-1024:] else "PDF_MALFORMED"
        return _early(Indication.FAILED, "FORMAT_FAILURE", code, size, digest, f"{type(exc).__name__}: {exc}")
    if reader.encrypted:
        return _early(Indication.INDETERMINATE, "GENERIC", "PDF_ENCRYPTED", size, digest)
    return reader


_SIG_FIELD = re.compile(rb"/FT\s*/Sig\b")


def _byte_scan_problem(data: bytes, limits: Limits) -> str | None:
    """The same bounds counted on the raw bytes (C-speed regex, ~10 ms for 10 MB), so a crafted
    file is refused before pyHanko parses a 60,000-entry xref table or a huge /Fields array.
    Objects hidden in object streams escape this count; :func:`_structure_problem` still sees them."""
    fields = len(_SIG_FIELD.findall(data))
    if fields > limits.max_form_fields:
        return f"{fields} signature fields > {limits.max_form_fields}"
    revisions = data.count(b"startxref")
    if revisions > limits.max_revisions:
        return f"{revisions} revisions > {limits.max_revisions}"
    if len(data) // len(b"endobj") <= limits.max_objects:
        return None  # too short to hold more (the count would cost ~0.3% of a verification)
    objects = data.count(b"endobj")  # a regex for "N G obj" backtracks badly on long digit runs
    if objects > limits.max_objects:
        return f"{objects} objects > {limits.max_objects}"
    return None


def _structure_problem(reader: Any, limits: Limits) -> str | None:
    """Why the file is beyond `limits`, or None; reads only the trailer, xref and form tree."""
    from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject

    revisions = reader.xrefs.total_revisions
    if revisions > limits.max_revisions:
        return f"{revisions} revisions > {limits.max_revisions}"
    size = reader.trailer["/Size"]
    if not isinstance(size, int) or size > limits.max_objects:
        return f"{size} objects > {limits.max_objects}"
    form = reader.root.get("/AcroForm")
    pending = list(form.get("/Fields", ())) if isinstance(form, DictionaryObject) else []
    seen = 0
    while pending:  # breadth-first over /Kids with a budget: no recursion, no cycles followed
        if len(pending) + seen > limits.max_form_fields:
            return f"more than {limits.max_form_fields} form fields"
        node = pending.pop()
        seen += 1
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, DictionaryObject):
            kids = node.get("/Kids")
            if isinstance(kids, ArrayObject):
                pending.extend(kids)
    return None


def _collect_signatures(reader: Any) -> tuple[list[Any], list[Any], list[str]]:
    """Regular signatures, document timestamps, and unreadable field names."""
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import EmbeddedPdfSignature

    regular: list[Any] = []
    timestamps: list[Any] = []
    broken: list[str] = []
    for fq_name, _sig_obj, sig_field in enumerate_sig_fields(reader, filled_status=True):
        try:
            emb = EmbeddedPdfSignature(reader, sig_field, fq_name)
        except Exception as exc:
            logger.info("unreadable signature %s: %s", fq_name, exc)
            broken.append(fq_name)
            continue
        (timestamps if emb.sig_object_type == "/DocTimeStamp" else regular).append(emb)
    regular.sort(key=lambda e: e.signed_revision)
    timestamps.sort(key=lambda e: e.signed_revision)
    return regular, timestamps, broken


def _validation_context(reader: Any, trust: _TrustConfig, moment: dt.datetime | None) -> Any:
    """A fresh context per document (it accumulates the document's certificates, revocation data
    and validated paths), around the trust roots built once per configuration."""
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko_certvalidator import ValidationContext

    kwargs: dict[str, Any] = {
        "trust_roots": list(trust.anchors),
        "allow_fetching": False,
        "revocation_mode": "soft-fail",
    }
    if moment is not None:
        kwargs["moment"] = moment
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return ValidationContext(**kwargs), None
    return dss.as_validation_context(kwargs), dss


def _verify(
    data: bytes,
    trust: _TrustConfig,
    expected_fp: str | None,
    moment: dt.datetime | None,
    digest: str,
    limits: Limits = DEFAULT_LIMITS,
) -> VerificationReport:
    from pyhanko.sign.validation.errors import SignatureValidationError

    size = len(data)
    opened = _open_reader(data, size, digest, limits)
    if isinstance(opened, VerificationReport):
        return opened
    reader = opened
    try:
        problem = _structure_problem(reader, limits)
    except Exception as exc:
        return _early(Indication.FAILED, "FORMAT_FAILURE", "PDF_MALFORMED", size, digest, str(exc))
    if problem is not None:
        return _early(Indication.FAILED, "FORMAT_FAILURE", "PDF_TOO_COMPLEX", size, digest, problem)
    try:
        regular, doc_timestamps, broken = _collect_signatures(reader)
    except Exception as exc:
        return _early(Indication.FAILED, "FORMAT_FAILURE", "PDF_MALFORMED", size, digest, str(exc))
    if not regular:
        if broken:
            return _early(Indication.FAILED, "FORMAT_FAILURE", "SIGNATURE_FORMAT_UNSUPPORTED", size, digest, broken[0])
        return _early(Indication.FAILED, "NO_SIGNATURE", "NO_SIGNATURE", size, digest)

    out = _Outcome()
    emb = regular[0]
    if len(regular) + len(broken) > 1:
        out.add("MULTIPLE_SIGNATURES", f"{len(regular) + len(broken)} signatures")
    if not trust.roots:
        out.add("NO_TRUST_ANCHORS")

    vc, dss = _validation_context(reader, trust, moment)
    try:
        status, doc_ts_ok = _run(_validate(emb, doc_timestamps, vc))
    except SignatureValidationError as exc:
        sub = exc.ades_subindication
        indication = Indication(sub.status.name) if sub is not None else Indication.INDETERMINATE
        if indication is Indication.PASSED:  # pragma: no cover - defensive
            indication = Indication.INDETERMINATE
        out.fail(indication, sub.standard_name if sub else "GENERIC", "SIGNATURE_FORMAT_UNSUPPORTED", str(exc))
        indication, sub_name = out.verdict()
        return VerificationReport(
            indication=indication,
            sub_indication=sub_name,
            field_name=emb.field_name,
            signature_count=len(regular),
            file_size=size,
            file_sha256=digest,
            identity=_safe_identity(emb, expected_fp),
            findings=tuple(out.findings),
        )

    is_pades = emb.sig_object.get("/SubFilter") == _PADES_SUBFILTER
    if not is_pades:
        out.add("NOT_PADES", str(emb.sig_object.get("/SubFilter")))
    docmdp = emb.docmdp_level
    if docmdp is None:
        out.add("NOT_CERTIFYING")

    integrity = _integrity(reader, emb, status)
    _judge_integrity(out, status, docmdp)
    signed_end = emb.byte_range[2] + emb.byte_range[3]
    if integrity.revisions_after_signing == 0 and data[signed_end:].strip():
        # Bytes after the sealed revision that are not a PDF update: viewers
        # ignore them, but they are unsigned and can smuggle content.
        out.fail(
            Indication.INDETERMINATE,
            "SIG_CONSTRAINTS_FAILURE",
            "UNSIGNED_TRAILING_DATA",
            f"{len(data) - signed_end} bytes",
        )
    _judge_trust(out, status)

    ts = status.timestamp_validity
    ts_ok = ts is not None and ts.intact and ts.valid and ts.trusted
    if ts is not None:
        if ts_ok:
            out.add("TIMESTAMP_PRESENT")
        else:
            out.fail(Indication.INDETERMINATE, "GENERIC", "TIMESTAMP_INVALID")

    signing_time = ts.timestamp if ts_ok and ts is not None else status.signer_reported_dt
    identity = _identity(status.signing_cert, status, expected_fp, signing_time)
    if expected_fp is not None and not identity.matches_expected_signer:
        out.fail(Indication.INDETERMINATE, "SIG_CONSTRAINTS_FAILURE", "SIGNER_MISMATCH", identity.sha256_fingerprint)

    indication, sub_name = out.verdict()
    level = None
    if indication is Indication.PASSED:
        out.findings.insert(0, finding("SEAL_VALID"))
        level = _pades_level(is_pades, ts_ok or doc_ts_ok, dss, doc_timestamps, emb, doc_ts_ok)
    timing = Timing(
        claimed_signing_time=_iso(status.signer_reported_dt),
        timestamp_time=_iso(ts.timestamp) if ts is not None else None,
        timestamp_authority=_cert_facts(ts.signing_cert.dump()).subject if ts is not None else None,
        timestamp_valid=ts_ok if ts is not None else None,
    )
    return VerificationReport(
        indication=indication,
        sub_indication=sub_name,
        pades_level=level,
        field_name=emb.field_name,
        signature_count=len(regular),
        file_size=size,
        file_sha256=digest,
        integrity=integrity,
        identity=identity,
        timing=timing,
        findings=tuple(out.findings),
    )


class _ThreadLoop:
    """This thread's event loop for pyHanko's coroutines, closed when the thread ends (the
    thread-local slot holding it is cleared then)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        self.loop.close()


_LOOPS = threading.local()


def _run(coro: Any) -> Any:
    """Run ``coro`` to completion on this thread's own event loop, kept between verifications.

    `asyncio.run`, which pyHanko's synchronous API uses, makes a loop (an epoll selector and a
    socket pair), swaps the SIGINT handler and closes it all again on every call: ~0.1 ms, 1% of a
    B-B verification. Verification is offline (no fetching), so nothing outlives the run; should
    anything be left pending it is cancelled here, as `asyncio.run` would, so no work of one
    verification runs during the next. Like `asyncio.run`, this refuses to run inside a running
    loop (RuntimeError, reported as INTERNAL_ERROR)."""
    try:
        asyncio.get_running_loop()  # the check asyncio.run makes
    except RuntimeError:
        pass
    else:
        coro.close()  # never started: no "never awaited" warning
        raise RuntimeError("seal verification cannot run inside a running event loop")
    holder: _ThreadLoop | None = getattr(_LOOPS, "holder", None)
    if holder is None or holder.loop.is_closed():
        holder = _LOOPS.holder = _ThreadLoop()
    loop = holder.loop
    try:
        return loop.run_until_complete(coro)
    finally:
        pending = asyncio.all_tasks(loop)
        if pending:
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


async def _validate(emb: Any, doc_timestamps: list[Any], vc: Any) -> tuple[Any, bool]:
    """The seal's status, and whether any document time-stamp is valid, in one run of the event
    loop (not one more per time-stamp). A `SignatureValidationError` on the seal propagates before
    any time-stamp is looked at."""
    from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp

    status = await async_validate_pdf_signature(emb, signer_validation_context=vc)
    doc_ts_ok = False
    for doc_ts in doc_timestamps:
        try:
            doc_status = await async_validate_pdf_timestamp(doc_ts, validation_context=vc)
            doc_ts_ok = doc_ts_ok or bool(doc_status.valid and doc_status.intact and doc_status.trusted)
        except Exception as exc:
            logger.info("document timestamp %s invalid: %s", doc_ts.field_name, exc)
    return status, doc_ts_ok


def _integrity(reader: Any, emb: Any, status: Any) -> Integrity:
    mod_level = status.modification_level
    return Integrity(
        intact=status.intact,
        signature_valid=status.valid,
        coverage=status.coverage.name if status.coverage is not None else None,
        modification_level=mod_level.name if mod_level is not None else None,
        revisions_after_signing=reader.xrefs.total_revisions - 1 - emb.signed_revision,
        docmdp_permission=emb.docmdp_level.name if emb.docmdp_level is not None else None,
        docmdp_ok=status.docmdp_ok,
    )


def _judge_integrity(out: _Outcome, status: Any, docmdp: Any) -> None:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel

    if not status.intact:
        out.fail(Indication.FAILED, "HASH_FAILURE", "DIGEST_MISMATCH")
        return
    if not status.valid:
        out.fail(Indication.FAILED, "SIG_CRYPTO_FAILURE", "SIGNATURE_INVALID")
        return
    coverage = status.coverage
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        out.fail(Indication.FAILED, "FORMAT_FAILURE", "COVERAGE_INCOMPLETE", getattr(coverage, "name", None))
        return
    level = status.modification_level
    diff = status.diff_result
    detail = getattr(diff, "failure_message", None) or (level.name if level is not None else None)
    if status.docmdp_ok is False:
        out.fail(Indication.FAILED, "MODIFIED_AFTER_SIGNING", "MODIFIED_AFTER_SIGNING", detail)
    elif level is None or level > ModificationLevel.LTA_UPDATES:
        if coverage != SignatureCoverageLevel.ENTIRE_FILE:
            # Only reachable without DocMDP: nothing forbids the edits, but an
            # approval seal on an edited document cannot be vouched for.
            out.fail(
                Indication.INDETERMINATE,
                "SIG_CONSTRAINTS_FAILURE",
                "MODIFIED_AFTER_SIGNING_UNCERTIFIED",
                detail,
            )
    elif level == ModificationLevel.LTA_UPDATES:
        out.add("UPDATES_AFTER_SIGNING_ALLOWED")


_TRUST_CODES = {
    "NO_CERTIFICATE_CHAIN_FOUND": "CHAIN_NOT_TRUSTED",
    "REVOKED_NO_POE": "CERTIFICATE_REVOKED",
    "REVOKED_CA_NO_POE": "CERTIFICATE_REVOKED",
    "REVOKED": "CERTIFICATE_REVOKED",
    "OUT_OF_BOUNDS_NO_POE": "CERTIFICATE_EXPIRED",
    "OUT_OF_BOUNDS_NOT_REVOKED": "CERTIFICATE_EXPIRED",
    "EXPIRED": "CERTIFICATE_EXPIRED",
    "NOT_YET_VALID": "CERTIFICATE_NOT_YET_VALID",
    "CHAIN_CONSTRAINTS_FAILURE": "CERTIFICATE_USAGE_INVALID",
}


def _judge_trust(out: _Outcome, status: Any) -> None:
    if not (status.intact and status.valid):
        return  # trust is not evaluated for broken signatures
    problem = status.trust_problem_indic
    if problem is None and status.validation_path is not None:
        return
    name = problem.standard_name if problem is not None else "NO_CERTIFICATE_CHAIN_FOUND"
    indication = Indication(problem.status.name) if problem is not None else Indication.INDETERMINATE
    if indication is Indication.PASSED:  # pragma: no cover - defensive
        indication = Indication.INDETERMINATE
    out.fail(indication, name, _TRUST_CODES.get(name, "CERTIFICATE_PROBLEM"))


def _safe_identity(emb: Any, expected_fp: str | None) -> Identity:
    """Best-effort identity for signatures that failed structurally."""
    try:
        return _identity(emb.signer_cert, None, expected_fp)
    except Exception:
        return Identity()


@dataclass(frozen=True)
class _CertFacts:
    """What the report shows of a certificate, decoded once per certificate and process."""

    subject: str
    issuer: str
    serial_number: str
    sha256_fingerprint: str
    not_before: dt.datetime
    not_after: dt.datetime


#: Certificates whose facts are kept per process: the registered seals and their time-stamping
#: authorities are few; a stranger's certificate only takes a slot. Certificates larger than
#: CERT_FACTS_MAX_DER are decoded every time, so uploads cannot fill the memory with big ones.
CERT_FACTS_KEPT = 64
CERT_FACTS_MAX_DER = 16 * 1024


def _cert_facts(der: bytes) -> _CertFacts:
    """Keyed on the DER encoding itself, so two certificates share facts only when they are the
    same certificate. The seal's certificate is the same in every certificate a bureau issues,
    and decoding its names (asn1crypto's `human_friendly`, the validity's `native`) cost ~0.1 ms
    per verification."""
    return _remembered_cert_facts(der) if len(der) <= CERT_FACTS_MAX_DER else _decode_cert_facts(der)


def _decode_cert_facts(der: bytes) -> _CertFacts:
    from asn1crypto import x509 as asn1_x509

    cert = asn1_x509.Certificate.load(der)
    validity = cert["tbs_certificate"]["validity"]
    return _CertFacts(
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial_number=format(cert.serial_number, "x"),
        sha256_fingerprint=cert.sha256.hex(),
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
    )


_remembered_cert_facts = lru_cache(maxsize=CERT_FACTS_KEPT)(_decode_cert_facts)


def _identity(
    cert: Any,
    status: Any,
    expected_fp: str | None,
    signing_time: dt.datetime | None = None,
) -> Identity:
    facts = _cert_facts(cert.dump())
    not_before, not_after, fingerprint = facts.not_before, facts.not_after, facts.sha256_fingerprint
    path = getattr(status, "validation_path", None)
    trusted = bool(status is not None and status.trusted)
    anchor = None
    if trusted and path is not None:
        try:
            anchor = path.trust_anchor.authority.name.human_friendly
        except Exception:  # pragma: no cover - cosmetic only
            anchor = None
    return Identity(
        subject=facts.subject,
        issuer=facts.issuer,
        serial_number=facts.serial_number,
        sha256_fingerprint=fingerprint,
        chains_to_trust_anchor=trusted,
        trust_anchor=anchor,
        not_before=_iso(not_before),
        not_after=_iso(not_after),
        valid_at_signing_time=(not_before <= signing_time <= not_after if signing_time is not None else None),
        matches_expected_signer=(_fingerprint(expected_fp) == fingerprint if expected_fp is not None else None),
    )


def _pades_level(
    is_pades: bool,
    has_time: bool,
    dss: Any,
    doc_timestamps: list[Any],
    emb: Any,
    doc_ts_ok: bool,
) -> str | None:
    """Highest PAdES baseline level whose ingredients are present and valid."""
    if not is_pades:
        return None
    if not has_time:
        return "B-B"
    has_revinfo = dss is not None and bool(list(dss.crls) or list(dss.ocsps))
    if not has_revinfo:
        return "B-T"
    later_ts = [t for t in doc_timestamps if t.signed_revision > emb.signed_revision]
    if doc_ts_ok and later_ts:
        return "B-LTA"
    return "B-LT"
