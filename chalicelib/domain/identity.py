"""Who is calling: roles and the department/centre scope of staff.

Roles follow the design brief's user list. Staff roles are always scoped to one department and
one centre; applicants and agents have no scope and see only their own cases.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Role(StrEnum):
    APPLICANT = "applicant"
    AGENT = "agent"  # 代办员, acts for an applicant under an authorisation
    CLERK = "clerk"  # 综合窗口
    REVIEWER = "reviewer"
    APPROVER = "approver"
    BUREAU = "bureau"  # 行政审批局: produces certificates, holds the seal
    SUPERVISOR = "supervisor"  # 电子监察
    ADMIN = "admin"  # catalogue administrator


STAFF_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.BUREAU, Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    """The verified caller of one request; `ANONYMOUS` when no token was sent."""

    subject: str | None
    roles: frozenset[Role]
    name: str = ""
    department_id: str | None = None
    centre_id: str | None = None
    # The identifier the portal's real-name authentication verified (resident ID number or
    # unified social credit code; token claim `custom:identifier`), if any.
    identifier: str | None = None
    # The window post the staff member holds (A, else the one they back up), from the staff
    # record: audit events record it beside the person (seed 003 二(三)4).
    post: str | None = None
    # The post this person holds today as its AB backup (顶岗: its A is on leave or was returned),
    # from the staff record and the post (seed 004 三(二)).
    covering: str | None = None
    # Set while acting as AB backup for `post`: the backup's own window post (their A post), or
    # "-" when they hold none. Audit events record it beside `post` (seed 003 二(三)4).
    acting_as: str | None = None
    # A window clerk whose own post is held by its AB backup today (granted leave): the post's work
    # is the backup's meanwhile, so window acts are refused until the leave ends (seed 004 三(二)).
    on_leave: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.subject is not None

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def at_post(self, post_ref: str) -> Principal:
        """The caller acting at `post_ref`: when it is the post they cover today as AB backup, the
        audit records that post with their own beside it (`acting_as`)."""
        if self.covering != post_ref or self.post == post_ref:
            return self
        return replace(self, post=post_ref, acting_as=self.post or "-")


ANONYMOUS = Principal(subject=None, roles=frozenset())
