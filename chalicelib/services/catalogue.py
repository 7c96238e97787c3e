"""Catalogue use cases: one function per command, each one transaction.

The API calls these with a verified principal; they load what the rules need, let the domain
decide, and commit the resulting versions atomically (seed 003: every change is recorded with
who/when/why and published at once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain import catalogue as rules
from chalicelib.domain.catalogue import (
    CatalogueCode,
    ChangeContext,
    CoReviewer,
    ItemElements,
    ItemVersion,
    ServiceItem,
)
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.organisation import in_subtree
from chalicelib.services.clock import now_iso
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

FORBIDDEN = "FORBIDDEN"


@dataclass(frozen=True)
class CatalogueChange:
    """Common input of every catalogue command."""

    reason: str
    expected_version: int | None = None
    idempotency_key: str | None = None


def _require_admin(principal: Principal) -> None:
    if not principal.has_any(Role.ADMIN) or principal.subject is None:
        raise DomainError.one(FORBIDDEN, "只有事项管理员可以维护事项清单")


def _context(repo: CatalogueRepository, principal: Principal, reason: str) -> ChangeContext:
    assert principal.subject is not None
    return ChangeContext(
        actor_id=principal.subject,
        at=now_iso(),
        reason=reason,
        departments=repo.all_departments(),
        centres=repo.all_centres(),
    )


def _require_scope(principal: Principal, centre_id: str, ctx: ChangeContext) -> None:
    """Administrators maintain the items of their centre's subtree (seed 000 一: a district its
    own and its townships'); the city's administrators the whole catalogue."""
    if not principal.centre_id or not in_subtree(centre_id, principal.centre_id, ctx.centres):
        raise DomainError.one(CatalogueCode.OUTSIDE_SCOPE, "只能维护本中心及下级中心的事项", "id")


def _load(repo: CatalogueRepository, code: str, field: str = "id") -> tuple[ServiceItem, int]:
    found = repo.get_item(code)
    if found is None:
        raise DomainError.one(CatalogueCode.NOT_FOUND, f"事项{code}不存在", field)
    return found


def _run(
    repo: CatalogueRepository,
    principal: Principal,
    operation: str,
    change: CatalogueChange,
    decide: Callable[[ChangeContext, UnitOfWork], ItemVersion],
) -> ServiceItem:
    """Shared skeleton: authorise, replay a remembered retry, decide, commit once."""
    _require_admin(principal)
    assert principal.subject is not None
    idem = IdempotencyRepository()
    if change.idempotency_key:
        if len(change.idempotency_key) > 100:
            raise DomainError.one(CatalogueCode.TOO_LONG, "幂等键不能超过100个字符", "idempotencyKey")
        earlier = idem.remembered(principal.subject, operation, change.idempotency_key)
        if earlier is not None:
            return _replay(repo, earlier)
    uow = UnitOfWork()
    version = decide(_context(repo, principal, change.reason), uow)
    if change.idempotency_key:
        idem.remember(
            uow,
            principal.subject,
            operation,
            change.idempotency_key,
            {"code": version.item.code, "version": version.item.version},
        )
    try:
        uow.commit()
    except DomainError as error:
        # Two identical retries racing: the loser returns the winner's result.
        if change.idempotency_key and error.violations[0].code == CONFLICT:
            earlier = idem.remembered(principal.subject, operation, change.idempotency_key)
            if earlier is not None:
                return _replay(repo, earlier)
        raise
    return version.item


def _replay(repo: CatalogueRepository, earlier: dict[str, object]) -> ServiceItem:
    version = repo.get_version(str(earlier["code"]), int(str(earlier["version"])))
    assert version is not None, "an idempotency record always commits with its version"
    return version.item


def create_item(
    repo: CatalogueRepository, principal: Principal, code: str, elements: ItemElements, change: CatalogueChange
) -> ServiceItem:
    def decide(ctx: ChangeContext, uow: UnitOfWork) -> ItemVersion:
        if repo.get_item(code) is not None:
            raise DomainError.one(CatalogueCode.DUPLICATE_CODE, f"事项编码{code}已存在", "code")
        version = rules.add_item(code, elements, ctx)
        _require_scope(principal, version.item.home_centre_id, ctx)
        repo.stage_version(uow, version, None, None)
        return version

    return _run(repo, principal, "serviceItemCreate", change, decide)


def _edit(
    repo: CatalogueRepository,
    principal: Principal,
    operation: str,
    code: str,
    change: CatalogueChange,
    rule: Callable[[ServiceItem, ChangeContext], ItemVersion],
) -> ServiceItem:
    """Change one existing item: load it with its revision, apply the rule, stage the version."""

    def decide(ctx: ChangeContext, uow: UnitOfWork) -> ItemVersion:
        current, rev = _load(repo, code)
        _require_scope(principal, current.home_centre_id, ctx)
        version = rule(current, ctx)
        repo.stage_version(uow, version, current, rev)
        return version

    return _run(repo, principal, operation, change, decide)


def change_item(
    repo: CatalogueRepository, principal: Principal, code: str, elements: ItemElements, change: CatalogueChange
) -> ServiceItem:
    return _edit(
        repo,
        principal,
        "serviceItemChange",
        code,
        change,
        lambda item, ctx: rules.change_item(item, elements, ctx, change.expected_version),
    )


def cancel_item(repo: CatalogueRepository, principal: Principal, code: str, change: CatalogueChange) -> ServiceItem:
    return _edit(
        repo,
        principal,
        "serviceItemCancel",
        code,
        change,
        lambda item, ctx: rules.cancel_item(item, ctx, change.expected_version),
    )


def transfer_item(
    repo: CatalogueRepository, principal: Principal, code: str, department_id: str, change: CatalogueChange
) -> ServiceItem:
    return _edit(
        repo,
        principal,
        "serviceItemTransfer",
        code,
        change,
        lambda item, ctx: rules.transfer_item(item, department_id, ctx, change.expected_version),
    )


def _check_tier(code: str, centre_id: str) -> None:
    """Seed 003 二(一)2: a centre assigned a guidance tier takes only that tier's powers."""
    from chalicelib.services.delegation import tier_refusal

    refusal = tier_refusal(code, centre_id)
    if refusal:
        raise DomainError.one(CatalogueCode.OUTSIDE_TIER, refusal, "centreId")


# --- delegation changes inside a larger transaction (an adjustment memo applies several) ---------


def memo_context(repo: CatalogueRepository, actor_id: str, reason: str, at: str) -> ChangeContext:
    """The reference data and who/when/why of catalogue changes made on someone's behalf."""
    return ChangeContext(actor_id, at, reason, repo.all_departments(), repo.all_centres())


def stage_delegation(
    repo: CatalogueRepository,
    uow: UnitOfWork,
    ctx: ChangeContext,
    code: str,
    centre_id: str,
    lead_department_id: str,
    co_reviewers: tuple[CoReviewer, ...] = (),
    expected_version: int | None = None,
    *,
    administrator: Principal | None = None,
) -> ItemVersion:
    """Delegate item `code` to centre `centre_id`, exercised there by `lead_department_id` with
    `co_reviewers` (同权审批): load the item, apply the rule, stage the new version into `uow`.

    The one place a delegation is decided: `serviceItemDelegate` commits it alone, and an
    adjustment memo can stage several into its own transaction (build `ctx` with
    `change_context`). `administrator`, when given, must have the item's home centre in their
    subtree. Raises DomainError with every problem at once; stages nothing then."""
    current, rev = _load(repo, code)
    if administrator is not None:
        _require_scope(administrator, current.home_centre_id, ctx)
    version = rules.delegate_item(
        current,
        centre_id,
        ctx,
        expected_version,
        lead_department_id=lead_department_id,
        co_reviewers=co_reviewers,
    )
    repo.stage_version(uow, version, current, rev)
    return version


def change_context(repo: CatalogueRepository, principal: Principal, reason: str) -> ChangeContext:
    """Who/when/why plus the organisation the catalogue rules check against."""
    return _context(repo, principal, reason)


def delegate_item(
    repo: CatalogueRepository,
    principal: Principal,
    code: str,
    centre_id: str,
    change: CatalogueChange,
    *,
    lead_department_id: str,
    co_reviewers: tuple[CoReviewer, ...] = (),
) -> ServiceItem:
    def decide(ctx: ChangeContext, uow: UnitOfWork) -> ItemVersion:
        from chalicelib.services.handover import stage_opening

        _check_tier(code, centre_id)
        version = stage_delegation(
            repo,
            uow,
            ctx,
            code,
            centre_id,
            lead_department_id,
            co_reviewers,
            change.expected_version,
            administrator=principal,
        )
        stage_opening(uow, version, centre_id)  # seed 003 二(二)3: as when a memo delegates it
        return version

    return _run(repo, principal, "serviceItemDelegate", change, decide)


def stage_delegate(
    repo: CatalogueRepository,
    uow: UnitOfWork,
    ctx: ChangeContext,
    code: str,
    centre_id: str,
    receiving_department_id: str | None,
    co_reviewer_department_ids: tuple[str, ...] = (),
) -> ItemVersion:
    """A memo's take-on (seed 003 二(二)2) as the same 同权审批 delegation `serviceItemDelegate`
    makes. The memo names the co-reviewing departments in the order of the item's own
    co-reviewers they stand in for; each keeps that co-reviewer's limit."""
    current, _ = _load(repo, code)
    limits = [co.limit_days for co in current.elements.co_reviewers]
    fallback = current.elements.promised_limit_days
    co_reviewers = tuple(
        CoReviewer(department, limits[i] if i < len(limits) else fallback)
        for i, department in enumerate(co_reviewer_department_ids)
    )
    return stage_delegation(repo, uow, ctx, code, centre_id, receiving_department_id or "", co_reviewers)


def stage_undelegate(
    repo: CatalogueRepository, uow: UnitOfWork, ctx: ChangeContext, code: str, centre_id: str
) -> ItemVersion:
    """收回 staged into the caller's unit of work."""
    current, rev = _load(repo, code)
    version = rules.undelegate_item(current, centre_id, ctx, None)
    repo.stage_version(uow, version, current, rev)
    return version


def merge_items(
    repo: CatalogueRepository, principal: Principal, code: str, source_codes: list[str], change: CatalogueChange
) -> ServiceItem:
    def decide(ctx: ChangeContext, uow: UnitOfWork) -> ItemVersion:
        target, rev = _load(repo, code)
        _require_scope(principal, target.home_centre_id, ctx)
        if len(source_codes) > 10:
            raise DomainError.one(CatalogueCode.TOO_MANY, "一次最多合并10个事项", "sourceIds")
        sources = []
        for i, source_code in enumerate(source_codes):
            found = repo.get_item(source_code)
            if found is None:
                raise DomainError.one(CatalogueCode.NOT_FOUND, f"事项{source_code}不存在", f"sourceIds[{i}]")
            _require_scope(principal, found[0].home_centre_id, ctx)
            sources.append(found)
        merged, closed = rules.merge_items(target, [s for s, _ in sources], ctx, change.expected_version)
        repo.stage_version(uow, merged, target, rev)
        for version, (source, source_rev) in zip(closed, sources, strict=True):
            repo.stage_version(uow, version, source, source_rev)
        return merged

    return _run(repo, principal, "serviceItemMerge", change, decide)


class CatalogueService:
    """The commands above bound to the request's repository: what resolvers call
    (`info.context.catalogue`), so they never hold a repository themselves."""

    def __init__(self, repo: CatalogueRepository) -> None:
        self.repo = repo

    def create_item(
        self, principal: Principal, code: str, elements: ItemElements, change: CatalogueChange
    ) -> ServiceItem:
        return create_item(self.repo, principal, code, elements, change)

    def change_item(
        self, principal: Principal, code: str, elements: ItemElements, change: CatalogueChange
    ) -> ServiceItem:
        return change_item(self.repo, principal, code, elements, change)

    def cancel_item(self, principal: Principal, code: str, change: CatalogueChange) -> ServiceItem:
        return cancel_item(self.repo, principal, code, change)

    def transfer_item(
        self, principal: Principal, code: str, department_id: str, change: CatalogueChange
    ) -> ServiceItem:
        return transfer_item(self.repo, principal, code, department_id, change)

    def delegate_item(
        self,
        principal: Principal,
        code: str,
        centre_id: str,
        change: CatalogueChange,
        *,
        lead_department_id: str,
        co_reviewers: tuple[CoReviewer, ...] = (),
    ) -> ServiceItem:
        return delegate_item(
            self.repo,
            principal,
            code,
            centre_id,
            change,
            lead_department_id=lead_department_id,
            co_reviewers=co_reviewers,
        )

    def merge_items(
        self, principal: Principal, code: str, source_codes: list[str], change: CatalogueChange
    ) -> ServiceItem:
        return merge_items(self.repo, principal, code, source_codes, change)
