"""Referral upward (上报件, 三级联动, seed 004 二(四)).

「对涉及省、市部门审批的上报件实行省、市、县行政服务中心“三级联动”……对需报窗口单位上级机关审批的
事项,由窗口单位负责全程跟踪服务,直至办结。」 A case step that a higher authority outside this system
must approve is referred to it: the case records to whom, when and under which reference number;
a tracker of the window unit (the lead department) answers for it until the result comes back;
the result is recorded with its document. Seed 004 二(三) names 上报上级 among the steps that do not
count toward the 2-working-day rule, so the clock pauses when the item lists a referral step
that does not count (the special-step mechanism: the referral runs as a special step of kind
REFERRAL, capped at the item's published maximum), and runs on otherwise.

The record lives on the case (`Application.referrals`); the transitions are here. Pure rules only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib.domain.errors import DomainError, Violation

if TYPE_CHECKING:
    from chalicelib.domain.application import Application, Transition
    from chalicelib.domain.identity import Principal
    from chalicelib.domain.working_days import WorkingDayCalendar

MAX_TEXT = 500
MAX_EXPECTED_DAYS = 120


class ReferralStatus(StrEnum):
    PENDING = "pending"  # with the higher authority; the tracker follows it up
    RETURNED = "returned"  # the result came back and is recorded


class ReferralOutcome(StrEnum):
    APPROVED = "approved"  # 上级机关同意
    REJECTED = "rejected"  # 上级机关不同意


class ReferralCode:
    """English error codes of referrals (added to the application's codes in the API)."""

    NO_REFERRAL = "NO_REFERRAL"
    REFERRAL_PENDING = "REFERRAL_PENDING"
    TRACKER_NOT_IN_DEPARTMENT = "TRACKER_NOT_IN_DEPARTMENT"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    DOCUMENT_MISSING = "DOCUMENT_MISSING"


@dataclass(frozen=True)
class ReferralDocument:
    """The higher authority's written result, an uploaded file checked like a material."""

    file_name: str
    blob_key: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Referral:
    seq: int
    authority: str  # to whom: the higher authority (e.g. 浙江省市场监督管理局)
    reference_number: str  # 上报文号
    referred_on: date
    referred_by: str
    tracker_id: str  # the window unit's staff member answering for it until it returns
    department_id: str  # the window unit (the case's lead department)
    expected_days: int  # working days the authority is expected to take
    expected_by: date
    counts_toward_limit: bool
    note: str = ""
    status: ReferralStatus = ReferralStatus.PENDING
    outcome: ReferralOutcome | None = None
    result_reference: str = ""
    result_on: date | None = None
    recorded_by: str | None = None
    document: ReferralDocument | None = None

    @property
    def key(self) -> str:
        """Its supervision deadline key (a warning once it exceeds the expected duration)."""
        return f"referral:{self.seq}:{self.expected_by.isoformat()}"


@dataclass(frozen=True)
class ReferralEntry:
    """A row of the tracker's worklist: a pending referral, by the day it is expected back."""

    application_id: str
    tracking_code: str
    item_name: str
    seq: int
    authority: str
    reference_number: str
    referred_on: date
    expected_by: date


def entry(case: Application, referral: Referral) -> ReferralEntry:
    return ReferralEntry(
        case.id,
        case.tracking_code,
        case.item.elements.name,
        referral.seq,
        referral.authority,
        referral.reference_number,
        referral.referred_on,
        referral.expected_by,
    )


def pending(case: Application) -> Referral | None:
    return next((r for r in case.referrals if r.status is ReferralStatus.PENDING), None)


def _text(problems: list[Violation], value: str, label: str, field_: str, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        problems.append(Violation(ReferralCode.REQUIRED, f"{label}不能为空", field_))
    elif len(text) > MAX_TEXT:
        problems.append(Violation(ReferralCode.TOO_LONG, f"{label}不能超过{MAX_TEXT}个字符", field_))
    return text


def refer(
    case: Application,
    actor: Principal,
    now: datetime,
    authority: str,
    reference_number: str,
    tracker_id: str,
    tracker_department_id: str | None,
    expected_days: int | None,
    note: str,
    calendar: WorkingDayCalendar,
) -> Transition:
    """The lead department refers a step to the higher authority and names its tracker."""
    from chalicelib.domain import application as da
    from chalicelib.domain.catalogue import SpecialStepKind
    from chalicelib.domain.identity import Role

    who = da.require_role(actor, Role.REVIEWER, Role.APPROVER)
    da.require_state(case, da.State.IN_REVIEW)
    da.require_department(actor, case.lead_department_id)
    if pending(case) is not None:
        raise DomainError.one(ReferralCode.REFERRAL_PENDING, "已有上报件尚未办结", "id")
    step = next((s for s in case.item.elements.special_steps if s.kind is SpecialStepKind.REFERRAL_UPWARD), None)
    problems: list[Violation] = []
    to_whom = _text(problems, authority, "上报机关", "authority")
    reference = _text(problems, reference_number, "上报文号", "referenceNumber")
    text = _text(problems, note, "说明", "note", required=False)
    if tracker_department_id != case.lead_department_id:
        problems.append(
            Violation(ReferralCode.TRACKER_NOT_IN_DEPARTMENT, "跟踪责任人须为窗口单位(牵头部门)工作人员", "trackerId")
        )
    days = expected_days if expected_days is not None else (step.max_days if step else None)
    if days is None:
        problems.append(Violation(ReferralCode.REQUIRED, "该事项未设置上报时限,请填写预期办结工作日", "expectedDays"))
    elif not 1 <= days <= (step.max_days if step else MAX_EXPECTED_DAYS):
        limit = step.max_days if step else MAX_EXPECTED_DAYS
        problems.append(Violation(da.Code.OUT_OF_RANGE, f"预期办结时限应在1至{limit}个工作日之间", "expectedDays"))
    if problems:
        raise DomainError(problems)
    assert days is not None
    today = da.china_date(now)
    counts = step.counts_toward_limit if step else True
    referral = Referral(
        seq=len(case.referrals) + 1,
        authority=to_whom,
        reference_number=reference,
        referred_on=today,
        referred_by=who,
        tracker_id=tracker_id,
        department_id=case.lead_department_id,
        expected_days=days,
        expected_by=calendar.add_working_days(today, days),
        counts_toward_limit=counts,
        note=text,
    )
    # The pause (or not) is the special-step mechanism's, capped at the item's published maximum.
    run = da.SpecialStepRun(
        SpecialStepKind.REFERRAL_UPWARD, step.name if step else "上报上级机关审批", counts, today, who, note=to_whom
    )
    updated = replace(case, referrals=(*case.referrals, referral), special_steps=(*case.special_steps, run))
    reason = f"上报{to_whom}({reference})" + ("" if counts else ",不计入办理时限,计时暂停")
    return da.move(case, updated, "refer", actor, now.isoformat(timespec="seconds"), reason)


def record_result(
    case: Application,
    actor: Principal,
    now: datetime,
    outcome: ReferralOutcome,
    result_reference: str,
    document: ReferralDocument | None,
) -> Transition:
    """The higher authority's result comes back: recorded with its document; the clock resumes."""
    from chalicelib.domain import application as da
    from chalicelib.domain.catalogue import SpecialStepKind
    from chalicelib.domain.identity import Role

    who = da.require_role(actor, Role.REVIEWER, Role.APPROVER)
    referral = pending(case)
    if referral is None:
        raise DomainError.one(ReferralCode.NO_REFERRAL, "该办件没有待回复的上报件", "id")
    if who != referral.tracker_id:
        da.require_department(actor, referral.department_id)
    problems: list[Violation] = []
    reference = _text(problems, result_reference, "批复文号", "resultReference")
    if document is None:
        problems.append(Violation(ReferralCode.DOCUMENT_MISSING, "请上传上级机关的批复文件", "document"))
    if problems:
        raise DomainError(problems)
    today = da.china_date(now)
    returned = replace(
        referral,
        status=ReferralStatus.RETURNED,
        outcome=outcome,
        result_reference=reference,
        result_on=today,
        recorded_by=who,
        document=document,
    )
    running = case.running_step(SpecialStepKind.REFERRAL_UPWARD)
    steps = tuple(replace(s, ended_on=today) if s is running else s for s in case.special_steps)
    referrals = tuple(returned if r is referral else r for r in case.referrals)
    label = "同意" if outcome is ReferralOutcome.APPROVED else "不同意"
    updated = replace(case, referrals=referrals, special_steps=steps)
    return da.move(
        case,
        updated,
        "referral_result",
        actor,
        now.isoformat(timespec="seconds"),
        f"{referral.authority}批复{label}({reference})",
    )
