"""Staff and window-post use cases: records, posting, return to the unit, leave under AB cover,
the post's worklist, the public supervision card, and the token-vs-record check.

Each command is one transaction (unit of work); refused commands write nothing.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain import complaint as dcomp
from chalicelib.domain import staff as ds
from chalicelib.domain.catalogue import Department
from chalicelib.domain.complaint import Complaint, ComplaintStatus, TargetKind
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.staff import Leave, PostKind, Staff, StaffCode, StaffStatus, StaffVersion, WindowPost
from chalicelib.domain.supervision import SupervisionWarning
from chalicelib.services import clock
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.complaint_repository import ComplaintRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.staff_repository import PostWorkEntry, StaffRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

ADMINISTRATORS = frozenset({Role.ADMIN})
RETURNERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


def _conflict(error: DomainError) -> DomainError:
    if error.violations[0].code == CONFLICT:
        return DomainError.one(StaffCode.CONFLICT, "记录已被他人修改,请刷新后重试")
    return error


@dataclass(frozen=True)
class SupervisionCard:
    """Seed 001 三(四)3: what the public sees of a window post (nothing more)."""

    post: WindowPost
    staff: Staff
    department: Department | None
    supervision_phone: str


def post_work_for(complaint: Complaint) -> PostWorkEntry:
    """The worklist item a complaint against a window post puts in front of its holder."""
    return PostWorkEntry(
        "complaint", complaint.id, complaint.target.ref, complaint.target.label, complaint.text, complaint.filed_at
    )


def post_work_for_warning(warning: SupervisionWarning) -> PostWorkEntry:
    """The worklist item a yellow warning addressed to a window post puts in front of its holder."""
    text = f"请于{warning.due_on.isoformat()}前处理并确认预警"
    ref = f"{warning.subject_id}|{warning.key}"
    return PostWorkEntry("warning", ref, warning.post_ref, warning.title, text, warning.raised_at)


def holds_post_today(principal: Principal, post_ref: str, repo: StaffRepository | None = None) -> bool:
    """Whether the caller holds the post today (A, or B while A is away): read fresh, one GetItem."""
    found = (repo or StaffRepository()).get_post(post_ref) if post_ref else None
    return (
        found is not None
        and bool(principal.subject)
        and found[0].holder_on(da.china_date(clock.utc_now())) == principal.subject
    )


class StaffService:
    def __init__(
        self,
        catalogue: CatalogueRepository,
        repo: StaffRepository | None = None,
        complaints: ComplaintRepository | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.repo = repo or StaffRepository()
        self.complaints = complaints or ComplaintRepository()
        self.now = now or (lambda: clock.utc_now())

    def today(self) -> date:
        return da.china_date(self.now())

    def _stamp(self) -> str:
        return self.now().isoformat(timespec="seconds")

    # --- staff records ---------------------------------------------------------------------------

    def create(self, principal: Principal, draft: Staff, reason: str) -> Staff:
        _require(principal, ADMINISTRATORS)
        department = self.catalogue.get_department(draft.department_id)
        if department is None:
            raise DomainError.one(StaffCode.UNKNOWN_DEPARTMENT, "部门不存在", "departmentId")
        staff = ds.validate_record(
            replace(draft, centre_id=department.centre_id, status=StaffStatus.IN_UNIT, version=1), self.today()
        )
        if self.repo.get(staff.id) is not None:
            raise DomainError.one(StaffCode.DUPLICATE, "该工作人员账号已存在", "id")
        uow = UnitOfWork()
        self.repo.stage_new(uow, StaffVersion(staff, "create", principal.subject or "", self._stamp(), reason))
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one(StaffCode.DUPLICATE, "该工作人员账号或工号已存在", "staffNumber") from error
            raise
        forget(staff.id)  # a refusal cached for "no record" ends with the record, in this process
        return staff

    def change(self, principal: Principal, staff_id: str, draft: Staff, expected_version: int, reason: str) -> Staff:
        """Edit the record's own facts; posting status changes only through posting and return."""
        _require(principal, ADMINISTRATORS)
        current, rev = self._staff(staff_id, "id")
        if current.version != expected_version:
            raise DomainError.one(
                StaffCode.CONFLICT, f"记录已更新到第{current.version}版,请刷新后重试", "expectedVersion"
            )
        if draft.department_id != current.department_id and current.status is StaffStatus.POSTED:
            raise DomainError.one(StaffCode.ALREADY_POSTED, "派驻中的人员不能调换部门,请先撤回派驻", "departmentId")
        if self.catalogue.get_department(draft.department_id) is None:
            raise DomainError.one(StaffCode.UNKNOWN_DEPARTMENT, "部门不存在", "departmentId")
        staff = ds.validate_record(
            replace(
                draft,
                id=current.id,
                centre_id=current.centre_id,
                status=current.status,
                post_ref=current.post_ref,
                backup_ref=current.backup_ref,
                window_since=current.window_since,
                return_reason=current.return_reason,
                version=current.version + 1,
            ),
            self.today(),
        )
        problems = self._still_qualified(staff)
        if problems:
            raise DomainError(problems)
        uow = UnitOfWork()
        version = StaffVersion(staff, "change", principal.subject or "", self._stamp(), reason)
        self.repo.stage_update(uow, version, rev, old_number=current.staff_number)
        self._commit(uow)
        forget(staff.id)
        return staff

    def _still_qualified(self, staff: Staff) -> list[Violation]:
        """A posted person's record may not be edited into one that could not be posted."""
        if staff.status is not StaffStatus.POSTED:
            return []
        ref = staff.post_ref or staff.backup_ref or ""
        found = self.repo.get_post(ref)
        if found is None:
            return []
        role = "A" if staff.post_ref else "B"
        return ds.posting_problems(staff, found[0], role, "id", self.today())

    def return_to_unit(self, principal: Principal, staff_id: str, reason: str) -> Staff:
        """退回原单位 (seed 004 三(二)): the posting ends for good; the post's work stays with the
        post, so its backup (or the remaining A) holds it from now on."""
        _require(principal, RETURNERS)
        current, rev = self._staff(staff_id, "staffId")
        staff = ds.returned(current, reason)
        uow = UnitOfWork()
        self.stage_unposting(uow, current)
        self.repo.stage_update(uow, StaffVersion(staff, "return", principal.subject or "", self._stamp(), reason), rev)
        self._commit(uow)
        forget(staff.id)
        return staff

    def stage_unposting(self, uow: UnitOfWork, person: Staff) -> None:
        """Take `person` off the posts they hold (A or B) in the same transaction."""
        refs = [r for r in (person.post_ref, person.backup_ref) if r]
        for post, post_rev in self.repo.posts(refs).values():
            staff_id = "" if post.staff_id == person.id else post.staff_id
            backup_id = "" if post.backup_staff_id == person.id else post.backup_staff_id
            self.repo.stage_post(uow, replace(post, staff_id=staff_id, backup_staff_id=backup_id), post_rev)
            forget_post(post.ref)  # harmless if the commit fails: the next request reads it again

    # --- window posts ----------------------------------------------------------------------------

    def post_create(
        self,
        principal: Principal,
        centre_id: str,
        post_id: str,
        name: str,
        kind: PostKind,
        department_id: str | None,
        duties: str,
    ) -> WindowPost:
        _require(principal, ADMINISTRATORS)
        v: list[Violation] = []
        if not ds.POST_ID.match(post_id):
            v.append(Violation(StaffCode.OUT_OF_RANGE, "窗口编号须为3-40位小写字母、数字或连字符", "code"))
        if not name.strip():
            v.append(Violation(StaffCode.REQUIRED, "请填写窗口名称", "name"))
        elif len(name.strip()) > 100:
            v.append(Violation(StaffCode.TOO_LONG, "窗口名称不能超过100个字符", "name"))
        if len(duties.strip()) > ds.MAX_TEXT:
            v.append(Violation(StaffCode.TOO_LONG, f"岗位职责不能超过{ds.MAX_TEXT}个字符", "duties"))
        if self.catalogue.get_centre(centre_id) is None:
            v.append(Violation(StaffCode.NOT_FOUND, "中心不存在", "centreId"))
        if kind is PostKind.DEPARTMENT:
            department = self.catalogue.get_department(department_id) if department_id else None
            if department is None or department.centre_id != centre_id:
                v.append(Violation(StaffCode.UNKNOWN_DEPARTMENT, "部门窗口须指定本中心的派驻部门", "departmentId"))
        elif department_id:
            v.append(Violation(StaffCode.WRONG_DEPARTMENT, "综合窗口不属于某一部门", "departmentId"))
        if v:
            raise DomainError(v)
        post = WindowPost(
            post_id,
            centre_id,
            name.strip(),
            kind,
            "",
            "",
            department_id if kind is PostKind.DEPARTMENT else None,
            duties.strip(),
        )
        uow = UnitOfWork()
        self.repo.stage_post_new(uow, post)
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one(StaffCode.DUPLICATE, "该中心已有此编号的窗口", "code") from error
            raise
        return post

    def post_assign(
        self, principal: Principal, post_ref: str, staff_id: str, backup_staff_id: str, reason: str
    ) -> WindowPost:
        """Post A and B to a window (seed 004 三(二)); whoever held those places before leaves them."""
        _require(principal, ADMINISTRATORS)
        post, post_rev = self._post(post_ref)
        today = self.today()
        if staff_id == backup_staff_id:
            raise DomainError.one(StaffCode.SAME_PERSON, "A岗与B岗须为不同人员", "backupStaffId")
        people = self.repo.many([staff_id, backup_staff_id, post.staff_id, post.backup_staff_id])
        v: list[Violation] = []
        for field, wanted, role in (("staffId", staff_id, "A"), ("backupStaffId", backup_staff_id, "B")):
            found = people.get(wanted)
            if found is None:
                v.append(Violation(StaffCode.NOT_FOUND, "工作人员不存在", field))
            else:
                v.extend(ds.posting_problems(found[0], post, role, field, today))
        if v:
            raise DomainError(v)
        by, at = principal.subject or "", self._stamp()
        after: dict[str, Staff] = {}

        def place(person_id: str, post_ref_: str | None, backup_ref_: str | None, change: str) -> None:
            after[person_id] = ds.with_posts(people[person_id][0], post_ref_, backup_ref_, today)
            changes[person_id] = change

        changes: dict[str, str] = {}
        for old in (post.staff_id, post.backup_staff_id):
            if old and old in people and old not in (staff_id, backup_staff_id):
                person = people[old][0]
                place(
                    old,
                    None if person.post_ref == post.ref else person.post_ref,
                    None if person.backup_ref == post.ref else person.backup_ref,
                    "unpost",
                )
        a = people[staff_id][0]
        place(staff_id, post.ref, None if a.backup_ref == post.ref else a.backup_ref, "post")
        b = people[backup_staff_id][0]
        place(backup_staff_id, None if b.post_ref == post.ref else b.post_ref, post.ref, "backup")
        updated = replace(post, staff_id=staff_id, backup_staff_id=backup_staff_id)
        uow = UnitOfWork()
        self.repo.stage_post(uow, updated, post_rev)
        for person_id, staff in after.items():
            version = StaffVersion(staff, changes[person_id], by, at, reason)
            self.repo.stage_update(uow, version, people[person_id][1])
        self._commit(uow)
        for person_id in after:
            forget(person_id)
        forget_post(updated.ref)
        return updated

    # --- leave under AB cover --------------------------------------------------------------------

    def leave_request(self, principal: Principal, post_ref: str, start: date, end: date, reason: str) -> WindowPost:
        """Seed 004 三(二): granted only while the backup is on duty; A and B never both away."""
        today = self.today()
        ds.check_leave_dates(start, end, today)
        text = reason.strip()
        if not text:
            raise DomainError.one(StaffCode.REQUIRED, "请填写请假事由", "reason")
        if len(text) > ds.MAX_TEXT:
            raise DomainError.one(StaffCode.TOO_LONG, f"请假事由不能超过{ds.MAX_TEXT}个字符", "reason")
        post, rev = self._post(post_ref)
        if principal.subject != post.staff_id:
            raise DomainError.one(StaffCode.NOT_POST_HOLDER, "只有该窗口的A岗人员本人可以请假", "postId")
        people = self.repo.many([post.staff_id, post.backup_staff_id])
        me = people.get(post.staff_id)
        backup = people.get(post.backup_staff_id)
        related = [r for r in ((backup[0].post_ref if backup else None), (me[0].backup_ref if me else None)) if r]
        posts = self.repo.posts(related) if related else {}
        backup_own = posts.get(backup[0].post_ref or "") if backup else None
        covered = posts.get(me[0].backup_ref or "") if me else None
        leave = Leave(secrets.token_hex(6), post.staff_id, start, end, text, self._stamp())
        updated = ds.grant_leave(
            post,
            principal.subject or "",
            leave,
            backup[0] if backup else None,
            backup_own[0] if backup_own else None,
            covered[0] if covered else None,
        )
        uow = UnitOfWork()
        self.repo.stage_post(uow, updated, rev)
        if me is not None:
            self.repo.stage_head(uow, ds.mirror_leave(me[0], leave, today), me[1])
        self._commit(uow)
        forget_post(updated.ref)  # the backup covers from the leave's first day, in this process at once
        forget(post.staff_id)  # and A's own window acts stop then
        return updated

    # --- the post's worklist (routed to whoever holds the post today) -----------------------------

    def worklist(self, principal: Principal, post_ref: str, first: int, after: str | None) -> Page[PostWorkEntry]:
        post, _ = self._post(post_ref)
        self._require_holder(principal, post)
        return self.repo.worklist(post.ref, first, after)

    def complaint_reply(self, principal: Principal, complaint_id: str, text: str) -> Complaint:
        """The holder answers a complaint addressed to the post, with the post's authority; the
        item leaves the post's worklist in the same transaction."""
        found = self.complaints.get(complaint_id)
        if found is None or found[0].target.kind is not TargetKind.WINDOW_POST:
            raise DomainError.one(StaffCode.NOT_FOUND, "投诉不存在", "complaintId")
        complaint, complaint_rev = found
        post, _ = self._post(complaint.target.ref)
        self._require_holder(principal, post)
        if complaint.status is ComplaintStatus.RESOLVED or any(h.action == "reply" for h in complaint.history):
            raise DomainError.one(StaffCode.CONFLICT, "该投诉已答复或已处理", "complaintId")
        answered = dcomp.reply(complaint, principal.subject or "", text, self.now())
        uow = UnitOfWork()
        self.complaints.stage_update(uow, answered, complaint_rev)
        self.repo.stage_work_done(uow, post_work_for(complaint))
        self._commit(uow)
        return answered

    def holder(self, post: WindowPost) -> str:
        return post.holder_on(self.today())

    def _require_holder(self, principal: Principal, post: WindowPost) -> None:
        if principal.has_any(Role.SUPERVISOR):
            return
        holder = post.holder_on(self.today())
        if not holder or principal.subject != holder:
            if principal.subject == post.staff_id:
                message = "您正在休假,岗位工作由B岗顶岗处理"
            else:
                message = "只有当前在岗的窗口人员(A岗,或A岗请假时的B岗)可以处理该岗位的工作"
            raise DomainError.one(StaffCode.NOT_POST_HOLDER, message, "postId")

    # --- public supervision card ------------------------------------------------------------------

    def card(self, post_ref: str) -> SupervisionCard:
        """Seed 001 三(四)3: the card shows whoever holds the post today."""
        post, _ = self._post(post_ref)
        holder = post.holder_on(self.today())
        person = self.repo.get(holder) if holder else None
        if person is None:
            raise DomainError.one(StaffCode.POST_UNSTAFFED, "该窗口尚未派驻工作人员,暂无监督卡", "windowPostId")
        staff = person[0]
        department_id = post.department_id or staff.department_id
        department = self.catalogue.get_department(department_id)
        phone = department.supervision_phone if department else ""
        return SupervisionCard(post, staff, department, phone)

    # --- a department's window (seed 001 三(一)2) -------------------------------------------------

    def department_window_set(
        self, principal: Principal, department_id: str, leader_id: str, director_id: str, reason: str
    ) -> ds.WindowStaffing:
        _require(principal, ADMINISTRATORS)
        department = self.catalogue.get_department(department_id)
        if department is None:
            raise DomainError.one(StaffCode.UNKNOWN_DEPARTMENT, "部门不存在", "departmentId")
        people = self.repo.many([leader_id, director_id])
        leader, director = people.get(leader_id), people.get(director_id)
        ds.check_window_leads(department_id, leader[0] if leader else None, director[0] if director else None)
        current = self.repo.department_window(department_id)
        version = current[0].version + 1 if current else 1
        window = ds.DepartmentWindow(department_id, department.centre_id, leader_id, director_id, version)
        uow = UnitOfWork()
        self.repo.stage_department_window(uow, window, current[1] if current else None)
        self._commit(uow)
        posts = self.catalogue.posts_of_centre(department.centre_id)
        return ds.staffing(department_id, posts, window)

    def staffing_of_centre(self, centre_id: str) -> list[ds.WindowStaffing]:
        """Every department of the centre with a department window post, or a window record:
        one Query for the posts, one for the departments, one BatchGetItem for the records."""
        posts = self.catalogue.posts_of_centre(centre_id)
        departments = self.catalogue.departments_page(centre_id, 100, None)
        ids = [d.id for d, _ in departments.items]
        windows = self.repo.department_windows(ids)
        with_window = {p.department_id for p in posts if p.department_id} | set(windows)
        return [ds.staffing(d, posts, windows.get(d)) for d in ids if d in with_window]

    # --- reads -----------------------------------------------------------------------------------

    def get(self, staff_id: str) -> Staff | None:
        found = self.repo.get(staff_id)
        return found[0] if found else None

    def get_post(self, post_ref: str) -> WindowPost | None:
        found = self.repo.get_post(post_ref)
        return found[0] if found else None

    def changes(self, centre_id: str, first: int, after: str | None) -> Page[StaffVersion]:
        return self.repo.changes(centre_id, first, after)

    # --- helpers ---------------------------------------------------------------------------------

    def _staff(self, staff_id: str, field: str) -> tuple[Staff, int]:
        found = self.repo.get(staff_id)
        if found is None:
            raise DomainError.one(StaffCode.NOT_FOUND, "工作人员不存在", field)
        return found

    def _post(self, post_ref: str) -> tuple[WindowPost, int]:
        found = self.repo.get_post(post_ref)
        if found is None:
            raise DomainError.one(StaffCode.NOT_FOUND, "窗口不存在", "postId")
        return found

    @staticmethod
    def _commit(uow: UnitOfWork) -> None:
        try:
            uow.commit()
        except DomainError as error:
            raise _conflict(error) from error


def _require(principal: Principal, roles: frozenset[Role]) -> None:
    if not principal.roles & roles:
        raise DomainError.one(StaffCode.FORBIDDEN, "没有权限执行此操作")


# --- token claims vs staff records ------------------------------------------------------------------

STANDING_TTL_SECONDS = 60.0  # how stale another process's view of a posting/return may be
_standing: dict[str, tuple[float, Staff | None]] = {}
_posts: dict[str, tuple[float, WindowPost | None]] = {}  # posts backed up (their leaves: who covers)
_lock = threading.Lock()
_monotonic: Callable[[], float] = time.monotonic


def forget(staff_id: str) -> None:
    """This process changed the record: the next request reads it afresh."""
    with _lock:
        _standing.pop(staff_id, None)


def forget_post(post_ref: str) -> None:
    """This process changed a post (posting, leave): who covers it is read afresh."""
    with _lock:
        _posts.pop(post_ref, None)


def clear_standing_cache() -> None:
    with _lock:
        _standing.clear()
        _posts.clear()


def prime_standing(records: list[Staff], posts: list[WindowPost] | None = None) -> None:
    """Fill the cache as a warm process would have it (tests measure warm request paths)."""
    expires = _monotonic() + STANDING_TTL_SECONDS
    with _lock:
        _standing.update({s.id: (expires, s) for s in records})
        _posts.update({p.ref: (expires, p) for p in posts or []})


def _post_of(post_ref: str, repo: StaffRepository) -> WindowPost | None:
    now = _monotonic()
    with _lock:
        cached = _posts.get(post_ref)
    if cached is not None and cached[0] > now:
        return cached[1]
    found = repo.get_post(post_ref)  # one GetItem, only for people who back a post up
    post = found[0] if found else None
    with _lock:
        if len(_posts) > 10_000:
            _posts.clear()
        _posts[post_ref] = (now + STANDING_TTL_SECONDS, post)
    return post


def _record_of(staff_id: str, repo: StaffRepository) -> Staff | None:
    now = _monotonic()
    with _lock:
        cached = _standing.get(staff_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    found = repo.get(staff_id)  # one GetItem, at most once per TTL per person and process
    staff = found[0] if found else None
    with _lock:
        if len(_standing) > 10_000:
            _standing.clear()
        _standing[staff_id] = (now + STANDING_TTL_SECONDS, staff)
    return staff


def standing(principal: Principal, repo: StaffRepository | None = None) -> tuple[str | None, Principal]:
    """`standing_refusal`, and the principal with the window post from the record (for audit):
    the A post, else the post backed up; and the post they cover today as AB backup (顶岗), read
    with the same 60 s bound. A backup who holds no post of their own acts for the covered post."""
    refusal = standing_refusal(principal, repo)
    if refusal is not None or not principal.is_staff or principal.subject is None:
        return refusal, principal
    repo = repo or StaffRepository()
    staff = _record_of(principal.subject, repo)  # cached by the check above
    if staff is None:
        return None, principal
    post = staff.post_ref or staff.backup_ref
    covering = None
    if staff.backup_ref:
        backed = _post_of(staff.backup_ref, repo)
        today = da.china_date(clock.utc_now())
        if backed is not None and backed.staff_id != staff.id and backed.holder_on(today) == staff.id:
            covering = backed.ref
    acting_as = "-" if covering and not staff.post_ref else None
    if not (post or covering):
        return None, principal
    on_leave = bool(staff.post_ref) and not covering and staff.on_leave(da.china_date(clock.utc_now()))
    return None, replace(principal, post=post, covering=covering, acting_as=acting_as, on_leave=on_leave)


def standing_refusal(principal: Principal, repo: StaffRepository | None = None) -> str | None:
    """Why a staff token no longer matches the staff record, or None.

    A recorded person who was returned to the unit, or whose department/centre differs from the
    token's, is refused; so is a window clerk (role `clerk`) who is not posted, or who has no staff
    record at all (seed 004 三(二): only people the centre posted work at a window). Back-office
    accounts without a staff record are left to the identity provider.
    """
    if not principal.is_staff or principal.subject is None:
        return None
    staff = _record_of(principal.subject, repo or StaffRepository())
    if staff is None:
        if Role.CLERK in principal.roles:
            return "该账号没有窗口工作人员档案,不能以窗口人员身份登录"
        return None
    if staff.status is StaffStatus.RETURNED:
        return "该工作人员已被退回原单位,令牌不再有效"
    if staff.department_id != principal.department_id or staff.centre_id != principal.centre_id:
        return "令牌中的部门或中心与工作人员档案不符"
    if Role.CLERK in principal.roles and staff.status is not StaffStatus.POSTED:
        return "该工作人员未派驻窗口,不能以窗口人员身份登录"
    return None


def cached_record(staff_id: str, repo: StaffRepository | None = None) -> Staff | None:
    """A staff record within the standing cache's 60 s bound (no request when warm)."""
    return _record_of(staff_id, repo or StaffRepository())


def serves_every_department(staff: Staff, centre_id: str, repo: StaffRepository | None = None) -> bool:
    """Whether the person sits (as A or B) at a comprehensive window of the centre: 一窗受理, the
    comprehensive window answers for every department (read through the same cache)."""
    for ref in (staff.post_ref, staff.backup_ref):
        post = _post_of(ref, repo or StaffRepository()) if ref else None
        if post is not None and post.kind is PostKind.COMPREHENSIVE and post.centre_id == centre_id:
            return True
    return False
