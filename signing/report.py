"""The verification report: a plain, JSON-able account of one seal check.

Indications follow ETSI EN 319 102-1 (PASSED / INDETERMINATE / FAILED with a
sub-indication); ``NO_SIGNATURE`` and ``MODIFIED_AFTER_SIGNING`` are this
project's additions for cases the standard leaves to the caller. Every finding
carries a stable machine code plus Chinese and English text so the GraphQL API,
the CLI and the public verification page say the same thing.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CODES",
    "Finding",
    "Identity",
    "Indication",
    "Integrity",
    "Registration",
    "Severity",
    "Timing",
    "VerificationReport",
    "finding",
]


class Indication(enum.StrEnum):
    """ETSI EN 319 102-1 main status indication."""

    PASSED = "PASSED"
    INDETERMINATE = "INDETERMINATE"
    FAILED = "FAILED"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: code -> (severity, Chinese text, English text)
CODES: dict[str, tuple[Severity, str, str]] = {
    "SEAL_VALID": (
        Severity.INFO,
        "电子印章有效：文件自盖章后未被修改，证书链可信。",
        "The seal is valid: the document is unchanged since sealing and the certificate is trusted.",
    ),
    "INPUT_TOO_LARGE": (
        Severity.ERROR,
        "文件超过允许的最大大小，未进行验证。",
        "The file exceeds the maximum allowed size and was not verified.",
    ),
    "NOT_A_PDF": (Severity.ERROR, "文件不是 PDF 文档。", "The file is not a PDF document."),
    "PDF_TRUNCATED": (
        Severity.ERROR,
        "PDF 文件不完整（可能在传输中被截断）。",
        "The PDF file is incomplete (possibly truncated in transfer).",
    ),
    "PDF_MALFORMED": (
        Severity.ERROR,
        "PDF 文件结构损坏，无法解析。",
        "The PDF structure is damaged and cannot be parsed.",
    ),
    "PDF_TOO_COMPLEX": (
        Severity.ERROR,
        "PDF 文件的结构超出验证限制（签名域、对象或修订版本过多），未进行验证。",
        "The PDF's structure exceeds the verification limits (too many signature fields, objects or revisions); it was not verified.",
    ),
    "PDF_ENCRYPTED": (
        Severity.ERROR,
        "PDF 文件已加密，无法验证印章。",
        "The PDF is encrypted; its seal cannot be verified.",
    ),
    "NO_SIGNATURE": (
        Severity.ERROR,
        "文件中没有电子印章（数字签名）。",
        "The document carries no electronic seal (digital signature).",
    ),
    "SIGNATURE_FORMAT_UNSUPPORTED": (
        Severity.ERROR,
        "签名格式不受支持或签名数据损坏。",
        "The signature format is unsupported or the signature data is damaged.",
    ),
    "DIGEST_MISMATCH": (
        Severity.ERROR,
        "文件内容在盖章后被篡改（摘要不匹配）。",
        "The document content was altered after sealing (digest mismatch).",
    ),
    "SIGNATURE_INVALID": (
        Severity.ERROR,
        "签名值无效：签名不是由证书对应的私钥生成的。",
        "The signature value is invalid: it was not made with the certificate's key.",
    ),
    "COVERAGE_INCOMPLETE": (
        Severity.ERROR,
        "签名未覆盖其所属的完整文件版本。",
        "The signature does not cover the whole revision it belongs to.",
    ),
    "MODIFIED_AFTER_SIGNING": (
        Severity.ERROR,
        "盖章后文件被追加修改（如新增批注、页面或签名），印章禁止任何修改。",
        "The document was changed after sealing (e.g. annotations, pages or signatures added); the seal allows no changes.",
    ),
    "MODIFIED_AFTER_SIGNING_UNCERTIFIED": (
        Severity.WARNING,
        "盖章后文件有追加修改，且该签名未锁定文件。",
        "The document was changed after signing and the signature does not lock the document.",
    ),
    "UPDATES_AFTER_SIGNING_ALLOWED": (
        Severity.INFO,
        "盖章后仅追加了长期验证信息或时间戳（允许）。",
        "Only long-term validation data or timestamps were added after sealing (allowed).",
    ),
    "UNSIGNED_TRAILING_DATA": (
        Severity.ERROR,
        "盖章内容之后附加了未签名的数据。",
        "Unsigned data was appended after the sealed content.",
    ),
    "NOT_CERTIFYING": (
        Severity.WARNING,
        "该签名不是认证签名（未设置文档修改权限）。",
        "The signature is not a certifying signature (no DocMDP permissions).",
    ),
    "NOT_PADES": (
        Severity.WARNING,
        "签名不是 PAdES 格式。",
        "The signature is not in PAdES format.",
    ),
    "MULTIPLE_SIGNATURES": (
        Severity.WARNING,
        "文件中有多个签名，仅报告第一个（印章）签名。",
        "The document holds several signatures; only the first (the seal) is reported.",
    ),
    "NO_TRUST_ANCHORS": (
        Severity.WARNING,
        "未配置可信根证书，无法判断证书是否可信。",
        "No trust anchors are configured, so trust cannot be established.",
    ),
    "CHAIN_NOT_TRUSTED": (
        Severity.ERROR,
        "签名证书不能链接到受信任的根证书（非本机构印章或证书不受信任）。",
        "The signing certificate does not chain to a trusted root (not this authority's seal, or untrusted).",
    ),
    "CERTIFICATE_REVOKED": (Severity.ERROR, "签名证书已被吊销。", "The signing certificate has been revoked."),
    "CERTIFICATE_EXPIRED": (
        Severity.ERROR,
        "签名证书已过期，且无可信时间戳证明签名早于过期时间。",
        "The signing certificate has expired and no trusted timestamp proves the seal predates expiry.",
    ),
    "CERTIFICATE_NOT_YET_VALID": (Severity.ERROR, "签名证书尚未生效。", "The signing certificate is not yet valid."),
    "CERTIFICATE_USAGE_INVALID": (
        Severity.ERROR,
        "签名证书的用途或约束不允许用于电子印章。",
        "The signing certificate's usage or constraints do not allow sealing.",
    ),
    "CERTIFICATE_PROBLEM": (
        Severity.ERROR,
        "证书链验证失败。",
        "Certificate chain validation failed.",
    ),
    "SIGNER_MISMATCH": (
        Severity.ERROR,
        "签名证书与预期的印章证书不一致。",
        "The signing certificate is not the expected seal certificate.",
    ),
    # The seal registry (signing.registry): is the signer the issuing bureau's registered seal?
    "SEAL_REGISTERED": (
        Severity.INFO,
        "签章证书是发证机关在印章登记册中登记的电子印章，且盖章时在登记有效期内。",
        "The signing certificate is the issuing authority's registered seal, within its registered validity.",
    ),
    "SEAL_NOT_REGISTERED": (
        Severity.ERROR,
        "签章证书不是任何发证机关登记的电子印章（即使由受信任的证书机构签发），印章无效。",
        "The signing certificate is not a registered seal of any issuing authority (even if a trusted CA issued it).",
    ),
    "SEAL_OF_ANOTHER_AUTHORITY": (
        Severity.ERROR,
        "签章证书是另一发证机关的电子印章，不是本证照发证机关的印章。",
        "The signing certificate is another authority's seal, not the seal of this certificate's issuing authority.",
    ),
    "SEAL_OUTSIDE_REGISTERED_VALIDITY": (
        Severity.ERROR,
        "盖章时间不在该电子印章的登记有效期内（印章已停用、更换或尚未启用）。",
        "The sealing time is outside the seal's registered validity (retired, rotated or not yet in use).",
    ),
    "SEAL_REGISTRY_UNAVAILABLE": (
        Severity.WARNING,
        "印章登记册不可用，无法确认签章者是否为发证机关登记的电子印章。",
        "The seal registry is unavailable: whether the signer is the authority's registered seal is unknown.",
    ),
    "AUTHORITY_NOT_IN_REGISTRY": (
        Severity.WARNING,
        "印章登记册中没有该发证机关的电子印章，无法确认。",
        "The seal registry lists no seal for this issuing authority; the seal cannot be confirmed.",
    ),
    "SIGNING_TIME_UNKNOWN": (
        Severity.WARNING,
        "无法确定盖章时间，无法核对印章登记有效期。",
        "The sealing time is unknown, so the seal's registered validity cannot be checked.",
    ),
    "TIMESTAMP_PRESENT": (Severity.INFO, "签名带有可信时间戳。", "The signature carries a trusted timestamp."),
    "TIMESTAMP_INVALID": (
        Severity.ERROR,
        "签名时间戳无效或不可信。",
        "The signature timestamp is invalid or untrusted.",
    ),
    "INTERNAL_ERROR": (
        Severity.ERROR,
        "验证过程中发生内部错误，结果无法确定。",
        "An internal error occurred during verification; the result is undetermined.",
    ),
}


@dataclass(frozen=True)
class Finding:
    """One machine-readable statement about the document."""

    code: str
    severity: Severity
    zh: str
    en: str
    detail: str | None = None


def finding(code: str, detail: str | None = None) -> Finding:
    """Build a finding from the :data:`CODES` catalogue."""
    severity, zh, en = CODES[code]
    return Finding(code=code, severity=severity, zh=zh, en=en, detail=detail)


@dataclass(frozen=True)
class Integrity:
    """Was the signed content left alone?"""

    intact: bool | None = None
    signature_valid: bool | None = None
    coverage: str | None = None
    modification_level: str | None = None
    revisions_after_signing: int | None = None
    docmdp_permission: str | None = None
    docmdp_ok: bool | None = None


@dataclass(frozen=True)
class Identity:
    """Who sealed, and do we trust them?"""

    subject: str | None = None
    issuer: str | None = None
    serial_number: str | None = None
    sha256_fingerprint: str | None = None
    chains_to_trust_anchor: bool = False
    trust_anchor: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    valid_at_signing_time: bool | None = None
    matches_expected_signer: bool | None = None


@dataclass(frozen=True)
class Registration:
    """Is the signer the issuing bureau's registered seal (signing.registry)?"""

    registered: bool
    code: str
    authority_code: str | None = None
    authority_name: str | None = None
    legal_basis: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    registry_version: int | None = None


@dataclass(frozen=True)
class Timing:
    """When was it sealed (claimed by the signer vs. proven by a TSA)?"""

    claimed_signing_time: str | None = None
    timestamp_time: str | None = None
    timestamp_authority: str | None = None
    timestamp_valid: bool | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class VerificationReport:
    """Outcome of :func:`signing.verify.verify_pdf`."""

    indication: Indication
    sub_indication: str | None
    pades_level: str | None = None
    field_name: str | None = None
    signature_count: int = 0
    file_size: int = 0
    file_sha256: str | None = None
    integrity: Integrity = field(default_factory=Integrity)
    identity: Identity = field(default_factory=Identity)
    timing: Timing = field(default_factory=Timing)
    findings: tuple[Finding, ...] = ()
    registration: Registration | None = None  # set by signing.registry.pin_registered_seal

    @property
    def passed(self) -> bool:
        return self.indication is Indication.PASSED

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict (enums as strings)."""
        result: dict[str, Any] = _plain(dataclasses.asdict(self))
        result["passed"] = self.passed
        return result

    def to_text(self) -> str:
        """Human-readable bilingual rendering (used by the CLI)."""
        verdict = {
            Indication.PASSED: "通过 PASSED",
            Indication.INDETERMINATE: "无法确定 INDETERMINATE",
            Indication.FAILED: "失败 FAILED",
        }[self.indication]
        yes_no = {True: "是 yes", False: "否 no", None: "未知 n/a"}
        lines = [
            f"验证结论 Result: {verdict}" + (f" ({self.sub_indication})" if self.sub_indication else ""),
            f"PAdES 级别 Level: {self.pades_level or '无 none'}",
        ]
        if self.field_name:
            lines.append(f"签名域 Field: {self.field_name}  (签名数 signatures: {self.signature_count})")
        i, d, t = self.integrity, self.identity, self.timing
        lines += [
            "",
            "[完整性 Integrity]",
            f"  摘要一致 Digest intact: {yes_no[i.intact]}",
            f"  签名有效 Signature valid: {yes_no[i.signature_valid]}",
            f"  覆盖范围 Coverage: {i.coverage or '-'}",
            f"  盖章后修改 Modification level: {i.modification_level or '-'}"
            f"  (盖章后版本数 revisions after signing: {i.revisions_after_signing if i.revisions_after_signing is not None else '-'})",
            f"  修改权限 DocMDP: {i.docmdp_permission or '-'}  符合 ok: {yes_no[i.docmdp_ok]}",
            "",
            "[身份与信任 Identity & trust]",
            f"  签章者 Signer: {d.subject or '-'}",
            f"  颁发者 Issuer: {d.issuer or '-'}",
            f"  证书指纹 SHA-256: {d.sha256_fingerprint or '-'}",
            f"  可信链 Chains to trust anchor: {yes_no[d.chains_to_trust_anchor]}"
            + (f" ({d.trust_anchor})" if d.trust_anchor else ""),
            f"  有效期 Validity: {d.not_before or '-'} ~ {d.not_after or '-'}",
            f"  签章时证书有效 Valid at signing time: {yes_no[d.valid_at_signing_time]}",
        ]
        if d.matches_expected_signer is not None:
            lines.append(f"  预期印章 Expected signer: {yes_no[d.matches_expected_signer]}")
        r = self.registration
        if r is not None:
            lines += [
                "",
                "[印章登记 Seal registry]" + (f" (v{r.registry_version})" if r.registry_version else ""),
                f"  登记印章 Registered seal: {yes_no[r.registered]} ({r.code})",
                f"  发证机关 Authority: {r.authority_name or '-'}"
                + (f" [{r.authority_code}]" if r.authority_code else ""),
                f"  登记有效期 Registered validity: {r.valid_from or '-'} ~ {r.valid_to or '-'}",
                f"  法律效力依据 Legal basis: {r.legal_basis or '-'}",
            ]
        lines += [
            "",
            "[时间 Time]",
            f"  声明的签章时间 Claimed signing time: {t.claimed_signing_time or '-'}",
            f"  时间戳 Timestamp: {t.timestamp_time or '-'}"
            + (f" ({t.timestamp_authority})" if t.timestamp_authority else ""),
            "",
            "[说明 Findings]",
        ]
        marks = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "✓"}
        for f in self.findings:
            lines.append(f"  {marks[f.severity]} {f.code}: {f.zh}")
            lines.append(f"      {f.en}" + (f" [{f.detail}]" if f.detail else ""))
        return "\n".join(lines)
