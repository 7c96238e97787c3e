"""complaintFile: an applicant or agent complains about one of their cases or a window post."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.complaints.mutations.base import ComplaintPayload, run
from chalicelib.api.errors import INVALID_ID, ApiError
from chalicelib.api.relay import decode_id
from chalicelib.domain import complaint as dc


@strawberry.input(description="Exactly one of applicationId and windowPostId.")
class ComplaintFileInput:
    application_id: strawberry.ID | None = None
    window_post_id: strawberry.ID | None = strawberry.field(
        default=None, description="The window's complaint code: a `WindowPost` global ID."
    )
    text: str = ""
    idempotency_key: str | None = None


@strawberry.type
class ComplaintFilePayload(ComplaintPayload):
    pass


def _post(value: strawberry.ID) -> tuple[str, str]:
    centre_id, _, post_id = decode_id(value, "WindowPost", "windowPostId").partition("/")
    if not centre_id or not post_id:
        raise ApiError(INVALID_ID, "窗口标识无效", field="windowPostId")
    return centre_id, post_id


def complaint_file(info: Info, input: ComplaintFileInput) -> ComplaintFilePayload:
    ctx = info.context

    def action() -> dc.Complaint:
        case_id = decode_id(input.application_id, "Application", "applicationId") if input.application_id else None
        post = _post(input.window_post_id) if input.window_post_id else None
        return ctx.complaints.file(ctx.principal, case_id, post, input.text, input.idempotency_key)

    return run(ComplaintFilePayload, action)  # type: ignore[return-value]
