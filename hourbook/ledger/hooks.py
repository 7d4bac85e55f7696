"""Hooks through which apps above the ledger add to its pages, without the ledger importing them.

An app registers its contributors in its `AppConfig.ready` (STYLE.md §7: each app plugs itself in).
"""

from collections.abc import Callable

# Each contributor is called as f(employee, year, summary) and may update the 我的档案 summary dict in place.
_ARCHIVE_CONTRIBUTORS: list[Callable] = []


def register_archive_contributor(func: Callable) -> None:
    if func not in _ARCHIVE_CONTRIBUTORS:
        _ARCHIVE_CONTRIBUTORS.append(func)


def archive_contributors() -> tuple[Callable, ...]:
    return tuple(_ARCHIVE_CONTRIBUTORS)
