"""A real SMTP server for tests (aiosmtpd, in its own thread), and a mailbox to read from.

    with smtp_server() as box:
        ... the app sends to 127.0.0.1:box.port ...
        message = box.wait_for("ana@example.org")
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+/api/password-reset\?t=[\w-]+")
ACTIVATION_LINK = re.compile(r"https?://\S+/api/activate\?t=[\w-]+")


class Mailbox:
    """Every message the server accepted, in order."""

    def __init__(self) -> None:
        self.port = 0
        self.messages: list[EmailMessage] = []
        self._lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd's hook
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self._lock.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 15) -> EmailMessage:
        """The ``count``-th message to ``address`` (waits for it)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.messages if address.lower() in str(m["To"]).lower()]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no message #{count} to {address} within {timeout} s")
                self._lock.wait(left)


def reset_link_in(message: EmailMessage) -> str:
    body = message.get_body(("plain",)).get_content()
    match = LINK.search(body)
    assert match, "no reset link in the mail"
    return match.group(0)


def activation_link_in(message: EmailMessage) -> str:
    body = message.get_body(("plain",)).get_content()
    match = ACTIVATION_LINK.search(body)
    assert match, "no activation link in the mail"
    return match.group(0)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(box: Mailbox | None = None) -> Iterator[Mailbox]:
    """A real SMTP server on a free local port delivering into ``box`` (a new ``Mailbox`` by default)."""
    box = box if box is not None else Mailbox()
    box.port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
