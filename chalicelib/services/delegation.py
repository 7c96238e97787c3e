"""Delegation lifecycle use cases (seed 003 二(一)–(二)): tiers, adjustment requests, memos.

Each command is one transaction. Applying a memo stages every catalogue change it lists (the
catalogue's own delegate/undelegate rules, as `serviceItemDelegate` uses them) and marks the memo
applied at the revision it was read at, all in one `TransactWriteItems`: either every delegation
changes or none does, and of two concurrent applications exactly one lands (the other is told the
memo was already applied).
"""

from __future__ import annotations

import secrets

from chalicelib.domain import delegation as dd
from chalicelib.domain import transaction_budget
from chalicelib.domain.catalogue import Centre, ChangeContext, ItemVersion, ServiceItem
from chalicelib.domain.delegation import (
    AdjustmentChange,
    AdjustmentMemo,
    AdjustmentRequest,
    DelegationCode,
    GuidanceCatalogue,
    GuidanceTier,
    RequestStatus,
    TierAssignment,
)
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.services import catalogue as catalogue_service
from chalicelib.services.clock import now_iso
from chalicelib.services.handover import stage_opening
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.delegation_repository import DelegationRepository
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork


def tier_refusal(code: str, centre_id: str) -> str | None:
    """Why a direct delegation of `code` to `centre_id` is outside the centre's tier, if it is
    (two GetItems; a centre without a tier is not limited)."""
    repo = DelegationRepository()
    found = repo.tier(centre_id)
    if found is None:
        return None
    assignment = found[0]
    catalogue = repo.catalogue(assignment.tier)
    if catalogue is not None and code in catalogue[0].item_codes:
        return None
    return f"事项{code}不在该中心适用的{dd.TIER_LABEL[assignment.tier]}内"


SUBMIT = "adjustmentRequestSubmit"


class DelegationService:
    def __init__(self, catalogue: CatalogueRepository, repo: DelegationRepository | None = None) -> None:
        self.catalogue = catalogue
        self.repo = repo or DelegationRepository()
        self.idempotency = IdempotencyRepository()

    def _centres(self) -> dict[str, Centre]:
        return self.catalogue.all_centres()

    # --- guidance catalogues and tiers -----------------------------------------------------------

    def set_catalogue(
        self, principal: Principal, tier: GuidanceTier, codes: list[str], reason: str
    ) -> GuidanceCatalogue:
        actor = dd.require_city_admin(principal, self._centres())
        items = self.catalogue.items_by_code(codes)
        catalogue = dd.set_catalogue(tier, codes, items, actor, now_iso(), reason)
        found = self.repo.catalogue(tier)
        uow = UnitOfWork()
        self.repo.stage_catalogue(uow, catalogue, found[1] if found else None)
        uow.commit()
        return catalogue

    def assign_tier(self, principal: Principal, centre_id: str, tier: GuidanceTier, reason: str) -> TierAssignment:
        centres = self._centres()
        actor = dd.require_city_admin(principal, centres)
        assignment = dd.assign_tier(centre_id, tier, centres, actor, now_iso(), reason)
        found = self.repo.tier(centre_id)
        uow = UnitOfWork()
        self.repo.stage_tier(uow, assignment, found[1] if found else None)
        uow.commit()
        return assignment

    def catalogues(self) -> dict[GuidanceTier, GuidanceCatalogue]:
        return self.repo.catalogues()

    def tier_of(self, centre_id: str) -> TierAssignment | None:
        found = self.repo.tier(centre_id)
        return found[0] if found else None

    # --- requests --------------------------------------------------------------------------------

    def _reference(self, centre_id: str, codes: list[str], centres: dict[str, Centre]) -> dd.Reference:
        tier = self.tier_of(centre_id)
        catalogue = self.repo.catalogue(tier.tier) if tier else None
        return dd.Reference(
            centres=centres,
            departments=self.catalogue.all_departments(),
            items=self.catalogue.items_by_code(codes),
            tier=tier,
            catalogue=catalogue[0] if catalogue else None,
        )

    def submit(
        self,
        principal: Principal,
        centre_id: str,
        changes: list[AdjustmentChange],
        reason: str,
        key: str | None = None,
    ) -> AdjustmentRequest:
        """A retry with the same idempotency key returns the first request instead of a second one."""
        earlier = self._remembered(principal, key, centre_id)
        if earlier is not None:
            return earlier
        centres = self._centres()
        ref = self._reference(centre_id, [c.item_code for c in changes[: dd.MAX_CHANGES]], centres)
        request = dd.submit(secrets.token_hex(8), centre_id, tuple(changes), reason, principal, now_iso(), ref)
        uow = UnitOfWork()
        self.repo.stage_request(uow, request, None)
        if key and principal.subject:
            self.idempotency.remember(uow, principal.subject, SUBMIT, key, {"id": request.id, "target": centre_id})
        try:
            uow.commit()
        except DomainError as error:
            again = self._remembered(principal, key, centre_id) if error.violations[0].code == CONFLICT else None
            if again is not None:  # a concurrent retry with the same key won
                return again
            raise
        return request

    def _remembered(self, principal: Principal, key: str | None, centre_id: str) -> AdjustmentRequest | None:
        if not key or principal.subject is None:
            return None
        if len(key) > 100:
            raise DomainError.one(DelegationCode.TOO_LONG, "幂等键不能超过100个字符", "idempotencyKey")
        earlier = self.idempotency.remembered(principal.subject, SUBMIT, key)
        if earlier is None:
            return None
        if earlier.get("target") != centre_id:
            raise DomainError.one(
                DelegationCode.IDEMPOTENCY_KEY_REUSED, "该幂等键已用于另一请求,请换用新的幂等键", "idempotencyKey"
            )
        found = self.repo.request(str(earlier["id"]))
        return found[0] if found else None

    def _load_request(self, request_id: str) -> tuple[AdjustmentRequest, int]:
        found = self.repo.request(request_id)
        if found is None:
            raise DomainError.one(DelegationCode.NOT_FOUND, "职权调整申请不存在", "id")
        return found

    def may_see_request(self, principal: Principal, request: AdjustmentRequest) -> bool:
        """The submitting centre's administrators and the city's."""
        if not principal.has_any(Role.ADMIN):
            return False
        return principal.centre_id == request.centre_id or dd.is_city_admin(principal, self._centres())

    def request(self, principal: Principal, request_id: str) -> AdjustmentRequest:
        found = self.repo.request(request_id)
        if found is None or not self.may_see_request(principal, found[0]):
            raise DomainError.one(DelegationCode.NOT_FOUND, "职权调整申请不存在", "id")
        return found[0]

    def review(self, principal: Principal, request_id: str, passed: bool, note: str) -> AdjustmentRequest:
        actor = dd.require_city_admin(principal, self._centres())
        request, rev = self._load_request(request_id)
        reviewed = dd.review(request, actor, passed, note, now_iso())
        uow = UnitOfWork()
        self.repo.stage_request(uow, reviewed, rev)
        uow.commit()
        return reviewed

    def approve(
        self, principal: Principal, request_id: str, passed: bool, reference: str, note: str
    ) -> tuple[AdjustmentRequest, AdjustmentMemo | None]:
        actor = dd.require_city_admin(principal, self._centres())
        request, rev = self._load_request(request_id)
        approved, memo = dd.approve(request, secrets.token_hex(8), actor, passed, reference, note, now_iso())
        uow = UnitOfWork()
        self.repo.stage_request(uow, approved, rev)
        if memo is not None:
            self.repo.stage_memo(uow, memo, None)
        uow.commit()
        return approved, memo

    def requests(
        self, principal: Principal, centre_id: str | None, status: RequestStatus | None, first: int, after: str | None
    ) -> Page[AdjustmentRequest]:
        """A centre's requests (its administrators, or the city's), or the city's worklist by status."""
        city = dd.is_city_admin(principal, self._centres())
        if centre_id is not None:
            if not (city or (principal.has_any(Role.ADMIN) and principal.centre_id == centre_id)):
                raise DomainError.one(DelegationCode.FORBIDDEN, "只能查看本中心的职权调整申请", "centreId")
            return self.repo.requests_of_centre(centre_id, first, after)
        if not city:
            raise DomainError.one(DelegationCode.FORBIDDEN, "请指定本中心", "centreId")
        return self.repo.requests_in(status or RequestStatus.SUBMITTED, first, after)

    # --- memos -----------------------------------------------------------------------------------

    def memo(self, memo_id: str) -> AdjustmentMemo | None:
        found = self.repo.memo(memo_id)
        return found[0] if found else None

    def memos(self, centre_id: str | None, first: int, after: str | None) -> Page[AdjustmentMemo]:
        return self.repo.memos(centre_id, first, after)

    def apply_memo(self, principal: Principal, memo_id: str) -> tuple[AdjustmentMemo, list[ServiceItem]]:
        """Change every delegation the memo lists, in one transaction with the memo's mark."""
        centres = self._centres()
        actor = dd.require_city_admin(principal, centres)
        found = self.repo.memo(memo_id)
        if found is None:
            raise DomainError.one(DelegationCode.NOT_FOUND, "备忘录不存在", "id")
        memo, rev = found
        at = now_iso()
        applied = dd.mark_applied(memo, actor, at)
        # The catalogue may have moved since approval: check the list again, all problems at once.
        ref = self._reference(memo.centre_id, [c.item_code for c in memo.changes], centres)
        problems = dd.check_changes(memo.centre_id, memo.changes, ref)
        if problems:
            raise DomainError(problems)
        reason = f"职权调整备忘录({memo.approval_reference})"
        ctx = catalogue_service.memo_context(self.catalogue, actor, reason, at)
        uow = UnitOfWork()
        versions: list[ItemVersion] = []
        for i, change in enumerate(memo.changes):
            try:
                version = self._stage_change(uow, ctx, memo.centre_id, change)
            except DomainError as error:  # a rule the memo check above does not know
                raise DomainError([Violation(v.code, v.message, f"changes[{i}]") for v in error.violations]) from error
            versions.append(version)
            if change.kind is dd.AdjustmentKind.TAKE_ON:  # seed 003 二(二)3: the handover follows the memo
                stage_opening(uow, version, memo.centre_id, memo.id)
        self.repo.stage_memo(uow, applied, rev)
        if len(uow) > transaction_budget.TRANSACTION_LIMIT:  # all or nothing needs one transaction
            message = f"本备忘录的调整需写入{len(uow)}条记录,超过单个事务{transaction_budget.TRANSACTION_LIMIT}条的上限,请分批调整"
            raise DomainError.one(DelegationCode.TOO_MANY, message, "id")
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                again = self.repo.memo(memo_id)
                if again is not None and again[0].applied:
                    dd.mark_applied(again[0], actor, at)  # raises MEMO_ALREADY_APPLIED
            raise
        return applied, [v.item for v in versions]

    def _stage_change(
        self, uow: UnitOfWork, ctx: ChangeContext, centre_id: str, change: AdjustmentChange
    ) -> ItemVersion:
        if change.kind is dd.AdjustmentKind.TAKE_ON:
            return catalogue_service.stage_delegate(
                self.catalogue,
                uow,
                ctx,
                change.item_code,
                centre_id,
                change.receiving_department_id,
                change.co_reviewer_department_ids,
            )
        return catalogue_service.stage_undelegate(self.catalogue, uow, ctx, change.item_code, centre_id)
