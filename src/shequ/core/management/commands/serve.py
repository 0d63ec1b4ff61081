"""Serve Shequ with a production-grade server: gunicorn on Unix, waitress on Windows.

Two gunicorn worker classes, because they suit different jobs:

* ``gthread`` (the default): each worker process runs a few threads and keeps connections alive, so it can
  hold the notification streams (SSE) open. A worker accepts every connection it can, though, so under load
  some workers queue more requests than others and the slowest requests wait longest.
* ``sync``: a worker takes a connection only when it is free, one request at a time, so the load spreads
  evenly and the slowest requests are much faster (measured with 32 clients on 2 cores: p99 59 ms against
  110–164 ms for the same throughput). Streams would pin a whole worker, so with ``sync`` pages poll for
  notifications instead. Use it for page and API servers behind a load balancer (as gunicorn recommends:
  behind a buffering proxy), and route ``/inbox/stream/`` to a ``gthread`` pool if live streams are wanted.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "Serve the site and API (default http://127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port (default 8000).")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (default 1 on SQLite, 2×cores+1 with DATABASE_URL).",
        )
        parser.add_argument("--threads", type=int, default=8, help="Threads per worker (default 8; gthread only).")
        parser.add_argument(
            "--worker-class",
            choices=("gthread", "sync"),
            default=os.environ.get("SHEQU_WORKER_CLASS", "gthread"),
            help="gthread (default: threads, keep-alive, live notification streams) or sync (one request per "
            "worker at a time: even load, lowest tail latency; notifications poll). Env: SHEQU_WORKER_CLASS.",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply pending migrations before serving.")

    def handle(self, *args, host, port, workers, threads, worker_class, no_migrate, **options):
        embedded = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        if not no_migrate and pending_migrations():
            if embedded:
                self.stdout.write("Applying database migrations ...")
                call_command("migrate", interactive=False, verbosity=0)
            else:
                self.stderr.write(self.style.WARNING("There are unapplied migrations: run `shequ migrate`."))
        if workers is None:
            # One process on the embedded default: its local-memory cache and in-process task runner are
            # per process. With PostgreSQL + Redis every worker shares state, so use the cores.
            workers = 1 if embedded or not settings.REDIS_URL else (os.cpu_count() or 1) * 2 + 1
        if host not in settings.ALLOWED_HOSTS and host not in {"0.0.0.0", "::"}:  # noqa: S104
            settings.ALLOWED_HOSTS.append(host)
        if host in {"0.0.0.0", "::"}:  # noqa: S104 - the user asked to listen on every interface
            settings.ALLOWED_HOSTS.append("*")
        self.stdout.write(
            self.style.SUCCESS(
                f"Shequ is serving on http://{host}:{port}/  (API docs: http://{host}:{port}/api/v1/docs)"
            )
        )
        self.stdout.write("Press Ctrl+C to stop.")
        if worker_class == "sync":
            # A stream would hold a sync worker for minutes: pages poll the badge instead (set before the fork).
            live = getattr(settings, "SHEQU_NOTIFICATIONS_LIVE", {})
            settings.SHEQU_NOTIFICATIONS_LIVE = {**live, "SSE": False}
        run_server(host=host, port=port, workers=workers, threads=threads, worker_class=worker_class)


def run_server(*, host: str, port: int, workers: int, threads: int, worker_class: str = "gthread") -> None:
    from django.core.wsgi import get_wsgi_application

    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # Windows
        from waitress import serve

        from shequ.core.scheduler import start_embedded_beat

        application = get_wsgi_application()
        _warm_up()
        start_embedded_beat()
        _freeze_startup_objects()
        serve(application, host=host, port=port, threads=threads)
        return

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", worker_class)
            if worker_class == "gthread":
                self.cfg.set("threads", threads)
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("accesslog", os.environ.get("SHEQU_ACCESS_LOG") or None)
            self.cfg.set("loglevel", "warning")

        def load(self):
            application = get_wsgi_application()
            _warm_up()
            from shequ.core.scheduler import start_embedded_beat

            start_embedded_beat()  # in the worker process; embedded serving runs a single worker
            _freeze_startup_objects()
            return application

    Server().run()


def _warm_up() -> None:
    """Load what the first request would otherwise wait for (jieba's dictionary takes about a second)."""
    from django.apps import apps

    if apps.is_installed("shequ.search"):
        from shequ.search.analysis import warm_up

        warm_up()


def _freeze_startup_objects() -> None:
    """Keep what start-up loaded (Django, the apps, jieba's dictionary: ~240,000 objects) out of the cyclic
    garbage collector's full passes. A full pass over them took 46-70 ms, and every request waiting on that
    worker waited as long; with them frozen it scans only what was made since. They live as long as the
    process anyway (the ``gc.freeze`` use the Python documentation gives for servers)."""
    import gc

    gc.collect()
    gc.freeze()
