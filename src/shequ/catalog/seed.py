"""Demo catalog (placeholder until the demo catalog lands)."""

from shequ.core.seeding import SeedContext


def seed_catalog(ctx: SeedContext) -> dict:
    return {}
