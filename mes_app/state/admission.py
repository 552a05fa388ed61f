"""How many events a worker runs at once: the others wait their turn *before* taking their client's state.

Reflex starts a task for every event as it arrives, and each task first takes its client's
state (under Redis: a lock every worker respects) and then does its work. When a worker has
more events than it can serve, they all interleave on its one event loop: each then holds its
client's state for as long as the loop takes to get through all of them, seconds at 100 users,
although its own work takes milliseconds. Under Redis that is a lock another worker may be
waiting for (and Reflex's "Lock ... held too long" warning).

The gate lets ``settings.events_in_flight`` events of the worker run at once; the others wait
in arrival order, holding nothing. Each event then holds its state only for its own work and
that of a few others. The total wait is the same (a saturated server serves the same number
of events per second whatever the order; Little's law), but it is spent in the queue, not
with a lock held. Background events (the polls of long jobs) are not counted: they give their
state back at once and must not take a seat for minutes.

Eight by default: more than the database threads a worker has (5 on PostgreSQL, so that their
waits overlap), few enough that an event is not diluted among a hundred. 0 turns it off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from mes_app.settings import settings

if TYPE_CHECKING:
    from reflex.app import App

_GATE_ATTRIBUTE = "_mes_admission_gate"


def admit_in_turn(app: App, seats: int | None = None) -> None:
    """Put the gate in front of this worker's event processor, once per processor.

    Called by the binding middleware on every event (the processor only exists once the
    server has started), so the first event of a worker runs before the gate is there.
    """
    seats = settings.events_in_flight if seats is None else seats
    processor = app._event_processor
    if processor is None or seats <= 0 or getattr(processor, _GATE_ATTRIBUTE, None) is not None:
        return
    gate = asyncio.Semaphore(seats)
    setattr(processor, _GATE_ATTRIBUTE, gate)
    processor._execute_event = _in_turn(processor._execute_event, gate)  # pyright: ignore[reportAttributeAccessIssue]


def gate_of(app: App) -> asyncio.Semaphore | None:
    """The gate of this worker's processor, if it has one (tests, benchmarks)."""
    return getattr(app._event_processor, _GATE_ATTRIBUTE, None)


def _in_turn(execute: Callable[..., Awaitable[None]], gate: asyncio.Semaphore) -> Callable[..., Awaitable[None]]:
    async def execute_in_turn(*, entry: Any, registered_handler: Any) -> None:  # noqa: ANN401 - Reflex's types
        if registered_handler.handler.is_background:
            await execute(entry=entry, registered_handler=registered_handler)
            return
        async with gate:
            await execute(entry=entry, registered_handler=registered_handler)

    return execute_in_turn
