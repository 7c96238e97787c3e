"""The organisation (机构): centres of the multi-level network and their departments.

Seed 000 一 sets up the network: the city centre, district sub-centres and functional-zone
centres under it, township/street centres under those, and community service stations under the
townships (社区便民服务站). Seed 000 三(一)2 routes a case taken at any window to the centre that
holds the power (在地受理、按职权内部流转). Seed 003 二(三)2 gives each receiving centre its own
approval bureau (行政审批局), here a department kind. Centres and departments are changed like
catalogue items (seed 003: recorded and published): every change is an immutable version with
who, when and why. Plain data and rules only; storage and GraphQL live elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from chalicelib.domain import text
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.licence_identifier import valid_issuer_code


class CentreLevel(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    ZONE = "zone"  # 功能区
    TOWNSHIP = "township"  # 乡镇(街道)
    COMMUNITY = "community"  # 社区便民服务站


# Which level may sit under which (seed 000 一: city -> district/zone -> township -> community).
PARENT_LEVELS: dict[CentreLevel, frozenset[CentreLevel]] = {
    CentreLevel.CITY: frozenset(),
    CentreLevel.DISTRICT: frozenset({CentreLevel.CITY}),
    CentreLevel.ZONE: frozenset({CentreLevel.CITY}),
    CentreLevel.TOWNSHIP: frozenset({CentreLevel.DISTRICT, CentreLevel.ZONE}),
    CentreLevel.COMMUNITY: frozenset({CentreLevel.TOWNSHIP}),
}


class OrgStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"  # kept for the record (old cases name it); takes nothing new


class DepartmentKind(StrEnum):
    LINE = "line"  # 业务部门: exercises powers, reviews and decides
    BUREAU = "bureau"  # 行政审批局: issues certificates under the centre's own authority name
    OFFICE = "office"  # 管理办公室 / 便民服务科: runs the centre (windows, supervision)


@dataclass(frozen=True)
class Centre:
    id: str
    name: str
    level: CentreLevel
    parent_id: str | None
    address: str = ""
    phone: str = ""
    status: OrgStatus = OrgStatus.ACTIVE
    version: int = 1

    @property
    def is_active(self) -> bool:
        return self.status is OrgStatus.ACTIVE


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    centre_id: str
    supervision_phone: str = ""
    head_staff_id: str | None = None
    kind: DepartmentKind = DepartmentKind.LINE
    status: OrgStatus = OrgStatus.ACTIVE
    version: int = 1
    # GB/T 36903/36904: a bureau's unified social credit code names it in every licence identifier
    # it issues; its administrative division code is the licences' jurisdiction code.
    credit_code: str = ""
    division_code: str = ""

    @property
    def is_active(self) -> bool:
        return self.status is OrgStatus.ACTIVE


class OrgChangeKind(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    CLOSE = "close"


@dataclass(frozen=True)
class CentreVersion:
    """One published change of a centre: who, when, why, and the centre as it became."""

    centre: Centre
    change: OrgChangeKind
    actor_id: str
    at: str
    reason: str


@dataclass(frozen=True)
class DepartmentVersion:
    department: Department
    change: OrgChangeKind
    actor_id: str
    at: str
    reason: str


class OrgCode:
    """English error codes of the organisation domain (the API exposes them as an enum)."""

    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    INVALID_CODE = "INVALID_CODE"
    INVALID_PHONE = "INVALID_PHONE"
    DUPLICATE_ID = "DUPLICATE_ID"
    INVALID_HIERARCHY = "INVALID_HIERARCHY"
    UNKNOWN_CENTRE = "UNKNOWN_CENTRE"
    CENTRE_CLOSED = "CENTRE_CLOSED"
    ALREADY_CLOSED = "ALREADY_CLOSED"
    STALE_VERSION = "STALE_VERSION"
    REASON_REQUIRED = "REASON_REQUIRED"
    DUPLICATE_BUREAU = "DUPLICATE_BUREAU"
    OUTSIDE_SCOPE = "OUTSIDE_SCOPE"
    HAS_OPEN_CASES = "HAS_OPEN_CASES"
    HAS_SUB_CENTRES = "HAS_SUB_CENTRES"
    HAS_DEPARTMENTS = "HAS_DEPARTMENTS"
    HAS_POWERS = "HAS_POWERS"
    HAS_STAFF = "HAS_STAFF"
    NAMED_BY_ITEMS = "NAMED_BY_ITEMS"  # a current item still names the department (e.g. as co-reviewer)
    NO_COMPETENT_CENTRE = "NO_COMPETENT_CENTRE"
    ROUTING_LOOP = "ROUTING_LOOP"
    INVALID_CREDIT_CODE = "INVALID_CREDIT_CODE"  # GB 32100 check failed (a bureau's licences name it)
    INVALID_DIVISION_CODE = "INVALID_DIVISION_CODE"


ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
PHONE_PATTERN = re.compile(r"^[0-9][0-9-]{5,19}$")
DIVISION_PATTERN = re.compile(r"^[1-9][0-9]{5}$")  # GB/T 2260 administrative division code
MAX_NAME = 100
MAX_TEXT = 500


# ---------------------------------------------------------------------------------------------
# The hierarchy
# ---------------------------------------------------------------------------------------------


def validate_hierarchy(centres: dict[str, Centre]) -> None:
    """Every centre's parent exists and sits one level up (seed 000's city/district/township)."""
    violations: list[Violation] = []
    for centre in centres.values():
        allowed = PARENT_LEVELS[centre.level]
        parent = centres.get(centre.parent_id) if centre.parent_id else None
        if (not allowed and centre.parent_id is not None) or (
            allowed and (parent is None or parent.level not in allowed)
        ):
            violations.append(
                Violation(OrgCode.INVALID_HIERARCHY, f"{centre.name}的上级中心不正确", f"centres.{centre.id}")
            )
    if violations:
        raise DomainError(violations)


def chain_up(centre_id: str, centres: dict[str, Centre]) -> tuple[str, ...]:
    """The centre and every centre above it, nearest first. A cycle in the parent links (which
    validation prevents, but stored data could still hold) is a routing loop, never an endless walk."""
    chain: list[str] = []
    current = centres.get(centre_id)
    while current is not None:
        if current.id in chain:
            raise DomainError.one(OrgCode.ROUTING_LOOP, "中心上下级关系存在循环,无法流转办件", "centreId")
        chain.append(current.id)
        current = centres.get(current.parent_id) if current.parent_id else None
    return tuple(chain)


def is_subordinate(centre_id: str, ancestor_id: str, centres: dict[str, Centre]) -> bool:
    """True when `ancestor_id` is above `centre_id` in the hierarchy (delegation goes down)."""
    try:
        chain = chain_up(centre_id, centres)
    except DomainError:
        return False
    return ancestor_id in chain[1:]


def in_subtree(centre_id: str, root_id: str, centres: dict[str, Centre]) -> bool:
    """The centre is the root or below it (seed 000: a district oversees its townships)."""
    return centre_id == root_id or is_subordinate(centre_id, root_id, centres)


def subtree(root_id: str, centres: dict[str, Centre]) -> list[str]:
    """The root and every centre below it, the root first (statistics roll up over it)."""
    return [root_id, *sorted(c for c in centres if c != root_id and is_subordinate(c, root_id, centres))]


def oversight_centres(intake_centre_id: str, competent_centre_id: str, centres: dict[str, Centre]) -> tuple[str, ...]:
    """Whose supervisors oversee a case (seed 000 一: each management level guides and supervises
    the centres below it): the intake and competent centres and every centre above them."""
    chain = (*chain_up(intake_centre_id, centres), *chain_up(competent_centre_id, centres))
    return tuple(dict.fromkeys(chain))


def competent_centre(intake_centre_id: str, holders: set[str], centres: dict[str, Centre]) -> str:
    """在地受理、按职权内部流转 (seed 000 三(一)2): the nearest centre holding the power, walking up
    from the window that took the case (the window itself when it holds the power)."""
    if intake_centre_id not in centres:
        raise DomainError.one(OrgCode.UNKNOWN_CENTRE, "受理中心不存在", "centreId")
    if not centres[intake_centre_id].is_active:
        raise DomainError.one(OrgCode.CENTRE_CLOSED, "该中心已撤销,不再受理申请", "centreId")
    for centre_id in chain_up(intake_centre_id, centres):
        if centre_id in holders and centres[centre_id].is_active:
            return centre_id
    raise DomainError.one(OrgCode.NO_COMPETENT_CENTRE, "本中心及其上级中心均无该事项的办理权限,无法受理", "centreId")


# ---------------------------------------------------------------------------------------------
# Changes: each returns the new immutable version; the service commits it in one transaction.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgContext:
    actor_id: str
    at: str
    reason: str
    centres: dict[str, Centre]
    departments: dict[str, Department]


@dataclass(frozen=True)
class Usage:
    """What still depends on a centre or department; any of it refuses a closure."""

    open_cases: int = 0
    sub_centres: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    powers: tuple[str, ...] = ()  # item codes it owns or exercises by delegation
    staff: tuple[str, ...] = ()
    named_by: tuple[str, ...] = ()  # items naming it in another role, e.g. "ZS-ZRZY-001(协办)"


def _reason(ctx: OrgContext, out: list[Violation]) -> None:
    if not ctx.reason.strip():
        out.append(Violation(OrgCode.REASON_REQUIRED, "变更原因不能为空", "reason"))
    elif len(ctx.reason) > MAX_TEXT:
        out.append(Violation(OrgCode.TOO_LONG, f"变更原因不能超过{MAX_TEXT}个字符", "reason"))


def _text(out: list[Violation], field_: str, value: str, label: str, limit: int, required: bool = True) -> None:
    if required and not text.visible(value):
        out.append(Violation(OrgCode.REQUIRED, f"{label}不能为空", field_))
    elif len(value) > limit:
        out.append(Violation(OrgCode.TOO_LONG, f"{label}不能超过{limit}个字符", field_))
    elif problem := text.character_problem(value, label):
        out.append(Violation(text.INVALID_CHARACTERS, problem, field_))


def _phone(out: list[Violation], field_: str, value: str) -> None:
    if value and not PHONE_PATTERN.match(value):
        out.append(Violation(OrgCode.INVALID_PHONE, "电话格式不正确", field_))


def _check_version(status: OrgStatus, version: int, expected: int | None, out: list[Violation]) -> None:
    if status is OrgStatus.CLOSED:
        out.append(Violation(OrgCode.ALREADY_CLOSED, "该机构已撤销,不能再变更", "id"))
    elif expected is not None and expected != version:
        out.append(
            Violation(OrgCode.STALE_VERSION, f"已被他人更新(当前为第{version}版),请刷新后重试", "expectedVersion")
        )


def _raise(out: list[Violation]) -> None:
    if out:
        raise DomainError(out)


def _check_centre(centre: Centre, ctx: OrgContext, out: list[Violation]) -> None:
    _text(out, "name", centre.name, "中心名称", MAX_NAME)
    _text(out, "address", centre.address, "地址", MAX_TEXT, required=False)
    _phone(out, "phone", centre.phone)


def create_centre(centre: Centre, ctx: OrgContext) -> CentreVersion:
    """A new centre under an active parent one level up (seed 000 一)."""
    out: list[Violation] = []
    _reason(ctx, out)
    if not ID_PATTERN.match(centre.id):
        out.append(Violation(OrgCode.INVALID_CODE, "中心编码须为2至40位小写字母、数字或连字符", "code"))
    elif centre.id in ctx.centres:
        out.append(Violation(OrgCode.DUPLICATE_ID, f"中心编码{centre.id}已存在", "code"))
    _check_centre(centre, ctx, out)
    allowed = PARENT_LEVELS[centre.level]
    parent = ctx.centres.get(centre.parent_id) if centre.parent_id else None
    if not allowed:
        out.append(Violation(OrgCode.INVALID_HIERARCHY, "全网只有一个市级中心,不能再新增", "level"))
    elif parent is None:
        out.append(Violation(OrgCode.UNKNOWN_CENTRE, "上级中心不存在", "parentId"))
    elif parent.level not in allowed:
        out.append(Violation(OrgCode.INVALID_HIERARCHY, "上级中心的层级不正确", "parentId"))
    elif not parent.is_active:
        out.append(Violation(OrgCode.CENTRE_CLOSED, "上级中心已撤销", "parentId"))
    _raise(out)
    created = replace(centre, status=OrgStatus.ACTIVE, version=1)
    return CentreVersion(created, OrgChangeKind.CREATE, ctx.actor_id, ctx.at, ctx.reason)


def change_centre(
    current: Centre, name: str, address: str, phone: str, ctx: OrgContext, expected_version: int | None
) -> CentreVersion:
    """Name, address and phone change; level and parent do not (a move is a new centre)."""
    out: list[Violation] = []
    _reason(ctx, out)
    _check_version(current.status, current.version, expected_version, out)
    changed = replace(current, name=name, address=address, phone=phone, version=current.version + 1)
    _check_centre(changed, ctx, out)
    _raise(out)
    return CentreVersion(changed, OrgChangeKind.CHANGE, ctx.actor_id, ctx.at, ctx.reason)


def _usage_violations(usage: Usage, what: str) -> list[Violation]:
    out: list[Violation] = []
    if usage.open_cases:
        out.append(Violation(OrgCode.HAS_OPEN_CASES, f"该{what}尚有{usage.open_cases}件未办结办件,不能撤销", "id"))
    if usage.sub_centres:
        out.append(Violation(OrgCode.HAS_SUB_CENTRES, f"该{what}尚有下级中心:{'、'.join(usage.sub_centres)}", "id"))
    if usage.departments:
        out.append(Violation(OrgCode.HAS_DEPARTMENTS, f"该{what}尚有进驻部门:{'、'.join(usage.departments)}", "id"))
    if usage.powers:
        out.append(Violation(OrgCode.HAS_POWERS, f"该{what}尚在行使事项(含下放职权):{'、'.join(usage.powers)}", "id"))
    if usage.staff:
        out.append(Violation(OrgCode.HAS_STAFF, f"该{what}尚有在岗人员或窗口岗位:{'、'.join(usage.staff)}", "id"))
    if usage.named_by:
        listed = "、".join(usage.named_by)
        out.append(
            Violation(OrgCode.NAMED_BY_ITEMS, f"该{what}仍被事项列为协办或监管部门:{listed},请先调整事项要素", "id")
        )
    return out


def close_centre(current: Centre, usage: Usage, ctx: OrgContext, expected_version: int | None) -> CentreVersion:
    """撤销: only an empty centre closes (no open cases, sub-centres, departments, powers, posts)."""
    out: list[Violation] = []
    _reason(ctx, out)
    _check_version(current.status, current.version, expected_version, out)
    out += _usage_violations(usage, "中心")
    _raise(out)
    closed = replace(current, status=OrgStatus.CLOSED, version=current.version + 1)
    return CentreVersion(closed, OrgChangeKind.CLOSE, ctx.actor_id, ctx.at, ctx.reason)


def _check_department(department: Department, ctx: OrgContext, out: list[Violation]) -> None:
    _text(out, "name", department.name, "部门名称", MAX_NAME)
    _phone(out, "supervisionPhone", department.supervision_phone)
    if department.credit_code and not valid_issuer_code(department.credit_code):
        out.append(Violation(OrgCode.INVALID_CREDIT_CODE, "统一社会信用代码无效(18位,校验位须正确)", "creditCode"))
    if department.division_code and not DIVISION_PATTERN.match(department.division_code):
        out.append(Violation(OrgCode.INVALID_DIVISION_CODE, "行政区划代码应为6位数字", "divisionCode"))
    if department.kind is DepartmentKind.BUREAU:
        other = next(
            (
                d
                for d in ctx.departments.values()
                if d.centre_id == department.centre_id
                and d.kind is DepartmentKind.BUREAU
                and d.is_active
                and d.id != department.id
            ),
            None,
        )
        if other is not None:
            out.append(
                Violation(OrgCode.DUPLICATE_BUREAU, f"该中心已有行政审批局({other.name}),一个中心只设一个", "kind")
            )


def create_department(department: Department, ctx: OrgContext) -> DepartmentVersion:
    """A department belongs to one active centre; a centre has at most one approval bureau."""
    out: list[Violation] = []
    _reason(ctx, out)
    if not ID_PATTERN.match(department.id):
        out.append(Violation(OrgCode.INVALID_CODE, "部门编码须为2至40位小写字母、数字或连字符", "code"))
    elif department.id in ctx.departments:
        out.append(Violation(OrgCode.DUPLICATE_ID, f"部门编码{department.id}已存在", "code"))
    centre = ctx.centres.get(department.centre_id)
    if centre is None:
        out.append(Violation(OrgCode.UNKNOWN_CENTRE, "所属中心不存在", "centreId"))
    elif not centre.is_active:
        out.append(Violation(OrgCode.CENTRE_CLOSED, "所属中心已撤销", "centreId"))
    _check_department(department, ctx, out)
    _raise(out)
    created = replace(department, status=OrgStatus.ACTIVE, version=1)
    return DepartmentVersion(created, OrgChangeKind.CREATE, ctx.actor_id, ctx.at, ctx.reason)


def change_department(
    current: Department,
    name: str,
    supervision_phone: str,
    kind: DepartmentKind,
    ctx: OrgContext,
    expected_version: int | None,
    credit_code: str | None = None,
    division_code: str | None = None,
) -> DepartmentVersion:
    """None for the credit or division code keeps the recorded one."""
    out: list[Violation] = []
    _reason(ctx, out)
    _check_version(current.status, current.version, expected_version, out)
    changed = replace(current, name=name, supervision_phone=supervision_phone, kind=kind, version=current.version + 1)
    changed = replace(
        changed,
        credit_code=current.credit_code if credit_code is None else credit_code.strip().upper(),
        division_code=current.division_code if division_code is None else division_code.strip(),
    )
    _check_department(changed, ctx, out)
    _raise(out)
    return DepartmentVersion(changed, OrgChangeKind.CHANGE, ctx.actor_id, ctx.at, ctx.reason)


def close_department(
    current: Department, usage: Usage, ctx: OrgContext, expected_version: int | None
) -> DepartmentVersion:
    out: list[Violation] = []
    _reason(ctx, out)
    _check_version(current.status, current.version, expected_version, out)
    out += _usage_violations(usage, "部门")
    _raise(out)
    closed = replace(current, status=OrgStatus.CLOSED, version=current.version + 1)
    return DepartmentVersion(closed, OrgChangeKind.CLOSE, ctx.actor_id, ctx.at, ctx.reason)
