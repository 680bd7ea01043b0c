"""Demo data beyond the shared catalogue: a vendor app registers a seeder (a callable taking
the running command's stdout) from its AppConfig.ready; `seed_store` runs each after the
catalogue, inside its transaction, so vendor rows can point at the catalogue's."""

from collections.abc import Callable

_seeders: dict[str, Callable] = {}


def register(name: str, seeder: Callable) -> None:
    _seeders[name] = seeder


def run(stdout=None) -> None:
    for seeder in _seeders.values():
        seeder(stdout)
