"""``python -m signing``: verify, verify-qr, fetch-kit, seal, devpki, install-font.

Exit codes of ``verify`` and ``verify-qr``: 0 PASSED, 1 INDETERMINATE, 2 FAILED; every command
uses 3 for usage or configuration errors (argparse's own 2 would collide with
FAILED). ``verify --offline`` and ``verify-qr`` check the certificate's status against a
downloaded status list and seal registry (``fetch-kit``) without any network request.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

__all__ = ["EXIT_USAGE", "main"]

EXIT_PASSED, EXIT_INDETERMINATE, EXIT_FAILED, EXIT_USAGE = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _cmd_verify(args: argparse.Namespace) -> int:
    from .report import Indication
    from .verify import load_trust_roots, verify_pdf

    if args.offline:
        return _cmd_verify_offline(args)
    if not args.trust:
        return _usage_error("--trust is required (or --offline with --seal-registry)")
    try:
        pdf = Path(args.file).read_bytes()
        roots = load_trust_roots(Path(p).read_bytes() for p in args.trust)
    except (OSError, ValueError) as exc:
        return _usage_error(str(exc))
    registry = None
    if args.registry:
        from .registry import RegistryError, load_registry

        try:
            registry = load_registry(Path(args.registry).read_bytes())
        except (OSError, RegistryError) as exc:
            return _usage_error(f"seal registry {args.registry}: {exc}")
    report = verify_pdf(pdf, roots, expected_signer_fingerprint=args.expect_fingerprint, max_bytes=args.max_bytes)
    if registry is not None or args.authority:
        from .registry import pin_registered_seal

        # Without --registry but with --authority the registry is missing: INDETERMINATE, said so.
        report = pin_registered_seal(report, registry, args.authority)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.to_text())
    return {
        Indication.PASSED: EXIT_PASSED,
        Indication.INDETERMINATE: EXIT_INDETERMINATE,
        Indication.FAILED: EXIT_FAILED,
    }[report.indication]


_EXIT = {"PASSED": EXIT_PASSED, "INDETERMINATE": EXIT_INDETERMINATE, "FAILED": EXIT_FAILED}


def _offline_inputs(args: argparse.Namespace) -> tuple[Any, list[Any], dt.datetime] | str:
    """The seal registry, every status list checked, and the evaluation time; or a usage error."""
    from .registry import RegistryError, load_registry
    from .status_list import verify_status_list

    if not args.seal_registry:
        return "--seal-registry is required offline (download it with fetch-kit)"
    try:
        registry = load_registry(Path(args.seal_registry).read_bytes())
        now = dt.datetime.fromisoformat(args.at) if args.at else dt.datetime.now(dt.UTC)
        if now.tzinfo is None:
            return "--at needs a time zone"
        lists = [verify_status_list(Path(p).read_text(), registry, now) for p in args.status_list or ()]
    except (OSError, ValueError) as exc:
        return f"{exc}" if not isinstance(exc, RegistryError) else f"seal registry {args.seal_registry}: {exc}"
    return registry, lists, now


def _payload_of_pdf(pdf: bytes) -> str | None:
    """The signed offline payload the certificate's PDF carries (its Keywords, signed by the seal)."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        info = PdfFileReader(io.BytesIO(pdf), strict=False).trailer_view.get("/Info")
        keywords = str(info.get_object().get("/Keywords", "")) if info is not None else ""
    except Exception:  # a broken file: verify_pdf reports it
        return None
    prefix = "uap-offline-payload:"
    return keywords[len(prefix) :] if keywords.startswith(prefix) else None


def _print(args: argparse.Namespace, parts: dict[str, Any], texts: list[str]) -> None:
    if args.json:
        print(json.dumps(parts, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(texts))


def _cmd_verify_offline(args: argparse.Namespace) -> int:
    """The seal (pinned to the registered seal of the bureau the payload names) and the status."""
    from .offline import offline_verdict, verify_qr_payload
    from .registry import pin_registered_seal
    from .report import Indication
    from .verify import load_trust_roots, verify_pdf

    inputs = _offline_inputs(args)
    if isinstance(inputs, str):
        return _usage_error(inputs)
    registry, lists, now = inputs
    try:
        pdf = Path(args.file).read_bytes()
        # Without --trust the registry is the only source of anchors: its registered seal
        # certificates and the CA/TSA certificates it publishes (never anything the PDF embeds).
        roots = (
            load_trust_roots(Path(p).read_bytes() for p in args.trust)
            if args.trust
            else [s.certificate for s in registry.seals] + [a.certificate for a in registry.trust_anchors]
        )
    except (OSError, ValueError) as exc:
        return _usage_error(str(exc))
    payload = args.payload or _payload_of_pdf(pdf) or ""
    qr = verify_qr_payload(payload, registry)
    authority = args.authority or (qr.claims.authority if qr.claims is not None else None)
    report = verify_pdf(pdf, roots, expected_signer_fingerprint=args.expect_fingerprint, max_bytes=args.max_bytes)
    report = pin_registered_seal(report, registry, authority)
    verdict = offline_verdict(qr, lists, now.date(), now)
    worst = max((report.indication, verdict.indication), key=list(Indication).index)
    parts = {"indication": worst.value, "seal": report.to_dict(), "offline": verdict.to_dict()}
    _print(args, parts, [report.to_text(), verdict.to_text(), f"overall: {worst.value}"])
    return _EXIT[worst.value]


def _cmd_verify_qr(args: argparse.Namespace) -> int:
    from .offline import offline_verdict, verify_qr_payload

    inputs = _offline_inputs(args)
    if isinstance(inputs, str):
        return _usage_error(inputs)
    registry, lists, now = inputs
    payload = args.payload if args.payload != "-" else sys.stdin.read()
    verdict = offline_verdict(verify_qr_payload(payload, registry), lists, now.date(), now)
    _print(args, verdict.to_dict(), [verdict.to_text()])
    return _EXIT[verdict.indication.value]


def _cmd_fetch_kit(args: argparse.Namespace) -> int:
    """Download the seal registry export and every bureau's status list, check them, save them."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from .registry import RegistryError, load_registry
    from .status_list import verify_status_list

    base = args.url.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
        return _usage_error("--url must be an http(s) URL")
    out = Path(args.out)

    def get(path: str) -> bytes | None:
        try:
            with urllib.request.urlopen(f"{base}{path}", timeout=args.timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    try:
        raw = get("/seal-registry")
        if raw is None:
            return _usage_error(f"{base}/seal-registry: not found")
        registry = load_registry(raw)
        out.mkdir(parents=True, exist_ok=True)
        (out / "seal-registry.json").write_bytes(raw)
        print(f"seal registry v{registry.version} -> {out / 'seal-registry.json'}")
        now = dt.datetime.now(dt.UTC)
        for code in sorted(registry.authorities):
            token = get(f"/status-lists/{urllib.parse.quote(code)}")
            if token is None:
                print(f"{code}: no status list published")
                continue
            check = verify_status_list(token.decode(), registry, now, authority=code)
            if not check.trusted:
                print(f"{code}: status list refused ({check.code}), not saved", file=sys.stderr)
                continue
            path = out / f"status-list-{code}.jws"
            path.write_bytes(token)
            f = check.freshness(now)
            assert check.status_list is not None
            print(
                f"{code}: {len(check.status_list.entries)} listed, issued {f['issued_at']}, "
                f"next update {f['next_update']} -> {path}"
            )
    except (OSError, RegistryError, ValueError) as exc:
        return _usage_error(f"fetch-kit: {exc}")
    return 0


def _cmd_devpki(args: argparse.Namespace) -> int:
    from .devpki import ensure_dev_pki

    try:
        pki = ensure_dev_pki(args.outdir, authority=args.authority, key_kind=args.key_type)
        bureaus = None
        if args.bureaus:
            from .devpki import ensure_bureau_seals, read_authorities

            bureaus = ensure_bureau_seals(pki, read_authorities(Path(args.bureaus)), key_kind=args.key_type)
    except (OSError, ValueError, KeyError) as exc:
        return _usage_error(str(exc))
    state = "created" if pki.created else "already present"
    print(
        f"dev PKI {state} in {pki.directory}: {pki.ca_cert.name}, {pki.seal_key.name}, "
        f"{pki.seal_cert.name}, {pki.chain.name}, {pki.crl.name}"
        + (f"; bureau seals {', '.join(bureaus.keys)} and {bureaus.registry.name}" if bureaus else "")
    )
    return 0


def _cmd_seal(args: argparse.Namespace) -> int:
    from .font import FontNotFoundError
    from .keys import LocalKeyBackend
    from .seal import SealAppearance, Sealer, SealingError

    try:
        backend = LocalKeyBackend(args.key, args.cert, args.chain or ())
        backend.certificate  # noqa: B018 - load now to report bad key files as usage errors
        sealer = Sealer(backend, timestamp_url=args.tsa, font_path=args.font)
        appearance = SealAppearance(
            authority_name=args.authority,
            page=args.page,
            box=tuple(args.box),  # type: ignore[arg-type]
        )
        data = Path(args.input).read_bytes()
    except (OSError, ValueError, FontNotFoundError) as exc:
        return _usage_error(str(exc))
    try:
        sealed = sealer.seal(data, appearance)
    except SealingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    Path(args.output).write_bytes(sealed)
    print(f"sealed ({sealer.level}) -> {args.output}")
    return 0


def _cmd_install_font(args: argparse.Namespace) -> int:
    from .font import FontNotFoundError, install_font

    try:
        dest = install_font(args.source)
    except (OSError, ValueError, FontNotFoundError) as exc:
        return _usage_error(str(exc))
    print(f"seal font installed at {dest} ({dest.stat().st_size} bytes)")
    return 0


def _offline_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seal-registry", metavar="REGISTRY.json", help="the downloaded seal registry export")
    parser.add_argument(
        "--status-list", action="append", metavar="LIST.jws", help="a downloaded status list (repeatable)"
    )
    parser.add_argument("--at", metavar="ISO-TIME", help="judge freshness at this time (default: now)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m signing", description="Approval seal tools (行政审批专用章)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    verify = sub.add_parser("verify", help="verify the seal on a PDF")
    verify.add_argument("file")
    verify.add_argument(
        "--trust", action="append", metavar="CA.pem", help="trusted root certificate (repeatable; required online)"
    )
    verify.add_argument("--expect-fingerprint", metavar="SHA256", help="require this seal certificate (SHA-256 hex)")
    verify.add_argument(
        "--registry", metavar="REGISTRY.json", help="seal registry: the signer must be a registered bureau seal"
    )
    verify.add_argument(
        "--authority", metavar="CODE", help="the issuing bureau the certificate names (its registered seal is required)"
    )
    verify.add_argument("--max-bytes", type=int, default=20 * 1024 * 1024)
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument(
        "--offline", action="store_true", help="also check the status offline (--seal-registry, --status-list)"
    )
    verify.add_argument("--payload", help="offline: the scanned QR text (default: the payload the PDF carries)")
    _offline_arguments(verify)
    verify.set_defaults(func=_cmd_verify)

    verify_qr = sub.add_parser("verify-qr", help="verify a scanned QR payload offline")
    verify_qr.add_argument("--payload", required=True, help="the scanned QR text (URL#payload), or - for stdin")
    verify_qr.add_argument("--json", action="store_true", help="print the verdict as JSON")
    _offline_arguments(verify_qr)
    verify_qr.set_defaults(func=_cmd_verify_qr)

    fetch = sub.add_parser("fetch-kit", help="download the seal registry and the status lists")
    fetch.add_argument("--url", required=True, help="the platform's base URL, e.g. https://uap.example.cn")
    fetch.add_argument("--out", default="offline-kit", help="folder to save them in (default offline-kit)")
    fetch.add_argument("--timeout", type=float, default=30.0)
    fetch.set_defaults(func=_cmd_fetch_kit)

    devpki = sub.add_parser("devpki", help="create a development CA and seal certificate")
    devpki.add_argument("outdir")
    devpki.add_argument("--authority", default="XX市行政审批局")
    devpki.add_argument("--key-type", choices=("ec", "rsa"), default="ec")
    devpki.add_argument(
        "--bureaus", metavar="AUTHORITIES.json", help="also a seal key per bureau and the dev seal registry"
    )
    devpki.set_defaults(func=_cmd_devpki)

    seal = sub.add_parser("seal", help="seal a PDF with a local key")
    seal.add_argument("input")
    seal.add_argument("output")
    seal.add_argument("--key", required=True)
    seal.add_argument("--cert", required=True)
    seal.add_argument("--chain", action="append")
    seal.add_argument("--authority", default="XX市行政审批局")
    seal.add_argument("--page", type=int, default=0)
    seal.add_argument("--box", type=int, nargs=4, default=[415, 40, 555, 180], metavar=("X1", "Y1", "X2", "Y2"))
    seal.add_argument("--tsa", help="RFC 3161 timestamp authority URL (PAdES B-T)")
    seal.add_argument("--font", help="CJK font file (default: UAP_SEAL_FONT or search list)")
    seal.set_defaults(func=_cmd_seal)

    font = sub.add_parser("install-font", help="copy the CJK seal font into signing/fonts/")
    font.add_argument("source", nargs="?")
    font.set_defaults(func=_cmd_install_font)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import logging

    if not logging.getLogger().handlers:
        # pyHanko logs chain-building failures with their tracebacks; the report already states
        # them as codes, so an expected verdict must not print tracebacks via logging.lastResort.
        logging.getLogger("pyhanko").addHandler(logging.NullHandler())
    args = _parser().parse_args(argv)
    code: int = args.func(args)
    return code
