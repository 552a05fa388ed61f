"""Plain synchronous handlers of MES's states run in the database threads (issue 14 item 1):
their database round trips never block the worker's event loop. :class:`AppState` creates
its handlers through :func:`in_db_thread` / :class:`OffLoopHandler`."""

from __future__ import annotations

import asyncio
import functools
import inspect
import types
from collections.abc import Callable
from typing import Any, TypeVar

from reflex_base.event import BACKGROUND_TASK_MARKER, EventHandler

from mes_app.db.engine import cpu_off_loop, off_loop

CPU_BOUND_MARKER = "_mes_cpu_bound"
F = TypeVar("F", bound=Callable[..., Any])


def cpu_bound(fn: F) -> F:
    """Mark a handler whose work is dominated by CPU that must never hold the event loop (argon2:
    registration, a password or passcode checked): it runs in a thread even without db threads
    (SQLite). Put it under ``@rx.event``."""
    setattr(fn, CPU_BOUND_MARKER, True)
    return fn


class OffLoopHandler(EventHandler):
    """The event handler of a plain synchronous method of a MES state: Reflex awaits it, and the
    method runs in the database threads while the event loop serves other clients. The client's
    state stays locked by Reflex for the whole event, so only this thread touches it meanwhile.

    Accessed on a state instance (a unit test, another handler calling it), it is the plain
    method, called synchronously as written; so is ``handler.fn`` called outside an event loop."""

    @property
    def _is_coroutine_function(self) -> bool:
        return True

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        bound = super().__get__(instance, owner)
        if isinstance(bound, types.MethodType):
            return types.MethodType(self.fn.__wrapped__, bound.__self__)
        return bound


def runs_off_loop(fn: Any) -> bool:
    """A handler written in a state's body as a plain method (not Reflex's generated setters,
    not async, not a generator, not a background task)."""
    return (
        inspect.isfunction(fn)
        and "<locals>" not in fn.__qualname__
        and not inspect.iscoroutinefunction(fn)
        and not inspect.isgeneratorfunction(fn)
        and not inspect.isasyncgenfunction(fn)
        and not getattr(fn, BACKGROUND_TASK_MARKER, False)
    )


def in_db_thread(fn: Callable[..., Any]) -> Callable[..., Any]:
    """What Reflex calls (``handler.fn``): on the event loop, an awaitable of the method run in
    the db threads; called outside any event loop (a test, a script), the method itself. A
    :func:`cpu_bound` handler runs in a thread even when there are no db threads."""
    run_off = cpu_off_loop if getattr(fn, CPU_BOUND_MARKER, False) else off_loop

    @functools.wraps(fn)  # Reflex reads the name, signature, type hints and markers through it
    def run(state: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return fn(state, *args, **kwargs)
        return run_off(fn, state, *args, **kwargs)

    return run
