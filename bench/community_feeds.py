"""Load benchmark of the community: following and hot feeds (page and API) and the post page, 32 clients.

Like bench/catalog_load.py it serves the site with ``shequ serve`` (gunicorn) and drives it with wrk; every
request of a logged-in scenario carries the session cookie of one of ``--viewers`` sampled users (sessions are
made here, in the same Redis the server uses), so the following feed is each viewer's own. Prints requests/s
and p50/p95/p99 per scenario, the load average before and after, and the database and cache in use. On a shared
machine latency depends on what else runs, so it also prints the CPU the server spent per request ("cpu ms app+db":
gunicorn workers, and the PostgreSQL backends of this database, read from /proc; Linux only): those figures
move much less with the neighbours' load. Two idle cores serve at most about 2000 / (app + db + ~0.3 for wrk
and Redis) requests per second.

With the data of bench/generate_community.py (100,000 users, 1,000,000 posts):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_feeds REDIS_URL=redis://127.0.0.1:6379/9
    export SHEQU_DATA_DIR=/tmp/shequ-feeds
    python bench/community_feeds.py

Options: ``--duration`` seconds per scenario (default 20), ``--connections`` (32), ``--viewers`` (1000),
``--posts`` distinct posts for the post page (2000), ``--scenarios``, ``--workers`` (4) / ``--worker-class``
(sync) / ``--threads``, ``--warmup`` (20 s) or ``--cold`` (no warm-up walk), ``--port``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalog_load import start_server, stop_server, wrk_run

WRK_SCRIPT = r"""
local lines = {}
for line in io.lines("%(paths)s") do lines[#lines + 1] = line end
local sequential = %(sequential)s
local counter = 0
local threads = 0
setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
request = function()
  local line
  if sequential then
    counter = counter + 1
    line = lines[((counter * 2 + (offset or 0)) %% #lines) + 1]
  else
    line = lines[math.random(#lines)]
  end
  local tab = string.find(line, "\t", 1, true)
  local headers = {["Accept-Language"] = "zh-hans"}
  local path = line
  if tab then
    path = string.sub(line, 1, tab - 1)
    headers["Cookie"] = string.sub(line, tab + 1)
  end
  return wrk.format("GET", path, headers)
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

SCENARIOS = "following_api,following_page,hot_api,hot_page,latest_api,post_page"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="Seconds per scenario (default 20).")
    parser.add_argument("--connections", type=int, default=32, help="Concurrent clients (default 32).")
    parser.add_argument("--viewers", type=int, default=1000, help="Logged-in users to spread requests over.")
    parser.add_argument("--posts", type=int, default=2000, help="Distinct posts for the post page (default 2000).")
    parser.add_argument("--workers", type=int, default=4, help="Server processes (default 4: two per core here).")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--worker-class",
        choices=("gthread", "sync"),
        default="sync",
        help="Default sync: a sync worker takes a connection only when free, where gthread workers keep wrk's 32 "
        "keep-alive connections unevenly for the whole run (same throughput, twice the p95).",
    )
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--scenarios", default=SCENARIOS, help="Comma-separated subset of: " + SCENARIOS)
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="Seconds walking the URL list first (default 20: enough to render the post page's 2,000 posts once).",
    )
    parser.add_argument("--cold", action="store_true", help="No warm-up walk.")
    parser.add_argument("--lang", default="zh-hans")
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace) -> tuple[dict[str, list[str]], str]:
    """URL lines (path, or path TAB cookie) per scenario, and a description of the data."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.config.settings")
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection
    from django.urls import reverse

    from shequ.accounts.models import User
    from shequ.community.models import Post, UserFollow

    rng = random.Random(11)
    with connection.cursor() as cursor:
        # Viewers who follow someone (most do), sampled without reading 100,000 rows.
        cursor.execute(
            f"SELECT DISTINCT follower_id FROM {UserFollow._meta.db_table} TABLESAMPLE SYSTEM (5) LIMIT %s",  # noqa: S608
            [args.viewers * 3],
        )
        viewer_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT id FROM {Post._meta.db_table} TABLESAMPLE SYSTEM (1) "  # noqa: S608
            "WHERE status = 'published' AND visibility = 'public' LIMIT %s",
            [args.posts * 3],
        )
        post_ids = [row[0] for row in cursor.fetchall()]
    if not viewer_ids or not post_ids:
        sys.exit("No posts or follows: run bench/generate_community.py first.")
    viewer_ids = rng.sample(viewer_ids, min(args.viewers, len(viewer_ids)))
    post_ids = rng.sample(post_ids, min(args.posts, len(post_ids)))
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for user in User.objects.filter(pk__in=viewer_ids).only("pk", "password"):
        session = store_class()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "shequ.accounts.auth_backend.CachedModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        if hasattr(store_class, "user_hint"):  # what a browser holds after its first page (accounts/sessions.py)
            from shequ.accounts.sessions import USER_HINT_COOKIE

            cookie += f"; {USER_HINT_COOKIE}={user.pk}"
        cookies.append(cookie)
    try:
        post_path = reverse("community:post", args=[0]).replace("/0/", "/{}/")
    except Exception:
        post_path = ""
    paths = {
        "following_api": [f"/api/v1/feeds/following\t{c}" for c in cookies],
        "following_page": [f"/community/?tab=following\t{c}" for c in cookies],
        "hot_api": [f"/api/v1/feeds/hot\t{c}" for c in cookies],
        "hot_page": [f"/community/?tab=hot\t{c}" for c in cookies],
        "latest_api": [f"/api/v1/feeds/latest\t{c}" for c in cookies],
        "post_page": [f"{post_path.format(pk)}\t{rng.choice(cookies)}" for pk in post_ids] if post_path else [],
    }
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    with connection.cursor() as cursor:
        counts = {}
        for model in (User, Post, UserFollow):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table])
            counts[model._meta.model_name] = cursor.fetchone()[0]
    cache = "redis" if settings.REDIS_URL else "local memory"
    about = (
        f"~{counts['user']:,} users, ~{counts['post']:,} posts, ~{counts['userfollow']:,} follows; "
        f"database {database}, cache {cache}; {len(cookies)} viewers; "
        f"{args.connections} connections, {args.duration}s per scenario"
    )
    return paths, about, settings.DATABASES["default"].get("NAME", "")


def server_cpu(server_pid: int, database: str) -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) so far of each process of the server's tree ("app") and of each PostgreSQL
    backend serving ``database`` ("db"), by pid (Linux /proc; empty elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")
    table: dict[int, tuple[int, float, bool]] = {}
    try:
        entries = list(Path("/proc").iterdir())
    except OSError:
        return {}
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        is_db = cmdline.startswith("postgres: ") and f" {database} " in cmdline
        table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick, is_db)

    def in_server(pid: int) -> bool:
        while pid and pid in table:
            if pid == server_pid:
                return True
            pid = table[pid][0]
        return False

    out = {}
    for pid, (_, cpu, is_db) in table.items():
        if is_db:
            out[pid] = ("db", cpu)
        elif in_server(pid):
            out[pid] = ("app", cpu)
    return out


def cpu_used(before: dict, after: dict) -> tuple[float, float]:
    """CPU seconds (app, db) spent between two ``server_cpu`` samples by the processes alive at the end."""
    used = {"app": 0.0, "db": 0.0}
    for pid, (kind, cpu) in after.items():
        used[kind] += max(0.0, cpu - before.get(pid, (kind, 0.0))[1])
    return used["app"], used["db"]


def run_wrk(args, name: str, lines: list[str], workdir: Path, duration: int, *, sequential: bool = False) -> dict:
    paths_file = workdir / f"{name}.paths"
    paths_file.write_text("\n".join(lines) + "\n")
    result_file = workdir / f"{name}.json"
    script = workdir / f"{name}.lua"
    script.write_text(
        WRK_SCRIPT % {"paths": paths_file, "result": result_file, "sequential": "true" if sequential else "false"}
    )
    return wrk_run(args, script, result_file, duration)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    paths, about, database = prepare(args)
    print(about)
    print("load average before: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    server = start_server(args)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            for name in [s.strip() for s in args.scenarios.split(",") if s.strip()]:
                if not paths.get(name):
                    print(f"  {name}: skipped (no URLs — is the page there?)")
                    continue
                if not args.cold:
                    run_wrk(args, f"{name}-warm", paths[name], workdir, args.warmup, sequential=True)
                load = os.getloadavg()[0]
                cpu_before = server_cpu(server.pid, database)
                result = run_wrk(args, name, paths[name], workdir, args.duration)
                app, db = cpu_used(cpu_before, server_cpu(server.pid, database))
                per_request = 1000 / max(1, result["requests"])
                cpu_ms = (app * per_request, db * per_request)
                errors = sum(result[k] for k in result if k.startswith("errors_"))
                rows.append(
                    (
                        name,
                        result["rps"],
                        result["p50"] / 1000,
                        result["p95"] / 1000,
                        result["p99"] / 1000,
                        errors,
                        load,
                        cpu_ms,
                    )
                )
    finally:
        stop_server(server)
    heads = ("req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
    print(f"{'scenario':15} " + " ".join(f"{h:>7}" for h in heads) + f" {'load1':>6} {'cpu ms app+db':>13}")
    for name, rps, p50, p95, p99, errors, load, (app_ms, db_ms) in rows:
        print(
            f"{name:15} {rps:7.0f} {p50:7.1f} {p95:7.1f} {p99:7.1f} {errors:7d} {load:6.2f} {app_ms:6.2f}+{db_ms:<6.2f}"
        )
    print("load average after: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
