"""Key backends: where the seal's private key lives.

A backend only knows how to produce a raw SHA-256 signature and which
certificate chain belongs to the key; the PDF/CMS work is shared (see
``signing._pyhanko_signer``). Backends never import pyHanko, so building one is
cheap at Lambda cold start.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

__all__ = [
    "KeyAlgorithm",
    "KeyBackend",
    "KeyMismatchError",
    "KmsKeyBackend",
    "LocalKeyBackend",
    "load_certificates",
]

KeyAlgorithm = Literal["rsa", "ec"]


class KeyMismatchError(ValueError):
    """The configured certificate does not belong to the signing key."""


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Parse one or more certificates from PEM (any number) or DER (one)."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _read_certs(paths: Sequence[str | Path]) -> list[x509.Certificate]:
    certs: list[x509.Certificate] = []
    for path in paths:
        certs.extend(load_certificates(Path(path).read_bytes()))
    return certs


def _algorithm_of(cert: x509.Certificate) -> KeyAlgorithm:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "rsa"
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ValueError(f"only ECDSA P-256 is supported, not {key.curve.name}")
        return "ec"
    raise ValueError(f"unsupported seal key type {type(key).__name__}")


def _spki(cert: x509.Certificate) -> bytes:
    return cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _drop_duplicates(cert: x509.Certificate, chain: Sequence[x509.Certificate]) -> tuple[x509.Certificate, ...]:
    seen = {cert.fingerprint(hashes.SHA256())}
    out = []
    for c in chain:
        fp = c.fingerprint(hashes.SHA256())
        if fp not in seen:
            seen.add(fp)
            out.append(c)
    return tuple(out)


class KeyBackend(ABC):
    """A seal key plus its certificate chain; signs with SHA-256 only."""

    @property
    @abstractmethod
    def certificate(self) -> x509.Certificate:
        """The seal (end-entity) certificate."""

    @property
    @abstractmethod
    def chain(self) -> tuple[x509.Certificate, ...]:
        """Issuer certificates (intermediates, optionally the root)."""

    @property
    def algorithm(self) -> KeyAlgorithm:
        """``rsa`` (PKCS#1 v1.5) or ``ec`` (ECDSA P-256), from the certificate."""
        return _algorithm_of(self.certificate)

    @property
    def signature_size(self) -> int:
        """Upper bound of a raw signature's length, for size estimation."""
        key = self.certificate.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            return (key.key_size + 7) // 8
        return 72  # DER ECDSA-Sig-Value for P-256

    @abstractmethod
    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` (hashing it with SHA-256 inside the backend)."""


@dataclass(frozen=True)
class _LocalMaterial:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


class LocalKeyBackend(KeyBackend):
    """PEM key + certificate files on disk, parsed once and kept in memory.

    pyHanko's ``SimpleSigner`` re-parses the key for every signature (~40 ms
    for RSA); holding the ``cryptography`` key object avoids that.
    """

    def __init__(
        self,
        key_path: str | Path,
        cert_path: str | Path | x509.Certificate,
        chain_paths: Sequence[str | Path] = (),
        *,
        password: bytes | None = None,
    ) -> None:
        self.key_path = Path(key_path)
        # A certificate object: the bureau's seal certificate as the seal registry lists it.
        self._given_cert = cert_path if isinstance(cert_path, x509.Certificate) else None
        self.cert_path = Path("<registry>") if isinstance(cert_path, x509.Certificate) else Path(cert_path)
        self.chain_paths = tuple(Path(p) for p in chain_paths)
        self._password = password
        self._material: _LocalMaterial | None = None
        self._lock = threading.Lock()

    def _load(self) -> _LocalMaterial:
        """Read and check the key files (called once per backend)."""
        key = serialization.load_pem_private_key(self.key_path.read_bytes(), password=self._password)
        if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
            raise ValueError(f"{self.key_path}: only RSA and EC P-256 keys are supported")
        certs = [self._given_cert] if self._given_cert is not None else load_certificates(self.cert_path.read_bytes())
        cert, extra = certs[0], certs[1:]
        chain = _drop_duplicates(cert, [*extra, *_read_certs(self.chain_paths)])
        key_spki = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if key_spki != _spki(cert):
            raise KeyMismatchError(f"{self.cert_path} does not certify the key in {self.key_path}")
        _algorithm_of(cert)
        return _LocalMaterial(key=key, certificate=cert, chain=chain)

    @property
    def material(self) -> _LocalMaterial:
        if self._material is None:
            with self._lock:
                if self._material is None:
                    self._material = self._load()
        return self._material

    @property
    def certificate(self) -> x509.Certificate:
        return self.material.certificate

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self.material.chain

    def sign(self, data: bytes) -> bytes:
        key = self.material.key
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return key.sign(data, ec.ECDSA(hashes.SHA256()))


_KMS_ALGORITHMS: dict[KeyAlgorithm, str] = {
    "rsa": "RSASSA_PKCS1_V1_5_SHA_256",
    "ec": "ECDSA_SHA_256",
}


class KmsKeyBackend(KeyBackend):
    """Seal key held in AWS KMS; certificate(s) come from PEM files or bytes.

    Signing sends the message itself (``MessageType='RAW'``): CMS signed
    attributes are a few hundred bytes, well under KMS's 4 KiB limit, and RAW
    is what both AWS and moto implement the same way.
    """

    def __init__(
        self,
        key_id: str,
        certificate: x509.Certificate | str | Path,
        chain: Sequence[x509.Certificate | str | Path] = (),
        *,
        client: Any = None,
        region_name: str | None = None,
        check_public_key: bool = True,
    ) -> None:
        self.key_id = key_id
        self._cert = (
            certificate
            if isinstance(certificate, x509.Certificate)
            else load_certificates(Path(certificate).read_bytes())[0]
        )
        resolved: list[x509.Certificate] = []
        for item in chain:
            if isinstance(item, x509.Certificate):
                resolved.append(item)
            else:
                resolved.extend(_read_certs([item]))
        self._chain = _drop_duplicates(self._cert, resolved)
        self._algorithm = _algorithm_of(self._cert)
        self._client = client
        self._region_name = region_name
        self._check_public_key = check_public_key
        self._checked = False
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        """boto3 KMS client, created on first use (boto3 import is slow)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3

                    self._client = boto3.client("kms", region_name=self._region_name)
        return self._client

    @property
    def certificate(self) -> x509.Certificate:
        return self._cert

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self._chain

    def verify_public_key(self) -> None:
        """Fail loudly if the certificate does not match the KMS key.

        A mismatch would otherwise yield PDFs whose seals never validate.
        """
        resp = self.client.get_public_key(KeyId=self.key_id)
        if bytes(resp["PublicKey"]) != _spki(self._cert):
            raise KeyMismatchError(f"certificate does not match KMS key {self.key_id}")
        if _KMS_ALGORITHMS[self._algorithm] not in resp.get("SigningAlgorithms", []):
            raise KeyMismatchError(f"KMS key {self.key_id} cannot sign with {_KMS_ALGORITHMS[self._algorithm]}")

    def sign(self, data: bytes) -> bytes:
        if self._check_public_key and not self._checked:
            self.verify_public_key()
            self._checked = True
        resp = self.client.sign(
            KeyId=self.key_id,
            Message=data,
            MessageType="RAW",
            SigningAlgorithm=_KMS_ALGORITHMS[self._algorithm],
        )
        return bytes(resp["Signature"])
