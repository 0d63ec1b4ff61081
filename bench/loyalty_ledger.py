"""Points ledger benchmark: fill the ledger to N entries (default 1,000,000) spread over U users, then measure
through the real services:

* award throughput (``points_award``, one entry + one lot each) and spend throughput (``points_spend``, FIFO
  over the person's open lots), sequentially and with ``--threads`` concurrent workers on different people;
* balance-read latency (``points_balance``, p50/p95/p99) and the first history page (``points_history``, 20 rows);
* a full ``points_balances_rebuild(fix=False)`` over the whole ledger.

PostgreSQL:

    createdb -h 127.0.0.1 -U postgres shequ_bench_loyalty
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench_loyalty python bench/loyalty_ledger.py

SQLite (a throwaway file under var/bench-loyalty unless SHEQU_DATA_DIR is set):

    python bench/loyalty_ledger.py

The fill writes rows directly with bulk_create (the services would take hours for a million rows), keeping
the ledger's invariants: per person, balance = ledger sum = lots remaining (FIFO simulated in Python). It runs
once per database; ``--refill`` starts over.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import deque
from datetime import timedelta
from pathlib import Path


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="ledger rows to fill (default 1,000,000)")
    parser.add_argument("--users", type=int, default=2000, help="people the rows are spread over (default 2000)")
    parser.add_argument("--ops", type=int, default=2000, help="awards and spends to time (default 2000 each)")
    parser.add_argument("--reads", type=int, default=5000, help="balance reads to time (default 5000)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent workers for the parallel run")
    parser.add_argument("--refill", action="store_true", help="delete the benchmark's rows and fill again")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        data = Path(os.environ.setdefault("SHEQU_DATA_DIR", str(Path("var/bench-loyalty").resolve())))
        data.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def bench_users(count: int) -> list[int]:
    from django.contrib.auth.hashers import make_password

    from shequ.accounts.models import User

    prefix = "bench-loyalty-"
    have = list(User.objects.filter(phone_hash__startswith=prefix).order_by("pk").values_list("pk", flat=True))
    if len(have) < count:
        unusable = make_password(None)
        User.objects.bulk_create(
            [
                User(phone_hash=f"{prefix}{i}", nickname=f"积分压测{i}", password=unusable)
                for i in range(len(have), count)
            ],
            batch_size=1000,
        )
        have = list(User.objects.filter(phone_hash__startswith=prefix).order_by("pk").values_list("pk", flat=True))
    return have[:count]


def fill(user_ids: list[int], entries: int, rng: random.Random, *, refill: bool) -> int:
    """Write ``entries`` ledger rows (≈80% earnings with lots, 20% FIFO spends) for ``user_ids``."""
    from django.db import transaction
    from django.db.models import Sum
    from django.utils import timezone

    from shequ.loyalty.ledger import expiry_for
    from shequ.loyalty.models import LedgerEntry, PointsAccount, PointsLot

    existing = LedgerEntry.objects.filter(user_id__in=user_ids).count()
    if existing and not refill:
        return existing
    LedgerEntry.objects.filter(user_id__in=user_ids).delete()
    PointsAccount.objects.filter(user_id__in=user_ids).delete()
    per_user = entries // len(user_ids)
    now = timezone.now()
    started = time.perf_counter()
    batch_entries: list[LedgerEntry] = []
    written = 0
    for n, user_id in enumerate(user_ids):
        balance, earned = 0, 0
        open_lots: deque[list] = deque()  # [entry index in batch, remaining]
        plan = []
        for k in range(per_user):
            at = now - timedelta(days=300) + timedelta(minutes=k * 7)
            if balance >= 50 and rng.random() < 0.2:
                points = rng.randint(10, min(balance, 300))
                balance -= points
                left = points
                while left:
                    lot = open_lots[0]
                    taken = min(left, lot[1])
                    lot[1] -= taken
                    left -= taken
                    if not lot[1]:
                        open_lots.popleft()
                plan.append(("spend", "mall", -points, balance, at, None))
            else:
                points = rng.randint(1, 100)
                balance += points
                earned += points
                lot = [len(plan), points]
                open_lots.append(lot)
                plan.append(("earn", rng.choice(["checkin", "post", "purchase"]), points, balance, at, lot))
        rows = [
            LedgerEntry(
                user_id=user_id,
                entry_type=kind,
                kind=reason,
                reference=f"b{k}",
                points=points,
                balance_after=after,
                created_at=at,
            )
            for k, (kind, reason, points, after, at, _lot) in enumerate(plan)
        ]
        with transaction.atomic():
            created = LedgerEntry.objects.bulk_create(rows, batch_size=2000)
            PointsLot.objects.bulk_create(
                [
                    PointsLot(
                        user_id=user_id,
                        entry=created[k],
                        points=plan[k][2],
                        remaining=lot[1],
                        expires_at=expiry_for(plan[k][4]),
                    )
                    for k, (_t, _r, _p, _a, _at, lot) in enumerate(plan)
                    if lot is not None
                ],
                batch_size=2000,
            )
            PointsAccount.objects.create(user_id=user_id, balance=balance, earned_total=earned)
        written += len(rows)
        if n % 200 == 0:
            rate = written / max(1e-9, time.perf_counter() - started)
            print(f"  filled {written:,} entries ({rate:,.0f}/s)", flush=True)
    del batch_entries
    total = LedgerEntry.objects.filter(user_id__in=user_ids).aggregate(t=Sum("points"))["t"]
    print(f"  fill done: {written:,} entries in {time.perf_counter() - started:.1f}s (ledger sum {total:,})")
    return written


def timed_ops(label: str, user_ids: list[int], count: int, op, threads: int = 1) -> float:
    from django.db import connection

    per_thread = count // threads
    errors: list[Exception] = []

    def worker(index: int) -> None:
        mine = user_ids[index::threads]
        try:
            for i in range(per_thread):
                op(mine[i % len(mine)], f"{label}-{index}-{i}-{time.time_ns()}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    started = time.perf_counter()
    if threads == 1:
        worker(0)
    else:
        pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    elapsed = time.perf_counter() - started
    done = per_thread * threads
    if errors:
        print(f"  {label}: {len(errors)} worker error(s), first: {errors[0]!r}")
    rate = done / elapsed
    print(f"  {label:<28} {done:>6} entries in {elapsed:6.2f}s = {rate:8,.0f} entries/s")
    return rate


def main(argv=None) -> None:
    args = parse_args(argv)
    setup_django()
    from django.db import connection

    from shequ.loyalty import selectors, services

    rng = random.Random(args.seed)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    user_ids = bench_users(args.users)
    fill(user_ids, args.entries, rng, refill=args.refill)
    from shequ.loyalty.models import LedgerEntry

    print(f"ledger rows now: {LedgerEntry.objects.count():,}")

    def award(user_id, ref):
        services.points_award(user_id=user_id, points=10, kind="bench", reference=ref)

    def spend(user_id, ref):
        services.points_spend(user_id=user_id, points=5, kind="bench", reference=ref)

    print("write throughput (real services, one transaction each):")
    results = {
        "award": timed_ops("award", user_ids, args.ops, award),
        "spend": timed_ops("spend", user_ids, args.ops, spend),
    }
    if connection.vendor == "postgresql" and args.threads > 1:
        results["award_parallel"] = timed_ops(f"award x{args.threads} threads", user_ids, args.ops, award, args.threads)
        results["spend_parallel"] = timed_ops(f"spend x{args.threads} threads", user_ids, args.ops, spend, args.threads)

    print("reads:")
    samples = []
    for _ in range(args.reads):
        user_id = rng.choice(user_ids)
        t0 = time.perf_counter()
        selectors.points_balance(user_id=user_id)
        samples.append((time.perf_counter() - t0) * 1000)
    print(
        f"  points_balance               p50 {statistics.median(samples):.3f} ms  p95 {percentile(samples, 95):.3f} ms"
        f"  p99 {percentile(samples, 99):.3f} ms  ({args.reads} reads)"
    )
    history = []
    for _ in range(min(1000, args.reads)):
        user_id = rng.choice(user_ids)
        t0 = time.perf_counter()
        list(selectors.points_history(user_id=user_id)[:20])
        history.append((time.perf_counter() - t0) * 1000)
    print(
        f"  history page (20 rows)       p50 {statistics.median(history):.3f} ms  p95 {percentile(history, 95):.3f} ms"
    )
    soon = []
    for _ in range(min(1000, args.reads)):
        user_id = rng.choice(user_ids)
        t0 = time.perf_counter()
        selectors.points_expiring_soon(user_id=user_id)
        soon.append((time.perf_counter() - t0) * 1000)
    print(f"  expiring soon                p50 {statistics.median(soon):.3f} ms  p95 {percentile(soon, 95):.3f} ms")

    t0 = time.perf_counter()
    wrong = services.points_balances_rebuild(fix=False)
    print(f"rebuild check over the whole ledger: {time.perf_counter() - t0:.1f}s, {len(wrong)} wrong balance(s)")
    from shequ.analytics.services import flush

    flush()
    print(
        "SUMMARY "
        + " ".join(f"{name}={rate:.0f}/s" for name, rate in results.items())
        + f" balance_p95_ms={percentile(samples, 95):.3f}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    main()
