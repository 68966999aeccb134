"""Page arithmetic for results paged in Python, as the pager macro reads it.

Flask-SQLAlchemy's `db.paginate` pages a query; the directory, the inbox and search rank or group
in Python first, so their pages are dataclasses that mix this in to be read the same way by
templates/macros/pagination.html.
"""

from __future__ import annotations


class PageNumbers:
    """`pages`, `has_prev`, `has_next`, `prev_num`, `next_num` from `page`, `per_page`, `total`."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
