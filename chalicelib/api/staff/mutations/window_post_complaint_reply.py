"""windowPostComplaintReply: whoever holds the post today answers a complaint addressed to it."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.complaints.types import Complaint
from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.api.staff.errors import StaffError, catch
from chalicelib.domain import complaint as dc


@strawberry.input
class WindowPostComplaintReplyInput:
    complaint_id: strawberry.ID
    text: str


@visible_to(PUBLIC)
@strawberry.type
class WindowPostComplaintReplyPayload:
    complaint: Complaint | None
    user_errors: list[StaffError]


def window_post_complaint_reply(info: Info, input: WindowPostComplaintReplyInput) -> WindowPostComplaintReplyPayload:
    ctx = info.context

    def action() -> dc.Complaint:
        complaint_id = decode_id(input.complaint_id, "Complaint", "complaintId")
        return ctx.staff.complaint_reply(ctx.principal, complaint_id, input.text)

    complaint, errors = catch(action)
    return WindowPostComplaintReplyPayload(
        complaint=Complaint.from_domain(complaint) if complaint else None, user_errors=errors
    )
