"""The `shequ` command as a new user runs it: in a fresh data directory, in a separate process."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SHEQU = shutil.which("shequ") or f"{sys.executable} -m shequ"


def _run(args: list[str], data_dir: Path, timeout: int = 240) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["SHEQU_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [*SHEQU.split(), *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=data_dir, check=False
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_help_lists_the_commands_a_person_needs(tmp_path):
    result = _run(["--help"], tmp_path)

    assert result.returncode == 0
    for command in ("demo", "serve", "migrate", "seed", "createoperator"):
        assert f"\n  {command}" in result.stdout
    serve_help = _run(["help", "serve"], tmp_path)
    assert "--host" in serve_help.stdout and "--port" in serve_help.stdout


@pytest.mark.slow
def test_demo_prepares_a_seeded_site_and_is_safe_to_run_again(tmp_path):
    first = _run(["demo", "--no-serve", "--scale", "0.05"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "+ accounts.users" in first.stdout
    password = first.stdout.split("password ")[1].split()[0]

    second = _run(["demo", "--no-serve", "--scale", "0.05"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert "= accounts.users: already seeded" in second.stdout
    assert f"password {password}" in second.stdout  # the same operator login, printed again
    assert (tmp_path / "shequ.sqlite3").exists()


@pytest.mark.slow
@pytest.mark.parametrize("worker_class", ["gthread", "sync"])
def test_serve_answers_on_the_chosen_port(tmp_path, worker_class):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["SHEQU_DATA_DIR"] = str(tmp_path)
    server = subprocess.Popen(
        [*SHEQU.split(), "serve", "--port", str(port), "--worker-class", worker_class],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        body = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None and '"status": "ok"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5) as response:
            assert response.status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
