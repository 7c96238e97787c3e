"""Public catalogue queries: browse, one item with its history, departments, centres."""

from __future__ import annotations

import strawberry
from graphql import FieldNode
from strawberry.types import Info

from chalicelib.api._strawberry_seam import child_fields, field_arguments
from chalicelib.api.catalogue.types import Centre, Department, ServiceItem, referenced_departments, service_item_page
from chalicelib.api.errors import NOT_FOUND, ApiError
from chalicelib.api.per_document import PerDocument
from chalicelib.api.permissions import PUBLIC, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.config import get_settings


def _scope(centre_id: strawberry.ID | None, department_id: strawberry.ID | None) -> str:
    if centre_id and department_id:
        raise ApiError("BAD_REQUEST", "centreId 与 departmentId 只能二选一", field="centreId")
    if centre_id:
        return f"LIST#CENTRE#{decode_id(centre_id, 'Centre', 'centreId')}"
    if department_id:
        return f"LIST#DEPT#{decode_id(department_id, 'Department', 'departmentId')}"
    return "LIST#ALL"


# The `history` fields selected right under one field (not in fragments), per document and path
# (api/per_document.py); the arguments' values are read per request.
_history_nodes: PerDocument[tuple[FieldNode, ...]] = PerDocument(lambda info: child_fields(info, "history"))


def _history_first(info: Info) -> int | None:
    """The page size of a `history` selected from its start (no `after`), else None.

    As reading `info.selected_fields` (a fragment's `history` is read apart, as before), with
    the arguments converted as strawberry converts them, from this request's variables."""
    for node in _history_nodes(info):
        arguments = field_arguments(info, node)
        if arguments.get("after") is None:
            first = arguments.get("first")  # a literal arrives as its text, a variable as its value
            settings = get_settings()
            if first is None:
                return settings.page_default
            if isinstance(first, str) and first.isdigit():
                first = int(first)
            return first if isinstance(first, int) and 1 <= first <= settings.page_max else None
    return None


@strawberry.type
class CatalogueQuery:
    @field(access=PUBLIC, description="Published items, by centre or department, with a keyword filter.")
    def service_items(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        centre_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
        keyword: str | None = None,
    ) -> Connection[ServiceItem]:
        return service_item_page(info, _scope(centre_id, department_id), first, after, keyword)

    @field(access=PUBLIC, description="One item: its current version, or an earlier one by number.")
    def service_item(self, info: Info, id: strawberry.ID, version: int | None = None) -> ServiceItem:
        code = decode_id(id, "ServiceItem")
        reads = info.context.catalogue_reads
        history = _history_first(info)
        if version is None and history is not None:
            item = reads.read_item_with_history(code, history)  # one Query for the head and `history`
        elif version is None:
            item = reads.read_item(code)
        else:
            snapshot = reads.read_item_version(code, version) if 1 <= version <= 1_000_000 else None
            item = snapshot.item if snapshot else None
        if item is None:
            raise ApiError(NOT_FOUND, "事项不存在", field="id")
        # Every department and centre the item names load in one BatchGetItem, whichever is asked first.
        info.context.departments.want(referenced_departments(item))
        info.context.centres.want(item.centre_ids)
        return ServiceItem.from_domain(item)

    @field(access=PUBLIC)
    def departments(
        self, info: Info, first: int | None = None, after: str | None = None, centre_id: strawberry.ID | None = None
    ) -> Connection[Department]:
        centre = decode_id(centre_id, "Centre", "centreId") if centre_id else None
        page = info.context.catalogue_reads.page_departments(centre, page_size(first), after)
        return to_connection(page, Department.from_domain)

    @field(access=PUBLIC)
    def department(self, info: Info, id: strawberry.ID) -> Department:
        found = info.context.catalogue_reads.read_department(decode_id(id, "Department"))
        if found is None:
            raise ApiError(NOT_FOUND, "部门不存在", field="id")
        return Department.from_domain(found)

    @field(access=PUBLIC, description="The centre hierarchy, city centre first.")
    def centres(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Centre]:
        page = info.context.catalogue_reads.page_centres(page_size(first), after)
        return to_connection(page, Centre.from_domain)

    @field(access=PUBLIC)
    def centre(self, info: Info, id: strawberry.ID) -> Centre:
        found = info.context.catalogue_reads.read_centre(decode_id(id, "Centre"))
        if found is None:
            raise ApiError(NOT_FOUND, "中心不存在", field="id")
        return Centre.from_domain(found)
