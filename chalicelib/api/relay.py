"""Relay plumbing: opaque global IDs and cursor connections over the pages services return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from strawberry import relay

from chalicelib.api.errors import INVALID_ID, PAGE_LIMIT, ApiError
from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.config import get_settings
from chalicelib.domain.pages import Page

N = TypeVar("N")
D = TypeVar("D")


@visible_to(PUBLIC)
@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@visible_to(PUBLIC)
@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@visible_to(PUBLIC)
@strawberry.type
class Connection(Generic[N]):
    """Forward-only cursor connection (DynamoDB reads forward from LastEvaluatedKey)."""

    edges: list[Edge[N]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of this page, without edges.")
    def nodes(self) -> list[N]:
        return [edge.node for edge in self.edges]


def page_size(first: int | None) -> int:
    """`first` defaults to 20 and may not exceed 100 (PAGE_LIMIT otherwise)."""
    settings = get_settings()
    if first is None:
        return settings.page_default
    if not 1 <= first <= settings.page_max:
        raise ApiError(PAGE_LIMIT, f"每页数量应在1至{settings.page_max}之间", field="first")
    return first


def to_connection(page: Page[D], convert: Callable[[D], N]) -> Connection[N]:
    edges = [Edge(cursor=cursor, node=convert(item)) for item, cursor in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=page.end_cursor,
        ),
    )


def decode_id(value: relay.GlobalID | str, expected: str, field: str = "id") -> str:
    """A global ID of type `expected` -> its node id; anything else is INVALID_ID."""
    try:
        gid = value if isinstance(value, relay.GlobalID) else relay.GlobalID.from_id(value)
    except (ValueError, TypeError):
        raise ApiError(INVALID_ID, "ID格式无效", field=field) from None
    if gid.type_name != expected or not gid.node_id or len(gid.node_id) > 200:
        raise ApiError(INVALID_ID, f"ID不是有效的{expected}标识", field=field)
    return gid.node_id


def global_id(type_name: str, node_id: str) -> strawberry.ID:
    return strawberry.ID(str(relay.GlobalID(type_name, node_id)))
