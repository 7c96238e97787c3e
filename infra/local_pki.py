"""The local stage's PKI service: certomancer builds it, its animator serves TSA, OCSP and CRLs.

Issue 13 point 6: local certificates are sealed at PAdES B-LT (validation data embedded) and
then time-stamped again (B-LTA), which needs a time-stamping authority and revocation services
the sealer can reach. certomancer (PyPI, a dev dependency) reads ``infra/pki/certomancer.yml``
and serves them; this module adds one seal certificate per issuing bureau
(``infra/seed/seal_authorities.json``), generates the keys once into the data folder, exports
the files the rest of the stack reads (``ca.pem``, ``seals/<code>-key.pem``/``-cert.pem``,
``seal-registry.json``, the default ``seal-key.pem``/``seal-cert.pem``) and runs the animator.

    python -m infra.local_pki ensure --data .local/pki    # keys, certificates, registry; print paths
    python -m infra.local_pki serve --data .local/pki     # the animator (TSA, OCSP, CRL) until Ctrl-C

The animator's address is written into the certificates (CRL and OCSP URLs), so it is fixed
when the PKI is first made (``animator.url`` in the data folder) and reused afterwards.
Nothing here runs in Lambda: production uses the authority's CA, TSA and responders.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "infra" / "pki" / "certomancer.yml"
SEAL_AUTHORITIES = ROOT / "infra" / "seed" / "seal_authorities.json"
ARCH = "uap-local"
DEFAULT_PORT = 8002
URL_FILE = "animator.url"
#: The seal ``UAP_SEAL_KEY``/``UAP_SEAL_CERT`` name (documents not issued by a registered bureau).
DEFAULT_SEAL = "default-seal"
DEFAULT_AUTHORITY = "XX市行政审批局"
SEAL_TEXT = "行政审批专用章"

__all__ = ["ARCH", "LocalPki", "PkiServer", "ensure_local_pki", "existing_pki", "serve_in_thread"]


@dataclass(frozen=True)
class LocalPki:
    """Paths and URLs of a local PKI made by :func:`ensure_local_pki`."""

    directory: Path
    url: str  # the animator's base URL, e.g. http://127.0.0.1:8002
    ca_cert: Path
    tsa_cert: Path
    seal_key: Path
    seal_cert: Path
    chain: Path
    registry: Path
    seal_keys: dict[str, Path]  # bureau code -> key PEM
    seal_certs: dict[str, Path]  # bureau code -> certificate PEM
    authorities: tuple[tuple[str, str, str], ...]

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    @property
    def next_tsa_url(self) -> str:
        """A second TSA whose certificate outlives the first's (a TSA rotation, for re-time-stamping)."""
        return f"{self.url}/{ARCH}/tsa/tsa-next"

    @property
    def ocsp_url(self) -> str:
        return f"{self.url}/{ARCH}/ocsp/root-ocsp"

    @property
    def crl_url(self) -> str:
        return f"{self.url}/{ARCH}/crls/root/latest.crl"

    def seal_env(self) -> dict[str, str]:
        """``UAP_SEAL_*`` for sealing at B-LTA against this PKI (local backend, one key per bureau).

        B-T: the animator's TSA; B-LT: revocation data fetched from the OCSP/CRL URLs in the
        certificates (the animator again) and embedded; B-LTA: a document time-stamp after it.
        """
        return {
            "UAP_SEAL_BACKEND": "local",
            "UAP_SEAL_KEY": str(self.seal_key),
            "UAP_SEAL_CERT": str(self.seal_cert),
            "UAP_SEAL_CHAIN": str(self.ca_cert),
            "UAP_SEAL_TRUST_ROOTS": str(self.ca_cert),
            "UAP_SEAL_REGISTRY": str(self.registry),
            "UAP_SEAL_KEYS": json.dumps({code: str(path) for code, path in self.seal_keys.items()}),
            "UAP_SEAL_TSA_URL": self.tsa_url,
            "UAP_SEAL_REVOCATION_FETCH": "1",
            "UAP_SEAL_DOC_TIMESTAMP": "1",
        }


def read_authorities(path: Path = SEAL_AUTHORITIES) -> list[tuple[str, str, str]]:
    """``(code, name, legal basis)`` of every bureau that seals."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [(a["code"], a["name"], a["legal_basis"]) for a in doc["authorities"]]


def _write(path: Path, data: bytes, *, secret: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    if secret:
        tmp.chmod(0o600)
    tmp.replace(path)


def _ensure_key(path: Path, kind: str) -> None:
    """A new private key at ``path`` unless one is there (keys are never replaced)."""
    if path.exists():
        return
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if kind == "rsa"
        else ec.generate_private_key(ec.SECP256R1())
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    _write(path, pem, secret=True)


def config_dict(url: str, authorities: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """The certomancer configuration: ``infra/pki/certomancer.yml`` plus a seal per bureau."""
    import yaml

    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    template = config.pop("uap-seal-template")
    config["external-url-prefix"] = url
    keys = config["keysets"][ARCH]["keys"]
    arch = config["pki-architectures"][ARCH]
    for code, name in [(DEFAULT_SEAL, DEFAULT_AUTHORITY), *((c, n) for c, n, _ in authorities)]:
        keys[code] = {"path": f"seals/{code}-key.pem"}
        arch["entities"][code] = {"organization-name": name, "common-name": f"{name} {SEAL_TEXT}"}
        arch["certs"][code] = {"subject": code, "issuer": "root", **copy.deepcopy(template)}
    return config


def _load(directory: Path, url: str, authorities: Sequence[tuple[str, str, str]]) -> Any:
    from certomancer.registry import CertomancerConfig

    return CertomancerConfig(config_dict(url, authorities), key_search_dir=str(directory))


def _stored_url(directory: Path, url: str | None) -> str:
    stored = directory / URL_FILE
    if stored.exists():
        return stored.read_text(encoding="utf-8").strip()
    chosen = url or f"http://127.0.0.1:{DEFAULT_PORT}"
    _write(stored, f"{chosen}\n".encode())
    return chosen


def ensure_local_pki(
    directory: str | Path,
    authorities: Sequence[tuple[str, str, str]] | None = None,
    *,
    url: str | None = None,
) -> LocalPki:
    """Keys (made once), certificates and the seal registry in ``directory``; idempotent.

    ``url`` is the animator's address for a new PKI (default ``http://127.0.0.1:8002``); an
    existing PKI keeps the address its certificates carry. Re-running rewrites the exported
    certificates from certomancer (byte-identical while keys and config are unchanged) and the
    registry from them, so adding a bureau to ``seal_authorities.json`` adds its seal.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from signing.registry import SealAuthority, registry_document

    folder = Path(directory).resolve()
    if (folder / "ca.pem").exists() and not (folder / "keys" / "root-key.pem").exists():
        # A PKI of the hand-written dev CA (before certomancer): kept aside, not mixed with the new one.
        aside = folder.with_name(f"{folder.name}-devpki-{int(folder.stat().st_mtime)}")
        folder.rename(aside)
        print(f"[local-pki] moved the old dev PKI to {aside}; certificates it sealed no longer verify", file=sys.stderr)
    folder.mkdir(parents=True, exist_ok=True)
    bureaus = tuple(read_authorities() if authorities is None else authorities)
    base = _stored_url(folder, url)
    _ensure_key(folder / "keys" / "root-key.pem", "rsa")  # RSA: deterministic certificate signatures
    _ensure_key(folder / "keys" / "tsa-key.pem", "rsa")
    _ensure_key(folder / "keys" / "tsa-next-key.pem", "rsa")
    _ensure_key(folder / "keys" / "ocsp-key.pem", "ec")
    for code in [DEFAULT_SEAL, *(c for c, _, _ in bureaus)]:
        _ensure_key(folder / "seals" / f"{code}-key.pem", "ec")
    arch = _load(folder, base, bureaus).get_pki_arch(ARCH)

    def export(label: str, path: Path) -> x509.Certificate:
        cert = x509.load_der_x509_certificate(arch.get_cert(label).dump())
        pem = cert.public_bytes(Encoding.PEM)
        if not path.exists() or path.read_bytes() != pem:
            _write(path, pem)
        return cert

    ca = export("root", folder / "ca.pem")
    tsa = export("tsa", folder / "tsa.pem")
    default = export(DEFAULT_SEAL, folder / "seal-cert.pem")
    chain = folder / "seal-chain.pem"
    _write(chain, default.public_bytes(Encoding.PEM) + ca.public_bytes(Encoding.PEM))
    default_key = folder / "seal-key.pem"
    _write(default_key, (folder / "seals" / f"{DEFAULT_SEAL}-key.pem").read_bytes(), secret=True)
    keys: dict[str, Path] = {}
    certs: dict[str, Path] = {}
    entries = []
    for code, _, _ in bureaus:
        keys[code] = folder / "seals" / f"{code}-key.pem"
        certs[code] = folder / "seals" / f"{code}-cert.pem"
        cert = export(code, certs[code])
        entries.append((code, cert.public_bytes(Encoding.PEM), cert.not_valid_before_utc, None))
    registry = folder / "seal-registry.json"
    # The CA that certified the seals and the TSA: offline verifiers anchor at the registry alone.
    anchors = [("ca", ca.public_bytes(Encoding.PEM)), ("tsa", tsa.public_bytes(Encoding.PEM))]
    document = registry_document(
        1, ca.not_valid_before_utc, [SealAuthority(c, n, b) for c, n, b in bureaus], entries, anchors
    )
    text = json.dumps(document, ensure_ascii=False, indent=2).encode()
    if not registry.exists() or registry.read_bytes() != text:
        _write(registry, text)
    return LocalPki(
        directory=folder,
        url=base,
        ca_cert=folder / "ca.pem",
        tsa_cert=folder / "tsa.pem",
        seal_key=default_key,
        seal_cert=folder / "seal-cert.pem",
        chain=chain,
        registry=registry,
        seal_keys=keys,
        seal_certs=certs,
        authorities=bureaus,
    )


def _ocsp_get_as_post(app: Any) -> Any:
    """RFC 6960 A.1 ``GET <responder>/<base64 request>`` turned into the POST certomancer serves.

    NSS (poppler's ``pdfsig``) asks OCSP responders with GET; certomancer 0.16 routes only POST.
    NSS also refuses OCSP times with fractional seconds, which certomancer writes (it answers
    "at" the current time to the microsecond), so the time is given to it in whole seconds
    through its time-override header. Without these, ``pdfsig`` reports "Unknown issue with
    Certificate" for every seal.
    """
    import base64
    import datetime as dt
    import io
    from urllib.parse import unquote

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        environ = dict(environ)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        environ.setdefault("HTTP_X_CERTOMANCER_FAKE_TIME", now.isoformat())
        path = environ.get("PATH_INFO", "")
        parts = path.split("/", 4)  # "", arch, "ocsp", label, request
        if environ.get("REQUEST_METHOD") == "GET" and len(parts) == 5 and parts[2] == "ocsp" and parts[4]:
            try:
                body = base64.b64decode(unquote(parts[4]), validate=False)
            except ValueError:
                body = b""
            environ = {
                **environ,
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/".join(parts[:4]),
                "CONTENT_TYPE": "application/ocsp-request",
                "CONTENT_LENGTH": str(len(body)),
                "wsgi.input": io.BytesIO(body),
            }
        return app(environ, start_response)

    return wsgi


def existing_pki(directory: str | Path, authorities: Sequence[tuple[str, str, str]] | None = None) -> LocalPki:
    """The paths and URLs of a PKI :func:`ensure_local_pki` made, without rebuilding it (no
    certomancer: what the local stack's environment needs, read in milliseconds)."""
    folder = Path(directory).resolve()
    url_file = folder / URL_FILE
    if not url_file.exists():
        raise FileNotFoundError(f"no local PKI in {folder}: run `python -m infra.local_pki ensure --data {folder}`")
    bureaus = tuple(read_authorities() if authorities is None else authorities)
    return LocalPki(
        directory=folder,
        url=url_file.read_text(encoding="utf-8").strip(),
        ca_cert=folder / "ca.pem",
        tsa_cert=folder / "tsa.pem",
        seal_key=folder / "seal-key.pem",
        seal_cert=folder / "seal-cert.pem",
        chain=folder / "seal-chain.pem",
        registry=folder / "seal-registry.json",
        seal_keys={code: folder / "seals" / f"{code}-key.pem" for code, _, _ in bureaus},
        seal_certs={code: folder / "seals" / f"{code}-cert.pem" for code, _, _ in bureaus},
        authorities=bureaus,
    )


def animator(pki: LocalPki) -> Any:
    """certomancer's animator (a WSGI app) for ``pki``: TSA, OCSP, CRLs and the certificates."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore

    config = _load(pki.directory, pki.url, pki.authorities)
    return _ocsp_get_as_post(Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False))


class PkiServer:
    """The animator on a werkzeug server in a daemon thread (tests, benches); ``stop()`` ends it."""

    def __init__(self, pki: LocalPki) -> None:
        import logging
        from urllib.parse import urlsplit

        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        where = urlsplit(pki.url)
        self.pki = pki
        self._server = make_server(where.hostname or "127.0.0.1", where.port or 80, animator(pki), threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="certomancer-animator")
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve_in_thread(pki: LocalPki) -> PkiServer:
    return PkiServer(pki)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local_pki", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["ensure", "serve"])
    parser.add_argument("--data", type=Path, default=ROOT / ".local" / "pki", help="default: .local/pki")
    parser.add_argument("--bureaus", type=Path, default=SEAL_AUTHORITIES, help="seal_authorities.json")
    parser.add_argument("--url", default=None, help=f"animator URL of a new PKI (default port {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    bureaus = read_authorities(args.bureaus)
    if args.command == "serve" and (args.data / URL_FILE).exists():
        pki = existing_pki(args.data, bureaus)  # made by the bootstrap: the animator builds it once
    else:
        pki = ensure_local_pki(args.data, bureaus, url=args.url)
    if args.command == "ensure":
        print(json.dumps({"directory": str(pki.directory), "url": pki.url, "tsa": pki.tsa_url}))
        return 0
    import logging
    from urllib.parse import urlsplit

    from werkzeug.serving import run_simple

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not one line per OCSP/TSA request
    where = urlsplit(pki.url)
    print(f"[local-pki] certomancer animator at {pki.url} (TSA {pki.tsa_url})", file=sys.stderr, flush=True)
    os.environ.setdefault("WERKZEUG_RUN_MAIN", "")
    run_simple(where.hostname or "127.0.0.1", where.port or 80, animator(pki), threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
