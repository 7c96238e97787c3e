"""Window approval of immediate items (seed 004 三(三)): administrators grant a post the
authority; the clerk on that post accepts and decides such a case in one step.

The post (its holder and AB backup) comes from the organisation model in the catalogue; the
authority is kept in its own records keyed by the post (`storage/window_authority_repository.py`).
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import window_authority as dw
from chalicelib.domain.application import Application, Transition
from chalicelib.domain.catalogue import WindowPost
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.window_authority import AuthorityCode, WindowAuthority
from chalicelib.services import clock
from chalicelib.services.applications import ApplicationService
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.unit_of_work import UnitOfWork
from chalicelib.storage.window_authority_repository import WindowAuthorityRepository


class WindowAuthorityService:
    def __init__(
        self, applications: ApplicationService, catalogue: CatalogueRepository, repo: WindowAuthorityRepository
    ) -> None:
        self.applications = applications
        self.catalogue = catalogue
        self.repo = repo

    def _post(self, centre_id: str, post_id: str) -> WindowPost:
        post = next((p for p in self.catalogue.posts_of_centre(centre_id) if p.id == post_id), None)
        if post is None:
            raise DomainError.one(AuthorityCode.NOT_FOUND, "窗口不存在", "windowPostId")
        return post

    def grant(
        self, principal: Principal, centre_id: str, post_id: str, item_codes: list[str], reason: str
    ) -> WindowAuthority:
        """Set the post's items (administrators only); one transaction guarded by the revision."""
        if not principal.has_any(Role.ADMIN) or principal.subject is None:
            raise DomainError.one(AuthorityCode.FORBIDDEN, "只有事项管理员可以授予窗口审批权")
        post = self._post(centre_id, post_id)
        found = self.catalogue.items_by_code(item_codes) if item_codes else {}
        authority = dw.grant(
            centre_id=centre_id,
            post_id=post_id,
            post_name=post.name,
            items=[(code, found.get(code)) for code in item_codes],
            actor_id=principal.subject,
            at=clock.now_iso(),
            reason=reason,
        )
        current = self.repo.get(centre_id, post_id)
        uow = UnitOfWork()
        self.repo.stage(uow, authority, current[1] if current else None)
        uow.commit()
        return authority

    def get(self, centre_id: str, post_id: str) -> WindowAuthority | None:
        found = self.repo.get(centre_id, post_id)
        return found[0] if found else None

    def decide(
        self,
        principal: Principal,
        application_id: str,
        centre_id: str,
        post_id: str,
        reason: str,
        legal_basis: str,
        key: str | None = None,
    ) -> Application:
        """The clerk names the post they sit at; they must be its holder or its AB backup."""

        def decide(case: Application, now: datetime) -> Transition:
            post = self._post(centre_id, post_id)
            if centre_id != case.centre_id or principal.subject not in {post.staff_id, post.backup_staff_id}:
                raise DomainError.one(da.Code.WINDOW_NOT_AUTHORISED, "只能以本人所在窗口的授权审批", "windowPostId")
            found = self.repo.get(centre_id, post_id)
            authority = found[0] if found and found[0].covers(case.item.code) else None
            # A backup deciding at the post they cover today is audited under it (seed 003 二(三)4).
            acting = principal.at_post(post.ref)
            return da.decide_at_window(case, acting, now, reason, legal_basis, authority.label() if authority else None)

        request = [centre_id, post_id, reason, legal_basis]
        return self.applications.apply_transition(
            application_id, principal, "applicationDecideAtWindow", key, decide, request
        )
