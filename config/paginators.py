"""A paginator that stops counting: for lists whose full count is the slow part of the page.

`Paginator.count` runs `COUNT(*)` over every matching row. For a search that matches tens of
thousands of rows (the registry searched by "nguyen" over the whole country: 17,020 of 300,000
records, bench/RESULTS.md §14) that count costs as much as the page itself, yet nobody reads
past the first pages. `BoundedPaginator` counts at most one row past `max(limit, the end of the
requested page)`: the page shown, its neighbours and "Next" stay exact, and the total is shown as
"more than 1.000" instead of a number nobody needs.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 1000


class BoundedPaginator(Paginator):
    """`count` is exact up to `bound`; past it, `count` is `bound + 1`, `exact` is False and
    `bound` is the "more than" figure to show. `num_pages` then ends one page past the
    requested one, so "Next" works and the requested page always exists; the last page is
    unknown (templates hide "Last" and the page total when `exact` is False)."""

    def __init__(self, object_list, per_page, *, limit: int = COUNT_LIMIT, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit
        self._wanted = 1

    def get_page(self, number):
        try:
            self._wanted = max(int(number), 1)
        except (TypeError, ValueError):
            self._wanted = 1
        return super().get_page(number)

    def page(self, number):
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 0
        if wanted > self._wanted:
            # A page further than the one counted for: either asked directly, or `get_page`
            # falling back to the last page for a number out of range, which with a bounded
            # count is the page holding only the row past the bound. Count to its end.
            counted = "count" in self.__dict__
            if not counted or (not self.exact and wanted * self.per_page > self.bound):
                self._wanted = wanted
                for name in ("bound", "count", "num_pages"):
                    self.__dict__.pop(name, None)
        return super().page(number)

    @cached_property
    def bound(self) -> int:
        return max(self.limit, self._wanted * self.per_page)

    @cached_property
    def count(self) -> int:
        # A sliced queryset's count() is `SELECT COUNT(*) FROM (… LIMIT n)`: the database stops
        # after n rows. Ordering and the joined columns are dropped: they change nothing in a count.
        object_list = self.object_list
        if hasattr(object_list, "order_by") and hasattr(object_list, "count"):
            return object_list.order_by().values("pk")[: self.bound + 1].count()
        return len(object_list[: self.bound + 1])

    @property
    def exact(self) -> bool:
        return self.count <= self.bound
