"""Renewal of a licence (延续), Administrative Licensing Law art. 50.

「被许可人需要延续依法取得的行政许可的有效期的,应当在该行政许可有效期届满三十日前向作出行政许可决定的
行政机关提出申请……行政机关应当根据被许可人的申请,在该行政许可有效期届满前作出是否准予延续的决定;
逾期未作决定的,视为准予延续。」

A renewal is an ordinary case of the licence's item (filed, accepted, reviewed and decided like
any other: seed 002 一窗受理, 三分离, 否认报备 all apply) that records the licence it renews
(`RenewalOf` on the case). The rules here:
- who may apply: the holder of a VALID licence with a validity end whose item still issues that
  licence type (the holder, their authorised agent, or a window clerk keying in for them);
- when: at least 30 calendar days before the validity end (`valid_until - today >= 30`: applying
  on the 30th day before the last valid day is in time, on the 29th is RENEWAL_TOO_LATE);
- one open renewal per licence, and a licence already renewed is not renewed twice;
- deemed granted: a renewal accepted before the licence ended and still in review the day after
  its last valid day is approved by the system (`deem_granted`), and the system issues the
  renewed licence under the issuing bureau's seal (services/renewals.py);
- the renewed licence's validity continues from the day after the previous one's last day
  (`renewed_valid_until`); the previous licence stays VALID to its end and then expires as any
  licence does (it is not superseded: both are lawful records of their own periods).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from chalicelib.domain import application as da
from chalicelib.domain import certificate as dcert
from chalicelib.domain.application import Application, Decision, Outcome, RenewalOf, State, Transition
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role

NOTICE_DAYS = 30  # art. 50: 有效期届满三十日前 (calendar days)
LEGAL_BASIS = "《中华人民共和国行政许可法》第五十条"
DEEMED_ACTION = "deemed_renewal"


class RenewalCode:
    NOT_FOUND = "NOT_FOUND"
    NOT_HOLDER = "NOT_HOLDER"
    CERTIFICATE_NOT_VALID = "CERTIFICATE_NOT_VALID"
    NOT_RENEWABLE = "NOT_RENEWABLE"
    RENEWAL_TOO_LATE = "RENEWAL_TOO_LATE"
    RENEWAL_ALREADY_OPEN = "RENEWAL_ALREADY_OPEN"
    ALREADY_RENEWED = "ALREADY_RENEWED"


def _fail(code: str, message: str, field_: str | None = "certificateId") -> DomainError:
    return DomainError.one(code, message, field_)


def latest_application_day(valid_until: date) -> date:
    """The last calendar day an application is in time: 30 days before the last valid day."""
    return valid_until - timedelta(days=NOTICE_DAYS)


def check_applicant(cert: dcert.Certificate, actor: Principal, agent_for_holder: bool) -> None:
    """The holder applies; an agent the holder authorised, or a window clerk keying in for the
    holder at the window, applies on the holder's behalf (as for any case). Anyone else who can
    see the licence (supervisors, bureau staff) cannot apply for it."""
    if actor.subject is not None and actor.subject == cert.holder_account:
        return
    if actor.has_any(Role.AGENT) and agent_for_holder:
        return
    if actor.has_any(Role.CLERK):
        return
    raise _fail(RenewalCode.NOT_HOLDER, "只有证照持有人(或其授权的代办人)可以申请延续")


def check_renewable(
    cert: dcert.Certificate,
    today: date,
    item_issues_type: bool,
    open_renewal: Application | None,
) -> None:
    """Art. 50 and the registry: every reason the licence cannot be renewed now, one code each.
    `open_renewal` is the licence's latest renewal case, if any."""
    if cert.renewed_by is not None or (open_renewal is not None and open_renewal.certificate_id is not None):
        raise _fail(RenewalCode.ALREADY_RENEWED, "该证照已延续,请对延续后的证照办理")
    if cert.current_status(today) is not dcert.CertificateStatus.VALID:
        raise _fail(
            RenewalCode.CERTIFICATE_NOT_VALID,
            "只有有效的证照可以申请延续(已暂扣、吊销、撤销、注销、失效或转出的证照不能延续)",
        )
    if cert.valid_until is None or not item_issues_type:
        raise _fail(RenewalCode.NOT_RENEWABLE, "该证照长期有效或该事项已不再颁发此类证照,不能申请延续")
    if today > latest_application_day(cert.valid_until):
        raise _fail(
            RenewalCode.RENEWAL_TOO_LATE,
            f"依据{LEGAL_BASIS},延续申请应当在有效期届满三十日前提出;本证照有效期至"
            f"{cert.valid_until.isoformat()},最迟应于{latest_application_day(cert.valid_until).isoformat()}申请,"
            "现已逾期,请重新申请许可",
        )
    if open_renewal is not None and (open_renewal.is_open or open_renewal.state is State.APPROVED):
        raise _fail(
            RenewalCode.RENEWAL_ALREADY_OPEN,
            f"该证照已有办理中的延续申请(申请编号{open_renewal.tracking_code}),不能重复申请",
        )


def renewal_of(cert: dcert.Certificate) -> RenewalOf:
    assert cert.valid_until is not None
    return RenewalOf(cert.id, cert.number, cert.valid_until, cert.identifier)


def renewed_valid_from(renewal: RenewalOf) -> date:
    """The renewed licence takes over the day after the previous one's last valid day."""
    return renewal.valid_until + timedelta(days=1)


def renewed_valid_until(renewal: RenewalOf, years: int | None) -> date | None:
    """The validity continues from the previous end, not from the day of issue: renewing early
    loses no days, renewing late (deemed granted) gains none."""
    return dcert.valid_until(renewed_valid_from(renewal), years)


def deemable(case: Application, today: date) -> bool:
    """Undecided when the licence ended: accepted (the agency had the complete application) on or
    before the last valid day, still in review, and that day is over. A case waiting for the
    applicant's 补正 or refused at intake is not the agency's delay; a refusal awaiting the
    supervisor (否认报备) was decided in time, unless the supervisor corrects it back to review."""
    renewal = case.renewal
    started = case.clock_start
    return (
        renewal is not None
        and case.state is State.IN_REVIEW
        and started is not None
        and started <= renewal.valid_until < today
    )


def deemed_granted(case: Application) -> bool:
    """Approved by the system under art. 50 (not by the item's own timeout rule)."""
    decision = case.decision
    return (
        case.renewal is not None
        and decision is not None
        and decision.deemed
        and decision.decided_by == da.SYSTEM
        and decision.legal_basis == LEGAL_BASIS
    )


def awaiting_deemed_issue(case: Application) -> bool:
    """Deemed granted and the renewed licence not yet issued: the sweep issues it (and retries)."""
    return deemed_granted(case) and case.state is State.APPROVED and case.certificate_id is None


def deem_granted(case: Application, now: datetime) -> Transition:
    """逾期未作决定的,视为准予延续: the system approves; open review tasks end as they stand."""
    if not deemable(case, da.china_date(now)):
        raise DomainError.one(da.Code.ILLEGAL_TRANSITION, "该延续申请不符合视为准予延续的条件")
    renewal = case.renewal
    assert renewal is not None
    at = now.isoformat(timespec="seconds")
    reason = f"证照{renewal.certificate_number}有效期({renewal.valid_until.isoformat()})届满前未作出决定,视为准予延续"
    decision = Decision(Outcome.APPROVED, da.SYSTEM, at, reason, LEGAL_BASIS, deemed=True)
    approved = replace(case, state=State.APPROVED, decision=decision)
    return da.move(case, approved, DEEMED_ACTION, None, at, f"{reason}(依据{LEGAL_BASIS})")


def applicant_notice(case: Application) -> tuple[str, dict[str, str]]:
    """Title and data of the message telling the applicant (and their agent) of the deemed grant."""
    renewal = case.renewal
    assert renewal is not None
    title = f"您的{case.item.elements.name}延续申请视为准予延续,延续后的证照将自动颁发"
    data = {
        "trackingCode": case.tracking_code,
        "previousCertificateNumber": renewal.certificate_number,
        "previousValidUntil": renewal.valid_until.isoformat(),
        "legalBasis": LEGAL_BASIS,
    }
    return title, data
