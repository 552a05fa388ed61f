"""Where a background job's progress is seen by every worker (issue 14): with several workers
sharing Redis (``MES_REDIS_URL``), the worker that runs a job publishes its progress there, and
the worker whose websocket polls for it reads it back. One process keeps its jobs in memory and
needs no board. What is published is a job's status and counts, never health data."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

from mes_app.settings import settings

log = logging.getLogger(__name__)
PREFIX = "mes:job:"


@lru_cache(maxsize=2)
def _client(url: str) -> Any:  # noqa: ANN401 - redis.Redis
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def publish(kind: str, key: str, record: dict[str, Any], *, keep_seconds: int) -> None:
    """Publish a job's record (JSON-able), kept ``keep_seconds``; no board, nothing to do."""
    if not settings.redis_url:
        return
    try:
        _client(settings.redis_url).set(f"{PREFIX}{kind}:{key}", json.dumps(record), ex=keep_seconds)
    except Exception as error:  # noqa: BLE001 - progress is a courtesy: the job goes on
        log.warning("job board unavailable (%s)", type(error).__name__)


def read(kind: str, key: str) -> dict[str, Any] | None:
    """The record another worker published for this job, or None."""
    if not settings.redis_url:
        return None
    try:
        raw = _client(settings.redis_url).get(f"{PREFIX}{kind}:{key}")
    except Exception as error:  # noqa: BLE001
        log.warning("job board unavailable (%s)", type(error).__name__)
        return None
    return json.loads(raw) if raw else None
