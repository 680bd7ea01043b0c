"""Sections a vendor app adds to the landing page (its AppConfig.ready registers a callable
returning `{"title": ..., "rows": [(label, value, preformatted?)...]}` or None), so the page
shows vendor facts (Pancake's webhook public key) without the core importing a vendor."""

from collections.abc import Callable

_sections: dict[str, Callable[[], dict | None]] = {}


def register(name: str, section: Callable[[], dict | None]) -> None:
    _sections[name] = section


def sections() -> list[dict]:
    found = []
    for section in _sections.values():
        try:
            value = section()
        except Exception:  # a vendor's table not migrated yet must not break the page
            value = None
        if value:
            found.append(value)
    return found
