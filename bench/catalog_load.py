"""Load benchmark of the storefront: product detail (API and page) and search (API and page) under 32 clients.

It serves a catalog with ``shequ serve`` (gunicorn) and drives it with wrk (a C load generator: the Python
side of this script only prepares URL lists and reads the results, so it takes no CPU during a run), then
prints requests/s and p50/p95/p99 latency per scenario. Install wrk with ``apt-get install wrk``.

PostgreSQL + Redis, with a catalog of 50,000 SKUs (made once with bench/generate_catalog.py):

    createdb -h 127.0.0.1 -U postgres shequ_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench REDIS_URL=redis://127.0.0.1:6379/12
    export SHEQU_DATA_DIR=/tmp/shequ-bench
    shequ migrate && python bench/generate_catalog.py --skus 50000 && shequ reindex
    python bench/catalog_load.py

The embedded default (SQLite, local-memory cache, one worker process) — the demo database works:

    SHEQU_DATA_DIR=/tmp/demo python bench/catalog_load.py

Options: ``--duration`` seconds per scenario (default 20), ``--connections`` (32),
``--workers``/``--threads``/``--worker-class`` for gunicorn (default: what ``shequ serve`` picks), ``--scenarios``
to run a subset, ``--port``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

WRK_SCRIPT = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local lang = "%(lang)s"
local sequential = %(sequential)s
local counter = 0
local threads = 0
setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
request = function()
  local path
  if sequential then
    -- warm-up: walk the list in order (each wrk thread its own stride), so every URL is requested
    counter = counter + 1
    path = paths[((counter * 2 + (offset or 0)) %% #paths) + 1]
  else
    path = paths[math.random(#paths)]
  end
  return wrk.format("GET", path, {["Accept-Language"] = lang})
end
done = function(summary, latency, requests)
  local out = io.open("%(result)s", "w")
  out:write(string.format(
    '{"requests": %%d, "duration_us": %%d, "errors_status": %%d, "errors_connect": %%d, "errors_read": %%d, '
    .. '"errors_timeout": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
  out:close()
end
"""

ONE_WORD = [
    "牛奶",
    "酸奶",
    "气泡水",
    "薯片",
    "坚果",
    "饼干",
    "燕麦",
    "洗衣液",
    "牙膏",
    "纸巾",
    "咖啡",
    "果汁",
    "巧克力",
    "奶酪",
    "沐浴露",
    "洗发水",
    "茶",
    "椰子水",
    "果干",
    "洗洁精",
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="Seconds per scenario (default 20).")
    parser.add_argument("--connections", type=int, default=32, help="Concurrent clients (default 32).")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: shequ serve's).")
    parser.add_argument("--threads", type=int, default=None, help="Threads per worker (default: shequ serve's).")
    parser.add_argument("--worker-class", choices=("gthread", "sync"), default=None, help="shequ serve's default.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sample", type=int, default=2000, help="Distinct products to request (default 2000).")
    parser.add_argument(
        "--scenarios",
        default="product_api,product_page,search_api_1,search_api_2,search_page",
        help="Comma-separated subset of the scenarios.",
    )
    parser.add_argument("--lang", default="zh-hans", help="Accept-Language of the requests (default zh-hans).")
    parser.add_argument("--warmup", type=int, default=15, help="Seconds walking every URL first (default 15).")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="No warm-up: measure with caches filling up during the run (after a restart).",
    )
    return parser.parse_args(argv)


def sample_paths(sample: int) -> dict[str, list[str]]:
    """Product slugs from the database and search queries made from real product names."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.config.settings")
    import django

    django.setup()
    from shequ.catalog.models import Product, ProductStatus
    from shequ.search.analysis import keywords

    rng = random.Random(7)
    slugs = list(Product.objects.filter(status=ProductStatus.ON_SALE).values_list("slug", "name")[:50_000])
    if not slugs:
        sys.exit("No products on sale: seed the database first (shequ demo, or bench/generate_catalog.py).")
    picked = rng.sample(slugs, min(sample, len(slugs)))
    two_words = []
    for _slug, name in rng.sample(slugs, min(400, len(slugs))):
        words = [w for w in keywords([name]) if not w.isascii()]
        if len(words) >= 2:
            two_words.append(f"{words[0]} {words[-1]}")
    quote = urllib.parse.quote
    return {
        "product_api": [f"/api/v1/catalog/products/{slug}" for slug, _ in picked],
        "product_page": [f"/p/{slug}/" for slug, _ in picked],
        "search_api_1": [f"/api/v1/catalog/products?q={quote(q)}" for q in ONE_WORD],
        "search_api_2": [f"/api/v1/catalog/products?q={quote(q)}" for q in sorted(set(two_words))[:200]],
        "search_page": [f"/search/?q={quote(q)}" for q in ONE_WORD + sorted(set(two_words))[:60]],
    }


def start_server(args: argparse.Namespace) -> subprocess.Popen:
    command = [sys.executable, "-m", "shequ", "serve", "--port", str(args.port), "--no-migrate"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    if getattr(args, "worker_class", None):
        command += ["--worker-class", args.worker_class]
    env = {**os.environ, "SHEQU_ANALYTICS_WRITE_MODE": "buffered", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    sys.exit("the server did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def run_wrk(
    args: argparse.Namespace, name: str, paths: list[str], workdir: Path, duration: int, *, sequential: bool = False
) -> dict:
    paths_file = workdir / f"{name}.paths"
    paths_file.write_text("\n".join(paths) + "\n")
    result_file = workdir / f"{name}.json"
    script = workdir / f"{name}.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "paths": paths_file,
            "result": result_file,
            "lang": args.lang,
            "sequential": "true" if sequential else "false",
        }
    )
    return wrk_run(args, script, result_file, duration)


def wrk_run(args: argparse.Namespace, script: Path, result_file: Path, duration: int) -> dict:
    """Run wrk with a Lua script that writes its summary to ``result_file``; add requests/s. Shared with the
    community benchmark."""
    subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(args.connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{args.port}",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(result_file.read_text())
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    paths = sample_paths(args.sample)
    from django.conf import settings

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache = "redis" if settings.REDIS_URL else "local memory"
    from shequ.catalog.models import SKU, Product

    print(
        f"catalog: {Product.objects.count():,} products, {SKU.objects.count():,} SKUs; database {database}, "
        f"cache {cache}; {args.connections} connections, {args.duration}s per scenario"
    )
    server = start_server(args)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            for name in [s.strip() for s in args.scenarios.split(",") if s.strip()]:
                if args.cold:
                    result = run_wrk(args, name, paths[name], workdir, args.duration)
                else:
                    # Walk every URL first so the caches are warm, as a running shop's are for what sells.
                    run_wrk(args, f"{name}-warm", paths[name], workdir, args.warmup, sequential=True)
                    result = run_wrk(args, name, paths[name], workdir, args.duration)
                errors = sum(result[k] for k in result if k.startswith("errors_"))
                rows.append(
                    (
                        name,
                        result["rps"],
                        result["p50"] / 1000,
                        result["p95"] / 1000,
                        result["p99"] / 1000,
                        errors,
                        len(paths[name]),
                    )
                )
    finally:
        stop_server(server)
    print(f"{'scenario':14} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'urls':>6}")
    for name, rps, p50, p95, p99, errors, urls in rows:
        print(f"{name:14} {rps:8.0f} {p50:8.1f} {p95:8.1f} {p99:8.1f} {errors:7d} {urls:6d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
