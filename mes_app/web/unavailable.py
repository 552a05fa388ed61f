"""The database is away (restarting, unreachable): what the user sees, what the log keeps.

A request or an event that was in flight when PostgreSQL went away fails with one clear,
translated message ("the service is temporarily unavailable, try again"), never a stack trace,
an SQL statement or a value; the next ones succeed as soon as the server is back, without
restarting MES (the pool drops the connections the server closed: :mod:`mes_app.db.engine`).

- HTTP routes: :func:`http_response` (503, ``Retry-After``), JSON ``{"ok": false, "code",
  "message"}``, or an ``OperationOutcome`` on the FHIR API; installed as the Starlette
  exception handler of the API apps (:func:`mes_app.web.routes.build_api`, ``public_api``).
- Reflex events: :func:`toast` (the binding middleware, and the app's backend exception
  handler for a handler cut in the middle).
- The log: one line with the driver's error class (:func:`log_unavailable`).
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mes_app import i18n

log = logging.getLogger(__name__)

CODE = "error.service_unavailable"
RETRY_AFTER_SECONDS = 5


def is_unavailable(error: BaseException) -> bool:
    """The database could not be reached or dropped the connection (not a refused statement)."""
    if not isinstance(error, DBAPIError):
        return False
    return error.connection_invalidated or isinstance(error, (OperationalError, InterfaceError))


def log_unavailable(error: BaseException) -> None:
    """The driver's error class only: its message may quote a statement or a value."""
    reason = type(getattr(error, "orig", None) or error).__name__
    log.warning("database unavailable (%s): the request was answered with %s", reason, CODE)


def message(lang: str) -> str:
    return i18n.t(CODE, lang)


async def http_response(request: Request, error: Exception) -> Response:
    """Starlette exception handler for :class:`sqlalchemy.exc.DBAPIError`."""
    if not is_unavailable(error):
        raise error
    log_unavailable(error)
    headers = {"Cache-Control": "no-store", "Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.url.path.startswith("/fhir/"):
        from mes_app.web import fhir_routes

        return fhir_routes.outcome(503, "transient", "the service is temporarily unavailable", headers=headers)
    from mes_app.web import auth

    lang = auth.lang_from_cookie_header(request.headers.get("cookie"))
    return JSONResponse({"ok": False, "code": CODE, "message": message(lang)}, status_code=503, headers=headers)


EXCEPTION_HANDLERS = {DBAPIError: http_response}


def toast(lang: str):  # noqa: ANN201 - a Reflex EventSpec
    """The message as a toast on the page the user is on."""
    import reflex as rx

    return rx.toast.error(message(lang), id="service-unavailable")


# The language of the event being processed (set by the binding middleware before the handler
# runs, in the same task), for the backend exception handler, which gets the exception alone.
_event_lang: ContextVar[str] = ContextVar("mes_event_lang", default=i18n.DEFAULT_LANG)


def remember_event_lang(lang: str) -> None:
    _event_lang.set(lang)


def backend_exception_handler(exception: Exception):  # noqa: ANN201 - EventSpec (Reflex checks the annotations)
    """The app's handler of an event handler's exception: the database away gives the clear
    message (and one log line); anything else goes to Reflex's own handler."""
    if is_unavailable(exception):
        log_unavailable(exception)
        return toast(_event_lang.get())
    from reflex.app import default_backend_exception_handler

    return default_backend_exception_handler(exception)
