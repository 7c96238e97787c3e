"""Development PKI: a throw-away root CA and a seal certificate.

Local runs and tests need a seal key whose chain ends in a CA the verifier can
be told to trust. Nothing here is fit for production: the real seal key is
issued by the authority's CA and usually lives in KMS.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

__all__ = [
    "DEV_CRL_URL",
    "DOCUMENT_SIGNING_EKU",
    "BureauSeals",
    "DevPki",
    "PrivateKey",
    "build_ca",
    "ensure_bureau_seals",
    "ensure_dev_pki",
    "issue_crl",
    "issue_seal_certificate",
    "issue_tsa_certificate",
    "new_key",
]

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

#: id-kp-documentSigning (RFC 9336).
DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

DEFAULT_AUTHORITY = "XX市行政审批局"
DEFAULT_SEAL_TEXT = "行政审批专用章"

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
SEAL_KEY_FILE = "seal-key.pem"
SEAL_CERT_FILE = "seal-cert.pem"
CHAIN_FILE = "seal-chain.pem"
CRL_FILE = "ca-crl.pem"

#: CRL distribution point written into dev seal certificates. Validators only
#: consult CRLs (e.g. embedded in a B-LT document) for certificates that
#: declare one; ``.invalid`` guarantees nothing is ever fetched from it.
DEV_CRL_URL = "http://crl.uap-dev.invalid/dev-root.crl"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def new_key(kind: str = "ec") -> PrivateKey:
    """Create a key: ``ec`` (P-256, fast) or ``rsa`` (2048 bit)."""
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unknown key kind {kind!r}; use 'ec' or 'rsa'")


def build_ca(
    key: PrivateKey,
    common_name: str = "UAP 开发测试根证书 (Dev Root CA, not for production)",
    *,
    days: int = 3650,
) -> x509.Certificate:
    """Self-signed root CA certificate for ``key``."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UAP Development"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf_builder(
    subject: x509.Name,
    public_key: object,
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.CertificateBuilder:
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key),  # type: ignore[arg-type]
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski.value),
            critical=False,
        )
    )


def issue_seal_certificate(
    public_key: object,
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    *,
    authority: str = DEFAULT_AUTHORITY,
    seal_text: str = DEFAULT_SEAL_TEXT,
    days: int = 730,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    crl_url: str | None = DEV_CRL_URL,
) -> x509.Certificate:
    """Seal certificate for a public key (which may live in KMS).

    Key usage is digitalSignature + nonRepudiation (pyHanko requires the
    latter); the EKU lists document signing plus emailProtection because NSS
    (poppler's ``pdfsig``) validates PDF signers under the e-mail-signer usage.
    """
    start = not_before or (_now() - dt.timedelta(minutes=5))
    end = not_after or (start + dt.timedelta(days=days))
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, authority),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{authority} {seal_text}"),
        ]
    )
    builder = _leaf_builder(subject, public_key, ca_cert, ca_key, start, end)
    builder = builder.add_extension(
        x509.KeyUsage(
            digital_signature=True,
            content_commitment=True,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    ).add_extension(
        x509.ExtendedKeyUsage([DOCUMENT_SIGNING_EKU, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
        critical=False,
    )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    return builder.sign(ca_key, hashes.SHA256())


def issue_tsa_certificate(
    public_key: object,
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    *,
    days: int = 730,
) -> x509.Certificate:
    """Time-stamping authority certificate (critical timeStamping EKU)."""
    start = _now() - dt.timedelta(minutes=5)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UAP Development"),
            x509.NameAttribute(NameOID.COMMON_NAME, "UAP Dev TSA"),
        ]
    )
    builder = _leaf_builder(subject, public_key, ca_cert, ca_key, start, start + dt.timedelta(days=days))
    builder = builder.add_extension(
        x509.KeyUsage(
            digital_signature=True,
            content_commitment=True,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return builder.sign(ca_key, hashes.SHA256())


def issue_crl(
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    *,
    revoked_serials: tuple[int, ...] = (),
    days: int = 30,
) -> x509.CertificateRevocationList:
    """CRL signed by the CA; used as an offline revocation source for B-LT."""
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=days))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - dt.timedelta(minutes=1))
            .build()
        )
    return builder.sign(ca_key, hashes.SHA256())


def _pem_key(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class DevPki:
    """Paths of a dev PKI written by :func:`ensure_dev_pki`."""

    directory: Path
    ca_cert: Path
    ca_key: Path
    seal_key: Path
    seal_cert: Path
    chain: Path
    crl: Path
    created: bool


def _paths(outdir: Path, created: bool) -> DevPki:
    return DevPki(
        directory=outdir,
        ca_cert=outdir / CA_FILE,
        ca_key=outdir / CA_KEY_FILE,
        seal_key=outdir / SEAL_KEY_FILE,
        seal_cert=outdir / SEAL_CERT_FILE,
        chain=outdir / CHAIN_FILE,
        crl=outdir / CRL_FILE,
        created=created,
    )


def _write(path: Path, data: bytes, *, secret: bool = False) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    if secret:
        tmp.chmod(0o600)
    tmp.replace(path)


def ensure_dev_pki(
    outdir: str | Path,
    *,
    authority: str = DEFAULT_AUTHORITY,
    key_kind: str = "ec",
) -> DevPki:
    """Create the dev PKI in ``outdir`` unless it is already complete.

    Idempotent: existing files are never overwritten (a half-written folder is
    an error to fix by hand rather than something to paper over).
    """
    out = Path(outdir)
    paths = _paths(out, created=False)
    files = [paths.ca_cert, paths.ca_key, paths.seal_key, paths.seal_cert, paths.chain, paths.crl]
    present = [p for p in files if p.exists()]
    if len(present) == len(files):
        return paths
    if present:
        names = ", ".join(p.name for p in present)
        raise FileExistsError(f"{out} holds a partial dev PKI ({names}); remove it to regenerate")
    out.mkdir(parents=True, exist_ok=True)
    ca_key = new_key(key_kind)
    ca_cert = build_ca(ca_key)
    seal_key = new_key(key_kind)
    seal_cert = issue_seal_certificate(seal_key.public_key(), ca_cert, ca_key, authority=authority)
    crl = issue_crl(ca_cert, ca_key, days=365)
    _write(paths.ca_key, _pem_key(ca_key), secret=True)
    _write(paths.seal_key, _pem_key(seal_key), secret=True)
    _write(paths.ca_cert, _pem_cert(ca_cert))
    _write(paths.seal_cert, _pem_cert(seal_cert))
    _write(paths.chain, _pem_cert(seal_cert) + _pem_cert(ca_cert))
    _write(paths.crl, crl.public_bytes(serialization.Encoding.PEM))
    return _paths(out, created=True)


# --- one seal per issuing bureau (seed 003 二(七)) ------------------------------------------------

SEALS_DIR = "seals"
REGISTRY_FILE = "seal-registry.json"


@dataclass(frozen=True)
class BureauSeals:
    """Per-bureau dev seal keys under the dev CA, and the dev seal registry listing them."""

    keys: dict[str, Path]  # bureau code -> key PEM
    certificates: dict[str, Path]  # bureau code -> certificate PEM
    registry: Path


def ensure_bureau_seals(pki: DevPki, authorities: Sequence[tuple[str, str, str]], key_kind: str = "ec") -> BureauSeals:
    """A dev seal key and certificate per bureau ``(code, name, legal basis)``, certified by the
    dev CA in ``pki``, and ``seal-registry.json`` listing exactly those seals.

    Existing keys are kept (idempotent); the registry is rewritten from what is on disk, so adding
    a bureau adds its seal. Dev only: production keys live in KMS and the operator publishes the
    registry (signing/registry.py)."""
    from .registry import SealAuthority, registry_document

    ca_cert = x509.load_pem_x509_certificate(pki.ca_cert.read_bytes())
    ca_key = serialization.load_pem_private_key(pki.ca_key.read_bytes(), None)
    folder = pki.directory / SEALS_DIR
    folder.mkdir(exist_ok=True)
    keys: dict[str, Path] = {}
    certs: dict[str, Path] = {}
    entries = []
    for code, name, _ in authorities:
        key_path, cert_path = folder / f"{code}-key.pem", folder / f"{code}-cert.pem"
        if not (key_path.exists() and cert_path.exists()):
            key = new_key(key_kind)
            cert = issue_seal_certificate(key.public_key(), ca_cert, ca_key, authority=name)  # type: ignore[arg-type]
            _write(key_path, _pem_key(key), secret=True)
            _write(cert_path, _pem_cert(cert))
        keys[code], certs[code] = key_path, cert_path
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        entries.append((code, cert_path.read_bytes(), cert.not_valid_before_utc, None))
    document = registry_document(
        1,
        _now(),
        [SealAuthority(code, name, basis) for code, name, basis in authorities],
        entries,
        [("ca", pki.ca_cert.read_bytes())],  # offline verifiers anchor the seals' chain here
    )
    registry = pki.directory / REGISTRY_FILE
    _write(registry, json.dumps(document, ensure_ascii=False, indent=2).encode())
    return BureauSeals(keys, certs, registry)


def read_authorities(path: Path) -> list[tuple[str, str, str]]:
    """``{"authorities": [{"code", "name", "legal_basis"}, …]}`` (infra/seed/seal_authorities.json)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [(a["code"], a["name"], a["legal_basis"]) for a in doc["authorities"]]


def bureau_seal_env(seals: BureauSeals) -> dict[str, str]:
    """The ``UAP_SEAL_REGISTRY``/``UAP_SEAL_KEYS`` settings for dev bureau seals (local backend)."""
    return {
        "UAP_SEAL_REGISTRY": str(seals.registry),
        "UAP_SEAL_KEYS": json.dumps({code: str(path) for code, path in seals.keys.items()}),
    }
