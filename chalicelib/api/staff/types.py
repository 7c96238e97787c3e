"""GraphQL types of staff records, window posts with their AB cover, and supervision cards.

Staff records are for administrators, supervisors and the person themself; the published change
list and the supervision card show only what seed 001 三(四)3 / 三(五)1 make public.
"""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department, PostKind
from chalicelib.api.permissions import PUBLIC, STAFF, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import staff as ds
from chalicelib.domain.identity import Role
from chalicelib.domain.worklist import PostWorkEntry
from chalicelib.services.staff import SupervisionCard as CardRecord

StaffStatus = strawberry.enum(ds.StaffStatus, name="StaffStatus")
StaffRole = strawberry.enum(Role, name="StaffRole")


def post_global_id(post_ref: str | None) -> strawberry.ID | None:
    return global_id("WindowPost", post_ref) if post_ref else None


@visible_to(STAFF)
@strawberry.type(description="A staff member's record (seed 004 三(二)).")
class StaffMember:
    id: strawberry.ID
    account: str = strawberry.field(description="The token subject of this person.")
    name: str
    staff_number: str
    roles: list[StaffRole]  # type: ignore[valid-type]
    established: bool = strawberry.field(description="正式在编.")
    joined_unit_on: date | None
    enforcement_cert_no: str = strawberry.field(description="行政执法证号 (empty: not qualified).")
    photo_ref: str
    heads_section: str
    section_approves: bool
    deputy_head: bool = strawberry.field(description="单位副职负责人 (on the leaders' duty roster with the head).")
    window_since: date | None
    status: StaffStatus  # type: ignore[valid-type]
    post_id: strawberry.ID | None = strawberry.field(description="The window post held as A.")
    backup_of_post_id: strawberry.ID | None = strawberry.field(description="The window post backed up as B.")
    return_reason: str
    version: int
    department_id: strawberry.Private[str]

    @field(access=STAFF, description="The home unit.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, s: ds.Staff) -> StaffMember:
        return cls(
            id=global_id("Staff", s.id),
            account=s.id,
            name=s.name,
            staff_number=s.staff_number,
            roles=sorted(s.roles),
            established=s.established,
            joined_unit_on=s.joined_unit_on,
            enforcement_cert_no=s.enforcement_cert_no,
            photo_ref=s.photo_ref,
            heads_section=s.heads_section,
            section_approves=s.section_approves,
            deputy_head=s.deputy_head,
            window_since=s.window_since,
            status=s.status,
            post_id=post_global_id(s.post_ref),
            backup_of_post_id=post_global_id(s.backup_ref),
            return_reason=s.return_reason,
            version=s.version,
            department_id=s.department_id,
        )


@visible_to(PUBLIC)
@strawberry.type(description="One published change of window staff (seed 001 三(五)1).")
class StaffChange:
    name: str
    staff_number: str
    change: str = strawberry.field(description="create, change, post, backup, unpost or return.")
    at: DateTime
    status: StaffStatus  # type: ignore[valid-type]
    post_id: strawberry.ID | None
    department_id: strawberry.Private[str]

    @field(access=PUBLIC, description="The person's unit.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, v: ds.StaffVersion) -> StaffChange:
        return cls(
            name=v.staff.name,
            staff_number=v.staff.staff_number,
            change=v.change,
            at=v.at,
            status=v.staff.status,
            post_id=post_global_id(v.staff.post_ref or v.staff.backup_ref),
            department_id=v.staff.department_id,
        )


@visible_to(STAFF)
@strawberry.type(description="Granted leave of a post's A person; the backup holds the post meanwhile.")
class PostLeave:
    staff_id: str
    start: date
    end: date
    reason: str
    granted_at: DateTime


@visible_to(STAFF)
@strawberry.type(description="A window post with its AB cover and who holds it today.")
class WindowPostCover:
    id: strawberry.ID
    name: str
    kind: PostKind  # type: ignore[valid-type]
    duties: str
    staff_id: str = strawberry.field(description="A岗 (empty: nobody posted, or returned to the unit).")
    backup_staff_id: str = strawberry.field(description="B岗.")
    holder_id: str = strawberry.field(description="Who holds the post today: B while A is on leave.")
    leaves: list[PostLeave]

    @classmethod
    def from_domain(cls, p: ds.WindowPost, today: date) -> WindowPostCover:
        return cls(
            id=global_id("WindowPost", p.ref),
            name=p.name,
            kind=p.kind,
            duties=p.duties,
            staff_id=p.staff_id,
            backup_staff_id=p.backup_staff_id,
            holder_id=p.holder_on(today),
            leaves=[
                PostLeave(staff_id=x.staff_id, start=x.start, end=x.end, reason=x.reason, granted_at=x.granted_at)
                for x in p.leaves
            ],
        )


@visible_to(STAFF)
@strawberry.type(description="An item addressed to a window post, in its holder's worklist.")
class PostWorkItem:
    kind: str = strawberry.field(description="complaint, or warning (a yellow supervision warning to acknowledge)")
    complaint_id: strawberry.ID | None = strawberry.field(description="The complaint (kind complaint).")
    warning_id: strawberry.ID | None = strawberry.field(
        description="The supervision warning (kind warning): pass it to `warningAcknowledge`."
    )
    label: str
    text: str
    at: DateTime

    @classmethod
    def from_record(cls, e: PostWorkEntry) -> PostWorkItem:
        warning = e.kind == "warning"
        return cls(
            kind=e.kind,
            complaint_id=None if warning else global_id("Complaint", e.ref),
            warning_id=global_id("SupervisionWarning", e.ref) if warning else None,
            label=e.label,
            text=e.text,
            at=e.at,
        )


@visible_to(PUBLIC)
@strawberry.type(description="窗口工作人员监督卡 (seed 001 三(四)3): public, nothing beyond the card.")
class SupervisionCard:
    window_post_id: strawberry.ID = strawberry.field(
        description="The complaint link/QR code: pass it to `windowPostFeedback` or `complaintFile`."
    )
    window_name: str
    duties: str
    staff_name: str = strawberry.field(description="Whoever holds the post today (B while A is on leave).")
    staff_number: str
    photo_ref: str
    department_name: str
    supervision_phone: str

    @classmethod
    def from_record(cls, c: CardRecord) -> SupervisionCard:
        return cls(
            window_post_id=global_id("WindowPost", c.post.ref),
            window_name=c.post.name,
            duties=c.post.duties,
            staff_name=c.staff.name,
            staff_number=c.staff.staff_number,
            photo_ref=c.staff.photo_ref,
            department_name=c.department.name if c.department else "",
            supervision_phone=c.supervision_phone,
        )


@visible_to(STAFF)
@strawberry.type(description="A department's window at its centre (seed 001 三(一)2, seed 004 三(二)).")
class DepartmentWindowStaffing:
    posted_staff_ids: list[str] = strawberry.field(description="People posted as A or B on its department posts.")
    leader_staff_id: str | None = strawberry.field(description="窗口负责人 (heads the approving section).")
    office_director_staff_id: str | None = strawberry.field(description="行政审批服务办公室主任.")
    staffed: bool = strawberry.field(description="At least 2 people posted and an office director named.")
    gaps: list[str] = strawberry.field(description="Why it is not staffed (Chinese).")
    department_id: strawberry.Private[str]

    @field(access=STAFF, description="The department.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, w: ds.WindowStaffing) -> DepartmentWindowStaffing:
        return cls(
            posted_staff_ids=list(w.posted),
            leader_staff_id=w.window.leader_staff_id if w.window else None,
            office_director_staff_id=w.window.office_director_staff_id if w.window else None,
            staffed=w.staffed,
            gaps=list(w.gaps),
            department_id=w.department_id,
        )
