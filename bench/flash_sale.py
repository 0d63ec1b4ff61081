"""Flash-sale benchmark: N buyers arrive at once for a SKU with U units on a flash sale (per person 1) and each
POSTs one order to a running server. Prints how many orders were placed (must be exactly U), orders per second,
latency percentiles and the status codes, then checks the database: sold = reserved = U, no negative stock.

Run the server against the same database and Redis in another terminal, e.g. on PostgreSQL + Redis:

    createdb -h 127.0.0.1 -U postgres shequ_flash
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_flash REDIS_URL=redis://127.0.0.1:6379/5
    shequ migrate
    SHEQU_ANALYTICS_WRITE_MODE=buffered shequ serve --port 8100 --no-migrate --workers 4 --worker-class sync &
    python bench/flash_sale.py --base-url http://127.0.0.1:8100 --units 1000 --buyers 5000 --concurrency 32

Serve with sync workers: with threads (gthread) each worker accepts every connection it can and keeps it, so
the 32 connections sit unevenly on the workers for the whole sale and the buyers on the busiest one wait
longest (measured on 2 cores: p95 418-473 ms with 4 gthread workers against 213-228 ms with 4 sync workers, at
the same ~150 orders/s). A sync worker takes a connection only when it is free. wrk may then report a few
"timeouts" and a long total time at the very end: a connection that has nothing left to send waits in wrk's
``delay()`` while a sync worker holds it. Every buyer's answer is still counted, and orders per second comes
from the database.

``--driver wrk`` (the default when wrk is installed) fires the buyers with wrk, a C load generator, so the
measuring side costs almost no CPU on a small machine; ``--driver python`` uses an asyncio/httpx client.
Either way each buyer sends exactly one order (its own token and Idempotency-Key). Orders per second is
measured from the database: units sold / (last order's time - first order's time).

Setup (buyers with addresses and API tokens, a carrier, the product and the sale) happens in this process,
directly in the database, before the clock starts; ``--setup-only`` / ``--no-setup`` split the two phases.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--units", type=int, default=1000, help="Units on the flash sale (default 1000).")
    parser.add_argument("--buyers", type=int, default=5000, help="Buyers, one attempt each (default 5000).")
    parser.add_argument("--concurrency", type=int, default=32, help="Requests in flight at once (default 32).")
    parser.add_argument("--driver", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--state", default="var/bench-flash.json", help="Where setup writes tokens and ids.")
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--no-setup", action="store_true")
    parser.add_argument(
        "--async",
        dest="queued",
        action="store_true",
        help="Send Prefer: respond-async: winners are answered 202 with a ticket while workers write the orders "
        "(the server needs CELERY_BROKER_URL and a running celery worker). Also prints how long buyers waited "
        "for their order to be written.",
    )
    args = parser.parse_args(argv)
    if min(args.units, args.buyers, args.concurrency) < 1:
        parser.error("--units, --buyers and --concurrency must be positive")
    return args


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL (and REDIS_URL) to the database the server uses.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def setup(args: argparse.Namespace) -> dict:
    """Create the buyers, their tokens and addresses, a carrier, the product, its stock and the flash sale."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from shequ.accounts.models import Address, User
    from shequ.accounts.services.tokens import token_pair_issue
    from shequ.catalog.testing import make_brand, make_category, make_product
    from shequ.core.crypto import lookup_hash
    from shequ.logistics.models import Carrier, ShippingRate
    from shequ.orders.models import FlashSale

    run = uuid.uuid4().hex[:6]
    carrier, created = Carrier.objects.get_or_create(
        code="bench", defaults={"name": "压测快递", "delivery_days": "1–2", "position": 0}
    )
    if created:
        ShippingRate.objects.create(carrier=carrier, first_fee=Decimal("6"), extra_fee=Decimal("1"))
    product = make_product(
        f"秒杀压测{run}",
        slug=f"flash-bench-{run}",
        brand=make_brand(f"压测品牌{run}", slug=f"bench-{run}"),
        category=make_category(f"压测{run}", slug=f"bench-{run}"),
        skus=[{"code": f"BENCH-{run}", "list_price": "99.00", "weight_grams": 300}],
        stock=args.units,
    )
    sku = product.skus.get()
    now = timezone.now()
    sale = FlashSale.objects.create(
        sku=sku,
        title=f"bench {run}",
        price=Decimal("9.90"),
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=2),
        per_user_limit=1,
        allotment=args.units,
    )
    password = make_password(None)
    prefix = FlashSale.objects.count() % 1000  # a fresh block of phone numbers per run (one sale per run)
    users = []
    for index in range(args.buyers):
        phone = f"+8619{prefix:03d}{index:06d}"
        users.append(User(phone=phone, phone_hash=lookup_hash(phone), nickname=f"b{run}{index}", password=password))
    User.objects.bulk_create(users, batch_size=1000)
    users = list(User.objects.filter(nickname__startswith=f"b{run}").order_by("pk"))
    Address.objects.bulk_create(
        [
            Address(
                user=user,
                recipient="压测",
                phone="+8613900000000",
                province="上海市",
                city="上海市",
                district="徐汇区",
                detail="漕溪北路88号",
                is_default=True,
            )
            for user in users
        ],
        batch_size=1000,
    )
    tokens = [token_pair_issue(user=user).access_token for user in users]
    return {"sku_id": sku.pk, "flash_sale_id": sale.pk, "tokens": tokens}


async def fire(args: argparse.Namespace, state: dict) -> tuple[list[float], dict[str, int], float, float]:
    import httpx

    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    gate = asyncio.Semaphore(args.concurrency)
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    last_sale = [0.0]

    async with httpx.AsyncClient(base_url=args.base_url, limits=limits, timeout=60) as client:

        async def buy(token: str) -> None:
            async with gate:
                started = time.perf_counter()
                try:
                    response = await client.post(
                        "/api/v1/orders",
                        json={"sku_id": state["sku_id"], "quantity": 1},
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Idempotency-Key": uuid.uuid4().hex,
                            **({"Prefer": "respond-async"} if args.queued else {}),
                        },
                    )
                    key = str(response.status_code)
                    if response.status_code >= 400:
                        key += " " + response.json().get("code", "")
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                latencies.append(time.perf_counter() - started)
                outcomes[key] = outcomes.get(key, 0) + 1
                if key in {"201", "202"}:
                    last_sale[0] = time.perf_counter() - began

        began = time.perf_counter()
        await asyncio.gather(*(buy(token) for token in state["tokens"]))
        return latencies, outcomes, time.perf_counter() - began, last_sale[0]


WRK_SCRIPT = r"""
local tokens = {}
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local threads = %(threads)d
local body = '{"sku_id": %(sku_id)d, "quantity": 1}'
local prefer = %(prefer)s
local n = 0
local sent = 0
setup = function(thread)
  thread:set("offset", n)
  n = n + 1
end
local function next_index()
  -- each wrk thread takes every threads-th buyer, starting at its own offset; one request per buyer
  return (offset or 0) + sent * threads + 1
end
local live = false  -- delay() runs before every real request; wrk's one check of the script at startup is not one
request = function()
  if not live then
    return wrk.format("POST", "/api/v1/orders", {["Content-Type"] = "application/json"}, body)
  end
  local index = next_index()
  sent = sent + 1
  if index > #tokens then index = #tokens end  -- never sent in time: see delay()
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[index],
    ["Idempotency-Key"] = "flash-" .. index .. "-" .. sent,
  }
  if prefer then headers["Prefer"] = "respond-async" end
  return wrk.format("POST", "/api/v1/orders", headers, body)
end
-- Once a thread has sent all its buyers, a connection that frees up waits instead of sending another request
-- (wrk always sends one): no buyer is sent twice, and no extra answer is mistaken for a buyer's.
delay = function()
  live = true
  if next_index() > #tokens then return 600000 end
  return 0
end
local answered = 0
local finished = false
response = function(status, headers, body)
  answered = answered + 1
  local mine = math.floor((#tokens - (offset or 0) - 1) / threads) + 1
  if answered >= mine and not finished then
    -- every buyer of this thread has an answer: tell the driver (which stops wrk once every thread is done)
    finished = true
    local marker = io.open("%(markers)s" .. (offset or 0), "w")
    marker:close()
    wrk.thread:stop()
  end
end
done = function(summary, latency, requests)
  local out = io.open("%(result)s", "w")
  out:write(string.format(
    '{"requests": %%d, "duration_us": %%d, "errors_status": %%d, "errors_connect": %%d, "errors_timeout": %%d, '
    .. '"p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
  out:close()
end
"""


def fire_wrk(args: argparse.Namespace, state: dict) -> dict:
    """Send every buyer's order once with wrk; return wrk's counts and latency percentiles (microseconds)."""
    threads = 2
    with tempfile.TemporaryDirectory() as workdir:
        tokens = Path(workdir) / "tokens.txt"
        tokens.write_text("\n".join(state["tokens"]) + "\n")
        result = Path(workdir) / "result.json"
        script = Path(workdir) / "flash.lua"
        script.write_text(
            WRK_SCRIPT
            % {
                "tokens": tokens,
                "threads": threads,
                "sku_id": state["sku_id"],
                "prefer": "true" if args.queued else "false",
                "result": result,
                "markers": Path(workdir) / "done-",
            }
        )
        started = time.perf_counter()
        wrk = subprocess.Popen(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(max(args.concurrency, threads)),
                "-d",
                "300s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                args.base_url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # wrk runs for its whole -d even when every thread has stopped; Ctrl-C (SIGINT) ends it early and it
        # still reports, so stop it as soon as both threads have marked themselves done.
        while wrk.poll() is None and len(list(Path(workdir).glob("done-*"))) < threads:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        if wrk.poll() is None:
            wrk.send_signal(signal.SIGINT)
        _, errors = wrk.communicate(timeout=60)
        if not result.exists():
            sys.exit(f"wrk failed: {errors}")
        data = json.loads(result.read_text())
        data["elapsed"] = elapsed
        return data


def sale_window(state: dict) -> tuple[int, float]:
    """Orders placed in the sale and the seconds between the first and the last (from the database)."""
    from django.db.models import Max, Min

    from shequ.orders.models import Order

    orders = Order.objects.filter(items__flash_sale_id=state["flash_sale_id"])
    span = orders.aggregate(first=Min("created_at"), last=Max("created_at"))
    if not span["first"]:
        return 0, 0.0
    return orders.count(), (span["last"] - span["first"]).total_seconds()


def drain(state: dict, *, timeout: float = 180.0) -> list[float]:
    """Wait until the workers have settled every queued ticket of the run; the seconds each buyer waited from
    the 202 to their order written (or the error recorded)."""
    from django.core.cache import caches

    from shequ.orders import order_queue

    backend = caches["default"]
    client = backend._cache.get_client(None)
    pattern = backend.make_and_validate_key("orders:queue:ticket:*")
    deadline = time.monotonic() + timeout
    while True:
        keys = [key.decode() for key in client.scan_iter(match=pattern, count=1000)]
        tickets = [t for t in (order_queue.get(key.rsplit(":", 1)[-1]) for key in keys) if t is not None]
        mine = [t for t in tickets if t.queued_at >= state.get("fired_at", 0)]
        if all(t.status != order_queue.QUEUED for t in mine) or time.monotonic() > deadline:
            return sorted(t.finished_at - t.queued_at for t in mine if t.finished_at)
        time.sleep(0.2)


def print_waits(waits: list[float]) -> None:
    if not waits:
        print("queued: none (the server placed every order before answering: is a celery worker running?)")
        return

    def pct(p: float) -> float:
        return waits[min(len(waits) - 1, int(p * len(waits)))] * 1000

    print(
        f"queued tickets: {len(waits)}; 202 to order written, ms: p50 {pct(0.5):.0f}  p95 {pct(0.95):.0f}  "
        f"max {waits[-1] * 1000:.0f}"
    )


def check(state: dict) -> dict:
    from shequ.inventory.models import StockLevel
    from shequ.orders.models import FlashSale, OrderItem

    sale = FlashSale.objects.get(pk=state["flash_sale_id"])
    level = StockLevel.objects.get(sku_id=state["sku_id"])
    ordered = OrderItem.objects.filter(flash_sale_id=sale.pk).count()
    return {"sold": sale.sold, "orders": ordered, "on_hand": level.on_hand, "reserved": level.reserved}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    state_path = Path(args.state)
    if not args.no_setup:
        started = time.perf_counter()
        state = setup(args)
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.write_text(json.dumps(state))
        print(f"setup: {len(state['tokens'])} buyers, sku {state['sku_id']} in {time.perf_counter() - started:.1f}s")
        if args.setup_only:
            return 0
    state = json.loads(state_path.read_text())
    if args.driver == "wrk":
        return report_wrk(args, state)
    state["fired_at"] = time.time()
    latencies, outcomes, elapsed, sold_out_after = asyncio.run(fire(args, state))
    if args.queued:
        print_waits(drain(state))
    placed = outcomes.get("201", 0) + outcomes.get("202", 0)
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    print(f"requests: {len(latencies)} in {elapsed:.2f}s ({len(latencies) / elapsed:.0f} req/s)")
    rate = placed / max(sold_out_after, 1e-9)
    print(f"orders placed: {placed}, the last after {sold_out_after:.2f}s ({rate:.0f} orders/s)")
    print(f"latency ms: p50 {pct(0.5):.0f}  p95 {pct(0.95):.0f}  p99 {pct(0.99):.0f}  max {ordered[-1] * 1000:.0f}")
    print(f"mean ms: {statistics.mean(latencies) * 1000:.0f}")
    print(f"outcomes: {dict(sorted(outcomes.items()))}")
    result = check(state)
    print(f"database: {result}")
    ok = result["sold"] == result["orders"] == placed == min(args.units, len(state["tokens"]))
    ok = ok and result["reserved"] == placed and result["on_hand"] - result["reserved"] >= 0
    print("OK: sold exactly the units on sale" if ok else "FAILED: sold count does not match")
    return 0 if ok else 1


def report_wrk(args: argparse.Namespace, state: dict) -> int:
    state["fired_at"] = time.time()
    data = fire_wrk(args, state)
    seconds = data["elapsed"]
    if args.queued:
        print_waits(drain(state))
    placed, span = sale_window(state)
    print(f"driver: wrk, {args.concurrency} connections, {len(state['tokens'])} buyers")
    print(
        f"requests: {data['requests']} in {seconds:.2f}s ({data['requests'] / seconds:.0f} req/s), "
        f"non-2xx {data['errors_status']}, connect errors {data['errors_connect']}, timeouts {data['errors_timeout']}"
    )
    rate = placed / span if span else float(placed)
    print(f"orders placed: {placed} in {span:.2f}s from first to last ({rate:.0f} orders/s)")
    print(
        f"latency ms: p50 {data['p50'] / 1000:.0f}  p95 {data['p95'] / 1000:.0f}  p99 {data['p99'] / 1000:.0f}  "
        f"max {data['max'] / 1000:.0f}"
    )
    result = check(state)
    print(f"database: {result}")
    ok = result["sold"] == result["orders"] == placed == min(args.units, len(state["tokens"]))
    ok = ok and result["reserved"] == placed and result["on_hand"] - result["reserved"] >= 0
    print("OK: sold exactly the units on sale" if ok else "FAILED: sold count does not match")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
