"""Delegation lifecycle (下放职权的调整, seed 003 二(一)–(二)).

Seed 003 二(一)2: the city publishes two guidance catalogues of delegable powers (一类 and 二类
指导目录); each receiving centre (a district or functional zone) is assigned one, and may only
take on powers its catalogue lists. 二(二)1–2: following 「大稳定、小调整」 a receiving centre
drafts an adjustment list (powers to take on or to return, with reasons) and applies to the
reform office (市改革办), which reviews it with the city departments; the city government approves
it; the approved changes are published as an adjustment memo (职权调整备忘录), and only applying
that memo changes the delegations. A returned power takes no new cases at the centre, while cases
already filed there finish where they were filed (they keep the item version they were filed under).

Who acts (documented in the README): an administrator (`admin`) of the receiving centre submits;
a city-level administrator reviews for the reform office, records the government's approval (with
its reference number) and applies the memo. Pure rules only: storage and GraphQL live elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from chalicelib.domain import transaction_budget
from chalicelib.domain.catalogue import Centre, CentreLevel, Department, ItemStatus, ServiceItem, is_subordinate
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role

MAX_CHANGES = 6  # 大稳定、小调整: a few powers at a time (and one memo is one transaction)
MAX_TEXT = 500
MAX_CATALOGUE = 300
MAX_CO_REVIEWERS = transaction_budget.max_co_reviewers()  # as the catalogue's delegate rule


class GuidanceTier(StrEnum):
    TIER_ONE = "tier_one"  # 一类指导目录 (development zones with more capacity)
    TIER_TWO = "tier_two"  # 二类指导目录 (other new areas)


TIER_LABEL = {GuidanceTier.TIER_ONE: "一类指导目录", GuidanceTier.TIER_TWO: "二类指导目录"}


class AdjustmentKind(StrEnum):
    TAKE_ON = "take_on"  # 承接: the centre takes on a power (the catalogue's delegate change)
    RETURN = "return"  # 交回: the power goes back to the city (the catalogue's undelegate change)


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the reform office
    REVIEWED = "reviewed"  # the reform office passed it to the government
    APPROVED = "approved"  # the government approved it: the memo is published
    REFUSED = "refused"  # the reform office or the government refused it


class DelegationCode:
    """English error codes of the delegation lifecycle (the API exposes them as an enum)."""

    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    DUPLICATE = "DUPLICATE"
    UNKNOWN_ITEM = "UNKNOWN_ITEM"
    UNKNOWN_DEPARTMENT = "UNKNOWN_DEPARTMENT"
    NOT_RECEIVING_CENTRE = "NOT_RECEIVING_CENTRE"
    NO_TIER = "NO_TIER"
    OUTSIDE_TIER = "OUTSIDE_TIER"
    NOT_SUBORDINATE_CENTRE = "NOT_SUBORDINATE_CENTRE"
    ITEM_NOT_PUBLISHED = "ITEM_NOT_PUBLISHED"
    ALREADY_DELEGATED = "ALREADY_DELEGATED"
    NOT_DELEGATED = "NOT_DELEGATED"
    RECEIVING_DEPARTMENT_REQUIRED = "RECEIVING_DEPARTMENT_REQUIRED"
    DEPARTMENT_NOT_AT_CENTRE = "DEPARTMENT_NOT_AT_CENTRE"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    SAME_PERSON = "SAME_PERSON"
    MEMO_ALREADY_APPLIED = "MEMO_ALREADY_APPLIED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    CONFLICT = "CONFLICT"


@dataclass(frozen=True)
class GuidanceCatalogue:
    """The powers one tier of receiving centres may take on, as last set (who, when, why)."""

    tier: GuidanceTier
    item_codes: tuple[str, ...]
    set_by: str
    set_at: str
    reason: str


@dataclass(frozen=True)
class TierAssignment:
    """Which guidance catalogue a receiving centre follows."""

    centre_id: str
    tier: GuidanceTier
    assigned_by: str
    assigned_at: str
    reason: str


@dataclass(frozen=True)
class AdjustmentChange:
    """One line of the adjustment list. For a power taken on, the receiving centre's department
    that exercises it (lead) and any co-reviewing departments travel as data to the catalogue's
    delegate change (同权审批 names them there)."""

    kind: AdjustmentKind
    item_code: str
    reason: str
    receiving_department_id: str | None = None
    co_reviewer_department_ids: tuple[str, ...] = ()
    item_name: str = ""  # as published when the centre applied (the memo lists it)


@dataclass(frozen=True)
class Step:
    """A decision on the request: who, when, and what they wrote."""

    by: str
    at: str
    note: str
    passed: bool


@dataclass(frozen=True)
class AdjustmentRequest:
    id: str
    centre_id: str
    changes: tuple[AdjustmentChange, ...]
    reason: str
    status: RequestStatus
    submitted_by: str
    submitted_at: str
    review: Step | None = None  # the reform office
    approval: Step | None = None  # the city government (recorded with its reference number)
    approval_reference: str = ""
    memo_id: str | None = None


@dataclass(frozen=True)
class AdjustmentMemo:
    """职权调整备忘录: the published list of every approved change; applying it changes the
    delegations, once."""

    id: str
    request_id: str
    centre_id: str
    changes: tuple[AdjustmentChange, ...]
    approval_reference: str
    published_at: str
    published_by: str
    applied_at: str | None = None
    applied_by: str | None = None

    @property
    def applied(self) -> bool:
        return self.applied_at is not None


def _fail(code: str, message: str, field_: str | None = None) -> DomainError:
    return DomainError.one(code, message, field_)


def _text(problems: list[Violation], value: str, label: str, field_: str) -> str:
    text = value.strip()
    if not text:
        problems.append(Violation(DelegationCode.REQUIRED, f"{label}不能为空", field_))
    elif len(text) > MAX_TEXT:
        problems.append(Violation(DelegationCode.TOO_LONG, f"{label}不能超过{MAX_TEXT}个字符", field_))
    return text


# --- who may act --------------------------------------------------------------------------------


def is_city_admin(principal: Principal, centres: dict[str, Centre]) -> bool:
    """The reform office's seat: an administrator of a city-level centre."""
    centre = centres.get(principal.centre_id or "")
    return principal.has_any(Role.ADMIN) and centre is not None and centre.level is CentreLevel.CITY


def require_city_admin(principal: Principal, centres: dict[str, Centre]) -> str:
    if principal.subject is None or not is_city_admin(principal, centres):
        raise _fail(DelegationCode.FORBIDDEN, "只有市级改革办(市级中心管理员)可以办理职权调整")
    return principal.subject


def require_receiving_centre(centre_id: str, centres: dict[str, Centre]) -> Centre:
    """Powers are delegated to district and functional-zone centres (seed 003 新区)."""
    centre = centres.get(centre_id)
    if centre is None or centre.level not in (CentreLevel.DISTRICT, CentreLevel.ZONE):
        raise _fail(DelegationCode.NOT_RECEIVING_CENTRE, "只有区、功能区分中心可以承接下放职权", "centreId")
    return centre


# --- guidance catalogues and tiers ---------------------------------------------------------------


def set_catalogue(
    tier: GuidanceTier, codes: list[str], items: dict[str, ServiceItem], actor: str, at: str, reason: str
) -> GuidanceCatalogue:
    problems: list[Violation] = []
    text = _text(problems, reason, "调整原因", "reason")
    if len(codes) > MAX_CATALOGUE:
        problems.append(Violation(DelegationCode.TOO_MANY, f"指导目录不能超过{MAX_CATALOGUE}项", "itemIds"))
    seen: set[str] = set()
    for i, code in enumerate(codes[:MAX_CATALOGUE]):
        if code in seen:
            problems.append(Violation(DelegationCode.DUPLICATE, f"事项{code}重复", f"itemIds[{i}]"))
        elif code not in items:
            problems.append(Violation(DelegationCode.UNKNOWN_ITEM, f"事项{code}不存在", f"itemIds[{i}]"))
        elif items[code].elements.level is not CentreLevel.CITY:
            problems.append(
                Violation(DelegationCode.NOT_SUBORDINATE_CENTRE, f"事项{code}不是市级职权", f"itemIds[{i}]")
            )
        seen.add(code)
    if problems:
        raise DomainError(problems)
    return GuidanceCatalogue(tier, tuple(codes), actor, at, text)


def assign_tier(
    centre_id: str, tier: GuidanceTier, centres: dict[str, Centre], actor: str, at: str, reason: str
) -> TierAssignment:
    require_receiving_centre(centre_id, centres)
    problems: list[Violation] = []
    text = _text(problems, reason, "确定原因", "reason")
    if problems:
        raise DomainError(problems)
    return TierAssignment(centre_id, tier, actor, at, text)


# --- the request ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """What checking a request needs to know about the network and the catalogue."""

    centres: dict[str, Centre]
    departments: dict[str, Department]
    items: dict[str, ServiceItem]
    tier: TierAssignment | None
    catalogue: GuidanceCatalogue | None


def check_changes(centre_id: str, changes: tuple[AdjustmentChange, ...], ref: Reference) -> list[Violation]:
    """Every problem of an adjustment list against the catalogue as it is now (checked when the
    centre submits and again when the memo is applied)."""
    problems: list[Violation] = []
    if not changes:
        problems.append(Violation(DelegationCode.REQUIRED, "调整清单至少包含一项", "changes"))
    if len(changes) > MAX_CHANGES:
        problems.append(
            Violation(DelegationCode.TOO_MANY, f"按照“大稳定、小调整”原则,一次调整不超过{MAX_CHANGES}项", "changes")
        )
    seen: set[str] = set()
    for i, change in enumerate(changes[:MAX_CHANGES]):
        f = f"changes[{i}]"
        _text(problems, change.reason, "调整理由", f"{f}.reason")
        if change.item_code in seen:
            problems.append(Violation(DelegationCode.DUPLICATE, f"事项{change.item_code}重复", f"{f}.itemId"))
            continue
        seen.add(change.item_code)
        item = ref.items.get(change.item_code)
        if item is None:
            problems.append(Violation(DelegationCode.UNKNOWN_ITEM, f"事项{change.item_code}不存在", f"{f}.itemId"))
            continue
        if item.status is not ItemStatus.PUBLISHED:
            problems.append(
                Violation(DelegationCode.ITEM_NOT_PUBLISHED, f"事项{item.code}已取消或已合并", f"{f}.itemId")
            )
            continue
        if change.kind is AdjustmentKind.RETURN:
            if centre_id not in item.delegated_centre_ids:
                problems.append(
                    Violation(DelegationCode.NOT_DELEGATED, f"事项{item.code}未下放给本中心", f"{f}.itemId")
                )
            continue
        problems.extend(_check_take_on(centre_id, change, item, ref, f))
    return problems


def _check_take_on(
    centre_id: str, change: AdjustmentChange, item: ServiceItem, ref: Reference, f: str
) -> list[Violation]:
    out: list[Violation] = []
    if centre_id in item.centre_ids:
        out.append(Violation(DelegationCode.ALREADY_DELEGATED, f"本中心已可办理事项{item.code}", f"{f}.itemId"))
    elif not is_subordinate(centre_id, item.home_centre_id, ref.centres):
        out.append(Violation(DelegationCode.NOT_SUBORDINATE_CENTRE, f"事项{item.code}不能下放给本中心", f"{f}.itemId"))
    elif ref.tier is None:
        out.append(Violation(DelegationCode.NO_TIER, "本中心尚未确定适用的指导目录", f"{f}.itemId"))
    elif ref.catalogue is None or item.code not in ref.catalogue.item_codes:
        label = TIER_LABEL[ref.tier.tier]
        out.append(Violation(DelegationCode.OUTSIDE_TIER, f"事项{item.code}不在本中心适用的{label}内", f"{f}.itemId"))
    lead = change.receiving_department_id
    if not lead:
        out.append(
            Violation(
                DelegationCode.RECEIVING_DEPARTMENT_REQUIRED,
                "请指定承接中心行使该职权的部门",
                f"{f}.receivingDepartmentId",
            )
        )
    elif lead not in ref.departments:
        out.append(Violation(DelegationCode.UNKNOWN_DEPARTMENT, "承接部门不存在", f"{f}.receivingDepartmentId"))
    elif ref.departments[lead].centre_id != centre_id:
        out.append(
            Violation(DelegationCode.DEPARTMENT_NOT_AT_CENTRE, "承接部门须属于承接中心", f"{f}.receivingDepartmentId")
        )
    if len(change.co_reviewer_department_ids) > MAX_CO_REVIEWERS:
        out.append(
            Violation(DelegationCode.TOO_MANY, f"协办部门不能超过{MAX_CO_REVIEWERS}个", f"{f}.coReviewerDepartmentIds")
        )
    for j, co in enumerate(change.co_reviewer_department_ids[:MAX_CO_REVIEWERS]):
        if co not in ref.departments:
            out.append(
                Violation(DelegationCode.UNKNOWN_DEPARTMENT, "协办部门不存在", f"{f}.coReviewerDepartmentIds[{j}]")
            )
        elif co == lead or change.co_reviewer_department_ids.index(co) != j:
            out.append(
                Violation(DelegationCode.DUPLICATE, "协办部门重复或与承接部门相同", f"{f}.coReviewerDepartmentIds[{j}]")
            )
    return out


def submit(
    request_id: str,
    centre_id: str,
    changes: tuple[AdjustmentChange, ...],
    reason: str,
    actor: Principal,
    at: str,
    ref: Reference,
) -> AdjustmentRequest:
    """An administrator of the receiving centre applies to the reform office (seed 003 二(二)1)."""
    if actor.subject is None or not actor.has_any(Role.ADMIN) or actor.centre_id != centre_id:
        raise _fail(DelegationCode.FORBIDDEN, "只有承接中心的管理员可以提出本中心的职权调整申请", "centreId")
    require_receiving_centre(centre_id, ref.centres)
    problems: list[Violation] = []
    text = _text(problems, reason, "申请理由", "reason")
    normalised = tuple(_normalise(c, ref.items.get(c.item_code)) for c in changes)
    problems.extend(check_changes(centre_id, normalised, ref))
    if problems:
        raise DomainError(problems)
    return AdjustmentRequest(request_id, centre_id, normalised, text, RequestStatus.SUBMITTED, actor.subject, at)


def _normalise(change: AdjustmentChange, item: ServiceItem | None) -> AdjustmentChange:
    name = item.elements.name if item else ""
    if change.kind is AdjustmentKind.TAKE_ON:
        return replace(change, reason=change.reason.strip(), item_name=name)
    return replace(
        change,
        reason=change.reason.strip(),
        receiving_department_id=None,
        co_reviewer_department_ids=(),
        item_name=name,
    )


def _note(note: str, label: str, required: bool) -> str:
    text = note.strip()
    if required and not text:
        raise _fail(DelegationCode.REQUIRED, f"{label}不能为空", "note")
    if len(text) > MAX_TEXT:
        raise _fail(DelegationCode.TOO_LONG, f"{label}不能超过{MAX_TEXT}个字符", "note")
    return text


def review(request: AdjustmentRequest, actor_id: str, passed: bool, note: str, at: str) -> AdjustmentRequest:
    """The reform office reviews with the city departments (审查); a refusal needs its reason."""
    if request.status is not RequestStatus.SUBMITTED:
        raise _fail(DelegationCode.ILLEGAL_TRANSITION, "该申请不在待审查状态")
    if actor_id == request.submitted_by:
        raise _fail(DelegationCode.SAME_PERSON, "申请人不能审查本人提出的申请")
    text = _note(note, "审查意见", required=not passed)
    status = RequestStatus.REVIEWED if passed else RequestStatus.REFUSED
    return replace(request, status=status, review=Step(actor_id, at, text, passed))


def approve(
    request: AdjustmentRequest, memo_id: str, actor_id: str, passed: bool, reference: str, note: str, at: str
) -> tuple[AdjustmentRequest, AdjustmentMemo | None]:
    """The government's decision (市政府审定), recorded with its reference number; approval
    publishes the memo listing every change."""
    if request.status is not RequestStatus.REVIEWED:
        raise _fail(DelegationCode.ILLEGAL_TRANSITION, "该申请尚未经改革办审查或已办结")
    text = _note(note, "审定意见", required=not passed)
    ref_text = reference.strip()
    if not ref_text:
        raise _fail(DelegationCode.REQUIRED, "请填写市政府审定文号", "approvalReference")
    if len(ref_text) > 100:
        raise _fail(DelegationCode.TOO_LONG, "审定文号不能超过100个字符", "approvalReference")
    step = Step(actor_id, at, text, passed)
    if not passed:
        return replace(request, status=RequestStatus.REFUSED, approval=step, approval_reference=ref_text), None
    memo = AdjustmentMemo(memo_id, request.id, request.centre_id, request.changes, ref_text, at, actor_id)
    approved = replace(
        request, status=RequestStatus.APPROVED, approval=step, approval_reference=ref_text, memo_id=memo_id
    )
    return approved, memo


def mark_applied(memo: AdjustmentMemo, actor_id: str, at: str) -> AdjustmentMemo:
    """A memo changes the delegations once: a second application is refused."""
    if memo.applied:
        raise _fail(DelegationCode.MEMO_ALREADY_APPLIED, f"该备忘录已于{memo.applied_at}执行,不能重复执行", "id")
    return replace(memo, applied_at=at, applied_by=actor_id)
