"""Approval authority of a window post for named immediate items (seed 004 三(三)).

Seed 004 三(三) 权力下放到位: 「窗口单位要按照“权责统一”的原则,授予窗口工作人员审批权,进一步提高即办率」;
二(三): 「原则上一律实行即办」. A catalogue administrator grants a window post (keyed by its centre
and post id; the post itself belongs to the organisation model) the authority to decide named
immediate items. The clerk on that post (its holder or its AB backup) then accepts and decides
such a case in one step at the window; separation of duties (受理、审核、制证三分离) applies to
commitment items, not to these. The decision records the authority it was made under.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.catalogue import ItemKind, ItemStatus, ServiceItem
from chalicelib.domain.errors import DomainError, Violation

MAX_ITEMS = 50
MAX_REASON = 500


class AuthorityCode:
    """English error codes of window authority (the API exposes them as an enum)."""

    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    INVALID_ID = "INVALID_ID"
    CONFLICT = "CONFLICT"
    REASON_REQUIRED = "REASON_REQUIRED"
    TOO_MANY = "TOO_MANY"
    DUPLICATE = "DUPLICATE"
    NOT_IMMEDIATE_ITEM = "NOT_IMMEDIATE_ITEM"
    ITEM_NOT_AT_CENTRE = "ITEM_NOT_AT_CENTRE"
    ITEM_NOT_PUBLISHED = "ITEM_NOT_PUBLISHED"


@dataclass(frozen=True)
class WindowAuthority:
    """The immediate items a window post may decide, and who granted that, when and why."""

    centre_id: str
    post_id: str
    post_name: str
    item_codes: tuple[str, ...]
    granted_by: str
    granted_at: str
    reason: str

    def covers(self, item_code: str) -> bool:
        return item_code in self.item_codes

    def label(self) -> str:
        """What the decision records as the authority used."""
        return (
            f"窗口审批授权:{self.post_name}({self.centre_id}/{self.post_id}),{self.granted_by}于{self.granted_at}授权"
        )


def grant(
    *,
    centre_id: str,
    post_id: str,
    post_name: str,
    items: list[tuple[str, ServiceItem | None]],
    actor_id: str,
    at: str,
    reason: str,
) -> WindowAuthority:
    """Replace the post's authority with these items (an empty list withdraws it); every
    problem is reported at once."""
    problems: list[Violation] = []
    text = reason.strip()
    if not text:
        problems.append(Violation(AuthorityCode.REASON_REQUIRED, "请说明授权理由", "reason"))
    elif len(text) > MAX_REASON:
        problems.append(Violation(AuthorityCode.TOO_MANY, f"授权理由不能超过{MAX_REASON}个字符", "reason"))
    if len(items) > MAX_ITEMS:
        problems.append(Violation(AuthorityCode.TOO_MANY, f"一个窗口最多授权{MAX_ITEMS}个事项", "itemIds"))
    seen: set[str] = set()
    for i, (code, item) in enumerate(items[:MAX_ITEMS]):
        where = f"itemIds[{i}]"
        if code in seen:
            problems.append(Violation(AuthorityCode.DUPLICATE, f"事项{code}重复", where))
        seen.add(code)
        if item is None:
            problems.append(Violation(AuthorityCode.NOT_FOUND, f"事项{code}不存在", where))
            continue
        if item.status is not ItemStatus.PUBLISHED:
            problems.append(Violation(AuthorityCode.ITEM_NOT_PUBLISHED, f"事项{code}已取消或合并", where))
        if item.elements.kind is not ItemKind.IMMEDIATE:
            problems.append(
                Violation(AuthorityCode.NOT_IMMEDIATE_ITEM, f"事项{code}不是即办件,不能授权窗口审批", where)
            )
        if centre_id not in item.centre_ids:
            problems.append(Violation(AuthorityCode.ITEM_NOT_AT_CENTRE, f"该窗口所在中心不办理事项{code}", where))
    if problems:
        raise DomainError(problems)
    return WindowAuthority(centre_id, post_id, post_name, tuple(code for code, _ in items), actor_id, at, text)
