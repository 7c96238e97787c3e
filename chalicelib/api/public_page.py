"""`GET /v/{code}`: the public verification page a certificate's QR code links to.

Anyone who scans the code sees, in Chinese, whether the certificate is genuine and current: the
registry status, a fresh check of the stored sealed PDF (logged, channel "public-page") and the
certificate's particulars with the holder masked (`public_view`). The page is self-contained
(inline CSS, no scripts, no external assets) and served under a CSP that allows nothing else.

Unknown and malformed codes get one and the same 404 page, so codes cannot be probed; any
unexpected error gets a neutral 503 page (logged), never a 500. `GET /v/<licence identifier>?
holderName=…` looks a licence up by its GB/T 36904 identifier: a wrong check character gets a 400
page saying so (`licence-error` INVALID_IDENTIFIER) before anything is read; an unknown
identifier or a wrong name gets the same 404. The status is machine-readable in
`<meta name="licence-status">` and `data-status` (VALID, SUSPENDED, …, as in GraphQL).

用证事由 (issue 13): the verifier first states a reason for use on a one-field form (the same page
for every well-formed code, so the form reveals nothing); the result page is `?reason=…`, and the
reason is logged with the verification, where the holder sees it. A bad reason gets the form
again with every problem listed (400).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalice.app import Request, Response

from chalicelib.api.context import RequestContext
from chalicelib.api.request_query import query as _query
from chalicelib.api.verify_route import public_view
from chalicelib.config import Settings, get_settings
from chalicelib.domain import certificate as dcert
from chalicelib.domain import licence_identifier as li
from chalicelib.domain.application import CHINA, china_date
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import ANONYMOUS
from chalicelib.domain.offline_kit import MAX_REASON_FOR_USE, check_reason_for_use
from chalicelib.services import clock
from chalicelib.services.certificates import CODE_ALPHABET

log = logging.getLogger(__name__)

CHANNEL = dcert.VerificationChannel.PUBLIC_PAGE
TITLE = "电子证照验证"
CODE_PATTERN = re.compile(f"[{CODE_ALPHABET}]{{16}}")

HEADERS: dict[str, str] = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
}

# tone -> (banner colours, icon path): green for valid, red for invalid, amber for "not current"
_TONES: dict[str, tuple[str, str, str]] = {
    "ok": ("#e8f5ec", "#1b7a3d", "M5 12.5l4.5 4.5L19 7.5"),
    "bad": ("#fdecec", "#b42318", "M6 6l12 12M18 6L6 18"),
    "warn": ("#fff5e0", "#a15c00", "M12 5v9M12 18.5v.5"),
}

_STYLE = """
*{box-sizing:border-box}
body{margin:0;background:#f2f4f7;color:#1d2939;font:16px/1.6 -apple-system,"PingFang SC","Hiragino Sans GB",
"Microsoft YaHei","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;-webkit-text-size-adjust:100%}
main{max-width:640px;margin:0 auto;padding:16px}
header{text-align:center;padding:8px 0 16px}
h1{margin:0;font-size:22px;letter-spacing:2px}
header p{margin:4px 0 0;color:#667085;font-size:14px}
.verdict{display:flex;align-items:center;gap:14px;padding:18px;border-radius:12px;border:2px solid;margin-bottom:16px}
.verdict svg{flex:none;width:44px;height:44px}
.verdict strong{display:block;font-size:26px;line-height:1.3}
.verdict p{margin:2px 0 0;font-size:15px}
section.card{background:#fff;border-radius:12px;padding:6px 16px 10px;margin-bottom:16px;
box-shadow:0 1px 2px rgba(16,24,40,.06)}
h2{font-size:16px;margin:10px 0 4px;color:#344054}
dl{margin:0}
.row{display:flex;gap:12px;padding:9px 0;border-top:1px solid #eaecf0}
.row:first-child{border-top:0}
dt{flex:0 0 7.5em;color:#667085}
dd{margin:0;flex:1;min-width:0;overflow-wrap:anywhere;word-break:break-word}
.yes{color:#1b7a3d}.no{color:#b42318}.unknown{color:#a15c00}
ul{margin:6px 0 8px;padding-left:1.2em;font-size:14px;color:#475467}
li{margin:2px 0}
footer{text-align:center;color:#98a2b3;font-size:13px;padding:4px 0 24px}
form{padding:6px 0 12px}label{display:block;color:#344054;margin:6px 0}
input{width:100%;font:inherit;padding:10px;border:1px solid #d0d5dd;border-radius:8px}
button{margin-top:12px;width:100%;font:inherit;padding:10px;border:0;border-radius:8px;background:#1d4ed8;color:#fff}
.error{color:#b42318;font-size:14px}
""".replace("\n", "")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _moment(value: str | datetime | None) -> str:
    """An ISO timestamp as China time, e.g. 2026年11月2日 10:00:00(北京时间)."""
    if value is None or value == "":
        return "—"
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        return str(value)
    local = moment.astimezone(CHINA)
    return f"{_day(local.date())} {local:%H:%M:%S}(北京时间)"


def _yes_no(value: bool | None, yes: str = "是", no: str = "否", unknown: str = "未知") -> str:
    if value is None:
        return f'<span class="unknown">{_e(unknown)}</span>'
    return f'<span class="yes">{_e(yes)}</span>' if value else f'<span class="no">{_e(no)}</span>'


def _common_name(subject: str | None) -> str:
    """pyHanko's "Common Name: X, Organization: Y, ..." reduced to X (else the whole subject)."""
    if not subject:
        return "—"
    for part in re.split(r"[,;] (?=[A-Z][A-Za-z ]*: )", subject):
        key, _, name = part.partition(": ")
        if key == "Common Name" and name.strip():
            return name.strip()
    return subject


def _rows(rows: Iterable[tuple[str, str]]) -> str:
    """(label, already-escaped HTML) pairs as a definition list."""
    return "<dl>" + "".join(f'<div class="row"><dt>{_e(k)}</dt><dd>{v}</dd></div>' for k, v in rows) + "</dl>"


def _page(body: str, status: int, meta: dict[str, str] | None = None) -> Response:
    """`meta`: machine-readable name -> content pairs (licence-status, licence-error)."""
    extra = "".join(f'<meta name="{_e(k)}" content="{_e(v)}">' for k, v in (meta or {}).items())
    document = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">'
        f"{extra}<title>{_e(TITLE)}</title><style>{_STYLE}</style></head>"
        f"<body><main><header><h1>{_e(TITLE)}</h1><p>扫码核验 · 电子证照</p></header>{body}</main></body></html>"
    )
    return Response(document, status_code=status, headers=dict(HEADERS))


def _banner(tone: str, title: str, text: str) -> str:
    background, colour, path = _TONES[tone]
    icon = (
        f'<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="11" fill="{colour}"/>'
        f'<path d="{path}" stroke="#fff" stroke-width="2.4" stroke-linecap="round" '
        'stroke-linejoin="round" fill="none"/></svg>'
    )
    return (
        f'<section class="verdict verdict-{_e(tone)}" role="status" '
        f'style="background:{background};border-color:{colour};color:{colour}">'
        f"{icon}<div><strong>{_e(title)}</strong><p>{_e(text)}</p></div></section>"
    )


NOT_FOUND_BODY = _banner(
    "warn", "未找到该证照", "请核对二维码或链接是否完整。如有疑问,请联系发证机关或行政审批服务中心核实。"
)
UNAVAILABLE_BODY = _banner("warn", "暂时无法验证,请稍后再试", "验证服务暂时不可用,请稍后重新扫码。")


@dataclass(frozen=True)
class Verdict:
    tone: str
    title: str
    text: str


_STATUS_VERDICTS: dict[dcert.CertificateStatus, Verdict] = {
    dcert.CertificateStatus.SUSPENDED: Verdict("bad", "已暂扣", "该证照已被发证机关暂扣,暂扣期间不具有效力。"),
    dcert.CertificateStatus.WITHDRAWN: Verdict("bad", "已撤销", "该证照已被发证机关撤销,不再具有效力。"),
    dcert.CertificateStatus.REVOKED: Verdict("bad", "已吊销", "该证照已被发证机关吊销,不再具有效力。"),
    dcert.CertificateStatus.CANCELLED: Verdict("warn", "已注销", "该证照已注销,不再具有效力。"),
    dcert.CertificateStatus.TRANSFERRED_OUT: Verdict(
        "warn", "已转出", "该证照已转出至其他发证机关,请以转入机关核发的证照为准。"
    ),
    dcert.CertificateStatus.EXPIRED: Verdict("warn", "已失效", "该证照已超过有效期限。"),
}
_REPLACED = Verdict("warn", "已被更正换发", "该证照已更正并换发新证,本证已注销,请以新证为准。")


def verdict(cert: dcert.Certificate, status: dcert.CertificateStatus, report: Any) -> Verdict:
    """Registry status first (any status but VALID says it all), then the seal check."""
    if status is dcert.CertificateStatus.CANCELLED and cert.superseded_by:
        return _REPLACED
    if status in _STATUS_VERDICTS:
        return _STATUS_VERDICTS[status]
    if report.file_sha256 != cert.sha256:
        return Verdict("warn", "无法确认", "登记存档的证照文件暂时无法核对,请稍后再试或联系发证机关。")
    if report.indication.value == "FAILED":
        return Verdict("bad", "印章验证未通过", "存档证照的电子印章验证未通过,请联系发证机关核实。")
    if report.indication.value != "PASSED":
        return Verdict("warn", "无法确认", "电子印章的有效性暂时无法确认,请联系发证机关核实。")
    return Verdict("ok", "有效", "该证照真实有效:登记状态有效,电子印章验证通过。")


def _certificate_section(cert: dcert.Certificate) -> str:
    view = public_view(cert)
    validity = f"{_day(cert.issued_on)} 至 {_day(cert.valid_until)}" if cert.valid_until else "长期有效"
    rows = [
        ("证照类型", _e(view["typeName"])),
        ("证照编号", _e(view["number"])),
        ("电子证照标识", _e(view["identifier"] or "—")),
        ("持证主体", _e(view["holderName"])),
        ("证件号码", _e(view["holderIdentifier"])),
        ("发证机关", _e(view["authorityName"])),
        ("许可事项", _e(view["itemName"])),
        ("发证日期", _e(_day(cert.issued_on))),
        ("有效期限", _e(validity)),
        ("证照状态", f'<span data-status="{_e(view["status"])}">{_e(view["statusLabel"])}</span>'),
    ]
    return f'<section class="card"><h2>证照信息</h2>{_rows(rows)}</section>'


def _status_section(context: RequestContext, cert: dcert.Certificate, status: dcert.CertificateStatus) -> str:
    """When and why a licence stopped being valid (expiry needs no explanation), and the licence
    that replaced a corrected one. The status itself is in `data-status` for machines."""
    if status in {dcert.CertificateStatus.VALID, dcert.CertificateStatus.EXPIRED}:
        return ""
    replaced = status is dcert.CertificateStatus.CANCELLED and bool(cert.superseded_by)
    label = "更正" if replaced else dcert.STATUS_LABELS[status]
    recorded = cert.status is status  # else a scheduled change whose day has come (sweep pending)
    when = _moment(cert.status_changed_at) if recorded else _day(cert.pending_effective_on or cert.issued_on)
    reason = cert.status_reason if recorded else cert.pending_reason
    rows = [(f"{label}时间", _e(when)), (f"{label}原因", _e(reason or "—"))]
    if replaced and cert.superseded_by:
        found = context.certificate_reads.read_certificate(cert.superseded_by)
        if found is not None:
            rows.append(("新证照编号", _e(found.number)))
            if found.identifier:
                rows.append(("新证照标识", _e(found.identifier)))
    return f'<section class="card" data-status="{_e(status.value)}"><h2>状态说明</h2>{_rows(rows)}</section>'


def _seal_section(cert: dcert.Certificate, report: Any) -> str:
    integrity, identity, timing = report.integrity, report.identity, report.timing
    intact = None if integrity.intact is None else bool(integrity.intact and integrity.signature_valid)
    if report.indication.value == "PASSED":
        result = '<span class="yes">通过</span>'
    elif report.indication.value == "FAILED":
        result = '<span class="no">未通过</span>'
    else:
        result = '<span class="unknown">无法确定</span>'
    rows = [
        ("验证结论", result),
        ("印章完整", _yes_no(intact, "完整,盖章后未被修改", "不完整或已被修改")),
        ("签章者", _e(_common_name(identity.subject))),
        ("是否可信", _yes_no(bool(identity.chains_to_trust_anchor), "可信(证书链可信)", "不可信")),
        ("签章时间", _e(_moment(timing.timestamp_time or timing.claimed_signing_time))),
        ("PAdES 级别", _e(report.pades_level or "—")),
        ("与登记存档一致", _yes_no(report.file_sha256 == cert.sha256)),
    ]
    registration = getattr(report, "registration", None)
    if registration is not None:  # seed 003 二(七): the bureau's registered seal and its legal basis
        rows.append(
            (
                "发证机关登记印章",
                _yes_no(registration.registered, "是(印章登记册在册,盖章时在有效期内)", "否"),
            )
        )
        if registration.legal_basis:
            rows.append(("电子印章效力依据", _e(registration.legal_basis)))
    findings = "".join(f"<li>{_e(f.zh)}</li>" for f in report.findings)
    return (
        f'<section class="card"><h2>电子印章验证</h2>{_rows(rows)}'
        + (f"<ul>{findings}</ul>" if findings else "")
        + "</section>"
    )


def _caller(request: Request) -> str:
    try:
        identity = (request.context or {}).get("identity") or {}
        return str(identity.get("sourceIp") or "anonymous")
    except Exception:  # a caller label is never worth an error page
        return "anonymous"


def not_found_page() -> Response:
    """One body for every unknown or malformed code."""
    return _page(NOT_FOUND_BODY, 404)


def invalid_identifier_page(message: str) -> Response:
    """A licence identifier whose check character (or shape) is wrong: said so, nothing read."""
    body = _banner("warn", "电子证照标识有误", f"{message}。")
    return _page(body, 400, {"licence-error": dcert.CertCode.INVALID_IDENTIFIER})


def reason_form(problems: Iterable[str] = (), value: str = "", holder_name: str = "") -> str:
    """The one-field form asking for the 用证事由 (submits to the same page as `?reason=`, keeping
    the holder's name an identifier lookup came with)."""
    errors = "".join(f'<p class="error">{_e(p)}</p>' for p in problems)
    kept = f'<input type="hidden" name="holderName" value="{_e(holder_name)}">' if holder_name else ""
    return (
        '<section class="card"><h2>用证事由</h2>'
        "<p>查验他人证照须说明用途(如:银行开户核验、招投标资格审查),查验记录将告知持证人。"
        "持证人本人查验可填写“本人查验”。</p>"
        f'{errors}<form method="get"><label for="reason">用证事由(不超过{MAX_REASON_FOR_USE}字)</label>'
        f'<input id="reason" name="reason" maxlength="{MAX_REASON_FOR_USE}" required value="{_e(value)}">{kept}'
        '<button type="submit">查看验证结果</button></form></section>'
    )


def handle_public_page(code: str, request: Request, settings: Settings | None = None) -> Response:
    try:
        identifier: str | None = None
        holder = ""
        if isinstance(code, str) and code.startswith(li.ROOT + "."):
            try:  # the check character first: a mistyped identifier reads nothing
                identifier = str(li.parse(code))
            except li.IdentifierError as error:
                return invalid_identifier_page(str(error))
            params: Any = request.query_params or {}  # Chalice's MultiDict
            holder = (params.get("holderName") or "").strip()
            if not holder or len(holder) > 100:
                return not_found_page()  # a name is required: serials are sequential
        elif not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
            return not_found_page()
        stated = _query(request).get("reason")
        kept = holder  # an identifier lookup's holder name rides along with the reason
        if stated is None:  # the same form for every well-formed code: nothing is looked up yet
            return _page(reason_form(holder_name=kept), 200)
        try:
            reason = check_reason_for_use(stated, required=True, field="reason")
        except DomainError as error:
            problems = [v.message for v in error.violations]
            return _page(reason_form(problems, stated[:MAX_REASON_FOR_USE], kept), 400)
        source = _caller(request)
        context = RequestContext(principal=ANONYMOUS, settings=settings or get_settings(), caller_key=f"ip:{source}")
        try:  # the same per-minute budget as GraphQL and POST /verify lookups: names cannot be guessed here
            context.public_limit.count("verify-lookup", context.caller_key)
        except DomainError as error:
            return _page(
                _banner("warn", "查询过于频繁", f"{error.violations[0].message}。"),
                429,
                {"licence-error": "RATE_LIMITED"},
            )
        service = context.certificates
        if identifier is not None:
            cert = service.lookup(number=None, code=None, identifier=identifier)
            if cert is None or not dcert.holder_named(cert, holder):
                return not_found_page()
        else:
            cert = service.lookup(number=None, code=code)
            if cert is None or cert.verification_code != code:
                return not_found_page()
        report = service.verify_registered(cert, CHANNEL, source, reason)
        now = clock.utc_now()
        status = cert.current_status(china_date(now))
        outcome = verdict(cert, status, report)
        body = (
            _banner(outcome.tone, outcome.title, outcome.text)
            + _status_section(context, cert, status)
            + _certificate_section(cert)
            + _seal_section(cert, report)
            + f"<footer>查询时间:{_e(_moment(now))}<br>持证主体信息已作脱敏处理</footer>"
        )
        return _page(body, 200, {"licence-status": status.value})
    except Exception:  # never a 500: a neutral page, and the details in the log
        log.exception("public verification page failed")
        try:
            return _page(UNAVAILABLE_BODY, 503)
        except Exception:  # pragma: no cover - building the fallback itself failed
            return Response("暂时无法验证,请稍后再试", status_code=503, headers=dict(HEADERS))


__all__ = ["handle_public_page", "invalid_identifier_page", "not_found_page", "verdict"]
