"""Whether a `serviceItems` selection is answered whole by the listing summaries of its page.

Why: a catalogue page read in full returns ~10 KB of stored item per row; the listing summary
(domain/listing_summary.py) is ~400 bytes and answers what a catalogue page shows. The decision
depends only on the document, so it is made once per parsed document and field path (strawberry's
ParserCache hands the same document object to every request sending the same text; building
`info.selected_fields` converts the whole selection tree): the pattern of `_selects_history` in
api/applications/queries.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from chalicelib.api.per_document import PerDocument

#: ServiceItem fields a `ServiceItem.from_summary` object answers (department and centres resolve
#: from the ids in the summary; what is selected inside them is read from the reference loaders).
SUMMARY_FIELDS = frozenset(
    {
        "__typename",
        "id",
        "code",
        "version",
        "status",
        "name",
        "kind",
        "level",
        "statutoryLimitDays",
        "promisedLimitDays",
        "isJoint",
        "supervisionPhone",
        "timeoutRule",
        "confidential",
        "mergedInto",
        "projectCategory",
        "isFree",
        "department",
        "supervisingDepartment",
        "centres",
    }
)
_CONNECTION_PLAIN = frozenset({"__typename", "pageInfo"})  # connection fields that show no item
_EDGE_PLAIN = frozenset({"__typename", "cursor"})


def _summary_answers(info: Info) -> bool:
    return all(_connection_answered(getattr(s, "selections", ())) for s in info.selected_fields)


#: Whether every ServiceItem field this `serviceItems` field selects is in the listing summary, per
#: document and path (api/per_document.py).
summary_answers: PerDocument[bool] = PerDocument(_summary_answers)


def _children(selections: Iterable[Any]) -> Iterable[SelectedField]:
    """The fields selected here, looking inside fragment spreads and inline fragments (whatever
    their type condition or directives: counting a field that is skipped only means a full read)."""
    for child in selections:
        if isinstance(child, SelectedField):
            yield child
        else:
            yield from _children(getattr(child, "selections", ()))


def _connection_answered(selections: Iterable[Any]) -> bool:
    for child in _children(selections):
        if child.name == "edges":
            for edge_child in _children(child.selections):
                if edge_child.name == "node":
                    if not _item_answered(edge_child.selections):
                        return False
                elif edge_child.name not in _EDGE_PLAIN:
                    return False
        elif child.name == "nodes":
            if not _item_answered(child.selections):
                return False
        elif child.name not in _CONNECTION_PLAIN:
            return False
    return True


def _item_answered(selections: Iterable[Any]) -> bool:
    return all(child.name in SUMMARY_FIELDS for child in _children(selections))
