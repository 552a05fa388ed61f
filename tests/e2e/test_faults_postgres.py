"""PostgreSQL restarted while users browse (issue 14 item 4), on a private server of our own
(``initdb`` in a temporary folder, a free port), never the machine's shared one.

MES is never restarted. What users see:
- PostgreSQL restarted between two of their clicks: the next click works at once (the pool
  drops the connections the server closed, with no pre-ping round trip per checkout);
- PostgreSQL down while they click: each click answers with one clear message in their language
  (FR or EN), nothing else (no data, no SQL); an HTTP route answers 503 with the same message;
- PostgreSQL back: the next clicks load their data again;
- a measures import in flight (its rows inserted, its commit not sent: a pause point of the
  server, mes_app/fault_points.py) when PostgreSQL stops: 503 with the message, no row stored,
  and the user's retry imports every row.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from mes_app import i18n
from tests.e2e import faults
from tests.e2e import server as mes_server
from tests.e2e.ws_client import ON_LOAD_INTERNAL, WsClient, login_cookie

pytestmark = pytest.mark.e2e

HEALTH_WORD = "Pénicilline"  # on the mother's summary, in the seed
PAGE = "/summary"
PAUSE_SECONDS = 3  # the import waits this long with its rows inserted, before its commit
IMPORTED = 300


@pytest.fixture()
def postgres():
    if reason := faults.missing_postgres():
        pytest.skip(f"no private PostgreSQL server can run here: {reason}")
    with faults.private_postgres() as server:
        admin = sa.create_engine(server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE mes"))
        admin.dispose()
        yield server


async def _open_summary(base_url: str, cookie: str, lang: str) -> WsClient:
    client = WsClient(base_url, cookie=cookie, lang=lang)
    await client.connect(path=PAGE)
    await _wait_for(client, HEALTH_WORD)
    return client


async def _wait_for(client: WsClient, text: str, since: int = 0, timeout: float = 20) -> str:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        seen = "\n".join(client.received[since:])
        if text in seen:
            return seen
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} never arrived")


async def _reload(client: WsClient) -> str:
    """The user opens the page again (its on_load handlers run): what the server sent back."""
    since = len(client.received)
    await client.call(ON_LOAD_INTERNAL, path=PAGE)
    await asyncio.sleep(0.5)
    return "\n".join(client.received[since:])


def test_postgres_restarted_while_users_browse(postgres: faults.PrivatePostgres, tmp_path: Path) -> None:
    database = sa.engine.make_url(postgres.url).set(database="mes").render_as_string(hide_password=False)
    pause, marker = faults.paused_at("measures.import", tmp_path, seconds=PAUSE_SECONDS)
    server = faults.start(tmp_path / "mes", {"MES_DATABASE_URL": database, **pause})
    try:
        pid = server.process.pid if server.process else None
        _browse_through_restarts(server, postgres)
        _import_in_flight(server, postgres, marker)
        assert server.process is not None and server.process.pid == pid and server.process.poll() is None
        log = server.log_path.read_text(errors="replace")
        assert "database unavailable (" in log
        assert HEALTH_WORD not in log and "[parameters:" not in log
    finally:
        mes_server.stop(server)


def _browse_through_restarts(server: mes_server.LiveServer, postgres: faults.PrivatePostgres) -> None:
    cookie_fr = login_cookie(server.base_url, *faults.PARENT)
    cookie_en = login_cookie(server.base_url, *faults.PARENT)  # the same mother on her laptop, in English
    assert cookie_fr and cookie_en
    csv = b"date,kind,value,unit\n2026-11-01 08:30,weight,72.5,kg\n"
    form = faults.multipart({"profile": str(_profile(server)), "mode": "preview"}, "m.csv", csv)

    async def scenario() -> None:
        phone = await _open_summary(server.base_url, cookie_fr, "fr")
        laptop = await _open_summary(server.base_url, cookie_en, "en")
        try:
            # 1. Restarted between two clicks: the pool holds connections the server closed.
            postgres.stop("fast")
            postgres.start()
            for client in (phone, laptop):
                assert HEALTH_WORD in await _reload(client), "the first click after the restart failed"

            # 2. Down while they click: the clear message, in each one's language, and nothing else.
            postgres.stop("immediate")
            for client, lang in ((phone, "fr"), (laptop, "en")):
                answer = await _reload(client)
                assert i18n.t("error.service_unavailable", lang) in _called_functions(answer), answer[-2000:]
                assert HEALTH_WORD not in answer
            status, body = faults.post(server, "/api/measures/import", form[1], form[0], cookie=cookie_en, lang="en")
            assert status == 503
            assert json.loads(body) == {"ok": False, "code": "error.service_unavailable",
                                        "message": i18n.t("error.service_unavailable", "en")}

            # 3. Back: the next clicks and requests work, MES untouched.
            postgres.start()
            for client in (phone, laptop):
                assert HEALTH_WORD in await _reload(client)
            status, body = faults.post(server, "/api/measures/import", form[1], form[0], cookie=cookie_fr)
            assert status == 200 and json.loads(body)["valid"] == 1
        finally:
            await phone.close()
            await laptop.close()

    asyncio.run(scenario())


def _import_in_flight(server: mes_server.LiveServer, postgres: faults.PrivatePostgres, marker: Path) -> None:
    """A measures import in flight (rows inserted, commit not sent) when PostgreSQL stops: the
    user is told in their language, nothing of it is stored, and the retry imports every row."""
    cookie = login_cookie(server.base_url, *faults.PARENT)
    assert cookie
    lines = "".join(f"2025-03-{1 + i // 24:02d} {i % 24:02d}:00,weight,{70 + i % 10 / 10:.1f},kg\n"
                    for i in range(IMPORTED))
    content_type, body = faults.multipart({"profile": str(_profile(server)), "mode": "import"}, "m.csv",
                                          ("date,kind,value,unit\n" + lines).encode())
    before = faults.counts(server, "measure")["measure"]
    answers: list[tuple[int, bytes]] = []
    sender = threading.Thread(target=lambda: answers.append(
        faults.post(server, "/api/measures/import", body, content_type, cookie=cookie, lang="en", timeout=60)))
    sender.start()
    faults.wait_for(marker.exists, "the import paused before its commit")
    postgres.stop("fast")
    sender.join(timeout=60)
    postgres.start()
    [(status, answer)] = answers
    assert status == 503 and json.loads(answer)["message"] == i18n.t("error.service_unavailable", "en")
    assert faults.counts(server, "measure")["measure"] == before, "a half import is stored"

    marker.unlink()
    status, answer = faults.post(server, "/api/measures/import", body, content_type, cookie=cookie, timeout=60)
    assert status == 200 and json.loads(answer)["imported"] == IMPORTED, answer
    assert faults.counts(server, "measure")["measure"] == before + IMPORTED


def _called_functions(answer: str) -> str:
    """The JavaScript the server asked the page to run (a toast is one), its escapes decoded."""
    sources = []
    for line in answer.splitlines():
        with contextlib.suppress(ValueError):
            for event in json.loads(line).get("events", []):
                if event.get("name") == "_call_function":
                    sources.append(str(event["payload"]["function"]).encode().decode("unicode_escape"))
    return "\n".join(sources)


def _profile(server: mes_server.LiveServer) -> int:
    return faults.profile_id(server)
