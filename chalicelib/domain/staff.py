"""Window staff (窗口工作人员): records, posting to windows, AB cover and return to the unit.

Seed 004 三(二): window staff have worked in their unit for at least 2 years, are established
staff (正式在编) with a law-enforcement qualification; the window leader heads the section that
approves; every window person has a named backup (候补队员, AB岗) who covers while they are on
leave, and leave is refused unless the backup is on duty (否则一律不准请假); an unqualified
person is returned to the unit (退回原单位). Seed 001 三(一)2: a department posts at least 2
people and names an office director; 三(五)1: changes of posted staff are published.

Plain data and rules; storage and GraphQL live elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Role
from chalicelib.domain.text import INVALID_CHARACTERS, character_problem, visible

MIN_UNIT_YEARS = 2  # seed 004 三(二): 在本单位工作2年以上
MIN_DEPARTMENT_POSTED = 2  # seed 001 三(一)2: 最少向窗口派驻2名工作人员
MAX_TEXT = 500
MAX_LEAVE_DAYS = 90
KEPT_LEAVES = 40  # a post keeps its recent leaves (older ones end long before any decision)


class StaffCode:
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    DUPLICATE = "DUPLICATE"
    UNKNOWN_DEPARTMENT = "UNKNOWN_DEPARTMENT"
    WRONG_DEPARTMENT = "WRONG_DEPARTMENT"
    UNIT_YEARS = "UNIT_YEARS"
    NOT_ESTABLISHED = "NOT_ESTABLISHED"
    NO_ENFORCEMENT_QUALIFICATION = "NO_ENFORCEMENT_QUALIFICATION"
    NOT_WINDOW_STAFF = "NOT_WINDOW_STAFF"
    ALREADY_POSTED = "ALREADY_POSTED"
    ALREADY_BACKUP = "ALREADY_BACKUP"
    SAME_PERSON = "SAME_PERSON"
    RETURNED = "RETURNED"
    NOT_POSTED = "NOT_POSTED"
    NOT_SECTION_HEAD = "NOT_SECTION_HEAD"
    FORBIDDEN = "FORBIDDEN"
    NOT_POST_HOLDER = "NOT_POST_HOLDER"
    BACKUP_ABSENT = "BACKUP_ABSENT"
    BACKUP_ON_LEAVE = "BACKUP_ON_LEAVE"
    COVERING = "COVERING"
    LEAVE_OVERLAP = "LEAVE_OVERLAP"
    POST_UNSTAFFED = "POST_UNSTAFFED"


class PostKind(StrEnum):
    COMPREHENSIVE = "comprehensive"  # 综合窗口: accepts for every department
    DEPARTMENT = "department"


class StaffStatus(StrEnum):
    IN_UNIT = "in_unit"  # in the home unit, not at a window
    POSTED = "posted"  # 派驻: holds a window post or backs one up
    RETURNED = "returned"  # 退回原单位: the centre sent them back; never posted again


@dataclass(frozen=True)
class Leave:
    """Granted leave of a post's A person; the backup holds the post from `start` to `end`."""

    id: str
    staff_id: str
    start: date
    end: date
    reason: str
    granted_at: str

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end


@dataclass(frozen=True)
class WindowPost:
    """A window post with its AB backup (seed 004: AB岗 so no window is ever unstaffed).

    `staff_id`/`backup_staff_id` are empty for a post nobody has been posted to yet.
    """

    id: str
    centre_id: str
    name: str
    kind: PostKind
    staff_id: str
    backup_staff_id: str
    department_id: str | None = None
    duties: str = ""
    leaves: tuple[Leave, ...] = ()

    @property
    def ref(self) -> str:
        return f"{self.centre_id}/{self.id}"

    @property
    def staffed(self) -> bool:
        return bool(self.staff_id and self.backup_staff_id)

    def leave_on(self, day: date) -> Leave | None:
        return next((leave for leave in self.leaves if leave.covers(day)), None)

    def holder_on(self, day: date) -> str:
        """Who holds the post that day: the backup while A is on granted leave, else A. The
        handover back needs no job: it follows from the leave's dates. A post whose A was returned
        to the unit is held by its backup until someone new is posted."""
        if not self.staff_id or self.leave_on(day):
            return self.backup_staff_id
        return self.staff_id


@dataclass(frozen=True)
class Staff:
    """A staff member's record. Window-posting fields default so seeded back-office staff stay
    valid; `status` and the post references are kept by posting and return."""

    id: str
    name: str
    roles: frozenset[Role]
    department_id: str
    centre_id: str
    staff_number: str = ""
    established: bool = False  # 正式在编
    joined_unit_on: date | None = None
    enforcement_cert_no: str = ""  # 行政执法证号
    photo_ref: str = ""
    heads_section: str = ""  # name of the section this person heads (科室负责人), if any
    section_approves: bool = False  # that section is the one responsible for approvals
    # 单位副职负责人: a deputy head of the unit. Seed 004 三(一) puts the unit's leaders (单位负责人,
    # 轮流到窗口值班) on window duty in turn, so deputies join the head on the duty roster.
    deputy_head: bool = False
    window_since: date | None = None
    status: StaffStatus = StaffStatus.IN_UNIT
    post_ref: str | None = None  # `<centre>/<post>` held as A
    backup_ref: str | None = None  # `<centre>/<post>` backed up as B
    return_reason: str = ""
    version: int = 1
    # Leave granted to this person as A of a post, mirrored from the post (seed 004 三(二)) so the
    # per-request standing check reads one record: while on leave the post's work is the backup's.
    leaves: tuple[Leave, ...] = ()

    def on_leave(self, day: date) -> bool:
        return any(leave.covers(day) for leave in self.leaves)


@dataclass(frozen=True)
class StaffVersion:
    """One published change of a staff record (seed 001 三(五)1: 派驻人员的调整…向社会公布)."""

    staff: Staff
    change: str  # create | change | post | backup | unpost | return
    by: str
    at: str
    reason: str


def _text(value: str, field: str, required: bool, violations: list[Violation], label: str) -> str:
    text = value.strip()
    if required and not visible(text):
        violations.append(Violation(StaffCode.REQUIRED, f"请填写{label}", field))
    elif len(text) > MAX_TEXT:
        violations.append(Violation(StaffCode.TOO_LONG, f"{label}不能超过{MAX_TEXT}个字符", field))
    elif problem := character_problem(text, label):
        violations.append(Violation(INVALID_CHARACTERS, problem, field))
    return text


def validate_record(staff: Staff, today: date) -> Staff:
    """Every problem of an administrator's record at once; returns it with text trimmed."""
    v: list[Violation] = []
    name = _text(staff.name, "name", True, v, "姓名")
    number = _text(staff.staff_number, "staffNumber", True, v, "工号")
    cert = _text(staff.enforcement_cert_no, "enforcementCertNo", False, v, "执法证号")
    photo = _text(staff.photo_ref, "photoRef", False, v, "照片")
    section = _text(staff.heads_section, "headsSection", False, v, "所负责科室")
    if staff.joined_unit_on is not None and staff.joined_unit_on > today:
        v.append(Violation(StaffCode.OUT_OF_RANGE, "到本单位工作日期不能晚于今天", "joinedUnitOn"))
    if staff.section_approves and not section:
        v.append(Violation(StaffCode.REQUIRED, "负责审批的科室须写明科室名称", "headsSection"))
    if not staff.roles:
        v.append(Violation(StaffCode.REQUIRED, "请至少指定一个角色", "roles"))
    if v:
        raise DomainError(v)
    return replace(
        staff, name=name, staff_number=number, enforcement_cert_no=cert, photo_ref=photo, heads_section=section
    )


def unit_years_met(staff: Staff, today: date) -> bool:
    joined = staff.joined_unit_on
    if joined is None:
        return False
    try:
        anniversary = joined.replace(year=joined.year + MIN_UNIT_YEARS)
    except ValueError:  # 29 February
        anniversary = date(joined.year + MIN_UNIT_YEARS, 3, 1)
    return anniversary <= today


def posting_problems(staff: Staff, post: WindowPost, role: str, field: str, today: date) -> list[Violation]:
    """Seed 004 三(二) for one person posted to `post` as A or B (role "A" or "B")."""
    v: list[Violation] = []
    who = f"{staff.name}({staff.id})"
    if staff.status is StaffStatus.RETURNED:
        v.append(Violation(StaffCode.RETURNED, f"{who}已被退回原单位,不得再派驻窗口", field))
        return v
    if Role.CLERK not in staff.roles:
        v.append(Violation(StaffCode.NOT_WINDOW_STAFF, f"{who}不是窗口工作人员(须具备窗口受理角色)", field))
    if post.kind is PostKind.DEPARTMENT and staff.department_id != post.department_id:
        v.append(Violation(StaffCode.WRONG_DEPARTMENT, f"{who}不属于该窗口的派驻部门", field))
    if staff.centre_id != post.centre_id:
        v.append(Violation(StaffCode.WRONG_DEPARTMENT, f"{who}不属于该窗口所在的中心", field))
    if not unit_years_met(staff, today):
        v.append(Violation(StaffCode.UNIT_YEARS, f"{who}在本单位工作不满{MIN_UNIT_YEARS}年,不得派驻窗口", field))
    if not staff.established:
        v.append(Violation(StaffCode.NOT_ESTABLISHED, f"{who}不是正式在编人员,不得派驻窗口", field))
    if not staff.enforcement_cert_no:
        v.append(Violation(StaffCode.NO_ENFORCEMENT_QUALIFICATION, f"{who}不具备行政执法资格,不得派驻窗口", field))
    if role == "A" and staff.post_ref not in (None, post.ref):
        v.append(Violation(StaffCode.ALREADY_POSTED, f"{who}已派驻在其他窗口({staff.post_ref})", field))
    if role == "B" and staff.backup_ref not in (None, post.ref):
        v.append(Violation(StaffCode.ALREADY_BACKUP, f"{who}已是其他窗口({staff.backup_ref})的B岗", field))
    return v


def _standing(staff: Staff) -> StaffStatus:
    if staff.status is StaffStatus.RETURNED:
        return StaffStatus.RETURNED
    return StaffStatus.POSTED if staff.post_ref or staff.backup_ref else StaffStatus.IN_UNIT


def with_posts(staff: Staff, post_ref: str | None, backup_ref: str | None, today: date) -> Staff:
    """The record after a posting change: status follows the posts held."""
    changed = replace(staff, post_ref=post_ref, backup_ref=backup_ref, version=staff.version + 1)
    status = _standing(changed)
    since = staff.window_since if status is StaffStatus.POSTED else None
    return replace(changed, status=status, window_since=since or (today if status is StaffStatus.POSTED else None))


def returned(staff: Staff, reason: str) -> Staff:
    """退回原单位: the posting ends for good, with the reason on record."""
    if staff.status is StaffStatus.RETURNED:
        raise DomainError.one(StaffCode.RETURNED, "该人员已被退回原单位", "staffId")
    text = reason.strip()
    if not text:
        raise DomainError.one(StaffCode.REQUIRED, "请填写退回原因", "reason")
    if len(text) > MAX_TEXT:
        raise DomainError.one(StaffCode.TOO_LONG, f"退回原因不能超过{MAX_TEXT}个字符", "reason")
    return replace(
        staff,
        status=StaffStatus.RETURNED,
        post_ref=None,
        backup_ref=None,
        window_since=None,
        return_reason=text,
        version=staff.version + 1,
    )


def seeded_standing(staff: Staff, posts: list[WindowPost]) -> Staff:
    """Seed data: people named on posts are posted (their qualifications are the seed's)."""
    post_ref = next((p.ref for p in posts if p.staff_id == staff.id), None)
    backup_ref = next((p.ref for p in posts if p.backup_staff_id == staff.id), None)
    if not (post_ref or backup_ref):
        return staff
    return replace(staff, post_ref=post_ref, backup_ref=backup_ref, status=StaffStatus.POSTED)


# --- leave and AB cover ---------------------------------------------------------------------------


def check_leave_dates(start: date, end: date, today: date) -> None:
    v: list[Violation] = []
    if start < today:
        v.append(Violation(StaffCode.OUT_OF_RANGE, "请假不能从过去的日期开始", "start"))
    if end < start:
        v.append(Violation(StaffCode.OUT_OF_RANGE, "请假结束日期不能早于开始日期", "end"))
    elif (end - start).days + 1 > MAX_LEAVE_DAYS:
        v.append(Violation(StaffCode.OUT_OF_RANGE, f"一次请假不能超过{MAX_LEAVE_DAYS}天", "end"))
    if v:
        raise DomainError(v)


def grant_leave(
    post: WindowPost,
    requester: str,
    leave: Leave,
    backup: Staff | None,
    backup_own_post: WindowPost | None,
    covered_post: WindowPost | None,
) -> WindowPost:
    """Seed 004 三(二): leave only while the backup is on duty (否则一律不准请假).

    `backup_own_post` is the post the backup holds as A (their own leave takes them away);
    `covered_post` is the post the requester backs up (they cannot leave while covering it).
    """
    if requester != post.staff_id:
        raise DomainError.one(StaffCode.NOT_POST_HOLDER, "只有该窗口的A岗人员本人可以请假", "postId")
    v: list[Violation] = []
    if any(other.overlaps(leave.start, leave.end) for other in post.leaves):
        v.append(Violation(StaffCode.LEAVE_OVERLAP, "该期间已有请假记录", "start"))
    if backup is None or backup.status is not StaffStatus.POSTED or backup.backup_ref != post.ref:
        v.append(Violation(StaffCode.BACKUP_ABSENT, "B岗人员不在岗(未派驻或已退回),不准请假", "postId"))
    elif backup_own_post is not None and any(
        other.staff_id == backup.id and other.overlaps(leave.start, leave.end) for other in backup_own_post.leaves
    ):
        v.append(Violation(StaffCode.BACKUP_ON_LEAVE, "B岗人员在此期间请假,A、B岗不能同时请假", "start"))
    if covered_post is not None and any(other.overlaps(leave.start, leave.end) for other in covered_post.leaves):
        v.append(Violation(StaffCode.COVERING, f"此期间您正为{covered_post.name}顶岗,不准请假", "start"))
    if v:
        raise DomainError(v)
    kept = tuple(sorted((*post.leaves, leave), key=lambda x: x.start))[-KEPT_LEAVES:]
    return replace(post, leaves=kept)


def mirror_leave(staff: Staff, leave: Leave, today: date) -> Staff:
    """The person's own copy of a granted leave; ended leaves are dropped (the post keeps history)."""
    current = tuple(x for x in staff.leaves if x.end >= today)
    return replace(staff, leaves=tuple(sorted((*current, leave), key=lambda x: x.start)))


POST_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,39}$")
ACCOUNT = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


# --- a department's window (seed 001 三(一)2, seed 004 三(二)) ---------------------------------------


@dataclass(frozen=True)
class DepartmentWindow:
    """Who leads a department's presence at its centre: the window leader (窗口负责人, who must head
    the approving section) and the director of its approval service office (一名实职科长)."""

    department_id: str
    centre_id: str
    leader_staff_id: str
    office_director_staff_id: str
    version: int = 1


@dataclass(frozen=True)
class WindowStaffing:
    """Whether a department's window is staffed as seed 001 三(一)2 asks: at least 2 people posted
    (A or B on its department posts) and an office director named. Posting is never blocked for
    this (the first person could not be posted otherwise): the window simply is not "staffed"
    until both hold, and the list of gaps says why."""

    department_id: str
    posted: tuple[str, ...]
    window: DepartmentWindow | None

    @property
    def gaps(self) -> tuple[str, ...]:
        out = []
        if len(self.posted) < MIN_DEPARTMENT_POSTED:
            out.append(f"派驻窗口人员不足{MIN_DEPARTMENT_POSTED}名(现有{len(self.posted)}名)")
        if self.window is None or not self.window.office_director_staff_id:
            out.append("未指定行政审批服务办公室主任")
        if self.window is None or not self.window.leader_staff_id:
            out.append("未指定窗口负责人")
        return tuple(out)

    @property
    def staffed(self) -> bool:
        return not self.gaps


def staffing(department_id: str, posts: list[WindowPost], window: DepartmentWindow | None) -> WindowStaffing:
    people = sorted(
        {p for post in posts if post.department_id == department_id for p in (post.staff_id, post.backup_staff_id) if p}
    )
    return WindowStaffing(department_id, tuple(people), window)


def check_window_leads(department_id: str, leader: Staff | None, director: Staff | None) -> None:
    """Seed 004 三(二): 窗口负责人必须是负责审批的科室负责人; seed 001 三(一)2: 由一名实职科长任办公室主任."""
    v: list[Violation] = []
    if leader is None or leader.department_id != department_id:
        v.append(Violation(StaffCode.WRONG_DEPARTMENT, "窗口负责人须为本部门工作人员", "leaderStaffId"))
    elif not (leader.heads_section and leader.section_approves):
        v.append(Violation(StaffCode.NOT_SECTION_HEAD, "窗口负责人必须是负责审批的科室负责人", "leaderStaffId"))
    elif leader.status is StaffStatus.RETURNED:
        v.append(Violation(StaffCode.RETURNED, "该人员已被退回原单位", "leaderStaffId"))
    if director is None or director.department_id != department_id:
        v.append(Violation(StaffCode.WRONG_DEPARTMENT, "办公室主任须为本部门工作人员", "officeDirectorStaffId"))
    elif not director.heads_section:
        v.append(Violation(StaffCode.NOT_SECTION_HEAD, "办公室主任须由一名实职科长担任", "officeDirectorStaffId"))
    elif director.status is StaffStatus.RETURNED:
        v.append(Violation(StaffCode.RETURNED, "该人员已被退回原单位", "officeDirectorStaffId"))
    if v:
        raise DomainError(v)
