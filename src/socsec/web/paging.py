"""Pages of a list: a bounded number of rows read at a time (``LIMIT size + 1 OFFSET ...``: the extra row
says whether a next page exists, without counting the whole list), and the links to the previous and next
pages that keep the rest of the address (filters) as it is. ``_pager.html`` shows them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest

T = TypeVar("T")

PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
PAGE_NUMBER_MAX = 100_000  # with the size, bounds the offset a request can ask for


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    has_next: bool
    previous_query: str
    next_query: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.size + len(self.items)


def _bounded(raw: str, default: int, most: int) -> int:
    """A whole number from 1 to ``most`` (one larger is ``most``), else ``default``."""
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        return default
    return min(int(raw), most)


def size_of(request: HttpRequest, default: int = PAGE_SIZE) -> int:
    """The page size the request asks for (``size``, at most ``PAGE_SIZE_MAX``), else ``default``: for a
    list paged by a cursor of its own rather than by ``page_of``."""
    return _bounded(request.GET.get("size", ""), default, PAGE_SIZE_MAX)


def page_of(request: HttpRequest, items: QuerySet[Any] | Sequence[T], *, size: int = PAGE_SIZE) -> Page[Any]:
    """The page the request asks for (``page``, from 1; ``size``, at most ``PAGE_SIZE_MAX``) of ``items``,
    an ordered queryset (read a page at a time) or a list already bounded."""
    number = _bounded(request.GET.get("page", ""), 1, PAGE_NUMBER_MAX)
    size = _bounded(request.GET.get("size", ""), size, PAGE_SIZE_MAX)
    offset = (number - 1) * size
    rows = list(items[offset : offset + size + 1])
    query = request.GET.copy()

    def at(n: int) -> str:
        query["page"] = str(n)
        return query.urlencode()

    return Page(rows[:size], number, size, len(rows) > size, at(max(number - 1, 1)), at(number + 1))
