"""A page of anything: the read model every list returns, from storage through services to the API.

It lives in the domain (plain Python) so that storage can build it and resolvers can turn it into
a Relay connection without either importing the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page: the items with their own cursors, and where the next page starts."""

    items: list[tuple[T, str]]
    has_next_page: bool
    end_cursor: str | None
