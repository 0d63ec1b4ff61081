"""Generate a large, realistic catalog for benchmarks: 50,000 SKUs (about 15,000 products) by default.

It plans products from the demo vocabulary (shequ.catalog.seed_data: the Shequ 好物 product lines, seasonal
series and a hundred generated partner brands), so names, categories, tags, prices, stock, promotions,
batches and inspection reports look like the demo's and search queries such as 牛奶 or 0糖气泡水 behave
realistically. Rows are bulk-inserted in chunks (one transaction per chunk); product cards get a shared
picture per pack shape and colour; prices and stock flags are refreshed in bulk at the end of each chunk.

It never touches the demo database by accident: it needs an explicit database (``--database-url`` or
``DATABASE_URL``) and refuses one that already has products unless ``--append`` is given.

PostgreSQL, from an empty database:

    createdb -h 127.0.0.1 -U postgres shequ_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    export SHEQU_DATA_DIR=/tmp/shequ-bench        # where the shared pictures are written
    shequ migrate
    python bench/generate_catalog.py --skus 50000
    shequ reindex                                 # build the search index for the new products

Options: ``--skus N``, ``--seed S``, ``--images shared|none|render``, ``--no-traceability`` (no batches or
inspection reports), ``--chunk N`` (products per transaction), ``--append``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skus", type=int, default=50_000, help="SKUs to create (default 50000).")
    parser.add_argument("--seed", type=int, default=20261124, help="Random seed (default 20261124).")
    parser.add_argument("--database-url", help="Database to fill (default: $DATABASE_URL, which must be set).")
    parser.add_argument(
        "--images",
        choices=("shared", "none", "render"),
        default="shared",
        help="shared: one picture per pack shape and colour (default); none; render: every product its own.",
    )
    parser.add_argument("--no-traceability", action="store_true", help="Skip production batches and reports.")
    parser.add_argument("--chunk", type=int, default=2000, help="Products per transaction (default 2000).")
    parser.add_argument("--append", action="store_true", help="Allow a database that already has products.")
    args = parser.parse_args(argv)
    if args.skus < 1 or args.chunk < 1:
        parser.error("--skus and --chunk must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if not os.environ.get("DATABASE_URL"):
        sys.stderr.write(
            "Refusing to run on the embedded demo database: pass --database-url or set DATABASE_URL "
            "(an empty database after `shequ migrate`).\n"
        )
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.config.settings")

    import django

    django.setup()

    from django.db import connection, transaction
    from django.utils import timezone

    from shequ.catalog.models import SKU, Brand, Category, InspectionReport, Product, ProductImage, ProductionBatch
    from shequ.catalog.seed import write_catalog
    from shequ.catalog.seed_plan import CatalogPlanner, brand_specs, finish, iter_candidates

    existing = Product.objects.count()
    if existing and not args.append:
        sys.stderr.write(f"The database already has {existing} products; use --append to add more anyway.\n")
        return 2

    started = time.perf_counter()
    rng = random.Random(args.seed)
    planner = CatalogPlanner(rng, now=timezone.now(), today=timezone.localdate(), traceability=not args.no_traceability)
    candidates = iter_candidates(rng, partner_brands_allowed=True)
    brands = brand_specs(partners=True)
    shared_images: dict = {}
    timings: dict[str, float] = {}
    products = skus = 0
    while skus < args.skus:
        # Plan and write one chunk at a time, so memory stays flat however large the catalog.
        clock = time.perf_counter()
        plans = []
        for candidate in itertools.islice(candidates, args.chunk):
            plan = planner.plan(candidate)
            plan.skus = plan.skus[: args.skus - skus]
            plans.append(plan)
            skus += len(plan.skus)
            if skus >= args.skus:
                break
        if not plans:
            sys.stderr.write(f"The vocabulary ran out of products at {skus} SKUs.\n")
            break
        finish(plans, rng)
        timings["planning"] = timings.get("planning", 0.0) + time.perf_counter() - clock
        with transaction.atomic():
            result = write_catalog(
                plans,
                brands=brands,
                images=args.images,
                notify=False,
                log=lambda message: None,
                shared_images=shared_images,
            )
        for name, seconds in result.timings.items():
            timings[name] = timings.get(name, 0.0) + seconds
        products += len(plans)
        print(f"  {products} products / {skus} SKUs written ({time.perf_counter() - started:.1f}s)")

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    counts = {
        "brands": Brand.objects.count(),
        "categories": Category.objects.count(),
        "products": Product.objects.count(),
        "SKUs": SKU.objects.count(),
        "images": ProductImage.objects.count(),
        "batches": ProductionBatch.objects.count(),
        "inspection reports": InspectionReport.objects.count(),
    }
    print(f"Done in {elapsed:.1f}s on {connection.vendor}. In the database now:")
    print("  " + ", ".join(f"{count} {name}" for name, count in counts.items()))
    print("  time by stage: " + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.items()))
    print("Next: `shequ reindex` to build the search index.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
