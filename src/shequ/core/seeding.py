"""The registry of demo-data seeders; each app registers its own from AppConfig.ready().

Seeders run in ``order``; each runs once per database (recorded in SeedRecord), so a later issue's seeder
also runs on an existing demo database, and running `shequ seed` again does nothing twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SeedContext:
    rng: random.Random
    scale: float = 1.0
    log: Callable[[str], None] = print
    shared: dict[str, Any] = field(default_factory=dict)

    def count(self, base: int) -> int:
        return max(1, int(base * self.scale))


@dataclass(frozen=True)
class Seeder:
    name: str
    func: Callable[[SeedContext], dict[str, Any] | None]
    order: int


_seeders: dict[str, Seeder] = {}


def register_seeder(name: str, func: Callable[[SeedContext], dict[str, Any] | None], *, order: int) -> None:
    _seeders[name] = Seeder(name=name, func=func, order=order)


def seeders() -> list[Seeder]:
    return sorted(_seeders.values(), key=lambda seeder: (seeder.order, seeder.name))


def run_seeders(ctx: SeedContext, *, only: list[str] | None = None, force: bool = False) -> list[str]:
    """Run every registered seeder not yet recorded in this database; return the names that ran."""
    from shequ.core.models import SeedRecord

    done = set(SeedRecord.objects.values_list("name", flat=True))
    ran = []
    for seeder in seeders():
        if only and seeder.name not in only:
            continue
        if seeder.name in done and not force:
            ctx.log(f"  = {seeder.name}: already seeded")
            continue
        ctx.log(f"  + {seeder.name} ...")
        summary = seeder.func(ctx) or {}
        SeedRecord.objects.update_or_create(name=seeder.name, defaults={"summary": summary})
        ctx.log(f"    {summary}")
        ran.append(seeder.name)
    return ran
