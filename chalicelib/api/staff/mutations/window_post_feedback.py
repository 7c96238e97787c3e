"""windowPostFeedback: the public feedback form on a supervision card (seed 001 三(四)3).

Anyone may file it; it becomes a complaint against the window post (the complaints domain's post
target), lands in the post's worklist, and is answered by whoever holds the post.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.api.staff.errors import StaffError, catch
from chalicelib.api.staff.queries import post_ref


@strawberry.input
class WindowPostFeedbackInput:
    window_post_id: strawberry.ID = strawberry.field(description="From the card's QR code.")
    text: str


@visible_to(PUBLIC)
@strawberry.type
class WindowPostFeedbackPayload:
    accepted: bool = strawberry.field(description="The feedback was filed (nothing else is shown).")
    user_errors: list[StaffError]


def window_post_feedback(info: Info, input: WindowPostFeedbackInput) -> WindowPostFeedbackPayload:
    ctx = info.context

    def action() -> bool:
        centre_id, _, post_id = post_ref(input.window_post_id, "windowPostId").partition("/")
        ctx.complaints.file_public(
            (centre_id, post_id), input.text, ctx.caller_key, ctx.settings.public_lookups_per_minute
        )
        return True

    done, errors = catch(action)
    return WindowPostFeedbackPayload(accepted=bool(done), user_errors=errors)
