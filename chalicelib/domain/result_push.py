"""Result push (审管联动, seed 002 (九)): approval results go to the department that supervises.

Seed 002: 「谁审批谁负责、谁主管谁监管」 — the bureau approves and issues, the competent line
department supervises afterwards, and 「建立…行政审批结果推送制度」: every change of a
certificate's legal effect (issued, superseded by a correction, revoked) is pushed to the
supervising department's feed. The message id derives from (certificate id, action), so one
certificate event can never be pushed twice, however often the issuance is retried.
"""

from __future__ import annotations

from enum import StrEnum

from chalicelib.domain.application import Application
from chalicelib.domain.certificate import Certificate, mask_name
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.supervision import department_feed


class PushAction(StrEnum):
    ISSUED = "issued"
    SUPERSEDED = "superseded"  # corrected: a new certificate replaces it
    REVOKED = "revoked"


ACTION_LABEL = {
    PushAction.ISSUED: "已颁发",
    PushAction.SUPERSEDED: "已更正换发",
    PushAction.REVOKED: "已撤销",
}


def supervising_department(cert: Certificate, case: Application) -> str:
    """Recorded on the certificate at issue; older records fall back to the case's item version."""
    return cert.supervising_department_id or case.item.elements.effective_supervising_department_id


def result_push(cert: Certificate, action: PushAction, department_id: str, at: str) -> Message:
    """The message for the supervising department; the holder's name is masked (the department
    looks the holder up in its own register by certificate number if it needs to)."""
    data = {
        "action": action.value,
        "certificateId": cert.id,
        "certificateNumber": cert.number,
        "itemCode": cert.item_code,
        "itemName": cert.item_name,
        "holderName": mask_name(cert.holder_name),
    }
    if action is PushAction.SUPERSEDED and cert.superseded_by:
        data["supersededBy"] = cert.superseded_by
    if action is not PushAction.ISSUED and cert.status_reason:
        data["reason"] = cert.status_reason
    title = f"审批结果推送:{cert.item_name}证照{cert.number}{ACTION_LABEL[action]}"
    return make_message(
        MessageKind.RESULT_PUSH, (cert.id, action.value), (department_feed(department_id),), title, cert.id, at, data
    )
