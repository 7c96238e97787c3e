"""Consultations (咨询) at a centre.

Key scheme (see infra/ACCESS_PATTERNS.md):
    CONSULT#<id> / #            the consultation (create-only)
                  GSI1: CONSULTEE#<identifier> / <at>#<id>   a person's consultations, newest
                        first (filing links the latest one: one Query)
"""

from __future__ import annotations

from chalicelib.domain.consultation import Consultation
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"
RECENT = 5


class ConsultationRepository:
    def get(self, consultation_id: str) -> Consultation | None:
        try:
            return decode_as(Consultation, Record.get(f"CONSULT#{consultation_id}", HEAD).data)
        except Record.DoesNotExist:
            return None

    def recent_of(self, identifier: str) -> list[Consultation]:
        """The person's latest few consultations (one Query on GSI1, newest first)."""
        records = Record.gsi1.query(f"CONSULTEE#{identifier}", scan_index_forward=False, limit=RECENT)
        return [decode_as(Consultation, r.data) for r in records]

    def stage_new(self, uow: UnitOfWork, consultation: Consultation) -> None:
        uow.create(
            Record(
                f"CONSULT#{consultation.id}",
                HEAD,
                entity="Consultation",
                data=encode(consultation),
                gsi1pk=f"CONSULTEE#{consultation.person_identifier}",
                gsi1sk=f"{consultation.at}#{consultation.id}",
            )
        )
