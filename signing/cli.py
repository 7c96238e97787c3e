"""``python -m signing``: verify, seal, devpki, install-font.

Exit codes of ``verify``: 0 PASSED, 1 INDETERMINATE, 2 FAILED; every command
uses 3 for usage or configuration errors (argparse's own 2 would collide with
FAILED).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

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


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m signing", description="Approval seal tools (行政审批专用章)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    verify = sub.add_parser("verify", help="verify the seal on a PDF")
    verify.add_argument("file")
    verify.add_argument(
        "--trust", action="append", required=True, metavar="CA.pem", help="trusted root certificate (repeatable)"
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
    verify.set_defaults(func=_cmd_verify)

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
    args = _parser().parse_args(argv)
    code: int = args.func(args)
    return code
