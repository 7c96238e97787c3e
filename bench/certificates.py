"""Issuing a certificate (render + seal + store) against bare pyHanko signing; verifying it against bare validation.

One run, one dev PKI (in a temp dir), one key: `LocalKeyBackend` for the seal, and a pyHanko
`SimpleSigner` loaded once from the same key and certificate for the floor. Every repetition
measures, in a rotating order:

- `bare_sign` (floor): `signers.sign_pdf` of the rendered certificate with the SimpleSigner, PAdES
  subfilter, certifying with DocMDP "no changes" like the seal, SHA-256, invisible field, no stamp,
  and `bytes_reserved` = the room the seal reserves (`Sealer.reserved_bytes`, which is pyHanko's own
  estimate made once per sealer): the seal no longer builds pyHanko's dry-run CMS before every
  signature, so the floor does not either (with it, the floor would be ~2x slower and flatter us);
- `bare_sign_estimating` (informational): the same with pyHanko's default, a dry-run CMS per
  signature to size the room (the floor before issue 14 point 4's last step);
- `bare_sign_spliced` (informational): the floor's `sign_pdf` again, but its CMS container spliced
  from per-signer constant DER as the seal's is (`signing.cms_template`, through the seal's own
  `BackendSigner` on the same key): what issuing would be against if bare pyHanko did that too.
  The floor itself builds its CMS with pyHanko, as any bare pyHanko signing does;
- `issue`: `render_certificate` (its QR code carrying the payload signed by the seal key, issue 13)
  + the issuing bureau's sealer from the seal registry
  (`signing.config.sealer_for`, cached per process, as issuance does) + `Sealer.seal`
  (SealAppearance on SEAL_BOX) + `LocalBlobStore.put`;
- `seal`: `Sealer.seal` of the same rendered PDF only (the stamp's and the wrapper's cost);
- `render`, `store`: each part alone (informational);
- `bare_validate` (floor): `PdfFileReader` + `validate_pdf_signature` with a fresh `ValidationContext`
  trusting the dev CA, no fetching;
- `verify`: `signing.verify_pdf(sealed, [ca.pem])` of the same sealed PDF, pinned to the bureau's
  registered seal (`signing.registry.pin_registered_seal`), as every verification path does.

Verification is offline and CPU-only, so its target ratio is taken in **CPU time**
(`measure_cpu`: `time.process_time` of 3 calls per sample, 4x the rounds, the two jobs alternating):
on the shared 2-core machine wall time also counts the moments the process waits for a core,
which land on either side at random (one run read 1.14x in wall time and 1.05x in CPU time, the
next ones 0.93-1.15x against 0.93-0.99x). The wall-time rows stay printed for reference.

The same again at **B-LT** (issue 13 point 6) against a local PKI service (certomancer's animator,
`infra/local_pki.py`, on a free local port, in this process): the seal asks the animator's TSA for
the signature time-stamp and its OCSP responder for the seal's and the TSA's revocation data, and
embeds them. The floors do the same work with bare pyHanko: `lt_bare_sign` is `sign_pdf` with the
same key, an `HTTPTimeStamper` on the same TSA URL and `embed_validation_info` with a validation
context fetching from the same animator (requests fetcher, as the seal's); `lt_bare_validate` is
`validate_pdf_signature` with the validation context read from the file's DSS, no fetching.
**Both sides of the B-LT issuing ratio include the network round trips to the local TSA and OCSP
responder** (a time-stamp and two OCSP requests each, ~1-3 ms each on loopback), so the ratio is
diluted by them exactly as it would be in production with a real TSA; verification is offline on
both sides.

Targets (issue 14 point 4): issue <= 1.2x bare signing, verify <= 1.05x bare validation, at B-B and
at B-LT; each is printed as met or NOT met. `--profile K` then runs cProfile over K issues (B-B).

    python -m bench.certificates [--quick] [-n 15] [--profile K] [--no-lt]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import count
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

from bench._common import Figure, Stats, machine, ms, print_figures, row

ISSUE_TARGET = 1.2
VERIFY_TARGET = 1.05
AUTHORITY = "舟山市行政审批局"
BUREAU = "city-bureau"  # the issuing bureau whose registered seal issuance uses


def sample_view() -> Any:
    """A realistic planning permit with three application details."""
    from chalicelib.rendering import CertificateView

    return CertificateView(
        title="建设工程规划许可证",
        number="ZS-ZRZY-2026-000001",
        holder_name="舟山市海天建设开发有限公司",
        holder_identifier="91330900MA2A1B2C3D",
        item_name="建设工程规划许可证核发",
        authority_name=AUTHORITY,
        issued_on=date(2026, 11, 22),
        valid_until=date(2031, 11, 21),
        details=(
            ("建设项目名称", "舟山市新城商务中心二期工程"),
            ("建设位置", "舟山市定海区临城街道新城大道与海天大道交叉口东北侧，地块编号 DH-2025-017"),
            ("建设规模", "总建筑面积 86,500 平方米，其中地上 62,300 平方米、地下 24,200 平方米；建筑高度 99.8 米。"),
        ),
        verification_url="https://zwfw.zhoushan.gov.cn/zzhy/v/ZS-ZRZY-2026-000001?c=7KQ2-M9XD",
        verification_code="7KQ2-M9XD",
    )


@dataclass
class Rig:
    """Everything built once: the same key for the seal and the floor, the same PDFs."""

    view: Any
    pdf: bytes
    sealed: bytes
    sealer: Any
    registry: Any
    seal_env: dict[str, str]
    appearance: Any
    simple_signer: Any
    store: Any
    ca_pem: bytes
    ca_asn1: Any
    keys: Any
    level: str = "B-B"
    timestamper: Any = None  # the floor's HTTPTimeStamper (B-LT), kept like the sealer keeps its own
    #: The signature room the seal reserves (`Sealer.reserved_bytes`, sized once per sealer): the
    #: floor reserves the same, so neither side builds pyHanko's per-signature dry-run CMS.
    reserved: int = 0
    #: The seal's pyHanko signer class on the same key (CMS spliced), for `bare_sign_spliced`.
    spliced_signer: Any = None

    def render(self) -> bytes:
        """As issuance renders: the QR code carries the payload signed by the bureau's seal key
        (issue 13 point 7; `chalicelib.services.offline_kit.qr_payload`), signed per certificate."""
        import time
        from dataclasses import replace
        from datetime import UTC, datetime

        from chalicelib.rendering import render_certificate
        from signing.config import sealer_for
        from signing.offline import QrClaims, sign_qr_payload

        v = self.view
        backend = sealer_for(BUREAU, self.registry, datetime.now(UTC), self.seal_env).backend
        claims = QrClaims(
            licence=v.number,
            holder="舟山市海天**********公司",
            type_code="JSGHXK",
            type_name=v.title,
            issued_on=v.issued_on.isoformat(),
            valid_until=v.valid_until.isoformat() if v.valid_until else None,
            authority=BUREAU,
            status="valid",
            signed_at=int(time.time()),
        )
        return render_certificate(replace(v, qr_payload=sign_qr_payload(backend, claims)))

    def seal(self, pdf: bytes) -> bytes:
        from datetime import UTC, datetime

        from signing.config import sealer_for

        sealer = sealer_for(BUREAU, self.registry, datetime.now(UTC), self.seal_env)
        return bytes(sealer.seal(pdf, self.appearance, location="舟山市"))

    def store_put(self, data: bytes) -> None:
        self.store.put(f"certificates/bench/cert-{next(self.keys):06d}.pdf", data, "application/pdf")

    def issue(self) -> None:
        self.store_put(self.seal(self.render()))

    def bare_sign(self, *, estimate: bool = False, spliced: bool = False) -> bytes:
        """The floor: bare pyHanko signing with the room the seal reserves; ``estimate``: pyHanko's
        default instead, a dry-run CMS per signature to size the room (informational since the
        seal stopped doing that, issue 14 point 4); ``spliced``: with the seal's signer class,
        whose CMS is spliced from its constant DER (informational)."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers
        from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

        lt = self.level == "B-LT"
        meta = signers.PdfSignatureMetadata(
            field_name="ApprovalSeal",
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            certify=True,
            docmdp_permissions=MDPPerm.NO_CHANGES,
            embed_validation_info=lt,
            validation_context=self.fetching_context() if lt else None,
        )
        out = signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(self.pdf)),
            meta,
            signer=self.spliced_signer if spliced else self.simple_signer,
            timestamper=self.timestamper,
            bytes_reserved=None if estimate else self.reserved,
        )
        return bytes(out.getbuffer())

    def fetching_context(self) -> Any:
        """A fresh context fetching OCSP/CRL from the certificates' URLs (the local animator)."""
        from pyhanko_certvalidator import ValidationContext
        from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

        return ValidationContext(
            trust_roots=[self.ca_asn1],
            allow_fetching=True,
            revocation_mode="soft-fail",
            fetcher_backend=RequestsFetcherBackend(),
        )

    def verify(self) -> Any:
        from signing import verify_pdf
        from signing.registry import pin_registered_seal

        return pin_registered_seal(verify_pdf(self.sealed, [self.ca_pem]), self.registry, BUREAU)

    def bare_validate(self) -> Any:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        reader = PdfFileReader(io.BytesIO(self.sealed))
        settings: dict[str, Any] = {"trust_roots": [self.ca_asn1], "allow_fetching": False}
        if self.level == "B-LT":  # offline, from the embedded data, as signing.verify_pdf does
            from pyhanko.sign.validation import DocumentSecurityStore

            context = DocumentSecurityStore.read_dss(reader).as_validation_context(settings)
        else:
            context = ValidationContext(**settings)
        return validate_pdf_signature(reader.embedded_signatures[0], context)


def build_rig(folder: Path) -> Rig:
    """Dev PKI, sealer, floor signer and blob store in ``folder``; checks every path works once."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.signers import SimpleSigner

    from chalicelib.rendering import SEAL_BOX, render_certificate
    from chalicelib.storage.blobs import LocalBlobStore
    from signing import Indication, SealAppearance
    from signing.config import sealer_for
    from signing.devpki import bureau_seal_env, ensure_bureau_seals, ensure_dev_pki
    from signing.registry import load_registry

    dev = ensure_dev_pki(folder / "pki", authority=AUTHORITY)
    seals = ensure_bureau_seals(dev, [(BUREAU, AUTHORITY, "《舟山市人民政府关于电子印章法律效力的公告》(基准测试)")])
    seal_env = {"UAP_SEAL_BACKEND": "local", "UAP_SEAL_CHAIN": str(dev.ca_cert), **bureau_seal_env(seals)}
    registry = load_registry(seals.registry.read_bytes())
    from datetime import UTC, datetime

    sealer = sealer_for(BUREAU, registry, datetime.now(UTC), seal_env)
    key, cert = seals.keys[BUREAU], seals.certificates[BUREAU]  # the floor signs with the same key
    simple = SimpleSigner.load(str(key), str(cert), ca_chain_files=(str(dev.ca_cert),))
    if simple is None:
        raise RuntimeError("pyHanko could not load the dev seal key")
    view = sample_view()
    pdf = render_certificate(view)
    appearance = SealAppearance(authority_name=AUTHORITY, box=SEAL_BOX, page=0)
    ca_pem = dev.ca_cert.read_bytes()
    rig = Rig(
        view=view,
        pdf=pdf,
        sealed=b"",
        sealer=sealer,
        registry=registry,
        seal_env=seal_env,
        appearance=appearance,
        simple_signer=simple,
        store=LocalBlobStore(folder / "blobs", "bench-certificate-store-secret"),
        ca_pem=ca_pem,
        ca_asn1=load_cert_from_pemder(str(dev.ca_cert)),
        keys=count(),
    )
    rig.sealed = rig.seal(pdf)
    rig.reserved = sealer.reserved_bytes()
    from signing._pyhanko_signer import BackendSigner

    rig.spliced_signer = BackendSigner(sealer.backend)
    report = rig.verify()
    if report.indication is not Indication.PASSED or not report.registration.registered:
        raise RuntimeError(f"the sealed certificate does not verify: {report.to_text()}")
    status = rig.bare_validate()
    if not (status.intact and status.valid and status.trusted):
        raise RuntimeError(f"bare validation failed: {status.pretty_print_details()}")
    bare = rig.bare_sign()
    if not bare.startswith(pdf):
        raise RuntimeError("bare signing did not produce an incremental update")
    return rig


def build_lt_rig(folder: Path) -> tuple[Rig, Any]:
    """The B-LT rig against a local PKI service (certomancer's animator, started here); returns the
    rig and the server to stop. Checks every path works once, at B-LT."""
    from datetime import UTC, datetime

    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko.sign.timestamps import HTTPTimeStamper

    from chalicelib.rendering import SEAL_BOX, render_certificate
    from chalicelib.storage.blobs import LocalBlobStore
    from infra.local_pki import PkiServer, ensure_local_pki
    from infra.local_stack import free_port
    from signing import Indication, SealAppearance
    from signing.config import sealer_for
    from signing.registry import load_registry

    basis = "《舟山市人民政府关于电子印章法律效力的公告》(基准测试)"
    pki = ensure_local_pki(folder / "pki", [(BUREAU, AUTHORITY, basis)], url=f"http://127.0.0.1:{free_port()}")
    server = PkiServer(pki)
    seal_env = {
        **{k: v for k, v in pki.seal_env().items() if k != "UAP_SEAL_DOC_TIMESTAMP"},  # B-LT, not B-LTA
        "UAP_SEAL_KEYS": json.dumps({BUREAU: str(pki.seal_keys[BUREAU])}),
    }
    registry = load_registry(pki.registry.read_bytes())
    sealer = sealer_for(BUREAU, registry, datetime.now(UTC), seal_env)
    if sealer.level != "B-LT":
        raise RuntimeError(f"the B-LT sealer seals at {sealer.level}")
    simple = SimpleSigner.load(
        str(pki.seal_keys[BUREAU]), str(pki.seal_certs[BUREAU]), ca_chain_files=(str(pki.ca_cert),)
    )
    if simple is None:
        raise RuntimeError("pyHanko could not load the local seal key")
    view = sample_view()
    pdf = render_certificate(view)
    rig = Rig(
        view=view,
        pdf=pdf,
        sealed=b"",
        sealer=sealer,
        registry=registry,
        seal_env=seal_env,
        appearance=SealAppearance(authority_name=AUTHORITY, box=SEAL_BOX, page=0),
        simple_signer=simple,
        store=LocalBlobStore(folder / "blobs", "bench-certificate-store-secret"),
        ca_pem=pki.ca_cert.read_bytes(),
        ca_asn1=load_cert_from_pemder(str(pki.ca_cert)),
        keys=count(),
        level="B-LT",
        timestamper=HTTPTimeStamper(pki.tsa_url),
    )
    rig.sealed = rig.seal(pdf)
    rig.reserved = sealer.reserved_bytes()
    report = rig.verify()
    if report.indication is not Indication.PASSED or report.pades_level != "B-LT":
        raise RuntimeError(f"the B-LT certificate does not verify at B-LT: {report.to_text()}")
    status = rig.bare_validate()
    if not (status.intact and status.valid and status.trusted):
        raise RuntimeError(f"bare B-LT validation failed: {status.pretty_print_details()}")
    rig.bare_sign()
    return rig, server


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.certificates", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 samples: a smoke run, not a measurement")
    parser.add_argument("-n", "--repeat", type=int, default=None, help="samples of each (default 15, quick 2)")
    parser.add_argument("--profile", type=int, default=0, metavar="K", help="then cProfile K issues")
    parser.add_argument("--no-lt", action="store_true", help="skip the B-LT figures (no local PKI service)")
    return parser.parse_args(argv)


def _package(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "/site-packages/" in path:
        return path.split("/site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    for ours in ("chalicelib", "signing", "bench"):
        if f"/{ours}/" in path:
            return ours
    return "builtins" if path.startswith(("~", "<")) else "stdlib"


#: Phases of an issue: (label, file suffix, function name) whose cumulative time stands for each.
PHASES = (
    ("render_certificate", "certificate_pdf.py", "render_certificate"),
    ("  QR code matrix", "qr.py", "qr_matrix"),
    ("  reportlab save (font subset, compression, objects)", "canvas.py", "save"),
    ("Sealer.seal", "seal.py", "seal"),
    ("  stamp font engine (shared font, opened once per process)", "stamp.py", "create_font_engine"),
    ("  stamp text shaping (remembered per string)", "stamp.py", "shape"),
    ("  stamp font objects written into the PDF", "opentype.py", "prepare_write"),
    ("  the CMS container (spliced from the signer's template)", "_pyhanko_signer.py", "async_sign"),
    ("    the signature itself (key backend sign)", "_pyhanko_signer.py", "async_sign_raw"),
    ("LocalBlobStore.put", "blobs.py", "put"),
)


def profile_issues(rig: Rig, count_: int) -> str:
    """cProfile ``count_`` issues: the phases, self time by package, the top functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count_):
        rig.issue()
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values()) or 1.0
    lines = [f"\n--- cProfile of {count_} issues (profiler overhead inflates times) ---"]
    lines.append("phases, share of the issue's time (cumulative; nested phases are indented):")
    for label, file_suffix, func in PHASES:
        cum = sum(v[3] for (f, _l, n), v in raw.items() if f.endswith(file_suffix) and n == func)
        lines.append(f"  {cum / total:6.1%}  {label}")
    by_package: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        by_package[_package(filename)] += tottime
    lines.append("self time by package:")
    lines += [f"  {share / total:6.1%}  {name}" for name, share in by_package.most_common(10)]
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(25)
    lines.append("top 25 functions by cumulative time:")
    lines.append(out.getvalue().split("\n\n", 2)[-1].rstrip())
    return "\n".join(lines)


def measure(jobs: dict[str, Callable[[], object]], repeat: int, warmup: int) -> dict[str, Stats]:
    """Every job ``repeat`` times in a rotating order (after ``warmup`` rounds), medians."""
    for _ in range(warmup):
        for job in jobs.values():
            job()
    samples: dict[str, list[float]] = {name: [] for name in jobs}
    names = list(jobs)
    for i in range(repeat):
        gc.collect()
        for name in names[i % len(names) :] + names[: i % len(names)]:
            start = perf_counter()
            jobs[name]()
            samples[name].append(perf_counter() - start)
    return {name: Stats.of(values) for name, values in samples.items()}


def measure_cpu(jobs: dict[str, Callable[[], object]], repeat: int, warmup: int, inner: int = 3) -> dict[str, Stats]:
    """Like :func:`measure`, in CPU time per call (`time.process_time` over ``inner`` calls), with
    4 x ``repeat`` rounds in a rotating order: for CPU-only jobs (offline verification)."""
    for _ in range(warmup):
        for job in jobs.values():
            job()
    samples: dict[str, list[float]] = {name: [] for name in jobs}
    names = list(jobs)
    for i in range(4 * repeat):
        gc.collect()
        for name in names[i % len(names) :] + names[: i % len(names)]:
            start = process_time()
            for _ in range(inner):
                jobs[name]()
            samples[name].append((process_time() - start) / inner)
    return {name: Stats.of(values) for name, values in samples.items()}


def measure_verification(rig: Rig, repeat: int, warmup: int, label: str) -> dict[str, Stats]:
    """The verification pair in CPU time, printed."""
    cpu = measure_cpu({"bare_validate": rig.bare_validate, "verify": rig.verify}, repeat, warmup)
    print(row(f"{label}floor, CPU time: bare pyHanko validation", cpu["bare_validate"]))
    print(row(f"{label}CPU time: signing.verify_pdf + registry pin", cpu["verify"]))
    return cpu


def verdicts(figures: list[Figure], prefix: str) -> bool:
    """Print the TARGET lines of ``prefix``.issue and ``prefix``.verify; True if one is missed."""
    by_name = {f.name: f for f in figures}
    missed = False
    for name, target in ((f"{prefix}.issue", ISSUE_TARGET), (f"{prefix}.verify", VERIFY_TARGET)):
        ratio = by_name[name].ratio
        met = ratio <= target
        missed = missed or not met
        print(f"TARGET {name} <= {target:g}x: {'met' if met else 'NOT met'} ({ratio:.2f}x)")
    return missed


def run_lt(tmp: Path, repeat: int, warmup: int) -> list[Figure]:
    """The B-LT figures against a local PKI service started for the run."""
    started = perf_counter()
    rig, server = build_lt_rig(tmp / "lt")
    try:
        print(f"  B-LT setup (certomancer PKI, animator, first seal/verify): {ms(perf_counter() - started)}")
        print(f"  B-LT certificate sealed {len(rig.sealed)} bytes (DSS with OCSP responses embedded)")
        stats = measure(
            {
                "bare_sign": rig.bare_sign,
                "bare_sign_estimating": lambda: rig.bare_sign(estimate=True),
                "issue": rig.issue,
                "seal": lambda: rig.seal(rig.pdf),
                "bare_validate": rig.bare_validate,
                "verify": rig.verify,
            },
            repeat,
            warmup,
        )
        cpu = measure_verification(rig, repeat, warmup, "B-LT ")
    finally:
        server.stop()
    for name, label in (
        ("bare_sign", "B-LT floor: bare pyHanko sign_pdf + same TSA + embed_validation_info (same animator)"),
        ("bare_sign_estimating", "B-LT bare pyHanko as above, sizing the room per signature (default)"),
        ("issue", "B-LT issue = render + seal + store"),
        ("seal", "B-LT Sealer.seal only"),
        ("bare_validate", "B-LT floor: bare pyHanko validate_pdf_signature, context from the DSS"),
        ("verify", "B-LT signing.verify_pdf + registry pin"),
    ):
        print(row(label, stats[name]))
    sign_floor = "bare pyHanko B-LT signing: same key, TSA and OCSP responder (network round trips on both sides)"
    verify_floor = "bare pyHanko validation of the same B-LT file from its DSS (no fetching)"
    sign = stats["bare_sign"].median
    return [
        Figure("certificates.b_lt.issue", stats["issue"].median, sign, "render + B-LT seal + store", sign_floor),
        Figure("certificates.b_lt.seal", stats["seal"].median, sign, "Sealer.seal at B-LT", sign_floor),
        Figure(
            "certificates.b_lt.issue_vs_estimating",
            stats["issue"].median,
            stats["bare_sign_estimating"].median,
            "render + B-LT seal + store (informational)",
            "bare pyHanko B-LT signing with its default per-signature size estimate",
        ),
        Figure(
            "certificates.b_lt.verify",
            cpu["verify"].median,
            cpu["bare_validate"].median,
            "signing.verify_pdf + registry pin at B-LT, CPU time",
            verify_floor + ", CPU time",
        ),
    ]


def run(args: argparse.Namespace) -> list[Figure]:
    repeat = args.repeat or (2 if args.quick else 15)
    warmup = 1 if args.quick else 2
    print(f"certificates: {repeat} samples of each, rotating order, after {warmup} warm-up; {machine()}")
    with tempfile.TemporaryDirectory(prefix="uap-bench-cert-") as tmp:
        started = perf_counter()
        rig = build_rig(Path(tmp))
        print(f"  setup (dev PKI, sealer, first render/seal/verify): {ms(perf_counter() - started)}")
        print(f"  certificate {len(rig.pdf)} bytes, sealed {len(rig.sealed)} bytes")
        jobs: dict[str, Callable[[], object]] = {
            "bare_sign": rig.bare_sign,
            "bare_sign_estimating": lambda: rig.bare_sign(estimate=True),
            "bare_sign_spliced": lambda: rig.bare_sign(spliced=True),
            "issue": rig.issue,
            "seal": lambda: rig.seal(rig.pdf),
            "render": rig.render,
            "store": lambda: rig.store_put(rig.sealed),
            "bare_validate": rig.bare_validate,
            "verify": rig.verify,
        }
        stats = measure(jobs, repeat, warmup)
        cpu = measure_verification(rig, repeat, warmup, "")
        for name, label in (
            ("bare_sign", "floor: bare pyHanko sign_pdf (SimpleSigner, PAdES, certify, no stamp, same room)"),
            ("bare_sign_estimating", "bare pyHanko as above, sizing the room per signature (default)"),
            ("bare_sign_spliced", "bare pyHanko as the floor, CMS spliced like the seal's"),
            ("issue", "issue = render + seal + store"),
            ("seal", "Sealer.seal only (visible stamp on SEAL_BOX)"),
            ("render", "render_certificate only"),
            ("store", "LocalBlobStore.put only"),
            ("bare_validate", "floor: bare pyHanko validate_pdf_signature"),
            ("verify", "signing.verify_pdf"),
        ):
            if name in stats:
                print(row(label, stats[name]))
        sign_floor = "bare pyHanko sign_pdf of the same PDF with the same key and room (PAdES, certifying, no stamp)"
        verify_floor = "bare pyHanko validate_pdf_signature of the same sealed PDF (same trust root, no fetching)"
        sign_median = stats["bare_sign"].median
        figures = [
            Figure("certificates.issue", stats["issue"].median, sign_median, "render + seal + store", sign_floor),
            Figure("certificates.seal", stats["seal"].median, sign_median, "Sealer.seal with the stamp", sign_floor),
            Figure("certificates.render", stats["render"].median, sign_median, "render_certificate", sign_floor),
            Figure("certificates.store", stats["store"].median, sign_median, "LocalBlobStore.put", sign_floor),
            Figure(
                "certificates.issue_vs_estimating",
                stats["issue"].median,
                stats["bare_sign_estimating"].median,
                "render + seal + store (informational)",
                "bare pyHanko sign_pdf with its default per-signature size estimate (a dry-run CMS)",
            ),
            Figure(
                "certificates.issue_vs_spliced",
                stats["issue"].median,
                stats["bare_sign_spliced"].median,
                "render + seal + store (informational)",
                "bare pyHanko sign_pdf with its CMS spliced from constant DER as the seal's is",
            ),
            Figure(
                "certificates.verify",
                cpu["verify"].median,
                cpu["bare_validate"].median,
                "signing.verify_pdf + registry pin, CPU time",
                verify_floor + ", CPU time",
            ),
        ]
        missed = verdicts(figures, "certificates")
        if not args.no_lt:
            lt = run_lt(Path(tmp), repeat, warmup)
            figures += lt
            missed = verdicts(lt, "certificates.b_lt") or missed
        if args.profile:
            print(profile_issues(rig, args.profile))
        elif missed and not args.quick:
            print("  (targets missed: run with --profile 5 to see what dominates; see bench/README.md)")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    figures = run(parse_args(argv))
    print_figures(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
