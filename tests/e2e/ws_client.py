"""A minimal Reflex websocket client, to call any handler with any arguments as an attacker
would (Socket.IO v5 on ``/_event``; wire format in shared/reference/reflex-internals.md §8)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

import socketio

ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate"
# What Reflex 0.10's own browser client sends in the CONNECT packet (.web/utils/state.js,
# ``bootAuth``): the state is sent back and the page's on_load handlers run.
HYDRATE_AND_LOAD = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD_INTERNAL = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
# Every event a connection can start with when it (re)connects.
BOOT_EVENTS = (HYDRATE_AND_LOAD, HYDRATE, ON_LOAD_INTERNAL)


def handler_name(state_cls: type, handler: str) -> str:
    return f"{state_cls.get_full_name()}.{handler}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def login_cookie(base_url: str, email: str, password: str) -> str | None:
    """POST the native login form; return the session cookie value, or None when refused."""
    data = urllib.parse.urlencode({"email": email, "password": password}).encode()
    request = urllib.request.Request(f"{base_url}/api/login", data=data, method="POST",
                                     headers={"Origin": base_url})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:  # the 303 arrives as an "error" without redirects
        response = error
    for header in response.headers.get_all("set-cookie") or []:
        name, _, rest = header.partition("=")
        if name.strip() == "mes_session":
            return rest.split(";", 1)[0]
    return None


def visitor_cookie(base_url: str, path: str = "/") -> str:
    """Load a page as a browser does; return the visitor cookie the server set."""
    with urllib.request.urlopen(f"{base_url}{path}", timeout=30) as response:
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "mes_visitor":
                return rest.split(";", 1)[0]
    raise AssertionError(f"no visitor cookie on {path}")


def router_data(path: str) -> dict:
    """The router data the browser sends with an event on ``path`` (query included)."""
    parsed = urllib.parse.urlsplit(path)
    data: dict = {"pathname": parsed.path or "/", "asPath": path}
    query = dict(urllib.parse.parse_qsl(parsed.query))
    if query:
        data["query"] = query
    return data


def logout(base_url: str, cookie: str) -> None:
    request = urllib.request.Request(f"{base_url}/api/logout", data=b"", method="POST",
                                     headers={"Cookie": f"mes_session={cookie}", "Origin": base_url})
    opener = urllib.request.build_opener(_NoRedirect)
    with contextlib.suppress(urllib.error.HTTPError):  # the redirect to /login
        opener.open(request, timeout=30)


@dataclass
class WsClient:
    base_url: str
    cookie: str | None = None
    visitor: str | None = None  # the mes_visitor cookie, for a visitor without an account
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    received: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    origin: str | None = None  # defaults to the app's own origin
    new_tokens: list[str] = field(default_factory=list)  # tokens the server replaced ours with
    lang: str | None = None  # the language cookie (mes_lang), as the language switch sets it

    def __post_init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self._final = asyncio.Event()

        @self.sio.on("event", namespace="/_event")
        async def on_event(data):  # noqa: ANN001, ANN202
            self.received.append(json.dumps(data, ensure_ascii=False))
            if isinstance(data, dict) and data.get("final", True):
                self._final.set()

        @self.sio.on("new_token", namespace="/_event")
        async def on_new_token(token):  # noqa: ANN001, ANN202 - the server took ours for a duplicate tab
            self.new_tokens.append(str(token))

    async def connect(self, path: str = "/", boot: str | None = HYDRATE_AND_LOAD, timeout: float = 15) -> str:
        """Open the websocket the way Reflex's browser client does: the boot event rides in
        the CONNECT packet (``boot=None``: a bare connection, the next event is the first).
        Returns what the boot event sent back, as text."""
        cookies = [f"mes_session={self.cookie}"] if self.cookie else []
        if self.visitor:
            cookies.append(f"mes_visitor={self.visitor}")
        if self.lang:
            cookies.append(f"mes_lang={self.lang}")
        headers = {"Origin": self.origin or self.base_url}
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        auth = None
        if boot is not None:
            auth = {"event": {"name": boot, "payload": {}, "router_data": router_data(path)}}
        start = len(self.received)
        self._final.clear()
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            headers=headers,
            auth=auth,
            wait_timeout=30,
        )
        if boot is not None:
            try:
                await asyncio.wait_for(self._final.wait(), timeout)
            except TimeoutError:
                self.timeouts.append(boot.rsplit(".", 1)[-1])
            await self._quiet(0.3, timeout)  # the page's on_load handlers follow the hydrate
        return "\n".join(self.received[start:])

    async def _quiet(self, gap: float, timeout: float) -> None:
        """Wait until nothing has arrived for ``gap`` seconds (at most ``timeout``): on a loaded
        machine the on_load chain after the hydrate can take longer than a fixed sleep, and
        its last update would then be taken for the end of the next event."""
        deadline = asyncio.get_running_loop().time() + timeout
        seen = -1
        while len(self.received) != seen and asyncio.get_running_loop().time() < deadline:
            seen = len(self.received)
            await asyncio.sleep(gap)

    async def call(self, name: str, payload: dict | None = None, path: str = "/", timeout: float = 15) -> str:
        """Send one event, wait for its final update; return what arrived, as text."""
        start = len(self.received)
        self._final.clear()
        await self.sio.emit(
            "event",
            {"name": name, "payload": payload or {}, "router_data": router_data(path)},
            namespace="/_event",
        )
        try:
            await asyncio.wait_for(self._final.wait(), timeout)
        except TimeoutError:
            self.timeouts.append(name.rsplit(".", 1)[-1])
        await asyncio.sleep(0.2)
        return "\n".join(self.received[start:])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.sio.disconnect()
