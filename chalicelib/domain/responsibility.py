"""Responsibility matrix (seed 003 二(三)4): every step of every item, at every centre, assigned
to a department, a responsible leader, a section, a post and a person.

「将每项职权、每个环节都明确到具体的职能部门、责任领导、业务科室、工作岗位和工作人员,同步建立监管清单,
并报市直对口部门备案。」 The person of a step that names a window post is whoever holds the post that
day (so the matrix stays current when staff are posted, go on leave or are returned); a named
person who was returned to the unit is flagged until the matrix is corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.staff import PostKind, Staff, StaffStatus, WindowPost

MAX_SECTION = 100


class ResponsibilityCode:
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    DUPLICATE_STEP = "DUPLICATE_STEP"
    STEP_MISSING = "STEP_MISSING"
    OTHER_DEPARTMENT = "OTHER_DEPARTMENT"
    OTHER_CENTRE = "OTHER_CENTRE"
    NOT_SECTION_HEAD = "NOT_SECTION_HEAD"
    WRONG_POST = "WRONG_POST"
    RETURNED = "RETURNED"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"


class StepKind(StrEnum):
    INTAKE = "intake"  # 受理
    REVIEW = "review"  # 审查
    SPECIAL_STEP = "special_step"  # 特别程序 (expert review, site inspection, hearing)
    DECISION = "decision"  # 决定
    CERTIFICATE = "certificate"  # 制证
    DELIVERY = "delivery"  # 送达


REQUIRED_STEPS = (StepKind.INTAKE, StepKind.REVIEW, StepKind.DECISION)
WINDOW_STEPS = frozenset({StepKind.INTAKE, StepKind.DELIVERY})  # done at a comprehensive window


@dataclass(frozen=True)
class Assignment:
    step: StepKind
    department_id: str
    leader_staff_id: str  # 责任领导
    section: str  # 业务科室
    post: str = ""  # 工作岗位: a window post `<centre>/<post>`, if the step is done at one
    staff_id: str = ""  # 工作人员: required unless a post names who does it


@dataclass(frozen=True)
class Matrix:
    item_code: str
    centre_id: str
    assignments: tuple[Assignment, ...]
    version: int
    updated_by: str
    updated_at: str
    filed_with: str = ""  # the delegating city department it was filed with (delegated powers)


@dataclass(frozen=True)
class Resolved:
    """One step as it stands today."""

    assignment: Assignment
    person: str  # the post's holder today, else the named person
    stale: bool  # the named person (no post) was returned to the unit
    acting_as_backup: bool = False  # the holder today is the post's AB backup (its A is away, 顶岗)


def validate(
    centre_id: str,
    assignments: tuple[Assignment, ...],
    department_centres: dict[str, str],
    staff: dict[str, Staff],
    posts: dict[str, WindowPost],
) -> None:
    """Every problem at once; naming someone from another department is `OTHER_DEPARTMENT`."""
    v: list[Violation] = []
    seen: set[StepKind] = set()
    for i, a in enumerate(assignments):
        p = f"assignments[{i}]"
        if a.step in seen:
            v.append(Violation(ResponsibilityCode.DUPLICATE_STEP, "同一环节只能指定一次", f"{p}.step"))
        seen.add(a.step)
        if a.department_id not in department_centres:
            v.append(Violation(ResponsibilityCode.NOT_FOUND, "部门不存在", f"{p}.departmentId"))
            continue
        if department_centres[a.department_id] != centre_id:
            v.append(Violation(ResponsibilityCode.OTHER_CENTRE, "职能部门须为本中心的部门", f"{p}.departmentId"))
        if not a.section.strip():
            v.append(Violation(ResponsibilityCode.REQUIRED, "请填写业务科室", f"{p}.section"))
        elif len(a.section) > MAX_SECTION:
            v.append(Violation(ResponsibilityCode.TOO_LONG, f"科室名称不能超过{MAX_SECTION}个字符", f"{p}.section"))
        leader = staff.get(a.leader_staff_id)
        if leader is None:
            v.append(Violation(ResponsibilityCode.NOT_FOUND, "责任领导不存在", f"{p}.leaderStaffId"))
        elif leader.department_id != a.department_id:
            v.append(
                Violation(
                    ResponsibilityCode.OTHER_DEPARTMENT, f"{leader.name}不属于该环节的职能部门", f"{p}.leaderStaffId"
                )
            )
        elif not leader.heads_section:
            v.append(
                Violation(
                    ResponsibilityCode.NOT_SECTION_HEAD,
                    f"{leader.name}不是科室负责人,不能任责任领导",
                    f"{p}.leaderStaffId",
                )
            )
        if a.post:
            post = posts.get(a.post)
            if post is None or post.centre_id != centre_id:
                v.append(Violation(ResponsibilityCode.NOT_FOUND, "窗口不存在", f"{p}.postId"))
            elif post.kind is PostKind.DEPARTMENT and post.department_id != a.department_id:
                v.append(Violation(ResponsibilityCode.OTHER_DEPARTMENT, "该窗口不属于该环节的职能部门", f"{p}.postId"))
            elif post.kind is PostKind.COMPREHENSIVE and a.step not in WINDOW_STEPS:
                v.append(Violation(ResponsibilityCode.WRONG_POST, "综合窗口只承担受理和送达环节", f"{p}.postId"))
        if a.staff_id:
            person = staff.get(a.staff_id)
            if person is None:
                v.append(Violation(ResponsibilityCode.NOT_FOUND, "工作人员不存在", f"{p}.staffId"))
            elif person.department_id != a.department_id and not _serves_at(person, a, posts):
                v.append(
                    Violation(
                        ResponsibilityCode.OTHER_DEPARTMENT, f"{person.name}不属于该环节的职能部门", f"{p}.staffId"
                    )
                )
            elif person.status is StaffStatus.RETURNED:
                v.append(Violation(ResponsibilityCode.RETURNED, f"{person.name}已被退回原单位", f"{p}.staffId"))
        elif not a.post:
            v.append(Violation(ResponsibilityCode.REQUIRED, "请指定工作人员或工作岗位", f"{p}.staffId"))
    for step in REQUIRED_STEPS:
        if step not in seen:
            v.append(Violation(ResponsibilityCode.STEP_MISSING, f"缺少{STEP_LABEL[step]}环节的责任人", "assignments"))
    if v:
        raise DomainError(v)


def _serves_at(person: Staff, a: Assignment, posts: dict[str, WindowPost]) -> bool:
    """A comprehensive window's staff (the bureau's clerks) serve every department at that post."""
    post = posts.get(a.post) if a.post else None
    return (
        post is not None
        and post.kind is PostKind.COMPREHENSIVE
        and a.step in WINDOW_STEPS
        and person.id
        in (
            post.staff_id,
            post.backup_staff_id,
        )
    )


STEP_LABEL = {
    StepKind.INTAKE: "受理",
    StepKind.REVIEW: "审查",
    StepKind.SPECIAL_STEP: "特别程序",
    StepKind.DECISION: "决定",
    StepKind.CERTIFICATE: "制证",
    StepKind.DELIVERY: "送达",
}


def resolve(matrix: Matrix, posts: dict[str, WindowPost], staff: dict[str, Staff], today: date) -> list[Resolved]:
    out = []
    for a in matrix.assignments:
        post = posts.get(a.post) if a.post else None
        holder = post.holder_on(today) if post else ""
        person = holder or a.staff_id
        named = staff.get(a.staff_id) if a.staff_id else None
        stale = not holder and (named is None or named.status is StaffStatus.RETURNED)
        backup = post is not None and bool(holder) and holder == post.backup_staff_id
        out.append(Resolved(a, person, stale, backup))
    return out


def step_of_case(state: str, paused: bool, awaiting_issue: bool) -> StepKind | None:
    """Which step a case is at, by its state (what staff see highlighted)."""
    if state in ("submitted", "notice_issued"):
        return StepKind.INTAKE
    if state == "in_review":
        return StepKind.SPECIAL_STEP if paused else StepKind.REVIEW
    if state == "rejection_reported":
        return StepKind.DECISION
    if state == "approved":
        return StepKind.CERTIFICATE if awaiting_issue else StepKind.DELIVERY
    return None
