"""Oversight queries: the head's own worklist of major projects."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.oversight.types import CaseOversight
from chalicelib.api.permissions import STAFF, field
from chalicelib.api.relay import Connection, page_size, to_connection


@strawberry.type
class OversightQuery:
    @field(access=STAFF, description="一把手督办: the cases the caller oversees in person as head of their unit.")
    def head_oversight_worklist(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CaseOversight]:
        page = info.context.oversight.of_head(info.context.principal, page_size(first), after)
        return to_connection(page, CaseOversight.from_domain)
