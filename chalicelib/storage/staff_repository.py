"""Staff records, window posts and each post's worklist (see infra/ACCESS_PATTERNS.md).

    STAFF#<id>        / #             staff record (revisioned)     GSI1: STAFF#<department> / <id>
    STAFF#<id>        / V#<000001>    published change               GSI1: PERSONNEL#<centre> / <at>#<id>#<n>
    STAFFNO#<number>  / #             staff-number guard (create-only: numbers are unique)
    CENTRE#<c>        / POST#<id>     window post with its leaves (revisioned)
    POSTWORK#<c>/<p>  / <at>#<ref>    an item addressed to the post (worklist of its holder)
    DEPTWINDOW#<dept> / #             the department window's leader and office director (revisioned)

The staff and post keys are the catalogue repository's (it seeds them); this repository adds the
revision guard, the versions and the worklist.
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.staff import DepartmentWindow, Staff, StaffVersion, WindowPost
from chalicelib.domain.worklist import PostWorkEntry
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"


def _post_key(post_ref: str) -> tuple[str, str]:
    centre_id, _, post_id = post_ref.partition("/")
    return f"CENTRE#{centre_id}", f"POST#{post_id}"


class StaffRepository:
    # --- staff ---------------------------------------------------------------------------------

    def get(self, staff_id: str) -> tuple[Staff, int] | None:
        try:
            record = Record.get(f"STAFF#{staff_id}", HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(Staff, record.data), int(record.rev or 0)

    def many(self, staff_ids: Iterable[str]) -> dict[str, tuple[Staff, int]]:
        keys = [(f"STAFF#{i}", HEAD) for i in sorted(set(staff_ids)) if i]
        out: dict[str, tuple[Staff, int]] = {}
        if keys:
            for record in Record.batch_get(keys):
                staff = decode_as(Staff, record.data)
                out[staff.id] = (staff, int(record.rev or 0))
        return out

    def stage_new(self, uow: UnitOfWork, version: StaffVersion) -> None:
        uow.create(self._head(version.staff))
        uow.create(Record(f"STAFFNO#{version.staff.staff_number}", HEAD, entity="StaffNumber", data=version.staff.id))
        uow.create(self._version(version))

    def stage_update(self, uow: UnitOfWork, version: StaffVersion, rev: int, old_number: str | None = None) -> None:
        uow.replace(self._head(version.staff), rev)
        if old_number is not None and old_number != version.staff.staff_number:
            if old_number:
                uow.delete(Record(f"STAFFNO#{old_number}", HEAD))
            uow.create(
                Record(f"STAFFNO#{version.staff.staff_number}", HEAD, entity="StaffNumber", data=version.staff.id)
            )
        uow.create(self._version(version))

    def stage_head(self, uow: UnitOfWork, staff: Staff, rev: int) -> None:
        """Update the record without publishing a personnel change (leave is not a posting change)."""
        uow.replace(self._head(staff), rev)

    def changes(self, centre_id: str, first: int, after: str | None) -> Page[StaffVersion]:
        """Published staff changes of a centre, newest first (seed 001 三(五)1)."""
        page = query_page(f"PERSONNEL#{centre_id}", first=first, after=after, index="GSI1", forward=False)
        return Page([(decode_as(StaffVersion, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    @staticmethod
    def _head(staff: Staff) -> Record:
        return Record(
            f"STAFF#{staff.id}",
            HEAD,
            entity="Staff",
            data=encode(staff),
            gsi1pk=f"STAFF#{staff.department_id}",
            gsi1sk=staff.id,
        )

    @staticmethod
    def _version(version: StaffVersion) -> Record:
        staff = version.staff
        return Record(
            f"STAFF#{staff.id}",
            f"V#{staff.version:06d}",
            entity="StaffVersion",
            data=encode(version),
            gsi1pk=f"PERSONNEL#{staff.centre_id}",
            gsi1sk=f"{version.at}#{staff.id}#{staff.version:06d}",
        )

    # --- window posts -------------------------------------------------------------------------

    def get_post(self, post_ref: str) -> tuple[WindowPost, int] | None:
        try:
            record = Record.get(*_post_key(post_ref))
        except Record.DoesNotExist:
            return None
        return decode_as(WindowPost, record.data), int(record.rev or 0)

    def posts(self, post_refs: Iterable[str]) -> dict[str, tuple[WindowPost, int]]:
        keys = [_post_key(r) for r in sorted(set(post_refs)) if r]
        out: dict[str, tuple[WindowPost, int]] = {}
        if keys:
            for record in Record.batch_get(keys):
                post = decode_as(WindowPost, record.data)
                out[post.ref] = (post, int(record.rev or 0))
        return out

    def stage_post_new(self, uow: UnitOfWork, post: WindowPost) -> None:
        uow.create(Record(*_post_key(post.ref), entity="WindowPost", data=encode(post)))

    def stage_post(self, uow: UnitOfWork, post: WindowPost, rev: int) -> None:
        uow.replace(Record(*_post_key(post.ref), entity="WindowPost", data=encode(post)), rev)

    # --- a post's worklist --------------------------------------------------------------------

    def stage_work(self, uow: UnitOfWork, entry: PostWorkEntry) -> None:
        uow.create(self._work(entry))

    def stage_work_done(self, uow: UnitOfWork, entry: PostWorkEntry) -> None:
        uow.delete_existing(self._work(entry))

    def stage_work_gone(self, uow: UnitOfWork, entry: PostWorkEntry) -> None:
        """Remove the item whether or not the holder answered it (the complaint was settled)."""
        uow.delete(self._work(entry))

    def worklist(self, post_ref: str, first: int, after: str | None) -> Page[PostWorkEntry]:
        page = query_page(f"POSTWORK#{post_ref}", first=first, after=after)
        return Page([(decode_as(PostWorkEntry, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    @staticmethod
    def _work(entry: PostWorkEntry) -> Record:
        return Record(f"POSTWORK#{entry.post_ref}", f"{entry.at}#{entry.ref}", entity="PostWork", data=encode(entry))

    # --- department windows ----------------------------------------------------------------------

    def department_window(self, department_id: str) -> tuple[DepartmentWindow, int] | None:
        try:
            record = Record.get(f"DEPTWINDOW#{department_id}", HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(DepartmentWindow, record.data), int(record.rev or 0)

    def department_windows(self, department_ids: Iterable[str]) -> dict[str, DepartmentWindow]:
        keys = [(f"DEPTWINDOW#{d}", HEAD) for d in sorted(set(department_ids))]
        out: dict[str, DepartmentWindow] = {}
        for i in range(0, len(keys), 100):
            for record in Record.batch_get(keys[i : i + 100]):
                window = decode_as(DepartmentWindow, record.data)
                out[window.department_id] = window
        return out

    def stage_department_window(self, uow: UnitOfWork, window: DepartmentWindow, rev: int | None) -> None:
        record = Record(f"DEPTWINDOW#{window.department_id}", HEAD, entity="DepartmentWindow", data=encode(window))
        if rev is None:
            uow.create(record)
        else:
            uow.replace(record, rev)
