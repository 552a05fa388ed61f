"""Every setting of the application, read from the environment in one place.

Scripts, Alembic, ``rxconfig.py`` and the app all import :data:`settings`, so they always
agree on the database and the data folder.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise RuntimeError(f"{name} must be a boolean (true/false)")


def _normalise_db_url(url: str) -> str:
    """Accept ``postgres://`` too (SQLAlchemy 2.1 maps ``postgresql://`` to psycopg 3, which we install)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    return url


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    app_origin: str
    session_lifetime_hours: int
    cookie_secure: bool
    documents_dir: Path
    max_upload_bytes: int
    redis_url: str = field(default="")
    # Where Reflex keeps each client's state: "memory" (one process; nothing written to disk),
    # "disk" (Reflex's pickles under .states/, 0600 files) or "redis" (several workers).
    state_manager: str = field(default="memory")
    # How long a closed connection's page data wait for a reconnect before they are wiped.
    disconnect_grace_seconds: float = field(default=30.0)
    # How many reverse proxies in front of the app append to X-Forwarded-For. 0 (default): the
    # header is ignored and the client is the socket's peer address.
    trusted_proxy_hops: int = field(default=0)
    # Rate limits per client ("20/minute;200/hour", see ``limits`` notation), by limiter name:
    # see :mod:`mes_app.web.rate_limit`. Env: MES_RATE_LIMIT_<NAME>.
    rate_limits: dict = field(default_factory=dict)
    # Outgoing e-mail (password reset). No host: a catch-all logs that a mail was sent, and
    # delivers nothing (``make run``).
    smtp_host: str = field(default="")
    smtp_port: int = field(default=587)
    smtp_user: str = field(default="")
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = field(default=True)
    mail_from: str = field(default="MES <no-reply@localhost>")
    # The app's own thread that sends the notification e-mails (issue 15 item 2); off when a
    # separate ``python -m mes_app notifications run`` does it (both at once is safe too).
    notifications_worker: bool = field(default=True)
    # The time zone dates and times are shown in (mes_app/formatting.py); stored times are UTC.
    time_zone: str = field(default="Europe/Paris")
    # Where documents are kept (mes_app/storage): "local" (documents_dir, one machine) or
    # "postgresql" (every worker on every machine sees them; document_store_url, by default the
    # app's database when it is PostgreSQL). See docs/storage.md.
    document_store: str = field(default="local")
    document_store_url: str = field(default="", repr=False)
    # How long a writer of the postgresql store waits for its key's advisory lock (held by another
    # writer, a restore or migration of the same key, or a hash collision) before the upload
    # fails with "store unavailable" rather than waiting for ever.
    document_lock_timeout_seconds: int = field(default=10)
    # Database connections of each worker process (mes_app/db/engine.py). On PostgreSQL a worker
    # runs its event handlers' database work in ``db_threads`` threads, each holding at most one
    # pooled connection; web routes and background jobs take the overflow. 0 (SQLite's default):
    # on the event loop itself, since SQLite's work is CPU in this process, with no network
    # wait to overlap, and threads would only add GIL handovers (+50 % CPU per event measured).
    # With N workers, PostgreSQL needs N x (pool size + overflow) connections (its default
    # max_connections is 100).
    db_pool_size: int = field(default=5)
    db_max_overflow: int = field(default=10)
    db_threads: int = field(default=5)
    # No pre-ping: a connection older than this is replaced at checkout; a dead one is
    # invalidated, with the rest of the pool, on its first error.
    db_pool_recycle_seconds: int = field(default=1800)
    db_pool_timeout_seconds: int = field(default=10)
    db_connect_timeout_seconds: int = field(default=5)
    # Under Redis: how long a worker keeps a client's state in its memory after an event, as long
    # as no other worker asks for it (Reflex's opportunistic lock, REFLEX_OPLOCK_*). The next
    # events of that client then skip Redis's read, unpickling, pickling and write; another
    # worker asking for the state breaks the lease at once. 0 turns it off. See docs/performance.md.
    redis_state_lease_seconds: float = field(default=5.0)
    # How many of its clients' events a worker runs at once (mes_app/state/admission.py); the
    # others wait their turn *before* taking their client's state. 0: no limit (Reflex's own).
    events_in_flight: int = field(default=8)

    # --- account security (issue 15, item 3) ---
    # A session unused this long ends (not only at its expiry). 30 minutes: what the French
    # health-data guidance (ANS, PGSSI-S) and OWASP suggest for applications holding health
    # data, long enough to read a record or fill a form, short enough for a shared or lost phone.
    session_idle_minutes: int = field(default=30)
    # Whether the roles of domain.second_factor.must_enrol must turn two-factor sign-in on. On
    # by default; off only for the demo seed (its passwords are published, so would its secret).
    second_factor_required: bool = field(default=True)
    # The Fernet key that encrypts TOTP secrets; empty: a 0600 file in the data folder.
    second_factor_key: str = field(default="", repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    data_dir = Path(_env("MES_DATA_DIR", str(PROJECT_ROOT / "data"))).resolve()
    database_url = _normalise_db_url(
        _env("MES_DATABASE_URL", f"sqlite:///{data_dir / 'mes.db'}")
    )
    port = _env_int("MES_PORT", 3000)
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        # Only used to derive non-secret identifiers; sessions are random tokens stored hashed.
        secret_key=_env("MES_SECRET_KEY", secrets.token_hex(32)),
        app_origin=_env("MES_APP_ORIGIN", f"http://localhost:{port}"),
        session_lifetime_hours=_env_int("MES_SESSION_HOURS", 12),
        cookie_secure=_env_bool("MES_COOKIE_SECURE", False),
        documents_dir=Path(_env("MES_DOCUMENTS_DIR", str(data_dir / "documents"))).resolve(),
        max_upload_bytes=_env_int("MES_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        redis_url=_env("MES_REDIS_URL", ""),
        state_manager=_state_manager(_env("MES_STATE_MANAGER", ""), _env("MES_REDIS_URL", "")),
        disconnect_grace_seconds=float(_env("MES_DISCONNECT_GRACE_SECONDS", "30")),
        trusted_proxy_hops=_env_int("MES_TRUSTED_PROXY_HOPS", 0),
        rate_limits={name: _env(f"MES_RATE_LIMIT_{name.upper()}", default) for name, default in RATE_LIMITS.items()},
        smtp_host=_env("MES_SMTP_HOST", ""),
        smtp_port=_env_int("MES_SMTP_PORT", 587),
        smtp_user=_env("MES_SMTP_USER", ""),
        smtp_password=os.environ.get("MES_SMTP_PASSWORD", ""),
        smtp_starttls=_env_bool("MES_SMTP_STARTTLS", True),
        mail_from=_env("MES_MAIL_FROM", "MES <no-reply@localhost>"),
        notifications_worker=_env_bool("MES_NOTIFICATIONS_WORKER", True),
        time_zone=_time_zone(_env("MES_TIME_ZONE", "Europe/Paris")),
        **_document_store(_env("MES_DOCUMENT_STORE", "local"), _env("MES_DOCUMENT_STORE_URL", ""), database_url),
        document_lock_timeout_seconds=max(1, _env_int("MES_DOCUMENT_LOCK_TIMEOUT_SECONDS", 10)),
        session_idle_minutes=max(1, _env_int("MES_SESSION_IDLE_MINUTES", 30)),
        second_factor_required=_env_bool("MES_SECOND_FACTOR_REQUIRED", True),
        second_factor_key=os.environ.get("MES_SECOND_FACTOR_KEY", "").strip(),
        db_pool_size=max(1, _env_int("MES_DB_POOL_SIZE", 5)),
        db_max_overflow=max(0, _env_int("MES_DB_MAX_OVERFLOW", 10)),
        db_threads=max(0, _env_int("MES_DB_THREADS", 0 if database_url.startswith("sqlite") else 5)),
        db_pool_recycle_seconds=_env_int("MES_DB_POOL_RECYCLE_SECONDS", 1800),
        db_pool_timeout_seconds=max(1, _env_int("MES_DB_POOL_TIMEOUT_SECONDS", 10)),
        db_connect_timeout_seconds=max(1, _env_int("MES_DB_CONNECT_TIMEOUT_SECONDS", 5)),
        redis_state_lease_seconds=_lease_seconds(_env("MES_REDIS_STATE_LEASE_SECONDS", "5")),
        events_in_flight=max(0, _env_int("MES_EVENTS_IN_FLIGHT", 8)),
    )


# Defaults per client address: generous for people (a family behind one home router, a ward
# behind one hospital address), tight for scripts.
RATE_LIMITS = {
    "login": "20/minute;200/hour",
    "register": "10/hour",
    "password_reset": "5/hour",
    # Per e-mail address typed, not per client: over it, the same answer and no mail (nobody
    # can flood someone's mailbox, nor learn anything from a refusal).
    "password_reset_mail": "3/hour",
    # Per e-mail address registered (activation or "someone tried" mail), silently the same way.
    "registration_mail": "3/hour",
    "link_open": "60/10 minutes",
    "passcode": "20/10 minutes",
    "emergency_open": "60/10 minutes",
    "upload": "60/10 minutes",
    "fhir": "300/minute;5000/hour",  # FHIR API (issue 12 item 2): per client address
}


def _time_zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuntimeError(f"MES_TIME_ZONE: unknown time zone {name!r}") from exc
    return name


DOCUMENT_STORES = ("local", "postgresql")


def _document_store(chosen: str, url: str, database_url: str) -> dict[str, str]:
    """The store, and the PostgreSQL database for documents: MES_DOCUMENT_STORE_URL, else the
    app's database when it is PostgreSQL (known even with the local store, for
    ``python -m mes_app documents migrate --to postgresql``)."""
    mode = chosen.lower()
    if mode not in DOCUMENT_STORES:
        raise RuntimeError(f"MES_DOCUMENT_STORE must be one of {', '.join(DOCUMENT_STORES)}")
    url = _normalise_db_url(url or database_url)
    if not url.startswith("postgresql"):
        if mode == "postgresql":
            raise RuntimeError(
                "MES_DOCUMENT_STORE=postgresql needs a PostgreSQL database: MES_DOCUMENT_STORE_URL, "
                "or MES_DATABASE_URL when it is PostgreSQL"
            )
        url = ""
    return {"document_store": mode, "document_store_url": url}


# Reflex's Redis lock expires after 10 s (redis_lock_expiration); a lease must end well before.
MAX_STATE_LEASE_SECONDS = 8.0


def _lease_seconds(raw: str) -> float:
    try:
        seconds = float(raw)
    except ValueError:
        raise RuntimeError("MES_REDIS_STATE_LEASE_SECONDS must be a number of seconds") from None
    if not 0 <= seconds <= MAX_STATE_LEASE_SECONDS:
        raise RuntimeError(f"MES_REDIS_STATE_LEASE_SECONDS must be between 0 and {MAX_STATE_LEASE_SECONDS:g}")
    return seconds


def reflex_state_lease_env(chosen: Settings) -> dict[str, str]:
    """Reflex's variables for the Redis state lease (its "opportunistic lock"), from our setting.

    Reflex reads them when it builds its Redis state manager; rxconfig puts them in the
    environment first, so that MES_REDIS_STATE_LEASE_SECONDS is the one knob.
    """
    if chosen.state_manager != "redis" or chosen.redis_state_lease_seconds <= 0:
        return {"REFLEX_OPLOCK_ENABLED": "false"}
    milliseconds = max(1, round(chosen.redis_state_lease_seconds * 1000))
    return {"REFLEX_OPLOCK_ENABLED": "true", "REFLEX_OPLOCK_HOLD_TIME": f"{milliseconds}ms"}


STATE_MANAGERS = ("memory", "disk", "redis")


def _state_manager(chosen: str, redis_url: str) -> str:
    """Redis as soon as it is configured (several workers share state), else memory."""
    mode = chosen.lower() or ("redis" if redis_url else "memory")
    if mode not in STATE_MANAGERS:
        raise RuntimeError(f"MES_STATE_MANAGER must be one of {', '.join(STATE_MANAGERS)}")
    if mode == "redis" and not redis_url:
        raise RuntimeError("MES_STATE_MANAGER=redis needs MES_REDIS_URL")
    return mode


settings = load_settings()
