"""Case heads decoded once per stored text (storage/application_repository.py `_own_head`).

Issue 14 point 3 ("every cache comes with a test showing it never serves one caller's data to
another"): the shared decoded head is never handed out; each read gets its own form answers and
shares only objects nobody can change.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import UTC, datetime
from types import UnionType
from typing import Any

from chalicelib.domain import application as da
from chalicelib.domain import catalogue as dc
from chalicelib.domain.application_form import FormRevision
from chalicelib.domain.identity import Principal, Role
from chalicelib.storage import application_repository as repo
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.decoded_documents import is_deeply_immutable
from chalicelib.storage.tables import Record
from tests.factories import ctx, elements

HOLDER = Principal("applicant-1", frozenset({Role.APPLICANT}))


def _stored_case(application_id: str = "h1", name: str = "王") -> str:
    """A filed case with form answers and one replaced revision, as its head's `data` text is stored."""
    item = dc.add_item("ZS-NR-001", elements(), ctx()).item
    case = da.file(
        application_id=application_id,
        tracking_code="HEADREAD01",
        item=item,
        applicant=da.Applicant("applicant-1", name, "330902199001011234"),
        actor=HOLDER,
        channel=da.Channel.ONLINE,
        centre_id="city",
        materials=(da.SubmittedMaterial("M-APPLY", "a.pdf", "materials/applicant-1/a", "0" * 64, 10, 1),),
        now=datetime(2031, 9, 1, 2, tzinfo=UTC),
        agent_authorised=False,
    ).case
    case = dataclasses.replace(
        case,
        form_data={"purpose": "自用", "floors": 3, "uses": ["住宅", "商业"]},
        form_history=(FormRevision(1, {"purpose": "出租", "uses": ["住宅"]}, "2031-09-02T10:00:00+08:00", "a"),),
    )
    text: str = Record.data.serialize(encode(case))
    return text


def _mutable_objects(value: Any, found: dict[int, Any]) -> dict[int, Any]:
    """Every dict, list and set reachable from `value` (through dataclasses and tuples), by id."""
    if isinstance(value, dict | list | set):
        found[id(value)] = value
        for child in value.values() if isinstance(value, dict) else value:
            _mutable_objects(child, found)
    elif isinstance(value, tuple | frozenset):
        for child in value:
            _mutable_objects(child, found)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _mutable_objects(getattr(value, f.name), found)
    return found


def _mutable_paths(tp: Any, path: str, seen: set[type]) -> set[str]:
    """Where a decoded value of `tp` can hold something mutable (the codec's view of the type)."""
    if is_deeply_immutable(tp):
        return set()
    origin = typing.get_origin(tp)
    if origin in (typing.Union, UnionType, tuple, frozenset):
        paths: set[str] = set()
        for arg in typing.get_args(tp):
            if arg is not Ellipsis:
                paths |= _mutable_paths(arg, path, seen)
        return paths
    if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        if tp in seen:
            return set()
        seen.add(tp)
        hints = typing.get_type_hints(tp)
        return {p for f in dataclasses.fields(tp) for p in _mutable_paths(hints[f.name], f"{path}.{f.name}", seen)}
    return {path}


def test_the_copies_cover_every_mutable_part_of_a_case_head() -> None:
    """`_own_head` copies the form answers; anything else mutable added to `Application` fails here."""
    assert _mutable_paths(da.Application, "Application", set()) == {
        "Application.form_data",
        "Application.form_history.answers",
    }


def test_a_head_read_equals_a_fresh_decode_of_the_same_text() -> None:
    text = _stored_case()
    read = repo._own_head(text)
    fresh = decode_as(da.Application, Record.data.deserialize(text))
    assert type(read) is da.Application
    assert read == fresh and repr(read) == repr(fresh)


def test_two_reads_of_one_text_share_no_mutable_object_and_cannot_change_each_other() -> None:
    text = _stored_case()
    first, second = repo._own_head(text), repo._own_head(text)
    assert first.item is second.item  # the immutable rest is decoded once
    mine, theirs = _mutable_objects(first, {}), _mutable_objects(second, {})
    assert mine and not set(mine) & set(theirs)
    first.form_data["purpose"] = "changed"
    first.form_data["uses"].append("工业")  # type: ignore[union-attr]
    first.form_history[0].answers["uses"].append("工业")  # type: ignore[union-attr]
    third = repo._own_head(text)
    for later in (second, third):
        assert later.form_data == {"purpose": "自用", "floors": 3, "uses": ["住宅", "商业"]}
        assert later.form_history[0].answers == {"purpose": "出租", "uses": ["住宅"]}
        assert later == decode_as(da.Application, Record.data.deserialize(text))


def test_a_changed_head_is_other_text_and_is_decoded_afresh() -> None:
    before, after = _stored_case(name="王"), _stored_case(name="李")
    assert repo._own_head(before).applicant.name == "王"
    assert repo._own_head(after).applicant.name == "李"
    assert repo._own_head(before).applicant.name == "王"


def test_the_decoded_heads_are_bounded() -> None:
    assert repo._decoded_head.cache_info().maxsize == repo.HEAD_ENTRIES
