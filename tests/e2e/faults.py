"""Real faults for the fault tests (issue 14 item 4): a MES backend killed with ``kill -9`` and
started again on the same data, private PostgreSQL and Redis servers stopped and started under
it, row counts and file hashes to compare.

The MES server here is the production backend alone (``reflex run --env prod --backend-only``):
the faults are in the API routes and the event handlers, and a restart then takes a few seconds
instead of a frontend build. The private servers run in a temporary folder on a free port,
never the shared ones of the machine (5432, 6379), which the other tests use.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis
import sqlalchemy as sa
from redis.exceptions import ConnectionError as RedisDown

from mes_app.fault_points import VARIABLE as PAUSE_VARIABLE
from tests.e2e import server as mes_server

PARENT = ("parent@demo.mes", "Demo-parent-2026")
PARENT_PROFILE = "Camille"  # the mother's own record, in the seed
DOCTOR = ("medecin@demo.mes", "Demo-medecin-2026")
RESTART_TIMEOUT = 60
# A small PDF (the store sniffs the type from the first bytes).
PDF_HEAD = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"


def _backend_cmd(port: int) -> list[str]:
    return [str(mes_server.VENV_BIN / "reflex"), "run", "--env", "prod", "--backend-only",
            "--backend-port", str(port), "--backend-host", "127.0.0.1"]


def start(data_dir: Path, extra_env: dict[str, str] | None = None) -> mes_server.LiveServer:
    """Migrate and seed a new data folder, then start the backend; return once /ping answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = mes_server.free_port()
    env = mes_server.server_env(data_dir, port, extra_env)
    server = mes_server.LiveServer(f"http://localhost:{port}", port, data_dir, data_dir / "server.log", env)
    mes_server.prepare_database(env, server.log_path)
    mes_server._launch(server, _backend_cmd(port), RESTART_TIMEOUT)
    return server


def restart(server: mes_server.LiveServer, **changes: str | None) -> mes_server.LiveServer:
    """The same service started again (same port, data, settings), ``changes`` applied to its
    environment (None removes a variable). No migration, no seed: the data are as left."""
    env = {k: v for k, v in server.env.items() if k not in changes}
    env.update({k: v for k, v in changes.items() if v is not None})
    again = mes_server.LiveServer(server.base_url, server.port, server.data_dir, server.log_path, env)
    mes_server._launch(again, _backend_cmd(server.port), RESTART_TIMEOUT)
    return again


def kill9(server: mes_server.LiveServer) -> None:
    """``kill -9`` the whole server (reflex, granian and its worker): nothing can clean up."""
    assert server.process is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _group_alive(server.process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def paused_at(point: str, data_dir: Path, seconds: float | None = None) -> tuple[dict[str, str], Path]:
    """The environment that makes the server stop at ``point`` (mes_app/fault_points.py) for
    ``seconds`` (by default long enough to be killed there), and the marker file that appears
    once it is there."""
    marker = data_dir / f"paused-{point}"
    marker.unlink(missing_ok=True)
    return {PAUSE_VARIABLE: f"{point}:{marker}" + (f":{seconds}" if seconds is not None else "")}, marker


def wait_for(check, what: str, timeout: float = 30) -> None:  # noqa: ANN001 - a callable
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


# --------------------------------------------------------------------------- what is stored


def database_url(server: mes_server.LiveServer) -> str:
    return server.env.get("MES_DATABASE_URL") or f"sqlite:///{server.data_dir / 'mes.db'}"


def counts(server: mes_server.LiveServer, *tables: str) -> dict[str, int]:
    """Committed rows per table, read by another process (as an operator would)."""
    engine = sa.create_engine(database_url(server))
    try:
        with engine.connect() as conn:
            return {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
    finally:
        engine.dispose()


def scalar(server: mes_server.LiveServer, sql: str, **params: object) -> object:
    engine = sa.create_engine(database_url(server))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


def documents_dir(server: mes_server.LiveServer) -> Path:
    return Path(server.env.get("MES_DOCUMENTS_DIR") or server.data_dir / "documents")


def document_store_url(server: mes_server.LiveServer) -> str | None:
    """The PostgreSQL database of the server's document store, or None for the local folder."""
    if server.env.get("MES_DOCUMENT_STORE", "").strip().lower() != "postgresql":
        return None
    return server.env.get("MES_DOCUMENT_STORE_URL") or database_url(server)


def _postgres_store_hashes(url: str) -> dict[str, str]:
    """The files of a PostgreSQL document store, read by another process: key -> SHA-256 of
    its chunks in order. Only committed chunks are visible, so nothing is ever partial."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    digests: dict[str, hashlib._Hash] = {}
    try:
        with engine.connect() as conn:
            rows = conn.execution_options(stream_results=True).execute(
                sa.text("SELECT blob_key, data FROM document_chunk ORDER BY blob_key, seq"))
            for key, data in rows:
                digests.setdefault(key, hashlib.sha256()).update(data)
    finally:
        engine.dispose()
    return {key: digest.hexdigest() for key, digest in digests.items()}


def store_hashes(server: mes_server.LiveServer) -> dict[str, str]:
    """Every file under the document store (partial ones included): relative path -> SHA-256
    (a PostgreSQL store: key -> SHA-256 of its committed chunks)."""
    if (url := document_store_url(server)) is not None:
        return _postgres_store_hashes(url)
    root = documents_dir(server)
    if not root.is_dir():
        return {}
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def stored_files(server: mes_server.LiveServer) -> dict[str, str]:
    """The stored documents only (key -> SHA-256), not the files being written."""
    return {Path(k).name: v for k, v in store_hashes(server).items() if not k.startswith(".partial")}


def partial_files(server: mes_server.LiveServer) -> list[Path]:
    """Files being written (none is ever visible in a PostgreSQL store: one transaction)."""
    if document_store_url(server) is not None:
        return []
    partial = documents_dir(server) / ".partial"
    return sorted(partial.iterdir()) if partial.is_dir() else []


def document_keys(server: mes_server.LiveServer) -> dict[str, str]:
    """What the document rows name: storage key -> SHA-256."""
    engine = sa.create_engine(database_url(server))
    try:
        with engine.connect() as conn:
            return dict(conn.execute(sa.text("SELECT storage_key, sha256 FROM document")).all())
    finally:
        engine.dispose()


def profile_id(server: mes_server.LiveServer, first_name: str = PARENT_PROFILE) -> int:
    found = scalar(server, "SELECT id FROM profile WHERE given_name = :name ORDER BY id LIMIT 1", name=first_name)
    assert isinstance(found, int), f"no profile {first_name} in the seed"
    return found


# --------------------------------------------------------------------------- HTTP as a phone sends it


def multipart(fields: dict[str, str], file_name: str, data: bytes,
              boundary: str = "mesfaultboundary") -> tuple[str, bytes]:
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def post(server: mes_server.LiveServer, path: str, body: bytes, content_type: str, *, cookie: str | None = None,
         lang: str | None = None, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, bytes]:
    sent = {"Content-Type": content_type, "Origin": server.base_url, **(headers or {})}
    cookies = [f"mes_session={cookie}"] if cookie else []
    if lang:
        cookies.append(f"mes_lang={lang}")
    if cookies:
        sent["Cookie"] = "; ".join(cookies)
    request = urllib.request.Request(server.base_url + path, data=body, method="POST", headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - the local test server
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def post_in_background(server: mes_server.LiveServer, path: str, body: bytes, content_type: str,
                       **kwargs: object) -> threading.Thread:
    """:func:`post` from another thread, for a request the server is killed in the middle of
    (its connection then just breaks: nothing to check on this side)."""

    def send() -> None:
        with contextlib.suppress(OSError, http.client.HTTPException):
            post(server, path, body, content_type, **kwargs)  # type: ignore[arg-type]

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    return sender


def get(server: mes_server.LiveServer, path: str, *, cookie: str) -> tuple[int, bytes]:
    request = urllib.request.Request(server.base_url + path, headers={"Cookie": f"mes_session={cookie}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - the local test server
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


@contextlib.contextmanager
def slow_upload(server: mes_server.LiveServer, path: str, body: bytes, content_type: str, cookie: str,
                sent: int) -> Iterator[http.client.HTTPConnection]:
    """A phone on a bad network: the request's headers and only the first ``sent`` bytes of its
    body (announced whole in Content-Length); the rest never comes."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.putrequest("POST", path)
        for name, value in (("Host", f"localhost:{server.port}"), ("Origin", server.base_url),
                            ("Cookie", f"mes_session={cookie}"), ("Content-Type", content_type),
                            ("Content-Length", str(len(body)))):
            conn.putheader(name, value)
        conn.endheaders()
        conn.send(body[:sent])
        yield conn
    finally:
        conn.close()


# --------------------------------------------------------------------------- private servers


def _binary(name: str) -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


def missing_postgres() -> str | None:
    if not (_binary("initdb") and _binary("pg_ctl")):
        return "initdb/pg_ctl not found (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and no 'postgres' user to run a private PostgreSQL server"
    return None


@dataclass
class PrivatePostgres:
    """A PostgreSQL server of our own: ``initdb`` in a temporary folder, ``pg_ctl`` on a free port."""

    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed (exit {done.returncode}): {done.stdout[-2000:]}")

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(_binary("initdb") or "initdb", "-D", str(self.folder / "data"), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-sync")
        if os.geteuid() == 0:
            shutil.chown(self.folder / "data", "postgres", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(_binary("pg_ctl") or "pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "pg.log"),
                  "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(_binary("pg_ctl") or "pg_ctl", "-D", str(self.folder / "data"), "-m", mode, "-w", "-t", "30", "stop")


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A new server in its own temporary folder (not under pytest's, which only root may enter:
    run as root, the server runs as the ``postgres`` user); stopped and erased afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="mes-faults-pg-"))
    server = PrivatePostgres(folder, mes_server.free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(RuntimeError):
            server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def private_postgres_database(name: str = "mes") -> Iterator[str]:
    """A private PostgreSQL server (:func:`private_postgres`) with an empty database ``name``:
    its URL (the caller skips when :func:`missing_postgres` says why none can run here)."""
    with private_postgres() as server:
        admin = sa.create_engine(server.url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        yield sa.engine.make_url(server.url).set(database=name).render_as_string(hide_password=False)


@dataclass
class PrivateRedis:
    """A Redis server of our own on a free port, keeping nothing on disk (``--save ""``)."""

    folder: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=(self.folder / "redis.log").open("ab"), stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        wait_for(lambda: _answers(client), "the private Redis server", timeout=15)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # kill -9: whatever it held is gone (it saves nothing anyway)
            self.process.wait(timeout=10)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except RedisDown:
        return False


@contextlib.contextmanager
def private_redis(folder: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(folder, mes_server.free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def small_filesystem(folder: Path, size: str = "2m") -> Iterator[str | None]:
    """A tmpfs of ``size`` mounted on ``folder`` (a disk that fills up); yields None, or why it
    cannot be mounted here (not root, no privilege in a container)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False, timeout=30)
    if done.returncode != 0:
        yield f"mount -t tmpfs failed: {(done.stderr or done.stdout).strip()[:200]}"
        return
    try:
        yield None
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False, timeout=30)
