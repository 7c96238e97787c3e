"""Consultations (咨询) recorded by staff; filing links the person's latest one as first contact."""

from __future__ import annotations

import secrets

from chalicelib.domain import consultation as dc
from chalicelib.domain.consultation import Consultation, ConsultationCode
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal
from chalicelib.services import clock
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.consultation_repository import ConsultationRepository
from chalicelib.storage.unit_of_work import UnitOfWork


class ConsultationService:
    def __init__(self, repo: ConsultationRepository, catalogue: CatalogueRepository) -> None:
        self.repo = repo
        self.catalogue = catalogue

    def record(
        self,
        principal: Principal,
        person_name: str,
        person_identifier: str,
        topic: str,
        answer: str,
        referred_post: tuple[str, str] | None,
    ) -> Consultation:
        """Staff of a centre record a consultation there; a referral names a window of that centre."""
        if not principal.is_staff or principal.subject is None or not principal.centre_id:
            raise DomainError.one(ConsultationCode.FORBIDDEN, "只有中心工作人员可以登记咨询")
        post = None
        if referred_post is not None:
            centre_id, post_id = referred_post
            found = next((p for p in self.catalogue.posts_of_centre(centre_id) if p.id == post_id), None)
            if found is None or centre_id != principal.centre_id:
                raise DomainError.one(ConsultationCode.NOT_FOUND, "本中心没有该窗口", "referredToWindowPostId")
            post = (post_id, found.name)
        consultation = dc.record(
            consultation_id=secrets.token_hex(10),
            centre_id=principal.centre_id,
            person_name=person_name,
            person_identifier=person_identifier,
            topic=topic,
            answer=answer,
            referred_post=post,
            actor_id=principal.subject,
            at=clock.utc_now().isoformat(timespec="seconds"),
        )
        uow = UnitOfWork()
        self.repo.stage_new(uow, consultation)
        uow.commit()
        return consultation

    def get(self, consultation_id: str) -> Consultation | None:
        return self.repo.get(consultation_id)
